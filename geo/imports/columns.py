"""Column headers as planners write them -> model fields (the alias table), with units.

``match_header("政府补助（万元）")`` -> ``HeaderMatch("funding:government_subsidy", 1.0)``;
``(元)`` gives the factor 0.0001 so every amount lands in 万元. Headers are compared
after NFKC normalisation (full-width letters and brackets become ASCII), lower case,
without spaces. Import targets beyond the compound fields: ``lon``/``lat`` (degrees or,
with a projected CRS, metres), ``elevators`` (count), ``ev_chargers`` (count),
``funding_year`` and ``funding:<source>`` (万元). ``status`` is read to be checked only.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from geo import schema
from geo.i18n import TEXT, t
from geo.programme import Programme

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
#: Words that make up a units row under the header (the export's second row).
UNIT_WORDS: frozenset[str] = frozenset({
    "", "户", "栋", "幢", "年", "台", "个", "万元", "元", "m²", "m2", "㎡", "平方米", "天", "度", "°",
    "degrees", "单位", "unit", "year", "households", "buildings", "count", "10k yuan", "yuan", "days", "epsg:4326", "yyyy-mm-dd",
})
#: Money units -> factor to 万元.
MONEY_UNITS: dict[str, float] = {"万元": 1.0, "10kyuan": 1.0, "万": 1.0, "元": 1e-4, "yuan": 1e-4, "亿元": 1e4}
_UNIT_RE = re.compile(r"^(?P<base>.*?)[(\[（【/](?P<unit>[^)\]）】]*)[)\]）】]?$")


@dataclass(frozen=True)
class HeaderMatch:
    """A recognised header: the target field and, for money, the factor to 万元."""

    field: str
    factor: float = 1.0


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
_DERIVED = frozenset(normalize_header(d) for d in DERIVED)
#: Exported summary columns (geo.export) are status-dependent: recognised exactly and ignored.
_SUMMARY = ("days_late", "elevators", "elevators_planned", "ev_chargers", "funding_wan_yuan", "works", "geometry_wkt")


def _derived_exact() -> frozenset[str]:
    heads = {normalize_header(name) for name in _SUMMARY if name not in ("elevators", "ev_chargers")}
    for name in _SUMMARY:
        heads.update(normalize_header(label) for label in TEXT.get(f"field.{name}", ()))
    return frozenset(heads)


_DERIVED_EXACT = _derived_exact()


def split_unit(header: object) -> tuple[str, str]:
    """('户数', '户') from '户数（户）'; the unit is '' when none is written."""
    norm = normalize_header(header)
    m = _UNIT_RE.match(norm)
    if m and m.group("base"):
        return m.group("base"), m.group("unit")
    for unit in ("万元", "元"):
        if norm.endswith(unit) and len(norm) > len(unit) and normalize_header(norm) not in _TABLE:
            return norm[: -len(unit)], unit
    return norm, ""


def match_header(header: object) -> HeaderMatch | None:
    """The target field of one header, or None when it is not recognised."""
    norm = normalize_header(header)
    if norm in _TABLE:
        return HeaderMatch(_TABLE[norm])
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
#: The template's columns in order, with the example row's values; the places, the name and
#: the location are the programme's (filled by :func:`template_example`).
_TEMPLATE_EXAMPLE: dict[str, object] = {
    "compound_id": "", "name": "", "address": "", "subdistrict": "", "community": "",
    "area": "", "year_built": 1988, "buildings": 9, "households": 202, "floor_area_m2": 15800,
    "is_old": "是", "decision": "eligible", "batch": "2024", "plan_start": "2024-03-01", "plan_finish": "2024-12-31",
    "actual_start": "2024-03-20", "actual_finish": "", "lon": None, "lat": None, "elevators": 2,
    "ev_chargers": 6, "funding_year": 2024, "funding:government_subsidy": 120, "funding:residents": 8.5,
}


def template_example(programme: Programme, lang: str = "zh") -> dict[str, object]:
    """The template's example row: a compound in the programme's first area (or first
    subdistrict), placed at its approximate centre."""
    area = programme.areas[0] if programme.areas else None
    sd = programme.subdistrict(area.subdistrict) if area else programme.subdistricts[0]
    communities = programme.communities(sd.name) if sd else ()
    centres = [(x.lon, x.lat) for x in (area, sd, programme.root) if x is not None and x.lon is not None]
    lon, lat = centres[0] if centres else (None, None)
    return {**_TEMPLATE_EXAMPLE, "name": t("template.example.name", lang), "address": t("template.example.address", lang),
            "subdistrict": sd.name if sd else "", "community": communities[0].name if communities else "",
            "area": area.name if area else "", "lon": lon, "lat": lat}


def template_columns(lang: str = "zh") -> list[tuple[str, str, str]]:
    """(field, header, what is accepted) for every column of the import template."""
    specs = {f.name: f for f in schema.COMPOUND_FIELDS}
    out = []
    for name in _TEMPLATE_EXAMPLE:
        if name.startswith("funding:"):
            source = next(s for s in schema.FUNDING_SOURCES if s.key == name.split(":", 1)[1])
            header = f"{source.en if lang == 'en' else source.zh}（{t('unit.wan_yuan', lang)}）"
            out.append((name, header, t("template.money", lang)))
        elif name in specs:
            spec = specs[name]
            out.append((name, spec.en if lang == "en" else spec.zh, spec.allowed))
        else:
            out.append((name, t(f"template.{name}", lang), t(f"template.{name}.ok", lang)))
    return out


def template_xlsx(programme: Programme, lang: str = "zh") -> bytes:
    """The import template: one header row, one example row (in ``programme``'s places) and a
    sheet explaining each column."""
    cols = template_columns(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = t("template.sheet", lang)
    ws.append([header for _, header, _ in cols])
    example = template_example(programme, lang)
    ws.append([example[name] for name, _, _ in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, (_, header, _) in enumerate(cols, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, len(header) * 2)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(t("template.notes", lang))
    notes.append([t("validate.col.column", lang), t("validate.col.accepted", lang)])
    for _, header, accepted in cols:
        notes.append([header, accepted])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
