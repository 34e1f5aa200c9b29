"""View models for the big-number tiles of the briefing page and the exhibition screen.

Pure functions (no Streamlit): they take the JSON of :func:`geo.metrics.stats` (or a
row of :func:`geo.metrics.progress_by_area`) and return labelled, formatted tiles.
No figure is computed here beyond a share or a unit change of a metrics value.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo import schema
from geo.i18n import t, vocab
from geo.programme import Programme


@dataclass(frozen=True)
class Kpi:
    """One tile: label, big value, unit and a line of reference/context."""

    key: str
    label: str
    value: str
    unit: str = ""
    ref: str = ""


def number(value: float | int, decimals: int = 0) -> str:
    """Thousands-separated number ('1,034', '23.80')."""
    return f"{value:,.{decimals}f}"


def percent(part: float, whole: float, decimals: int = 1) -> str:
    """part / whole in % as text ('98.1'); '0' when whole is 0."""
    if not whole:
        return "0"
    value = 100.0 * part / whole
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"


def yi_yuan(wan_yuan: float) -> float:
    """万元 -> 亿元."""
    return wan_yuan / 10_000


def briefing_kpis(stats: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The six briefing tiles, each with its reference (target, totals, split)."""
    f14, c, hh = stats["fyp14"], stats["compounds"], stats["households"]
    el, gw, money = stats["elevators"], stats["greenways"], stats["funding_wan_yuan"]
    gov = money["by_group"].get("government", 0.0)
    gov_pct = percent(gov, money["total"], 0)
    return [
        Kpi("fyp14", t("briefing.kpi.fyp14", lang), number(f14["completed"]), t("unit.compounds", lang),
            t("briefing.kpi.fyp14_ref", lang, target=number(f14["target"]), pct=percent(f14["completed"], f14["target"]))),
        Kpi("eligible", t("briefing.kpi.eligible", lang), number(c["eligible"]), t("unit.compounds", lang),
            t("briefing.kpi.eligible_ref", lang, old=number(c["old"]), fyp13=number(stats["batches"]["2015-2020"]))),
        Kpi("households", t("briefing.kpi.households", lang), number(hh["benefited"]), t("unit.households", lang),
            t("briefing.kpi.households_ref", lang, done=number(hh["fyp14_benefited"]), target=number(hh["fyp14"]))),
        Kpi("elevators", t("briefing.kpi.elevators", lang), number(el["total"]), t("unit.elevators", lang),
            t("briefing.kpi.elevators_ref", lang, done=number(el["completed"]), building=number(el["under_construction"]))),
        Kpi("greenways", t("briefing.kpi.greenways", lang), number(gw["tianfu_km"], 1), t("unit.km", lang),
            t("briefing.kpi.greenways_ref", lang, n=number(gw["community_count"]))),
        Kpi("funding", t("briefing.kpi.funding", lang), number(yi_yuan(money["total"]), 2), t("unit.yi_yuan", lang),
            t("briefing.kpi.funding_ref", lang, gov=gov_pct,
              other=str(100 - int(gov_pct)) if money["total"] else "0")),
    ]


def area_kpis(row: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The exhibition screen's six tiles for one area (a row of ``progress_by_area``); the
    area's % completed is shown on its own by the page."""
    return [
        Kpi("compounds", t("screen.area.compounds", lang), f"{number(row['completed'])} / {number(row['compounds'])}"),
        Kpi("building", t("screen.area.building", lang), number(row["under_construction"])),
        Kpi("households", t("screen.area.households", lang), number(row["households"])),
        Kpi("elevators", t("screen.area.elevators", lang), number(row["elevators"])),
        Kpi("chargers", t("screen.area.chargers", lang), number(row["ev_chargers"])),
        Kpi("funding", t("screen.area.funding", lang), number(yi_yuan(row["funding_wan_yuan"]), 2)),
    ]


def district_kpis(stats: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The exhibition screen's district-wide strip (aggregates only, no personal data)."""
    f14 = stats["fyp14"]
    return [
        Kpi("fyp14", t("screen.district.fyp14", lang), number(f14["completed"]), "",
            t("screen.of_target", lang, target=number(f14["target"]))),
        Kpi("households", t("screen.district.households", lang), number(stats["households"]["benefited"])),
        Kpi("elevators", t("screen.district.elevators", lang), number(stats["elevators"]["total"])),
        Kpi("greenway", t("screen.district.greenway", lang), number(stats["greenways"]["tianfu_km"], 1)),
        Kpi("funding", t("screen.district.funding", lang), number(yi_yuan(stats["funding_wan_yuan"]["total"]), 2)),
    ]


def long_date(day: dt.date, lang: str) -> str:
    """'2026年11月24日 星期二' / 'Tuesday, 24 November 2026' from the translation table."""
    weekday = t("screen.weekdays", lang).split(",")[day.weekday()]
    month = t("screen.months", lang).split(",")[day.month - 1]
    return t("screen.date", lang, y=day.year, m=month, d=day.day, w=weekday)


#: progress_by_area columns shown in the briefing's area table, with their header keys.
AREA_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "briefing.col.area"), ("compounds", "briefing.col.compounds"),
    ("completed", "briefing.col.completed"), ("under_construction", "briefing.col.under_construction"),
    ("planned", "briefing.col.planned"), ("pct_completed", "briefing.col.pct"),
    ("households", "briefing.col.households"), ("elevators", "briefing.col.elevators"),
    ("ev_chargers", "briefing.col.ev_chargers"), ("funding_wan_yuan", "briefing.col.funding"),
)


def area_table(progress: pd.DataFrame, lang: str, programme: Programme) -> pd.DataFrame:
    """``progress_by_area`` with translated area names and column headers (a new frame)."""
    out = progress[[c for c, _ in AREA_TABLE_COLUMNS]].copy()
    out["name"] = [t("briefing.other_area", lang) if n == schema.NO_AREA else vocab("area", n, lang, programme)
                   for n in out["name"]]
    return out.rename(columns={c: t(key, lang) for c, key in AREA_TABLE_COLUMNS})


def site_notes(stats: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The briefing's construction lines from the ``sequencing`` and ``issues`` stats blocks:
    (text, css class) for "needs decision" (compounds breaking a sequencing rule) and the issue log."""
    seq, issues = stats["sequencing"], stats["issues"]
    rate = issues["resolved_same_day_rate"]
    first = (t("briefing.sequence", lang, n=number(seq["compounds_with_violations"]), v=number(seq["violations"])), "qy-alert") \
        if seq["compounds_with_violations"] else (t("briefing.sequence_ok", lang), "qy-ok")
    log = t("briefing.issues", lang, open=number(issues["open"]), overdue=number(issues["overdue"]),
            rate="—" if rate is None else f"{100 * rate:.1f}%")
    return [first, (log, "qy-note")]

