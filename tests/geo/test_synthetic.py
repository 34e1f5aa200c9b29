"""The synthetic national programme: deterministic, a full hierarchy, consistent layers and targets."""
from __future__ import annotations

import pandas as pd
import pytest

from geo import asof, metrics, schema
from geo.schedule import daily
from geo.synthetic import DAILY_WINDOWS, NATION_CODE, build_synthetic


@pytest.fixture(scope="module")
def ds():
    return build_synthetic(2_000, provinces=5, seed=11)


def test_same_arguments_same_data(ds):
    again = build_synthetic(2_000, provinces=5, seed=11)
    for name in ("compounds", "works", "elevators", "funding", "greenways", "sites", "subdistricts",
                 "daily_progress"):
        pd.testing.assert_frame_equal(getattr(ds, name), getattr(again, name), obj=name)
    assert ds.programme == again.programme
    assert not build_synthetic(2_000, provinces=5, seed=12).compounds["households"].equals(ds.compounds["households"])


def test_a_nation_of_provinces_cities_districts_subdistricts_communities(ds):
    p = ds.programme
    assert p.place == NATION_CODE and len(ds.compounds) == 2_000
    assert len(p.at_level("province")) == 5
    for level, parent in (("province", "nation"), ("city", "province"), ("district", "city"),
                          ("subdistrict", "district"), ("community", "subdistrict")):
        assert p.at_level(level), level
        assert all(p.get_place(x.parent).level == parent for x in p.at_level(level)), level
    assert set(ds.compounds["subdistrict"]) <= set(p.subdistrict_names)
    assert len(p.subdistricts_under(NATION_CODE)) == len(p.subdistricts)
    assert ds.compounds["compound_id"].is_unique and ds.compounds.crs.to_epsg() == 4326
    assert list(ds.district["adcode"]) == [x.code for x in p.at_level("district")]


def test_layers_hang_on_the_compounds(ds):
    ids = set(ds.compounds["compound_id"])
    for name in ("works", "elevators", "funding"):
        assert set(getattr(ds, name)["compound_id"]) <= ids, name
    assert set(ds.works["work"]) <= set(schema.WORK_KEYS)
    assert set(ds.funding["source"]) <= set(schema.FUNDING_KEYS)
    assert set(ds.compounds["area"].dropna()) <= set(ds.programme.area_names)
    data_date = pd.Timestamp(ds.meta["data_date"])
    for name in ("compounds", "works", "elevators"):
        frame = getattr(ds, name)
        assert (frame[["actual_start", "actual_finish"]].max() <= data_date).all(), name


def test_targets_roll_up_from_districts_to_the_nation(ds):
    p = ds.programme
    fyp14 = int(ds.compounds["batch"].isin(schema.FYP14_BATCHES).sum())
    assert p.target("compounds", schema.PERIOD_FYP14) == fyp14
    assert sum(p.target("compounds", schema.PERIOD_FYP14, place=x.code) for x in p.at_level("province")) == fyp14
    assert sum(p.target("compounds", schema.PERIOD_FYP14, place=x.code) for x in p.at_level("city")) == fyp14


def test_figures_of_the_nation_are_the_sums_of_its_provinces(ds):
    day = "2024-06-30"
    nation = metrics.stats(ds, day)
    provinces = [metrics.stats(ds, day, place=x.code) for x in ds.programme.at_level("province")]
    for key in ("completed", "under_construction", "planned", "surveyed"):
        assert sum(s["compounds"][key] for s in provinces) == nation["compounds"][key]
    assert sum(s["elevators"]["total"] for s in provinces) == nation["elevators"]["total"]
    assert nation["compounds"]["completed"] > 0 and nation["elevators"]["completed"] > 0
    assert nation["funding_wan_yuan"]["total"] == pytest.approx(
        sum(s["funding_wan_yuan"]["total"] for s in provinces), abs=0.05)


def test_fewer_compounds_than_provinces_is_refused():
    with pytest.raises(ValueError, match="at least one compound per province"):
        build_synthetic(3, provinces=5)


def test_daily_progress_of_the_works_on_site_rises_to_100_on_their_finish(ds):
    d = ds.daily_progress
    assert len(d) > 1_000 and not d.duplicated(["compound_id", "work", "date"]).any()
    rows = d.merge(ds.works, on=["compound_id", "work"], how="left", validate="many_to_one")
    assert rows["actual_start"].notna().all()  # every report is of a work of the compound, started
    assert (rows["date"] >= rows["actual_start"]).all()
    assert not (rows["date"] > rows["actual_finish"]).any()
    assert d["percent"].between(0, 100).all()
    assert (d.groupby(["compound_id", "work"])["percent"].diff().dropna() >= 0).all()
    on_finish = rows["date"] == rows["actual_finish"]
    assert on_finish.any() and (rows.loc[on_finish, "percent"] == 100).all()
    assert (rows.loc[~on_finish, "percent"] < 100).all()
    windows = pd.Series(False, index=d.index)
    for end, days in DAILY_WINDOWS.items():
        windows |= d["date"].between(end - pd.Timedelta(days=days - 1), end)
    assert windows.all()


def test_daily_reports_count_from_when_they_were_made(ds):
    d = ds.daily_progress
    data_date = pd.Timestamp(ds.meta["data_date"])
    assert (d["reported_at"] >= d["date"]).all() and (d["reported_at"].dt.normalize() <= data_date).all()
    late = d[d["reported_at"].dt.normalize() > d["date"]]
    assert len(late) > 0  # a few made the next morning: not known on their own day
    day = late["date"].iloc[0]
    known = asof.daily_known_on(d, day)
    assert not known.index.isin([late.index[0]]).any()
    assert late.index[0] in asof.daily_known_on(d, day + pd.Timedelta(days=1)).index
    table = daily.daily_table(ds, "2025-06-30")
    assert table["percent"].notna().sum() > 0  # the day's table reads the reports
    assert metrics.stats(ds, "2025-06-30")["daily"]["works_reported"] == int(table["percent"].notna().sum())
