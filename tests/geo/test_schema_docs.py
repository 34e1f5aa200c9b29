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
