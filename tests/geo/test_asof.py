import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geo import asof, schema
from geo.asof import AsOf, days_late, derive_status, elevator_stage
from tests.geo.tiny_data import tiny_dataset

D = pd.Timestamp


def _compounds():
    return pd.DataFrame({
        "is_old": [False, True, True, True, True, True],
        "decision": [None, "no_need", "redeveloped", "eligible", "eligible", "eligible"],
        "plan_start": [pd.NaT, pd.NaT, pd.NaT, D("2022-03-01"), D("2023-03-01"), D("2024-03-01")],
        "plan_finish": [pd.NaT, pd.NaT, pd.NaT, D("2022-11-30"), D("2023-12-31"), D("2024-12-31")],
        "actual_start": [pd.NaT, pd.NaT, pd.NaT, D("2022-03-10"), D("2023-04-01"), pd.NaT],
        "actual_finish": [pd.NaT, pd.NaT, pd.NaT, D("2022-12-09"), pd.NaT, pd.NaT],
    })


# --- the as-of date ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", [
    dt.date(2022, 12, 9), "2022-12-09", " 2022-12-09 ", pd.Timestamp("2022-12-09"),
    dt.datetime(2022, 12, 9, 23, 59), pd.Timestamp("2022-12-09 08:30"), np.datetime64("2022-12-09"),
    AsOf(dt.date(2022, 12, 9)),
])
def test_one_constructor_for_every_kind_of_date(value):
    d = AsOf.of(value)
    assert d == AsOf(dt.date(2022, 12, 9)) and d.date == dt.date(2022, 12, 9) and type(d.date) is dt.date
    assert d.day == pd.Timestamp("2022-12-09") and d.year == 2022
    assert d.end == pd.Timestamp("2022-12-09 23:59:59.999999999")
    assert d.isoformat() == str(d) == "2022-12-09"


def test_none_is_today_and_an_as_of_is_returned_as_is():
    assert AsOf.of(None).date == dt.date.today() == AsOf.of().date
    d = AsOf.of("2022-12-09")
    assert AsOf.of(d) is d


@pytest.mark.parametrize("bad", ["2022-13-01", "soon", "", pd.NaT, float("nan"), [2022, 12, 9]])
def test_what_is_not_a_day_is_refused_in_both_languages(bad):
    with pytest.raises(ValueError, match="截至日期.*YYYY-MM-DD.* / not an as-of date"):
        AsOf.of(bad)


def test_as_of_is_frozen_ordered_and_hashable():
    a, b = AsOf.of("2022-12-09"), AsOf.of("2023-01-01")
    assert a < b and len({a, AsOf.of(dt.date(2022, 12, 9)), b}) == 2
    with pytest.raises(AttributeError):
        a.date = dt.date(2020, 1, 1)  # type: ignore[misc]
    with pytest.raises(TypeError, match="AsOf.of"):
        AsOf("2022-12-09")  # type: ignore[arg-type]
    assert AsOf(dt.datetime(2022, 12, 9, 15)).date == dt.date(2022, 12, 9)


def test_a_date_counts_as_reached_on_its_own_day():
    d = AsOf.of("2022-12-09")
    dates = pd.Series([D("2022-12-08"), D("2022-12-09"), D("2022-12-09 18:00"), D("2022-12-10"), pd.NaT])
    assert list(d.reached(dates)) == [True, True, True, False, False]
    assert list(d.known(dates).isna()) == [False, False, False, True, True]
    assert list(d.reached(pd.Series(["2022-12-09", None]))) == [True, False]  # text dates too


def test_in_year_begun_days_after_and_window():
    d = AsOf.of("2022-12-09")
    dates = pd.Series([D("2021-12-31"), D("2022-01-01"), D("2022-12-09"), D("2022-12-10")])
    assert list(d.reached_in_year(dates)) == [False, True, True, False]
    assert list(d.year_begun(pd.Series([2021, 2022, 2023]))) == [True, True, False]
    assert list(d.days_after(pd.Series([D("2022-12-01"), D("2022-12-09 20:00"), pd.NaT])).fillna(-1)) == [8, 0, -1]
    assert d.window_start(7) == dt.date(2022, 12, 3) and d.window_start(1) == dt.date(2022, 12, 9)


# --- status and days late ---------------------------------------------------------------------
@pytest.mark.parametrize("as_of, expected", [
    ("2022-01-01", ["not_old", "no_need", "redeveloped", "planned", "planned", "planned"]),
    ("2022-12-08", ["not_old", "no_need", "redeveloped", "under_construction", "planned", "planned"]),
    ("2022-12-09", ["not_old", "no_need", "redeveloped", "completed", "planned", "planned"]),
    ("2023-06-01", ["not_old", "no_need", "redeveloped", "completed", "under_construction", "planned"]),
])
def test_status_replays_any_date(as_of, expected):
    assert list(derive_status(_compounds(), as_of)) == expected


def test_status_values_are_the_schema_vocabulary():
    assert set(derive_status(_compounds(), "2030-01-01")) <= set(schema.STATUSES)


def test_with_status_adds_a_column_to_a_copy():
    c = _compounds()
    out = asof.with_status(c, "2022-12-09")
    assert "status" not in c and list(out["status"]) == list(derive_status(c, "2022-12-09"))


def test_days_late_counts_missed_finish_and_missed_start():
    late = days_late(_compounds(), "2025-01-10")
    assert list(late) == [0, 0, 0, 0, (D("2025-01-10") - D("2023-12-31")).days,
                          (D("2025-01-10") - D("2024-03-01")).days]


def test_a_plan_date_is_passed_the_day_after_it():
    c = _compounds()
    assert days_late(c, "2024-03-01").iloc[5] == 0  # planned start today: not late yet
    assert days_late(c, "2024-03-02").iloc[5] == 1


# --- elevators, works, chargers ---------------------------------------------------------------
def _elevators():
    return pd.DataFrame({"actual_start": pd.to_datetime(["2021-01-01", "2022-05-01", None, "2022-01-02"]),
                         "actual_finish": pd.to_datetime(["2021-09-01", None, None, "2022-03-01"])})


def test_elevator_stage():
    el = _elevators()
    assert list(elevator_stage(el, "2022-06-01")) == ["completed", "under_construction", "planned", "completed"]
    assert list(elevator_stage(el, "2020-06-01")) == ["planned"] * 4


def test_elevators_added_and_completed_in_the_year():
    el = _elevators()
    assert list(asof.elevators_added(el, "2022-06-01")) == [True, True, False, True]
    assert list(asof.elevators_added(el, "2022-04-30")) == [True, False, False, True]
    assert list(asof.elevators_completed_in_year(el, "2022-06-01")) == [False, False, False, True]
    assert not asof.elevators_completed_in_year(el, "2022-02-28").any()


def test_works_done_and_chargers_installed():
    works = tiny_dataset().works  # ev_chargers done 2022-07-20, facade_roof 2022-09-25, gas started 2023-03-01
    assert list(asof.works_done(works, "2022-07-20")) == [True, False, False]
    assert list(asof.chargers_installed(works, "2022-07-19")) == [False, False, False]
    assert list(asof.chargers_installed(works, "2022-12-09")) == [True, False, False]


# --- greenways and sites ------------------------------------------------------------------------
def test_greenways_and_sites_completed():
    layer = pd.DataFrame({"completed_date": pd.to_datetime(["2021-06-01", "2022-04-01", "2022-12-10", None])})
    assert list(asof.greenways_completed(layer, "2022-12-09")) == [True, True, False, False]
    assert list(asof.greenways_completed_in_year(layer, "2022-12-09")) == [False, True, False, False]
    assert list(asof.sites_completed(layer, "2022-12-09")) == [True, True, False, False]


def test_a_layer_without_completion_dates_has_nothing_completed():
    layer = pd.DataFrame({"level": ["tianfu", "community"]})
    assert not asof.greenways_completed(layer, "2030-01-01").any()
    assert not asof.sites_completed(layer.rename(columns={"level": "kind"})).any()


# --- funding --------------------------------------------------------------------------------
def test_funding_to_date_counts_a_year_from_its_first_day():
    funding = tiny_dataset().funding  # 2022, 2022, 2023, 2023
    assert list(asof.funding_to_date(funding, "2022-12-31")) == [True, True, False, False]
    assert list(asof.funding_to_date(funding, "2023-01-01")) == [True, True, True, True]
    assert not asof.funding_to_date(funding, "2021-12-31").any()


def test_funding_in_one_year_up_to_the_as_of_date():
    funding = tiny_dataset().funding
    assert list(asof.funding_in_year(funding, 2022, "2023-06-01")) == [True, True, False, False]
    assert list(asof.funding_in_year(funding, 2023, "2023-06-01")) == [False, False, True, True]
    assert not asof.funding_in_year(funding, 2023, "2022-12-09").any()  # a later year is not known yet
    in_year = asof.funding_in_year(funding, 2022, "2023-06-01")
    assert (in_year <= asof.funding_to_date(funding, "2023-06-01")).all()  # a part of the total to date


# --- what is known on D ---------------------------------------------------------------------------
def test_known_on_blanks_event_dates_after_the_day_and_keeps_plans():
    c = _compounds()
    known = asof.known_on(c, "2022-12-08")
    assert pd.isna(known.loc[3, "actual_finish"]) and known.loc[3, "actual_start"] == D("2022-03-10")
    assert pd.isna(known.loc[4, "actual_start"])  # 2023-04-01
    pd.testing.assert_series_equal(known["plan_finish"], c["plan_finish"])
    assert c.loc[3, "actual_finish"] == D("2022-12-09")  # the input is not touched
    layer = pd.DataFrame({"completed_date": pd.to_datetime(["2022-01-01", "2023-01-01"]), "year": [2022, 2023]})
    assert list(asof.known_on(layer, "2022-12-09")["completed_date"].isna()) == [False, True]


def test_dataset_known_on_changes_no_figure_for_its_day():
    tiny = tiny_dataset()
    for day in ("2022-06-01", "2022-12-09", "2023-12-31"):
        known = asof.dataset_known_on(tiny, day)
        assert list(derive_status(known.compounds, day)) == list(derive_status(tiny.compounds, day))
        assert list(days_late(known.compounds, day)) == list(days_late(tiny.compounds, day))
        assert list(elevator_stage(known.elevators, day)) == list(elevator_stage(tiny.elevators, day))
        assert list(asof.works_done(known.works, day)) == list(asof.works_done(tiny.works, day))
    known = asof.dataset_known_on(tiny, "2022-06-01")
    assert pd.isna(known.compounds.set_index("compound_id").loc["QY-A", "actual_finish"])
    assert list(known.funding["year"]) == [2022, 2022]  # 2023's money is not known yet
    assert len(tiny.funding) == 4 and tiny.compounds["actual_finish"].notna().sum() == 1
