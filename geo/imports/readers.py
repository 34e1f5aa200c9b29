"""The only code that reads uploaded files: CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile, KML.

``read_file(path)`` returns a :class:`RawTable`: the cells as written (object dtype,
indexed by the row number the user sees: Excel row / CSV line / feature number), the
header row, any geometry with the file's CRS, and reader warnings (hidden rows, total
rows skipped, formula cells without a saved value). A file that cannot be read at all
raises :class:`geo.imports.issues.UnreadableFile` naming why. Nothing here parses values or
knows the data model beyond the header alias table (``geo.imports.columns``).
"""
from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio

from geo.i18n import choices
from geo.imports.columns import header_score, is_units_row
from geo.imports.issues import WARNING, Issue, UnreadableFile
from geo.settings import get_settings

TABULAR = (".csv", ".txt", ".xlsx", ".xlsm")
GIS = (".geojson", ".json", ".gpkg", ".zip", ".kml")
ACCEPTED: tuple[str, ...] = TABULAR + GIS
ENCODINGS: tuple[str, ...] = ("utf-16", "utf-8-sig", "utf-8", "gb18030")  # utf-16 only with its BOM
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "总合计", "total", "sum", "totals", "合计:"})
_HEADER_SEARCH_ROWS = 30
_ZIP_MAGIC = b"PK\x03\x04"
_BOMB_RATIO = 100  # real spreadsheets and shapefiles compress far less than 100:1
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class RawTable:
    """One sheet / layer as read: cells, row numbers, geometry and reader warnings."""

    source: str
    kind: str  # csv | xlsx | geojson | gpkg | shp | kml
    cells: pd.DataFrame  # object cells, columns = headers as written, index = row numbers
    geometry: gpd.GeoSeries | None = None  # aligned with cells; CRS from the file (may be None)
    choices: list[str] = field(default_factory=list)  # sheets or layers the file offers
    chosen: str = ""  # sheet / layer / encoding used
    issues: list[Issue] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # header -> unit from a units row


def read_upload(data: bytes, filename: str, **options: str | None) -> RawTable:
    """Read uploaded bytes (e.g. from the browser) as if they were the file ``filename``."""
    with tempfile.TemporaryDirectory(prefix="qy-upload-") as tmp:
        path = Path(tmp) / Path(filename).name
        path.write_bytes(data)
        table = read_file(path, **options)
    table.source = Path(filename).name
    return table


def read_file(path: str | Path, *, sheet: str | None = None, layer: str | None = None,
              encoding: str | None = None) -> RawTable:
    """Read one file into a :class:`RawTable` (see the module doc); raises UnreadableFile."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise UnreadableFile("not_found", name)
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile("empty", name)
    limit_mb = get_settings().import_max_mb
    if size > limit_mb * 1024 * 1024:
        raise UnreadableFile("too_big", name, size_mb=round(size / 2**20, 1), limit_mb=limit_mb)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(path, encoding)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_xlsx(path, sheet)
    if suffix == ".zip":
        return _read_zip(path, layer, encoding)
    if suffix in GIS:
        return _read_gis(path, path.name, layer, encoding)
    raise UnreadableFile("format", name, suffix=suffix or "-", accepted=" ".join(ACCEPTED))


# --- CSV --------------------------------------------------------------------------------
def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise UnreadableFile("encoding_unknown", name, encoding=encoding) from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise UnreadableFile("encoding_override", name, encoding=encoding, line=line) from None
    for enc in ENCODINGS:
        if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            continue
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding", name)


def _read_csv(path: Path, encoding: str | None) -> RawTable:
    data = path.read_bytes()
    name = path.name
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("binary", name)
    _check_rows(data.count(b"\n"), name)
    text, used = _decode(data, name, encoding)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    start = 1
    for record in reader:
        rows.append((start, list(record)))
        start = reader.line_num + 1
    table = _table_from_rows(rows, name, "csv")
    table.chosen = used
    return table


def _check_rows(count: int, name: str) -> None:
    limit = get_settings().import_max_rows
    if count > limit + _HEADER_SEARCH_ROWS:
        raise UnreadableFile("too_many_rows", name, rows=f"{count:,}", limit=f"{limit:,}")


# --- rows -> table (shared by CSV and XLSX) -------------------------------------------------
def _clean(value: object) -> object:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("\u3000", " ")
        return text if text.strip() else None
    return value


def _find_header(rows: list[tuple[int, list[object]]], name: str) -> int:
    scores = [header_score(cells) for _, cells in rows[:_HEADER_SEARCH_ROWS]]
    if not scores or max(scores) < 2:
        raise UnreadableFile("no_header", name)
    return scores.index(max(scores))


def _headers(cells: list[object]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, cell in enumerate(cells):
        text = str(cell).strip() if cell not in (None, "") else f"#{i + 1}"
        text = " ".join(text.split())
        seen[text] = seen.get(text, 0) + 1
        out.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return out


def _is_total(cells: list[object]) -> bool:
    words = [str(c).strip().lower().replace(" ", "") for c in cells[:4] if c not in (None, "")]
    return bool(words) and words[0] in TOTAL_WORDS


def _table_from_rows(rows: list[tuple[int, list[object]]], name: str, kind: str) -> RawTable:
    rows = [(n, [_clean(c) for c in cells]) for n, cells in rows]
    at = _find_header(rows, name)
    headers = _headers(rows[at][1])
    body = rows[at + 1:]
    units: dict[str, str] = {}
    if body and is_units_row(body[0][1]):
        units = {h: str(u) for h, u in zip(headers, body[0][1]) if u not in (None, "")}
        body = body[1:]
    issues: list[Issue] = []
    kept: list[tuple[int, list[object]]] = []
    for number, cells in body:
        cells = (cells + [None] * len(headers))[: len(headers)]
        if all(c in (None, "") for c in cells):
            continue
        if _is_total(cells):
            issues.append(Issue("total_row", WARNING, number, headers[0], str(cells[0]), name))
            continue
        kept.append((number, cells))
    if not kept:
        raise UnreadableFile("no_rows", name, row=rows[at][0])
    frame = pd.DataFrame([c for _, c in kept], columns=headers, index=[n for n, _ in kept], dtype=object)
    return RawTable(name, kind, frame, issues=issues, units=units)


# --- XLSX -----------------------------------------------------------------------------------
def _check_zip(path: Path, name: str) -> zipfile.ZipFile:
    head = path.read_bytes()[:8]
    if head.startswith(_OLE_MAGIC):
        raise UnreadableFile("xls_legacy", name)
    if not head.startswith(_ZIP_MAGIC):
        raise UnreadableFile("not_spreadsheet", name)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnreadableFile("corrupt_zip", name) from None
    total = sum(info.file_size for info in archive.infolist())
    packed = max(1, sum(info.compress_size for info in archive.infolist()))
    limit = get_settings().import_max_mb * 1024 * 1024 * 4
    if total > limit:
        raise UnreadableFile("zip_bomb", name, size_mb=round(total / 2**20), limit_mb=limit // 2**20)
    if total > 10 * 2**20 and total / packed > _BOMB_RATIO:
        raise UnreadableFile("zip_ratio", name, size_mb=round(total / 2**20), ratio=round(total / packed))
    return archive


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:

    name = path.name
    with _check_zip(path, name):
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise UnreadableFile("not_spreadsheet_detail", name, reason=type(exc).__name__) from None
    sheets = book.sheetnames
    chosen = sheet if sheet is not None else _first_sheet(book)
    if chosen not in sheets:
        raise UnreadableFile("unknown_sheet", name, sheet=chosen, valid=choices(sheets))
    ws, wf = book[chosen], formulas[chosen]
    _check_rows(ws.max_row, name)
    values = _sheet_values(ws)
    table = _table_from_rows(values, name, "xlsx")
    table.issues += _sheet_notes(ws, wf, table, name)
    table.choices, table.chosen = sheets, chosen
    return table


def _first_sheet(book) -> str:
    for ws in book.worksheets:
        if ws.sheet_state == "visible" and ws.max_row > 1:
            return ws.title
    return book.sheetnames[0]


def _sheet_values(ws) -> list[tuple[int, list[object]]]:
    grid = {r: list(cells) for r, cells in enumerate(ws.iter_rows(values_only=True), start=1)}
    for merged in ws.merged_cells.ranges:
        top = grid.get(merged.min_row, [])
        value = top[merged.min_col - 1] if len(top) >= merged.min_col else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r in grid and len(grid[r]) >= c and (r, c) != (merged.min_row, merged.min_col):
                    # a title merged across columns stays one cell; merged down rows is filled
                    grid[r][c - 1] = value if merged.max_row > merged.min_row else None
    return sorted(grid.items())


def _sheet_notes(ws, wf, table: RawTable, name: str) -> list[Issue]:
    notes: list[Issue] = []
    headers = list(table.cells.columns)
    for row in table.cells.index:
        if ws.row_dimensions[row].hidden:
            notes.append(Issue("hidden_row", WARNING, int(row), "", "", name))
        for col, header in enumerate(headers, start=1):
            raw = wf.cell(row=row, column=col).value
            if isinstance(raw, str) and raw.startswith("=") and table.cells.at[row, header] is None:
                notes.append(Issue("formula", "error", int(row), header, raw[:60], name))
    return notes


# --- GIS files --------------------------------------------------------------------------------
def _read_zip(path: Path, layer: str | None, encoding: str | None) -> RawTable:
    name = path.name
    archive = _check_zip(path, name)
    with archive, tempfile.TemporaryDirectory(prefix="qy-zip-") as tmp:
        members = [i.filename for i in archive.infolist() if not i.is_dir()]
        shps = sorted(m for m in members if m.lower().endswith(".shp") and not _unsafe(m))
        if not shps:
            raise UnreadableFile("zip_no_shp", name, files=choices(members[:6]) if members else "-")
        stems = [Path(s).stem for s in shps]
        chosen = layer if layer is not None else stems[0]
        if chosen not in stems:
            raise UnreadableFile("unknown_layer", name, layer=chosen, valid=choices(stems))
        shp = shps[stems.index(chosen)]
        parts = {m.lower(): m for m in members if m.lower().startswith(shp[:-4].lower() + ".")}
        for ext in (".dbf", ".shx"):
            if shp[:-4].lower() + ext not in parts:
                raise UnreadableFile("shp_part_missing", name, part=Path(shp).stem + ext)
        for member in parts.values():
            archive.extract(member, tmp)
        target = Path(tmp) / shp
        if encoding is None and shp[:-4].lower() + ".cpg" not in parts:
            encoding = _dbf_encoding(target.with_suffix(target.suffix[:-3] + "dbf"))
        table = _read_gis(target, name, "", encoding, kind="shp")
    table.choices, table.chosen = stems, chosen
    return table


def _unsafe(member: str) -> bool:
    return member.startswith(("/", "\\")) or ".." in Path(member).parts


def _dbf_encoding(dbf: Path) -> str | None:
    """'GB18030' for a .dbf whose text is not UTF-8 (Chinese Windows default, no .cpg)."""
    if not dbf.exists():
        dbf = next(dbf.parent.glob(dbf.stem + ".[dD][bB][fF]"), dbf)
    data = dbf.read_bytes()
    header_len = int.from_bytes(data[8:10], "little") if len(data) > 10 else 0
    body = data[header_len:]
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        return "GB18030" if _decodes(body, "gb18030") else None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _read_gis(path: Path, name: str, layer: str | None, encoding: str | None,
              kind: str | None = None) -> RawTable:
    kind = kind or {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml"}[path.suffix.lower()]
    try:
        layers = [str(n) for n, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL's DataSourceError and friends
        raise UnreadableFile("gis_unreadable", name, reason=str(exc).splitlines()[0][:120]) from None
    chosen = layer or _default_layer(path, layers)
    if chosen not in layers:
        raise UnreadableFile("unknown_layer", name, layer=chosen, valid=choices(layers))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = pyogrio.read_dataframe(path, layer=chosen, encoding=encoding)
    except Exception as exc:
        raise UnreadableFile("gis_unreadable", name, reason=str(exc).splitlines()[0][:120]) from None
    _check_rows(len(gdf), name)
    if len(gdf) == 0:
        raise UnreadableFile("no_rows", name, row=1)
    index = pd.RangeIndex(1, len(gdf) + 1)
    cells = pd.DataFrame(gdf.drop(columns=gdf.geometry.name, errors="ignore")).astype(object)
    cells = cells.map(_clean) if hasattr(cells, "map") else cells.applymap(_clean)
    cells.index = index
    geometry = gpd.GeoSeries(gdf.geometry.values, index=index, crs=gdf.crs) if "geometry" in gdf else None
    return RawTable(name, kind, cells, geometry, choices=layers, chosen=chosen)


def _default_layer(path: Path, layers: list[str]) -> str:
    if "compounds" in layers:
        return "compounds"
    info = pyogrio.list_layers(path)
    points = [str(n) for n, g in info if g and "Point" in str(g)]
    return points[0] if points else (layers[0] if layers else "")
