"""The construction model's vocabularies and the fields of its layers (documented in data/README.md).

Works (the existing ``works`` layer) carry a **sequencing class**, a **contractor** (施工单位)
and a **work face** (作业面); three layers are added beside them:

- ``handovers`` (作业面移交): a work face handed from one work to the next, planned and actual date,
  who accepted it; one row per compound x from-work x to-work;
- ``daily_progress`` (工程日进度): percent complete of one work on one day, workers on site, note,
  who reported it and when; one row per compound x work x day (a later report of the same day
  replaces the earlier one, the audit trail keeps both);
- ``issue_log`` (问题台账): an issue raised on a compound, its category, owner, due date and resolution.

Sequencing classes, in construction order: ``underground`` (地下工程: gas mains, sewage
separation, buried lines), ``special`` (专项改造 above ground: fire safety, smart security,
EV chargers, which bring the utilities' wiring), ``hardware`` (地上硬件提升: facades and roofs,
paving, greening, parking, accessibility, age- and child-friendly facilities). A work whose
class is empty takes its work type's default (:data:`DEFAULT_CLASS`): the default is applied
when the rules read the works, never written.

A work face is the physical area a work occupies, as the site writes it (e.g. 院落地面, 楼栋立面,
楼道): an underground work's face is the ground it opens, so that the ground's handover from the
pipe crew to the paving crew is one face changing hands. An empty face is unknown: the rules
then treat the whole compound as one face.
"""
from __future__ import annotations

import unicodedata

import pandas as pd

from geo import schema
from geo.schema import Field

# --- sequencing classes ------------------------------------------------------------------------
UNDERGROUND, SPECIAL, HARDWARE = "underground", "special", "hardware"
#: In construction order: a class's works come before the next class's.
SEQUENCE_CLASSES: tuple[str, ...] = (UNDERGROUND, SPECIAL, HARDWARE)
SEQUENCE_LABELS: dict[str, tuple[str, str]] = {
    UNDERGROUND: ("地下工程", "Underground works"),
    SPECIAL: ("专项改造", "Special works"),
    HARDWARE: ("地上硬件提升", "Above-ground hardware"),
}
SEQUENCE_ORDER: dict[str, int] = {c: i for i, c in enumerate(SEQUENCE_CLASSES)}
#: Work type -> its default class (applied to works whose class is empty).
DEFAULT_CLASS: dict[str, str] = {
    **{w.key: HARDWARE for w in schema.WORK_TYPES},
    "gas": UNDERGROUND, "sewage": UNDERGROUND, "pipes": UNDERGROUND,
    "fire_safety": SPECIAL, "smart_security": SPECIAL, "ev_chargers": SPECIAL,
}
#: Surface works: digging after one of these has finished on its face opens a finished surface (R3).
SURFACE_WORKS: tuple[str, ...] = ("paving", "greening", "parking")
#: Faces the sample and the template suggest per work type (a suggestion, never applied to an empty face).
GROUND, FACADE, STAIRWELL = "院落地面", "楼栋立面", "楼道"
SUGGESTED_FACE: dict[str, str] = {
    **{w.key: GROUND for w in schema.WORK_TYPES},
    "facade_roof": FACADE, "smart_security": FACADE, "fire_safety": STAIRWELL, "age_friendly": STAIRWELL,
}

# --- rule severities ------------------------------------------------------------------------------
SEVERITIES: dict[str, tuple[str, str]] = {
    "high": ("严重", "High"),
    "medium": ("较重", "Medium"),
}
#: Kinds of finding: a violation (actual dates) or a planning warning (planned dates).
VIOLATION, WARNING = "violation", "warning"
FINDING_KINDS: dict[str, tuple[str, str]] = {VIOLATION: ("违规", "Violation"), WARNING: ("计划预警", "Planning warning")}

# --- issue log --------------------------------------------------------------------------------------
ISSUE_CATEGORIES: dict[str, tuple[str, str]] = {
    "safety": ("安全隐患", "Safety hazard"),
    "complaint": ("居民诉求", "Residents' complaint"),
    "design_change": ("设计变更", "Design change"),
    "materials": ("材料供应", "Materials"),
    "coordination": ("协调配合", "Coordination"),
    "other": ("其他", "Other"),
}
#: Days allowed from raising to the due date, per category (the default due date of a new issue).
ISSUE_DUE_DAYS: dict[str, int] = {"safety": 0, "complaint": 1, "design_change": 7, "materials": 3,
                                  "coordination": 3, "other": 2}

# --- fields of the layers (export headers, templates, docs) ---------------------------------------------
_WORKS = " / ".join(schema.WORK_KEYS)
HANDOVER_FIELDS: tuple[Field, ...] = (
    Field("compound_id", "text", "", "小区编号", "Compound ID"),
    Field("from_work", "text", "", "移交方工程", "From work", _WORKS),
    Field("to_work", "text", "", "接收方工程", "To work", _WORKS),
    Field("plan_date", "date", "", "计划移交", "Planned handover", "YYYY-MM-DD"),
    Field("actual_date", "date", "", "实际移交", "Actual handover", "YYYY-MM-DD or empty"),
    Field("accepted_by", "text", "", "接收人", "Accepted by", "who accepted the face (empty until handed over)"),
)
DAILY_FIELDS: tuple[Field, ...] = (
    Field("compound_id", "text", "", "小区编号", "Compound ID"),
    Field("work", "text", "", "改造内容", "Work", _WORKS),
    Field("date", "date", "", "日期", "Day", "YYYY-MM-DD, not after today"),
    Field("percent", "real", "%", "累计完成", "Percent complete", "0-100"),
    Field("workers", "integer", "people", "在场人数", "Workers on site", ">= 0 or empty"),
    Field("note", "text", "", "备注", "Note"),
    Field("reported_by", "text", "", "填报人", "Reported by", "the signed-in user"),
    Field("reported_at", "datetime", "", "填报时间", "Reported at", "YYYY-MM-DD HH:MM:SS"),
)
ISSUE_FIELDS: tuple[Field, ...] = (
    Field("issue_id", "text", "", "问题编号", "Issue ID", "unique, e.g. QY-0001-I001"),
    Field("compound_id", "text", "", "小区编号", "Compound ID"),
    Field("work", "text", "", "相关工程", "Work concerned", f"{_WORKS} or empty"),
    Field("category", "text", "", "问题类别", "Category", " / ".join(ISSUE_CATEGORIES)),
    Field("description", "text", "", "问题描述", "Description", "non-empty"),
    Field("raised_at", "datetime", "", "提出时间", "Raised at", "YYYY-MM-DD HH:MM:SS"),
    Field("raised_by", "text", "", "提出人", "Raised by", "the signed-in user"),
    Field("owner", "text", "", "责任单位", "Owner", "non-empty"),
    Field("due", "date", "", "办结时限", "Due", "YYYY-MM-DD"),
    Field("resolved_at", "datetime", "", "解决时间", "Resolved at", "YYYY-MM-DD HH:MM:SS or empty"),
    Field("resolution", "text", "", "处理结果", "Resolution"),
)


# --- helpers --------------------------------------------------------------------------------------
def work_class(works: pd.DataFrame) -> pd.Series:
    """Each work's sequencing class: the stored one, else its work type's default."""
    default = works["work"].map(DEFAULT_CLASS).fillna(HARDWARE)
    if "sequence_class" not in works.columns:
        return default.rename("sequence_class")
    stored = works["sequence_class"].where(works["sequence_class"].isin(SEQUENCE_CLASSES))
    return stored.fillna(default).rename("sequence_class")


def face_key(faces: pd.Series) -> pd.Series:
    """Work faces as compared by the rules: NFKC, trimmed; '' for unknown (empty)."""
    return faces.map(lambda v: unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else "")


def issue_id(compound_id: str, taken: set[str]) -> str:
    """The next free issue id of a compound: ``<compound_id>-I001``, ``-I002``, ..."""
    n = 1
    while f"{compound_id}-I{n:03d}" in taken:
        n += 1
    return f"{compound_id}-I{n:03d}"
