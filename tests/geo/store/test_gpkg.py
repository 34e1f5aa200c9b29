"""The GeoPackage backend beyond the contract: the file, its history tables, snapshots, the sample's working copy."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import signal
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import geo.dataset
import geo.store.gpkg
from geo import writes
from geo.schedule.daily import DailyReport
from geo.settings import ROOT, SAMPLE_GPKG
from geo.store import Change, StoreError, open_store
from geo.store.gpkg import AUX_TABLES, GpkgStore, dataset_from_snapshot, snapshot_bytes
from tests.store_support import (
    ADMIN,
    ADMIN_USER,
    limit_file_size,
    no_room_to_write,
    scratch_sample,
    scratch_store_with_users,
)


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
        assert proc.stdout is not None
        lines = iter(proc.stdout.readline, "")  # the import prints what it changes first
        assert any(line.strip() == "WRITING" for line in lines)
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


def _make_old(path: Path) -> None:
    """Turn a store into one written before the construction model: no handovers, daily_progress or
    issue_log layers, and works without sequence_class, contractor and work_face."""
    with sqlite3.connect(path) as con:
        for table in ("handovers", "daily_progress", "issue_log"):
            con.execute(f'DROP TABLE "{table}"')
            for meta in ("gpkg_contents", "gpkg_ogr_contents"):
                con.execute(f"DELETE FROM {meta} WHERE table_name = ?", (table,))
        for column in ("sequence_class", "contractor", "work_face"):
            con.execute(f'ALTER TABLE works DROP COLUMN "{column}"')


def test_a_store_written_before_a_layer_existed_loads_it_empty_and_takes_an_edit_of_it(tmp_path):
    store = scratch_store_with_users(tmp_path)
    _make_old(Path(store.url.removeprefix("gpkg:")))
    ds = store.load().dataset
    for name in ("handovers", "daily_progress", "issue_log"):
        frame = getattr(ds, name)
        assert frame.empty and list(frame.columns) == [f.name for f in geo.dataset.LAYER_FIELDS[name]], name
    assert ds.works["work_face"].isna().all() and len(ds.works) > 1000
    assert store.compound("QY-0001").layers["daily_progress"].empty
    work = sorted(ds.works.loc[ds.works["compound_id"] == "QY-0001", "work"])[0]
    versions = store.versions()
    writes.save_daily_progress(store, ADMIN_USER, "QY-0001", [DailyReport("QY-0001", work, dt.date.today(), 30.0)],
                               etag=store.etag("QY-0001"))
    back = store.load().dataset
    assert len(back.daily_progress) == 1 and back.works["work_face"].isna().all()
    assert [v.version for v in store.versions()] == [v.version for v in versions]  # brought up to date: no new version


def test_a_snapshot_made_before_a_layer_existed_reads_it_empty(sample):
    blob = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(snapshot_bytes(sample))) as old, zipfile.ZipFile(blob, "w") as new:
        for name in old.namelist():
            if name not in ("handovers.parquet", "daily_progress.parquet", "issue_log.parquet"):
                new.writestr(name, old.read(name))
    ds = dataset_from_snapshot(blob.getvalue())
    assert ds.issue_log.empty and len(ds.compounds) == 1891


def test_a_write_the_disk_refuses_is_a_clear_error_and_changes_nothing(tmp_path):
    store = scratch_store_with_users(tmp_path)
    path = Path(store.url.removeprefix("gpkg:"))
    before = _digest(path)
    change = Change("compounds", ("QY-0001",), "actual_finish", None, "2016-11-20")
    writes = [lambda: store.put_user("wang", role="viewer", password_hash="h"),
              lambda: store.delete_user("li"),
              lambda: store.apply_changes("QY-0001", [change], user="li", etag=store.etag("QY-0001")),
              lambda: store.commit(store.load().dataset, user="admin")]
    for write in writes:
        with no_room_to_write(), pytest.raises(StoreError) as info:
            write()
        message = str(info.value)
        assert "磁盘" in message and "disk" in message and "nothing was saved" in message
        assert str(tmp_path) not in message  # no server path in what a page or the CLI shows
        assert _digest(path) == before
    assert [u.name for u in store.users()] == ["admin", "li"]  # and the next write succeeds
    store.put_user("wang", role="viewer", password_hash="h")


def test_users_add_on_a_full_disk_exits_2_with_one_line(tmp_path):
    store = scratch_sample(tmp_path)
    before = _digest(Path(store.url.removeprefix("gpkg:")))
    proc = subprocess.run([sys.executable, "-m", "geo", "users", "add", "admin", "--role", "admin", "--store", store.url],
                          input=f"{ADMIN[1]}\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=limit_file_size)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "disk" in proc.stderr and "Traceback" not in proc.stderr
    assert str(tmp_path) not in proc.stderr
    assert _digest(Path(store.url.removeprefix("gpkg:"))) == before and store.users() == []


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
    store.commit(sample.with_layers(works=sample.works.assign(inspector="甲公司")), user="admin")
    with sqlite3.connect(path) as con:
        kept = [r[0] for r in con.execute("SELECT version FROM qy_versions WHERE snapshot IS NOT NULL")]
    assert kept == [1, 2]
    assert store.load_version(2).compounds.to_csv(index=False) == compounds.to_csv(index=False)
    assert "inspector" in store.load().dataset.works.columns
    store.restore(2, user="admin")
    assert store.load().dataset.compounds.to_csv(index=False) == compounds.to_csv(index=False)
