"""The embedded backend: one GeoPackage file holding every layer (see data/README.md).

:class:`GpkgStore` implements :class:`geo.store.base.Store`; callers get it from
``geo.store.open_store("gpkg:PATH")`` (or a plain path) and never touch the file.

Besides the layers the file holds plain SQLite tables (not GeoPackage layers):
``meta``; ``qy_versions`` (every version of the data: the current one is the live
layers, each earlier one a snapshot blob of its layers as they were when superseded,
edits included); ``qy_audit`` (one row per changed field: who, when, before, after);
``qy_revisions`` (a counter per compound for optimistic concurrency); ``qy_users``.

Writes: :meth:`GpkgStore.commit` (imports, restores) writes a complete new file and
atomically renames it over the old one, so all rows or none land and a process killed
mid-write leaves the old file untouched. :meth:`GpkgStore.apply_changes` (progress
edits) and the user writes are one SQLite transaction each (a killed one is rolled back
from its journal on the next read). All hold an exclusive lock on ``<store>.lock``.
Reads take no lock: :meth:`GpkgStore.load` reads the fingerprint before and after the
layers and reads again when a write landed in between.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import io
import json
import os
import shutil
import sqlite3
import struct
import tempfile
import time
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from geo.dataset import LAYER_FIELDS, LAYERS, Dataset, conform_layer, empty_layer, format_dates, parse_dates
from geo.settings import SAMPLE_GPKG, STORAGE_CRS, WORK_STORE
from geo.store.base import (
    AUDIT_COLUMNS,
    EDIT_KEYS,
    REVISION_COLUMNS,
    Change,
    CompoundRows,
    EditConflict,
    History,
    Loaded,
    Store,
    StoreBusy,
    StoreChanged,
    StoreError,
    UserRecord,
    Version,
    audit_text,
    bilingual,
    now_text,
    write_error,
)
from geo.store.signins import SqliteSignInLog

META_TABLE = "meta"
LOCK_TIMEOUT_S = 30.0
AUX_TABLES: dict[str, str] = {
    "qy_versions": "version INTEGER PRIMARY KEY, created_at TEXT NOT NULL, user TEXT NOT NULL, kind TEXT NOT NULL, "
                   "note TEXT NOT NULL DEFAULT '', compounds INTEGER NOT NULL DEFAULT 0, edits INTEGER NOT NULL DEFAULT 0, "
                   "superseded_at TEXT, snapshot BLOB, meta TEXT",
    "qy_audit": "id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL, version INTEGER NOT NULL, "
                "compound_id TEXT NOT NULL, layer TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, "
                "before TEXT, after TEXT",
    "qy_revisions": "compound_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, at TEXT NOT NULL, user TEXT NOT NULL",
    "qy_users": "name TEXT PRIMARY KEY, role TEXT NOT NULL, subdistricts TEXT NOT NULL DEFAULT '[]', "
                "password_hash TEXT NOT NULL, created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1",
}


def _missing(path: Path) -> StoreError:
    return StoreError(bilingual("store.missing", store=path))


class GpkgStore(Store):
    """A data set kept in one GeoPackage (SQLite) file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.url = f"gpkg:{self.path.absolute()}"

    def __repr__(self) -> str:
        return f"GpkgStore({str(self.path)!r})"

    # --- reading ---------------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """The file's inode, size, mtime and SQLite change counter (bumped by every committed write)."""
        try:
            with open(self.path, "rb") as handle:
                header = handle.read(100)
                stat = os.fstat(handle.fileno())
        except FileNotFoundError:
            raise _missing(self.path) from None
        counter = struct.unpack(">I", header[24:28])[0] if len(header) >= 28 else 0
        return f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}-{counter}"

    def load(self) -> Loaded:
        """Every layer and the meta with the fingerprint they were read under.

        Read only while no writer holds the lock, and accepted only when, once the layers
        are read, still no writer holds it and the fingerprint has not moved; otherwise read
        again (a write in progress makes GDAL fail or, in this process, could show half of
        it: GDAL's SQLite does not see the locks of Python's SQLite in the same process).
        """
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            self._recover()  # waits for a writer whose journal is there, or rolls a dead one back
            if not self._writer_active():
                before = self.fingerprint()
                try:
                    dataset = self._read_dataset()
                except StoreError:
                    if not self._being_written(before):
                        raise
                else:
                    if not self._being_written(before):
                        return Loaded(dataset, before)
            if time.monotonic() > deadline:
                raise StoreBusy(bilingual("store.busy"))
            time.sleep(0.01)

    def compound_count(self) -> int:
        """The compounds layer's feature count from the GeoPackage's metadata (no rows read).

        A count read while a writer works may be the old or the new one: it only picks a page's mode.
        """
        if not self.path.exists():
            raise _missing(self.path)
        try:
            return int(pyogrio.read_info(self.path, layer="compounds")["features"])
        except pyogrio.errors.DataLayerError:
            return 0

    def _being_written(self, fingerprint: str) -> bool:
        """True while a writer holds the lock, or when a write has landed since ``fingerprint`` was read."""
        return self._writer_active() or (self.path.exists() and self.fingerprint() != fingerprint)

    def _writer_active(self) -> bool:
        """True while a writer holds ``<store>.lock`` (probed without waiting; no lock file: nobody)."""
        lock = self.path.with_name(self.path.name + ".lock")
        if not lock.exists():
            return False
        with open(lock, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def _read_dataset(self) -> Dataset:
        if not self.path.exists():
            raise _missing(self.path)
        try:
            with warnings.catch_warnings():  # a read racing a write in this process may see it half done
                warnings.simplefilter("ignore", RuntimeWarning)
                present = {name for name, _ in pyogrio.list_layers(self.path)}
            missing = [name for name in LAYERS if name not in present and name not in LAYER_FIELDS]
            if missing:
                raise StoreError(f"{self.path}: {bilingual('store.missing_layers', layers=', '.join(missing))}")
            # a layer this file predates (it declares its columns) loads empty: Dataset.from_layers
            layers = {name: self._read(name, kind) for name, kind in LAYERS.items() if name in present}
        except (DataSourceError, DataLayerError, OSError) as exc:  # OSError: from the Arrow stream
            raise StoreError(f"{self.path}: {exc}") from exc
        return Dataset.from_layers(layers, self._read_meta())

    def _read(self, name: str, kind: str) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            frame = pyogrio.read_dataframe(self.path, layer=name, read_geometry=kind != "table",
                                           use_arrow=True)
        if kind != "table":
            frame = frame.set_crs(STORAGE_CRS, allow_override=True) if frame.crs is None else frame.to_crs(STORAGE_CRS)
        elif "geometry" in frame.columns:
            frame = pd.DataFrame(frame.drop(columns="geometry"))
        return parse_dates(frame)

    def _read_meta(self) -> dict[str, str]:
        return {k: v for k, v in self._query(f"SELECT key, value FROM {META_TABLE}")}

    def versions(self) -> list[Version]:
        """Every version, oldest first; the last is current (its edits counted so far)."""
        rows = self._query("SELECT version, created_at, user, kind, note, compounds, edits, superseded_at "
                           "FROM qy_versions ORDER BY version")
        counts = dict(self._query("SELECT version, COUNT(*) FROM qy_audit GROUP BY version"))
        last = rows[-1][0] if rows else None
        return [Version(v, at, user, kind, note, n, counts.get(v, 0) if v == last else edits, v == last, sup)
                for v, at, user, kind, note, n, edits, sup in rows]

    def load_version(self, version: int) -> Dataset:
        """The data of one version (the live layers for the current one)."""
        rows = self._query("SELECT snapshot, version = (SELECT MAX(version) FROM qy_versions) FROM qy_versions "
                           "WHERE version = ?", (int(version),))
        if not rows:
            valid = ", ".join(str(v.version) for v in self.versions())
            raise StoreError(bilingual("store.unknown_version", version=version, valid=valid))
        snapshot, current = rows[0]
        if snapshot is not None:
            return dataset_from_snapshot(snapshot)
        return self.load().dataset if current else self._reconstruct(int(version))

    def _reconstruct(self, version: int, *, locked: bool = False) -> Dataset:
        """The data of a superseded version: a scratch copy of the file with the history put back, read by GDAL."""
        folder = tempfile.mkdtemp(prefix="qy-version-")  # not beside the store: writers clear temporaries there
        scratch = Path(folder) / "version.gpkg"
        try:
            with self._reading() as con, (nullcontext() if locked else self._locked(shared=True)):
                con.execute("BEGIN")  # one snapshot of the file
                try:
                    target = sqlite3.connect(scratch)
                    try:
                        con.backup(target)
                    finally:
                        target.close()
                finally:
                    con.execute("COMMIT")
            with _edit_connection(scratch) as con:
                con.execute("BEGIN")
                current = con.execute("SELECT MAX(version) FROM qy_versions").fetchone()[0]
                for name in LAYERS:
                    _stage_history(con, name, version, current)
                    _apply_stage(con, name, None)
                meta = _version_meta(con, version)
                con.execute("COMMIT")
            return dataclasses.replace(GpkgStore(scratch)._read_dataset(), meta=meta)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def audit(self, *, compound_id: str | None = None, since: str | None = None) -> pd.DataFrame:
        """Audit rows (newest first), optionally for one compound or since an ISO date/time."""
        sql, args = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM qy_audit", []
        where = []
        if compound_id is not None:
            where.append("compound_id = ?")
            args.append(compound_id)
        if since is not None:
            where.append("at >= ?")
            args.append(since)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._query(sql + " ORDER BY id DESC", tuple(args))
        return pd.DataFrame(rows, columns=AUDIT_COLUMNS)

    def etag(self, compound_id: str) -> str:
        """The record's version tag: changes with every edit of it and every import/restore."""
        with self._reading() as con, self._locked(shared=True):
            return _etag(con, compound_id)

    def compound(self, compound_id: str) -> CompoundRows:
        """One compound's rows of the edit layers and its tag, read together while no writer runs.

        The shared lock matters: SQLite's own locks do not hold between GDAL's and Python's
        SQLite in one process (closing a file drops the process's POSIX locks), so without
        it a read racing a save could pair an old tag with new rows.
        """
        with self._reading() as con, self._locked(shared=True):
            con.execute("BEGIN")
            try:
                tag = _etag(con, compound_id)
                layers = {layer: _compound_rows(con, layer, compound_id) for layer in EDIT_KEYS}
            finally:
                con.execute("COMMIT")
        return CompoundRows(compound_id, tag, layers)

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        rows = self._query("SELECT name, role, subdistricts, password_hash, created_at, active FROM qy_users ORDER BY name")
        return [UserRecord(n, r, tuple(json.loads(s)), h, c, bool(a)) for n, r, s, h, c, a in rows]

    def user(self, name: str) -> UserRecord | None:
        """The user called ``name`` (active or not), or None."""
        rows = self._query("SELECT name, role, subdistricts, password_hash, created_at, active FROM qy_users "
                           "WHERE name = ?", (name,))
        return next((UserRecord(n, r, tuple(json.loads(s)), h, c, bool(a)) for n, r, s, h, c, a in rows), None)

    def size_bytes(self) -> int:
        """Size of the file (bytes)."""
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            raise _missing(self.path) from None

    # --- writing ---------------------------------------------------------------------------------
    def initialize(self, dataset: Dataset, *, user: str = "system", note: str = "") -> None:
        """Write a fresh store (history restarts at version 1, no users), atomically replacing the file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._write(dataset, lambda con: _init_history(con, dataset, user, note))

    def commit(self, dataset: Dataset, *, user: str, kind: str = "import", note: str = "",
               expected: str | None = None) -> int:
        """Make ``dataset`` the new current version (all layers or nothing); return its number.

        Only the rows that differ are written, in one SQLite transaction, and what they
        replace is kept as history of the superseded version (``qy_history_<layer>``).
        When a layer's columns change, the whole file is written anew instead (see
        :meth:`_rewrite`). Users, audit and revisions are kept.
        """
        with self._locked():
            if expected is not None and self.path.exists() and self.fingerprint() != expected:
                raise StoreChanged(bilingual("store.changed"))
            if not self.path.exists():
                self._write(dataset, lambda con: _init_history(con, dataset, user, note, kind))
                return 1
            self._recover_locked()
            return self._commit_locked(dataset, user=user, kind=kind, note=note, at=now_text())

    def _commit_locked(self, dataset: Dataset, *, user: str, kind: str, note: str, at: str) -> int:
        incoming = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp.gpkg")
        try:
            for name, kind_ in LAYERS.items():
                _write_layer(incoming, name, kind_, getattr(dataset, name))
            if not _same_columns(self.path, incoming):
                return self._rewrite(dataset, user=user, kind=kind, note=note, at=at)
            with _edit_connection(self.path) as con:
                con.execute("ATTACH DATABASE ? AS incoming", (str(incoming),))
                con.execute("BEGIN IMMEDIATE")
                try:
                    new = _close_version(con) + 1
                    for name in LAYERS:
                        _stage_file(con, name)
                        _apply_stage(con, name, new)
                    _add_version(con, new, at, user, kind, note, len(dataset.compounds), dataset.meta)
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:  # SQLite has rolled back itself after an I/O error
                        con.execute("ROLLBACK")
                    raise
                con.execute("DETACH DATABASE incoming")
            return new
        finally:
            incoming.unlink(missing_ok=True)

    def restore(self, version: int, *, user: str, note: str | None = None) -> int:
        """Make the data of ``version`` current again as a new version (by SQL from the history, when it has one).

        ``note`` for the history (default: "restore N")."""
        with self._locked():
            self._recover_locked()
            rows = self._query("SELECT snapshot IS NOT NULL, compounds FROM qy_versions WHERE version = ?",
                               (int(version),))
            if not rows:
                valid = ", ".join(str(v.version) for v in self.versions())
                raise StoreError(bilingual("store.unknown_version", version=version, valid=valid))
            at, note = now_text(), note if note is not None else f"restore {int(version)}"
            if rows[0][0]:  # a version kept whole (by an earlier format or a change of columns)
                return self._commit_locked(self.load_version(version), user=user, kind="restore", note=note, at=at)
            with _edit_connection(self.path) as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    current = con.execute("SELECT MAX(version) FROM qy_versions").fetchone()[0]
                    meta = _version_meta(con, int(version))
                    new = _close_version(con) + 1
                    for name in LAYERS:
                        _stage_history(con, name, int(version), current)
                        _apply_stage(con, name, new)
                    _add_version(con, new, at, user, "restore", note, rows[0][1], meta)
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:  # SQLite has rolled back itself after an I/O error
                        con.execute("ROLLBACK")
                    raise
            return new

    def _rewrite(self, dataset: Dataset, *, user: str, kind: str, note: str, at: str) -> int:
        """Write the whole file anew (the columns of a layer changed): every earlier version is kept whole first.

        The history tables address rows of the file being replaced, so each superseded
        version that relies on them becomes a snapshot (Parquet in a zip) before they go.
        """
        blobs = {v.version: snapshot_bytes(self._read_dataset() if v.current else self._reconstruct(v.version, locked=True))
                 for v in self.versions() if v.current or not self._has_snapshot(v.version)}
        old = self._current_version()

        def history(con: sqlite3.Connection) -> None:
            _copy_aux(con, self.path)
            for version, blob in blobs.items():
                con.execute("UPDATE qy_versions SET snapshot = ? WHERE version = ?", (blob, version))
            con.execute("UPDATE qy_versions SET superseded_at = ?, edits = (SELECT COUNT(*) FROM qy_audit "
                        "WHERE version = ?) WHERE version = ?", (now_text(), old, old))
            _add_version(con, old + 1, at, user, kind, note, len(dataset.compounds), dataset.meta)

        self._write(dataset, history)
        return old + 1

    def _has_snapshot(self, version: int) -> bool:
        return bool(self._query("SELECT snapshot IS NOT NULL FROM qy_versions WHERE version = ?", (version,))[0][0])

    def _current_version(self) -> int:
        rows = self._query("SELECT MAX(version) FROM qy_versions")
        return int(rows[0][0] or 0)

    def _upgrade_locked(self) -> None:
        """Give a file written before some layers or declared columns existed all of them, so that an
        edit can write them: the file is rewritten whole and renamed over the old one (history,
        users, audit and tags carried over; no new version). Nothing happens to a current file."""
        if not self.path.exists():
            raise _missing(self.path)
        self._recover_locked()
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            outdated = _lacks_layout(con)
        finally:
            con.close()
        if outdated:
            current = self._read_dataset()
            self._write(current, lambda con: _copy_aux(con, self.path))

    def apply_changes(self, compound_id: str, changes: Sequence[Change], *, user: str, etag: str) -> str:
        """Write progress ``changes`` of one compound in one transaction (EditConflict if ``etag`` is stale)."""
        with self._locked():
            self._upgrade_locked()
        with self._locked(), _edit_connection(self.path) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                current = _etag(con, compound_id)
                if current != etag:
                    raise EditConflict(compound_id, _last_change(con, compound_id))
                version = con.execute("SELECT MAX(version) FROM qy_versions").fetchone()[0]
                stamp = now_text()
                for change in changes:
                    _apply_change(con, change, version)
                    con.execute("INSERT INTO qy_audit (at, user, version, compound_id, layer, record, field, before, after)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                (stamp, user, version, compound_id, change.layer,
                                 "|".join(str(audit_text(k)) for k in change.key),
                                 change.field, audit_text(change.before), audit_text(change.after)))
                con.execute("INSERT INTO qy_revisions VALUES (?, 1, ?, ?) ON CONFLICT(compound_id) DO UPDATE SET "
                            "revision = revision + 1, at = excluded.at, user = excluded.user", (compound_id, stamp, user))
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:  # SQLite has rolled back itself after an I/O error
                    con.execute("ROLLBACK")
                raise
            return _etag(con, compound_id)

    def put_user(self, name: str, *, role: str, password_hash: str, subdistricts: Sequence[str] = (),
                 active: bool = True) -> None:
        """Add or replace one user (in one transaction)."""
        with self._locked(), _edit_connection(self.path) as con:
            _put_user(con, (name, role, json.dumps(list(subdistricts), ensure_ascii=False), password_hash,
                            now_text(), int(active)))

    def delete_user(self, name: str) -> bool:
        """Remove one user; False when there was none."""
        with self._locked(), _edit_connection(self.path) as con:
            gone = con.execute("DELETE FROM qy_users WHERE name = ?", (name,)).rowcount
        return bool(gone)

    def sign_ins(self) -> SqliteSignInLog:
        """The sign-in log in ``<store>.signins.sqlite`` beside the store (never inside it)."""
        return SqliteSignInLog(self.path.with_name(self.path.name + ".signins.sqlite"))

    def history(self) -> History:
        """Versions, audit (oldest first), revisions and users."""
        with self._reading() as con:
            con.execute("BEGIN")
            try:
                audit = pd.DataFrame(con.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM qy_audit ORDER BY id")
                                     .fetchall(), columns=AUDIT_COLUMNS)
                revisions = pd.DataFrame(con.execute(f"SELECT {', '.join(REVISION_COLUMNS)} FROM qy_revisions "
                                                     "ORDER BY compound_id").fetchall(), columns=REVISION_COLUMNS)
            finally:
                con.execute("COMMIT")
        return History(tuple(self.versions()), audit, revisions, tuple(self.users()))

    def replace_with(self, history: History, data: Callable[[int], Dataset]) -> None:
        """Replace the file with a copy of another store: built in a temporary file, then renamed over it.

        Version 1 is written whole, every later one as its difference to the one before.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            scratch = GpkgStore(self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp.gpkg"))
            try:
                for v in history.versions:
                    dataset = data(v.version)
                    if v.version == 1:
                        scratch._write(dataset, _first_version(v, len(dataset.compounds)))
                    else:
                        scratch._commit_locked(dataset, user=v.user, kind=v.kind, note=v.note, at=v.created_at)
                with _edit_connection(scratch.path) as con:
                    con.execute("BEGIN IMMEDIATE")
                    _copy_history(con, history)
                    con.execute("COMMIT")
                _fsync(scratch.path)
                os.replace(scratch.path, self.path)
                _fsync(self.path.parent)
            finally:
                for path in scratch.path.parent.glob(f"{scratch.path.name}*"):
                    path.unlink(missing_ok=True)

    # --- plumbing ---------------------------------------------------------------------------------
    def _recover(self) -> None:
        """Roll back an edit whose process died mid-transaction (its hot journal is left).

        Read-only readers (GDAL, ``_query``) cannot roll back; one read-write open does.
        """
        if self.path.with_name(self.path.name + "-journal").exists():
            with self._locked():
                self._recover_locked()

    def _recover_locked(self) -> None:
        if self.path.with_name(self.path.name + "-journal").exists():
            con = sqlite3.connect(self.path)
            try:
                con.execute("SELECT COUNT(*) FROM sqlite_master").fetchall()
            finally:
                con.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection (autocommit; history tables readable on a store without them)."""
        if not self.path.exists():
            raise _missing(self.path)
        self._recover()
        try:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc
        try:
            _ensure_aux_readable(con)
            yield con
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from exc
        finally:
            con.close()

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._reading() as con:
            return con.execute(sql, args).fetchall()

    @contextmanager
    def _locked(self, *, shared: bool = False) -> Iterator[None]:
        """The lock on ``<store>.lock``: exclusive for writers, shared for small consistent reads (released if the process dies).

        A write the system refuses under the exclusive lock (disk full, read-only file, I/O error) is a
        bilingual StoreError; the transaction or temporary file it was writing is discarded.
        """
        if shared:
            with self._lock_file(shared=True):
                yield
            return
        try:
            with self._lock_file():
                yield
        except (sqlite3.Error, OSError, DataSourceError, DataLayerError) as exc:
            raise write_error(exc) from exc

    @contextmanager
    def _lock_file(self, *, shared: bool = False) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as handle:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(bilingual("store.busy")) from None
                    time.sleep(0.005 if shared else 0.05)
            try:
                if not shared:
                    self._remove_stale_temporaries()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _remove_stale_temporaries(self) -> None:
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp.gpkg*"):
            stale.unlink(missing_ok=True)

    def _write(self, dataset: Dataset, history: Callable[[sqlite3.Connection], None]) -> None:
        """Write every layer, meta and history to a temporary file, then rename it over the store."""
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp.gpkg")
        try:
            for name, kind in LAYERS.items():
                _write_layer(tmp, name, kind, getattr(dataset, name))
            con = sqlite3.connect(tmp)
            try:
                con.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                con.executemany(f"INSERT INTO {META_TABLE} VALUES (?, ?)", sorted(dataset.meta.items()))
                for table, columns in AUX_TABLES.items():
                    con.execute(f"CREATE TABLE {table} ({columns})")
                con.commit()
                history(con)
                con.commit()
            finally:
                con.close()
            _fsync(tmp)
            os.replace(tmp, self.path)
            _fsync(self.path.parent)
        finally:
            tmp.unlink(missing_ok=True)


def _write_layer(path: Path, name: str, kind: str, frame: pd.DataFrame) -> None:
    frame = format_dates(frame)
    if kind == "table":
        pyogrio.write_dataframe(pd.DataFrame(frame), path, layer=name, driver="GPKG")
        return
    gdf = gpd.GeoDataFrame(frame, geometry=frame.geometry.name, crs=frame.crs).to_crs(STORAGE_CRS)
    pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG", promote_to_multi=kind == "polygon")


def _first_version(v: Version, compounds: int) -> Callable[[sqlite3.Connection], None]:
    """Write ``v`` as the first version of a freshly built file (its stamp, user, kind and note kept)."""
    def history(con: sqlite3.Connection) -> None:
        con.execute("INSERT INTO qy_versions (version, created_at, user, kind, note, compounds) VALUES (1, ?, ?, ?, ?, ?)",
                    (v.created_at, v.user, v.kind, v.note, compounds))
    return history


def _copy_history(con: sqlite3.Connection, history: History) -> None:
    """Write another store's version details, audit, revisions and users into a freshly built file."""
    for v in history.versions:
        con.execute("UPDATE qy_versions SET edits = ?, superseded_at = ?, compounds = ? WHERE version = ?",
                    (0 if v.current else v.edits, v.superseded_at, v.compounds, v.version))
    con.executemany(f"INSERT INTO qy_audit ({', '.join(AUDIT_COLUMNS)}) VALUES ({', '.join('?' * len(AUDIT_COLUMNS))})",
                    [tuple(_sql_value(x) for x in row) for row in history.audit[AUDIT_COLUMNS].itertuples(index=False)])
    con.executemany(f"INSERT INTO qy_revisions ({', '.join(REVISION_COLUMNS)}) VALUES (?, ?, ?, ?)",
                    [tuple(_sql_value(x) for x in row)
                     for row in history.revisions[REVISION_COLUMNS].itertuples(index=False)])
    con.executemany("INSERT INTO qy_users VALUES (?, ?, ?, ?, ?, ?)",
                    [(u.name, u.role, json.dumps(list(u.subdistricts), ensure_ascii=False), u.password_hash,
                      u.created_at, int(u.active)) for u in history.users])


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _init_history(con: sqlite3.Connection, dataset: Dataset, user: str, note: str, kind: str = "init") -> None:
    con.execute("INSERT INTO qy_versions (version, created_at, user, kind, note, compounds) VALUES (1, ?, ?, ?, ?, ?)",
                (now_text(), user, kind, note, len(dataset.compounds)))


def _ensure_aux_readable(con: sqlite3.Connection) -> None:
    """A store written before versions existed reads as one version with empty history."""
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in AUX_TABLES if t not in present]
    for table in missing:
        con.execute(f"CREATE TEMP TABLE {table} ({AUX_TABLES[table]})")
    if "qy_versions" in missing:
        con.execute("INSERT INTO temp.qy_versions (version, created_at, user, kind) VALUES (1, '', 'system', 'init')")


def _copy_aux(con: sqlite3.Connection, old: Path) -> None:
    con.execute("ATTACH DATABASE ? AS old", (str(old),))
    present = {r[0] for r in con.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")}
    for table in AUX_TABLES:
        if table in present:
            common = [c for c, _ in _columns(con, table, "old") if c in {n for n, _ in _columns(con, table)}]
            cols = ", ".join(_q(c) for c in common)
            con.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM old.{table}")
    if "qy_versions" not in present:
        con.execute("INSERT INTO qy_versions (version, created_at, user, kind) VALUES (1, '', 'system', 'init')")
    con.commit()
    con.execute("DETACH DATABASE old")


# --- versions as changed rows (qy_history_<layer>) -------------------------------------------------------
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: sqlite3.Connection, table: str, schema: str = "main") -> list[tuple[str, str]]:
    """(name, declared type) of a table's columns, without the fid."""
    return [(r[1], r[2]) for r in con.execute(f"PRAGMA {schema}.table_info({_q(table)})") if r[1] != "fid"]


def _same_columns(store: Path, incoming: Path) -> bool:
    """True when every layer of ``incoming`` has the store's columns, types and geometry type."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        con.execute("ATTACH DATABASE ? AS incoming", (f"file:{incoming}?mode=ro",))
        geometry = "SELECT table_name, geometry_type_name FROM {}.gpkg_geometry_columns ORDER BY 1"
        if con.execute(geometry.format("main")).fetchall() != con.execute(geometry.format("incoming")).fetchall():
            return False
        return all(_columns(con, name) == _columns(con, name, "incoming") for name in LAYERS)
    finally:
        con.close()


def _history_table(con: sqlite3.Connection, layer: str) -> str:
    """The layer's history table (made on first use with the layer's columns)."""
    table = f"qy_history_{layer}"
    cols = "".join(f", {_q(c)} {t}" for c, t in _columns(con, layer))
    con.execute(f"CREATE TABLE IF NOT EXISTS {_q(table)} (_fid INTEGER NOT NULL, _to INTEGER NOT NULL, "
                f"_absent INTEGER NOT NULL DEFAULT 0{cols}, PRIMARY KEY (_fid, _to))")
    return table


def _has_table(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None


def _stage_file(con: sqlite3.Connection, layer: str) -> None:
    """``temp._stage`` = the layer of the attached ``incoming`` file, its i-th row at the i-th current row's fid.

    Rows beyond the current ones get new fids. So an import that keeps the order of the
    rows it read (and appends new ones) rewrites only the rows whose content changed.
    """
    cols = ", ".join(_q(c) for c, _ in _columns(con, layer, "incoming"))
    base = max(
        con.execute(f"SELECT COALESCE(MAX(fid), 0) FROM main.{_q(layer)}").fetchone()[0],
        (con.execute("SELECT seq FROM main.sqlite_sequence WHERE name = ?", (layer,)).fetchone() or (0,))[0],
        con.execute(f"SELECT COALESCE(MAX(_fid), 0) FROM {_q(f'qy_history_{layer}')}").fetchone()[0]
        if _has_table(con, f"qy_history_{layer}") else 0)
    live = con.execute(f"SELECT COUNT(*) FROM main.{_q(layer)}").fetchone()[0]
    _new_stage(con, layer)
    con.execute(f"INSERT INTO temp._stage (fid, {cols}) SELECT COALESCE(l.fid, {int(base)} + i._pos - {int(live)}) AS fid, {cols} "
                f"FROM (SELECT *, row_number() OVER (ORDER BY fid) AS _pos FROM incoming.{_q(layer)}) i "
                f"LEFT JOIN (SELECT fid, row_number() OVER (ORDER BY fid) AS _pos FROM main.{_q(layer)}) l "
                "ON l._pos = i._pos")


def _stage_history(con: sqlite3.Connection, layer: str, version: int, current: int) -> None:
    """``temp._stage`` = the layer's rows at the end of ``version``, at their own fids."""
    cols = ", ".join(_q(c) for c, _ in _columns(con, layer))
    table = f"qy_history_{layer}"
    _new_stage(con, layer)
    if version == current or not _has_table(con, table):
        con.execute(f"INSERT INTO temp._stage (fid, {cols}) SELECT fid, {cols} FROM main.{_q(layer)}")
        return
    con.execute(f"INSERT INTO temp._stage (fid, {cols}) SELECT h._fid AS fid, {', '.join(f'h.{_q(c)}' for c, _ in _columns(con, layer))} "
                f"FROM {_q(table)} h WHERE h._absent = 0 AND h._to = "
                f"(SELECT MIN(_to) FROM {_q(table)} WHERE _fid = h._fid AND _to > :v) "
                f"UNION ALL SELECT fid, {cols} FROM main.{_q(layer)} "
                f"WHERE fid NOT IN (SELECT _fid FROM {_q(table)} WHERE _to > :v)", {"v": version})


def _new_stage(con: sqlite3.Connection, layer: str) -> None:
    """An empty ``temp._stage`` with the layer's columns, keyed by fid."""
    con.execute("DROP TABLE IF EXISTS temp._stage")
    cols = "".join(f", {_q(c)} {t}" for c, t in _columns(con, layer))
    con.execute(f"CREATE TEMP TABLE _stage (fid INTEGER PRIMARY KEY{cols})")


def _apply_stage(con: sqlite3.Connection, layer: str, version: int | None) -> None:
    """Make the layer equal ``temp._stage``, keeping what it replaces as history of ``version`` (None: keep none).

    Rows are compared by fid and content; unchanged rows are not written.
    """
    names = [_q(c) for c, _ in _columns(con, layer)]
    live = f"main.{_q(layer)}"
    differs = " OR ".join(f"{_q(layer)}.{c} IS NOT s.{c}" for c in names)
    if version is not None:
        table = _q(_history_table(con, layer))
        con.execute(f"INSERT INTO {table} (_fid, _to, _absent, {', '.join(names)}) SELECT {_q(layer)}.fid, ?, 0, "
                    f"{', '.join(f'{_q(layer)}.{c}' for c in names)} FROM {live} LEFT JOIN temp._stage s "
                    f"ON s.fid = {_q(layer)}.fid WHERE s.fid IS NULL OR {differs}", (version,))
        con.execute(f"INSERT INTO {table} (_fid, _to, _absent) SELECT fid, ?, 1 FROM temp._stage "
                    f"WHERE fid NOT IN (SELECT fid FROM {live})", (version,))
    con.execute(f"DELETE FROM {live} WHERE fid NOT IN (SELECT fid FROM temp._stage)")
    con.execute(f"UPDATE {live} SET {', '.join(f'{c} = s.{c}' for c in names)} FROM temp._stage s "
                f"WHERE s.fid = {_q(layer)}.fid AND ({differs})")
    con.execute(f"INSERT INTO {live} (fid, {', '.join(names)}) SELECT fid, {', '.join(names)} FROM temp._stage "
                f"WHERE fid NOT IN (SELECT fid FROM {live})")


def _close_version(con: sqlite3.Connection) -> int:
    """Mark the current version superseded (its edits counted, its meta kept); return its number."""
    old = con.execute("SELECT MAX(version) FROM qy_versions").fetchone()[0]
    con.execute("UPDATE qy_versions SET superseded_at = ?, edits = (SELECT COUNT(*) FROM qy_audit WHERE version = ?), "
                f"meta = COALESCE(meta, (SELECT json_group_object(key, value) FROM {META_TABLE})) WHERE version = ?",
                (now_text(), old, old))
    return int(old)


def _add_version(con: sqlite3.Connection, version: int, at: str, user: str, kind: str, note: str, compounds: int,
                 meta: dict[str, str]) -> None:
    con.execute(f"DELETE FROM {META_TABLE}")
    con.executemany(f"INSERT INTO {META_TABLE} VALUES (?, ?)", sorted(meta.items()))
    con.execute("INSERT INTO qy_versions (version, created_at, user, kind, note, compounds, meta) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (version, at, user, kind, note, compounds,
                                                 json.dumps(meta, ensure_ascii=False)))


def _version_meta(con: sqlite3.Connection, version: int) -> dict[str, str]:
    row = con.execute("SELECT meta FROM qy_versions WHERE version = ?", (version,)).fetchone()
    if row and row[0]:
        return json.loads(row[0])
    return dict(con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())


# --- snapshots of a whole data set (zip of Parquet files) ---------------------------------------------
def snapshot_bytes(dataset: Dataset) -> bytes:
    """Every layer and the meta of ``dataset`` as one zip of (Geo)Parquet files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in LAYERS:
            part = io.BytesIO()
            frame = getattr(dataset, name)
            frame.to_parquet(part, compression="zstd", index=False)
            archive.writestr(f"{name}.parquet", part.getvalue())
        archive.writestr("meta.json", json.dumps(dataset.meta, ensure_ascii=False))
    return buffer.getvalue()


def dataset_from_snapshot(blob: bytes) -> Dataset:
    """The data set stored by :func:`snapshot_bytes`."""
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        stored = set(archive.namelist())
        layers = {}
        for name, kind in LAYERS.items():
            if f"{name}.parquet" not in stored:  # a snapshot older than the layer: Dataset.from_layers
                continue
            data = io.BytesIO(archive.read(f"{name}.parquet"))
            layers[name] = pd.read_parquet(data) if kind == "table" else gpd.read_parquet(data)
        meta = json.loads(archive.read("meta.json"))
    return Dataset.from_layers(layers, meta)


# --- progress edits in SQL ---------------------------------------------------------------------------
def _gpkg_geometry(blob: bytes | None) -> shapely.Geometry | None:
    """Shapely geometry of a GeoPackage geometry blob (header + WKB)."""
    if blob is None or len(blob) < 8:
        return None
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0x07, 0)
    return shapely.from_wkb(bytes(blob[8 + envelope:]))


def _register_gpkg_functions(con: sqlite3.Connection) -> None:
    """The ST_* functions GDAL's R-tree triggers call (plain sqlite3 lacks them)."""
    def bound(i: int):
        def fn(blob):
            g = _gpkg_geometry(blob)
            return None if g is None or g.is_empty else g.bounds[i]
        return fn
    con.create_function("ST_IsEmpty", 1, lambda b: 1 if (g := _gpkg_geometry(b)) is None or g.is_empty else 0)
    for name, i in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        con.create_function(name, 1, bound(i))


@contextmanager
def _edit_connection(path: Path) -> Iterator[sqlite3.Connection]:
    if not path.exists():
        raise _missing(path)
    con = sqlite3.connect(path, isolation_level=None, timeout=LOCK_TIMEOUT_S)  # explicit BEGIN/COMMIT
    _register_gpkg_functions(con)
    try:
        present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table, columns in AUX_TABLES.items():
            if table not in present:
                con.execute(f"CREATE TABLE {table} ({columns})")
        if "qy_versions" not in present:
            con.execute("INSERT INTO qy_versions (version, created_at, user, kind) VALUES (1, ?, 'system', 'init')",
                        (now_text(),))
        if "meta" not in {c for c, _ in _columns(con, "qy_versions")}:  # a store made before versions kept their meta
            con.execute("ALTER TABLE qy_versions ADD COLUMN meta TEXT")
        yield con
    finally:
        con.close()


def _etag(con: sqlite3.Connection, compound_id: str) -> str:
    version = con.execute("SELECT MAX(version) FROM qy_versions").fetchone()[0] or 0
    row = con.execute("SELECT revision FROM qy_revisions WHERE compound_id = ?", (compound_id,)).fetchone()
    return f"v{version}.r{row[0] if row else 0}"


def _last_change(con: sqlite3.Connection, compound_id: str) -> dict[str, str]:
    row = con.execute("SELECT at, user FROM qy_revisions WHERE compound_id = ?", (compound_id,)).fetchone()
    if row:
        return {"at": row[0], "user": row[1]}
    row = con.execute("SELECT created_at, user FROM qy_versions ORDER BY version DESC LIMIT 1").fetchone()
    return {"at": row[0], "user": row[1]} if row else {"at": "", "user": ""}


def _apply_change(con: sqlite3.Connection, change: Change, version: int) -> None:
    """UPDATE the field of the keyed rows (keeping what they were before this version), or INSERT the row."""
    keys = EDIT_KEYS[change.layer]
    where = " AND ".join(f'"{k}" = ?' for k in keys)
    value = _sql_value(change.after)
    key = tuple(_sql_value(k) for k in change.key)
    table = _q(_history_table(con, change.layer))
    names = ", ".join(_q(c) for c, _ in _columns(con, change.layer))
    con.execute(f'INSERT OR IGNORE INTO {table} (_fid, _to, _absent, {names}) SELECT fid, ?, 0, {names} '
                f'FROM "{change.layer}" WHERE {where}', (version, *key))
    done = con.execute(f'UPDATE "{change.layer}" SET "{change.field}" = ? WHERE {where}',
                       (value, *key)).rowcount
    if done == 0:
        names = ", ".join(f'"{c}"' for c in (*keys, change.field) if c)
        marks = ", ".join("?" for _ in (*keys, change.field))
        cursor = con.execute(f'INSERT INTO "{change.layer}" ({names}) VALUES ({marks})', (*key, value))
        con.execute(f"INSERT INTO {table} (_fid, _to, _absent) VALUES (?, ?, 1)", (cursor.lastrowid, version))


def _put_user(con: sqlite3.Connection, row: tuple[Any, ...]) -> None:
    con.execute("INSERT INTO qy_users VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                "role = excluded.role, subdistricts = excluded.subdistricts, "
                "password_hash = excluded.password_hash, active = excluded.active", row)


def _lacks_layout(con: sqlite3.Connection) -> bool:
    """True when the file lacks a layer of ``LAYERS`` or a column a layer declares (``LAYER_FIELDS``)."""
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if any(name not in present for name in LAYERS):
        return True
    for name, specs in LAYER_FIELDS.items():
        columns = {r[1] for r in con.execute(f'PRAGMA table_info("{name}")')}
        if any(f.name not in columns for f in specs if f.dtype != "point"):
            return True
    return False


def _compound_rows(con: sqlite3.Connection, layer: str, compound_id: str) -> pd.DataFrame:
    """The attribute columns of ``layer``'s rows of one compound (no geometry, no fid), dates parsed.

    A layer the file predates reads as its empty layer; declared columns it lacks are added empty.
    """
    if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (layer,)).fetchone():
        return pd.DataFrame(empty_layer(layer))
    geometry = {r[0] for r in con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                                          (layer,))}
    columns = [r[1] for r in con.execute(f'PRAGMA table_info("{layer}")') if r[1] not in geometry and r[1] != "fid"]
    names = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f'SELECT {names} FROM "{layer}" WHERE compound_id = ?', (compound_id,)).fetchall()
    frame = parse_dates(pd.DataFrame(rows, columns=columns))
    return conform_layer(layer, frame) if layer in LAYER_FIELDS else frame


def _sql_value(value: Any) -> Any:
    """A value as the file stores it: dates as 'YYYY-MM-DD', date-times with a time of day as
    'YYYY-MM-DD HH:MM:SS', booleans as 0/1, NaN as NULL."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)) and pd.Timestamp(value) != pd.Timestamp(value).normalize():
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return int(value)
    return value


def open_gpkg(path: str | os.PathLike[str]) -> GpkgStore:
    """The GeoPackage store at ``path``; the default working store is first made as a copy of the sample.

    So edits and imports never modify the committed sample file.
    """
    target = Path(path)
    if target.absolute() == WORK_STORE.absolute() and not target.exists():
        _copy_sample(target)
    return GpkgStore(target)


def _copy_sample(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".gpkg", dir=target.parent)
    os.close(fd)
    shutil.copyfile(SAMPLE_GPKG, tmp)
    os.replace(tmp, target)  # atomic: a concurrent first start sees a whole file or none
