import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from geo import crs

# Chengdu-ish and all-China boxes for property tests.
china_lon = st.floats(73.0, 135.0)
china_lat = st.floats(18.0, 53.0)


def test_published_vector_wgs84_to_gcj02():
    lon, lat = crs.wgs84_to_gcj02(120.0, 40.0)
    assert float(lon) == pytest.approx(120.00567568355486, abs=1e-12)
    assert float(lat) == pytest.approx(40.0013047896019, abs=1e-12)


def test_published_vectors_coordtransform():
    # Results printed by the widely used coordtransform package's own test (116.404, 39.915).
    assert [float(v) for v in crs.gcj02_to_bd09(116.404, 39.915)] == pytest.approx(
        [116.41036949371029, 39.92133699351021], abs=1e-12)
    assert [float(v) for v in crs.wgs84_to_gcj02(116.404, 39.915)] == pytest.approx(
        [116.41024449916938, 39.91640428150164], abs=1e-12)
    # Their one-step bd09 -> gcj02 inverse is approximate; ours iterates, so agree to ~1e-5 degree.
    assert [float(v) for v in crs.bd09_to_gcj02(116.404, 39.915)] == pytest.approx(
        [116.39762729119315, 39.90865673957631], abs=2e-5)


def test_shift_in_chengdu_is_about_360_metres():
    lon, lat = crs.wgs84_to_gcj02(104.0635, 30.6596)
    assert 0.002 < float(lon) - 104.0635 < 0.003
    assert -0.003 < float(lat) - 30.6596 < -0.002


def test_outside_china_passes_unchanged():
    lons, lats = np.array([2.35, -74.0, 151.2]), np.array([48.85, 40.7, -33.9])
    for dst in ("gcj02", "bd09"):
        x, y = crs.convert(lons, lats, "wgs84", dst)
        np.testing.assert_array_equal(x, lons)
        np.testing.assert_array_equal(y, lats)


@settings(max_examples=200, deadline=None)
@given(china_lon, china_lat)
def test_gcj02_inverse_round_trip_better_than_1cm(lon, lat):
    g = crs.wgs84_to_gcj02(lon, lat)
    back = crs.gcj02_to_wgs84(*g)
    # 1e-7 degree is about 1 cm; the inverse iterates to 1e-10.
    assert abs(float(back[0]) - lon) < 1e-7 and abs(float(back[1]) - lat) < 1e-7


@settings(max_examples=200, deadline=None)
@given(china_lon, china_lat, st.sampled_from(crs.CRS_NAMES), st.sampled_from(crs.CRS_NAMES))
def test_any_pair_round_trips(lon, lat, a, b):
    x, y = crs.convert(lon, lat, a, b)
    bx, by = crs.convert(x, y, b, a)
    assert abs(float(bx) - lon) < 1e-7 and abs(float(by) - lat) < 1e-7


def test_cgcs2000_is_wgs84():
    x, y = crs.convert(104.06, 30.66, "cgcs2000", "gcj02")
    x2, y2 = crs.convert(104.06, 30.66, "wgs84", "gcj02")
    assert (float(x), float(y)) == (float(x2), float(y2))


def test_vectorised_equals_scalar():
    lons, lats = np.linspace(103.9, 104.1, 50), np.linspace(30.6, 30.75, 50)
    vx, vy = crs.convert(lons, lats, "bd09", "wgs84")
    for i in (0, 17, 49):
        sx, sy = crs.convert(lons[i], lats[i], "bd09", "wgs84")
        assert vx[i] == pytest.approx(float(sx), abs=1e-12) and vy[i] == pytest.approx(float(sy), abs=1e-12)


def test_geoseries_conversion_keeps_index_crs_and_shape():
    gs = gpd.GeoSeries([Point(104.06, 30.66), LineString([(104.0, 30.6), (104.1, 30.7)])],
                       index=["a", "b"], crs="EPSG:4326")
    out = crs.convert_geoseries(gs, "wgs84", "gcj02")
    assert list(out.index) == ["a", "b"] and out.crs.to_epsg() == 4326
    assert out.iloc[1].geom_type == "LineString" and len(out.iloc[1].coords) == 2
    assert out.iloc[0].x == pytest.approx(float(crs.wgs84_to_gcj02(104.06, 30.66)[0]))
    assert gs.iloc[0].x == 104.06  # input untouched


def test_unknown_crs_name_lists_valid_choices():
    with pytest.raises(ValueError, match="wgs84, cgcs2000, gcj02, bd09"):
        crs.normalize_crs_name("web-mercator")
    assert crs.normalize_crs_name("GCJ-02") == "gcj02"
