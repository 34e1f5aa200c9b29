"""Scratch stores for tests that write: a copy of the sample with an admin and an editor, on either backend.

``QY_TEST_BACKEND`` (``gpkg``, the default, or ``postgis``) picks the backend of the
scratch stores and of the session's store (tests/conftest.py). PostGIS stores live in a
database made for this test session (``qy_test_<pid>_<random>`` on the server at
``QY_TEST_PG``, default the project's server ``scripts/postgis.sh`` starts), one schema
per store; the database is dropped when the session ends. Without a server the PostGIS
tests are skipped, except with ``CI=true``, where that is a failure.

``ADMIN_USER`` and ``EDITOR_USER`` are the scratch stores' admin and editor as a session
signed in to such a store holds them, credential stamp included: their password hashes
are made with a fixed salt, so the stamp (``geo.auth.credential_stamp``) is the same in
every scratch store. A test that changes one of them (password, role, subdistricts,
active) ends that "session": sign in again with ``signed_in``.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import re
import resource
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from argon2 import PasswordHasher
from psycopg import sql

from geo import auth
from geo.audit import ProgressRecord, record_from_rows
from geo.auth import User
from geo.dataset import Dataset
from geo.settings import SAMPLE_GPKG, SAMPLE_STORE_URL
from geo.store import CompoundRows, Store, UserRecord, open_store
from geo.store.base import EDIT_KEYS
from geo.store.postgis import close_pools
from tests.browser_support import skip_or_fail

ADMIN = ("admin", "tea-lantern-harbor-42")
EDITOR = ("li", "editor-pass-1", "金沙")
_SALT = b"qy-test-fixtures"  # 16 bytes; a fixed salt only for these test users


def _record(name: str, password: str, role: str, subdistricts: tuple[str, ...] = ()) -> UserRecord:
    return UserRecord(name, role, subdistricts, PasswordHasher().hash(password, salt=_SALT), "", True)


_FIXTURE_USERS = (_record(ADMIN[0], ADMIN[1], "admin"), _record(EDITOR[0], EDITOR[1], "editor", (EDITOR[2],)))
ADMIN_USER, EDITOR_USER = (auth.user_from_record(r) for r in _FIXTURE_USERS)
PG_SERVER = os.environ.get("QY_TEST_PG", "postgresql://postgres@127.0.0.1:54329/postgres")
_TEST_DB = re.compile(r"^qy_test_(\d+)_[0-9a-f]+$")


def backend() -> str:
    """The backend of scratch stores in this test run: ``gpkg`` or ``postgis`` (``QY_TEST_BACKEND``)."""
    return os.environ.get("QY_TEST_BACKEND", "gpkg").strip().lower() or "gpkg"


# --- PostGIS: one database per test session, one schema per store ----------------------------------
def pg_server_problem() -> str | None:
    """Why the test server cannot be used, or None when it can."""
    try:
        psycopg.connect(PG_SERVER, connect_timeout=3, autocommit=True).close()
    except psycopg.Error as exc:
        return f"no PostgreSQL server at {PG_SERVER} ({str(exc).strip().splitlines()[0]}): run bash scripts/postgis.sh start"
    return None


@cache
def pg_test_database() -> str:
    """URL of this session's test database (made on first use with the postgis extension; dropped at exit).

    Skips the calling test when there is no server (fails it when CI=true).
    """
    problem = pg_server_problem()
    if problem:
        skip_or_fail(problem)
    name = f"qy_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as con:
        _drop_stale(con)
        con.execute(f'CREATE DATABASE "{name}"')
    atexit.register(drop_test_database, name)
    url = urlunsplit(urlsplit(PG_SERVER)._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("SET client_min_messages = warning")
        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return url


def _drop_stale(con) -> None:
    """Drop test databases left by test sessions whose process is gone (a crash, a kill)."""
    for (name,) in con.execute("SELECT datname FROM pg_database WHERE datname LIKE 'qy\\_test\\_%'").fetchall():
        match = _TEST_DB.match(name)
        if match and not _alive(int(match.group(1))):
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_test_database(name: str) -> None:
    """Drop one test database, closing whatever is still connected to it."""
    close_pools()
    try:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error:
        pass


def pg_url(key: str | os.PathLike[str]) -> str:
    """URL of a (not yet existing) PostGIS store in the session's test database, its schema named after ``key``."""
    digest = hashlib.sha1(os.fspath(key).encode()).hexdigest()[:16]
    return f"{pg_test_database()}?schema=s_{digest}"


def pg_digest(store: Store) -> str:
    """SHA-256 of every row of every table in a PostGIS store's schema (layers, history, versions, audit, users),
    but the sign-in log: it is not part of the data (a GeoPackage store keeps it in a file of its own)."""
    parts = []
    with store.connection() as con:  # type: ignore[attr-defined]
        tables = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> "
                                            "'qy_sign_ins' ORDER BY 1", (store.schema,)).fetchall()]  # type: ignore[attr-defined]
        for table in tables:
            query = sql.SQL("SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t").format(
                sql.Identifier(store.schema, table))  # type: ignore[attr-defined]
            parts.append(f"{table}:{con.execute(query).fetchone()[0]}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@cache
def _sample_dataset() -> Dataset:
    return open_store(SAMPLE_STORE_URL).load().dataset


def sample_store_at(url: str) -> Store:
    """A store at ``url`` holding the sample as version 1 (like the committed file: no users)."""
    store = open_store(url)
    store.initialize(_sample_dataset())
    return store


# --- either backend -----------------------------------------------------------------------------------
def scratch_store_url(folder: Path) -> str:
    """URL of a new, empty store of this run's backend: ``folder``/store.gpkg, or a PostGIS schema."""
    if backend() == "postgis":
        return pg_url(Path(folder) / "store")
    return f"gpkg:{Path(folder) / 'store.gpkg'}"


def scratch_sample(folder: Path) -> Store:
    """A fresh store holding the sample, no users: ``folder``/store.gpkg (a byte copy), or a PostGIS schema."""
    if backend() == "postgis":
        return sample_store_at(pg_url(Path(folder) / "store"))
    path = Path(folder) / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return open_store(path)


def scratch_store_with_users(folder: Path) -> Store:
    """A scratch sample store (see :func:`scratch_sample`) with the test admin and 金沙 editor."""
    store = scratch_sample(folder)
    for record in _FIXTURE_USERS:
        store.put_user(record.name, role=record.role, password_hash=record.password_hash,
                       subdistricts=record.subdistricts)
    return store


def signed_in(store: Store, name: str) -> User:
    """``name`` as a session that signs in to ``store`` now holds them (no password check, no sign-in log)."""
    user = auth.user_by_name(store, name)
    assert user is not None, f"no active user {name}"
    return user


def store_digest(store: Store) -> str:
    """SHA-256 of everything a scratch store holds (its file, or every row of its schema): a refusal changed nothing."""
    if store.url.startswith("gpkg:"):
        return hashlib.sha256(Path(store.url.removeprefix("gpkg:")).read_bytes()).hexdigest()
    return pg_digest(store)


#: Bytes a process may write into any file while :func:`no_room_to_write` holds (a full disk).
ROOM = 4096


@contextmanager
def no_room_to_write() -> Iterator[None]:
    """While inside, this process cannot write past the first ``ROOM`` bytes of any file (EFBIG, as on a full disk).

    Python ignores SIGXFSZ, so a write past the limit fails with an error instead of killing
    the process. Print nothing inside: pytest's capture files obey the limit too.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def limit_file_size() -> None:
    """``preexec_fn`` for a child process that runs as on a full disk (see :func:`no_room_to_write`)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def record_in_dataset(ds: Dataset, compound_id: str) -> ProgressRecord:
    """The editable record of one compound as a loaded data set holds it (EditError if there is none):
    the reference the store's own rows (``Store.compound``) are compared with."""
    layers = {name: getattr(ds, name).drop(columns="geometry", errors="ignore") for name in EDIT_KEYS}
    return record_from_rows(CompoundRows(compound_id, "", {k: v[v["compound_id"] == compound_id] for k, v in layers.items()}))
