import pandas as pd
import pytest

from geo.store.gpkg import GpkgStore, StoreError, open_store


def test_round_trip(tmp_path, sample):
    path = tmp_path / "copy.gpkg"
    GpkgStore(path).save(sample)
    back = GpkgStore(path).load()
    assert back.meta == sample.meta
    pd.testing.assert_frame_equal(pd.DataFrame(back.elevators), pd.DataFrame(sample.elevators), check_dtype=False)
    assert back.compounds.crs.to_epsg() == 4326
    assert back.compounds["actual_finish"].dtype.kind == "M"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="not found"):
        GpkgStore(tmp_path / "nope.gpkg").load()


def test_store_location_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QY_STORE", str(tmp_path / "x.gpkg"))
    assert open_store().path == tmp_path / "x.gpkg"


def test_default_store_is_a_working_copy_of_the_sample(monkeypatch, tmp_path):
    import geo.settings
    import geo.store.gpkg
    from geo.settings import SAMPLE_GPKG
    work = tmp_path / "work" / "qingyang.gpkg"
    monkeypatch.delenv("QY_STORE", raising=False)
    monkeypatch.setattr(geo.settings, "WORK_STORE", work)
    monkeypatch.setattr(geo.store.gpkg, "WORK_STORE", work)
    before = SAMPLE_GPKG.read_bytes()
    store = open_store()
    assert store.path == work and work.read_bytes() == before
    assert len(store.load().compounds) == 1891
    assert SAMPLE_GPKG.read_bytes() == before  # the committed sample is never the write target
