"""The committed sample reproduces every reported figure (figures.md) as of 2022-12-09."""
import pandas as pd
import pytest
import shapely

from geo import metrics
from geo.sample.build import NAMED_COMPOUNDS, NAMED_SITES, build_sample
from geo.settings import REPORT_DATE
from geo.spatial import locate


@pytest.fixture(scope="module")
def report(sample):
    return metrics.stats(sample, REPORT_DATE)


def test_stock_of_compounds(report):
    c = report["compounds"]
    assert (c["surveyed"], c["old"], c["eligible"], c["no_need"], c["redeveloped"]) == (1891, 1267, 1034, 185, 48)
    assert c["eligible"] + c["no_need"] + c["redeveloped"] == c["old"]


def test_batches(report):
    assert report["batches"] == {"2015-2020": 415, "2021": 50, "2022": 162, "2023": 186, "2024": 221, "2025": 0}
    assert report["fyp14"]["compounds"] == 619


def test_households(report):
    assert report["households"]["fyp14"] == 57_800
    assert report["households"]["fyp13"] > 35_000  # "3.5万余户"


def test_elevators(report):
    e = report["elevators"]
    assert (e["total"], e["completed_in_year"], e["under_construction"]) == (676, 157, 301)
    assert e["completed"] - e["completed_in_year"] == 218


def test_greenways_and_sites(report):
    assert report["greenways"]["tianfu_km"] == 30.0
    assert report["greenways"]["community_count"] == 30
    assert report["sites"] == {"back_lane": 6, "feature_street": 2, "corner_site": 20, "fitness_space": 10}


def test_funding_2022_by_source(report):
    y2022 = report["funding_wan_yuan"]["by_year"]["2022"]
    expected = {"government_subsidy": 15_900, "special_bonds": 16_000, "general_bonds": 7_700, "city_funds": 7_600,
                "policy_finance": 4_600, "property_units": 2_200, "donations": 2_400}
    assert {k: y2022[k] for k in expected} == expected


def test_named_compounds_and_places_in_their_subdistricts(sample):
    c = sample.compounds.set_index("name")
    for name, sd, batch, households, _ in NAMED_COMPOUNDS:
        assert c.at[name, "subdistrict"] == sd and c.at[name, "batch"] == batch
        if households:
            assert c.at[name, "households"] == households
    s = sample.sites.set_index("name")
    for name, kind, sd in NAMED_SITES:
        assert s.at[name, "kind"] == kind and s.at[name, "subdistrict"] == sd


def test_locations_agree_with_stated_subdistrict_and_area(sample):
    c = sample.compounds
    assert (locate(c, sample.subdistricts, "name") == c["subdistrict"]).all()
    assert (locate(c, sample.areas, "name").fillna("") == c["area"].fillna("")).all()
    assert set(c["area"].dropna()) == set(sample.programme.area_names)
    assert c.crs.to_epsg() == 4326


def test_layers_and_key_subdistricts(sample):
    assert len(sample.subdistricts) == 12 and sample.subdistricts["is_key"].sum() == 5
    assert set(sample.subdistricts.loc[sample.subdistricts["is_key"], "name"]) == set(sample.programme.key_subdistricts)
    assert len(sample.areas) == 8
    district = sample.district.union_all()
    assert shapely.covers(district.buffer(1e-6), sample.subdistricts.union_all())
    # The outline was converted from GCJ-02: Tianfu Square (WGS-84) lies inside Qingyang's neighbour, not shifted off.
    assert 60e6 < sample.district.to_crs(32648).area.sum() < 70e6


def test_dates_are_consistent(sample):
    c = sample.compounds
    assert not (c["actual_finish"] < c["actual_start"]).any()
    assert not (c["plan_finish"] < c["plan_start"]).any()
    assert c.loc[c["batch"].isna(), "actual_start"].isna().all()


def test_sample_is_labelled_illustrative(sample):
    assert sample.illustrative


def test_generation_is_deterministic_and_matches_committed_file(sample):
    fresh = build_sample()
    for layer in ("compounds", "works", "elevators", "funding", "greenways", "sites", "areas"):
        a, b = getattr(fresh, layer), getattr(sample, layer)
        a = pd.DataFrame(a).reset_index(drop=True)
        b = pd.DataFrame(b).reset_index(drop=True)
        assert list(a.columns) == list(b.columns), layer
        for col in a.columns:
            if col == "geometry":
                assert shapely.equals(a[col].values, b[col].values).all(), layer
            else:
                pd.testing.assert_series_equal(a[col], b[col], check_dtype=False, check_names=False, obj=f"{layer}.{col}")
