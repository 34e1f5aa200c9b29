"""geo.store.open_store: store URLs and QY_STORE; the store stays behind its interface."""
from __future__ import annotations

import re

import pytest

from geo.settings import ROOT
from geo.store import Store, StoreError, open_store, scratch_url
from geo.store.postgis import PostgisStore


@pytest.mark.parametrize("form", ["{p}", "gpkg:{p}", "gpkg://{p}"])
def test_a_path_or_a_gpkg_url_opens_the_geopackage_backend(form, tmp_path):
    store = open_store(form.format(p=tmp_path / "s.gpkg"))
    assert isinstance(store, Store) and store.url == f"gpkg:{tmp_path / 's.gpkg'}"


def test_the_store_comes_from_qy_store_as_a_url_or_a_path(monkeypatch, tmp_path):
    monkeypatch.setenv("QY_STORE", f"gpkg:{tmp_path / 'a.gpkg'}")
    assert open_store().url == f"gpkg:{tmp_path / 'a.gpkg'}"
    monkeypatch.setenv("QY_STORE", str(tmp_path / "b.gpkg"))
    assert open_store().url == f"gpkg:{tmp_path / 'b.gpkg'}"
    assert open_store(scratch_url(tmp_path, "c")).url == f"gpkg:{tmp_path / 'c.gpkg'}"


def test_a_postgresql_url_opens_the_postgis_backend_without_connecting(monkeypatch):
    monkeypatch.setenv("QY_STORE", "postgresql://editor:s3cret@db.example/qingyang?schema=district_a&sslmode=require")
    store = open_store()  # nothing is connected until the first read or write
    assert isinstance(store, PostgisStore) and store.schema == "district_a"
    assert store.target.conninfo == "postgresql://editor:s3cret@db.example/qingyang?sslmode=require"
    assert "s3cret" not in store.target.label and "postgresql://editor@db.example/qingyang" in store.target.label
    assert open_store("postgres://db.example/qingyang").schema == "qy"  # the default schema


def test_a_bad_schema_name_is_refused_in_both_languages():
    with pytest.raises(StoreError) as info:
        open_store("postgresql://db.example/qingyang?schema=Bad-Name;drop")
    assert "Bad-Name;drop" in str(info.value) and "模式名" in str(info.value)


def test_an_unreachable_server_is_a_clear_store_error():
    store = open_store("postgresql://nobody@127.0.0.1:9/qingyang?connect_timeout=2")  # port 9: nothing listens
    with pytest.raises(StoreError) as info:
        store.fingerprint()
    assert "127.0.0.1:9" in str(info.value) and "无法访问数据库" in str(info.value)


def test_an_unknown_scheme_names_the_valid_ones():
    with pytest.raises(StoreError, match="gpkg:PATH"):
        open_store("mysql://somewhere/db")


_OUTSIDE = [ROOT / "dashboard", ROOT / "geo", ROOT / "benchmarks", ROOT / "docs"]
# geo/settings.py is the one home of configuration: it names the sample's and the working store's files.
_BACKEND_NAMES = re.compile(r"GpkgStore|geo\.store\.gpkg|geo\.store import gpkg|SAMPLE_GPKG|WORK_STORE\b|store\.path\b")
_RAW_WRITES = re.compile(r"\.(commit|restore|apply_changes|put_user|delete_user|initialize)\(")


def _sources(folders: list) -> list:
    return [p for folder in folders for p in folder.rglob("*.py") if not p.is_relative_to(ROOT / "geo" / "store")]


def test_nothing_outside_the_store_names_the_geopackage_backend_or_its_file():
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in _sources(_OUTSIDE)
                 if p.name != "settings.py" for m in _BACKEND_NAMES.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_pages_and_the_command_line_write_only_through_geo_writes():
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in _sources([ROOT / "dashboard", ROOT / "geo" / "cli"])
                 for m in _RAW_WRITES.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []
