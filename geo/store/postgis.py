"""The server backend: a PostgreSQL + PostGIS database, one schema per store (see data/README.md).

:class:`PostgisStore` implements :class:`geo.store.base.Store`; callers get it from
``geo.store.open_store("postgresql://USER@HOST:PORT/DATABASE?schema=NAME")`` (schema
default ``qy``; any other libpq parameter passes through; a password is better given by
``PGPASSWORD`` or ``~/.pgpass`` than in the URL).

Tables of the store's schema:

- one table per layer of ``geo.dataset.LAYERS`` and ``meta``, holding the current rows:
  the frame's columns (``geometry`` as PostGIS ``geometry`` in EPSG:4326 with a GiST
  index; dates as ``date``) and ``_ord``, the row's place (rows load in ``_ord`` order).
  Plain SQL on these tables sees the current data;
- ``qy_history_<layer>``: the rows as they were before a version changed them, one row
  per (``_ord``, ``_to``): the row's content at the end of version ``_to - 1``
  (``_absent``: it did not exist then). Written only for rows a write changes, so an
  import costs what it changes, not what the store holds. The data of version N are, per
  ``_ord``, the entry with the smallest ``_to`` > N, else the current row;
- ``qy_versions`` (with the column list of every layer per version), ``qy_audit``,
  ``qy_revisions``, ``qy_users``, ``qy_serial`` (write counters, the fingerprint);
- ``qy_facts_<layer>`` and ``qy_facts_<layer>_sums``: the rows the roll-up's facts read, with
  their compound's keys, and their sums per group (``geo.store.postgis_facts``): derived from
  the layers, brought up to date by every write in its transaction;
- ``qy_sign_ins``: the sign-in log (:class:`PgSignInLog`, made on first use), outside
  the fingerprint: a sign-in never empties a cache.

Every write is one transaction (a killed client's transaction is rolled back by the
server). Imports, restores and copies hold the store's advisory lock exclusively;
progress edits hold it shared and lock their compound's revision row, so edits of
different compounds run in parallel and one compound's are serialised. Reads run in one
REPEATABLE READ snapshot, so the data and their fingerprint always belong together.
"""
from __future__ import annotations

import os
import re
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from geo import metrics
from geo.asof import AsOf, AsOfLike, sql_status
from geo.backoff import SignInPolicy, Tally
from geo.dataset import DATE_COLUMNS, LAYERS, Dataset, parse_dates
from geo.i18n import bilingual
from geo.programme import PROGRAMME_TABLES, Programme, programme_from_tables
from geo.settings import STORAGE_CRS
from geo.store import postgis_facts
from geo.store.base import (
    AUDIT_COLUMNS,
    EDIT_KEYS,
    REVISION_COLUMNS,
    SIGN_IN_OUTCOMES,
    Begun,
    Change,
    CompoundRows,
    EditConflict,
    History,
    Loaded,
    SignInAttempt,
    SignInLog,
    Store,
    StoreBusy,
    StoreChanged,
    StoreError,
    UserRecord,
    Version,
    audit_text,
    now_text,
    page_known_on,
    write_error,
)

DEFAULT_SCHEMA = "qy"
META = "meta"
#: Every table of the data: the layers, then the meta (key/value) as one more table.
TABLES: dict[str, str] = {**LAYERS, META: "table"}
SHARDS = 16  # write counters: edits of different compounds do not queue on one row
LOCK_TIMEOUT_S = 30
CONNECT_TIMEOUT_S = 5
POOL_MAX = 20
_LOCK_CLASS = 0x5159  # advisory lock namespace of this project ("QY")
_SIGN_IN_LOCK_CLASS = 0x5160  # the sign-in log's (apart from the store's: a sign-in never waits for an import)
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SPATIAL = "geometry(Geometry, 4326)"

_AUX_DDL = (
    "CREATE SEQUENCE {s}.qy_ord",
    'CREATE TABLE {s}.qy_versions (version integer PRIMARY KEY, created_at text NOT NULL, "user" text NOT NULL, '
    "kind text NOT NULL, note text NOT NULL DEFAULT '', compounds integer NOT NULL DEFAULT 0, "
    "edits integer NOT NULL DEFAULT 0, superseded_at text, layers jsonb NOT NULL)",
    'CREATE TABLE {s}.qy_audit (id bigserial PRIMARY KEY, at text NOT NULL, "user" text NOT NULL, '
    "version integer NOT NULL, compound_id text NOT NULL, layer text NOT NULL, record text NOT NULL, "
    "field text NOT NULL, before text, after text)",
    "CREATE INDEX ON {s}.qy_audit (compound_id)",
    "CREATE INDEX ON {s}.qy_audit (at)",
    "CREATE INDEX ON {s}.qy_audit (version)",
    'CREATE TABLE {s}.qy_revisions (compound_id text PRIMARY KEY, revision integer NOT NULL, at text NOT NULL, '
    '"user" text NOT NULL)',
    "CREATE TABLE {s}.qy_users (name text PRIMARY KEY, role text NOT NULL, subdistricts jsonb NOT NULL DEFAULT '[]', "
    "password_hash text NOT NULL, created_at text NOT NULL, active boolean NOT NULL DEFAULT true)",
    "CREATE TABLE {s}.qy_serial (shard smallint PRIMARY KEY, serial bigint NOT NULL DEFAULT 0)",
    f"INSERT INTO {{s}}.qy_serial (shard) SELECT generate_series(0, {SHARDS - 1})",
)


# --- URLs and connections -----------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """Where a store lives: the libpq URL of its database and the schema in it."""

    conninfo: str
    schema: str

    @property
    def label(self) -> str:
        """The URL without a password (messages)."""
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1@", f"{self.conninfo}#{self.schema}").replace("#", "?schema=", 1)


def target_from_url(url: str) -> Target:
    """Split a store URL into the database's libpq URL and the schema (``?schema=``, default ``qy``)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA)
    if not _SCHEMA_NAME.match(schema):
        raise StoreError(bilingual("store.bad_schema", schema=schema))
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return Target(urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), schema)


_POOLS: dict[tuple[int, str], ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def _pool(conninfo: str) -> ConnectionPool:
    """This process's connection pool for one database (made on first use; autocommit connections)."""
    key = (os.getpid(), conninfo)  # a forked child must not use its parent's sockets
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_S).close()  # an unreachable server: its error now
            pool = ConnectionPool(conninfo, min_size=1, max_size=POOL_MAX, open=False, timeout=LOCK_TIMEOUT_S,
                                  kwargs={"autocommit": True, "connect_timeout": 5, "application_name": "qy-store"})
            try:
                pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
            except PoolTimeout:
                pool.close()
                raise
            _POOLS[key] = pool
    return pool


def close_pools() -> None:
    """Close this process's connection pools (before dropping a database, at the end of a benchmark)."""
    with _POOLS_LOCK:
        pools = [p for (pid, _), p in _POOLS.items() if pid == os.getpid()]
        _POOLS.clear()
    for pool in pools:
        pool.close()


def _server_error(target: Target, exc: Exception) -> StoreError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(bilingual("store.server", store=target.label, error=detail))


# --- the store ------------------------------------------------------------------------------------
class PostgisStore(Store):
    """A data set kept in one schema of a PostgreSQL + PostGIS database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.target = target_from_url(url)
        self.schema = self.target.schema

    def __repr__(self) -> str:
        return f"PostgisStore({self.target.label!r})"

    # --- access for SQL callers -------------------------------------------------------------------
    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled psycopg connection to the store's database (autocommit; tables are ``<schema>.<layer>``)."""
        try:
            with _pool(self.target.conninfo).connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise self._unreachable(exc) from exc
        except psycopg.OperationalError as exc:
            raise _server_error(self.target, exc) from exc

    def query_frame(self, query: str | sql.SQL | sql.Composed, params: Sequence[Any] | dict[str, Any] | None = None
                    ) -> pd.DataFrame:
        """Rows of one read-only SQL query as a DataFrame (column names from the query)."""
        with self._tx(read_only=True) as cur:
            cur.execute(query, params)
            names = [d.name for d in cur.description or []]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def sqlalchemy_url(self) -> str:
        """The store's database as a SQLAlchemy URL (``postgresql+psycopg://``), e.g. for ``geopandas.read_postgis``."""
        return re.sub(r"^postgres(ql)?:", "postgresql+psycopg:", self.target.conninfo)

    def _unreachable(self, exc: Exception) -> StoreError:
        try:  # the pool only says it timed out: one direct attempt tells why
            psycopg.connect(self.target.conninfo, connect_timeout=3).close()
        except psycopg.Error as direct:
            return _server_error(self.target, direct)
        return StoreBusy(bilingual("store.busy"))

    @contextmanager
    def _tx(self, *, read_only: bool = False) -> Iterator[psycopg.Cursor]:
        """One transaction (REPEATABLE READ READ ONLY for reads); missing tables are StoreError 'not found'."""
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if read_only else "BEGIN"
        with self.connection() as conn:
            try:
                conn.execute(begin)
                conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
                with conn.cursor() as cur:
                    yield cur
                conn.execute("COMMIT")
            except BaseException as exc:
                if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    with suppress(psycopg.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName)):
                    raise StoreError(bilingual("store.missing", store=self.target.label)) from None
                if isinstance(exc, psycopg.errors.LockNotAvailable):
                    raise StoreBusy(bilingual("store.busy")) from exc
                if isinstance(exc, psycopg.errors.DiskFull):  # the server's disk: one clear message, no server path
                    raise write_error(exc) from exc
                if isinstance(exc, psycopg.OperationalError):
                    raise _server_error(self.target, exc) from exc
                raise

    def _id(self, table: str) -> sql.Identifier:
        return sql.Identifier(self.schema, table)

    def _lock(self, cur: psycopg.Cursor, *, shared: bool) -> None:
        """The store's advisory lock for this transaction: shared for edits, exclusive for whole-store writes."""
        fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        cur.execute(f"SELECT {fn}(%s, hashtext(%s))", (_LOCK_CLASS, self.schema))

    # --- reading ---------------------------------------------------------------------------------
    def _fingerprint(self, cur: psycopg.Cursor) -> str:
        cur.execute(sql.SQL("SELECT n.oid, (SELECT max(version) FROM {v}), (SELECT sum(serial) FROM {c}) "
                            "FROM pg_namespace n WHERE n.nspname = %s").format(
            v=self._id("qy_versions"), c=self._id("qy_serial")), (self.schema,))
        oid, version, serial = _one(cur)
        info = cur.connection.info
        return f"pg:{info.host}:{info.port}/{info.dbname}/{self.schema}:{oid}:v{version}:s{serial}"

    def fingerprint(self) -> str:
        """Changes with every committed write: the schema's identity, the version and the write counters."""
        with self._tx(read_only=True) as cur:
            return self._fingerprint(cur)

    def load(self) -> Loaded:
        """Every layer and the meta with the fingerprint, read in one snapshot."""
        with self._tx(read_only=True) as cur:
            fingerprint = self._fingerprint(cur)
            columns = self._columns_of(cur, None)
            tables = {name: self._read_table(cur, name, columns[name], None) for name in TABLES}
        return Loaded(_dataset(tables), fingerprint)

    def load_version(self, version: int) -> Dataset:
        """The data of one version: the current rows, with the history entries of later changes in their place."""
        with self._tx(read_only=True) as cur:
            current = self._current_version(cur)
            if not 1 <= int(version) <= current:
                raise StoreError(bilingual("store.unknown_version", version=version,
                                           valid=", ".join(str(v) for v in range(1, current + 1))))
            as_of = None if int(version) == current else int(version)
            columns = self._columns_of(cur, int(version))
            tables = {name: self._read_table(cur, name, columns[name], as_of) for name in TABLES}
        return _dataset(tables)

    def load_place(self, place: str) -> Loaded:
        """The rows of one place read by subdistrict in SQL, in one snapshot (see :meth:`Store.load_place`)."""
        with self._tx(read_only=True) as cur:
            fingerprint = self._fingerprint(cur)
            programme = self._programme(cur)[0]
            metrics.check_place(programme, place)
            columns = self._columns_of(cur, None)
            if place == programme.place:
                tables = {name: self._read_table(cur, name, columns[name], None) for name in TABLES}
            else:
                names = {"names": list(programme.subdistricts_under(place))}
                tables = {name: self._read_where(cur, name, columns[name], _place_where(name, columns[name], self._id("compounds")), names)
                          for name in TABLES}
                tables["district"] = metrics.outline_of(tables["district"], programme, place)
        return Loaded(_dataset(tables), fingerprint, place)

    def _read_where(self, cur: psycopg.Cursor, name: str, columns: list[tuple[str, str]], where: sql.Composable,
                    params: dict[str, Any]) -> pd.DataFrame:
        """The current rows of one table that ``where`` keeps, in ``_ord`` order."""
        select = sql.SQL(", ").join(_select_expr(c, t) for c, t in columns)
        cur.execute(sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY _ord").format(select, self._id(name), where), params)
        return _frame(cur.fetchall(), columns, TABLES[name])

    def load_programme(self) -> tuple[Programme, dict[str, str]]:
        """The programme and the meta, read alone (the compounds and the rest stay in the database)."""
        with self._tx(read_only=True) as cur:
            return self._programme(cur)

    def _programme(self, cur: psycopg.Cursor) -> tuple[Programme, dict[str, str]]:
        columns = self._columns_of(cur, None)
        tables = {name: self._read_table(cur, name, columns[name], None) for name in (*PROGRAMME_TABLES, META)}
        programme = programme_from_tables(*(tables[name] for name in PROGRAMME_TABLES))
        return programme, dict(zip(tables[META]["key"], tables[META]["value"]))

    def compound_count(self) -> int:
        """The compounds table's row count (see :meth:`Store.compound_count`)."""
        with self._tx(read_only=True) as cur:
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(self._id("compounds")))
            return int(_one(cur)[0])

    def compounds_in_box(self, box: tuple[float, float, float, float], *, limit: int | None = None,
                         subdistricts: Sequence[str] | None = None, statuses: Sequence[str] | None = None,
                         as_of: AsOfLike = None) -> pd.DataFrame:
        """The compounds in ``box`` through the GiST index, status by ``geo.asof.sql_status``
        (see :meth:`Store.compounds_in_box`)."""
        west, south, east, north = (float(v) for v in box)
        with self._tx(read_only=True) as cur:
            columns = self._columns_of(cur, None)["compounds"]
            select = sql.SQL(", ").join(_select_expr(c, t) for c, t in columns)
            where: sql.Composable = sql.SQL("geometry && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)"
                            " AND ST_Intersects(geometry, ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326))")
            params: dict[str, Any] = {"w": west, "s": south, "e": east, "n": north}
            if subdistricts is not None:
                where = sql.SQL("{} AND subdistrict = ANY(%(names)s)").format(where)
                params["names"] = list(subdistricts)
            if statuses is not None:
                where = sql.SQL("{} AND {} = ANY(%(statuses)s)").format(where, sql.SQL(sql_status(as_of)))
                params["statuses"] = list(statuses)
            tail = sql.SQL("") if limit is None else sql.SQL(" LIMIT {}").format(sql.Literal(int(limit)))
            cur.execute(sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY _ord{}").format(
                select, self._id("compounds"), where, tail), params)
            return _frame(cur.fetchall(), columns, TABLES["compounds"])

    def compounds_page(self, as_of: AsOfLike = None, *, subdistricts: Sequence[str] | None = None,
                       statuses: Sequence[str] | None = None, offset: int = 0,
                       limit: int = 100, count: bool = True) -> tuple[pd.DataFrame, int]:
        """The page cut and counted in SQL (status by ``geo.asof.sql_status``), in one snapshot
        (see :meth:`Store.compounds_page`)."""
        where, params = _scope_where(as_of, subdistricts, statuses)
        params.update(offset=max(int(offset), 0), limit=max(int(limit), 0))
        total = -1
        with self._tx(read_only=True) as cur:
            columns = self._columns_of(cur, None)["compounds"]
            if count:
                cur.execute(sql.SQL("SELECT count(*) FROM {}{}").format(self._id("compounds"), where), params)
                total = int(_one(cur)[0])
            cur.execute(sql.SQL("SELECT {} FROM {}{} ORDER BY _ord LIMIT %(limit)s OFFSET %(offset)s").format(
                sql.SQL(", ").join(_select_expr(c, t) for c, t in columns), self._id("compounds"), where), params)
            rows = _frame(cur.fetchall(), columns, TABLES["compounds"])
        return page_known_on(rows, as_of), total

    def count_compounds(self, as_of: AsOfLike = None, *, subdistricts: Sequence[str] | None = None,
                        statuses: Sequence[str] | None = None) -> int:
        """The scope's count alone, in SQL (see :meth:`Store.count_compounds`)."""
        where, params = _scope_where(as_of, subdistricts, statuses)
        with self._tx(read_only=True) as cur:
            cur.execute(sql.SQL("SELECT count(*) FROM {}{}").format(self._id("compounds"), where), params)
            return int(_one(cur)[0])

    # --- roll-up explorer: search (find_compounds) ---------------------------------------------------
    def find_compounds(self, text: str, *, subdistricts: Sequence[str] | None = None,
                       limit: int = 20) -> pd.DataFrame:
        """The search in SQL: ILIKE on the id (prefix) and the name (substring), the text passed as a
        parameter with its LIKE wildcards escaped (see :meth:`Store.find_compounds`)."""
        needle = str(text).strip()
        pattern = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params: dict[str, Any] = {"prefix": pattern + "%", "inside": "%" + pattern + "%",
                                  "limit": max(int(limit), 0) if needle else 0}
        where: sql.Composable = sql.SQL("(compound_id ILIKE %(prefix)s ESCAPE '\\' OR name ILIKE %(inside)s ESCAPE '\\')")
        if subdistricts is not None:
            where = sql.SQL("{} AND subdistrict = ANY(%(names)s)").format(where)
            params["names"] = list(subdistricts)
        with self._tx(read_only=True) as cur:
            columns = self._columns_of(cur, None)["compounds"]
            cur.execute(sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY _ord LIMIT %(limit)s").format(
                sql.SQL(", ").join(_select_expr(c, t) for c, t in columns), self._id("compounds"), where), params)
            return _frame(cur.fetchall(), columns, TABLES["compounds"])

    def facts(self, as_of: AsOfLike = None, *, place: str | None = None, area: str | None = None,
              subdistrict: str | None = None, by: metrics.By = None,
              programme: Programme | None = None, compounds_only: bool = False) -> metrics.Facts:
        """The facts of a scope computed in the database (``geo.store.postgis_facts``), in one snapshot."""
        day = AsOf.of(as_of)
        with self._tx(read_only=True) as cur:
            if programme is None:
                programme = self._programme(cur)[0]
            metrics.check_scope(programme, area=area, subdistrict=subdistrict, place=place)
            names = None if place is None or place == programme.place else programme.subdistricts_under(place)
            columns = self._columns_of(cur, None)

            def read_where(c: psycopg.Cursor, name: str, where: sql.Composable, params: dict[str, Any]) -> pd.DataFrame:
                return self._read_where(c, name, columns[name], where, params)

            frames = postgis_facts.compute_facts(cur, self.schema, read_where, day,
                                                 postgis_facts.scope_of(names, area, subdistrict), by,
                                                 compounds_only=compounds_only)
        return metrics.Facts(as_of=day, **frames)

    def _current_version(self, cur: psycopg.Cursor) -> int:
        cur.execute(sql.SQL("SELECT max(version) FROM {}").format(self._id("qy_versions")))
        return int(_one(cur)[0] or 0)

    def _columns_of(self, cur: psycopg.Cursor, version: int | None) -> dict[str, list[tuple[str, str]]]:
        """(column, type) of every table as of ``version`` (None: the current one)."""
        query = sql.SQL("SELECT layers FROM {} WHERE version = COALESCE(%s, (SELECT max(version) FROM {}))").format(
            self._id("qy_versions"), self._id("qy_versions"))
        cur.execute(query, (version,))
        layers = _one(cur)[0]
        missing = [name for name in TABLES if name not in layers]
        if missing:
            raise StoreError(f"{self.target.label}: {bilingual('store.missing_layers', layers=', '.join(missing))}")
        return {name: [tuple(c) for c in layers[name]] for name in TABLES}

    def _read_table(self, cur: psycopg.Cursor, name: str, columns: list[tuple[str, str]],
                    as_of: int | None) -> pd.DataFrame:
        """One table's rows in ``_ord`` order: current (``as_of`` None) or as at the end of version ``as_of``."""
        select = sql.SQL(", ").join(_select_expr(c, t) for c, t in columns)
        if as_of is None:
            query = sql.SQL("SELECT {cols} FROM {t} ORDER BY _ord").format(cols=select, t=self._id(name))
            cur.execute(query)
        else:
            query = sql.SQL(
                "SELECT {cols} FROM ("
                " SELECT * FROM (SELECT DISTINCT ON (_ord) * FROM {h} WHERE _to > %(v)s ORDER BY _ord, _to) e"
                " WHERE NOT e._absent"
                " UNION ALL SELECT _ord, %(v)s, false, {names} FROM {t} l WHERE NOT EXISTS"
                " (SELECT 1 FROM {h} h WHERE h._ord = l._ord AND h._to > %(v)s)) r ORDER BY _ord").format(
                cols=select, h=self._id(f"qy_history_{name}"), t=self._id(name),
                names=sql.SQL(", ").join(sql.Identifier(c) for c in self._table_columns(cur, name)))
            cur.execute(query, {"v": as_of})
        return _frame(cur.fetchall(), columns, TABLES[name])

    def _table_columns(self, cur: psycopg.Cursor, name: str) -> list[str]:
        """The data columns of a live table in table order (without ``_ord``)."""
        cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                    "AND NOT attisdropped AND attname <> '_ord' ORDER BY attnum",
                    (f'"{self.schema}"."{name}"',))
        return [r[0] for r in cur.fetchall()]

    def versions(self) -> list[Version]:
        """Every version, oldest first; the current one's edits counted from the audit so far."""
        with self._tx(read_only=True) as cur:
            cur.execute(sql.SQL('SELECT v.version, v.created_at, v."user", v.kind, v.note, v.compounds, v.edits, '
                                "v.superseded_at, (SELECT count(*) FROM {a} a WHERE a.version = v.version) "
                                "FROM {v} v ORDER BY v.version").format(
                a=self._id("qy_audit"), v=self._id("qy_versions")))
            rows = cur.fetchall()
        last = rows[-1][0] if rows else None
        return [Version(v, at, user, kind, note, n, count if v == last else edits, v == last, sup)
                for v, at, user, kind, note, n, edits, sup, count in rows]

    def audit(self, *, compound_id: str | None = None, since: str | None = None) -> pd.DataFrame:
        """Audit rows (newest first), optionally for one compound or since an ISO date/time."""
        where, args = [], []
        if compound_id is not None:
            where.append(sql.SQL("compound_id = %s"))
            args.append(compound_id)
        if since is not None:
            where.append(sql.SQL("at >= %s"))
            args.append(since)
        query = sql.SQL("SELECT {cols} FROM {a}{where} ORDER BY id DESC").format(
            cols=sql.SQL(", ").join(sql.Identifier(c) for c in AUDIT_COLUMNS), a=self._id("qy_audit"),
            where=sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""))
        with self._tx(read_only=True) as cur:
            cur.execute(query, args)
            return pd.DataFrame(cur.fetchall(), columns=AUDIT_COLUMNS)

    def _etag(self, cur: psycopg.Cursor, compound_id: str) -> str:
        cur.execute(sql.SQL("SELECT (SELECT max(version) FROM {v}), (SELECT revision FROM {r} WHERE compound_id = %s)"
                            ).format(v=self._id("qy_versions"), r=self._id("qy_revisions")), (compound_id,))
        version, revision = _one(cur)
        return f"v{version or 0}.r{revision or 0}"

    def etag(self, compound_id: str) -> str:
        """The record's tag: changes with every edit of it and every import or restore."""
        with self._tx(read_only=True) as cur:
            return self._etag(cur, compound_id)

    def compound(self, compound_id: str) -> CompoundRows:
        """One compound's rows of the edit layers and its tag, in one snapshot."""
        with self._tx(read_only=True) as cur:
            tag = self._etag(cur, compound_id)
            columns = self._columns_of(cur, None)
            layers = {}
            for layer in EDIT_KEYS:
                cols = [(c, t) for c, t in columns[layer] if t != _SPATIAL]
                query = sql.SQL("SELECT {cols} FROM {t} WHERE compound_id = %s ORDER BY _ord").format(
                    cols=sql.SQL(", ").join(_select_expr(c, t) for c, t in cols), t=self._id(layer))
                cur.execute(query, (compound_id,))
                layers[layer] = pd.DataFrame(_frame(cur.fetchall(), cols, "table"))
        return CompoundRows(compound_id, tag, layers)

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        return self._users("")

    def user(self, name: str) -> UserRecord | None:
        """The user called ``name`` (active or not), or None."""
        return next(iter(self._users(" WHERE name = %s", name)), None)

    def _users(self, where: str, *args: Any) -> list[UserRecord]:
        with self._tx(read_only=True) as cur:
            cur.execute(sql.SQL("SELECT name, role, subdistricts, password_hash, created_at, active FROM {}"
                                + where + " ORDER BY name").format(self._id("qy_users")), args)
            return [UserRecord(n, r, tuple(s), h, c, bool(a)) for n, r, s, h, c, a in cur.fetchall()]

    def size_bytes(self) -> int:
        """Space the store's tables and indexes take (bytes)."""
        with self._tx(read_only=True) as cur:
            cur.execute("SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                        (self.schema,))
            return int(_one(cur)[0])

    def history(self) -> History:
        """Versions, audit (oldest first), revisions and users, read in one snapshot."""
        versions = self.versions()
        with self._tx(read_only=True) as cur:
            cur.execute(sql.SQL("SELECT {} FROM {} ORDER BY id").format(
                sql.SQL(", ").join(sql.Identifier(c) for c in AUDIT_COLUMNS), self._id("qy_audit")))
            audit = pd.DataFrame(cur.fetchall(), columns=AUDIT_COLUMNS)
            cur.execute(sql.SQL("SELECT {} FROM {} ORDER BY compound_id").format(
                sql.SQL(", ").join(sql.Identifier(c) for c in REVISION_COLUMNS), self._id("qy_revisions")))
            revisions = pd.DataFrame(cur.fetchall(), columns=REVISION_COLUMNS)
        return History(tuple(versions), audit, revisions, tuple(self.users()))

    # --- writing ---------------------------------------------------------------------------------
    def initialize(self, dataset: Dataset, *, user: str = "system", note: str = "") -> None:
        """Replace the schema with a fresh store of ``dataset`` (version 1, no audit, no users), in one transaction."""
        with self._tx() as cur:
            self._lock(cur, shared=False)
            self._create(cur)
            self._first_version(cur, dataset, user=user, kind="init", note=note, at=now_text())

    def _create(self, cur: psycopg.Cursor) -> None:
        """Drop the schema if there is one and create the empty store (tables made as layers are written)."""
        cur.execute("SET LOCAL client_min_messages = warning")
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        schema = sql.Identifier(self.schema)
        cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))
        cur.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        for ddl in _AUX_DDL:
            cur.execute(sql.SQL(ddl).format(s=schema))

    def _first_version(self, cur: psycopg.Cursor, dataset: Dataset, *, user: str, kind: str, note: str,
                       at: str) -> None:
        layers = {}
        for name, frame in _tables_of(dataset).items():
            layers[name] = self._ensure_table(cur, name, frame)
            self._write_rows(cur, name, frame, layers[name], self._new_ords(cur, len(frame)))
        cur.execute(sql.SQL('INSERT INTO {} (version, created_at, "user", kind, note, compounds, layers) '
                            "VALUES (1, %s, %s, %s, %s, %s, %s)").format(self._id("qy_versions")),
                    (at, user, kind, note, len(dataset.compounds), Jsonb(layers)))
        postgis_facts.build_facts_tables(cur, self.schema)
        self._bump(cur, "")

    def commit(self, dataset: Dataset, *, user: str, kind: str = "import", note: str = "",
               expected: str | None = None) -> int:
        """Make ``dataset`` the new current version, writing only the rows that differ; return its number."""
        with self._tx() as cur:
            self._lock(cur, shared=False)
            if not self._exists(cur):
                self._create(cur)
                self._first_version(cur, dataset, user=user, kind=kind, note=note, at=now_text())
                return 1
            if expected is not None and self._fingerprint(cur) != expected:
                raise StoreChanged(bilingual("store.changed"))
            return self._next_version(cur, _tables_of(dataset), len(dataset.compounds), user=user, kind=kind,
                                      note=note, at=now_text())

    def restore(self, version: int, *, user: str, note: str | None = None) -> int:
        """Make the data of ``version`` current again as a new version, by SQL from the history entries.

        ``note`` for the history (default: "restore N")."""
        with self._tx() as cur:
            self._lock(cur, shared=False)
            current = self._current_version(cur)
            if not 1 <= int(version) <= current:
                raise StoreError(bilingual("store.unknown_version", version=version,
                                           valid=", ".join(str(v) for v in range(1, current + 1))))
            columns = self._columns_of(cur, int(version))
            new = current + 1
            self._close_version(cur, current)
            touched: set[Any] = set()
            for name in TABLES:
                self._stage_version(cur, name, columns[name], int(version), current)
                touched |= self._apply_stage(cur, name, [c for c, _ in columns[name]], new)
            postgis_facts.refresh_facts_tables(cur, self.schema, touched)
            cur.execute(sql.SQL("SELECT compounds FROM {} WHERE version = %s").format(self._id("qy_versions")),
                        (int(version),))
            compounds = _one(cur)[0]
            note = note if note is not None else f"restore {int(version)}"
            self._add_version(cur, new, now_text(), user, "restore", note, compounds, columns)
            return new

    def _exists(self, cur: psycopg.Cursor) -> bool:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f'"{self.schema}".qy_versions',))
        return bool(_one(cur)[0])

    def _next_version(self, cur: psycopg.Cursor, tables: dict[str, pd.DataFrame], compounds: int, *, user: str,
                      kind: str, note: str, at: str) -> int:
        current = self._current_version(cur)
        new = current + 1
        self._close_version(cur, current)
        layers = {}
        touched: set[Any] = set()
        for name, frame in tables.items():
            layers[name] = self._ensure_table(cur, name, frame)
            self._stage_frame(cur, name, frame, layers[name])
            touched |= self._apply_stage(cur, name, [c for c, _ in layers[name]], new)
        postgis_facts.refresh_facts_tables(cur, self.schema, touched)
        self._add_version(cur, new, at, user, kind, note, compounds, layers)
        return new

    def _close_version(self, cur: psycopg.Cursor, current: int) -> None:
        cur.execute(sql.SQL("UPDATE {v} SET superseded_at = %s, edits = (SELECT count(*) FROM {a} WHERE version = %s) "
                            "WHERE version = %s").format(v=self._id("qy_versions"), a=self._id("qy_audit")),
                    (now_text(), current, current))

    def _add_version(self, cur: psycopg.Cursor, version: int, at: str, user: str, kind: str, note: str,
                     compounds: int, layers: dict[str, list[tuple[str, str]]]) -> None:
        cur.execute(sql.SQL('INSERT INTO {} (version, created_at, "user", kind, note, compounds, layers) '
                            "VALUES (%s, %s, %s, %s, %s, %s, %s)").format(self._id("qy_versions")),
                    (version, at, user, kind, note, compounds, Jsonb(layers)))
        self._bump(cur, "")

    def _bump(self, cur: psycopg.Cursor, key: str) -> None:
        """Count one write (the fingerprint moves); the shard is chosen by ``key``."""
        cur.execute(sql.SQL("UPDATE {} SET serial = serial + 1 WHERE shard = %s").format(self._id("qy_serial")),
                    (zlib.crc32(key.encode()) % SHARDS,))

    def _new_ords(self, cur: psycopg.Cursor, n: int) -> list[int]:
        if n == 0:
            return []
        cur.execute(sql.SQL("SELECT nextval({}) FROM generate_series(1, %s)").format(
            sql.Literal(f'"{self.schema}".qy_ord')), (n,))
        return [r[0] for r in cur.fetchall()]

    def _ensure_table(self, cur: psycopg.Cursor, name: str, frame: pd.DataFrame) -> list[tuple[str, str]]:
        """Create the live and history tables of ``name`` or add/widen columns; return the frame's (column, type)."""
        wanted = _column_types(frame)
        cur.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                    "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
                    (f'"{self.schema}"."{name}"',))
        have = {c: _normal_type(t) for c, t in cur.fetchall()}
        live, hist = self._id(name), self._id(f"qy_history_{name}")
        if not have:
            cols = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in wanted)
            sep = sql.SQL(", ") if wanted else sql.SQL("")
            cur.execute(sql.SQL("CREATE TABLE {} (_ord bigint PRIMARY KEY{}{})").format(live, sep, cols))
            cur.execute(sql.SQL("CREATE TABLE {} (_ord bigint NOT NULL, _to integer NOT NULL, _absent boolean NOT NULL"
                                "{}{}, PRIMARY KEY (_ord, _to))").format(hist, sep, cols))
            self._index(cur, name, wanted)
            return wanted
        out = []
        for column, kind in wanted:
            old = have.get(column)
            if old is None:
                for table in (live, hist):
                    cur.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                        table, sql.Identifier(column), sql.SQL(kind)))
            elif old != kind:
                kind = _wider(old, kind)
                if kind != old:
                    for table in (live, hist):
                        cur.execute(sql.SQL("ALTER TABLE {t} ALTER COLUMN {c} TYPE {k} USING {c}::{k}").format(
                            t=table, c=sql.Identifier(column), k=sql.SQL(kind)))
            out.append((column, kind))
        return out

    def _index(self, cur: psycopg.Cursor, name: str, columns: list[tuple[str, str]]) -> None:
        names = [c for c, _ in columns]
        for column, kind in columns:
            if kind == _SPATIAL:
                cur.execute(sql.SQL("CREATE INDEX ON {} USING gist ({})").format(self._id(name), sql.Identifier(column)))
        for column in dict.fromkeys([*EDIT_KEYS.get(name, ())[:1], "compound_id"]):
            if column in names:
                cur.execute(sql.SQL("CREATE INDEX ON {} ({})").format(self._id(name), sql.Identifier(column)))

    def _write_rows(self, cur: psycopg.Cursor, table: str, frame: pd.DataFrame, columns: list[tuple[str, str]],
                    ords: Sequence[int], *, target: sql.Composable | None = None) -> None:
        """COPY the frame's rows with their ``_ord`` into ``target`` (default: the live table)."""
        names = [c for c, _ in columns]
        query = sql.SQL("COPY {} ({}) FROM STDIN").format(
            target or self._id(table), sql.SQL(", ").join(sql.Identifier(c) for c in ["_ord", *names]))
        values = [ords, *(_copy_values(frame[c], t) for c, t in columns)]
        with cur.copy(query) as copy:
            for row in zip(*values):
                copy.write_row(row)

    def _stage_frame(self, cur: psycopg.Cursor, name: str, frame: pd.DataFrame, columns: list[tuple[str, str]]) -> None:
        """Fill the temporary table ``_stage`` with the frame, each row at the ``_ord`` of the live row in its place.

        The i-th row takes the i-th current row's place; rows beyond get new places. So an
        import that keeps the order of the rows it read (and appends new ones) rewrites only
        the rows whose content changed.
        """
        self._new_stage(cur, name)
        cur.execute(sql.SQL("SELECT _ord FROM {} ORDER BY _ord").format(self._id(name)))
        live = [r[0] for r in cur.fetchall()][:len(frame)]
        ords = live + self._new_ords(cur, len(frame) - len(live))
        self._write_rows(cur, name, frame, columns, ords, target=sql.Identifier("_stage"))

    def _stage_version(self, cur: psycopg.Cursor, name: str, columns: list[tuple[str, str]], version: int,
                       current: int) -> None:
        """Fill ``_stage`` with the rows of ``version`` (at their own places)."""
        self._new_stage(cur, name)
        names = sql.SQL(", ").join(sql.Identifier(c) for c, _ in columns)
        if version == current:
            cur.execute(sql.SQL("INSERT INTO _stage (_ord, {n}) SELECT _ord, {n} FROM {t}").format(
                n=names, t=self._id(name)))
            return
        cur.execute(sql.SQL(
            "INSERT INTO _stage (_ord, {n}) SELECT _ord, {n} FROM ("
            " SELECT DISTINCT ON (_ord) * FROM {h} WHERE _to > %(v)s ORDER BY _ord, _to) e WHERE NOT e._absent"
            " UNION ALL SELECT _ord, {n} FROM {t} l WHERE NOT EXISTS"
            " (SELECT 1 FROM {h} h WHERE h._ord = l._ord AND h._to > %(v)s)").format(
            n=names, h=self._id(f"qy_history_{name}"), t=self._id(name)), {"v": version})

    def _new_stage(self, cur: psycopg.Cursor, name: str) -> None:
        cur.execute("DROP TABLE IF EXISTS pg_temp._stage")
        cur.execute(sql.SQL("CREATE TEMP TABLE _stage (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP").format(
            self._id(name)))

    def _apply_stage(self, cur: psycopg.Cursor, name: str, columns: list[str], version: int) -> set[Any]:
        """Make the live table equal ``_stage`` on ``columns``, recording what it replaces as history of ``version``.

        Rows are compared by place (``_ord``) and content; unchanged rows are not written.
        Returns the compound ids of the rows written (before and after), for a layer the facts read.
        """
        live, hist = self._id(name), self._id(f"qy_history_{name}")
        all_cols = [sql.Identifier(c) for c in self._table_columns(cur, name)]
        cols = [sql.Identifier(c) for c in columns]
        differs = sql.SQL("ROW({}) IS DISTINCT FROM ROW({})").format(
            sql.SQL(", ").join(sql.SQL("l.{}").format(c) for c in cols) if cols else sql.SQL("NULL"),
            sql.SQL(", ").join(sql.SQL("s.{}").format(c) for c in cols) if cols else sql.SQL("NULL"))
        fmt = {"live": live, "hist": hist, "differs": differs,
               "all": sql.SQL("").join(sql.SQL(", {}").format(c) for c in all_cols),
               "l_all": sql.SQL("").join(sql.SQL(", l.{}").format(c) for c in all_cols),
               "cols": sql.SQL("").join(sql.SQL(", {}").format(c) for c in cols),
               "s_cols": sql.SQL("").join(sql.SQL(", s.{}").format(c) for c in cols),
               "set": sql.SQL(", ").join(sql.SQL("{c} = s.{c}").format(c=c) for c in cols)}
        cur.execute(sql.SQL("ANALYZE _stage"))
        tracked = name in postgis_facts.MIRRORED and "compound_id" in columns
        back = " RETURNING compound_id" if tracked else ""  # the compounds whose facts rows change
        statements = [
            # what the changed and removed rows were, then that the new rows were not there
            "INSERT INTO {hist} (_ord, _to, _absent{all}) SELECT l._ord, %(v)s, false{l_all} FROM {live} l "
            "LEFT JOIN _stage s ON s._ord = l._ord WHERE s._ord IS NULL OR {differs}" + back,
            "INSERT INTO {hist} (_ord, _to, _absent) SELECT s._ord, %(v)s, true FROM _stage s "
            "WHERE NOT EXISTS (SELECT 1 FROM {live} l WHERE l._ord = s._ord)",
            "DELETE FROM {live} l WHERE NOT EXISTS (SELECT 1 FROM _stage s WHERE s._ord = l._ord)",
            "INSERT INTO {live} (_ord{cols}) SELECT s._ord{s_cols} FROM _stage s "
            "WHERE NOT EXISTS (SELECT 1 FROM {live} l WHERE l._ord = s._ord)" + back,
        ]
        if cols:
            statements.insert(3, "UPDATE {live} l SET {set} FROM _stage s WHERE s._ord = l._ord AND {differs}"
                              + back.replace("compound_id", "l.compound_id"))
        touched: set[Any] = set()
        for statement in statements:
            cur.execute(sql.SQL(statement).format(**fmt), {"v": version})
            if "RETURNING" in statement:
                touched.update(r[0] for r in cur.fetchall())
        return touched

    def apply_changes(self, compound_id: str, changes: Sequence[Change], *, user: str, etag: str) -> str:
        """Write progress ``changes`` of one compound in one transaction (EditConflict if ``etag`` is stale)."""
        with self._tx() as cur:
            self._lock(cur, shared=True)  # no import or restore runs meanwhile
            revisions = self._id("qy_revisions")
            cur.execute(sql.SQL("INSERT INTO {} VALUES (%s, 0, '', '') ON CONFLICT DO NOTHING").format(revisions),
                        (compound_id,))
            cur.execute(sql.SQL('SELECT revision, at, "user" FROM {} WHERE compound_id = %s FOR UPDATE').format(
                revisions), (compound_id,))
            revision, at, last_user = _one(cur)
            version = self._current_version(cur)
            if f"v{version}.r{revision}" != etag:
                raise EditConflict(compound_id, self._last_change(cur, revision, at, last_user))
            stamp = now_text()
            audit = []
            for change in changes:
                _apply_change(cur, self.schema, change, version)
                audit.append((stamp, user, version, compound_id, change.layer, "|".join(map(str, change.key)),
                              change.field, audit_text(change.before), audit_text(change.after)))
            if audit:
                cur.executemany(sql.SQL('INSERT INTO {} (at, "user", version, compound_id, layer, record, field, '
                                        "before, after) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)").format(
                    self._id("qy_audit")), audit)
            if any(c.layer in postgis_facts.MIRRORED for c in changes):
                self._refresh_facts_of(cur, compound_id, changes)
            cur.execute(sql.SQL('UPDATE {} SET revision = revision + 1, at = %s, "user" = %s WHERE compound_id = %s'
                                ).format(revisions), (stamp, user, compound_id))
            self._bump(cur, compound_id)
            return f"v{version}.r{revision + 1}"

    def _refresh_facts_of(self, cur: psycopg.Cursor, compound_id: str, changes: Sequence[Change]) -> None:
        """The facts rows of one edited compound (and of an id an edit moved rows from or to).

        Left alone when the facts tables are not up to date: edits run in parallel, and only an
        import or a restore (holding the store's lock) rebuilds them; reads make the rows meanwhile.
        """
        if postgis_facts.facts_tables_state(cur, self.schema) != "ready":
            return
        ids: set[Any] = {compound_id}
        ids.update(v for c in changes if c.field == "compound_id" for v in (c.before, c.after))
        postgis_facts.refresh_facts_tables(cur, self.schema, ids, {c.layer for c in changes})

    def _last_change(self, cur: psycopg.Cursor, revision: int, at: str, user: str) -> dict[str, str]:
        if revision:
            return {"at": at, "user": user}
        cur.execute(sql.SQL('SELECT created_at, "user" FROM {} ORDER BY version DESC LIMIT 1').format(
            self._id("qy_versions")))
        row = _one(cur)
        return {"at": row[0], "user": row[1]} if row else {"at": "", "user": ""}

    def put_user(self, name: str, *, role: str, password_hash: str, subdistricts: Sequence[str] = (),
                 active: bool = True) -> None:
        """Add or replace one user (``created_at`` kept when replacing)."""
        with self._tx() as cur:
            cur.execute(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
                                "role = excluded.role, subdistricts = excluded.subdistricts, "
                                "password_hash = excluded.password_hash, active = excluded.active").format(
                self._id("qy_users")), (name, role, Jsonb(list(subdistricts)), password_hash, now_text(), bool(active)))
            self._bump(cur, name)

    def delete_user(self, name: str) -> bool:
        """Remove one user; False when there was none."""
        with self._tx() as cur:
            cur.execute(sql.SQL("DELETE FROM {} WHERE name = %s").format(self._id("qy_users")), (name,))
            gone = cur.rowcount
            if gone:
                self._bump(cur, name)
        return bool(gone)

    def sign_ins(self) -> PgSignInLog:
        """The sign-in log in ``qy_sign_ins`` of the store's schema, shared by every app server."""
        return PgSignInLog(self)

    def replace_with(self, history: History, data: Callable[[int], Dataset]) -> None:
        """Replace the schema with a copy of another store, in one transaction.

        Version 1 is written whole, every later one as its difference to the one before.
        """
        with self._tx() as cur:
            self._lock(cur, shared=False)
            self._create(cur)
            for v in history.versions:
                dataset = data(v.version)
                if v.version == 1:
                    self._first_version(cur, dataset, user=v.user, kind=v.kind, note=v.note, at=v.created_at)
                else:
                    self._next_version(cur, _tables_of(dataset), v.compounds, user=v.user, kind=v.kind,
                                       note=v.note, at=v.created_at)
            self._copy_history(cur, history)

    def _copy_history(self, cur: psycopg.Cursor, history: History) -> None:
        """Write another store's version details, audit, revisions and users into the fresh schema."""
        cur.executemany(sql.SQL("UPDATE {} SET edits = %s, superseded_at = %s, compounds = %s WHERE version = %s"
                                ).format(self._id("qy_versions")),
                        [(0 if v.current else v.edits, v.superseded_at, v.compounds, v.version) for v in history.versions])
        audit = history.audit.sort_values("id")
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
                self._id("qy_audit"), sql.SQL(", ").join(sql.Identifier(c) for c in AUDIT_COLUMNS))) as copy:
            for row in audit[AUDIT_COLUMNS].itertuples(index=False):
                copy.write_row([_py(v) for v in row])
        cur.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(COALESCE(max(id), 0), 1), "
                            "max(id) IS NOT NULL) FROM {}").format(self._id("qy_audit")),
                    (f'"{self.schema}".qy_audit',))
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
                self._id("qy_revisions"), sql.SQL(", ").join(sql.Identifier(c) for c in REVISION_COLUMNS))) as copy:
            for row in history.revisions[REVISION_COLUMNS].itertuples(index=False):
                copy.write_row([_py(v) for v in row])
        for u in history.users:
            cur.execute(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s)").format(self._id("qy_users")),
                        (u.name, u.role, Jsonb(list(u.subdistricts)), u.password_hash, u.created_at, u.active))


class PgSignInLog(SignInLog):
    """Sign-in attempts in the store's schema (``qy_sign_ins``); :meth:`begin` counts and records under a
    transaction-level advisory lock of its own, so parallel sign-ins from every app server queue."""

    RETENTION_S = 90 * 24 * 3600.0
    MAX_TEXT = 128

    def __init__(self, store: PostgisStore) -> None:
        self.store = store
        self._table = store._id("qy_sign_ins")

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Cursor]:
        with self.store._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_SIGN_IN_LOCK_CLASS, self.store.schema))
            cur.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (id bigserial PRIMARY KEY, at double precision NOT NULL, "
                                "name text NOT NULL, client text NOT NULL, outcome text NOT NULL)").format(self._table))
            cur.execute(sql.SQL("CREATE INDEX IF NOT EXISTS qy_sign_ins_name ON {} (name, at)").format(self._table))
            cur.execute(sql.SQL("CREATE INDEX IF NOT EXISTS qy_sign_ins_client ON {} (client, at)").format(self._table))
            yield cur

    def _tally(self, cur: psycopg.Cursor, name: str, client: str, policy: SignInPolicy, now: float) -> tuple[Tally, Tally]:
        cur.execute(sql.SQL("SELECT count(*), COALESCE(max(at), 0) FROM {t} WHERE name = %(n)s AND outcome <> 'ok' "
                            "AND at > %(since)s AND at > COALESCE((SELECT max(at) FROM {t} WHERE name = %(n)s "
                            "AND outcome = 'ok'), 0)").format(t=self._table),
                    {"n": name, "since": now - policy.account.window_s})
        account = _one(cur)
        cur.execute(sql.SQL("SELECT count(*), COALESCE(max(at), 0) FROM {} WHERE client = %s AND outcome <> 'ok' "
                            "AND at > %s").format(self._table), (client, now - policy.client.window_s))
        by_client = _one(cur)
        return Tally(int(account[0]), float(account[1])), Tally(int(by_client[0]), float(by_client[1]))

    def begin(self, name: str, client: str, policy: SignInPolicy, now: float) -> Begun:
        """Count the failures and, unless a wait is due, record a pending attempt (one transaction)."""
        name, client = name[:self.MAX_TEXT], client[:self.MAX_TEXT]
        with self._tx() as cur:
            wait = policy.retry_after(*self._tally(cur, name, client, policy, now), now)
            if wait > 0:
                return Begun(None, wait)
            cur.execute(sql.SQL("DELETE FROM {} WHERE at < %s").format(self._table), (now - self.RETENTION_S,))
            cur.execute(sql.SQL("INSERT INTO {} (at, name, client, outcome) VALUES (%s, %s, %s, 'pending') "
                                "RETURNING id").format(self._table), (now, name, client))
            return Begun(int(_one(cur)[0]))

    def finish(self, attempt: int, outcome: str) -> None:
        """Settle a pending attempt with its outcome."""
        if outcome not in SIGN_IN_OUTCOMES or outcome == "pending":
            raise ValueError(f"outcome must be one of {SIGN_IN_OUTCOMES[:-1]}, not {outcome!r}")
        with self._tx() as cur:
            cur.execute(sql.SQL("UPDATE {} SET outcome = %s WHERE id = %s AND outcome = 'pending'").format(self._table),
                        (outcome, attempt))

    def attempts(self, *, since: float = 0.0, limit: int = 1000) -> list[SignInAttempt]:
        """Attempts at or after ``since``, newest first."""
        with self._tx() as cur:
            cur.execute(sql.SQL("SELECT id, at, name, client, outcome FROM {} WHERE at >= %s "
                                "ORDER BY at DESC, id DESC LIMIT %s").format(self._table), (since, int(limit)))
            return [SignInAttempt(int(i), float(a), n, c, o) for i, a, n, c, o in cur.fetchall()]

    def tally(self, name: str, client: str, policy: SignInPolicy, now: float) -> tuple[Tally, Tally]:
        """The account's and the client's failures as :meth:`begin` counts them."""
        with self._tx() as cur:
            return self._tally(cur, name[:self.MAX_TEXT], client[:self.MAX_TEXT], policy, now)


def _one(cur: psycopg.Cursor) -> tuple[Any, ...]:
    """The one row a query returns (aggregates and lookups that always give a row)."""
    row = cur.fetchone()
    if row is None:
        raise StoreError("expected a row")
    return row


# --- edits in SQL -----------------------------------------------------------------------------------
def _apply_change(cur: psycopg.Cursor, schema: str, change: Change, version: int) -> None:
    """UPDATE the field of the keyed rows (keeping what they were before this version), or INSERT a new row."""
    live, hist = sql.Identifier(schema, change.layer), sql.Identifier(schema, f"qy_history_{change.layer}")
    keys = EDIT_KEYS[change.layer]
    where = sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in keys)
    cur.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attname = %s AND NOT attisdropped", (f'"{schema}"."{change.layer}"', change.field))
    found = cur.fetchone()  # None: no such column
    if found is None:
        raise StoreError(bilingual("store.no_column", layer=change.layer, column=change.field))
    kind = sql.SQL(_normal_type(found[0]))
    cur.execute(sql.SQL("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                        "AND NOT attisdropped AND attname <> '_ord' ORDER BY attnum"), (f'"{schema}"."{change.layer}"',))
    columns = sql.SQL("").join(sql.SQL(", {}").format(sql.Identifier(r[0])) for r in cur.fetchall())
    key = [_py(k) for k in change.key]
    cur.execute(sql.SQL("INSERT INTO {h} (_ord, _to, _absent{c}) SELECT _ord, %s, false{c} FROM {t} WHERE {w} "
                        "ON CONFLICT (_ord, _to) DO NOTHING").format(h=hist, t=live, c=columns, w=where),
                (version, *key))
    cur.execute(sql.SQL("UPDATE {t} SET {f} = %s::{k} WHERE {w}").format(
        t=live, f=sql.Identifier(change.field), k=kind, w=where), (_py(change.after), *key))
    if cur.rowcount == 0:
        names = sql.SQL(", ").join(sql.Identifier(c) for c in dict.fromkeys((*keys, change.field)))
        marks = sql.SQL(", ").join([sql.SQL("%s")] * len(keys) + ([] if change.field in keys else [sql.SQL("%s::{}").format(kind)]))
        cur.execute(sql.SQL("INSERT INTO {t} (_ord, {n}) VALUES (nextval(%s), {m}) RETURNING _ord").format(
            t=live, n=names, m=marks),
            (f'"{schema}".qy_ord', *key, *([] if change.field in keys else [_py(change.after)])))
        cur.execute(sql.SQL("INSERT INTO {} (_ord, _to, _absent) VALUES (%s, %s, true)").format(hist),
                    (_one(cur)[0], version))


# --- frames <-> rows ----------------------------------------------------------------------------------
def _tables_of(dataset: Dataset) -> dict[str, pd.DataFrame]:
    frames = {name: getattr(dataset, name) for name in LAYERS}
    frames[META] = pd.DataFrame(sorted(dataset.meta.items()), columns=["key", "value"])
    return frames


def _dataset(tables: dict[str, pd.DataFrame]) -> Dataset:
    meta = dict(zip(tables[META]["key"], tables[META]["value"]))
    return Dataset(**{name: tables[name] for name in LAYERS}, meta=meta)


def _column_types(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(column, PostgreSQL type) of a frame's columns; the geometry column last."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    out = [(str(c), _pg_type(str(c), frame[c])) for c in frame.columns if c != geometry]
    return out + ([(str(geometry), _SPATIAL)] if geometry is not None else [])


def _pg_type(name: str, series: pd.Series) -> str:
    if name in DATE_COLUMNS:
        return "date"
    kind = series.dtype.kind
    if kind == "b":
        return "boolean"
    if kind in "iu":
        return "bigint"
    if kind == "f":
        return "double precision"
    if kind == "M":
        return "timestamp without time zone"
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    return {"boolean": "boolean", "integer": "bigint", "floating": "double precision",
            "mixed-integer-float": "double precision", "date": "date", "datetime": "timestamp without time zone",
            "datetime64": "timestamp without time zone"}.get(inferred, "text")


def _normal_type(text: str) -> str:
    return _SPATIAL if text.startswith("geometry") else text


_ORDER = ["boolean", "bigint", "double precision"]


def _wider(old: str, new: str) -> str:
    """A type both kinds of values fit in: booleans < integers < reals, else text."""
    if old in _ORDER and new in _ORDER:
        return _ORDER[max(_ORDER.index(old), _ORDER.index(new))]
    if {old, new} == {"date", "timestamp without time zone"}:
        return "timestamp without time zone"
    return "text"


def _py(value: Any) -> Any:
    """A plain Python value for psycopg (numpy scalars unwrapped, NaN/NaT as None, Timestamps as dates)."""
    if value is None or (not isinstance(value, (str, bytes, list, tuple, dict)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _copy_values(series: pd.Series, kind: str) -> list[Any]:
    """The column's values as COPY takes them for ``kind`` (None for missing)."""
    if kind == _SPATIAL:
        geoms = gpd.GeoSeries(series).set_crs(STORAGE_CRS, allow_override=True) if series.crs is None else \
            gpd.GeoSeries(series).to_crs(STORAGE_CRS)
        arr = shapely.set_srid(np.asarray(geoms.values, dtype=object), 4326)
        return [None if g is None else h for g, h in zip(arr, shapely.to_wkb(arr, hex=True, include_srid=True))]
    if kind == "date":
        stamps = pd.to_datetime(series.replace("", None), format="ISO8601") if series.dtype.kind != "M" else series
        return [None if pd.isna(s) else s.date() for s in stamps]
    values = series.astype(object).where(series.notna(), None).tolist()
    if kind == "text":
        return [v if v is None or isinstance(v, str) else str(_py(v)) for v in values]
    if kind == "bigint":
        return [None if v is None else int(v) for v in values]
    if kind == "double precision":
        return [None if v is None else float(v) for v in values]
    if kind == "boolean":
        return [None if v is None else bool(v) for v in values]
    return [_py(v) for v in values]


#: Layers of a place kept by their own subdistrict column (``geo.metrics.filter_dataset``); ``district``
#: is cut in Python (its outlines by place code), the programme and meta are whole.
_BY_SUBDISTRICT = {"compounds": "subdistrict", "greenways": "subdistrict", "sites": "subdistrict",
                   "areas": "subdistrict", "subdistricts": "name"}


def _place_where(name: str, columns: list[tuple[str, str]], compounds: sql.Composable) -> sql.Composable:
    """The rows of table ``name`` that belong to the subdistricts ``%(names)s`` (a place's)."""
    have = {c for c, _ in columns}
    if name in _BY_SUBDISTRICT and _BY_SUBDISTRICT[name] in have:
        return sql.SQL("{} = ANY(%(names)s)").format(sql.Identifier(_BY_SUBDISTRICT[name]))
    if name not in PROGRAMME_TABLES and name != META and name != "district" and "compound_id" in have:
        return sql.SQL("compound_id IN (SELECT compound_id FROM {} WHERE subdistrict = ANY(%(names)s))").format(
            compounds)
    return sql.SQL("true")


def _scope_where(as_of: AsOfLike, subdistricts: Sequence[str] | None, statuses: Sequence[str] | None
                 ) -> tuple[sql.Composable, dict[str, Any]]:
    """`` WHERE ...`` (or nothing) and its parameters for the compounds of ``subdistricts`` whose status
    on ``as_of`` is one of ``statuses`` (None: no condition): :meth:`PostgisStore.compounds_page`'s scope."""
    conditions: list[sql.Composable] = []
    params: dict[str, Any] = {}
    if subdistricts is not None:
        conditions.append(sql.SQL("subdistrict = ANY(%(names)s)"))
        params["names"] = list(subdistricts)
    if statuses is not None:
        conditions.append(sql.SQL("{} = ANY(%(statuses)s)").format(sql.SQL(sql_status(as_of))))
        params["statuses"] = list(statuses)
    return (sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")), params


def _select_expr(column: str, kind: str) -> sql.Composable:
    if kind == _SPATIAL:
        return sql.SQL("ST_AsBinary({})").format(sql.Identifier(column))
    return sql.Identifier(column)


def _frame(rows: list[tuple], columns: list[tuple[str, str]], kind: str) -> pd.DataFrame:
    """A (Geo)DataFrame of fetched rows: integer columns int64 unless cells are empty, dates parsed, EPSG:4326."""
    cells = list(zip(*rows)) if rows else [() for _ in columns]
    frame = pd.DataFrame({c: _column(list(v), t) for (c, t), v in zip(columns, cells)}, columns=[c for c, _ in columns])
    if kind != "table":
        geometry = next(c for c, t in columns if t == _SPATIAL)
        return parse_dates(gpd.GeoDataFrame(frame, geometry=geometry, crs=STORAGE_CRS))
    return parse_dates(frame)


def _column(cells: list[Any], kind: str) -> Any:
    """One fetched column as an array of the dtype GeoPackage reads give (NaN/None for empty cells)."""
    empty = any(c is None for c in cells)
    if kind == _SPATIAL:
        return shapely.from_wkb(np.array(cells, dtype=object))
    if kind == "bigint":
        return np.array([np.nan if c is None else c for c in cells], dtype="float64" if empty else "int64")
    if kind == "double precision":
        return np.array([np.nan if c is None else c for c in cells], dtype="float64")
    if kind == "boolean":
        return np.array(cells, dtype=object if empty else bool)
    if kind in ("date", "timestamp without time zone"):
        return pd.to_datetime(pd.Series(cells, dtype=object)).to_numpy()
    return np.array(cells, dtype=object)


def open_postgis(url: str) -> PostgisStore:
    """The PostGIS store at ``url`` (nothing is connected until the first read or write)."""
    return PostgisStore(url)


