import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geo import spatial


@pytest.fixture
def polygons():
    return gpd.GeoDataFrame({"name": ["A", "B"]},
                            geometry=[box(104.0, 30.6, 104.05, 30.7), box(104.05, 30.6, 104.1, 30.7)],
                            crs="EPSG:4326")


@pytest.fixture
def points():
    return gpd.GeoDataFrame({"subdistrict": [None, "B", "", None]},
                            geometry=[Point(104.01, 30.65), Point(104.02, 30.65), Point(104.07, 30.65),
                                      Point(105.0, 31.0)], crs="EPSG:4326")


def test_assign_fills_only_missing(points, polygons):
    out = spatial.assign_by_location(points, polygons, name_col="name", target_col="subdistrict")
    assert list(out["subdistrict"]) == ["A", "B", "B", None]
    assert points["subdistrict"].iloc[0] is None  # input not mutated


def test_assign_overwrite(points, polygons):
    out = spatial.assign_by_location(points, polygons, name_col="name", target_col="subdistrict", only_missing=False)
    assert list(out["subdistrict"]) == ["A", "A", "B", None]


def test_select_within(points):
    assert len(spatial.select_within(points, box(104.0, 30.6, 104.03, 30.7))) == 2
    assert len(spatial.select_within(points, box(104.06, 30.6, 104.08, 30.7))) == 1


def test_select_within_other_crs(points):
    poly_utm = gpd.GeoSeries([box(104.0, 30.6, 104.03, 30.7)], crs="EPSG:4326").to_crs(32648).iloc[0]
    assert len(spatial.select_within(points, poly_utm, polygon_crs="EPSG:32648")) == 2


def test_lengths_and_areas_in_metres():
    # 0.01 degree of latitude is about 1,109 m; a 1 km x 1 km square in UTM has 1e6 m2.
    line = gpd.GeoSeries([LineString([(104.0, 30.6), (104.0, 30.61)])], crs="EPSG:4326")
    assert spatial.length_m(line).iloc[0] == pytest.approx(1108.9, abs=2)


def test_crs_required():
    with pytest.raises(ValueError, match="CRS"):
        spatial.length_m(gpd.GeoSeries([Point(0, 0)]))
