"""Export a selection of compounds (or any layer) as CSV, XLSX, GeoJSON or GeoPackage bytes.

One call, used by the explorer's export panel and by ``python -m geo export`` alike::

    frame = filters.apply_filters(ds, flt, day)                        # or summarize_compounds
    export_compounds(frame, "xlsx", as_of=day, programme=ds.programme)  # Chinese, as on the screen
    export_compounds(frame, "csv", as_of=day, lang="en", programme=ds.programme)
    export_compounds(frame, "geojson", as_of=day, crs="gcj02")          # for AMap users
    export_table(ds.works, "csv", fields=schema.WORK_FIELDS)

Columns: the layer's ``schema.Field`` specs present in the frame, in spec order, then
the explorer's summary columns (``SUMMARY_FIELDS``) present; anything else is left
out. Pass the summarized frame (``geo.filters``) and every export has the same columns.

An export shows the world as of its ``as_of`` date (None = today): event dates after
it (actual start / finish, completion) are blank (``geo.asof.known_on``). Derived
columns are the frame's own: pass a frame summarized for the same date.

- CSV / XLSX are for people and speak their language, as the screen does: headers in
  ``lang`` with their units (户数（户）, 建筑面积（m²）, 累计资金（万元）; ``column_headers``),
  labels for codes (是/否, 符合改造标准, 2024年批次, 已完工), subdistricts and areas as the
  programme names them in ``lang``. Point geometry becomes two columns, longitude and
  latitude in ``crs``, whose headers name it (经度（WGS-84）), 6 decimals; other geometry
  becomes WKT. XLSX: one sheet named in ``lang``, a frozen header, fitted column widths,
  the as-of date in the workbook's properties. Text is always text (``geo.sheets``: no
  formulas, no control characters). Both re-import unchanged (``geo.imports``).
- GeoJSON / GeoPackage are for machines: stable English keys (``machine_keys``; the
  field names, except ``elevators_added`` and ``ev_chargers_installed`` for the summary
  counts, which are not import columns), values as stored (codes, ISO dates, true/false),
  ``works`` comma-separated; documented in data/README.md. GeoJSON carries the foreign
  members ``coordinate_system`` ("wgs84" or "gcj02") and ``as_of``. The GeoPackage is
  labelled EPSG:4326 even with ``crs="gcj02"`` (GCJ-02 has no EPSG code; its numbers are degrees too).

Input frames are WGS-84 (EPSG:4326), as in the store; nothing is mutated.
"""
from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from geo import crs as geo_crs
from geo import schema, sheets
from geo.asof import AsOf, AsOfLike, known_on
from geo.dataset import DATE_COLUMNS
from geo.i18n import PlaceLabels, bilingual, choices, t, vocab, with_unit

EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "geojson", "gpkg")
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
#: Export coordinate systems: stored WGS-84 (= CGCS2000 here) or AMap's GCJ-02.
EXPORT_CRS: tuple[str, ...] = ("wgs84", "gcj02")
_CRS_LABEL = {"wgs84": "WGS-84", "gcj02": "GCJ-02"}
_BOM = "\ufeff"
_COORD_DECIMALS = 6


class ExportError(ValueError):
    """An export that cannot be made (bad format, no geometry); bilingual message."""


def _derived(name: str, dtype: str, unit: str) -> schema.Field:
    return schema.Field(name, dtype, unit, t(f"field.{name}", "zh"), t(f"field.{name}", "en"))


#: The explorer's per-compound summary columns (see geo.filters.summarize_compounds).
SUMMARY_FIELDS: tuple[schema.Field, ...] = (
    _derived("status", "text", ""),
    _derived("days_late", "integer", "days"),
    _derived("elevators", "integer", "elevators"),
    _derived("elevators_planned", "integer", "elevators"),
    _derived("ev_chargers", "integer", "chargers"),
    _derived("funding_wan_yuan", "real", "万元"),
    _derived("works", "text", ""),
)
#: GeoJSON / GeoPackage keys that differ from the field name: the summary counts as of the
#: export's date, kept apart from the import columns ``elevators`` / ``ev_chargers`` (totals).
MACHINE_NAMES: dict[str, str] = {"elevators": "elevators_added", "ev_chargers": "ev_chargers_installed"}
_UNIT_KEYS = {"year": "unit.year", "buildings": "unit.buildings", "households": "unit.households",
              "m²": "unit.m2_symbol", "万元": "unit.wan_yuan", "count": "unit.count", "days": "unit.days",
              "elevators": "unit.elevators", "chargers": "unit.chargers"}
#: Units written in headers: every unit but the year in Chinese; in English the ones a count
#: word does not already say (m², 10k yuan).
_HEADER_UNITS = {"zh": frozenset(_UNIT_KEYS) - {"year"}, "en": frozenset({"m²", "万元"})}
#: Sheet names of the layers, in ``lang`` (``export.sheet.<layer>``).
_SHEETS = ("compounds", "works", "elevators", "funding")


# --- columns and headers -------------------------------------------------------------------
def export_fields(frame: pd.DataFrame, fields: Sequence[schema.Field] = schema.COMPOUND_FIELDS) -> list[schema.Field]:
    """The fields an export of ``frame`` contains, in order (geometry excluded)."""
    present = [f for f in (*fields, *SUMMARY_FIELDS) if f.name in frame.columns and f.dtype != "point"]
    return [f for f in present if f.name != "geometry"]


def _label(field: schema.Field, lang: str) -> str:
    return field.en if lang == "en" else field.zh


def unit_label(unit: str, lang: str = "zh") -> str:
    """A Field unit ('year', 'households', '万元', ...) in ``lang``; unknown units as given."""
    return t(_UNIT_KEYS[unit], lang) if unit in _UNIT_KEYS else unit


def field_header(field: schema.Field, lang: str = "zh") -> str:
    """A CSV/XLSX header: the field's label in ``lang`` with its unit (户数（户）, Floor area (m²))."""
    unit = unit_label(field.unit, lang) if field.unit in _HEADER_UNITS["en" if lang == "en" else "zh"] else ""
    return with_unit(_label(field, lang), unit, lang)


def column_headers(lang: str = "zh", fields: Sequence[schema.Field] = schema.COMPOUND_FIELDS,
                   crs: str = "wgs84") -> dict[str, str]:
    """Field name -> CSV/XLSX header in ``lang``, including summary and coordinate columns
    (the coordinates' headers name ``crs``: 经度（WGS-84）, Latitude (GCJ-02))."""
    heads = {f.name: field_header(f, lang) for f in (*fields, *SUMMARY_FIELDS) if f.name != "geometry"}
    label = _CRS_LABEL.get(geo_crs.normalize_crs_name(crs), crs)
    for extra in ("lon", "lat"):
        heads[extra] = with_unit(t(f"field.{extra}", lang), label, lang)
    heads["geometry_wkt"] = t("field.geometry_wkt", lang)
    return heads


def summary_headers() -> frozenset[str]:
    """Every header and key the summary columns but ``status`` are exported under (both
    languages, both kinds of file): an importer ignores them (derived, as of the export's
    date). ``status`` an importer reads, to check it."""
    derived = [f for f in SUMMARY_FIELDS if f.name != "status"]
    heads = {f.name for f in derived} | set(MACHINE_NAMES.values())
    heads |= {field_header(f, lang) for f in derived for lang in ("zh", "en")}
    heads |= {_label(f, lang) for f in derived for lang in ("zh", "en")}
    return frozenset(heads - set(MACHINE_NAMES))


def machine_keys(fields: Sequence[schema.Field] = schema.COMPOUND_FIELDS) -> dict[str, str]:
    """Field name -> GeoJSON / GeoPackage key (stable English; see ``MACHINE_NAMES``)."""
    return {f.name: MACHINE_NAMES.get(f.name, f.name) for f in (*fields, *SUMMARY_FIELDS) if f.name != "geometry"}


def field_for_header(header: str, fields: Sequence[schema.Field] = schema.COMPOUND_FIELDS) -> str | None:
    """The field name a CSV/XLSX header (Chinese or English, or the name itself) stands for."""
    text = header.strip().lstrip(_BOM)
    for lang in ("zh", "en"):
        for crs in EXPORT_CRS:
            for name, head in column_headers(lang, fields, crs).items():
                if text in (head, name):
                    return name
    return None


# --- values ----------------------------------------------------------------------------------
def _works_text(works: Iterable[str], lang: str, sep: str) -> str:
    return sep.join(t("work.elevator", lang) if w == "elevator" else vocab("work", w, lang) for w in works)


def _label_of(kind: str, lang: str, programme: PlaceLabels | None = None) -> Any:
    def label(value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return None
        if kind in ("subdistrict", "area"):
            return vocab(kind, value, lang, programme) if programme is not None else value
        return vocab(kind, value, lang)
    return label


_LABELLED = {"status": "status", "decision": "decision", "batch": "batch", "work": "work",
             "subdistrict": "subdistrict", "area": "area"}


def _table_values(frame: pd.DataFrame, fields: list[schema.Field], lang: str,
                  programme: PlaceLabels | None) -> pd.DataFrame:
    """The table people read: labels for codes and places, 是/否, dates as datetime, blanks for none."""
    out = pd.DataFrame(index=frame.index)
    yes, no = t("record.yes", lang), t("record.no", lang)
    for f in fields:
        col = frame[f.name]
        if f.name == "works":
            col = col.map(lambda w: _works_text(w, lang, "、" if lang != "en" else "; "))
        elif f.name in _LABELLED:
            col = col.map(_label_of(_LABELLED[f.name], lang, programme))
        elif f.dtype == "date" or f.name in DATE_COLUMNS:
            col = pd.to_datetime(col)
        elif f.dtype == "boolean":
            col = col.map(lambda v: None if pd.isna(v) else (yes if bool(v) else no))
        elif col.dtype == object:
            col = col.map(lambda v: None if not isinstance(v, str) and pd.isna(v) else v)
        out[f.name] = col
    return out


def _with_coordinates(frame: pd.DataFrame, table: pd.DataFrame, crs: str) -> pd.DataFrame:
    """Append lon/lat (points) or WKT (other geometry) columns in ``crs`` to ``table``."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        return table
    geoms = _geometry_in(frame, crs)
    out = table.copy()
    if len(geoms) and (geoms.geom_type == "Point").all():
        out["lon"] = np.round(geoms.x.to_numpy(), _COORD_DECIMALS)
        out["lat"] = np.round(geoms.y.to_numpy(), _COORD_DECIMALS)
    else:
        out["geometry_wkt"] = geoms.to_wkt().to_numpy() if len(geoms) else []
    return out


def _geometry_in(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoSeries:
    """The frame's geometry as WGS-84 degrees, then converted to ``crs`` (wgs84/gcj02)."""
    geoms = frame.geometry.to_crs("EPSG:4326") if frame.crs is not None else frame.geometry
    return geo_crs.convert_geoseries(geoms, "wgs84", crs) if crs != "wgs84" else geoms


def _machine_frame(frame: pd.DataFrame, fields: list[schema.Field]) -> pd.DataFrame:
    """Values as stored under their machine keys: dates ISO text (None for none), works comma-joined."""
    keys = machine_keys(fields)
    out = pd.DataFrame(index=frame.index)
    for f in fields:
        col = frame[f.name]
        if f.dtype == "date" or f.name in DATE_COLUMNS:
            stamps = pd.to_datetime(col)
            col = stamps.dt.strftime("%Y-%m-%d").where(stamps.notna(), None)
        elif f.name == "works":
            col = col.map(lambda w: ",".join(w))
        out[keys[f.name]] = col
    return out


# --- writers ----------------------------------------------------------------------------------
def _csv(table: pd.DataFrame, headers: dict[str, str]) -> bytes:
    safe = table.rename(columns=headers)
    for col in safe.columns:
        if safe[col].dtype == object:
            safe[col] = safe[col].map(sheets.csv_text)
    text = safe.rename(columns=sheets.csv_text).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\r\n")
    return (_BOM + text).encode("utf-8")


def _display_width(value: Any) -> int:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_cell(ws: Any, value: Any) -> Any:
    if value is None or (not isinstance(value, (str, tuple, list)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        cell = WriteOnlyCell(ws, value.to_pydatetime().date())
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str):
        return sheets.text_cell(ws, value)
    return value.item() if isinstance(value, np.generic) else value


def _header_cells(ws: Any, texts: list[str], font: Font, fill: PatternFill | None = None) -> list[Any]:
    cells = []
    for text in texts:
        cell = sheets.text_cell(ws, text)
        cell.font = font
        cell.alignment = Alignment(vertical="center", wrap_text=False)
        if fill is not None:
            cell.fill = fill
        cells.append(cell)
    return cells


def _xlsx(table: pd.DataFrame, headers: list[str], sheet: str, note: str) -> bytes:
    wb = Workbook(write_only=True)
    wb.properties.title, wb.properties.description = sheet, note
    ws = wb.create_sheet(sheets.printable(sheet)[:31] or "Sheet1")
    for i, col in enumerate(table.columns, start=1):
        sample = table[col].head(500)
        values = [10] if pd.api.types.is_datetime64_any_dtype(sample) else map(_display_width, sample)
        width = max(_display_width(headers[i - 1]), *values)
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    ws.append(_header_cells(ws, headers, Font(bold=True), PatternFill("solid", fgColor="DDE6F0")))
    for row in table.itertuples(index=False, name=None):
        ws.append([_xlsx_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _geojson(frame: gpd.GeoDataFrame, props: pd.DataFrame, crs: str, day: AsOf) -> bytes:
    geoms = _geometry_in(frame, crs)
    gdf = gpd.GeoDataFrame(props.reset_index(drop=True), geometry=geoms.reset_index(drop=True).values, crs="EPSG:4326")
    data = json.loads(gdf.to_json(na="null", drop_id=True))
    data = {"type": "FeatureCollection", "coordinate_system": crs, "as_of": day.isoformat(),
            **{k: v for k, v in data.items() if k != "type"}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _gpkg(frame: pd.DataFrame, props: pd.DataFrame, crs: str, layer: str) -> bytes:
    """A GeoPackage built in memory (pyogrio writes to a BytesIO; no temporary file)."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        data = gpd.GeoDataFrame(props, geometry=_geometry_in(frame, crs).values, crs="EPSG:4326")
    else:
        data = props
    buffer = io.BytesIO()
    pyogrio.write_dataframe(data, buffer, layer=layer, driver="GPKG")
    return buffer.getvalue()


# --- public API ---------------------------------------------------------------------------------
def _check(fmt: str, crs: str) -> tuple[str, str]:
    fmt = str(fmt).strip().lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise ExportError(bilingual("export.error.format", fmt=fmt, valid=choices(EXPORT_FORMATS)))
    try:
        name = geo_crs.normalize_crs_name(crs)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    if name not in EXPORT_CRS:
        raise ExportError(bilingual("export.error.crs", crs=crs, valid=choices(EXPORT_CRS)))
    return fmt, name


def sheet_name(layer: str, lang: str = "zh") -> str:
    """The XLSX sheet name of a layer in ``lang`` (小区, Compounds, ...); other layers by their key."""
    return t(f"export.sheet.{layer}", lang) if layer in _SHEETS else layer


def export_table(frame: pd.DataFrame, fmt: str, *, fields: Sequence[schema.Field], as_of: AsOfLike = None,
                 lang: str = "zh", crs: str = "wgs84", layer: str = "compounds",
                 programme: PlaceLabels | None = None) -> bytes:
    """Any layer (``fields``: its schema Field specs) as ``fmt`` bytes, as known on ``as_of``.

    ``as_of`` None = today; see the module doc. ``crs``: 'wgs84' (default; 'cgcs2000' is
    the same) or 'gcj02'. ``layer`` names the GeoPackage layer and the XLSX sheet.
    ``programme`` (``Dataset.programme``) names subdistricts and areas in ``lang``; without
    it they are written as stored. Raises ExportError for a bad format / CRS, or GeoJSON of
    a frame without geometry.
    """
    fmt, crs = _check(fmt, crs)
    day = AsOf.of(as_of)
    frame = known_on(frame, day)
    cols = export_fields(frame, fields)
    has_geometry = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns
    if fmt == "geojson" and not has_geometry:
        raise ExportError(bilingual("export.error.geometry", fmt=fmt))
    if fmt in ("geojson", "gpkg"):
        props = _machine_frame(frame, cols)
        return _geojson(frame, props, crs, day) if fmt == "geojson" else _gpkg(frame, props, crs, layer)
    table = _with_coordinates(frame, _table_values(frame, cols, lang, programme), crs)
    heads = column_headers(lang, fields, crs)
    if fmt == "csv":
        return _csv(table, heads)
    note = t("export.as_of_note", lang, date=day.isoformat())
    return _xlsx(table, [heads[c] for c in table.columns], sheet_name(layer, lang), note)


def export_compounds(frame: pd.DataFrame, fmt: str, *, as_of: AsOfLike = None, lang: str = "zh",
                     crs: str = "wgs84", programme: PlaceLabels | None = None) -> bytes:
    """Compounds (``geo.filters.apply_filters`` / ``summarize_compounds`` output, or the raw layer) as ``fmt`` bytes.

    ``fmt`` one of ``EXPORT_FORMATS``; ``as_of`` the date the export shows (None = today;
    the same date the frame was summarized for); ``lang`` 'zh' (default) or 'en' for
    CSV/XLSX; ``crs`` 'wgs84' (default) or 'gcj02' for the coordinates; ``programme``
    (``Dataset.programme``) for the names of places in ``lang``.
    """
    return export_table(frame, fmt, fields=schema.COMPOUND_FIELDS, as_of=as_of, lang=lang, crs=crs,
                        layer="compounds", programme=programme)


def export_filename(stem: str, fmt: str, day: AsOfLike = None) -> str:
    """A download file name such as ``compounds_2022-12-09.csv`` (``day`` the as-of date, None = today)."""
    return f"{stem}_{AsOf.of(day).isoformat()}.{_check(fmt, 'wgs84')[0]}"
