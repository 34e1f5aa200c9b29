"""The facts contract: every backend's ``Store.facts`` equals the facts made in memory from its own data.

On PostGIS the facts come from SQL (the SQL twins of the as-of rules), on a GeoPackage
from pandas; either way they, and every figure read off them, must equal
``geo.metrics.facts_from_dataset`` over ``geo.metrics.filter_dataset`` of the loaded data
set, for any as-of date, scope and grouping. One small synthetic national programme per
backend (several provinces, cities, districts, areas) and the tiny data set.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from geo import metrics, rollup
from geo.dataset import LAYERS
from geo.metrics import FACT_KEYS, Facts
from geo.store import Change, open_store
from geo.synthetic import build_synthetic
from tests.geo.store.test_contract import BACKENDS, Backend
from tests.geo.tiny_data import tiny_dataset

SYNTHETIC = build_synthetic(1_500, provinces=4, seed=7)
DAYS = st.dates(min_value=dt.date(2014, 6, 1), max_value=dt.date(2027, 3, 1))
_PROPERTY = settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture], phases=(Phase.explicit, Phase.generate))


@pytest.fixture(scope="module", params=BACKENDS, ids=lambda b: b.name)
def stores(request, tmp_path_factory):
    """(backend, synthetic store, its data set as loaded, tiny store, its data set) for one backend."""
    backend: Backend = request.param
    folder = tmp_path_factory.mktemp(f"facts-{backend.name}")
    out = [backend]
    for name, ds in (("synthetic", SYNTHETIC), ("tiny", tiny_dataset())):
        store = open_store(backend.make_url(folder / name))
        store.initialize(ds)
        out += [store, store.load().dataset]
    return tuple(out)


def _sorted(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    keys = list(FACT_KEYS[kind])
    return frame.assign(g=frame["g"].fillna("\0none")).sort_values(keys).reset_index(drop=True)


def assert_facts_equal(got: Facts, want: Facts) -> None:
    assert got.as_of == want.as_of
    for kind in FACT_KEYS:
        pd.testing.assert_frame_equal(_sorted(getattr(got, kind), kind), _sorted(getattr(want, kind), kind),
                                      check_dtype=True, rtol=1e-9, obj=kind)
    for layer in ("greenways", "sites"):
        pd.testing.assert_frame_equal(getattr(got, layer).reset_index(drop=True),
                                      getattr(want, layer).reset_index(drop=True), obj=layer)


def _scopes(ds):
    p = ds.programme
    places = [None, *(x.code for level in ("province", "city", "district", "subdistrict") for x in p.at_level(level)[:2])]
    return st.fixed_dictionaries({
        "place": st.sampled_from(places),
        "area": st.sampled_from([None, *p.area_names[:3]]),
        "subdistrict": st.sampled_from([None, *p.subdistrict_names[:3]]),
    })


@given(data=st.data(), day=DAYS)
@_PROPERTY
def test_facts_of_any_scope_equal_the_facts_in_memory(stores, data, day):
    _, store, ds, *_ = stores
    scope = data.draw(_scopes(ds))
    want = metrics.facts_from_dataset(metrics.filter_dataset(ds, **scope), day)
    assert_facts_equal(store.facts(day, **scope), want)


@given(day=DAYS, level=st.sampled_from(["province", "city", "district", "subdistrict"]))
@_PROPERTY
def test_grouped_facts_equal_and_units_sum_to_the_whole(stores, day, level):
    _, store, ds, *_ = stores
    p = ds.programme
    by = p.unit_codes(p.place, level)
    assert_facts_equal(store.facts(day, by=by), metrics.facts_from_dataset(ds, day, by=by))
    assert_facts_equal(store.facts(day, by="area"), metrics.facts_from_dataset(ds, day, by="area"))
    units = rollup.units_from_store(store, day, level=level)
    nation = metrics.stats(ds, day)["compounds"]
    assert int(units["compounds"].sum()) == nation["surveyed"]
    assert int(units["completed"].sum()) == nation["completed"]
    assert list(units["name"]) == [x.code for x in p.at_level(level) if x.code in set(by.values())]


@given(day=DAYS)
@_PROPERTY
def test_stats_from_the_store_equal_stats_of_the_data_set(stores, day):
    _, store, ds, tiny_store, tiny = stores
    p = ds.programme
    for place in (None, p.at_level("province")[1].code, p.at_level("district")[0].code):
        expected = {k: v for k, v in metrics.stats(ds, day, place=place).items() if k not in metrics.CONSTRUCTION_KEYS}
        assert rollup.stats_from_store(store, day, place=place) == expected
    assert_facts_equal(tiny_store.facts(day), metrics.facts_from_dataset(tiny, day))
    area = tiny.programme.area_names[0]
    assert_facts_equal(tiny_store.facts(day, area=area),
                       metrics.facts_from_dataset(metrics.filter_dataset(tiny, area=area), day))


def test_an_unknown_place_is_refused_with_the_valid_ones(stores):
    _, store, *_ = stores
    with pytest.raises(metrics.UnknownPlace, match="valid"):
        store.facts("2024-01-01", place="999999")
    with pytest.raises(metrics.UnknownPlace, match="valid"):
        store.facts("2024-01-01", area="nowhere")


def test_the_programme_reads_alone(stores):
    _, store, ds, *_ = stores
    programme, meta = store.load_programme()
    assert programme == ds.programme and meta == ds.meta


def test_compounds_in_a_box_are_those_whose_point_lies_in_it(stores):
    _, store, ds, *_ = stores
    sd = ds.subdistricts.iloc[2]
    west, south, east, north = sd.geometry.bounds
    box = (west, south, (west + east) / 2, north)
    c = ds.compounds
    inside = c[(c.geometry.x >= box[0]) & (c.geometry.x <= box[2]) & (c.geometry.y >= box[1]) & (c.geometry.y <= box[3])]
    got = store.compounds_in_box(box)
    assert len(inside) > 0 and list(got["compound_id"]) == list(inside["compound_id"])
    assert got.crs.to_epsg() == 4326 and list(got.columns) == list(c.columns)
    assert list(store.compounds_in_box(box, limit=3)["compound_id"]) == list(inside["compound_id"][:3])
    other = ds.programme.subdistrict_names[0]
    assert store.compounds_in_box((-180, -90, 180, 90), subdistricts=[other])["subdistrict"].eq(other).all()


def _edited(ds):
    """``ds`` with what an import may bring: a compound moved and rebatched, one gone, a work finished,
    a second row of a pair finished earlier, works rows of an unknown compound and of none."""
    c = ds.compounds.copy()
    moved, gone = c.index[0], c.index[1]
    c.loc[moved, "subdistrict"] = ds.programme.subdistrict_names[-1]
    c.loc[moved, "batch"] = "2024"
    c = c.drop(index=gone)
    w = ds.works.copy()
    open_rows = w.index[w["actual_finish"].isna()]
    w.loc[open_rows[0], "actual_finish"] = pd.Timestamp("2024-05-06")
    twin = w.loc[[w.index[3]]].assign(actual_finish=pd.Timestamp("2019-01-02"), quantity=5)
    stray = w.loc[[w.index[4], w.index[5]]].assign(compound_id=["NOPE-1", None])
    return ds.with_layers(compounds=c, works=pd.concat([w, twin, stray], ignore_index=True),
                          elevators=ds.elevators.iloc[3:], funding=ds.funding.iloc[:-7])


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_facts_follow_every_write(backend, tmp_path):
    """Import, progress edit and restore: the facts equal the facts of the data as loaded after each."""
    store = open_store(backend.make_url(tmp_path / "writes"))
    store.initialize(build_synthetic(300, provinces=2, seed=3))
    days = (dt.date(2019, 6, 1), dt.date(2024, 6, 1), dt.date(2026, 12, 1))

    def check():
        ds = store.load().dataset
        p = ds.programme
        by = p.unit_codes(p.place, "district")
        for day in days:
            assert_facts_equal(store.facts(day), metrics.facts_from_dataset(ds, day))
            assert_facts_equal(store.facts(day, by=by), metrics.facts_from_dataset(ds, day, by=by))
            place = p.at_level("province")[0].code
            assert_facts_equal(store.facts(day, place=place),
                               metrics.facts_from_dataset(metrics.filter_dataset(ds, place=place), day))
        return ds

    ds = check()
    store.commit(_edited(ds), user="importer")
    ds = check()
    row = ds.works[ds.works["compound_id"].isin(ds.compounds["compound_id"])].iloc[0]
    cid, work = row["compound_id"], row["work"]
    store.apply_changes(cid, [Change("works", (cid, work), "actual_finish", row["actual_finish"],
                                     pd.Timestamp("2020-02-03")),
                              Change("compounds", (cid,), "batch", None, "2023")], user="ed", etag=store.etag(cid))
    check()
    store.restore(1, user="admin")
    check()


def test_a_place_loads_alone_as_the_filtered_data_set_with_the_stores_fingerprint(stores):
    """``Store.load_place`` (SQL by subdistrict on PostGIS) equals ``filter_dataset`` of the whole load."""
    _, store, ds, *_ = stores
    p = ds.programme
    places = [p.place, *(x.code for level in ("province", "city", "district", "subdistrict") for x in p.at_level(level)[:2])]
    for place in places:
        got = store.load_place(place)
        assert got.fingerprint == store.fingerprint()
        want = metrics.filter_dataset(ds, place=place)
        for name in LAYERS:
            pd.testing.assert_frame_equal(getattr(got.dataset, name).reset_index(drop=True),
                                          getattr(want, name).reset_index(drop=True), obj=f"{place}: {name}")
        assert got.dataset.programme.place == p.place and got.dataset.meta == ds.meta
    district = p.at_level("district")[0].code
    assert 0 < len(store.load_place(district).dataset.compounds) < len(ds.compounds)
    with pytest.raises(metrics.UnknownPlace):
        store.load_place("no-such-place")
