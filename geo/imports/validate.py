"""The validation report: every problem of an uploaded table, before anything is written.

``validate_table(raw, ds, crs=...)`` parses the cells of a :class:`geo.imports.readers.RawTable`
into model values and checks them against the data set's places: the subdistricts and
areas of its programme (``Dataset.programme``), the district and subdistrict outlines. It returns a
:class:`Report`: the issues (errors block the import, warnings do not), the parsed rows
(a GeoDataFrame in WGS-84, index = the row number the user sees) and the extra columns
(elevator and charger counts, funding in 万元). ``report_frame`` / ``report_xlsx`` give
the table people read, in Chinese or English.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from geo import crs as crs_mod
from geo import schema
from geo.dataset import Dataset
from geo.i18n import Bilingual, bilingual, choices, t
from geo.imports import columns, values
from geo.imports.issues import ERROR, WARNING, Issue
from geo.imports.readers import RawTable
from geo.programme import Programme
from geo.settings import METRIC_CRS, STORAGE_CRS
from geo.spatial import locate

MAX_OUTSIDE_M = 1000.0  # a point further than this outside the district is an error
#: field -> (min, max) accepted; below 0 is "negative", above max "absurd".
RANGES: dict[str, tuple[float, float]] = {
    "buildings": (1, 200), "households": (1, 5000), "floor_area_m2": (1, 2_000_000),
    "elevators": (0, 500), "ev_chargers": (0, 2000), "funding": (0, 100_000),
}
HOUSEHOLDS_PER_BUILDING_WARN = 300
HOUSEHOLDS_PER_BUILDING_MAX = 1000
DATE_FIELDS = ("plan_start", "plan_finish", "actual_start", "actual_finish")


def _vocabs(p: Programme) -> dict[str, tuple[Callable[[object], Any], dict[str, Any]]]:
    """Field -> (parse function, what the unknown_<field> issue says is accepted)."""
    district = {"district": Bilingual(p.root.name, p.root.label("en"))}
    return {
        "subdistrict": (values.subdistrict_parser(p), {"valid": "、".join(p.subdistrict_names),
                                                       "n": len(p.subdistricts), **district}),
        "area": (values.area_parser(p), {"valid": "、".join(p.area_names), "n": len(p.areas)}),
        "status": (values.parse_status, {"valid": "、".join(f"{k}={v[0]}" for k, v in schema.STATUS_LABELS.items())}),
        "decision": (values.parse_decision,
                     {"valid": "、".join(f"{k}={v[0]}" for k, v in schema.DECISION_LABELS.items())}),
        "batch": (values.parse_batch, {"valid": "、".join(schema.BATCHES)}),
    }


@dataclass
class Report:
    """Issues, parsed rows (WGS-84, index = row number) and extras of one file."""

    source: str
    issues: list[Issue]
    rows: gpd.GeoDataFrame
    extras: pd.DataFrame
    mapping: dict[str, str] = field(default_factory=dict)  # header -> target field
    unknown: list[str] = field(default_factory=list)  # headers not mapped
    fields: list[str] = field(default_factory=list)  # model fields the file provides

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not self.errors


class _Checker:
    """Collects issues for one file while its columns are parsed."""

    def __init__(self, raw: RawTable, mapped: dict[str, columns.HeaderMatch]) -> None:
        self.raw, self.issues = raw, list(raw.issues)
        self.header = {m.field: h for h, m in mapped.items()}
        self.factor = {m.field: m.factor for m in mapped.values()}

    def add(self, code: str, row: int = 0, field: str = "", value: object = "", severity: str = ERROR,
            **fmt: Any) -> None:
        column = self.header.get(field, field)
        self.issues.append(Issue(code, severity, int(row), column, values.text(value)[:80], self.raw.source, fmt))

    def column(self, field: str, parse: Callable[[object], Any], code: str, **fmt: Any) -> pd.Series:
        """Parse one mapped column cell by cell; unparseable cells become errors and None."""
        cells = self.raw.cells[self.header[field]]
        out = []
        for row, cell in cells.items():
            try:
                out.append(parse(cell))
            except (ValueError, TypeError, OverflowError):
                self.add(code, row, field, cell, **fmt)
                out.append(None)
        return pd.Series(out, index=cells.index, dtype=object)


def validate_table(raw: RawTable, ds: Dataset, *, crs: str = "wgs84",
                   mapping: dict[str, str] | None = None, today: pd.Timestamp | None = None) -> Report:
    """Check every row of ``raw``; ``crs`` is what lon/lat (or a CRS-less geometry) mean.

    ``crs``: wgs84 / cgcs2000 / gcj02 / bd09, or 'EPSG:nnnn' for projected x/y columns.
    ``mapping`` overrides the alias table (header -> field, '' = ignore).
    """
    today = today or pd.Timestamp.today().normalize()
    mapped, unknown = columns.map_columns(list(raw.cells.columns), mapping)
    chk = _Checker(raw, mapped)
    for header in unknown:
        chk.issues.append(Issue("unknown_column", WARNING, 0, header, "", raw.source))
    out = pd.DataFrame(index=raw.cells.index)
    if "name" not in chk.header:
        chk.add("column_missing", 0, "name", "", what=t("field.name", "zh"), what_en=t("field.name", "en"))
    else:
        out["name"] = _names(chk)
    for fld in ("compound_id", "address", "community"):
        if fld in chk.header:
            out[fld] = chk.column(fld, lambda v: values.text(v) or None, "text_bad")
    for fld, (parse, accepted) in _vocabs(ds.programme).items():
        if fld in chk.header:
            out[fld] = chk.column(fld, parse, f"unknown_{fld}", **accepted)
    _parse_numbers(chk, out)
    _parse_dates(chk, out, today)
    if "is_old" in chk.header:
        out["is_old"] = chk.column("is_old", values.parse_bool, "bool_bad")
    geometry = _locations(chk, crs)
    rows = gpd.GeoDataFrame(out, geometry=geometry, crs=STORAGE_CRS)
    _check_rows(chk, rows, ds, crs)
    extras = rows[[c for c in rows.columns if c in _EXTRA or c.startswith("funding:")]]
    rows = rows.drop(columns=list(extras.columns))
    fields = [c for c in rows.columns if c in {f.name for f in schema.COMPOUND_FIELDS}]
    issues = sorted(chk.issues, key=lambda i: (i.row, i.severity != ERROR))
    return Report(raw.source, issues, rows, pd.DataFrame(extras),
                  {h: m.field for h, m in mapped.items()}, unknown, fields)


_EXTRA = ("elevators", "ev_chargers", "funding_year")


def _names(chk: _Checker) -> pd.Series:
    cells = chk.raw.cells[chk.header["name"]]
    out = []
    for row, cell in cells.items():
        name = values.text(cell)
        if not name:
            chk.add("name_missing", row, "name", "")
        elif isinstance(cell, str) and cell != cell.strip():
            chk.add("name_spaces", row, "name", repr(cell), WARNING, name=name)
        out.append(" ".join(name.split()) or None)
    return pd.Series(out, index=cells.index, dtype=object)


def _parse_numbers(chk: _Checker, out: pd.DataFrame) -> None:
    ints = {"year_built": values.parse_year_built, "buildings": values.parse_int, "households": values.parse_int,
            "elevators": values.parse_int, "ev_chargers": values.parse_int, "funding_year": values.parse_int}
    for fld, parse in ints.items():
        if fld in chk.header:
            out[fld] = chk.column(fld, parse, "number_bad", kind="int")
    for fld in [f for f in chk.header if f == "floor_area_m2" or f.startswith("funding:")]:
        numbers = chk.column(fld, values.parse_number, "number_bad", kind="number")
        out[fld] = numbers.map(lambda v, f=chk.factor[fld]: None if v is None else round(v * f, 6))
    for fld in [c for c in out.columns if c in RANGES or c.startswith("funding:")]:
        lo, hi = RANGES["funding" if fld.startswith("funding:") else fld]
        for row, v in out[fld].items():
            if v is not None and v < 0:
                chk.add("number_negative", row, fld, chk.raw.cells.at[row, chk.header[fld]], lo=lo, hi=f"{hi:,}")
            elif v is not None and (v > hi or v < lo):
                chk.add("number_absurd", row, fld, chk.raw.cells.at[row, chk.header[fld]], lo=lo, hi=f"{hi:,}")
    _check_years(chk, out)


def _check_years(chk: _Checker, out: pd.DataFrame) -> None:
    this_year = pd.Timestamp.today().year
    for fld, lo in (("year_built", 1900), ("funding_year", 2000)):
        for row, v in out.get(fld, pd.Series(dtype=object)).items():
            if v is not None and not lo <= v <= this_year + (10 if fld == "funding_year" else 0):
                chk.add("year_bad", row, fld, v, lo=lo, hi=this_year)
    if "households" in out and "buildings" in out:
        for row in out.index:
            hh, b = out.at[row, "households"], out.at[row, "buildings"]
            if hh and b and b > 0 and hh > 0:
                per = hh / b
                if per > HOUSEHOLDS_PER_BUILDING_MAX:
                    chk.add("per_building_absurd", row, "households", hh, per=round(per), hi=HOUSEHOLDS_PER_BUILDING_MAX)
                elif per > HOUSEHOLDS_PER_BUILDING_WARN:
                    chk.add("per_building_unusual", row, "households", hh, WARNING, per=round(per),
                            hi=HOUSEHOLDS_PER_BUILDING_WARN)


def _parse_dates(chk: _Checker, out: pd.DataFrame, today: pd.Timestamp) -> None:
    for fld in [f for f in DATE_FIELDS if f in chk.header]:
        parsed = chk.column(fld, values.parse_date, "date_bad")
        out[fld] = parsed.map(lambda p: p[0] if p else None)
        for row, p in parsed.items():
            if p and p[0] is not None and p[1] == "month":
                chk.add("date_month", row, fld, chk.raw.cells.at[row, chk.header[fld]], WARNING,
                        date=p[0].strftime("%Y-%m-%d"))
            if p and p[0] is not None and fld.startswith("actual") and p[0] > today:
                chk.add("date_future", row, fld, p[0].strftime("%Y-%m-%d"), WARNING, today=today.strftime("%Y-%m-%d"))
    for start, finish in (("plan_start", "plan_finish"), ("actual_start", "actual_finish")):
        if start in out and finish in out:
            for row in out.index:
                s, f = out.at[row, start], out.at[row, finish]
                if s is not None and f is not None and f < s:
                    chk.add("finish_before_start", row, finish, f.strftime("%Y-%m-%d"),
                            start=chk.header[start], start_value=s.strftime("%Y-%m-%d"))
        if finish in out and start in out:
            for row in out.index:
                if out.at[row, finish] is not None and out.at[row, start] is None and finish == "actual_finish":
                    chk.add("finish_without_start", row, finish, out.at[row, finish].strftime("%Y-%m-%d"),
                            WARNING, start=chk.header[start])
    for fld in DATE_FIELDS:
        if fld in out:
            out[fld] = pd.to_datetime(out[fld])


# --- locations ----------------------------------------------------------------------------
def _locations(chk: _Checker, crs: str) -> gpd.GeoSeries:
    """Points in WGS-84 (None where missing or bad), from geometry or lon/lat columns."""
    index = chk.raw.cells.index
    has_xy = "lon" in chk.header and "lat" in chk.header
    if chk.raw.geometry is not None and chk.raw.geometry.notna().any() and not has_xy:
        return _from_geometry(chk, chk.raw.geometry, crs)
    if not has_xy:
        chk.add("column_missing", 0, "", "", what="经度/纬度 或 几何", what_en="lon/lat or a geometry")
        return gpd.GeoSeries([None] * len(index), index=index, crs=STORAGE_CRS)
    lon = chk.column("lon", values.parse_number, "coord_bad")
    lat = chk.column("lat", values.parse_number, "coord_bad")
    projected = _projected(crs)
    points: list[shapely.Point | None] = []
    for row in index:
        x, y = lon[row], lat[row]
        if x is None or y is None:
            if x is None and y is None and values.is_blank(chk.raw.cells.at[row, chk.header["lon"]]):
                chk.add("location_missing", row, "lon", "")
            points.append(None)
            continue
        points.append(_check_xy(chk, row, x, y, projected))
    geoms = gpd.GeoSeries(points, index=index, crs=projected or STORAGE_CRS)
    return _to_wgs84(geoms, crs, projected)


def _projected(crs: str) -> str | None:
    """The CRS when it is a projected 'EPSG:nnnn' (x/y in metres); None for the degree CRSs.

    Raises ValueError naming the valid choices for an unknown name.
    """
    if not crs.lower().startswith("epsg:"):
        crs_mod.normalize_crs_name(crs)  # wgs84 / cgcs2000 / gcj02 / bd09, else ValueError
        return None
    if crs.lower() in ("epsg:4326", "epsg:4490"):
        return None
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise ValueError(bilingual("error.unknown_epsg", name=crs, valid=choices(crs_mod.CRS_NAMES))) from None
    if not parsed.is_projected:
        raise ValueError(bilingual("error.not_projected", name=crs, valid=choices(crs_mod.CRS_NAMES)))
    return crs


def _check_xy(chk: _Checker, row: int, x: float, y: float, projected: str | None) -> shapely.Point | None:
    if projected:
        return shapely.Point(x, y)
    china = lambda lo, la: 73 <= lo <= 136 and 3 <= la <= 54  # noqa: E731
    if china(y, x) and not china(x, y):
        chk.add("coord_swapped", row, "lon", f"{x}, {y}", lon=y, lat=x)
        return None
    if abs(x) > 180 or abs(y) > 90:
        chk.add("coord_projected", row, "lon", f"{x}, {y}")
        return None
    return shapely.Point(x, y)


def _to_wgs84(geoms: gpd.GeoSeries, crs: str, projected: str | None) -> gpd.GeoSeries:
    if projected:
        return geoms.to_crs(STORAGE_CRS)
    name = crs_mod.normalize_crs_name(crs)
    if name == "wgs84":
        return geoms.set_crs(STORAGE_CRS, allow_override=True)
    present = geoms.notna()
    out = geoms.copy()
    out[present] = crs_mod.convert_geometries(geoms[present].values, name, "wgs84")
    return out.set_crs(STORAGE_CRS, allow_override=True)


def _from_geometry(chk: _Checker, geoms: gpd.GeoSeries, crs: str) -> gpd.GeoSeries:
    if geoms.crs is None:
        chk.add("no_crs", 0, "", "", WARNING, crs=crs)
        geoms = geoms.set_crs(STORAGE_CRS)
    elif geoms.crs.is_projected:
        geoms = geoms.to_crs(STORAGE_CRS)
        crs = "wgs84"
    else:
        geoms = geoms.to_crs(STORAGE_CRS)
    kinds = set(geoms.dropna().geom_type)
    if kinds - {"Point"}:
        chk.add("not_points", 0, "", "", WARNING, kinds="/".join(sorted(kinds)))
        geoms = gpd.GeoSeries([g.representative_point() if g is not None and not g.is_empty else None
                               for g in geoms], index=geoms.index, crs=STORAGE_CRS)
    points: list[shapely.Point | None] = []
    for row, g in geoms.items():
        if g is None or g.is_empty:
            chk.add("location_missing", row, "geometry", "")
            points.append(None)
        else:
            points.append(_check_xy(chk, row, g.x, g.y, None))
    return _to_wgs84(gpd.GeoSeries(points, index=geoms.index, crs=STORAGE_CRS), crs, None)


def _check_rows(chk: _Checker, rows: gpd.GeoDataFrame, ds: Dataset, crs: str) -> None:
    _check_outside(chk, rows, ds)
    _check_duplicates(chk, rows)
    if "subdistrict" in rows and len(ds.subdistricts):
        _check_subdistricts(chk, rows, ds, crs)


def _check_outside(chk: _Checker, rows: gpd.GeoDataFrame, ds: Dataset) -> None:
    present = rows.geometry.notna()
    if not present.any() or not len(ds.district):
        return
    district = ds.district.to_crs(METRIC_CRS).union_all()
    metric = rows.geometry[present].to_crs(METRIC_CRS)
    distance = shapely.distance(district, metric.values)
    field = "lon" if "lon" in chk.header else "geometry"
    place = ds.programme.root
    for row, d, g in zip(metric.index, distance, rows.geometry[present]):
        if d > MAX_OUTSIDE_M:
            chk.add("outside_district", row, field, f"{g.x:.6f}, {g.y:.6f}", km=round(d / 1000, 1),
                    district=Bilingual(place.name, place.label("en")))


def _check_duplicates(chk: _Checker, rows: gpd.GeoDataFrame) -> None:
    if "compound_id" not in rows:
        return
    first: dict[str, int] = {}
    for row, cid in rows["compound_id"].items():
        if cid is None:
            continue
        if cid in first:
            chk.add("duplicate_id", row, "compound_id", cid, first=first[cid])
        else:
            first[cid] = row


def _check_subdistricts(chk: _Checker, rows: gpd.GeoDataFrame, ds: Dataset, crs: str) -> None:
    stated = rows["subdistrict"]
    usable = rows.geometry.notna() & stated.notna()
    if not usable.any():
        return
    sub = rows[usable]
    found = locate(sub, ds.subdistricts, "name")
    field = "subdistrict"
    for row in sub.index:
        if found[row] is not None and found[row] != stated[row]:
            chk.add("subdistrict_mismatch", row, field, stated[row], WARNING, found=found[row])
    _suggest_crs(chk, sub, found, ds, crs)


def _suggest_crs(chk: _Checker, sub: gpd.GeoDataFrame, found: pd.Series, ds: Dataset, crs: str) -> None:
    """Warn when the points fit their stated subdistricts far better read as GCJ-02 / BD-09."""
    if _projected(crs) or len(sub) < 5:
        return
    declared = crs_mod.normalize_crs_name(crs)
    raw = crs_mod.convert_geometries(sub.geometry.values, "wgs84", declared)  # the numbers as written
    base = int((found == sub["subdistrict"]).sum())
    best, best_hits = declared, base
    for alt in ("wgs84", "gcj02", "bd09"):
        if alt == declared:
            continue
        moved = gpd.GeoDataFrame(geometry=crs_mod.convert_geometries(raw, alt, "wgs84"), index=sub.index,
                                 crs=STORAGE_CRS)
        hits = int((locate(moved, ds.subdistricts, "name") == sub["subdistrict"]).sum())
        if hits > best_hits:
            best, best_hits = alt, hits
    if best != declared and best_hits - base >= max(2, int(0.05 * len(sub))):
        chk.add("crs_suggest", 0, "", "", WARNING, crs=best, declared=declared, hits=best_hits, base=base,
                total=len(sub))


# --- the report people read ---------------------------------------------------------------
REPORT_COLUMNS = ("file", "row", "column", "severity", "problem", "value", "accepted")


def report_frame(report: Report, lang: str = "zh") -> pd.DataFrame:
    """The report as a table with headers and texts in ``lang`` (errors first per row)."""
    records = [{
        "file": i.file or report.source, "row": i.row or "", "column": i.column,
        "severity": t(f"validate.severity.{i.severity}", lang), "problem": i.problem(lang),
        "value": i.value, "accepted": i.accepted(lang),
    } for i in report.issues]
    frame = pd.DataFrame(records, columns=list(REPORT_COLUMNS))
    return frame.rename(columns={c: t(f"validate.col.{c}", lang) for c in REPORT_COLUMNS})


def report_xlsx(report: Report, lang: str = "zh") -> bytes:
    """The report as an .xlsx file (one sheet, header row frozen)."""
    frame = report_frame(report, lang)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=t("validate.sheet", lang))
        sheet = writer.sheets[t("validate.sheet", lang)]
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFG", (24, 6, 16, 8, 60, 24, 60)):
            sheet.column_dimensions[letter].width = width
    return buffer.getvalue()


def report_json(report: Report) -> dict[str, Any]:
    """The report for ``--json``: counts and issues with both languages."""
    return {
        "file": report.source, "ok": report.ok, "rows": int(len(report.rows)),
        "errors": len(report.errors), "warnings": len(report.warnings),
        "unknown_columns": report.unknown,
        "issues": [{"file": i.file or report.source, "row": i.row, "column": i.column, "severity": i.severity,
                    "code": i.code, "value": i.value, "problem_zh": i.problem("zh"), "problem_en": i.problem("en"),
                    "accepted_zh": i.accepted("zh"), "accepted_en": i.accepted("en")} for i in report.issues],
    }
