"""The only code that reads uploaded files: CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile, KML.

``read_file(path)`` returns a :class:`RawTable`: the cells as written (object dtype,
indexed by the row number the user sees: Excel row / CSV line / feature number), the
header row, any geometry with the file's CRS, and reader warnings (hidden rows, total
rows skipped, formula cells without a saved value). A file that cannot be read at all
raises :class:`geo.imports.issues.UnreadableFile` naming why. Nothing here parses values or
knows the data model beyond the header alias table (``geo.imports.columns``).

Every reader is bounded before it reads (:class:`ReadLimits`, from the settings): the file's
size; rows, columns and cells as the file's own metadata states them (an XLSX's
dimension, a GIS layer's feature and field counts) and again as the parser sees them
(a CSV stops at the limit whatever its line endings); the length of one cell; the
merged ranges of a sheet. An uploaded GeoPackage may hold no SQL views and no triggers
but those GeoPackage writers create. The app and the command line read files in a
separate process with time and memory limits on top (``geo.imports.sandbox``).
"""
from __future__ import annotations

import bisect
import csv
import errno
import io
import re
import sqlite3
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from openpyxl.utils.cell import range_boundaries

# openpyxl's own sheet parser (the one its read-only mode uses), to read values, formula
# cells, hidden rows and merged ranges in one pass; openpyxl is pinned below 3.2.
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

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
#: Longest text one cell may hold (Excel's own limit).
MAX_CELL_CHARS = 32_767
#: Most merged ranges one sheet may have.
MAX_MERGED_RANGES = 10_000
#: Triggers GeoPackage writers (GDAL, the spec's extensions) create; any other trigger is refused.
_GPKG_TRIGGERS = re.compile(r"^(rtree_.+_(insert|update\d*|delete)|trigger_(insert|delete)_feature_count_.+|gpkg_.+)$")
#: What a zip member can raise when its central directory lies about it.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


@dataclass(frozen=True)
class ReadLimits:
    """How big a file one import may read: megabytes, data rows, columns, cells (rows × columns)."""

    max_mb: int = 50
    max_rows: int = 20_000
    max_columns: int = 200
    max_cells: int = 1_000_000

    @classmethod
    def from_settings(cls) -> ReadLimits:
        """The limits the settings give (``QY_IMPORT_MAX_MB`` etc., see geo.settings)."""
        s = get_settings()
        return cls(s.import_max_mb, s.import_max_rows, s.import_max_columns, s.import_max_cells)

    @property
    def max_records(self) -> int:
        """Rows a file may have in all: the data rows and the rows above them that may hold the header."""
        return self.max_rows + _HEADER_SEARCH_ROWS


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


def read_file(path: str | Path, *, sheet: str | None = None, layer: str | None = None,
              encoding: str | None = None, limits: ReadLimits | None = None, name: str | None = None) -> RawTable:
    """Read one file into a :class:`RawTable` (see the module doc); raises UnreadableFile.

    ``limits`` default to the settings' (:meth:`ReadLimits.from_settings`); ``name`` is the
    file name messages and the table use (default: the path's).
    """
    path = Path(path)
    limits = limits or ReadLimits.from_settings()
    table = _read(path, name or path.name, sheet, layer, encoding, limits)
    table.source = name or path.name
    return table


def _read(path: Path, name: str, sheet: str | None, layer: str | None, encoding: str | None,
          limits: ReadLimits) -> RawTable:
    if not path.is_file():
        raise UnreadableFile("not_found", name)
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile("empty", name)
    if size > limits.max_mb * 1024 * 1024:
        raise UnreadableFile("too_big", name, size_mb=round(size / 2**20, 1), limit_mb=limits.max_mb)
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(path, name, encoding, limits)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_xlsx(path, name, sheet, limits)
    if suffix == ".zip":
        return _read_zip(path, name, layer, encoding, limits)
    if suffix in GIS:
        return _read_gis(path, name, layer, encoding, limits, kind=_GIS_KINDS[suffix])
    raise UnreadableFile("format", name, suffix=suffix or "-", accepted=" ".join(ACCEPTED))


_GIS_KINDS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml"}


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


def _read_csv(path: Path, name: str, encoding: str | None, limits: ReadLimits) -> RawTable:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("binary", name)
    text, used = _decode(data, name, encoding)
    del data
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    table = _table_from_rows(list(_csv_records(text, delimiter, name, limits)), name, "csv", limits)
    table.chosen = used
    return table


def _csv_records(text: str, delimiter: str, name: str, limits: ReadLimits) -> Iterator[tuple[int, list[object]]]:
    """(first line number, cells) of each record as the csv parser sees it (CR, LF or CRLF line
    endings alike), refusing as soon as a limit is passed."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, records, cells = 1, 0, 0
    try:
        for record in reader:
            records += 1
            cells += len(record)
            if records > limits.max_records:
                raise UnreadableFile("too_many_rows_stopped", name, line=f"{start:,}", limit=f"{limits.max_rows:,}")
            _check_width(len(record), cells, name, start, limits)
            yield start, list(record)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile("csv_malformed", name, line=f"{reader.line_num:,}", reason=str(exc)[:80]) from None


def _check_width(width: int, cells: int, name: str, row: int, limits: ReadLimits) -> None:
    if width > limits.max_columns:
        raise UnreadableFile("too_many_columns", name, row=row, columns=f"{width:,}", limit=f"{limits.max_columns:,}")
    if cells > limits.max_cells:
        raise UnreadableFile("too_many_cells", name, row=row, limit=f"{limits.max_cells:,}")


def _check_size(rows: int | None, columns: int | None, name: str, limits: ReadLimits) -> None:
    """Refuse a file whose metadata states more rows, columns or cells than the limits allow."""
    if rows is not None and rows > limits.max_records:
        raise UnreadableFile("too_many_rows", name, rows=f"{rows:,}", limit=f"{limits.max_rows:,}")
    if columns is not None and columns > limits.max_columns:
        raise UnreadableFile("too_many_columns", name, row=1, columns=f"{columns:,}", limit=f"{limits.max_columns:,}")
    if rows is not None and columns is not None and rows * columns > limits.max_cells:
        raise UnreadableFile("too_many_cells", name, row=1, limit=f"{limits.max_cells:,}")


# --- rows -> table (shared by CSV and XLSX) -------------------------------------------------
def _clean(value: object) -> object:
    if isinstance(value, str):
        return value if value.strip() else None  # as written: parsers normalise what they read (NFKC)
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


def _check_cells(cells: list[object], headers: list[str], row: int, name: str) -> None:
    for header, cell in zip(headers, cells):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise UnreadableFile("cell_too_long", name, row=row, column=header, chars=f"{len(cell):,}",
                                 limit=f"{MAX_CELL_CHARS:,}")


def _table_from_rows(rows: list[tuple[int, list[object]]], name: str, kind: str, limits: ReadLimits) -> RawTable:
    rows = [(n, [_clean(c) for c in cells]) for n, cells in rows]
    at = _find_header(rows, name)
    _check_cells(rows[at][1], [f"#{i + 1}" for i in range(len(rows[at][1]))], rows[at][0], name)
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
        _check_cells(cells, headers, number, name)
        if _is_total(cells):
            issues.append(Issue("total_row", WARNING, number, headers[0], str(cells[0]), name))
            continue
        kept.append((number, cells))
    if len(kept) > limits.max_rows:
        raise UnreadableFile("too_many_rows", name, rows=f"{len(kept):,}", limit=f"{limits.max_rows:,}")
    if not kept:
        raise UnreadableFile("no_rows", name, row=rows[at][0])
    frame = pd.DataFrame([c for _, c in kept], columns=headers, index=[n for n, _ in kept], dtype=object)
    return RawTable(name, kind, frame, issues=issues, units=units)


# --- XLSX -----------------------------------------------------------------------------------
def _check_zip(path: Path, name: str, limits: ReadLimits) -> zipfile.ZipFile:
    head = path.read_bytes()[:8]
    if head.startswith(_OLE_MAGIC):
        raise UnreadableFile("xls_legacy", name)
    if not head.startswith(_ZIP_MAGIC):
        raise UnreadableFile("not_spreadsheet", name)
    try:
        archive = zipfile.ZipFile(path)
    except _ZIP_ERRORS:
        raise UnreadableFile("corrupt_zip", name) from None
    total = sum(info.file_size for info in archive.infolist())
    packed = max(1, sum(info.compress_size for info in archive.infolist()))
    limit = limits.max_mb * 1024 * 1024 * 4
    if total > limit:
        archive.close()
        raise UnreadableFile("zip_bomb", name, size_mb=round(total / 2**20), limit_mb=limit // 2**20)
    if total > 10 * 2**20 and total / packed > _BOMB_RATIO:
        archive.close()
        raise UnreadableFile("zip_ratio", name, size_mb=round(total / 2**20), ratio=round(total / packed))
    return archive


def _read_xlsx(path: Path, name: str, sheet: str | None, limits: ReadLimits) -> RawTable:
    """One sheet, read once in openpyxl's read-only mode; its size is checked before its cells are."""
    _check_zip(path, name, limits).close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _ZIP_ERRORS:
        raise UnreadableFile("corrupt_zip", name) from None
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise UnreadableFile("not_spreadsheet_detail", name, reason=type(exc).__name__) from None
    try:
        sheets = book.sheetnames
        chosen = sheet if sheet is not None else _first_sheet(book)
        if chosen not in sheets:
            raise UnreadableFile("unknown_sheet", name, sheet=chosen, valid=choices(sheets))
        ws = book[chosen]
        _check_size(ws.max_row, ws.max_column, name, limits)
        sheet_read = _SheetRead.of(book, ws, name, limits)
    except (UnreadableFile, MemoryError):
        raise
    except _ZIP_ERRORS:  # the central directory lies about a part: wrong CRC, size or offset
        raise UnreadableFile("corrupt_zip", name) from None
    except Exception as exc:  # a damaged part of the workbook (openpyxl raises many types)
        raise UnreadableFile("not_spreadsheet_detail", name, reason=type(exc).__name__) from None
    finally:
        book.close()
    table = _table_from_rows(sheet_read.rows, name, "xlsx", limits)
    table.issues += sheet_read.notes(table, name)
    table.choices, table.chosen = sheets, chosen
    return table


def _first_sheet(book: Any) -> str:
    for ws in book.worksheets:
        if ws.sheet_state == "visible" and (ws.max_row or 2) > 1:
            return ws.title
    return book.sheetnames[0]


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, also noting formula cells that carry no saved value."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["formula"] = "=" + (element.findtext(FORMULA_TAG) or "")
        return cell


@dataclass
class _SheetRead:
    """A sheet's rows (merged ranges filled), hidden rows and unsaved formula cells, from one pass."""

    rows: list[tuple[int, list[object]]]
    hidden: set[int]
    formulas: dict[tuple[int, int], str]

    @classmethod
    def of(cls, book: Any, ws: Any, name: str, limits: ReadLimits) -> _SheetRead:
        grid: dict[int, list[object]] = {}
        formulas: dict[tuple[int, int], str] = {}
        cells = 0
        with book._archive.open(ws._worksheet_path) as source:  # the sheet's XML part, as read-only mode opens it
            parser = _Parser(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                             date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            for number, row in parser.parse():
                if len(grid) >= limits.max_records:
                    raise UnreadableFile("too_many_rows_stopped", name, line=f"{number:,}", limit=f"{limits.max_rows:,}")
                width = max((c["column"] for c in row), default=0)
                cells += width
                _check_width(width, cells, name, number, limits)
                values: list[object] = [None] * width
                for c in row:
                    values[c["column"] - 1] = c["value"]
                    if "formula" in c:
                        formulas[(number, c["column"])] = c["formula"][:60]
                grid[number] = values
            hidden = {int(r) for r, attrs in parser.row_dimensions.items() if attrs.get("hidden") in ("1", "true")}
            merged = [m.ref for m in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
        _fill_merged(grid, merged, name, limits)
        return cls(sorted(grid.items()), hidden, formulas)

    def notes(self, table: RawTable, name: str) -> list[Issue]:
        """Warnings for hidden rows and errors for formula cells without a saved value, per kept row."""
        notes: list[Issue] = []
        headers = list(table.cells.columns)
        for row in table.cells.index:
            if row in self.hidden:
                notes.append(Issue("hidden_row", WARNING, int(row), "", "", name))
            for col, header in enumerate(headers, start=1):
                formula = self.formulas.get((int(row), col))
                if formula is not None and table.cells.at[row, header] is None:
                    notes.append(Issue("formula", "error", int(row), header, formula, name))
        return notes


def _fill_merged(grid: dict[int, list[object]], merged: list[str], name: str, limits: ReadLimits) -> None:
    """Fill ranges merged down rows with their top-left value (a title merged across columns stays
    one cell), clipped to the cells the sheet has; at most ``MAX_MERGED_RANGES`` ranges and
    ``limits.max_cells`` filled cells."""
    if len(merged) > MAX_MERGED_RANGES:
        raise UnreadableFile("too_many_merged", name, ranges=f"{len(merged):,}", limit=f"{MAX_MERGED_RANGES:,}")
    rows = sorted(grid)
    filled = 0
    for ref in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        top = grid.get(min_row, [])
        value = top[min_col - 1] if len(top) >= min_col else None
        for r in rows[bisect.bisect_left(rows, min_row):bisect.bisect_right(rows, max_row)]:
            cells = grid[r]
            for c in range(min_col, min(max_col, len(cells)) + 1):
                if (r, c) != (min_row, min_col):
                    cells[c - 1] = value if max_row > min_row else None
                    filled += 1
            if filled > limits.max_cells:
                raise UnreadableFile("too_many_cells", name, row=r, limit=f"{limits.max_cells:,}")


# --- GIS files --------------------------------------------------------------------------------
def _read_zip(path: Path, name: str, layer: str | None, encoding: str | None, limits: ReadLimits) -> RawTable:
    archive = _check_zip(path, name, limits)
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
            _extract(archive, member, tmp, name, limits)
        target = Path(tmp) / shp
        if encoding is None and shp[:-4].lower() + ".cpg" not in parts:
            encoding = _dbf_encoding(target.with_suffix(target.suffix[:-3] + "dbf"))
        table = _read_gis(target, name, "", encoding, limits, kind="shp")
    table.choices, table.chosen = stems, chosen
    return table


def _extract(archive: zipfile.ZipFile, member: str, folder: str, name: str, limits: ReadLimits) -> None:
    try:
        archive.extract(member, folder)
    except _ZIP_ERRORS:  # the central directory lies: wrong CRC, size or header offset
        raise UnreadableFile("corrupt_zip", name) from None
    except OSError as exc:
        if exc.errno == errno.EFBIG:  # the reading process may write only so much (geo.imports.sandbox)
            raise UnreadableFile("unpacked_too_big", name, limit_mb=limits.max_mb * 4) from None
        raise UnreadableFile("disk_full", name, reason=exc.strerror or type(exc).__name__) from None


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


def _read_gis(path: Path, name: str, layer: str | None, encoding: str | None, limits: ReadLimits,
              kind: str) -> RawTable:
    if kind == "gpkg":
        _check_gpkg(path, name)
    try:
        layers = [str(n) for n, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL's DataSourceError and friends
        raise UnreadableFile("gis_unreadable", name, reason=str(exc).splitlines()[0][:120]) from None
    chosen = layer or _default_layer(path, layers)
    if chosen not in layers:
        raise UnreadableFile("unknown_layer", name, layer=chosen, valid=choices(layers))
    try:
        info = pyogrio.read_info(path, layer=chosen, encoding=encoding)
        features = int(info["features"])
        _check_size(features if features >= 0 else None, len(info["fields"]), name, limits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pyogrio.read_dataframe(path, layer=chosen, encoding=encoding, max_features=limits.max_records + 1)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile("gis_unreadable", name, reason=str(exc).splitlines()[0][:120]) from None
    _check_size(len(frame), None, name, limits)
    if len(frame) == 0:
        raise UnreadableFile("no_rows", name, row=1)
    return _gis_table(frame, name, kind, layers, chosen)


def _gis_table(frame: pd.DataFrame, name: str, kind: str, layers: list[str], chosen: str) -> RawTable:
    """The table of a GIS layer; a layer of attributes only (no geometry column) has no geometry."""
    index = pd.RangeIndex(1, len(frame) + 1)
    spatial = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns
    attributes = frame.drop(columns=frame.geometry.name) if spatial else frame
    cells = pd.DataFrame(attributes).astype(object).map(_clean)
    cells.index = index
    for column in cells.columns:
        lengths = cells[column].map(lambda v: len(v) if isinstance(v, str) else 0)
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            number = int(lengths.idxmax())
            _check_cells([cells.at[number, column]], [str(column)], number, name)
    geometry = gpd.GeoSeries(frame.geometry.values, index=index, crs=frame.crs) if spatial else None
    return RawTable(name, kind, cells, geometry, choices=layers, chosen=chosen)


def _check_gpkg(path: Path, name: str) -> None:
    """Refuse a GeoPackage with SQL views (reading one may run any query, forever) or with
    triggers other than those GeoPackage writers create."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            objects = con.execute("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger')").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise UnreadableFile("gis_unreadable", name, reason=str(exc)[:120]) from None
    views = [n for kind, n in objects if kind == "view"]
    if views:
        raise UnreadableFile("gpkg_view", name, names=choices(views[:5]))
    triggers = [n for kind, n in objects if kind == "trigger" and not _GPKG_TRIGGERS.match(n)]
    if triggers:
        raise UnreadableFile("gpkg_trigger", name, names=choices(triggers[:5]))


def _default_layer(path: Path, layers: list[str]) -> str:
    if "compounds" in layers:
        return "compounds"
    info = pyogrio.list_layers(path)
    points = [str(n) for n, g in info if g and "Point" in str(g)]
    return points[0] if points else (layers[0] if layers else "")
