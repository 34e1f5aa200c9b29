"""The data model: vocabularies and field specs.

Everything a page, an export or the briefing names (statuses, works, funding
sources, their "4个一点" groups, plan periods, place levels) is defined here once.
Labels are bilingual; ``geo.i18n`` holds the free-text UI strings. The places and
targets of a programme are data, not vocabulary: see ``geo.programme``.
"""
from __future__ import annotations

from dataclasses import dataclass

# --- status (derived, never stored; see geo.asof) -------------------------------
STATUS_COMPLETED = "completed"
STATUS_UNDER_CONSTRUCTION = "under_construction"
STATUS_PLANNED = "planned"
STATUS_NO_NEED = "no_need"
STATUS_REDEVELOPED = "redeveloped"
STATUS_NOT_OLD = "not_old"
#: In display order. The first three are "in the programme".
STATUSES: tuple[str, ...] = (
    STATUS_COMPLETED, STATUS_UNDER_CONSTRUCTION, STATUS_PLANNED,
    STATUS_NO_NEED, STATUS_REDEVELOPED, STATUS_NOT_OLD,
)
PROGRAMME_STATUSES: tuple[str, ...] = STATUSES[:3]
STATUS_LABELS: dict[str, tuple[str, str]] = {
    STATUS_COMPLETED: ("已完工", "Completed"),
    STATUS_UNDER_CONSTRUCTION: ("在建", "Under construction"),
    STATUS_PLANNED: ("计划", "Planned"),
    STATUS_NO_NEED: ("暂无需改造", "No need"),
    STATUS_REDEVELOPED: ("已棚改", "Redeveloped (shanty-town)"),
    STATUS_NOT_OLD: ("非老旧小区", "Not old (built 2005+)"),
}

# --- renovation decision (stored) ---------------------------------------------------
DECISION_ELIGIBLE = "eligible"
DECISION_NO_NEED = "no_need"
DECISION_REDEVELOPED = "redeveloped"
DECISION_LABELS: dict[str, tuple[str, str]] = {
    DECISION_ELIGIBLE: ("符合改造标准", "Eligible"),
    DECISION_NO_NEED: ("现状良好暂无需改造", "In good condition, no need"),
    DECISION_REDEVELOPED: ("已实施棚改", "Redeveloped (shanty-town)"),
}
#: Built before the end of this year = "old" (老旧小区).
OLD_BUILT_BEFORE_END_OF = 2004

# --- plan periods and batches (the national five-year plans) -----------------------------
BATCH_FYP13 = "2015-2020"
BATCHES: tuple[str, ...] = (BATCH_FYP13, "2021", "2022", "2023", "2024", "2025")
FYP14_BATCHES: tuple[str, ...] = BATCHES[1:]
BATCH_LABELS: dict[str, tuple[str, str]] = {
    BATCH_FYP13: ("“十三五”（2015—2020）", "13th FYP (2015-2020)"),
    **{y: (f"{y}年批次", f"{y} batch") for y in FYP14_BATCHES},
}
PERIOD_FYP13 = "fyp13"
PERIOD_FYP14 = "fyp14"
#: Plan period -> its batches (a programme's targets are set per period or per batch).
PERIODS: dict[str, tuple[str, ...]] = {PERIOD_FYP13: (BATCH_FYP13,), PERIOD_FYP14: FYP14_BATCHES}
PERIOD_LABELS: dict[str, tuple[str, str]] = {
    PERIOD_FYP13: ("“十三五”", "13th FYP"),
    PERIOD_FYP14: ("“十四五”", "14th FYP"),
}
#: What a target counts.
TARGET_MEASURES: dict[str, tuple[str, str]] = {
    "compounds": ("小区", "compounds"),
    "households": ("户数", "households"),
}

# --- place levels (a programme's places form a hierarchy; see geo.programme) --------------------
#: From the top down: a place's parent is always on a higher level.
PLACE_LEVELS: dict[str, tuple[str, str]] = {
    "nation": ("国家", "Nation"),
    "province": ("省", "Province"),
    "city": ("市", "City"),
    "district": ("区（县）", "District"),
    "subdistrict": ("街道（镇）", "Subdistrict"),
    "community": ("社区（村）", "Community"),
}

# --- works (改造内容) ---------------------------------------------------------------------
@dataclass(frozen=True)
class WorkType:
    """One kind of renovation work."""

    key: str
    zh: str
    en: str
    underground: bool  # default flag: underground (地下) vs above-ground (地上) works
    counted: bool = False  # quantity is a count (e.g. chargers), not 1


WORK_TYPES: tuple[WorkType, ...] = (
    WorkType("gas", "燃气管网", "Gas pipes", True),
    WorkType("sewage", "雨污分流", "Sewage separation", True),
    WorkType("pipes", "水电气讯管线", "Water/power/gas/telecom lines", True),
    WorkType("facade_roof", "外立面及屋面", "Facade and roof", False),
    WorkType("accessibility", "无障碍设施", "Accessibility", False),
    WorkType("age_friendly", "适老化设施", "Age-friendly facilities", False),
    WorkType("child_friendly", "适幼（儿童友好）设施", "Child-friendly facilities", False),
    WorkType("smart_security", "智慧安防", "Smart security", False),
    WorkType("fire_safety", "消防设施", "Fire safety", False),
    WorkType("greening", "绿化提升", "Greening", False),
    WorkType("parking", "停车设施", "Parking", False),
    WorkType("ev_chargers", "充电桩", "EV chargers", False, counted=True),
)
WORK_KEYS: tuple[str, ...] = tuple(w.key for w in WORK_TYPES)
WORKS: dict[str, WorkType] = {w.key: w for w in WORK_TYPES}

# --- elevators --------------------------------------------------------------------------
ELEVATOR_STAGES: tuple[str, ...] = ("completed", "under_construction", "planned")
ELEVATOR_STAGE_LABELS: dict[str, tuple[str, str]] = {
    "completed": ("已完工", "Completed"),
    "under_construction": ("在建", "Under construction"),
    "planned": ("计划", "Planned"),
}

# --- funding ("4个一点") ---------------------------------------------------------------
FUNDING_GROUPS: dict[str, tuple[str, str]] = {
    "government": ("政府补一点", "Government"),
    "market": ("市场投一点", "Market"),
    "residents": ("居民出一点", "Residents"),
    "society": ("社会帮一点", "Society"),
}


@dataclass(frozen=True)
class FundingSource:
    """One funding source; amounts are stored in 万元 (10,000 yuan)."""

    key: str
    zh: str
    en: str
    group: str


#: Grouping follows the report's own wording: policy finance is listed under
#: 政府补一点; property-right units and social capital under 市场投一点.
FUNDING_SOURCES: tuple[FundingSource, ...] = (
    FundingSource("government_subsidy", "政府补助", "Government subsidy", "government"),
    FundingSource("special_bonds", "专项债", "Special-purpose bonds", "government"),
    FundingSource("general_bonds", "一般债", "General bonds", "government"),
    FundingSource("city_funds", "市级财政资金", "City funds", "government"),
    FundingSource("policy_finance", "政策性开发性金融工具", "Policy/development finance", "government"),
    FundingSource("property_units", "产权单位出资", "Property-right units", "market"),
    FundingSource("social_capital", "社会资本", "Social capital", "market"),
    FundingSource("residents", "居民出资", "Residents", "residents"),
    FundingSource("donations", "社会捐助", "Social donations", "society"),
)
FUNDING_KEYS: tuple[str, ...] = tuple(s.key for s in FUNDING_SOURCES)
SOURCE_GROUP: dict[str, str] = {s.key: s.group for s in FUNDING_SOURCES}

#: Label for compounds outside every renovation area in per-area tables.
NO_AREA = "其他"

# --- greenways and other places -------------------------------------------------------------
GREENWAY_LEVELS: dict[str, tuple[str, str]] = {
    "tianfu": ("天府绿道", "Tianfu greenway"),
    "community": ("社区绿道“回家的路”", "Community greenway (Way Home)"),
}
SITE_KINDS: dict[str, tuple[str, str]] = {
    "back_lane": ("背街小巷", "Back lane"),
    "feature_street": ("特色街区", "Feature street"),
    "corner_site": ("“金角银边”", "Pocket space (golden corners)"),
    "fitness_space": ("绿道健身新空间", "Greenway fitness space"),
}


def label(table: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """Bilingual label for a vocabulary key; the key itself if unknown."""
    pair = table.get(key)
    if pair is None:
        return str(key)
    return pair[1] if lang == "en" else pair[0]


# --- field specs (documented in data/README.md; used for export headers) -------------------
@dataclass(frozen=True)
class Field:
    """One column of a layer: name, type, unit, bilingual label and allowed values."""

    name: str
    dtype: str
    unit: str
    zh: str
    en: str
    allowed: str = ""


COMPOUND_FIELDS: tuple[Field, ...] = (
    Field("compound_id", "text", "", "小区编号", "Compound ID", "unique, e.g. QY-0001"),
    Field("name", "text", "", "小区名称", "Name", "non-empty"),
    Field("address", "text", "", "地址", "Address"),
    Field("subdistrict", "text", "", "所属街道", "Subdistrict", "one of the programme's subdistricts"),
    Field("community", "text", "", "社区", "Community"),
    Field("area", "text", "", "片区", "Renovation area", "one of the programme's areas, or empty"),
    Field("year_built", "integer", "year", "建成年份", "Year built", "1949-2025"),
    Field("buildings", "integer", "buildings", "楼栋数", "Buildings", "1-200"),
    Field("households", "integer", "households", "户数", "Households", "1-5000"),
    Field("floor_area_m2", "real", "m²", "建筑面积", "Floor area", "> 0"),
    Field("is_old", "boolean", "", "是否老旧小区", "Old (built before end-2004)", "true/false"),
    Field("decision", "text", "", "改造认定", "Renovation decision", "eligible / no_need / redeveloped / empty when not old"),
    Field("batch", "text", "", "改造批次", "Programme batch", "2015-2020 / 2021 / 2022 / 2023 / 2024 / 2025 / empty"),
    Field("plan_start", "date", "", "计划开工", "Planned start", "YYYY-MM-DD"),
    Field("plan_finish", "date", "", "计划竣工", "Planned finish", "YYYY-MM-DD, not before planned start"),
    Field("actual_start", "date", "", "实际开工", "Actual start", "YYYY-MM-DD or empty"),
    Field("actual_finish", "date", "", "实际竣工", "Actual finish", "YYYY-MM-DD or empty, not before actual start"),
    Field("geometry", "point", "EPSG:4326", "位置", "Location", "WGS-84 lon/lat inside the district"),
)
WORK_FIELDS: tuple[Field, ...] = (
    Field("compound_id", "text", "", "小区编号", "Compound ID"),
    Field("work", "text", "", "改造内容", "Work", " / ".join(WORK_KEYS)),
    Field("underground", "boolean", "", "地下工程", "Underground", "true/false"),
    Field("quantity", "integer", "count", "数量", "Quantity", ">= 1 (chargers: count)"),
    Field("plan_start", "date", "", "计划开工", "Planned start"),
    Field("plan_finish", "date", "", "计划完成", "Planned finish"),
    Field("actual_start", "date", "", "实际开工", "Actual start"),
    Field("actual_finish", "date", "", "实际完成", "Actual finish"),
)
ELEVATOR_FIELDS: tuple[Field, ...] = (
    Field("elevator_id", "text", "", "电梯编号", "Elevator ID", "unique"),
    Field("compound_id", "text", "", "小区编号", "Compound ID"),
    Field("building", "text", "", "楼栋", "Building"),
    Field("plan_start", "date", "", "计划开工", "Planned start"),
    Field("actual_start", "date", "", "开工日期", "Construction start", "empty = planned"),
    Field("actual_finish", "date", "", "完工日期", "Completed", "empty = not completed"),
)
FUNDING_FIELDS: tuple[Field, ...] = (
    Field("compound_id", "text", "", "小区编号", "Compound ID", "empty for district-level money"),
    Field("year", "integer", "year", "年度", "Year"),
    Field("source", "text", "", "资金来源", "Source", " / ".join(FUNDING_KEYS)),
    Field("amount_wan_yuan", "real", "万元", "金额", "Amount", ">= 0"),
)
