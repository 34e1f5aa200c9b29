"""The issue log's figures for an as-of date: open, raised, resolved, the same-day rate, owners, ages.

"Resolved the same day" = resolved before the end of the day the issue was raised
(``geo.asof.resolved_same_day``, the 当日解决 of 每日调度、次日报告、当日解决). Every function takes
the ``issue_log`` layer (or a part of it) and works on what is known on D
(``geo.asof.issues_known_on``): an issue raised after D does not exist, a later resolution is
blank.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from geo import asof
from geo.asof import AsOf, AsOfLike

#: Age classes of open issues (days since raised, upper bounds included), for the report.
AGE_CLASSES: tuple[tuple[str, int], ...] = (("0-1", 1), ("2-3", 3), ("4-7", 7), ("8+", 10**6))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def issue_stats(issues: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, Any]:
    """Figures of the issue log on ``as_of``: to date (raised, open, overdue, the same-day rate of
    all issues raised so far) and on the day itself (raised, resolved, the same-day rate of the
    issues raised that day). Rates are shares (0-1; None when nothing was raised)."""
    d = AsOf.of(as_of)
    known = asof.issues_known_on(issues, d)
    same_day = asof.resolved_same_day(known, d)
    today = asof.happened_on(known["raised_at"], d)
    raised, raised_today = int(len(known)), int(today.sum())
    return {
        "raised": raised,
        "open": int(asof.issues_open(known, d).sum()),
        "overdue": int(asof.issues_overdue(known, d).sum()),
        "resolved_same_day": int(same_day.sum()),
        "resolved_same_day_rate": _rate(int(same_day.sum()), raised),
        "raised_on_day": raised_today,
        "resolved_on_day": int(asof.happened_on(known["resolved_at"], d).sum()),
        "resolved_same_day_on_day": int((same_day & today).sum()),
        "resolved_same_day_rate_on_day": _rate(int((same_day & today).sum()), raised_today),
    }


def open_issues(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """The issues open at the end of ``as_of``, oldest first, with ``age_days`` and ``overdue``."""
    d = AsOf.of(as_of)
    known = asof.issues_known_on(issues, d)
    rows = known[asof.issues_open(known, d)]
    out = rows.assign(age_days=asof.issue_age_days(rows, d).astype(int), overdue=asof.issues_overdue(rows, d))
    return pd.DataFrame(out.sort_values(["raised_at", "issue_id"]).reset_index(drop=True))


def open_by_owner(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """Open issues per owner and age class (columns: owner, open, overdue, one per AGE_CLASSES key),
    most open first."""
    rows = open_issues(issues, as_of)
    labels, bounds = [k for k, _ in AGE_CLASSES], [-1] + [b for _, b in AGE_CLASSES]
    age = pd.cut(rows["age_days"], bins=bounds, labels=labels)
    table = pd.crosstab(rows["owner"], age).reindex(columns=labels, fill_value=0) if len(rows) else \
        pd.DataFrame(columns=labels)
    table.insert(0, "open", table.sum(axis=1))
    table.insert(1, "overdue", rows.groupby("owner")["overdue"].sum().reindex(table.index).fillna(0).astype(int))
    out = table.reset_index().rename(columns={"index": "owner"})
    out.columns.name = None
    return pd.DataFrame(out.sort_values(["open", "owner"], ascending=[False, True]).reset_index(drop=True))


def issues_of_day(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """The issues raised on ``as_of``, with ``same_day`` (resolved before the day ended)."""
    d = AsOf.of(as_of)
    known = asof.issues_known_on(issues, d)
    rows = known[asof.happened_on(known["raised_at"], d)]
    return pd.DataFrame(rows.assign(same_day=asof.resolved_same_day(rows, d)).sort_values("raised_at")
                        .reset_index(drop=True))
