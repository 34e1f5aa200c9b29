"""The one KPI model: the leadership figures as tiles (briefing page), a strip and panel
(exhibition screen), KPI cards (briefing pack) and totals (explorer).

Every :class:`Kpi` is built from numbers already computed by :mod:`geo.metrics`
(the JSON of :func:`geo.metrics.stats`, a row of :func:`geo.metrics.progress_by_area`,
or :func:`geo.filters.selection_totals`); nothing here computes a figure beyond a
share or a unit change. Labels come from ``geo.i18n``, numbers are written by
``geo.formatting``. ``Kpi.sources`` names the ``stats`` path of every number shown in
value and reference line, in order, so tests and the pack can trace each one back.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo import schema
from geo.formatting import number, percent, yi_yuan
from geo.i18n import t, vocab
from geo.programme import Programme


@dataclass(frozen=True)
class Kpi:
    """One figure: key, label, the big value (with its unit), a line of reference, where it comes from."""

    key: str
    label: str
    value: str
    unit: str = ""
    ref: str = ""
    sources: tuple[str, ...] = ()


def stat_value(stats: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of ``metrics.stats`` output; list items are picked by their 'batch'."""
    node: Any = stats
    for part in path.split("."):
        node = next(r for r in node if r["batch"] == part) if isinstance(node, list) else node[part]
    return node


def _figure(value: float | int) -> str:
    return number(value, 2, trim=True)


def kpi_from_stats(stats: Mapping[str, Any], key: str, label: str, value_paths: tuple[str, ...],
                   ref_key: str = "", lang: str = "zh", *, refs: Mapping[str, str] | None = None, unit: str = "",
                   fmt: Callable[[Any], str] = _figure) -> Kpi:
    """A Kpi whose value is the figures at ``value_paths`` ('607 / 619') and whose reference line
    is ``t(ref_key)`` with its fields filled from ``refs`` (field -> stats path); each figure
    written by ``fmt`` (default: up to two decimals, trailing zeros dropped)."""
    refs = refs or {}
    value = " / ".join(fmt(stat_value(stats, p)) for p in value_paths)
    ref = t(ref_key, lang, **{k: fmt(stat_value(stats, p)) for k, p in refs.items()}) if ref_key else ""
    return Kpi(key, label, value, unit, ref, value_paths + tuple(refs.values()))


#: The reference line of the elevator figures: completed and under construction.
_ELEVATOR_REFS = {"done": "elevators.completed", "building": "elevators.under_construction"}


# --- briefing page -------------------------------------------------------------------------
def briefing_kpis(stats: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The briefing page's six tiles, each with its reference (target, totals, split)."""
    f14, money = stats["fyp14"], stats["funding_wan_yuan"]
    gov_pct = percent(money["by_group"].get("government", 0.0), money["total"], 0)
    return [
        Kpi("fyp14", t("briefing.kpi.fyp14", lang), number(f14["completed"]), t("unit.compounds", lang),
            t("briefing.kpi.fyp14_ref", lang, target=number(f14["target"]), pct=percent(f14["completed"], f14["target"])),
            ("fyp14.completed", "fyp14.target")),
        kpi_from_stats(stats, "eligible", t("briefing.kpi.eligible", lang), ("compounds.eligible",),
                       "briefing.kpi.eligible_ref", lang, unit=t("unit.compounds", lang),
                       refs={"old": "compounds.old", "fyp13": "batches.2015-2020"}),
        kpi_from_stats(stats, "households", t("briefing.kpi.households", lang), ("households.benefited",),
                       "briefing.kpi.households_ref", lang, unit=t("unit.households", lang),
                       refs={"done": "households.fyp14_benefited", "target": "households.fyp14"}),
        kpi_from_stats(stats, "elevators", t("briefing.kpi.elevators", lang), ("elevators.total",),
                       "briefing.kpi.elevators_ref", lang, unit=t("unit.elevators", lang), refs=_ELEVATOR_REFS),
        Kpi("greenways", t("briefing.kpi.greenways", lang), number(stats["greenways"]["tianfu_km"], 1),
            t("unit.km", lang), t("briefing.kpi.greenways_ref", lang, n=number(stats["greenways"]["community_count"])),
            ("greenways.tianfu_km", "greenways.community_count")),
        Kpi("funding", t("briefing.kpi.funding", lang), number(yi_yuan(money["total"]), 2), t("unit.yi_yuan", lang),
            t("briefing.kpi.funding_ref", lang, gov=gov_pct, other=str(100 - int(gov_pct)) if money["total"] else "0"),
            ("funding_wan_yuan.total", "funding_wan_yuan.by_group.government")),
    ]


# --- explorer at scale (the roll-up workspace) -----------------------------------------------
def place_kpis(stats: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The roll-up explorer's tiles for the chosen place (``geo.rollup.stats_from_store``): compounds,
    14th-FYP completed against its target, households benefited, elevators added, funding (万元)."""
    f14 = stats["fyp14"]
    return [
        kpi_from_stats(stats, "compounds", t("explorer.rollup.kpi.compounds", lang), ("compounds.surveyed",),
                       unit=t("unit.compounds", lang)),
        Kpi("fyp14", t("explorer.rollup.kpi.fyp14", lang), number(f14["completed"]), t("unit.compounds", lang),
            t("explorer.rollup.kpi.fyp14_ref", lang, target=number(f14["target"] or 0),
              pct=percent(f14["completed"], f14["target"] or 0)), ("fyp14.completed", "fyp14.target")),
        kpi_from_stats(stats, "households", t("explorer.rollup.kpi.households", lang), ("households.benefited",),
                       unit=t("unit.households", lang)),
        kpi_from_stats(stats, "elevators", t("explorer.rollup.kpi.elevators", lang), ("elevators.total",),
                       unit=t("unit.elevators", lang)),
        kpi_from_stats(stats, "funding", t("explorer.rollup.kpi.funding", lang), ("funding_wan_yuan.total",),
                       unit=t("unit.wan_yuan", lang), fmt=lambda v: number(v, 1)),
    ]


# --- exhibition screen ---------------------------------------------------------------------
def district_kpis(stats: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The exhibition screen's district-wide strip (aggregates only, no personal data)."""
    return [
        kpi_from_stats(stats, "fyp14", t("screen.district.fyp14", lang), ("fyp14.completed",), "screen.of_target", lang,
                       refs={"target": "fyp14.target"}),
        kpi_from_stats(stats, "households", t("screen.district.households", lang), ("households.benefited",)),
        kpi_from_stats(stats, "elevators", t("screen.district.elevators", lang), ("elevators.total",)),
        Kpi("greenway", t("screen.district.greenway", lang), number(stats["greenways"]["tianfu_km"], 1),
            sources=("greenways.tianfu_km",)),
        Kpi("funding", t("screen.district.funding", lang), number(yi_yuan(stats["funding_wan_yuan"]["total"]), 2),
            sources=("funding_wan_yuan.total",)),
    ]


def area_kpis(row: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The exhibition screen's six tiles for one area (a row of ``metrics.progress_by_area``);
    the area's % completed is shown on its own by the page."""
    return [
        Kpi("compounds", t("screen.area.compounds", lang), f"{number(row['completed'])} / {number(row['compounds'])}"),
        Kpi("building", t("screen.area.building", lang), number(row["under_construction"])),
        Kpi("households", t("screen.area.households", lang), number(row["households"])),
        Kpi("elevators", t("screen.area.elevators", lang), number(row["elevators"])),
        Kpi("chargers", t("screen.area.chargers", lang), number(row["ev_chargers"])),
        Kpi("funding", t("screen.area.funding", lang), number(yi_yuan(row["funding_wan_yuan"]), 2)),
    ]


@dataclass(frozen=True)
class AreaPanel:
    """The exhibition screen's panel for one area: 'n / N', name, % completed, tiles, and every
    area's bar (name, % completed, whether it is the current one)."""

    ordinal: str
    area: str
    pct: float
    pct_label: str
    kpis: list[Kpi]
    bars: list[tuple[str, float, bool]]


def area_panel(progress: pd.DataFrame, index: int, lang: str, programme: Programme) -> AreaPanel:
    """The panel of the ``index``-th of the programme's areas, from a ``metrics.progress_by_area`` frame."""
    areas = progress[progress["name"].isin(programme.area_names)].reset_index(drop=True)
    row = areas.iloc[index]
    bars = [(vocab("area", name, lang, programme), float(pct), i == index)
            for i, (name, pct) in enumerate(zip(areas["name"], areas["pct_completed"]))]
    return AreaPanel(t("screen.area_no", lang, i=index + 1, n=len(areas)), vocab("area", row["name"], lang, programme),
                     float(row["pct_completed"]), t("screen.area.pct", lang), area_kpis(row, lang), bars)


def place_strip_kpis(stats: Mapping[str, Any], place: str, lang: str) -> list[Kpi]:
    """The roll-up screen's strip of the place shown (``place``: its name), from ``stats_from_store`` output."""
    strip = district_kpis(stats, lang)
    return [Kpi(k.key, t("screen.place.fyp14", lang, place=place), k.value, k.unit, k.ref, k.sources)
            if k.key == "fyp14" else k for k in strip]


def place_panel(stats: Mapping[str, Any], name: str, ordinal: str, bars: list[tuple[str, float, bool]],
                lang: str) -> AreaPanel:
    """The roll-up screen's panel of one place (``stats_from_store`` output): its 14th-FYP % completed and
    six tiles; ``bars``: every place of the rotation (name, % completed, whether it is this one)."""
    f14 = stats["fyp14"]
    pct = round(100.0 * f14["completed"] / f14["compounds"], 1) if f14["compounds"] else 0.0
    tiles = [
        kpi_from_stats(stats, "compounds", t("rollup.col.fyp14", lang), ("fyp14.completed", "fyp14.compounds")),
        kpi_from_stats(stats, "building", t("rollup.col.under_construction", lang), ("fyp14.under_construction",)),
        kpi_from_stats(stats, "households", t("screen.area.households", lang), ("households.benefited",)),
        kpi_from_stats(stats, "elevators", t("screen.area.elevators", lang), ("elevators.total",)),
        kpi_from_stats(stats, "chargers", t("screen.area.chargers", lang), ("ev_chargers",)),
        Kpi("funding", t("screen.area.funding", lang), number(yi_yuan(stats["funding_wan_yuan"]["total"]), 2),
            sources=("funding_wan_yuan.total",)),
    ]
    return AreaPanel(ordinal, name, pct, t("screen.area.pct", lang), tiles, bars)


# --- briefing pack -------------------------------------------------------------------------
def pack_summary_kpis(stats: Mapping[str, Any], lang: str, *, area: str | None = None) -> list[Kpi]:
    """The pack's summary cards: the 14th FYP against its target (an area: against its compounds),
    each batch, eligible compounds, households, elevators, greenways and funding by group."""
    target = "compounds" if area else "target"
    sfx = "_area" if area else ""
    batches = [r["batch"] for r in stats["year_progress"] if r["target"] or r["compounds"]][:4]
    kpis = [kpi_from_stats(stats, "fyp14", t(f"brief.kpi.fyp14{sfx}", lang), ("fyp14.completed", "fyp14.target"),
                           "brief.kpi.fyp14_detail", lang,
                           refs={"building": "fyp14.under_construction", "planned": "fyp14.planned"})]
    kpis += [kpi_from_stats(stats, f"batch.{b}", t(f"brief.kpi.batch{sfx}", lang, batch=b),
                            (f"year_progress.{b}.completed", f"year_progress.{b}.{target}"), "brief.kpi.batch_detail",
                            lang, refs={"building": f"year_progress.{b}.under_construction"}) for b in batches]
    return kpis + [
        kpi_from_stats(stats, "eligible", t("brief.kpi.eligible", lang), ("compounds.eligible",),
                       "brief.kpi.eligible_detail", lang, refs={"fyp13": "batches.2015-2020", "fyp14": "fyp14.compounds"}),
        kpi_from_stats(stats, "households", t("brief.kpi.households", lang),
                       ("households.fyp14_benefited", "households.fyp14"), "brief.kpi.households_detail", lang,
                       refs={"fyp13": "households.fyp13"}),
        kpi_from_stats(stats, "elevators", t("brief.kpi.elevators", lang), ("elevators.total",),
                       "brief.kpi.elevators_detail", lang, refs=_ELEVATOR_REFS),
        kpi_from_stats(stats, "greenways", t("brief.kpi.greenways", lang), ("greenways.tianfu_km",),
                       "brief.kpi.greenways_detail", lang, refs={"count": "greenways.community_count"}),
        kpi_from_stats(stats, "funding", t("brief.kpi.funding", lang), ("funding_wan_yuan.total",),
                       "brief.kpi.funding_detail", lang, fmt=_yi_yuan,
                       refs={g: f"funding_wan_yuan.by_group.{g}" for g in schema.FUNDING_GROUPS}),
    ]


def _yi_yuan(wan_yuan: float) -> str:
    """Money stored in 万元 written in 亿元 with two decimals, as the briefing page's tile: '8.49'."""
    return number(yi_yuan(wan_yuan), 2)


def pack_facilities_kpis(stats: Mapping[str, Any], lang: str, year: int) -> list[Kpi]:
    """The pack's facilities cards: elevators (total, completed in ``year``, planned) and greenways."""
    return [
        kpi_from_stats(stats, "elevators", t("brief.facilities.elevators", lang), ("elevators.total",),
                       "brief.kpi.elevators_detail", lang, refs=_ELEVATOR_REFS),
        kpi_from_stats(stats, "elevators_in_year", t("brief.facilities.completed_in_year", lang, year=year),
                       ("elevators.completed_in_year",)),
        kpi_from_stats(stats, "elevators_planned", t("brief.facilities.planned", lang), ("elevators.planned",)),
        kpi_from_stats(stats, "tianfu_km", t("brief.facilities.tianfu", lang), ("greenways.tianfu_km",)),
        kpi_from_stats(stats, "community_greenways", t("brief.facilities.community", lang),
                       ("greenways.community_count",)),
    ]


# --- explorer ------------------------------------------------------------------------------
def selection_kpis(totals: Mapping[str, float | int], lang: str) -> list[Kpi]:
    """The explorer's totals of a selection (``geo.filters.selection_totals``): compounds,
    households, elevators, EV chargers and funding (万元, whole numbers)."""
    label = {"funding_wan_yuan": "explorer.kpi.funding"}
    return [Kpi(key, t(label.get(key, f"explorer.kpi.{key}"), lang), number(value)) for key, value in totals.items()]


# --- site management: the /schedule page and the briefing's construction lines ------------------
def _rate(value: float | None) -> str:
    return "—" if value is None else number(100 * value, 1, unit="%")


def site_kpis(figures: Mapping[str, Any], lang: str) -> list[Kpi]:
    """The site schedule's five figures from :func:`geo.metrics.construction_stats` (blocks
    ``daily``, ``sequencing``, ``issues``): works on site, reported, compounds behind, violations /
    warnings, open / overdue issues; ``ref`` is the tile's help line."""
    days = figures["daily"]["lag_alert_days"]
    rate = figures["issues"]["resolved_same_day_rate"]
    return [
        kpi_from_stats(figures, "active", t("schedule.kpi.active", lang), ("daily.works_active",),
                       "schedule.kpi.active_help", lang),
        kpi_from_stats(figures, "reported", t("schedule.kpi.reported", lang), ("daily.works_reported",), lang=lang),
        kpi_from_stats(figures, "behind", t("schedule.kpi.behind", lang, days=days), ("daily.compounds_behind",), lang=lang),
        kpi_from_stats(figures, "sequence", t("schedule.kpi.sequence", lang),
                       ("sequencing.violations", "sequencing.warnings"), "schedule.kpi.sequence_help", lang,
                       refs={"n": "sequencing.compounds_with_violations"}),
        Kpi("issues", t("schedule.kpi.issues", lang),
            f"{number(figures['issues']['open'])} / {number(figures['issues']['overdue'])}",
            ref=t("schedule.kpi.issues_help", lang, rate=_rate(rate)),
            sources=("issues.open", "issues.overdue", "issues.resolved_same_day_rate")),
    ]


def site_notes(stats: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The briefing's construction lines from the ``sequencing`` and ``issues`` stats blocks:
    (text, css class) for "needs decision" (compounds breaking a sequencing rule) and the issue log."""
    seq, issues = stats["sequencing"], stats["issues"]
    first = (t("briefing.sequence", lang, n=number(seq["compounds_with_violations"]), v=number(seq["violations"])),
             "qy-alert") if seq["compounds_with_violations"] else (t("briefing.sequence_ok", lang), "qy-ok")
    log = t("briefing.issues", lang, open=number(issues["open"]), overdue=number(issues["overdue"]),
            rate=_rate(issues["resolved_same_day_rate"]))
    return [first, (log, "qy-note")]
