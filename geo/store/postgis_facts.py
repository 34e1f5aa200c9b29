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

from collections.abc import Callable, Iterable, Mapping, Sequence
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
#: Advisory lock namespace of a subdistrict's sums rows (held by a write that rewrites them, to its end).
_SUMS_LOCK_CLASS = 0x5161
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


def _group(by: By, alias: str) -> tuple[sql.Composable, sql.Composable, dict[str, Any]]:
    """(group expression over the facts rows ``alias``, join clause, parameters) for ``by``.

    Rows of no compound (``in_store`` false) have no group (NULL), as in ``geo.metrics``.
    """
    known = sql.SQL("CASE WHEN {} THEN {} END")
    if by is None:
        return known.format(sql.Identifier(alias, "in_store"), sql.SQL("''::text")), sql.SQL(""), {}
    if isinstance(by, str):
        if by != "area":
            raise ValueError(f"unknown grouping {by!r}: 'area' or a mapping of subdistricts")
        area = sql.SQL("COALESCE(NULLIF({}, ''), {})").format(sql.Identifier(alias, "area"), sql.Literal(schema.NO_AREA))
        return known.format(sql.Identifier(alias, "in_store"), area), sql.SQL(""), {}
    mapping: Mapping[str, str] = by
    join = sql.SQL(" LEFT JOIN (SELECT unnest(%(by_names)s::text[]) AS name, unnest(%(by_keys)s::text[]) AS key) m"
                   " ON m.name = {}").format(sql.Identifier(alias, "subdistrict"))
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
        elif column == "amount" or (column == "quantity_done" and frame[column].map(type).eq(float).any()):
            frame[column] = frame[column].astype(float)  # a quantity of floating type sums to a float, as in pandas
        else:
            frame[column] = frame[column].astype("int64")
    frame["g"] = frame["g"].where(frame["g"].notna(), None)
    return frame


# --- the facts tables: the rows the facts read, with their compound's keys ---------------------------
#: Per layer, its columns the facts read. The store keeps each as a table ``qy_facts_<layer>``
#: beside the layer (same column types), the child layers with their compound's
#: subdistrict, area and batch, ``in_store`` (the compound is in the store) and, for works,
#: ``pair_first``: the one row of each (compound, work) pair that finished first (the pair is
#: done by D exactly when that row is). So every facts query is one scan with no join, and a
#: distinct-compound count is a plain count.
MIRRORED: dict[str, tuple[str, ...]] = {
    "compounds": ("compound_id", "subdistrict", "area", "batch", "decision", "is_old", "households",
                  "plan_start", "plan_finish", "actual_start", "actual_finish"),
    "works": ("compound_id", "work", "actual_finish", "quantity"),
    "elevators": ("compound_id", "actual_start", "actual_finish"),
    "funding": ("compound_id", "year", "source", "amount_wan_yuan"),
}
#: The compound's columns each child row carries.
COMPOUND_KEYS: tuple[str, ...] = ("subdistrict", "area", "batch")
#: Columns a facts table has beyond its layer's and its compound's (all boolean).
FLAGS: dict[str, tuple[str, ...]] = {layer: ("in_store", *(("pair_first",) if layer == "works" else ()))
                                     for layer in MIRRORED}


#: Layers whose facts rows are also kept summed per subdistrict, area, batch, ``in_store`` and
#: the layer's own keys (layer -> those), in ``qy_facts_<layer>_sums``: compounds per decision,
#: old or not and their four dates (count and households); per work the pairs, the sorted
#: finish dates of the pairs and of the rows with the quantity finished by each (what is done
#: by D is a ``width_bucket`` lookup); funding per year and source (the amount). The facts of
#: a scope read these: 60 % of the compounds' rows, a fifth of the works' and funding's.
SUMMED: dict[str, tuple[str, ...]] = {
    "compounds": ("decision", "is_old", "plan_start", "plan_finish", "actual_start", "actual_finish"),
    "works": ("work",), "funding": ("year", "source"),
}


def facts_table(layer: str) -> str:
    """The name of the facts table of ``layer``."""
    return f"qy_facts_{layer}"


def sums_table(layer: str) -> str:
    """The name of the table of summed facts rows of ``layer`` (one of :data:`SUMMED`)."""
    return f"qy_facts_{layer}_sums"


def _sums_of(schema_name: str, layer: str, where: sql.Composable) -> sql.Composed:
    """The SELECT summing the facts rows ``x`` of ``layer`` that satisfy ``where``, by group."""
    rows = sql.Identifier(schema_name, facts_table(layer))
    if layer == "compounds":
        keys = sql.SQL(", ").join(sql.Identifier("x", c) for c in SUMMED["compounds"])
        return sql.SQL("SELECT x.subdistrict, x.area, x.batch, x.in_store, {}, count(*) AS n,"
                       " sum(x.households) AS households FROM {} x WHERE {} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
                       ).format(keys, rows, where)
    if layer == "funding":
        return sql.SQL("SELECT x.subdistrict, x.area, x.batch, x.in_store, x.year, x.source,"
                       " sum(x.amount_wan_yuan ORDER BY x.compound_id, x.amount_wan_yuan) AS amount_wan_yuan"  # the same bits
                       " FROM {} x WHERE {} GROUP BY 1, 2, 3, 4, 5, 6"
                       ).format(rows, where)
    pair = "x.pair_first AND x.compound_id IS NOT NULL"
    return sql.SQL(
        "SELECT x.subdistrict, x.area, x.batch, x.in_store, x.work, count(*) FILTER (WHERE " + pair + ") AS pairs,"
        " COALESCE(array_agg(x.actual_finish ORDER BY x.actual_finish) FILTER (WHERE " + pair +
        " AND x.actual_finish IS NOT NULL), '{{}}') AS done_dates,"
        " COALESCE(array_agg(x.actual_finish ORDER BY x.actual_finish) FILTER (WHERE x.actual_finish IS NOT NULL),"
        " '{{}}') AS finish_dates,"
        " COALESCE(array_agg(x.quantity_by ORDER BY x.actual_finish) FILTER (WHERE x.actual_finish IS NOT NULL),"
        " '{{}}') AS quantity_by"
        " FROM (SELECT x.*, sum(COALESCE(x.quantity, 0)) FILTER (WHERE x.actual_finish IS NOT NULL)"
        " OVER (PARTITION BY x.subdistrict, x.area, x.batch, x.in_store, x.work ORDER BY x.actual_finish)"
        " AS quantity_by FROM {} x WHERE {}) x GROUP BY 1, 2, 3, 4, 5").format(rows, where)


def _rows_of(schema_name: str, layer: str, where: sql.Composable) -> sql.Composed:
    """The SELECT giving the facts rows of ``layer`` whose row ``x`` satisfies ``where``."""
    cols = sql.SQL(", ").join(sql.Identifier("x", c) for c in MIRRORED[layer])
    live = sql.Identifier(schema_name, layer)
    if layer == "compounds":
        return sql.SQL("SELECT {}, true AS in_store FROM {} x WHERE {}").format(cols, live, where)
    keys = sql.SQL(", ").join(sql.Identifier("c", k) for k in COMPOUND_KEYS)
    flags = sql.SQL("")
    if layer == "works":
        flags = sql.SQL(", row_number() OVER (PARTITION BY x.compound_id, x.work"
                        " ORDER BY x.actual_finish NULLS LAST, x._ord) = 1 AS pair_first")
    return sql.SQL("SELECT {cols}, {keys}, c.compound_id IS NOT NULL AS in_store{flags} FROM {live} x"
                   " LEFT JOIN {c} c ON c.compound_id = x.compound_id WHERE {where}").format(
        cols=cols, keys=keys, flags=flags, live=live, c=sql.Identifier(schema_name, "compounds"), where=where)


def _types(cur: psycopg.Cursor, schema_name: str) -> dict[tuple[str, str], str]:
    """(table, column) -> type of the layers and facts tables of the schema."""
    tables = [*MIRRORED, *(facts_table(layer) for layer in MIRRORED), *(sums_table(layer) for layer in SUMMED)]
    cur.execute("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relname = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped",
                (schema_name, tables))
    return {(table, column): kind for table, column, kind in cur.fetchall()}


def facts_tables_state(cur: psycopg.Cursor, schema_name: str) -> str:
    """'ready' (the facts tables match the layers' columns), 'stale' (missing or of other types)
    or 'impossible' (a layer lacks a column the facts read)."""
    types = _types(cur, schema_name)
    needed = [(layer, c) for layer, cols in MIRRORED.items() for c in cols]
    if any((layer, c) not in types for layer, c in needed):
        return "impossible"
    keys = [(layer, k) for layer in MIRRORED if layer != "compounds" for k in COMPOUND_KEYS]
    same = all(types.get((facts_table(layer), c)) == types[(layer, c)] for layer, c in needed) and all(
        types.get((facts_table(layer), k)) == types[("compounds", k)] for layer, k in keys) and all(
        types.get((facts_table(layer), f)) == "boolean" for layer, flags in FLAGS.items() for f in flags) and all(
        types.get((sums_table(layer), c)) == types[(layer, c)] for layer, keys in SUMMED.items() for c in keys)
    return "ready" if same else "stale"


def build_facts_tables(cur: psycopg.Cursor, schema_name: str) -> None:
    """(Re)make every facts table from the layers (in the caller's transaction); drop them if it cannot."""
    state = facts_tables_state(cur, schema_name)
    for layer in MIRRORED:
        table = sql.Identifier(schema_name, facts_table(layer))
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        if state == "impossible":
            continue
        cur.execute(sql.SQL("CREATE TABLE {} AS {}").format(table, _rows_of(schema_name, layer, sql.SQL("true"))))
        for column in ("compound_id", "subdistrict"):
            cur.execute(sql.SQL("CREATE INDEX ON {} ({})").format(table, sql.Identifier(column)))
        cur.execute(sql.SQL("ANALYZE {}").format(table))
    for layer in SUMMED:
        table = sql.Identifier(schema_name, sums_table(layer))
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        if state == "impossible":
            continue
        cur.execute(sql.SQL("CREATE TABLE {} AS {}").format(table, _sums_of(schema_name, layer, sql.SQL("true"))))
        cur.execute(sql.SQL("CREATE INDEX ON {} (subdistrict)").format(table))
        cur.execute(sql.SQL("ANALYZE {}").format(table))


def refresh_facts_tables(cur: psycopg.Cursor, schema_name: str, compound_ids: Iterable[Any],
                         layers: Iterable[str] | None = None) -> None:
    """Bring the facts rows of the compounds ``compound_ids`` (None: rows with no compound id) up to
    date with the layers, in the caller's transaction; rebuild every facts table when they do not fit.
    ``layers``: the only layers whose rows of these compounds changed (None: any; a compound's
    change reaches every layer's rows, which carry its keys).

    The sums of the subdistricts the compounds were and are in are made again from their facts
    rows, under a lock per subdistrict: two edits in one subdistrict queue there, not elsewhere.
    """
    ids = set(compound_ids)
    if not ids:
        return
    state = facts_tables_state(cur, schema_name)
    if state != "ready":
        build_facts_tables(cur, schema_name)
        return
    changed = set(MIRRORED) if layers is None or "compounds" in set(layers) else set(layers) & set(MIRRORED)
    summed = [layer for layer in SUMMED if layer in changed]
    texts = sorted(str(i) for i in ids if i is not None)
    where = _touched(None in ids)
    places = _subdistricts_of(cur, schema_name, where, texts, summed)  # the groups the compounds were in
    for layer in (layer for layer in MIRRORED if layer in changed):
        table = sql.Identifier(schema_name, facts_table(layer))
        cur.execute(sql.SQL("DELETE FROM {} x WHERE {}").format(table, where), {"ids": texts})
        cur.execute(sql.SQL("INSERT INTO {} {}").format(table, _rows_of(schema_name, layer, where)), {"ids": texts})
    places |= _subdistricts_of(cur, schema_name, where, texts, summed)  # and are in now
    names = sorted(p for p in places if p is not None)
    in_places = sql.SQL("(x.subdistrict = ANY(%(names)s::text[]){})").format(
        sql.SQL(" OR x.subdistrict IS NULL") if None in places else sql.SQL(""))
    for name in sorted(places, key=lambda p: (p is None, p or "")):  # in one order: parallel edits do not deadlock
        cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_SUMS_LOCK_CLASS, f"{schema_name}/{name}"))
    for layer in summed:  # each statement sees the sums another edit of these subdistricts committed
        table = sql.Identifier(schema_name, sums_table(layer))
        cur.execute(sql.SQL("DELETE FROM {} x WHERE {}").format(table, in_places), {"names": names})
        cur.execute(sql.SQL("INSERT INTO {} {}").format(table, _sums_of(schema_name, layer, in_places)),
                    {"names": names})


def _subdistricts_of(cur: psycopg.Cursor, schema_name: str, where: sql.Composable, ids: list[str],
                     layers: Sequence[str]) -> set[Any]:
    """The subdistricts (None: of no compound or none) of the facts rows ``x`` of ``layers`` satisfying ``where``."""
    if not layers:
        return set()
    cur.execute(sql.SQL(" UNION ").join(
        sql.SQL("SELECT DISTINCT x.subdistrict FROM {} x WHERE {}").format(
            sql.Identifier(schema_name, facts_table(layer)), where) for layer in layers), {"ids": ids})
    return {r[0] for r in cur.fetchall()}


def _touched(with_null: bool) -> sql.Composable:
    """Rows ``x`` of the compound ids ``%(ids)s`` (and with none, when ``with_null``)."""
    where = sql.SQL("x.compound_id = ANY(%(ids)s::text[])")
    return sql.SQL("({} OR x.compound_id IS NULL)").format(where) if with_null else where


# --- the facts --------------------------------------------------------------------------------------
def compute_facts(cur: psycopg.Cursor, schema_name: str, read_where: ReadWhere, as_of: AsOf, scope: SqlScope,
                  by: By, *, compounds_only: bool = False) -> dict[str, pd.DataFrame]:
    """The facts frames (compounds, elevators, works, funding, greenways, sites) of ``scope`` on ``as_of``.

    Read from the facts tables when they are up to date, else from the same rows made on the fly
    from the layers (a store written before the facts tables existed). ``compounds_only``: the
    other frames empty (the roll-up map needs only the compounds).
    """
    cur.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    ready = facts_tables_state(cur, schema_name) == "ready"

    def rows(layer: str) -> sql.Composable:
        if ready:
            return sql.Identifier(schema_name, facts_table(layer))
        return sql.SQL("({})").format(_rows_of(schema_name, layer, sql.SQL("true")))

    compounds = (sql.Identifier(schema_name, sums_table("compounds")), "sum(c.n)") if ready else (rows("compounds"),
                                                                                               "count(*)")
    out = {"compounds": _fetch(cur, "compounds", _compounds_query(*compounds, as_of, scope, by))}
    if compounds_only:
        empty = {kind: _empty(kind) for kind in ("elevators", "works", "funding")}
        layers = {name: read_where(cur, name, sql.SQL("false"), {}) for name in ("greenways", "sites")}
        return {**out, **empty, **layers}
    out["elevators"] = _fetch(cur, "elevators", _elevators_query(rows("elevators"), as_of, scope, by))
    if ready:
        sums = {layer: sql.Identifier(schema_name, sums_table(layer)) for layer in SUMMED}
        out["works"] = _fetch(cur, "works", _works_sums_query(sums["works"], as_of, scope, by))
        out["funding"] = _fetch(cur, "funding", _funding_query(sums["funding"], as_of, scope, by))
    else:
        out["works"] = _fetch(cur, "works", _works_query(rows("works"), as_of, scope, by))
        out["funding"] = _fetch(cur, "funding", _funding_query(rows("funding"), as_of, scope, by))
    out["greenways"] = read_where(cur, "greenways", *_place_rows(schema_name, scope, "ST_Intersects"))
    out["sites"] = read_where(cur, "sites", *_place_rows(schema_name, scope, "ST_Within"))
    return out


Query = tuple[sql.Composed, dict[str, Any]]


def _fetch(cur: psycopg.Cursor, kind: str, query: Query) -> pd.DataFrame:
    cur.execute(*query)
    return _frame(cur, kind)


def _grouped(select: str, rows: sql.Composable, alias: str, scope: SqlScope, by: By, keys: int,
             extra_where: str = "true", **parts: str) -> Query:
    """``SELECT {g}, <select> FROM rows alias [join] WHERE scope AND extra GROUP BY 1..keys``."""
    g, join, params = _group(by, alias)
    where, scope_params = scope.where(alias)
    query: sql.Composed = sql.SQL("SELECT {g}, " + select + " FROM {rows} {a}{join} WHERE {where} AND {extra}"
                                  " GROUP BY {keys}").format(
        g=g, rows=rows, a=sql.Identifier(alias), join=join, where=where, extra=sql.SQL(extra_where),
        keys=sql.SQL(", ").join(sql.Literal(i) for i in range(1, keys + 1)),
        **{k: sql.SQL(v) for k, v in parts.items()})
    return query, {**params, **scope_params}


def _compounds_query(rows: sql.Composable, n: str, as_of: AsOf, scope: SqlScope, by: By) -> Query:
    """``n``: how a row counts (``count(*)`` over facts rows, ``sum(c.n)`` over sums)."""
    return _grouped("COALESCE(c.batch, ''), {status}, COALESCE(c.decision, ''), COALESCE(c.is_old, false),"
                    " {late} > 0, " + n + "::bigint, COALESCE(sum(c.households), 0)", rows, "c", scope, by, 6,
                    status=asof.sql_status(as_of, "c"), late=asof.sql_days_late(as_of, "c"))


def _elevators_query(rows: sql.Composable, as_of: AsOf, scope: SqlScope, by: By) -> Query:
    return _grouped("COALESCE(e.batch, ''), {stage}, {in_year}, count(*)", rows, "e", scope, by, 4,
                    stage=asof.sql_elevator_stage(as_of, "e"), in_year=asof.sql_elevators_completed_in_year(as_of, "e"))


def _works_query(rows: sql.Composable, as_of: AsOf, scope: SqlScope, by: By) -> Query:
    """Compounds having the work = pairs (one row each), done = pairs whose first-finished row is done."""
    return _grouped("COALESCE(w.batch, ''), w.work, count(*) FILTER (WHERE w.pair_first AND w.compound_id IS NOT NULL),"
                    " count(*) FILTER (WHERE w.pair_first AND w.compound_id IS NOT NULL AND {done}),"
                    " COALESCE(sum(CASE WHEN {done} THEN w.quantity ELSE 0 END), 0)", rows, "w", scope, by, 3,
                    done=asof.sql_works_done(as_of, "w"))


def _works_sums_query(sums: sql.Composable, as_of: AsOf, scope: SqlScope, by: By) -> Query:
    """:func:`_works_query` over the works sums: done and quantity by D looked up in the sorted dates."""
    day = asof.sql_day(as_of)
    rows = sql.SQL("(SELECT s.*, width_bucket({}, s.finish_dates) AS upto FROM {} s)").format(sql.SQL(day), sums)
    return _grouped("COALESCE(w.batch, ''), w.work, sum(w.pairs)::bigint,"
                    " sum(width_bucket({day}, w.done_dates))::bigint, COALESCE(sum(w.quantity_by[w.upto]), 0)",
                    rows, "w", scope, by, 3, day=day)


def _funding_query(rows: sql.Composable, as_of: AsOf, scope: SqlScope, by: By) -> Query:
    return _grouped("COALESCE(f.batch, ''), f.year::bigint, f.source, sum(f.amount_wan_yuan)", rows, "f", scope, by,
                    4, asof.sql_funding_to_date(as_of, "f"))


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
