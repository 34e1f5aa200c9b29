"""Property tests of the as-of rules: for any as-of date and any explorer filter, every place
a figure is shown agrees, and nothing known only later changes it.

For the compounds a filter selects on day D (``geo.filters.apply_filters``, the explorer's
per-compound table), the district totals (``geo.metrics.stats``) equal the table's sums,
the per-area rows (the 8 areas and "outside any area") and the per-subdistrict rows sum to
the district's 14th-FYP totals, and the map (``geo.maps.webmap``, rendered to HTML) draws
as many dots per status, elevators and chargers. The sample data set is loaded once; the
examples are derandomized, so CI runs the same ones every time.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from geo import asof, metrics, schema
from geo import filters as F
from geo.asof import AsOf
from geo.dataset import Dataset
from geo.maps import webmap
from geo.sample.programme import QINGYANG
from tests.geo.maps.map_html import collections, render

DAYS = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 12, 31))
#: An example on the sample costs about a second: a few, the same ones every run, and no
#: shrinking (minutes on a failure; the failing example is reported as generated).
_PROPERTY = settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow],
                     phases=(Phase.explicit, Phase.generate))
_MAP = webmap.MapOptions(layers=("compounds", "elevators", "ev_chargers"), popups=False, tooltips=False,
                         legend=False, layer_control=False)


def _subset(options: tuple[str, ...], most: int) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(options), min_size=1, max_size=most, unique=True).map(tuple)


def _range(name: str, low: st.SearchStrategy, high: st.SearchStrategy) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional={f"{name}_min": low, f"{name}_max": high})


#: What a planner may restrict, one group at a time (like the explorer's sidebar).
_RESTRICTIONS: dict[str, st.SearchStrategy[dict]] = {
    "areas": _subset(F.area_options(QINGYANG), 3).map(lambda v: {"areas": v}),
    "subdistricts": _subset(F.subdistrict_options(QINGYANG), 4).map(lambda v: {"subdistricts": v}),
    "statuses": _subset(schema.STATUSES, 3).map(lambda v: {"statuses": v}),
    "batches": _subset(schema.BATCHES, 3).map(lambda v: {"batches": v}),
    "works": st.tuples(_subset(F.WORK_FILTER_KEYS, 3), st.booleans()).map(lambda v: {"works": v[0], "works_all": v[1]}),
    "year_built": _range("year_built", st.integers(1950, 2005), st.integers(1975, 2025)),
    "households": _range("households", st.integers(0, 400), st.integers(100, 3000)),
    "funding": _range("funding", st.floats(0, 500), st.floats(100, 5000)),
}


@st.composite
def explorer_filters(draw: st.DrawFn) -> F.CompoundFilter:
    """A filter restricting up to three of the sidebar's groups."""
    groups = draw(st.lists(st.sampled_from(sorted(_RESTRICTIONS)), max_size=3, unique=True))
    fields: dict = {}
    for group in groups:
        fields |= draw(_RESTRICTIONS[group])
    return F.CompoundFilter(**fields)


FILTERS = explorer_filters()


def _restricted(ds: Dataset, ids) -> Dataset:
    """The data set of the compounds in ``ids`` and what hangs on them."""
    keep = set(ids)
    return ds.with_layers(**{name: getattr(ds, name)[getattr(ds, name)["compound_id"].isin(keep)]
                             for name in ("compounds", "works", "elevators", "funding", "footprints")})


def _money(frame, column: str = "funding_wan_yuan") -> float:
    return round(float(frame[column].sum()), 2)


def _near(rows: int):
    """Tolerance for sums of amounts each rounded to 0.01 万元."""
    return {"abs": 0.005 * max(rows, 1) + 0.011}


@_PROPERTY
@example(day=dt.date(2022, 12, 9), flt=F.CompoundFilter())
@example(day=dt.date(2022, 12, 9), flt=F.CompoundFilter(areas=("清溪片区", schema.NO_AREA), works=(F.ELEVATOR,)))
@example(day=dt.date(2026, 12, 31), flt=F.CompoundFilter(subdistricts=("康河",), areas=("清溪片区",)))  # selects none
@given(day=DAYS, flt=FILTERS)
def test_district_areas_table_and_map_agree(sample, day, flt):
    table = F.apply_filters(sample, flt, day)
    sub = _restricted(sample, table["compound_id"])
    s = metrics.stats(sub, day)

    # district totals = the per-compound table
    assert s["compounds"]["surveyed"] == len(table)
    assert {k: s["compounds"][k] for k in schema.STATUSES} == {k: int((table["status"] == k).sum()) for k in schema.STATUSES}
    assert s["households"]["surveyed"] == table["households"].sum()
    assert s["households"]["benefited"] == table.loc[table["status"] == schema.STATUS_COMPLETED, "households"].sum()
    assert s["elevators"]["total"] == table["elevators"].sum()
    assert s["elevators"]["planned"] == table["elevators_planned"].sum()
    assert s["ev_chargers"] == table["ev_chargers"].sum()
    assert s["funding_wan_yuan"]["total"] == pytest.approx(_money(table), **_near(len(table)))
    assert s["behind_plan"] == (table["days_late"] > 0).sum()
    totals = F.selection_totals(table)
    assert (totals["compounds"], totals["elevators"], totals["ev_chargers"]) == (
        s["compounds"]["surveyed"], s["elevators"]["total"], s["ev_chargers"])

    # per-area rows (with "outside any area") = the district's 14th FYP
    fyp = table[table["batch"].isin(schema.FYP14_BATCHES)]
    assert s["fyp14"]["compounds"] == len(fyp)
    rows = metrics.progress_by_area(sub, day)
    assert rows["compounds"].sum() == len(fyp)
    for status in schema.PROGRAMME_STATUSES:
        assert rows[status].sum() == s["fyp14"][status] == (fyp["status"] == status).sum()
    for column in ("households", "elevators", "ev_chargers"):
        assert rows[column].sum() == fyp[column].sum(), column
    assert rows["funding_wan_yuan"].sum() == pytest.approx(_money(fyp), **_near(len(fyp)))
    years = metrics.progress_by_year(sub.compounds, day)
    assert years["completed"].sum() == s["fyp14"]["completed"]

    # what the map draws (rendered as the browser gets it) = the table
    dots, elevators, chargers = collections(render(webmap.map_from_dataset(sample, as_of=day, compounds=table,
                                                                           options=_MAP)))
    assert Counter(f["properties"]["s"] for f in dots["features"]) == Counter(table["status"])
    assert sum(f["properties"]["n"] for f in elevators["features"]) == table["elevators"].sum()
    assert len(elevators["features"]) == (table["elevators"] > 0).sum()
    assert sum(f["properties"]["n"] for f in chargers["features"]) == table["ev_chargers"].sum()


@settings(_PROPERTY, max_examples=12)
@example(day=dt.date(2022, 12, 9), flt=F.CompoundFilter())
@given(day=DAYS, flt=FILTERS)
def test_nothing_known_only_later_changes_a_figure(sample, day, flt):
    table = F.apply_filters(sample, flt, day)
    sub = _restricted(sample, table["compound_id"])
    known = asof.dataset_known_on(sub, day)
    assert metrics.stats(known, day) == metrics.stats(sub, day)
    replay = F.apply_filters(known, flt, day)
    pd.testing.assert_frame_equal(replay.drop(columns="geometry"), table.drop(columns="geometry"),
                                  check_dtype=len(table) > 0)  # an empty selection has no dtypes to agree on
    end = AsOf.of(day).end
    for column in ("actual_start", "actual_finish"):
        assert (table[column].isna() | (table[column] <= end)).all()  # the table shows no later date


@settings(max_examples=200, deadline=None, derandomize=True)
@given(day=DAYS)
def test_the_as_of_date_round_trips_through_every_form(day):
    d = AsOf.of(day)
    assert AsOf.of(d.isoformat()) == AsOf.of(d.day) == AsOf.of(d.end) == AsOf.of(dt.datetime.combine(day, dt.time(12))) == d
    assert d.day <= d.end < d.day + dt.timedelta(days=1) and d.year == day.year


@settings(max_examples=25, deadline=None, derandomize=True)
@given(day=DAYS, later=st.integers(min_value=1, max_value=800))
def test_progress_never_goes_backwards(sample, day, later):
    then, after = AsOf.of(day), AsOf.of(day + dt.timedelta(days=later))
    done = asof.derive_status(sample.compounds, then) == schema.STATUS_COMPLETED
    assert (~done | (asof.derive_status(sample.compounds, after) == schema.STATUS_COMPLETED)).all()
    assert (asof.elevators_added(sample.elevators, then) <= asof.elevators_added(sample.elevators, after)).all()
    assert (asof.chargers_installed(sample.works, then) <= asof.chargers_installed(sample.works, after)).all()
    assert (asof.funding_to_date(sample.funding, then) <= asof.funding_to_date(sample.funding, after)).all()
    assert (asof.greenways_completed(sample.greenways, then) <= asof.greenways_completed(sample.greenways, after)).all()
