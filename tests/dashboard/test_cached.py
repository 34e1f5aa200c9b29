"""dashboard.cached: the data set and its fingerprint come as one handle, and derived caches key by it."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard import cached
from geo.store import Change
from tests.store_support import scratch_sample

DAY = dt.date(2022, 12, 9)


@pytest.fixture()
def store(tmp_path, monkeypatch):
    store = scratch_sample(tmp_path)
    monkeypatch.setenv("QY_STORE", store.url)
    return store


def _finish(loaded, cid: str = "QY-0001"):
    return loaded.dataset.compounds.set_index("compound_id").at[cid, "actual_finish"]


def test_a_load_is_cached_per_fingerprint_and_follows_every_write(store):
    first = cached.load()
    assert first.fingerprint == store.fingerprint() and cached.load() is first
    store.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "actual_finish", None, "2016-11-05")],
                        user="ed", etag=store.etag("QY-0001"))
    second = cached.load()
    assert second.fingerprint == store.fingerprint() != first.fingerprint
    assert (_finish(first).day, _finish(second).day) == (29, 5)


def test_data_are_labelled_with_their_own_fingerprint_never_with_the_one_probed_before(store):
    loaded = cached._loaded(store.url, "a fingerprint probed before the store changed")
    assert loaded.fingerprint == store.fingerprint()


def test_derived_values_are_keyed_by_the_handle_they_came_from(store):
    first = cached.load()
    store.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "actual_finish", None, None),
                                    Change("compounds", ("QY-0001",), "actual_start", None, None)],
                        user="ed", etag=store.etag("QY-0001"))
    second = cached.load()
    before, after = cached.stats(first, DAY), cached.stats(second, DAY)
    assert after["compounds"]["completed"] == before["compounds"]["completed"] - 1
    assert cached.stats(first, DAY) == before  # the older handle still gets its own figures


def test_a_record_is_read_per_handle_and_none_for_an_unknown_id(store):
    first = cached.load()
    assert cached.record_view(first, "QY-0001", DAY, "zh").title.endswith("（QY-0001）")
    assert cached.record_view(first, "QY-9999", DAY, "zh") is None
    store.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "actual_finish", None, None)],
                        user="ed", etag=store.etag("QY-0001"))
    facts = dict(cached.record_view(cached.load(), "QY-0001", DAY, "en").facts)
    assert facts["Actual finish"] == "—" and dict(cached.record_view(first, "QY-0001", DAY, "en").facts)["Actual finish"] != "—"


def test_the_scale_picks_the_rollup_from_the_configured_compound_count(store, monkeypatch):
    sample = cached.scale()
    assert (sample.compounds, sample.rollup) == (1891, False)
    assert sample.programme.place == store.load_programme()[0].place and sample.fingerprint == store.fingerprint()
    monkeypatch.setenv("QY_ROLLUP_FROM", "1891")
    cached._scale.clear()
    assert cached.scale().rollup


def test_the_rollup_figures_are_the_stores_and_follow_every_write(store, monkeypatch):
    from geo import rollup
    monkeypatch.setenv("QY_ROLLUP_FROM", "1")
    cached._scale.clear()
    today = dt.date.today()
    first = cached.scale()
    place = first.programme.place
    assert cached.rollup_stats(first, today, place) == rollup.stats_from_store(store, today, place=place)
    units = cached.rollup_units(first, today, place)
    assert units.equals(rollup.units_from_store(store, today, place=place))
    assert cached.rollup_base_map(first, place, "zh", "dark") is cached.rollup_base_map(first, place, "zh", "dark")
    before = cached.rollup_stats(first, today, place)["fyp14"]["completed"]
    c = store.load().dataset.compounds
    cid = c[c["batch"].isin(["2023", "2024"]) & c["actual_start"].notna() & c["actual_finish"].isna()]["compound_id"].iloc[0]
    finish = (today - dt.timedelta(days=1)).isoformat()
    store.apply_changes(cid, [Change("compounds", (cid,), "actual_finish", None, finish)], user="ed", etag=store.etag(cid))
    again = cached.scale()
    assert again.fingerprint != first.fingerprint
    assert cached.rollup_stats(again, today, place)["fyp14"]["completed"] == before + 1
    assert cached.rollup_stats(first, today, place)["fyp14"]["completed"] == before  # keyed by the fingerprint
    cached._scale.clear()
