"""What an import will change, as people read it before anything is written.

``changes_frame(plan, lang, programme)`` is one row per changed value of a stored
compound (ID, name, field, before → after) and one row per new compound; ``summary``
says how many compounds are added, updated and unchanged. Values are shown as on the
screen: labels for codes, ISO dates, 是/否, places in ``lang``, money in 万元.
"""
from __future__ import annotations

import datetime as dt
import numbers
from typing import Any

import pandas as pd
import shapely

from geo import schema
from geo.export import field_header
from geo.formatting import number
from geo.i18n import t, vocab, with_unit
from geo.imports.planning import ELEVATORS, EV_CHARGERS, FUNDING, FieldChange, ImportPlan
from geo.programme import Programme

#: The preview's columns, in order (headers: ``preview.col.<name>``).
PREVIEW_COLUMNS: tuple[str, ...] = ("compound_id", "name", "change", "field", "before", "after")
_YEAR_FIELDS = frozenset({"year_built", "funding_year"})
_VOCAB_FIELDS = {"decision": "decision", "batch": "batch", "subdistrict": "subdistrict", "area": "area"}


def summary(plan: ImportPlan, lang: str = "zh") -> str:
    """'新增 2 个小区，更新 3 个，未变 1,886 个' in ``lang``."""
    return t("import.summary", lang, added=f"{len(plan.added):,}", updated=f"{len(plan.updated):,}",
             unchanged=f"{plan.unchanged:,}")


def field_label(change: FieldChange, lang: str = "zh") -> str:
    """The changed field as a column header with its unit, as the export writes it (户数（户）,
    充电桩（个）, 政府补助 2024年（万元）)."""
    if change.field == FUNDING:
        return with_unit(t("preview.funding", lang, source=vocab("source", change.source, lang), year=change.year),
                         t("unit.wan_yuan", lang), lang)
    if change.field == ELEVATORS:
        return with_unit(t("template.elevators", lang), t("unit.elevators", lang), lang)
    if change.field == EV_CHARGERS:
        return with_unit(t("template.ev_chargers", lang), t("unit.chargers", lang), lang)
    if change.field == "geometry":
        return t("record.location", lang)
    spec = next((f for f in schema.COMPOUND_FIELDS if f.name == change.field), None)
    return field_header(spec, lang) if spec else change.field


def value_text(field: str, value: Any, lang: str = "zh", programme: Programme | None = None) -> str:
    """One value as shown on the screen ('—' for none)."""
    if value is None or (not isinstance(value, shapely.Geometry) and pd.isna(value)):
        return "—"
    if isinstance(value, shapely.Geometry):
        return f"{value.x:.6f}, {value.y:.6f}" if isinstance(value, shapely.Point) else value.geom_type
    if isinstance(value, (pd.Timestamp, dt.date)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, bool) or field == "is_old":
        return t("record.yes" if bool(value) else "record.no", lang)
    if field in _VOCAB_FIELDS and isinstance(value, str):
        kind = _VOCAB_FIELDS[field]
        return vocab(kind, value, lang, programme) if programme is not None or kind not in ("subdistrict", "area") else value
    if field in _YEAR_FIELDS and isinstance(value, numbers.Real):
        return str(round(float(value)))  # a year: 1990, not 1,990
    if isinstance(value, numbers.Real):  # numpy's too
        return number(float(value), 2, trim=True)
    return str(value)


def changes_frame(plan: ImportPlan, lang: str = "zh", programme: Programme | None = None) -> pd.DataFrame:
    """One row per new compound and per changed value (headers in ``lang``), in file order."""
    compounds = plan.dataset.compounds.set_index("compound_id")
    rows = [{"compound_id": cid, "name": str(compounds.at[cid, "name"]), "change": t("preview.added", lang),
             "field": "", "before": "", "after": ""} for cid in plan.added]
    rows += [{"compound_id": c.compound_id, "name": c.name, "change": t("preview.updated", lang),
              "field": field_label(c, lang), "before": value_text(c.field, c.before, lang, programme),
              "after": value_text(c.field, c.after, lang, programme)} for c in sorted(plan.changes, key=lambda c: c.row)]
    frame = pd.DataFrame(rows, columns=list(PREVIEW_COLUMNS))
    return frame.rename(columns={c: t(f"preview.col.{c}", lang) for c in PREVIEW_COLUMNS})
