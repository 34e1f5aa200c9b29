"""The facts tables of the PostGIS backend: kept equal to the layers by every write, and never needed to be right."""
from __future__ import annotations

import datetime as dt
import threading

from psycopg import sql

from geo import metrics
from geo.store import Change, open_store
from geo.store.postgis_facts import (
    MIRRORED,
    SUMMED,
    build_facts_tables,
    facts_table,
    facts_tables_state,
    sums_table,
)
from geo.synthetic import build_synthetic
from tests.geo.store.test_facts import _edited, assert_facts_equal
from tests.store_support import pg_url

DAY = dt.date(2024, 6, 1)


def _contents(store) -> dict[str, str]:
    """Every facts and sums table's rows as sorted CSV text."""
    out = {}
    for table in (*map(facts_table, MIRRORED), *map(sums_table, SUMMED)):
        frame = store.query_frame(sql.SQL("SELECT * FROM {}").format(sql.Identifier(store.schema, table)))
        frame = frame.astype(str)  # arrays as text
        out[table] = frame.sort_values(list(frame.columns)).to_csv(index=False)
    assert all(out.values())
    return out


def _state(store) -> str:
    with store._tx(read_only=True) as cur:
        return facts_tables_state(cur, store.schema)


def test_writes_keep_the_facts_tables_as_a_rebuild_makes_them(tmp_path):
    store = open_store(pg_url(tmp_path))
    store.initialize(build_synthetic(300, provinces=2, seed=3))
    assert _state(store) == "ready"
    ds = store.load().dataset
    store.commit(_edited(ds), user="importer")
    cid = ds.compounds["compound_id"].iloc[5]
    store.apply_changes(cid, [Change("compounds", (cid,), "households", None, 999)], user="ed", etag=store.etag(cid))
    kept = _contents(store)
    with store._tx() as cur:
        build_facts_tables(cur, store.schema)
    assert _contents(store) == kept


def test_without_facts_tables_the_facts_are_the_same_and_the_next_import_makes_them(tmp_path):
    store = open_store(pg_url(tmp_path))
    store.initialize(build_synthetic(300, provinces=2, seed=3))
    with store._tx() as cur:
        for layer in MIRRORED:
            cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(store.schema, facts_table(layer))))
    assert _state(store) == "stale"
    ds = store.load().dataset
    assert_facts_equal(store.facts(DAY), metrics.facts_from_dataset(ds, DAY))
    cid = ds.compounds["compound_id"].iloc[0]
    store.apply_changes(cid, [Change("compounds", (cid,), "households", None, 7)], user="ed", etag=store.etag(cid))
    assert _state(store) == "stale"  # an edit does not build them (edits run in parallel)
    store.commit(_edited(store.load().dataset), user="importer")
    assert _state(store) == "ready"
    assert_facts_equal(store.facts(DAY), metrics.facts_from_dataset(store.load().dataset, DAY))


def test_a_wider_column_rebuilds_the_facts_tables(tmp_path):
    store = open_store(pg_url(tmp_path))
    ds = build_synthetic(300, provinces=2, seed=3)
    store.initialize(ds)
    works = ds.works.assign(quantity=ds.works["quantity"].astype(float) * 2)  # bigint -> double precision
    store.commit(ds.with_layers(works=works), user="importer")
    types = store.query_frame("SELECT table_name, data_type FROM information_schema.columns WHERE table_schema = %s"
                              " AND column_name = 'quantity'", (store.schema,))
    assert set(types["data_type"]) == {"double precision"} and len(types) >= 2
    assert _state(store) == "ready"
    assert_facts_equal(store.facts(DAY), metrics.facts_from_dataset(store.load().dataset, DAY))


def test_parallel_edits_in_one_subdistrict_keep_its_sums(tmp_path):
    """Edits of different compounds run in parallel; those of one subdistrict queue for its sums rows."""
    store = open_store(pg_url(tmp_path))
    ds = build_synthetic(300, provinces=2, seed=3)
    store.initialize(ds)
    works = ds.works.merge(ds.compounds[["compound_id", "subdistrict"]], on="compound_id")
    place = works["subdistrict"].value_counts().index[0]
    pairs = works[works["subdistrict"] == place].drop_duplicates("compound_id")[["compound_id", "work"]].head(6)
    errors = []

    def edit(cid: str, work: str) -> None:
        try:
            for i in range(6):
                change = Change("works", (cid, work), "quantity", None, 100 + i)
                store.apply_changes(cid, [change], user="ed", etag=store.etag(cid))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=tuple(p)) for p in pairs.itertuples(index=False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(threads) >= 3
    kept = _contents(store)
    with store._tx() as cur:
        build_facts_tables(cur, store.schema)
    assert _contents(store) == kept
    assert_facts_equal(store.facts(DAY), metrics.facts_from_dataset(store.load().dataset, DAY))
