"""Facts (``geo.metrics.Facts``) computed in PostgreSQL: the roll-up of a scope in a few GROUP BY queries.

The as-of rules come from their SQL twins in ``geo.asof`` (status and elevator stage from
the same rule tables pandas uses), so the database gives the facts that
``geo.metrics.facts_from_dataset`` gives over the same rows. Only the aggregates (a few
hundred rows) and the scope's greenways and sites leave the server.

A scope is a set of subdistrict names (a place), an area and/or one subdistrict, as in
``geo.metrics.filter_dataset``. Rows of works, elevators and funding whose compound is not
in the store count (with no group) only when the scope is the whole store, as in pandas.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql

from geo import asof, schema
from geo.asof import AsOf
from geo.metrics import FACT_KEYS, FACT_VALUES, By

#: Memory of one sort or hash of these queries (the server default, 4 MB, spills the works to disk).
WORK_MEM = "64MB"
#: Reads one table's current rows: (cursor, table, WHERE clause, parameters) -> frame (see PostgisStore).
ReadWhere = Callable[[psycopg.Cursor, str, sql.Composable, dict[str, Any]], pd.DataFrame]


@dataclass(frozen=True)
class SqlScope:
    """Which compounds count: subdistrict names (None: all), an area, a subdistrict."""

    subdistricts: tuple[str, ...] | None = None
    area: str | None = None
    subdistrict: str | None = None

    @property
    def whole(self) -> bool:
        return self.subdistricts is None and self.area is None and self.subdistrict is None

    def where(self, alias: str) -> tuple[sql.Composable, dict[str, Any]]:
        """The WHERE clause over the compounds table ``alias`` and its parameters."""
        parts: list[sql.Composable] = [sql.SQL("true")]
        params: dict[str, Any] = {}
        column = sql.Identifier(alias, "subdistrict")
        if self.subdistricts is not None:
            parts.append(sql.SQL("{} = ANY(%(scope_names)s)").format(column))
            params["scope_names"] = list(self.subdistricts)
        if self.area is not None:
            parts.append(sql.SQL("{} = %(scope_area)s").format(sql.Identifier(alias, "area")))
            params["scope_area"] = self.area
        if self.subdistrict is not None:
            parts.append(sql.SQL("{} = %(scope_sd)s").format(column))
            params["scope_sd"] = self.subdistrict
        return sql.SQL(" AND ").join(parts), params


def _group(by: By) -> tuple[sql.Composable, sql.Composable, dict[str, Any]]:
    """(group expression over compounds ``c``, join clause, parameters) for ``by``."""
    if by is None:
        return sql.SQL("''::text"), sql.SQL(""), {}
    if isinstance(by, str):
        if by != "area":
            raise ValueError(f"unknown grouping {by!r}: 'area' or a mapping of subdistricts")
        return sql.SQL("COALESCE(NULLIF(c.area, ''), {})").format(sql.Literal(schema.NO_AREA)), sql.SQL(""), {}
    mapping: Mapping[str, str] = by
    join = sql.SQL(" LEFT JOIN (SELECT unnest(%(by_names)s::text[]) AS name, unnest(%(by_keys)s::text[]) AS key) m"
                   " ON m.name = c.subdistrict")
    return sql.SQL("m.key"), join, {"by_names": list(mapping), "by_keys": [str(v) for v in mapping.values()]}


def _empty(kind: str) -> pd.DataFrame:
    """An empty facts frame of ``kind``, as ``geo.metrics`` makes one."""
    columns = [*FACT_KEYS[kind], *FACT_VALUES[kind]]
    return pd.DataFrame({c: pd.Series(dtype=object if c in FACT_KEYS[kind] else "int64") for c in columns})


def _frame(cur: psycopg.Cursor, kind: str) -> pd.DataFrame:
    """The fetched rows as a facts frame of ``kind`` with the dtypes ``geo.metrics`` makes."""
    columns = [*FACT_KEYS[kind], *FACT_VALUES[kind]]
    rows = cur.fetchall()
    if not rows:
        return _empty(kind)
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column in ("g", "batch", "status", "decision", "stage", "work", "source"):
            frame[column] = frame[column].astype(object)
        elif column in ("is_old", "late", "in_year"):
            frame[column] = frame[column].astype(bool)
        elif column == "amount":
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].astype("int64")
    frame["g"] = frame["g"].where(frame["g"].notna(), None)
    return frame


def compute_facts(cur: psycopg.Cursor, schema_name: str, read_where: ReadWhere, as_of: AsOf, scope: SqlScope,
                  by: By, *, compounds_only: bool = False) -> dict[str, pd.DataFrame]:
    """The facts frames (compounds, elevators, works, funding, greenways, sites) of ``scope`` on ``as_of``.

    ``compounds_only``: the other frames empty (the roll-up map needs only the compounds).
    """
    cur.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")  # the per-compound groups of works hash in memory
    g, join, params = _group(by)
    where, scope_params = scope.where("c")
    params = {**params, **scope_params}
    t = {name: sql.Identifier(schema_name, name) for name in ("compounds", "works", "elevators", "funding")}
    sc = sql.SQL("WITH sc AS (SELECT c.compound_id, {g} AS g, COALESCE(c.batch, '') AS batch FROM {c} c{join}"
                 " WHERE {where})").format(g=g, c=t["compounds"], join=join, where=where)
    link = sql.SQL("LEFT JOIN" if scope.whole else "JOIN")
    out: dict[str, pd.DataFrame] = {}
    cur.execute(sql.SQL(
        "SELECT {g}, COALESCE(c.batch, ''), {status}, COALESCE(c.decision, ''), COALESCE(c.is_old, false),"
        " {late} > 0, count(*), COALESCE(sum(c.households), 0) FROM {c} c{join} WHERE {where}"
        " GROUP BY 1, 2, 3, 4, 5, 6").format(
        g=g, status=sql.SQL(asof.sql_status(as_of, "c")), late=sql.SQL(asof.sql_days_late(as_of, "c")),
        c=t["compounds"], join=join, where=where), params)
    out["compounds"] = _frame(cur, "compounds")
    if compounds_only:
        empty = {kind: _empty(kind) for kind in ("elevators", "works", "funding")}
        layers = {name: read_where(cur, name, sql.SQL("false"), {}) for name in ("greenways", "sites")}
        return {**out, **empty, **layers}
    cur.execute(sql.SQL(
        "{sc} SELECT sc.g, COALESCE(sc.batch, ''), {stage}, {in_year}, count(*) FROM {e} e {link} sc"
        " ON sc.compound_id = e.compound_id GROUP BY 1, 2, 3, 4").format(
        sc=sc, stage=sql.SQL(asof.sql_elevator_stage(as_of, "e")),
        in_year=sql.SQL(asof.sql_elevators_completed_in_year(as_of, "e")), e=t["elevators"], link=link), params)
    out["elevators"] = _frame(cur, "elevators")
    done = sql.SQL(asof.sql_works_done(as_of, "w"))
    cur.execute(sql.SQL(  # one row per (compound, work) first: distinct compounds become plain counts
        "{sc}, w AS (SELECT w.compound_id, w.work, sc.g, COALESCE(sc.batch, '') AS batch, bool_or({done}) AS done,"
        " sum(CASE WHEN {done} THEN w.quantity ELSE 0 END) AS quantity FROM {w} w {link} sc"
        " ON sc.compound_id = w.compound_id GROUP BY 1, 2, 3, 4)"
        " SELECT g, batch, work, count(compound_id), count(compound_id) FILTER (WHERE done),"
        " COALESCE(sum(quantity), 0) FROM w GROUP BY 1, 2, 3").format(
        sc=sc, done=done, w=t["works"], link=link), params)
    out["works"] = _frame(cur, "works")
    cur.execute(sql.SQL(
        "{sc} SELECT sc.g, COALESCE(sc.batch, ''), f.year::bigint, f.source, sum(f.amount_wan_yuan)"
        " FROM {f} f {link} sc ON sc.compound_id = f.compound_id WHERE {counted} GROUP BY 1, 2, 3, 4").format(
        sc=sc, f=t["funding"], link=link, counted=sql.SQL(asof.sql_funding_to_date(as_of, "f"))), params)
    out["funding"] = _frame(cur, "funding")
    out["greenways"] = read_where(cur, "greenways", *_place_rows(schema_name, scope, "ST_Intersects"))
    out["sites"] = read_where(cur, "sites", *_place_rows(schema_name, scope, "ST_Within"))
    return out


def _place_rows(schema_name: str, scope: SqlScope, spatial: str) -> tuple[sql.Composable, dict[str, Any]]:
    """WHERE clause for the greenways / sites of a scope (an area's: ``spatial`` with its polygon)."""
    parts: list[sql.Composable] = [sql.SQL("true")]
    params: dict[str, Any] = {}
    if scope.subdistricts is not None:
        parts.append(sql.SQL("subdistrict = ANY(%(scope_names)s)"))
        params["scope_names"] = list(scope.subdistricts)
    if scope.area is not None:
        parts.append(sql.SQL("{fn}(geometry, (SELECT ST_Union(a.geometry) FROM {a} a WHERE a.name = %(scope_area)s))")
                     .format(fn=sql.SQL(spatial), a=sql.Identifier(schema_name, "areas")))
        params["scope_area"] = scope.area
    if scope.subdistrict is not None:
        parts.append(sql.SQL("subdistrict = %(scope_sd)s"))
        params["scope_sd"] = scope.subdistrict
    return sql.SQL(" AND ").join(parts), params


def scope_of(subdistricts: Sequence[str] | None, area: str | None, subdistrict: str | None) -> SqlScope:
    """A :class:`SqlScope` (subdistrict names of a place, or None for the whole store)."""
    return SqlScope(None if subdistricts is None else tuple(subdistricts), area, subdistrict)
