"""Scratch stores for tests that write: a copy of the sample with an admin and an editor, on either backend.

``QY_TEST_BACKEND`` (``gpkg``, the default, or ``postgis``) picks the backend of the
scratch stores and of the session's store (tests/conftest.py). PostGIS stores live in a
database made for this test session (``qy_test_<pid>_<random>`` on the server at
``QY_TEST_PG``, default the project's server ``scripts/postgis.sh`` starts), one schema
per store; the database is dropped when the session ends. Without a server the PostGIS
tests are skipped, except with ``CI=true``, where that is a failure.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import uuid
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from geo import writes
from geo.audit import ProgressRecord, record_from_rows
from geo.auth import User
from geo.dataset import Dataset
from geo.settings import SAMPLE_GPKG, SAMPLE_STORE_URL
from geo.store import CompoundRows, Store, open_store
from geo.store.postgis import close_pools
from tests.browser_support import skip_or_fail

ADMIN = ("admin", "admin-pass-1")
EDITOR = ("li", "editor-pass-1", "金沙")
ADMIN_USER, EDITOR_USER = User(ADMIN[0], "admin"), User(EDITOR[0], "editor", (EDITOR[2],))
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
    """SHA-256 of every row of every table in a PostGIS store's schema (layers, history, versions, audit, users)."""
    parts = []
    with store.connection() as con:  # type: ignore[attr-defined]
        tables = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1",
                                            (store.schema,)).fetchall()]  # type: ignore[attr-defined]
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
    admin = writes.create_first_admin(store, *ADMIN)
    writes.add_user(store, admin, EDITOR[0], EDITOR[1], "editor", [EDITOR[2]])
    return store


def store_digest(store: Store) -> str:
    """SHA-256 of everything a scratch store holds (its file, or every row of its schema): a refusal changed nothing."""
    if store.url.startswith("gpkg:"):
        return hashlib.sha256(Path(store.url.removeprefix("gpkg:")).read_bytes()).hexdigest()
    return pg_digest(store)


def record_in_dataset(ds: Dataset, compound_id: str) -> ProgressRecord:
    """The editable record of one compound as a loaded data set holds it (EditError if there is none):
    the reference the store's own rows (``Store.compound``) are compared with."""
    layers = {name: getattr(ds, name).drop(columns="geometry", errors="ignore") for name in ("compounds", "works",
                                                                                            "elevators", "funding")}
    return record_from_rows(CompoundRows(compound_id, "", {k: v[v["compound_id"] == compound_id] for k, v in layers.items()}))
