"""Versioned store: commit all-or-nothing as a new version, history, restore, kill-safety."""
from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from geo.settings import ROOT, SAMPLE_GPKG
from geo.store.gpkg import GpkgStore, StoreError, dataset_from_snapshot, snapshot_bytes


@pytest.fixture()
def store(tmp_path) -> GpkgStore:
    path = tmp_path / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return GpkgStore(path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_committed_sample_has_one_version_and_history_tables():
    versions = GpkgStore(SAMPLE_GPKG).versions()
    assert [(v.version, v.kind, v.compounds, v.current) for v in versions] == [(1, "init", 1891, True)]


def test_snapshot_round_trip(sample):
    back = dataset_from_snapshot(snapshot_bytes(sample))
    assert back.meta == sample.meta
    assert back.compounds.equals(sample.compounds) and back.funding.equals(sample.funding)
    assert back.compounds.crs.to_epsg() == 4326


def test_commit_restore_and_history(store, sample):
    fingerprint = store.fingerprint()
    small = sample.with_layers(compounds=sample.compounds.iloc[:10])
    assert store.commit(small, user="alice", note="ten") == 2
    assert store.fingerprint() != fingerprint
    assert len(store.load().compounds) == 10
    assert len(store.load_version(1).compounds) == 1891
    assert store.restore(1, user="bob") == 3
    assert len(store.load().compounds) == 1891
    kinds = [(v.version, v.kind, v.user, v.compounds, v.current) for v in store.versions()]
    assert kinds == [(1, "init", "system", 1891, False), (2, "import", "alice", 10, False),
                     (3, "restore", "bob", 1891, True)]
    with pytest.raises(StoreError, match="1, 2, 3"):
        store.restore(7, user="bob")


def test_edits_are_kept_in_the_superseded_version(store, sample):
    from geo.audit import Change
    tag = store.etag("QY-0001")
    store.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "actual_finish", None, "2016-11-30")],
                        user="ed", etag=tag)
    assert store.versions()[-1].edits == 1
    store.commit(sample, user="admin")  # an import replacing the edited data
    assert store.load().compounds.set_index("compound_id").at["QY-0001", "actual_finish"].day == 29
    kept = store.load_version(1).compounds.set_index("compound_id")
    assert kept.at["QY-0001", "actual_finish"].day == 30  # the edit is not lost
    assert store.versions()[0].edits == 1


def test_users_and_audit_survive_a_commit(store, sample):
    store.put_user("admin", role="admin", password_hash="x")
    store.commit(sample, user="admin")
    assert [u["name"] for u in store.users()] == ["admin"]


_KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import geo.store.gpkg as store_mod
    real = store_mod._write_layer
    def slow(path, name, kind, frame):
        real(path, name, kind, frame)
        if name == "compounds":
            print("WRITING", flush=True)
            time.sleep(60)
    store_mod._write_layer = slow
    from geo.cli.main import main
    sys.exit(main(["import", {file!r}, "--store", {store!r}]))
""")


def test_killed_import_leaves_store_unchanged_and_readable(store, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("小区名称,经度,纬度,所属街道\n宽巷子新院,104.05373,30.66784,少城\n", encoding="utf-8")
    before = _digest(store.path)
    script = _KILL_SCRIPT.format(root=str(ROOT), file=str(source), store=str(store.path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "WRITING"  # mid-write: some layers in the temporary file
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _digest(store.path) == before
    assert len(store.load().compounds) == 1891 and len(store.versions()) == 1
    # the next import cleans the half-written temporary file and succeeds
    assert any(p.name.endswith(".tmp.gpkg") for p in store.path.parent.iterdir())
    from geo.cli.main import main
    assert main(["import", str(source), "--store", str(store.path)]) == 0
    assert not any(p.name.endswith(".tmp.gpkg") for p in store.path.parent.iterdir())
    assert len(store.load().compounds) == 1892 and len(store.versions()) == 2


_KILL_EDIT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import geo.store.gpkg as store_mod
    real = store_mod._apply_change
    def slow(con, change):
        real(con, change)
        print("WRITING", flush=True)
        time.sleep(60)
    store_mod._apply_change = slow
    from geo.audit import Change
    s = store_mod.GpkgStore({store!r})
    s.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "actual_finish", None, "2016-12-31")],
                    user="x", etag=s.etag("QY-0001"))
""")


def test_killed_edit_is_rolled_back(store):
    before = store.load().compounds.set_index("compound_id").at["QY-0001", "actual_finish"]
    script = _KILL_EDIT.format(root=str(ROOT), store=str(store.path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "WRITING"  # inside the transaction, page written
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert store.path.with_name(store.path.name + "-journal").exists()  # a hot journal was left behind
    assert store.audit().empty and store.etag("QY-0001") == "v1.r0"
    assert store.load().compounds.set_index("compound_id").at["QY-0001", "actual_finish"] == before


def test_commit_refused_when_the_store_changed_after_validation(store, sample):
    from geo.audit import Change
    from geo.store.gpkg import StoreChanged
    planned_against = store.fingerprint()
    store.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "plan_finish", None, "2016-12-01")],
                        user="ed", etag=store.etag("QY-0001"))
    before = _digest(store.path)
    with pytest.raises(StoreChanged, match="validate again"):
        store.commit(sample, user="admin", expected=planned_against)
    assert _digest(store.path) == before
