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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from geo.dataset import LAYERS, Dataset, format_dates, parse_dates
from geo.settings import SAMPLE_GPKG, STORAGE_CRS, WORK_STORE
from geo.store.base import (
    AUDIT_COLUMNS,
    EDIT_KEYS,
    Change,
    CompoundRows,
    EditConflict,
    Loaded,
    Store,
    StoreBusy,
    StoreChanged,
    StoreError,
    UserRecord,
    Version,
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
                   "superseded_at TEXT, snapshot BLOB",
    "qy_audit": "id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL, version INTEGER NOT NULL, "
                "compound_id TEXT NOT NULL, layer TEXT NOT NULL, record TEXT NOT NULL, field TEXT NOT NULL, "
                "before TEXT, after TEXT",
    "qy_revisions": "compound_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, at TEXT NOT NULL, user TEXT NOT NULL",
    "qy_users": "name TEXT PRIMARY KEY, role TEXT NOT NULL, subdistricts TEXT NOT NULL DEFAULT '[]', "
                "password_hash TEXT NOT NULL, created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1",
}


def _missing(path: Path) -> StoreError:
    return StoreError(f"{bilingual('store.missing', store=path)} (QY_STORE; python -m geo build-sample)")


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
            missing = [name for name in LAYERS if name not in present]
            if missing:
                raise StoreError(f"{self.path}: {bilingual('store.missing_layers', layers=', '.join(missing))}")
            layers = {name: self._read(name, kind) for name, kind in LAYERS.items()}
        except (DataSourceError, DataLayerError, OSError) as exc:  # OSError: from the Arrow stream
            raise StoreError(f"{self.path}: {exc}") from exc
        return Dataset(**layers, meta=self._read_meta())

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
        rows = self._query("SELECT version, created_at, user, kind, note, compounds, edits, snapshot IS NULL "
                           "FROM qy_versions ORDER BY version")
        counts = dict(self._query("SELECT version, COUNT(*) FROM qy_audit GROUP BY version"))
        out = []
        for v, at, user, kind, note, n, edits, live in rows:
            out.append(Version(v, at, user, kind, note, n, counts.get(v, edits) if live else edits, bool(live)))
        return out

    def load_version(self, version: int) -> Dataset:
        """The data of one version (the live layers for the current one)."""
        rows = self._query("SELECT snapshot FROM qy_versions WHERE version = ?", (int(version),))
        if not rows:
            valid = ", ".join(str(v.version) for v in self.versions())
            raise StoreError(bilingual("store.unknown_version", version=version, valid=valid))
        return self.load().dataset if rows[0][0] is None else dataset_from_snapshot(rows[0][0])

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
        with self._reading() as con:
            return _etag(con, compound_id)

    def compound(self, compound_id: str) -> CompoundRows:
        """One compound's rows of the edit layers and its tag, in one read transaction."""
        with self._reading() as con:
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

        The data being replaced (its last import or restore plus the edits since) is kept
        as a snapshot of the previous version. Users, audit and revisions are carried over.
        """
        with self._locked():
            if expected is not None and self.path.exists() and self.fingerprint() != expected:
                raise StoreChanged(bilingual("store.changed"))
            if not self.path.exists():
                self._write(dataset, lambda con: _init_history(con, dataset, user, note, kind))
                return 1
            self._recover_locked()
            current = self._read_dataset()
            old = self._current_version()
            blob = snapshot_bytes(current)

            def history(con: sqlite3.Connection) -> None:
                _copy_aux(con, self.path)
                con.execute("UPDATE qy_versions SET snapshot = ?, superseded_at = ?, edits = "
                            "(SELECT COUNT(*) FROM qy_audit WHERE version = ?) WHERE version = ?",
                            (blob, now_text(), old, old))
                con.execute("INSERT INTO qy_versions (version, created_at, user, kind, note, compounds) "
                            "VALUES (?, ?, ?, ?, ?, ?)", (old + 1, now_text(), user, kind, note, len(dataset.compounds)))

            self._write(dataset, history)
            return old + 1

    def _current_version(self) -> int:
        rows = self._query("SELECT MAX(version) FROM qy_versions")
        return int(rows[0][0] or 0)

    def apply_changes(self, compound_id: str, changes: Sequence[Change], *, user: str, etag: str) -> str:
        """Write progress ``changes`` of one compound in one transaction (EditConflict if ``etag`` is stale)."""
        with self._locked(), _edit_connection(self.path) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                current = _etag(con, compound_id)
                if current != etag:
                    raise EditConflict(compound_id, _last_change(con, compound_id))
                version = con.execute("SELECT MAX(version) FROM qy_versions").fetchone()[0]
                stamp = now_text()
                for change in changes:
                    _apply_change(con, change)
                    con.execute("INSERT INTO qy_audit (at, user, version, compound_id, layer, record, field, before, after)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                (stamp, user, version, compound_id, change.layer, "|".join(map(str, change.key)),
                                 change.field, _text(change.before), _text(change.after)))
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
    def _locked(self) -> Iterator[None]:
        """Exclusive write lock on ``<store>.lock`` (released if the process dies).

        A write the system refuses inside it (disk full, read-only file, I/O error) is a
        bilingual StoreError; the transaction or temporary file it was writing is discarded.
        """
        try:
            with self._lock_file():
                yield
        except (sqlite3.Error, OSError, DataSourceError, DataLayerError) as exc:
            raise write_error(exc) from exc

    @contextmanager
    def _lock_file(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as handle:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(bilingual("store.busy")) from None
                    time.sleep(0.05)
            try:
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
            con.execute(f"INSERT INTO main.{table} SELECT * FROM old.{table}")
    if "qy_versions" not in present:
        con.execute("INSERT INTO qy_versions (version, created_at, user, kind) VALUES (1, '', 'system', 'init')")
    con.commit()
    con.execute("DETACH DATABASE old")


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
        layers = {}
        for name, kind in LAYERS.items():
            data = io.BytesIO(archive.read(f"{name}.parquet"))
            layers[name] = pd.read_parquet(data) if kind == "table" else gpd.read_parquet(data)
        meta = json.loads(archive.read("meta.json"))
    return Dataset(**layers, meta=meta)


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


def _apply_change(con: sqlite3.Connection, change: Change) -> None:
    """UPDATE the field of the keyed row, or INSERT the row when it does not exist yet."""
    keys = EDIT_KEYS[change.layer]
    where = " AND ".join(f'"{k}" = ?' for k in keys)
    value = _sql_value(change.after)
    done = con.execute(f'UPDATE "{change.layer}" SET "{change.field}" = ? WHERE {where}',
                       (value, *change.key)).rowcount
    if done == 0:
        names = ", ".join(f'"{c}"' for c in (*keys, change.field) if c)
        marks = ", ".join("?" for _ in (*keys, change.field))
        con.execute(f'INSERT INTO "{change.layer}" ({names}) VALUES ({marks})', (*change.key, value))


def _put_user(con: sqlite3.Connection, row: tuple[Any, ...]) -> None:
    con.execute("INSERT INTO qy_users VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                "role = excluded.role, subdistricts = excluded.subdistricts, "
                "password_hash = excluded.password_hash, active = excluded.active", row)


def _compound_rows(con: sqlite3.Connection, layer: str, compound_id: str) -> pd.DataFrame:
    """The attribute columns of ``layer``'s rows of one compound (no geometry, no fid), dates parsed."""
    geometry = {r[0] for r in con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                                          (layer,))}
    columns = [r[1] for r in con.execute(f'PRAGMA table_info("{layer}")') if r[1] not in geometry and r[1] != "fid"]
    names = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f'SELECT {names} FROM "{layer}" WHERE compound_id = ?', (compound_id,)).fetchall()
    return parse_dates(pd.DataFrame(rows, columns=columns))


def _sql_value(value: Any) -> Any:
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return int(value)
    return value


def _text(value: Any) -> str | None:
    value = _sql_value(value)
    return None if value is None else str(value)


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
