"""Export a selection of compounds (or any layer) as CSV, XLSX, GeoJSON or GeoPackage bytes.

One call::

    export_compounds(frame, "csv", as_of=day)         # UTF-8 with BOM, Chinese headers
    export_compounds(frame, "xlsx", lang="en")        # English headers + units row
    export_compounds(frame, "geojson", crs="gcj02")   # for AMap users
    export_table(ds.works, "csv", fields=schema.WORK_FIELDS)

Columns: the layer's ``schema.Field`` specs present in the frame, in spec order, then
the explorer's summary columns (``geo.filters.SUMMARY_COLUMNS``) present; anything
else is left out. Stored fields keep their stored values (codes such as ``eligible``,
ISO dates, ``true``/``false``) so an exported file re-imports unchanged; only the
derived ``status`` and ``works`` columns are shown as labels in CSV/XLSX.

An export shows the world as of its ``as_of`` date (None = today): event dates after
it (actual start / finish, completion) are blank (``geo.asof.known_on``). Derived
columns are the frame's own: pass a frame summarized for the same date
(``geo.filters.apply_filters``).

- CSV / XLSX: headers in ``lang`` (``column_headers``; ``field_for_header`` maps any
  header back to its field name). Point geometry becomes two columns, longitude and
  latitude in ``crs`` (6 decimals); other geometry becomes WKT. XLSX has a second row
  with units, a frozen header and column widths fitted to the content.
- GeoJSON / GeoPackage: property / column names are the field names (machine formats);
  values as stored, ``works`` comma-separated. GeoJSON carries a foreign member
  ``coordinate_system`` ("wgs84" or "gcj02"). The GeoPackage is labelled EPSG:4326
  even with ``crs="gcj02"`` (GCJ-02 has no EPSG code; its numbers are degrees too).

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
from geo import schema
from geo.asof import AsOf, AsOfLike, known_on
from geo.dataset import DATE_COLUMNS
from geo.i18n import bilingual, choices, t, vocab, with_unit

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
_UNIT_KEYS = {"year": "unit.year", "buildings": "unit.buildings", "households": "unit.households",
              "m²": "unit.m2", "万元": "unit.wan_yuan", "count": "unit.count", "days": "unit.days",
              "elevators": "unit.elevators", "chargers": "unit.chargers"}


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


#: Units a CSV/XLSX header names itself, as the explorer's table does: 建筑面积（m²）, 累计资金（万元）.
_HEADER_UNITS = {"m²": "unit.m2_symbol", "万元": "unit.wan_yuan"}


def column_headers(lang: str = "zh", fields: Sequence[schema.Field] = schema.COMPOUND_FIELDS) -> dict[str, str]:
    """Field name -> CSV/XLSX header in ``lang``, including summary and lon/lat columns."""
    heads = {f.name: with_unit(_label(f, lang), t(_HEADER_UNITS[f.unit], lang) if f.unit in _HEADER_UNITS else "", lang)
             for f in (*fields, *SUMMARY_FIELDS) if f.name != "geometry"}
    for extra in ("lon", "lat", "geometry_wkt"):
        heads[extra] = t(f"field.{extra}", lang)
    return heads


def field_for_header(header: str, fields: Sequence[schema.Field] = schema.COMPOUND_FIELDS) -> str | None:
    """The field name a CSV/XLSX header (Chinese or English, or the name itself) stands for."""
    text = header.strip().lstrip(_BOM)
    for lang in ("zh", "en"):
        for name, head in column_headers(lang, fields).items():
            if text in (head, name):
                return name
    return None


# --- values ----------------------------------------------------------------------------------
def _works_text(works: Iterable[str], lang: str, sep: str) -> str:
    return sep.join(t("work.elevator", lang) if w == "elevator" else vocab("work", w, lang) for w in works)


def _table_values(frame: pd.DataFrame, fields: list[schema.Field], lang: str) -> pd.DataFrame:
    """Human table: stored values as stored, status/works as labels, dates as datetime."""
    out = pd.DataFrame(index=frame.index)
    for f in fields:
        col = frame[f.name]
        if f.name == "status":
            col = col.map(lambda s: vocab("status", s, lang) if isinstance(s, str) else s)
        elif f.name == "works":
            col = col.map(lambda w: _works_text(w, lang, "、" if lang != "en" else "; "))
        elif f.dtype == "date" or f.name in DATE_COLUMNS:
            col = pd.to_datetime(col)
        elif f.dtype == "boolean":
            col = col.map(lambda v: None if pd.isna(v) else ("true" if bool(v) else "false"))
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
    """Values as stored: dates ISO text (None for none), works comma-joined, plain types."""
    out = pd.DataFrame(index=frame.index)
    for f in fields:
        col = frame[f.name]
        if f.dtype == "date" or f.name in DATE_COLUMNS:
            stamps = pd.to_datetime(col)
            col = stamps.dt.strftime("%Y-%m-%d").where(stamps.notna(), None)
        elif f.name == "works":
            col = col.map(lambda w: ",".join(w))
        out[f.name] = col
    return out


# --- writers ----------------------------------------------------------------------------------
def _csv(table: pd.DataFrame, headers: dict[str, str]) -> bytes:
    text = table.rename(columns=headers).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\r\n")
    return (_BOM + text).encode("utf-8")


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_cell(ws: Any, value: Any) -> Any:
    if value is None or (not isinstance(value, (str, tuple, list)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        cell = WriteOnlyCell(ws, value.to_pydatetime().date())
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value.item() if isinstance(value, np.generic) else value


def _header_cells(ws: Any, texts: list[str], font: Font, fill: PatternFill | None = None) -> list[Any]:
    cells = []
    for text in texts:
        cell = WriteOnlyCell(ws, text)
        cell.font = font
        cell.alignment = Alignment(vertical="center", wrap_text=False)
        if fill is not None:
            cell.fill = fill
        cells.append(cell)
    return cells


def _xlsx(table: pd.DataFrame, headers: list[str], units: list[str], sheet: str, note: str) -> bytes:
    wb = Workbook(write_only=True)
    wb.properties.description = note
    ws = wb.create_sheet(sheet[:31])
    for i, col in enumerate(table.columns, start=1):
        sample = table[col].head(500)
        values = [10] if pd.api.types.is_datetime64_any_dtype(sample) else map(_display_width, sample)
        width = max(_display_width(headers[i - 1]), _display_width(units[i - 1]), *values)
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A3"
    ws.append(_header_cells(ws, headers, Font(bold=True), PatternFill("solid", fgColor="DDE6F0")))
    ws.append(_header_cells(ws, units, Font(italic=True, color="666666")))
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


def export_table(frame: pd.DataFrame, fmt: str, *, fields: Sequence[schema.Field], as_of: AsOfLike = None,
                 lang: str = "zh", crs: str = "wgs84", layer: str = "compounds") -> bytes:
    """Any layer (``fields``: its schema Field specs) as ``fmt`` bytes, as known on ``as_of``.

    ``as_of`` None = today; see the module doc. ``crs``: 'wgs84' (default; 'cgcs2000' is
    the same) or 'gcj02'. ``layer`` names the GeoPackage layer and the XLSX sheet.
    Raises ExportError for a bad format / CRS, or GeoJSON of a frame without geometry.
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
    table = _with_coordinates(frame, _table_values(frame, cols, lang), crs)
    heads = column_headers(lang, fields)
    if fmt == "csv":
        return _csv(table, heads)
    units = [_unit_cell(c, cols, lang, crs) for c in table.columns]
    return _xlsx(table, [heads[c] for c in table.columns], units, layer, t("export.as_of_note", lang, date=day.isoformat()))


def _unit_cell(column: str, fields: list[schema.Field], lang: str, crs: str) -> str:
    if column in ("lon", "lat"):
        return t("unit.degrees", lang, crs=_CRS_LABEL[crs])
    spec = next((f for f in fields if f.name == column), None)
    return unit_label(spec.unit, lang) if spec is not None else ""


def export_compounds(frame: pd.DataFrame, fmt: str, *, as_of: AsOfLike = None, lang: str = "zh",
                     crs: str = "wgs84") -> bytes:
    """Compounds (e.g. ``geo.filters.apply_filters`` output or the raw layer) as ``fmt`` bytes.

    ``fmt`` one of ``EXPORT_FORMATS``; ``as_of`` the date the export shows (None = today;
    the same date the frame was summarized for); ``lang`` 'zh' (default) or 'en' for
    CSV/XLSX headers; ``crs`` 'wgs84' (default) or 'gcj02' for the coordinates.
    """
    return export_table(frame, fmt, fields=schema.COMPOUND_FIELDS, as_of=as_of, lang=lang, crs=crs, layer="compounds")


def export_filename(stem: str, fmt: str, day: AsOfLike = None) -> str:
    """A download file name such as ``compounds_2022-12-09.csv`` (``day`` the as-of date, None = today)."""
    return f"{stem}_{AsOf.of(day).isoformat()}.{_check(fmt, 'wgs84')[0]}"
