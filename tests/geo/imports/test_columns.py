"""geo.imports.columns: headers as planners, map pickers and GIS exports write them."""
from __future__ import annotations

import pytest

from geo.imports.columns import is_units_row, map_columns, match_header

CRS_HEADERS = [
    ("百度经度", "lon", "bd09"), ("经度(百度)", "lon", "bd09"), ("lng_baidu", "lon", "bd09"), ("BD09_X", "lon", "bd09"),
    ("X_BD-09", "lon", "bd09"), ("百度纬度", "lat", "bd09"), ("lat_bd09", "lat", "bd09"),
    ("高德经度", "lon", "gcj02"), ("AMap lng", "lon", "gcj02"), ("GaoDe Latitude", "lat", "gcj02"),
    ("GCJ02纬度", "lat", "gcj02"), ("lat (GCJ-02)", "lat", "gcj02"), ("高德坐标经度", "lon", "gcj02"),
    ("WGS84_lon", "lon", "wgs84"), ("经度（WGS-84）", "lon", "wgs84"), ("Latitude (WGS-84)", "lat", "wgs84"),
    ("CGCS2000 X", "lon", "cgcs2000"), ("Y(CGCS2000)", "lat", "cgcs2000"), ("国家2000经度", "lon", "cgcs2000"),
]


@pytest.mark.parametrize("header, field, crs", CRS_HEADERS)
def test_headers_that_name_their_coordinate_system(header, field, crs):
    match = match_header(header)
    assert match is not None and (match.field, match.crs) == (field, crs)


@pytest.mark.parametrize("header", ["经度", "lng", "x", "纬度", "Y坐标"])
def test_plain_coordinate_headers_name_no_coordinate_system(header):
    assert match_header(header).crs is None


def test_crs_words_alone_or_with_other_fields_are_not_coordinates():
    assert match_header("百度") is None and match_header("高德地址") is None
    assert match_header("baidu_name") is None


def test_headers_with_units_in_the_last_brackets():
    assert match_header("Policy/development finance (10k yuan)").field == "funding:policy_finance"
    assert match_header("居民出资(元)").factor == pytest.approx(1e-4)
    assert match_header("建筑面积（m²）").field == "floor_area_m2"


def test_export_summary_headers_are_ignored_and_import_counts_are_not():
    mapped, unknown = map_columns(["充电桩（已建，个）", "加装电梯（已建/在建，台）", "ev_chargers_installed",
                                   "elevators_added", "充电桩（个）", "加装电梯（台）", "累计资金（万元）"])
    assert {m.field for m in mapped.values()} == {"ev_chargers", "elevators"} and not unknown
    assert set(mapped) == {"充电桩（个）", "加装电梯（台）"}


def test_units_rows_of_older_exports_in_both_languages():
    assert is_units_row(["", "", "年", "栋", "户", "m²", "万元", "度（WGS-84）"])
    assert is_units_row(["", "year", "buildings", "households", "m²", "10k yuan", "elevators", "chargers",
                         "degrees (WGS-84)"])
    assert not is_units_row(["宽巷子132号院", "户"])
