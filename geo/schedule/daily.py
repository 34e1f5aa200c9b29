"""一表: the daily progress table (工程日进度一栏表) of one day, and the reports an edit of it makes.

:func:`daily_table` lists every work active on day D (``geo.asof.works_active_on``) of the
compounds of a data set (filter it first with ``geo.metrics.filter_dataset``): planned %
(from its planned dates, ``geo.asof.planned_percent``), the % reported for D, the latest %
before D ("yesterday's", carried forward when a day was missed), the change, the lag in days
(``geo.asof.lag_days``, of the % reported for D, else of yesterday's), workers, note and who
reported. Reports count as known on the as-of date (``geo.asof.daily_known_on``).

:class:`DailyReport` is one report as a person gives it; :func:`reports_from_edit` turns an
edited table into the reports to save (``geo.writes.save_daily_progress``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo import asof
from geo.asof import AsOf, AsOfLike
from geo.dataset import Dataset
from geo.schedule import model

#: Columns of :func:`daily_table`, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "compound_id", "name", "subdistrict", "area", "work", "sequence_class", "contractor", "work_face",
    "plan_start", "plan_finish", "planned_percent", "percent", "previous", "change", "lag_days",
    "workers", "note", "reported_by", "reported_at",
)
#: The columns a person fills in.
EDITABLE: tuple[str, ...] = ("percent", "workers", "note")
_KEY = ["compound_id", "work"]


@dataclass(frozen=True)
class DailyReport:
    """One work's progress on one day, as reported (percent complete 0-100; workers on site; a note)."""

    compound_id: str
    work: str
    date: dt.date
    percent: float
    workers: int | None = None
    note: str | None = None


def daily_table(ds: Dataset, day: AsOfLike = None, *, as_of: AsOfLike = None) -> pd.DataFrame:
    """The daily progress table of ``day`` (default today) for the compounds of ``ds``, with the
    reports known on ``as_of`` (default: ``day``; a later as-of date adds reports made late).

    One row per work active on the day (see the module doc; columns :data:`TABLE_COLUMNS`),
    by area, compound, sequencing class and planned start.
    """
    d = AsOf.of(day)
    seen = max(AsOf.of(as_of) if as_of is not None else d, d)
    works = ds.works[ds.works["compound_id"].isin(ds.compounds["compound_id"])]
    active = works[asof.works_active_on(asof.known_on(works, d), d)].copy()
    active["sequence_class"] = model.work_class(active)
    reports = asof.daily_known_on(ds.daily_progress, seen)
    on_day = reports[reports["date"].dt.normalize() == d.day]
    earlier = reports[reports["date"].dt.normalize() < d.day].sort_values("date", kind="stable")
    previous = earlier.groupby(_KEY)["percent"].last().rename("previous")
    out = (active.merge(on_day[[*_KEY, "percent", "workers", "note", "reported_by", "reported_at"]], on=_KEY, how="left")
           .join(previous, on=_KEY))
    names = ds.compounds.set_index("compound_id")[["name", "subdistrict", "area"]]
    out = out.join(names, on="compound_id")
    out["planned_percent"] = asof.planned_percent(out, d)
    out["change"] = (out["percent"] - out["previous"].fillna(0.0)).round(1)
    out["lag_days"] = asof.lag_days(out, out["percent"].fillna(out["previous"]).fillna(0.0), d)
    out["_order"] = out["sequence_class"].map(model.SEQUENCE_ORDER)
    out = out.sort_values(["area", "name", "compound_id", "_order", "plan_start", "work"], na_position="last", kind="stable")
    return pd.DataFrame(out[list(TABLE_COLUMNS)].reset_index(drop=True))


def compounds_behind(table: pd.DataFrame, days: int) -> pd.DataFrame:
    """Compounds of a daily table whose most lagging work is ``days`` or more behind plan, most lag
    first: compound, name, area, subdistrict, that work, its lag, planned % and current %."""
    rows = table[table["lag_days"] >= days]
    if rows.empty:
        return pd.DataFrame(columns=["compound_id", "name", "area", "subdistrict", "work", "lag_days",
                                     "planned_percent", "percent", "works_behind"])
    current = rows["percent"].fillna(rows["previous"])
    rows = rows.assign(percent=current).sort_values(["lag_days", "compound_id"], ascending=[False, True])
    worst = rows.groupby("compound_id", sort=False).first().reset_index()
    worst["works_behind"] = rows.groupby("compound_id", sort=False).size().to_numpy()
    keep = ["compound_id", "name", "area", "subdistrict", "work", "lag_days", "planned_percent", "percent", "works_behind"]
    return pd.DataFrame(worst[keep].reset_index(drop=True))


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def _same(a: Any, b: Any) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def reports_from_edit(before: pd.DataFrame, after: pd.DataFrame, day: AsOfLike) -> list[DailyReport]:
    """The reports an edit of a daily table makes: one per row whose percent, workers or note changed
    and that has a percent (a blank percent reports nothing). ``before``: the table as shown
    (:func:`daily_table`); ``after``: its :data:`EDITABLE` columns as edited, row by row in the same
    order (other columns are read from ``before``)."""
    d = AsOf.of(day)
    out = []
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows()):
        if all(_same(old[c], new[c]) for c in EDITABLE) or _blank(new["percent"]):
            continue
        workers = None if _blank(new["workers"]) else int(float(new["workers"]))
        note = None if _blank(new["note"]) else str(new["note"])
        out.append(DailyReport(str(old["compound_id"]), str(old["work"]), d.date, float(new["percent"]), workers, note))
    return out
