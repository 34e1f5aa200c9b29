"""The PostGIS backend beyond the contract: changed rows only, columns that come and go, plain SQL on the layers."""
from __future__ import annotations

import pandas as pd

from geo.dataset import LAYERS
from geo.store import open_store
from tests.geo.tiny_data import tiny_dataset
from tests.store_support import pg_url, sample_store_at


def _history_rows(store, layer: str) -> int:
    return int(store.query_frame(f'SELECT count(*) AS n FROM "{store.schema}"."qy_history_{layer}"')["n"].iloc[0])


def test_the_sample_reads_back_as_the_geopackage_gives_it(tmp_path, sample):
    back = sample_store_at(pg_url(tmp_path)).load().dataset
    assert back.meta == sample.meta and back.compounds.crs.to_epsg() == 4326
    for name in LAYERS:
        assert getattr(back, name).to_csv(index=False) == getattr(sample, name).to_csv(index=False), name


def test_an_import_writes_only_the_rows_it_changes(tmp_path, sample):
    store = sample_store_at(pg_url(tmp_path))
    compounds = sample.compounds.copy()
    compounds.loc[[3, 700], "households"] += 1
    new = compounds.iloc[[0]].assign(compound_id="QY-9999")
    store.commit(sample.with_layers(compounds=pd.concat([compounds, new], ignore_index=True)), user="admin")
    assert _history_rows(store, "compounds") == 3  # two rows as they were, one "was not there"
    assert sum(_history_rows(store, name) for name in LAYERS if name != "compounds") == 0
    assert store.load_version(1).compounds.to_csv(index=False) == sample.compounds.to_csv(index=False)
    store.restore(1, user="admin")
    assert _history_rows(store, "compounds") == 6  # the restore, too, writes the three rows only
    assert store.load().dataset.compounds.to_csv(index=False) == sample.compounds.to_csv(index=False)


def test_a_column_an_import_brings_is_added_and_older_versions_do_not_show_it(tmp_path):
    store = open_store(pg_url(tmp_path))
    tiny = tiny_dataset()
    store.initialize(tiny)
    store.commit(tiny.with_layers(works=tiny.works.assign(contractor=["甲公司", None, "乙公司"])), user="admin")
    assert list(store.load().dataset.works["contractor"].fillna("")) == ["甲公司", "", "乙公司"]
    assert "contractor" not in store.load_version(1).works.columns
    store.restore(1, user="admin")
    assert "contractor" not in store.load().dataset.works.columns


def test_the_layers_are_plain_postgis_tables_and_stores_are_schemas(tmp_path):
    one, two = open_store(pg_url(tmp_path / "one")), open_store(pg_url(tmp_path / "two"))
    one.initialize(tiny_dataset())
    two.initialize(tiny_dataset().with_layers(compounds=tiny_dataset().compounds.iloc[:1]))
    rows = one.query_frame(f'SELECT compound_id, ST_SRID(geometry) AS srid FROM "{one.schema}".compounds '
                           "WHERE ST_Intersects(geometry, ST_MakeEnvelope(104.0, 30.6, 104.04, 30.7, 4326)) "
                           "ORDER BY compound_id")
    assert list(rows["compound_id"]) == ["QY-A", "QY-B"] and set(rows["srid"]) == {4326}
    assert len(two.load().dataset.compounds) == 1 and len(one.load().dataset.compounds) == 3
    assert one.sqlalchemy_url().startswith("postgresql+psycopg://")
