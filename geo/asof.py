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
  (actual start and finish, completion date, a handover, an issue's resolution) is not
  known on D and is blank (with what belongs to the event: who accepted a handover, the
  resolution), and so is money of a later year. Plan dates are known in advance and
  always shown. A daily report or an issue recorded after D does not exist on D
  (:func:`daily_known_on`, :func:`issues_known_on`).
- **Construction** (geo.schedule): the dates the sequencing rules compare, as known on D
  (:func:`work_dates`, :func:`handover_dates`); works **active on D**; the **planned
  percent** of a work on D and its **lag in days**; issues **open**, **overdue**,
  **raised / resolved on D**, **resolved the same day** (before the end of the day raised).

Rule functions take a layer (a DataFrame of the store's columns; dates datetime64)
and an as-of value (anything :meth:`AsOf.of` accepts) and return a new Series or frame
aligned with the layer's index; nothing is mutated.

**SQL twins** (``sql_*``): the same rules as SQL expressions over a table's columns, for
queries that run in the database (``geo.store.postgis_facts``). Status and the elevator stage are
evaluated from one rule table each (:data:`STATUS_RULES`, :data:`STAGE_RULES`) in both
pandas and SQL; the others are written twice, side by side, and tests check that both give
the same values for any date. Expressions are plain SQL text: D enters as a ``DATE``
literal made from the ``AsOf`` (never from user text), columns as given by the caller.
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
EVENT_DATES: tuple[str, ...] = ("actual_start", "actual_finish", "completed_date", "actual_date", "resolved_at")
#: Columns that belong to an event: blank while the event has not happened.
EVENT_DETAILS: dict[str, tuple[str, ...]] = {"actual_date": ("accepted_by",), "resolved_at": ("resolution",)}
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


# --- rule tables: one definition, evaluated in pandas and in SQL --------------------------------
@dataclass(frozen=True)
class When:
    """One condition of a rule table; every part given must hold.

    ``old``: the compound is (True) or is not (False) old; ``decision``: its renovation
    decision; ``reached``: this date column is reached on D (:meth:`AsOf.reached`).
    """

    old: bool | None = None
    decision: str | None = None
    reached: str | None = None

    def mask(self, frame: pd.DataFrame, d: AsOf) -> pd.Series:
        """Where the condition holds in ``frame`` on D."""
        out = pd.Series(True, index=frame.index)
        if self.old is not None:
            old = frame["is_old"].astype(bool)
            out &= old if self.old else ~old
        if self.decision is not None:
            out &= frame["decision"] == self.decision
        if self.reached is not None:
            out &= d.reached(_dates(frame, self.reached))
        return out

    def sql(self, d: AsOf, alias: str = "") -> str:
        """The condition as SQL over the columns of the table ``alias`` (a missing boolean counts as false)."""
        parts = []
        if self.old is not None:
            parts.append(f"{'' if self.old else 'NOT '}COALESCE({_col(alias, 'is_old')}, false)")
        if self.decision is not None:
            parts.append(f"{_col(alias, 'decision')} = {_text(self.decision)}")
        if self.reached is not None:
            parts.append(sql_reached(_col(alias, self.reached), d))
        return " AND ".join(parts) or "true"


#: Status rules in order: the first that holds gives the status; none: planned (eligible
#: compounds not yet started, including those not yet scheduled).
STATUS_RULES: tuple[tuple[str, When], ...] = (
    (schema.STATUS_NOT_OLD, When(old=False)),
    (schema.STATUS_NO_NEED, When(decision=schema.DECISION_NO_NEED)),
    (schema.STATUS_REDEVELOPED, When(decision=schema.DECISION_REDEVELOPED)),
    (schema.STATUS_COMPLETED, When(decision=schema.DECISION_ELIGIBLE, reached="actual_finish")),
    (schema.STATUS_UNDER_CONSTRUCTION, When(decision=schema.DECISION_ELIGIBLE, reached="actual_start")),
)
STATUS_DEFAULT = schema.STATUS_PLANNED
#: Elevator stage rules (first that holds; none: planned).
STAGE_RULES: tuple[tuple[str, When], ...] = (
    ("completed", When(reached="actual_finish")),
    ("under_construction", When(reached="actual_start")),
)
STAGE_DEFAULT = "planned"


def _select(rules: tuple[tuple[str, When], ...], default: str, frame: pd.DataFrame, d: AsOf) -> np.ndarray:
    return np.select([w.mask(frame, d) for _, w in rules], [v for v, _ in rules], default=default)


def _case(rules: tuple[tuple[str, When], ...], default: str, d: AsOf, alias: str) -> str:
    arms = " ".join(f"WHEN {w.sql(d, alias)} THEN {_text(v)}" for v, w in rules)
    return f"(CASE {arms} ELSE {_text(default)} END)"


def _col(alias: str, column: str) -> str:
    return f'{alias}."{column}"' if alias else f'"{column}"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- compounds ------------------------------------------------------------------------------
def derive_status(compounds: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """Status of every compound on ``as_of``: one of ``schema.STATUSES`` (:data:`STATUS_RULES`).

    Not old -> not_old; old but decided no_need/redeveloped -> that; eligible ->
    completed if actually finished by then, under_construction if actually started,
    otherwise planned (including eligible compounds not yet scheduled).
    """
    status = _select(STATUS_RULES, STATUS_DEFAULT, compounds, AsOf.of(as_of))
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
    """Stage of every elevator on ``as_of``: completed, under_construction or planned (:data:`STAGE_RULES`)."""
    stage = _select(STAGE_RULES, STAGE_DEFAULT, elevators, AsOf.of(as_of))
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
            reached = d.reached(out[column])
            out[column] = d.known(out[column])
            for detail in EVENT_DETAILS.get(column, ()):
                if detail in out.columns:
                    out[detail] = out[detail].where(reached, None)
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
        handovers=known_on(ds.handovers, d), daily_progress=daily_known_on(ds.daily_progress, d),
        issue_log=issues_known_on(ds.issue_log, d),
    )


def daily_known_on(daily: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """Daily reports known on ``as_of``: for a day up to it, reported by its end (a later report
    about an earlier day is counted from the day it was made)."""
    d = AsOf.of(as_of)
    return daily[d.reached(_dates(daily, "date")) & d.reached(_dates(daily, "reported_at"))]


def issues_known_on(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """Issues raised by ``as_of``, with a later resolution blanked (:func:`known_on`)."""
    d = AsOf.of(as_of)
    return known_on(issues[d.reached(_dates(issues, "raised_at"))], d)


# --- construction: works, handovers, daily progress, issues (geo.schedule) -------------------------
def work_dates(works: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """The dates the sequencing rules compare, per work, as known on ``as_of`` (days at midnight).

    ``start`` / ``finish``: actual start / finish reached by D (else NaT); ``finish_so_far``:
    the actual finish, or D + 1 for a work not finished by D (it finishes tomorrow at the
    earliest); ``exp_start`` / ``exp_finish``: when the work starts / finishes as far as
    is known on D: the actual date if reached, else the planned date, or D + 1 when that plan
    date has passed (NaT without a plan).
    """
    d = AsOf.of(as_of)
    tomorrow = d.day + pd.Timedelta(days=1)
    out = pd.DataFrame(index=works.index)
    for kind in ("start", "finish"):
        actual, plan = _dates(works, f"actual_{kind}").dt.normalize(), _dates(works, f"plan_{kind}").dt.normalize()
        done = d.reached(actual)
        out[kind] = actual.where(done)
        late_plan = plan.notna() & (plan <= d.day)
        out[f"exp_{kind}"] = out[kind].fillna(plan.mask(late_plan, tomorrow))
    out["finish_so_far"] = out["finish"].fillna(tomorrow)
    return out


def handover_dates(handovers: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """Per handover, as known on ``as_of``: ``done`` (the actual date reached by D, else NaT) and
    ``expected`` (the actual date if reached, else the planned one, or D + 1 once that has passed)."""
    d = AsOf.of(as_of)
    actual, plan = _dates(handovers, "actual_date").dt.normalize(), _dates(handovers, "plan_date").dt.normalize()
    done = actual.where(d.reached(actual))
    late_plan = plan.notna() & (plan <= d.day)
    expected = done.fillna(plan.mask(late_plan, d.day + pd.Timedelta(days=1)))
    return pd.DataFrame({"done": done, "expected": expected}, index=handovers.index)


def works_active_on(works: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for works that are on site on D or should be: started (actually, or by plan) by D and
    not finished before D (a work finished on D is active on D)."""
    d = AsOf.of(as_of)
    started = d.reached(_dates(works, "actual_start")) | d.reached(_dates(works, "plan_start"))
    finish = _dates(works, "actual_finish")
    finished_before = d.reached(finish) & (finish.dt.normalize() < d.day)
    return started & ~finished_before


def happened_on(dates: pd.Series, as_of: AsOfLike = None) -> pd.Series:
    """True where a date (or date-time) falls on D itself."""
    d = AsOf.of(as_of)
    stamps = _stamps(dates)
    return stamps.notna() & (stamps.dt.normalize() == d.day)


def planned_percent(works: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """Percent of each work its plan has done by the end of D (0-100; NaN without both plan dates).

    The plan runs evenly over its days, both plan dates included: 0 before the planned start,
    100 from the planned finish on.
    """
    d = AsOf.of(as_of)
    start, finish = _dates(works, "plan_start").dt.normalize(), _dates(works, "plan_finish").dt.normalize()
    span = (finish - start).dt.days + 1
    elapsed = ((d.day - start).dt.days + 1).clip(lower=0)
    return (100.0 * np.minimum(elapsed, span) / span).where(span > 0).round(1).rename("planned_percent")


def lag_days(works: pd.DataFrame, percent: pd.Series, as_of: AsOfLike = None) -> pd.Series:
    """Days each work is behind its plan on D at ``percent`` complete (negative: ahead; NaN without
    a plan or a percent): the days its plan has run by the end of D minus the days of plan the
    percent stands for. A work at 100% on its planned finish is 0 days behind."""
    d = AsOf.of(as_of)
    start, finish = _dates(works, "plan_start").dt.normalize(), _dates(works, "plan_finish").dt.normalize()
    span = (finish - start).dt.days + 1
    elapsed = ((d.day - start).dt.days + 1).clip(lower=0)
    lag = elapsed - pd.to_numeric(percent, errors="coerce") / 100.0 * span
    return np.floor(lag.where(span > 0) + 0.5).rename("lag_days")


def issues_open(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for issues raised by the end of D and not resolved by then."""
    d = AsOf.of(as_of)
    return d.reached(_dates(issues, "raised_at")) & ~d.reached(_dates(issues, "resolved_at"))


def issues_overdue(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for open issues whose due date has passed (the day after it, like a plan date)."""
    d = AsOf.of(as_of)
    return issues_open(issues, d) & (d.days_after(_dates(issues, "due")) > 0)


def issue_age_days(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """Whole days from the day each issue was raised to D (0 = raised on D)."""
    return AsOf.of(as_of).days_after(_dates(issues, "raised_at"))


def resolved_same_day(issues: pd.DataFrame, as_of: AsOfLike = None) -> pd.Series:
    """True for issues resolved, by the end of D, before the end of the day they were raised."""
    d = AsOf.of(as_of)
    raised, resolved = _dates(issues, "raised_at"), _dates(issues, "resolved_at")
    return d.reached(resolved) & (resolved.dt.normalize() == raised.dt.normalize())
# --- SQL twins (PostgreSQL; columns of the caller's table alias) ------------------------------------
def sql_day(as_of: AsOfLike = None) -> str:
    """D as a SQL ``DATE`` literal."""
    return f"DATE '{AsOf.of(as_of).isoformat()}'"


def sql_reached(column: str, as_of: AsOfLike = None) -> str:
    """SQL twin of :meth:`AsOf.reached` for a ``date`` column: given and on D or before."""
    return f"({column} IS NOT NULL AND {column} <= {sql_day(as_of)})"


def sql_known(column: str, as_of: AsOfLike = None) -> str:
    """SQL twin of :meth:`AsOf.known`: the date, or NULL when it is not reached on D."""
    return f"(CASE WHEN {sql_reached(column, as_of)} THEN {column} END)"


def sql_status(as_of: AsOfLike = None, alias: str = "") -> str:
    """SQL twin of :func:`derive_status` over a compounds table (same rule table)."""
    return _case(STATUS_RULES, STATUS_DEFAULT, AsOf.of(as_of), alias)


def sql_days_late(as_of: AsOfLike = None, alias: str = "") -> str:
    """SQL twin of :func:`days_late` over a compounds table: days behind plan (0 = on time)."""
    d = AsOf.of(as_of)
    day = sql_day(d)

    def late(plan: str, actual: str) -> str:
        p = _col(alias, plan)
        return (f"(CASE WHEN NOT {sql_reached(_col(alias, actual), d)} AND {p} IS NOT NULL AND {day} - {p} > 0"
                f" THEN {day} - {p} ELSE 0 END)")

    eligible = When(decision=schema.DECISION_ELIGIBLE).sql(d, alias)
    return (f"(CASE WHEN {eligible} THEN GREATEST({late('plan_finish', 'actual_finish')}, "
            f"{late('plan_start', 'actual_start')}) ELSE 0 END)")


def sql_elevator_stage(as_of: AsOfLike = None, alias: str = "") -> str:
    """SQL twin of :func:`elevator_stage` over an elevators table (same rule table)."""
    return _case(STAGE_RULES, STAGE_DEFAULT, AsOf.of(as_of), alias)


def sql_elevators_completed_in_year(as_of: AsOfLike = None, alias: str = "") -> str:
    """SQL twin of :func:`elevators_completed_in_year`."""
    d = AsOf.of(as_of)
    column = _col(alias, "actual_finish")
    return f"({sql_reached(column, d)} AND EXTRACT(YEAR FROM {column}) = {d.year})"


def sql_works_done(as_of: AsOfLike = None, alias: str = "") -> str:
    """SQL twin of :func:`works_done` over a works table."""
    return sql_reached(_col(alias, "actual_finish"), as_of)


def sql_chargers_installed(as_of: AsOfLike = None, alias: str = "") -> str:
    """SQL twin of :func:`chargers_installed` over a works table."""
    return f"({_col(alias, 'work')} = {_text(EV_CHARGERS)} AND {sql_works_done(as_of, alias)})"


def sql_funding_to_date(as_of: AsOfLike = None, alias: str = "") -> str:
    """SQL twin of :func:`funding_to_date` over a funding table (year <= D's year)."""
    return f"({_col(alias, 'year')} <= {AsOf.of(as_of).year})"
