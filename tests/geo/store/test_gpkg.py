"""The GeoPackage backend beyond the contract: the file, its history tables, snapshots, the sample's working copy."""
from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import geo.store.gpkg
from geo.settings import ROOT, SAMPLE_GPKG
from geo.store import StoreError, open_store
from geo.store.gpkg import AUX_TABLES, GpkgStore, dataset_from_snapshot, snapshot_bytes
from tests.store_support import ADMIN, scratch_sample, scratch_store_with_users


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_of_the_sample(tmp_path, sample):
    store = GpkgStore(tmp_path / "copy.gpkg")
    store.initialize(sample)
    back = store.load().dataset
    assert back.meta == sample.meta
    pd.testing.assert_frame_equal(pd.DataFrame(back.elevators), pd.DataFrame(sample.elevators), check_dtype=False)
    assert back.compounds.crs.to_epsg() == 4326
    assert back.compounds["actual_finish"].dtype.kind == "M"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="not found") as info:
        GpkgStore(tmp_path / "nope.gpkg").load()
    assert "nope.gpkg" in str(info.value) and "找不到" in str(info.value)


def test_a_file_that_is_no_geopackage_is_a_store_error(tmp_path):
    path = tmp_path / "bad.gpkg"
    path.write_bytes(b"not a database at all" * 10)
    with pytest.raises(StoreError, match="bad.gpkg"):
        GpkgStore(path).load()


def test_default_store_is_a_working_copy_of_the_sample(monkeypatch, tmp_path):
    work = tmp_path / "work" / "qingyang.gpkg"
    monkeypatch.setattr(geo.store.gpkg, "WORK_STORE", work)
    before = SAMPLE_GPKG.read_bytes()
    store = open_store(f"gpkg:{work}")
    assert work.read_bytes() == before
    assert len(store.load().dataset.compounds) == 1891
    assert SAMPLE_GPKG.read_bytes() == before  # the committed sample is never the write target


def test_committed_sample_has_one_version_and_every_history_table():
    versions = open_store(SAMPLE_GPKG).versions()
    assert [(v.version, v.kind, v.compounds, v.current) for v in versions] == [(1, "init", 1891, True)]
    with sqlite3.connect(f"file:{SAMPLE_GPKG}?mode=ro", uri=True) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(AUX_TABLES) <= tables


def test_snapshot_round_trip(sample):
    back = dataset_from_snapshot(snapshot_bytes(sample))
    assert back.meta == sample.meta
    assert back.compounds.equals(sample.compounds) and back.funding.equals(sample.funding)
    assert back.compounds.crs.to_epsg() == 4326


def test_fingerprint_moves_with_an_edit_even_within_one_clock_tick(tmp_path):
    from geo.store import Change
    store = scratch_sample(tmp_path)
    seen = {store.fingerprint()}
    for day in range(1, 6):  # several edits in a few milliseconds: the SQLite change counter tells them apart
        change = Change("compounds", ("QY-0001",), "plan_finish", None, f"2016-12-0{day}")
        store.apply_changes("QY-0001", [change], user="ed", etag=store.etag("QY-0001"))
        seen.add(store.fingerprint())
    assert len(seen) == 6


_KILLED_IMPORT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import geo.store.gpkg as backend
    real = backend._write_layer
    def slow(path, name, kind, frame):
        real(path, name, kind, frame)
        if name == "compounds":
            print("WRITING", flush=True)
            time.sleep(60)
    backend._write_layer = slow
    from geo.cli.main import main
    sys.exit(main(["import", {file!r}, "--store", {store!r}, "--user", "admin"]))
""")


def test_an_import_killed_from_the_command_line_leaves_the_file_byte_identical(tmp_path, monkeypatch):
    store = scratch_store_with_users(tmp_path)
    path = Path(store.url.removeprefix("gpkg:"))
    source = tmp_path / "new.csv"
    source.write_text("小区名称,经度,纬度,所属街道\n宽巷子新院,104.05373,30.66784,少城\n", encoding="utf-8")
    before = _digest(path)
    script = _KILLED_IMPORT.format(root=str(ROOT), file=str(source), store=store.url)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={"PATH": "/usr/bin:/bin", "QY_PASSWORD": ADMIN[1]})
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "WRITING"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _digest(path) == before
    assert len(store.load().dataset.compounds) == 1891 and len(store.versions()) == 1
    # the next import cleans the half-written temporary file and succeeds
    assert any(p.name.endswith(".tmp.gpkg") for p in tmp_path.iterdir())
    from geo.cli.main import main
    monkeypatch.setenv("QY_PASSWORD", ADMIN[1])
    assert main(["import", str(source), "--store", store.url, "--user", "admin"]) == 0
    assert not any(p.name.endswith(".tmp.gpkg") for p in tmp_path.iterdir())
    assert len(store.load().dataset.compounds) == 1892 and len(store.versions()) == 2


def _history_rows(path: Path, layer: str) -> int:
    with sqlite3.connect(path) as con:
        return con.execute(f'SELECT COUNT(*) FROM "qy_history_{layer}"').fetchone()[0]


def test_an_import_writes_only_the_rows_it_changes_and_no_snapshot(tmp_path, sample):
    store = scratch_sample(tmp_path)
    path = Path(store.url.removeprefix("gpkg:"))
    compounds = sample.compounds.copy()
    compounds.loc[[3, 700], "households"] += 1
    store.commit(sample.with_layers(compounds=compounds), user="admin")
    assert _history_rows(path, "compounds") == 2 and _history_rows(path, "works") == 0
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT COUNT(*) FROM qy_versions WHERE snapshot IS NOT NULL").fetchone()[0] == 0
    assert store.load_version(1).compounds.to_csv(index=False) == sample.compounds.to_csv(index=False)
    store.restore(1, user="admin")
    assert store.load().dataset.compounds.to_csv(index=False) == sample.compounds.to_csv(index=False)
    assert _history_rows(path, "compounds") == 4


def test_a_change_of_columns_writes_the_file_anew_and_keeps_every_version_whole(tmp_path, sample):
    store = scratch_sample(tmp_path)
    path = Path(store.url.removeprefix("gpkg:"))
    compounds = sample.compounds.copy()
    compounds.loc[3, "households"] += 1
    store.commit(sample.with_layers(compounds=compounds), user="admin")
    store.commit(sample.with_layers(works=sample.works.assign(contractor="甲公司")), user="admin")
    with sqlite3.connect(path) as con:
        kept = [r[0] for r in con.execute("SELECT version FROM qy_versions WHERE snapshot IS NOT NULL")]
    assert kept == [1, 2]
    assert store.load_version(2).compounds.to_csv(index=False) == compounds.to_csv(index=False)
    assert "contractor" in store.load().dataset.works.columns
    store.restore(2, user="admin")
    assert store.load().dataset.compounds.to_csv(index=False) == compounds.to_csv(index=False)
