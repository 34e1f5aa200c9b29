"""data/README.md documents the model that geo/schema.py and the store define."""
import sqlite3

from geo import schema
from geo.dataset import LAYERS
from geo.programme import PROGRAMME_TABLES
from geo.settings import DATA_DIR, SAMPLE_GPKG

README = (DATA_DIR / "README.md").read_text(encoding="utf-8")


def test_every_field_is_documented():
    for fields in (schema.COMPOUND_FIELDS, schema.WORK_FIELDS, schema.ELEVATOR_FIELDS, schema.FUNDING_FIELDS):
        for f in fields:
            assert f"`{f.name}`" in README, f.name


def test_every_vocabulary_key_and_layer_is_documented():
    keys = list(schema.WORK_KEYS) + list(schema.FUNDING_KEYS) + list(schema.STATUSES) + list(LAYERS)
    for key in keys:
        assert f"`{key}`" in README, key


def test_every_programme_column_and_place_vocabulary_is_documented():
    for table, columns in PROGRAMME_TABLES.items():
        assert f"`{table}`" in README, table
        for column in columns:
            assert f"`{column}`" in README, f"{table}.{column}"
    for key in (*schema.PLACE_LEVELS, *schema.PERIODS, *schema.TARGET_MEASURES):
        assert f"`{key}`" in README, key


def test_every_store_table_is_documented():
    with sqlite3.connect(f"file:{SAMPLE_GPKG}?mode=ro", uri=True) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'qy_%'")]
    assert tables
    for table in tables:
        assert f"`{table}`" in README, table


def _documented(table: str) -> bool:
    if table.startswith("qy_history_"):
        return "`qy_history_<layer>`" in README and table.removeprefix("qy_history_") in (*LAYERS, "meta")
    return f"`{table}`" in README


def test_every_table_of_a_used_store_is_documented_on_both_backends(tmp_path):
    """The tables a store has after an import and an edit, GeoPackage and PostGIS, are all in data/README."""
    from geo.store import Change, open_store
    from tests.geo.tiny_data import tiny_dataset
    from tests.store_support import pg_url

    found = set()
    for url in (f"gpkg:{tmp_path / 's.gpkg'}", pg_url(tmp_path / "s")):
        store = open_store(url)
        store.initialize(tiny_dataset())
        store.commit(tiny_dataset(), user="admin")
        store.apply_changes("QY-B", [Change("compounds", ("QY-B",), "actual_finish", None, "2023-06-30")],
                            user="ed", etag=store.etag("QY-B"))
        if url.startswith("gpkg:"):
            with sqlite3.connect(tmp_path / "s.gpkg") as con:
                found |= {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                                    "AND name NOT LIKE 'gpkg%' AND name NOT LIKE 'rtree%' "
                                                    "AND name NOT LIKE 'sqlite%'")}
        else:
            with store.connection() as con:
                found |= {r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s",
                                                    (store.schema,))}
    assert {"qy_history_compounds", "qy_serial", "qy_versions"} <= found
    assert [t for t in sorted(found) if not _documented(t)] == []
