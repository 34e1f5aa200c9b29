"""A hand-made three-compound data set (WGS-84) for the explorer's filter, export and record tests.

Its programme is the sample's (Qingyang: geo.sample.programme).

QY-A: eligible, 2022 batch, in 清溪片区 (府南), finished 2022-10-01, 2 elevators, 12 chargers.
QY-B: eligible, 2023 batch, no area (光华), started 2023-03-01, not finished, gas works.
QY-C: not old (built 2010), no area (少城), nothing else.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPolygon, Point, box

from geo.dataset import Dataset, parse_dates
from geo.programme import tables_from_programme
from geo.sample.programme import QINGYANG

CRS = "EPSG:4326"


def _poly(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon([box(x0, y0, x1, y1)])


def tiny_dataset() -> Dataset:
    """Three compounds with works, elevators and funding; see the module docstring."""
    compounds = gpd.GeoDataFrame(parse_dates(pd.DataFrame({
        "compound_id": ["QY-A", "QY-B", "QY-C"],
        "name": ["甲小区", "乙小区", "丙小区"],
        "address": ["甲街1号", "乙街2号", "丙街3号"],
        "subdistrict": ["府南", "光华", "少城"],
        "community": ["甲社区", "乙社区", "丙社区"],
        "area": ["清溪片区", None, None],
        "year_built": [1985, 1995, 2010],
        "buildings": [3, 5, 2],
        "households": [120, 300, 80],
        "floor_area_m2": [9000.5, 21000.0, 7000.0],
        "is_old": [True, True, False],
        "decision": ["eligible", "eligible", None],
        "batch": ["2022", "2023", None],
        "plan_start": ["2022-03-01", "2023-02-01", ""],
        "plan_finish": ["2022-09-30", "2023-06-30", ""],
        "actual_start": ["2022-03-10", "2023-03-01", ""],
        "actual_finish": ["2022-10-01", "", ""],
    })), geometry=[Point(104.033, 30.675), Point(104.006, 30.663), Point(104.056, 30.667)], crs=CRS)
    works = parse_dates(pd.DataFrame({
        "compound_id": ["QY-A", "QY-A", "QY-B"],
        "work": ["ev_chargers", "facade_roof", "gas"],
        "underground": [False, False, True],
        "quantity": [12, 1, 1],
        "plan_start": ["2022-03-01", "2022-03-01", "2023-02-01"],
        "plan_finish": ["2022-08-01", "2022-09-30", "2023-06-30"],
        "actual_start": ["2022-03-10", "2022-03-10", "2023-03-01"],
        "actual_finish": ["2022-07-20", "2022-09-25", ""],
    }))
    elevators = parse_dates(pd.DataFrame({
        "elevator_id": ["EL-1", "EL-2"],
        "compound_id": ["QY-A", "QY-A"],
        "building": ["1栋", "2栋"],
        "plan_start": ["2022-04-01", "2023-01-01"],
        "actual_start": ["2022-04-15", ""],
        "actual_finish": ["2022-11-30", ""],
    }))
    funding = pd.DataFrame({
        "compound_id": ["QY-A", "QY-A", "QY-A", "QY-B"],
        "year": [2022, 2022, 2023, 2023],
        "source": ["government_subsidy", "residents", "special_bonds", "special_bonds"],
        "amount_wan_yuan": [100.0, 20.5, 50.0, 80.0],
    })
    empty_poly = gpd.GeoDataFrame({"name": []}, geometry=[], crs=CRS)
    return Dataset(
        district=gpd.GeoDataFrame({"name": ["青羊区"]}, geometry=[_poly(103.9, 30.6, 104.1, 30.7)], crs=CRS),
        subdistricts=empty_poly, areas=gpd.GeoDataFrame(
            {"name": ["清溪片区"]}, geometry=[_poly(104.02, 30.67, 104.04, 30.68)], crs=CRS),
        compounds=compounds,
        footprints=gpd.GeoDataFrame({"compound_id": []}, geometry=[], crs=CRS),
        greenways=gpd.GeoDataFrame({"level": []}, geometry=[], crs=CRS),
        sites=gpd.GeoDataFrame({"kind": []}, geometry=[], crs=CRS),
        works=works, elevators=elevators, funding=funding, **tables_from_programme(QINGYANG),
        meta={"illustrative": "true"},
    )
