"""The synthetic national programme: deterministic, a full hierarchy, consistent layers and targets."""
from __future__ import annotations

import pandas as pd
import pytest

from geo import metrics, schema
from geo.synthetic import NATION_CODE, build_synthetic


@pytest.fixture(scope="module")
def ds():
    return build_synthetic(2_000, provinces=5, seed=11)


def test_same_arguments_same_data(ds):
    again = build_synthetic(2_000, provinces=5, seed=11)
    for name in ("compounds", "works", "elevators", "funding", "greenways", "sites", "subdistricts"):
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
