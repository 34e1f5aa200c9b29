"""geo.store.migrate.copy_store: GeoPackage -> PostGIS -> GeoPackage keeps every version, the audit, tags and users."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo import metrics, writes
from geo.dataset import LAYERS
from geo.store import Change, StoreError, open_store
from geo.store.migrate import copy_store
from tests.store_support import ADMIN_USER, pg_url, scratch_store_with_users

DAYS = (dt.date(2022, 12, 9), dt.date(2024, 6, 30), dt.date.today())


def _frames_equal(a, b) -> None:
    """Same meta, and every layer the same text as CSV (values, order, geometry as WKT)."""
    assert a.meta == b.meta
    for name in LAYERS:
        assert getattr(a, name).to_csv(index=False) == getattr(b, name).to_csv(index=False), name


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A GeoPackage store with history: edits, an import that changes and adds rows, a restore, users."""
    store = scratch_store_with_users(tmp_path_factory.mktemp("source"))
    for cid, value in (("QY-0001", "2016-11-20"), ("QY-0002", "2016-12-01")):
        store.apply_changes(cid, [Change("compounds", (cid,), "actual_finish", None, value)], user="li",
                            etag=store.etag(cid))
    ds = store.load().dataset
    compounds = ds.compounds.copy()
    compounds.loc[3, "households"] = 999
    extra = compounds.iloc[[0]].assign(compound_id="QY-9999", name="新院")
    store.commit(ds.with_layers(compounds=pd.concat([compounds, extra], ignore_index=True)), user="admin", note="v2")
    store.apply_changes("QY-0004", [Change("works", ("QY-0004", "ev_chargers"), "quantity", None, 12)], user="admin",
                        etag=store.etag("QY-0004"))
    writes.restore_version(store, ADMIN_USER, 1)
    return store


def test_gpkg_to_postgis_to_gpkg_keeps_everything(source, tmp_path):
    middle = open_store(pg_url(tmp_path / "middle"))
    back = open_store(tmp_path / "back.gpkg")
    copy_store(source, middle)
    copy_store(middle, back)
    versions = source.versions()
    assert [v.version for v in versions] == [1, 2, 3] and versions[-1].kind == "restore"
    for store in (middle, back):
        assert store.versions() == versions
        assert store.users() == source.users()
        pd.testing.assert_frame_equal(store.audit(), source.audit())
        assert store.history().revisions.equals(source.history().revisions)
        for cid in ("QY-0001", "QY-0004", "QY-9999"):
            assert store.etag(cid) == source.etag(cid)
        for v in versions:
            _frames_equal(store.load_version(v.version), source.load_version(v.version))
        for day in DAYS:
            assert metrics.stats(store.load().dataset, day) == metrics.stats(source.load().dataset, day)


def test_the_copy_keeps_working_as_a_store(source, tmp_path):
    copy = open_store(pg_url(tmp_path / "copy"))
    copy_store(source, copy)
    tag = copy.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "plan_finish", None, "2017-01-31")],
                             user="li", etag=copy.etag("QY-0001"))
    assert tag == copy.etag("QY-0001") and len(copy.audit()) == len(source.audit()) + 1
    assert copy.restore(2, user="admin") == 4
    assert (copy.load().dataset.compounds["compound_id"] == "QY-9999").any()


def test_a_store_cannot_be_copied_onto_itself(source):
    with pytest.raises(StoreError):
        copy_store(source, open_store(source.url))


def test_replacing_a_store_that_has_an_admin_takes_its_admin(source, tmp_path):
    target = scratch_store_with_users(tmp_path)
    with pytest.raises(writes.Refused):
        writes.copy_store(source, target, writes.User("li", "admin"))  # an editor there, whatever the claim
    writes.copy_store(source, target, ADMIN_USER)
    assert target.versions() == source.versions()
