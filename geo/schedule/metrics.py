"""The construction figures ``geo.metrics.stats`` reports, and the per-area tables of the dispatch report.

Every function takes a data set already narrowed to an area or subdistrict where wanted
(``geo.metrics.filter_dataset``) and an as-of date; the day of the daily figures is the as-of
date itself.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from geo import asof
from geo.asof import AsOf, AsOfLike
from geo.dataset import Dataset
from geo.schedule import model
from geo.schedule.daily import compounds_behind, daily_table
from geo.schedule.rules import RULES
from geo.settings import get_settings


def sequencing_stats(findings: pd.DataFrame) -> dict[str, Any]:
    """Counts of ``geo.schedule.rules.check_sequence`` findings: violations, planning warnings, the
    compounds with each, and both per rule."""
    violation = findings["kind"] == model.VIOLATION
    return {
        "violations": int(violation.sum()),
        "warnings": int((~violation).sum()),
        "compounds_with_violations": int(findings.loc[violation, "compound_id"].nunique()),
        "compounds_with_warnings": int(findings.loc[~violation, "compound_id"].nunique()),
        "by_rule": {r.id: {"violations": int((violation & (findings["rule"] == r.id)).sum()),
                           "warnings": int((~violation & (findings["rule"] == r.id)).sum())} for r in RULES},
    }


def _events_on(works: pd.DataFrame, d: AsOf) -> tuple[pd.Series, pd.Series]:
    """(started on D, finished on D) per work."""
    return asof.happened_on(works["actual_start"], d), asof.happened_on(works["actual_finish"], d)


def _day_figures(table: pd.DataFrame, works: pd.DataFrame, d: AsOf) -> dict[str, Any]:
    started, finished = _events_on(works, d)
    reported = table["percent"].notna()
    moved = table.loc[reported, "change"]
    return {"works_active": int(len(table)), "works_reported": int(reported.sum()),
            "works_started": int(started.sum()), "works_finished": int(finished.sum()),
            "percent_moved": round(float(moved.mean()), 1) if len(moved) else None}


def daily_stats(ds: Dataset, as_of: AsOfLike = None, *, table: pd.DataFrame | None = None) -> dict[str, Any]:
    """The daily progress of day D (= ``as_of``): works active, reported, started and finished on D,
    the mean change of the works reported (percentage points), and the compounds behind their daily
    plan by ``settings.lag_alert_days`` or more. ``table``: D's :func:`daily_table`, if made already."""
    d = AsOf.of(as_of)
    table = daily_table(ds, d) if table is None else table
    works = ds.works[ds.works["compound_id"].isin(ds.compounds["compound_id"])]
    days = get_settings().lag_alert_days
    return {**_day_figures(table, works, d), "lag_alert_days": days,
            "compounds_behind": int(len(compounds_behind(table, days)))}


def daily_by_group(ds: Dataset, table: pd.DataFrame, as_of: AsOfLike, key: str,
                   order: Sequence[str | None]) -> pd.DataFrame:
    """Day D's figures per group of compounds (``key``: area or subdistrict; one row per name in
    ``order``, None for the compounds without one): works active, reported, started, finished, and
    the mean change. ``table``: D's :func:`daily_table` of ``ds``."""
    d = AsOf.of(as_of)
    groups = ds.compounds.set_index("compound_id")[key]
    works = ds.works[ds.works["compound_id"].isin(ds.compounds["compound_id"])]
    rows = []
    for name in order:
        ids = set(groups.index[groups == name]) if name is not None else set(groups.index[groups.isna()])
        figures = _day_figures(table[table["compound_id"].isin(ids)], works[works["compound_id"].isin(ids)], d)
        rows.append({"name": name, **figures})
    return pd.DataFrame(rows)


def planned_next_day(ds: Dataset, as_of: AsOfLike = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What is planned for D + 1: works planned to start then and not started by D; handovers
    planned then and not done by D."""
    d = AsOf.of(as_of)
    tomorrow = AsOf(d.date + dt.timedelta(days=1))
    ids = ds.compounds["compound_id"]
    works = asof.known_on(ds.works[ds.works["compound_id"].isin(ids)], d)
    starts = works[asof.happened_on(works["plan_start"], tomorrow) & works["actual_start"].isna()]
    hv = asof.known_on(ds.handovers[ds.handovers["compound_id"].isin(ids)], d)
    handovers = hv[asof.happened_on(hv["plan_date"], tomorrow) & hv["actual_date"].isna()]
    return pd.DataFrame(starts.reset_index(drop=True)), pd.DataFrame(handovers.reset_index(drop=True))
