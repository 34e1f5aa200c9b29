"""Every as-of rule, and the one as-of date they take.

Every output shows the world as of a chosen day D. :class:`AsOf` is that day, built
by one constructor, :meth:`AsOf.of`, from a date, an ISO text, a pandas Timestamp or
None (today). The functions here are the only code that compares a stored date or
year with D; metrics, filters, maps, the record, exports and the briefing call them.

The rules:

- **Reached**: a date counts as reached on its own day (finished on D = finished as of
  D), at any time of that day; an empty date is never reached.
- **Status** (:func:`derive_status`, derived, never stored), **days late**
  (:func:`days_late`) and the **elevator stage** (:func:`elevator_stage`).
- **Works** done, **EV chargers installed** (the quantity of ev_chargers
  works done), **elevators added** (completed or under construction) and completed
  in D's year; **greenways** and **sites** completed.
- **Funding to date** (:func:`funding_to_date`): money is stored per year, and a
  year's money counts in full from 1 January of that year, so rows with year <= D's
  year count. :func:`funding_in_year` is one year's part of it.
- **Known on D** (:func:`known_on`, :func:`dataset_known_on`): an event date after D
  (actual start and finish, completion date) is not known on D and is blank, and so
  is money of a later year. Plan dates are known in advance and always shown.

Rule functions take a layer (a DataFrame of the store's columns; dates datetime64)
and an as-of value (anything :meth:`AsOf.of` accepts) and return a new Series or frame
aligned with the layer's index; nothing is mutated.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd

from geo import schema
from geo.dataset import Dataset
from geo.i18n import bilingual

#: Dates on which something happened: not known before they are reached.
EVENT_DATES: tuple[str, ...] = ("actual_start", "actual_finish", "completed_date")
#: The work whose quantity counts EV chargers.
EV_CHARGERS = "ev_chargers"


@dataclass(frozen=True, order=True)
class AsOf:
    """The as-of day D: every figure, map and export shows what was known at its end.

    Build it with :meth:`AsOf.of` (or ``AsOf(datetime.date)``). Frozen, ordered and
    hashable: usable as a cache key. ``day`` is D's midnight, ``end`` its last
    instant, ``year`` its calendar year.
    """

    date: dt.date

    def __post_init__(self) -> None:
        if isinstance(self.date, dt.datetime):
            object.__setattr__(self, "date", self.date.date())
        elif not isinstance(self.date, dt.date):
            raise TypeError(f"AsOf needs a datetime.date, not {type(self.date).__name__}; use AsOf.of(value)")

    @classmethod
    def of(cls, value: AsOfLike = None) -> AsOf:
        """The as-of day of ``value``: an AsOf (returned as is), a date or datetime (its day),
        a text such as '2022-12-09', a pandas Timestamp, or None (today).

        Raises ValueError for a value that is not a day.
        """
        if isinstance(value, AsOf):
            return value
        if value is None:
            return cls(dt.date.today())
        if isinstance(value, dt.date) and not pd.isna(value):
            return cls(value)
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(bilingual("error.as_of", value=repr(value))) from exc
        if pd.isna(stamp):
            raise ValueError(bilingual("error.as_of", value=repr(value)))
        return cls(stamp.date())

    @property
    def day(self) -> pd.Timestamp:
        """D at midnight."""
        return pd.Timestamp(self.date)

    @property
    def end(self) -> pd.Timestamp:
        """The last instant of D (anything stamped at or before it is known on D)."""
        return self.day + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")

    @property
    def year(self) -> int:
        """D's calendar year."""
        return self.date.year

    def isoformat(self) -> str:
        """D as 'YYYY-MM-DD'."""
        return self.date.isoformat()

    def __str__(self) -> str:
        return self.isoformat()

    # --- the primitives every rule is made of ---------------------------------------------
    def reached(self, dates: pd.Series) -> pd.Series:
        """True where a date is given and falls on D or before (any time of D counts)."""
        stamps = _stamps(dates)
        return stamps.notna() & (stamps <= self.end)

    def reached_in_year(self, dates: pd.Series) -> pd.Series:
        """True where a date is reached (see :meth:`reached`) and falls in D's year."""
        stamps = _stamps(dates)
        return self.reached(stamps) & (stamps.dt.year == self.year)

    def year_begun(self, years: pd.Series) -> pd.Series:
        """True where a calendar year has begun by D (year <= D's year)."""
        return pd.to_numeric(years).astype(int) <= self.year

    def known(self, dates: pd.Series) -> pd.Series:
        """The dates, with those not yet reached on D blanked (NaT)."""
        stamps = _stamps(dates)
        return stamps.where(self.reached(stamps))

    def days_after(self, dates: pd.Series) -> pd.Series:
        """Whole days from each date to D (positive when the date is before D; NaN for none)."""
        return (self.day - _stamps(dates).dt.normalize()).dt.days

    def window_start(self, days: int) -> dt.date:
        """First day of the ``days``-day window that ends on D (D included)."""
        return self.date - dt.timedelta(days=days - 1)


AsOfLike: TypeAlias = AsOf | dt.date | str | pd.Timestamp | None


def _stamps(dates: pd.Series) -> pd.Series:
    """``dates`` as datetime64 (as they are when they already are: converting costs ~1 ms)."""
    return dates if pd.api.types.is_datetime64_any_dtype(dates) else pd.to_datetime(dates)


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    """A date column of ``frame`` as datetime64 (all NaT when the layer has no such column)."""
    if column in frame.columns:
        return _stamps(frame[column])
    return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")


# --- compounds ------------------------------------------------------------------------------
def derive_status(compounds: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """Status of every compound on ``as_of``: one of ``schema.STATUSES``.

    Not old -> not_old; old but decided no_need/redeveloped -> that; eligible ->
    completed if actually finished by then, under_construction if actually started,
    otherwise planned (including eligible compounds not yet scheduled).
    """
    d = AsOf.of(as_of)
    finished = d.reached(_dates(compounds, "actual_finish"))
    started = d.reached(_dates(compounds, "actual_start"))
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


def with_status(compounds: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """A copy of ``compounds`` with a ``status`` column for ``as_of``."""
    out = compounds.copy()
    out["status"] = derive_status(compounds, as_of)
    return out


def days_late(compounds: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """Days each eligible compound is behind plan on ``as_of`` (0 = on time).

    Late = planned finish passed and not finished, or planned start passed and not started;
    the larger delay counts. A plan date is passed the day after it.
    """
    d = AsOf.of(as_of)
    not_done = ~d.reached(_dates(compounds, "actual_finish"))
    not_started = ~d.reached(_dates(compounds, "actual_start"))
    finish_after, start_after = d.days_after(_dates(compounds, "plan_finish")), d.days_after(_dates(compounds, "plan_start"))
    finish_late = finish_after.where(not_done & (finish_after > 0), 0)
    start_late = start_after.where(not_started & (start_after > 0), 0)
    late = np.maximum(finish_late.fillna(0), start_late.fillna(0)).astype(int)
    eligible = compounds["decision"] == schema.DECISION_ELIGIBLE
    return pd.Series(np.where(eligible, late, 0), index=compounds.index, name="days_late")


# --- elevators ------------------------------------------------------------------------------
def elevator_stage(elevators: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """Stage of every elevator on ``as_of``: completed, under_construction or planned."""
    d = AsOf.of(as_of)
    done = d.reached(_dates(elevators, "actual_finish"))
    started = d.reached(_dates(elevators, "actual_start"))
    stage = np.select([done, started], ["completed", "under_construction"], default="planned")
    return pd.Series(stage, index=elevators.index, name="stage")


def elevators_added(elevators: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for elevators added by ``as_of``: completed or under construction (the reported total)."""
    return elevator_stage(elevators, as_of) != "planned"


def elevators_completed_in_year(elevators: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for elevators completed in the as-of year, up to ``as_of``."""
    return AsOf.of(as_of).reached_in_year(_dates(elevators, "actual_finish"))


# --- works ----------------------------------------------------------------------------------
def works_done(works: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for works finished by ``as_of``."""
    return AsOf.of(as_of).reached(_dates(works, "actual_finish"))


def chargers_installed(works: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for the ev_chargers works done by ``as_of`` (their ``quantity`` is the chargers installed)."""
    return (works["work"] == EV_CHARGERS) & works_done(works, as_of)


# --- greenways and sites ------------------------------------------------------------------------
def greenways_completed(greenways: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for greenways completed by ``as_of``."""
    return AsOf.of(as_of).reached(_dates(greenways, "completed_date"))


def greenways_completed_in_year(greenways: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for greenways completed in the as-of year, up to ``as_of``."""
    return AsOf.of(as_of).reached_in_year(_dates(greenways, "completed_date"))


def sites_completed(sites: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for sites (back lanes, feature streets, ...) completed by ``as_of``."""
    return AsOf.of(as_of).reached(_dates(sites, "completed_date"))


# --- funding --------------------------------------------------------------------------------
def funding_to_date(funding: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for funding rows counted by ``as_of``: a year's money counts from 1 January of that
    year (year <= the as-of year)."""
    return AsOf.of(as_of).year_begun(funding["year"])


def funding_in_year(funding: pd.DataFrame, year: int, as_of: AsOfLike = None) -> pd.Series:
    """True for funding rows of ``year`` counted by ``as_of`` (none when ``year`` is after the as-of year)."""
    return (pd.to_numeric(funding["year"]).astype(int) == int(year)) & funding_to_date(funding, as_of)


# --- what is known on D ------------------------------------------------------------------------
def known_on(frame: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """A copy of ``frame`` as known on ``as_of``: event dates (``EVENT_DATES``) after it blanked.

    Works for any layer (compounds, works, elevators, greenways, sites, or a summary of
    them); other columns, plan dates included, are kept as they are.
    """
    d = AsOf.of(as_of)
    out = frame.copy()
    for column in EVENT_DATES:
        if column in out.columns:
            out[column] = d.known(out[column])
    return out


def dataset_known_on(ds: Dataset, as_of: AsOfLike = None) -> Dataset:
    """The data set as known on ``as_of``: every layer through :func:`known_on`, and only the
    funding counted by then (:func:`funding_to_date`). Figures for ``as_of`` are the same
    from it as from ``ds``: nothing they show depends on what was known only later."""
    d = AsOf.of(as_of)
    return ds.with_layers(
        compounds=known_on(ds.compounds, d), works=known_on(ds.works, d), elevators=known_on(ds.elevators, d),
        greenways=known_on(ds.greenways, d), sites=known_on(ds.sites, d),
        funding=ds.funding[funding_to_date(ds.funding, d)],
    )
