"""Status is derived, never stored: from the dates and the decision, for any as-of date."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from geo import schema


def as_timestamp(as_of: dt.date | str | pd.Timestamp | None) -> pd.Timestamp:
    """Normalise an as-of date (None = today) to a midnight Timestamp.

    A date counts as reached on its own day: something finished on the as-of date is finished.
    """
    if as_of is None:
        return pd.Timestamp(dt.date.today())
    return pd.Timestamp(as_of).normalize()


def derive_status(compounds: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.Series:
    """Status of every compound on ``as_of``: one of ``schema.STATUSES``.

    Not old -> not_old; old but decided no_need/redeveloped -> that; eligible ->
    completed if actually finished by then, under_construction if actually started,
    otherwise planned (including eligible compounds not yet scheduled).
    """
    day = as_timestamp(as_of)
    finished = compounds["actual_finish"].notna() & (compounds["actual_finish"] <= day)
    started = compounds["actual_start"].notna() & (compounds["actual_start"] <= day)
    eligible = compounds["decision"] == schema.DECISION_ELIGIBLE
    old = compounds["is_old"].astype(bool)
    status = np.select(
        [~old, compounds["decision"] == schema.DECISION_NO_NEED,
         compounds["decision"] == schema.DECISION_REDEVELOPED,
         eligible & finished, eligible & started],
        [schema.STATUS_NOT_OLD, schema.STATUS_NO_NEED, schema.STATUS_REDEVELOPED,
         schema.STATUS_COMPLETED, schema.STATUS_UNDER_CONSTRUCTION],
        default=schema.STATUS_PLANNED,
    )
    return pd.Series(status, index=compounds.index, name="status")


def elevator_stage(elevators: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.Series:
    """Stage of every elevator on ``as_of``: completed, under_construction or planned."""
    day = as_timestamp(as_of)
    done = elevators["actual_finish"].notna() & (elevators["actual_finish"] <= day)
    started = elevators["actual_start"].notna() & (elevators["actual_start"] <= day)
    stage = np.select([done, started], ["completed", "under_construction"], default="planned")
    return pd.Series(stage, index=elevators.index, name="stage")


def with_status(compounds: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """A copy of ``compounds`` with a ``status`` column for ``as_of``."""
    out = compounds.copy()
    out["status"] = derive_status(compounds, as_of)
    return out


def days_late(compounds: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.Series:
    """Days each eligible compound is behind plan on ``as_of`` (0 = on time).

    Late = planned finish passed and not finished, or planned start passed and not started;
    the larger delay counts.
    """
    day = as_timestamp(as_of)
    not_done = compounds["actual_finish"].isna() | (compounds["actual_finish"] > day)
    not_started = compounds["actual_start"].isna() | (compounds["actual_start"] > day)
    finish_late = ((day - compounds["plan_finish"]).dt.days).where(not_done & (compounds["plan_finish"] < day), 0)
    start_late = ((day - compounds["plan_start"]).dt.days).where(not_started & (compounds["plan_start"] < day), 0)
    late = np.maximum(finish_late.fillna(0), start_late.fillna(0)).astype(int)
    eligible = compounds["decision"] == schema.DECISION_ELIGIBLE
    return pd.Series(np.where(eligible, late, 0), index=compounds.index, name="days_late")
