"""Column headers as planners write them -> model fields (the alias table), with units.

``match_header("政府补助（万元）")`` -> ``HeaderMatch("funding:government_subsidy", 1.0)``;
``(元)`` gives the factor 0.0001 so every amount lands in 万元. Headers are compared
after NFKC normalisation (full-width letters and brackets become ASCII), lower case,
without spaces. Import targets beyond the compound fields: ``lon``/``lat`` (degrees or,
with a projected CRS, metres), ``elevators`` (count), ``ev_chargers`` (count),
``funding_year`` and ``funding:<source>`` (万元). ``status`` is read to be checked only.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from geo import schema, sheets
from geo.dataset import Dataset
from geo.export import summary_headers
from geo.i18n import LANGS, t, vocab, with_unit
from geo.programme import Area, Programme
from geo.settings import STORAGE_CRS
from geo.spatial import locate

#: Target field -> accepted headers (besides the field name and its schema labels).
ALIASES: dict[str, tuple[str, ...]] = {
    "compound_id": ("id", "编号", "小区编号", "小区id", "小区代码", "院落编号", "compound id"),
    "name": ("名称", "小区名称", "小区名", "小区", "院落名称", "小区(院落)名称", "项目名称", "compound", "compound name"),
    "address": ("地址", "小区地址", "详细地址", "门牌地址"),
    "subdistrict": ("街道", "所属街道", "街道办", "街道办事处", "所在街道", "street"),
    "community": ("社区", "所属社区", "所在社区"),
    "area": ("片区", "所属片区", "改造片区", "连片片区", "renovation area"),
    "year_built": ("建成年代", "建成年份", "建成时间", "建设年代", "建成年", "year built"),
    "buildings": ("楼栋数", "栋数", "幢数", "楼栋数量", "楼栋总数"),
    "households": ("户数", "住户数", "总户数", "居民户数", "涉及户数"),
    "floor_area_m2": ("建筑面积", "总建筑面积", "floor area"),
    "is_old": ("是否老旧小区", "老旧小区", "old", "old (built before end-2004)"),
    "decision": ("改造认定", "认定", "认定结果", "renovation decision"),
    "batch": ("改造年度", "批次", "改造批次", "年度批次", "programme batch"),
    "status": ("状态", "改造状态", "进度状态"),
    "plan_start": ("计划开工", "计划开工日期", "计划开工时间", "planned start"),
    "plan_finish": ("计划竣工", "计划完工", "计划竣工日期", "计划完工日期", "planned finish"),
    "actual_start": ("实际开工", "实际开工日期", "开工日期", "开工时间", "actual start"),
    "actual_finish": ("实际竣工", "实际完工", "竣工日期", "完工日期", "竣工时间", "actual finish"),
    "lon": ("lng", "long", "longitude", "x", "经度", "东经", "x坐标"),
    "lat": ("latitude", "y", "纬度", "北纬", "y坐标"),
    "elevators": ("加装电梯", "电梯", "加装电梯数", "电梯数", "加装电梯数量", "elevators added"),
    "ev_chargers": ("充电桩", "充电桩数", "充电桩数量", "ev chargers", "chargers"),
    "funding_year": ("资金年度", "资金年份", "funding year"),
}
#: Columns a file may carry that are derived or not imported: ignored without a question.
DERIVED: tuple[str, ...] = ("days_late", "滞后天数", "状态说明", "序号", "no", "no.", "fid",
                           # KML's standard fields
                           "description", "timestamp", "begin", "end", "altitudemode", "tessellate", "extrude",
                           "visibility", "draworder", "icon", "snippet")
#: Words that make up a units row under the header (older exports had one), compared normalised.
_UNIT_WORDS: tuple[str, ...] = (
    "", "户", "栋", "幢", "年", "台", "个", "万元", "元", "m²", "m2", "㎡", "平方米", "天", "度", "°",
    "degrees", "单位", "unit", "year", "households", "buildings", "count", "10k yuan", "yuan", "days", "epsg:4326",
    "yyyy-mm-dd", "elevators", "chargers",
)
#: Money units -> factor to 万元.
MONEY_UNITS: dict[str, float] = {"万元": 1.0, "10kyuan": 1.0, "万": 1.0, "元": 1e-4, "yuan": 1e-4, "亿元": 1e4}
#: 'base (unit)' with the unit in the last brackets, else 'base/unit'.
_UNIT_RES = (re.compile(r"^(?P<base>.+)[(\[（【](?P<unit>[^()\[\]（）【】]*)[)\]）】]?$"),
             re.compile(r"^(?P<base>.+?)/(?P<unit>[^/]*)$"))


#: Words in a coordinate header that name its coordinate system, as map pickers and GIS
#: exports write them (before or after 经度/纬度/lng/lat/X/Y, in Chinese or English).
CRS_WORDS: dict[str, str] = {
    **dict.fromkeys(("百度", "baidu", "bd09", "bd-09", "bd_09", "bd"), "bd09"),
    **dict.fromkeys(("高德", "amap", "gaode", "gcj02", "gcj-02", "gcj_02", "gcj", "火星", "腾讯", "tencent"), "gcj02"),
    **dict.fromkeys(("wgs84", "wgs-84", "wgs_84", "wgs", "gps", "天地图", "tianditu"), "wgs84"),
    **dict.fromkeys(("cgcs2000", "cgcs-2000", "cgcs_2000", "cgcs", "国家2000", "2000国家大地坐标系"), "cgcs2000"),
}
_CRS_RE = re.compile("|".join(re.escape(w) for w in sorted(CRS_WORDS, key=len, reverse=True)))
_CRS_FILLER = re.compile(r"[\s_\-–—:：()（）\[\]【】/,，]|坐标系|坐标|coordinates?|crs")


@dataclass(frozen=True)
class HeaderMatch:
    """A recognised header: the target field, for money the factor to 万元, and for a coordinate
    the coordinate system its header names (None when it names none)."""

    field: str
    factor: float = 1.0
    crs: str | None = None


def normalize_header(text: object) -> str:
    """NFKC, lower case, no spaces/newlines (how headers are compared)."""
    norm = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"\s+", "", norm)


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in schema.COMPOUND_FIELDS:
        table[normalize_header(f.zh)] = f.name
        table[normalize_header(f.en)] = f.name
    for name, aliases in ALIASES.items():
        for alias in (name, *aliases):
            table[normalize_header(alias)] = name
    for s in schema.FUNDING_SOURCES:
        for alias in (s.key, s.zh, s.en):
            table[normalize_header(alias)] = f"funding:{s.key}"
    table.pop(normalize_header("geometry"), None)
    table.pop(normalize_header("位置"), None)
    return table


_TABLE = _alias_table()
UNIT_WORDS: frozenset[str] = frozenset(normalize_header(w) for w in _UNIT_WORDS)
_DERIVED = frozenset(normalize_header(d) for d in DERIVED)
#: The summary columns of an export (``geo.export``: status-dependent, as of its date), under
#: every header and key they are exported with: recognised exactly and ignored.
_DERIVED_EXACT = frozenset(normalize_header(h) for h in summary_headers())


def split_unit(header: object) -> tuple[str, str]:
    """('户数', '户') from '户数（户）'; the unit is '' when none is written."""
    norm = normalize_header(header)
    for pattern in _UNIT_RES:
        m = pattern.match(norm)
        if m and m.group("base"):
            return m.group("base"), m.group("unit")
    for unit in ("万元", "元"):
        if norm.endswith(unit) and len(norm) > len(unit) and normalize_header(norm) not in _TABLE:
            return norm[: -len(unit)], unit
    return norm, ""


def coordinate_header(header: object) -> HeaderMatch | None:
    """lon / lat with the coordinate system the header names ('百度经度', 'lng_gcj02',
    'X (CGCS2000)', '纬度（WGS-84）'); None when the header names no coordinate system."""
    norm = normalize_header(header)
    found = _CRS_RE.search(norm)
    if found is None:
        return None
    rest = _CRS_FILLER.sub("", norm[: found.start()] + norm[found.end():])
    field = _TABLE.get(rest) or _TABLE.get(rest + "坐标")
    return HeaderMatch(field, crs=CRS_WORDS[found.group()]) if field in ("lon", "lat") else None


def match_header(header: object) -> HeaderMatch | None:
    """The target field of one header, or None when it is not recognised."""
    norm = normalize_header(header)
    if norm in _TABLE:
        return HeaderMatch(_TABLE[norm])
    located = coordinate_header(header)
    if located is not None:
        return located
    base, unit = split_unit(header)
    field = _TABLE.get(base)
    if field is None:
        return None
    factor = MONEY_UNITS.get(unit.replace(" ", ""), 1.0) if field.startswith("funding:") else 1.0
    return HeaderMatch(field, factor)


def is_derived(header: object) -> bool:
    """True for columns that are derived or bookkeeping (ignored silently)."""
    norm = normalize_header(header)
    return norm in _DERIVED_EXACT or norm in _DERIVED or split_unit(header)[0] in _DERIVED


def map_columns(headers: list[str], overrides: dict[str, str] | None = None
                ) -> tuple[dict[str, HeaderMatch], list[str]]:
    """Header -> match for recognised headers, plus the unknown headers in file order.

    ``overrides`` maps a header to a target field chosen by the user ('' = ignore it).
    When two headers map to one field, the first wins; the second is reported unknown.
    """
    overrides = overrides or {}
    mapped: dict[str, HeaderMatch] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    for header in headers:
        if header not in overrides and normalize_header(header) in _DERIVED_EXACT:
            continue
        if header in overrides:
            target = overrides[header]
            match = (HeaderMatch(target, MONEY_UNITS.get(split_unit(header)[1], 1.0)
                                 if target.startswith("funding:") else 1.0) if target else None)
        else:
            match = match_header(header)
        if match is not None and match.field not in taken:
            mapped[header] = match
            taken.add(match.field)
        elif header not in overrides and not is_derived(header) and str(header).strip():
            unknown.append(header)
    return mapped, unknown


def header_score(cells: list[object]) -> int:
    """How many cells of a row are known headers (to find the header row)."""
    return sum(1 for c in cells if c not in (None, "") and match_header(c) is not None)


def is_units_row(cells: list[object]) -> bool:
    """True when every non-empty cell is a unit word (the row under an exported header)."""
    words = [normalize_header(c) for c in cells if c not in (None, "")]
    return bool(words) and all(w in UNIT_WORDS or split_unit(w)[0] in UNIT_WORDS for w in words)


def import_targets() -> list[str]:
    """Every field a column can be mapped to (for the UI's mapping choice)."""
    fields = [f.name for f in schema.COMPOUND_FIELDS if f.name != "geometry"]
    extra = ["status", "lon", "lat", "elevators", "ev_chargers", "funding_year"]
    return fields + extra + [f"funding:{k}" for k in schema.FUNDING_KEYS]


# --- the import template -----------------------------------------------------------------------
#: The template's columns in order, with the example row's values; places, name, location and
#: the vocabulary labels come from the programme and the language (:func:`template_example`).
_TEMPLATE_EXAMPLE: dict[str, object] = {
    "compound_id": "", "name": "", "address": "", "subdistrict": "", "community": "",
    "area": "", "year_built": 1988, "buildings": 9, "households": 202, "floor_area_m2": 15800,
    "is_old": True, "decision": schema.DECISION_ELIGIBLE, "batch": "2024", "plan_start": dt.date(2024, 3, 1),
    "plan_finish": dt.date(2024, 12, 31), "actual_start": dt.date(2024, 3, 20), "actual_finish": "", "lon": None,
    "lat": None, "elevators": 2, "ev_chargers": 6, "funding_year": 2024,
    **{f"funding:{k}": {"government_subsidy": 120, "residents": 8.5}.get(k) for k in schema.FUNDING_KEYS},
}
#: Header units per field (the unit key of ``geo.i18n``).
_TEMPLATE_UNITS = {"buildings": "unit.buildings", "households": "unit.households", "floor_area_m2": "unit.m2_symbol",
                   "elevators": "unit.elevators", "ev_chargers": "unit.chargers"}
#: Enumerated columns -> their drop-down list (data validation).
_LISTED = ("subdistrict", "area", "is_old", "decision", "batch")
_TEMPLATE_ROWS = 5000  # rows the drop-down lists cover below the header


def template_example_names() -> frozenset[str]:
    """The example row's compound name in every language, NFKC-normalised as cells are read
    (a row with it is refused on import)."""
    return frozenset(unicodedata.normalize("NFKC", t("template.example.name", lang)) for lang in LANGS)


def template_example(ds: Dataset, lang: str = "zh") -> dict[str, object]:
    """The template's example row in ``lang``: a compound inside the programme's first area (or
    first subdistrict), its name marking it as the example, its values as the file would carry them."""
    programme = ds.programme
    area = programme.areas[0] if programme.areas else None
    lon, lat, subdistrict = _example_place(ds, area)
    sd = programme.subdistrict(subdistrict) if subdistrict else None
    communities = programme.communities(sd.name) if sd else ()
    return {**_TEMPLATE_EXAMPLE, "name": t("template.example.name", lang), "address": t("template.example.address", lang),
            "subdistrict": sd.label(lang) if sd else "", "community": communities[0].name if communities else "",
            "area": area.label(lang) if area else "", "lon": lon, "lat": lat,
            "is_old": t("record.yes" if _TEMPLATE_EXAMPLE["is_old"] else "record.no", lang),
            "decision": vocab("decision", str(_TEMPLATE_EXAMPLE["decision"]), lang),
            "batch": vocab("batch", str(_TEMPLATE_EXAMPLE["batch"]), lang)}


def _example_place(ds: Dataset, area: Area | None) -> tuple[float | None, float | None, str | None]:
    """(lon, lat, subdistrict) of a point inside ``area``'s outline (WGS-84, 6 decimals), else of
    the first subdistrict's centre."""
    outline = ds.areas[ds.areas["name"] == area.name] if area is not None and len(ds.areas) else ds.areas.iloc[0:0]
    if area is not None and len(outline):
        point = outline.geometry.iloc[0].representative_point()
        spot = gpd.GeoDataFrame(geometry=[point], crs=STORAGE_CRS)
        found = locate(spot, ds.subdistricts, "name").iloc[0] if len(ds.subdistricts) else None
        return round(point.x, 6), round(point.y, 6), found or area.subdistrict
    sd = ds.programme.subdistricts[0] if ds.programme.subdistricts else None
    return (sd.lon, sd.lat, sd.name) if sd is not None else (None, None, None)


def template_columns(lang: str = "zh") -> list[tuple[str, str, str]]:
    """(field, header, what is accepted) for every column of the import template, in ``lang``."""
    specs = {f.name: f for f in schema.COMPOUND_FIELDS}
    out = []
    for name in _TEMPLATE_EXAMPLE:
        if name.startswith("funding:"):
            header = with_unit(vocab("source", name.split(":", 1)[1], lang), t("unit.wan_yuan", lang), lang)
            out.append((name, header, t("template.money", lang)))
            continue
        label = _label(specs[name], lang) if name in specs else t(f"template.{name}", lang)
        unit = _TEMPLATE_UNITS.get(name) if lang == "zh" or name == "floor_area_m2" else None  # English counts need none
        out.append((name, with_unit(label, t(unit, lang) if unit else "", lang), t(f"template.{name}.ok", lang)))
    return out


def _label(spec: schema.Field, lang: str) -> str:
    return spec.en if lang == "en" else spec.zh


def template_xlsx(ds: Dataset, lang: str = "zh") -> bytes:
    """The import template in ``lang`` for ``ds``'s programme: a header row and one example row
    (refused if imported as it is), drop-down lists for the enumerated columns, and an
    instruction sheet listing each column, the subdistricts and areas and every funding
    source. Text is text (``geo.sheets``)."""
    cols = template_columns(lang)
    programme = ds.programme
    wb = Workbook()
    ws = wb.active
    ws.title = t("template.sheet", lang)
    example = template_example(ds, lang)
    for i, (name, header, _) in enumerate(cols, start=1):
        sheets.set_text(ws.cell(row=1, column=i), header).font = Font(bold=True)
        cell = sheets.set_text(ws.cell(row=2, column=i), example[name])
        if isinstance(example[name], dt.date):
            cell.number_format = "yyyy-mm-dd"
        ws.column_dimensions[get_column_letter(i)].width = max(10, len(header) * 2)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(t("template.notes", lang))
    lists = _template_lists(wb, programme, lang)
    for i, (name, _, _) in enumerate(cols, start=1):
        if name in lists:
            letter = get_column_letter(i)
            rule = DataValidation(type="list", formula1=lists[name], allow_blank=True, errorStyle="warning",
                                  showErrorMessage=True, error=t("template.list_error", lang))
            rule.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
            ws.add_data_validation(rule)
    _template_notes(notes, cols, programme, lang)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _template_lists(wb: Workbook, programme: Programme, lang: str) -> dict[str, str]:
    """A hidden sheet with one column per enumerated field; field -> its range for a drop-down."""
    ws = wb.create_sheet(t("template.lists", lang))
    ws.sheet_state = "hidden"
    values = {
        "subdistrict": [s.label(lang) for s in programme.subdistricts],
        "area": [a.label(lang) for a in programme.areas],
        "is_old": [t("record.yes", lang), t("record.no", lang)],
        "decision": [vocab("decision", k, lang) for k in schema.DECISION_LABELS],
        "batch": [vocab("batch", k, lang) for k in schema.BATCHES],
    }
    ranges = {}
    for col, name in enumerate(_LISTED, start=1):
        sheets.set_text(ws.cell(row=1, column=col), t(f"field.{name}", lang))
        for row, value in enumerate(values[name], start=2):
            sheets.set_text(ws.cell(row=row, column=col), value)
        letter = get_column_letter(col)
        if values[name]:
            ranges[name] = f"'{ws.title}'!${letter}$2:${letter}${len(values[name]) + 1}"
    return ranges


def _template_notes(ws: Any, cols: list[tuple[str, str, str]], programme: Programme, lang: str) -> None:
    """The instruction sheet: how to fill it in, each column, the places and the funding sources."""
    bold = Font(bold=True)
    rows: list[tuple[list[Any], bool]] = [([t("template.notes.title", lang)], True)]
    rows += [([t(f"template.notes.{i}", lang)], False) for i in range(1, 5)] + [([], False)]
    rows += [([t("validate.col.column", lang), t("validate.col.accepted", lang)], True)]
    rows += [([header, accepted], False) for _, header, accepted in cols] + [([], False)]
    rows += [([t("template.notes.subdistricts", lang, n=len(programme.subdistricts)), t("template.notes.en", lang),
               t("template.notes.key", lang)], True)]
    rows += [([s.name, s.en, "★" if s.key else ""], False) for s in programme.subdistricts] + [([], False)]
    rows += [([t("template.notes.areas", lang, n=len(programme.areas)), t("template.notes.en", lang),
               t("field.subdistrict", lang)], True)]
    rows += [([a.name, a.en, a.subdistrict], False) for a in programme.areas] + [([], False)]
    rows += [([t("template.notes.sources", lang, n=len(schema.FUNDING_SOURCES)), t("template.notes.en", lang),
               t("template.notes.group", lang)], True)]
    rows += [([s.zh, s.en, vocab("group", s.group, lang)], False) for s in schema.FUNDING_SOURCES]
    for r, (values, strong) in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheets.set_text(ws.cell(row=r, column=c), value)
            if strong:
                cell.font = bold
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 28, 70, 24
