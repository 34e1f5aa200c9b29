"""A second, tiny programme for tests: 锦江区 with 3 subdistricts, 2 areas and its own targets.

The place names are real (Jinjiang District, Chengdu); every code, outline, position and
figure is invented for the tests. It proves that nothing of Qingyang is built into the
code: every page, check and export must show these names and targets.

Outline: a box east of Qingyang (it does not touch it); three subdistricts in vertical
strips; the two areas are small boxes in the second and third strip. Twelve compounds
(JJ-0001 .. JJ-0012): 2 of the 13th FYP, 8 of the 14th (2021: 1, 2022: 2, 2023: 3,
2024: 2), one not old and one with no need, with works, elevators, funding, two
greenways and one site.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiPolygon, Point, box

from geo import writes
from geo.dataset import Dataset, parse_dates
from geo.programme import Area, Place, Programme, Target, tables_from_programme
from geo.store import Store, open_store

CRS = "EPSG:4326"
WEST, SOUTH, EAST, NORTH = 104.09, 30.62, 104.15, 30.66
STRIPS = {"春熙路": (104.09, 104.11), "书院街": (104.11, 104.13), "水井坊": (104.13, 104.15)}

CITY = Place("510100", "city", "成都市", "Chengdu")
DISTRICT = Place("510104", "district", "锦江区", "Jinjiang District", parent="510100", lon=104.12, lat=30.64)
SUBDISTRICTS = (
    Place("510104901", "subdistrict", "春熙路", "Chunxilu", "510104", True, 104.10, 30.64),
    Place("510104902", "subdistrict", "书院街", "Shuyuanjie", "510104", True, 104.12, 30.64),
    Place("510104903", "subdistrict", "水井坊", "Shuijingfang", "510104", False, 104.14, 30.64),
)
COMMUNITIES = (Place("510104901-01", "community", "红星路社区", parent="510104901"),)
AREAS = (
    Area("大慈寺片区", "Dacisi", "书院街", 104.12, 30.645),
    Area("水井坊片区", "Shuijingfang", "水井坊", 104.14, 30.635),
)
AREA_BOXES = {"大慈寺片区": (104.115, 30.64, 104.125, 30.65), "水井坊片区": (104.135, 30.63, 104.145, 30.64)}
YEAR_TARGETS = {"2021": 1, "2022": 2, "2023": 4, "2024": 2, "2025": 1}
FYP14_TARGET, HOUSEHOLDS_TARGET = 10, 1_234
JINJIANG = Programme(
    key="jinjiang", name="锦江区老旧小区改造", en="Jinjiang Old-Compound Renovation", place="510104",
    places=(CITY, DISTRICT, *SUBDISTRICTS, *COMMUNITIES), areas=AREAS,
    targets=(Target("510104", "compounds", "fyp14", FYP14_TARGET),
             Target("510104", "households", "fyp14", HOUSEHOLDS_TARGET),
             *(Target("510104", "compounds", "fyp14", n, b) for b, n in YEAR_TARGETS.items())),
)

#: (subdistrict, area, batch, decision, year built, households, plan start, plan finish, actual start, actual finish)
_COMPOUNDS = (
    ("春熙路", None, "2015-2020", "eligible", 1985, 120, "2018-03-01", "2018-10-01", "2018-03-05", "2018-09-20"),
    ("书院街", None, "2015-2020", "eligible", 1990, 90, "2019-03-01", "2019-09-30", "2019-03-10", "2019-09-25"),
    ("春熙路", None, "2021", "eligible", 1992, 150, "2021-03-01", "2021-10-31", "2021-03-05", "2021-10-20"),
    ("书院街", "大慈寺片区", "2022", "eligible", 1988, 200, "2022-02-01", "2022-09-30", "2022-02-10", "2022-09-20"),
    ("书院街", "大慈寺片区", "2022", "eligible", 1987, 110, "2022-03-01", "2022-11-30", "2022-03-15", ""),
    ("水井坊", "水井坊片区", "2023", "eligible", 1984, 130, "2023-03-01", "2023-10-31", "2023-03-10", "2023-10-25"),
    ("水井坊", "水井坊片区", "2023", "eligible", 1983, 140, "2023-04-01", "2023-11-30", "", ""),
    ("书院街", "大慈寺片区", "2023", "eligible", 1991, 100, "2023-05-01", "2023-12-31", "2023-05-10", ""),
    ("春熙路", None, "2024", "eligible", 1995, 80, "2024-03-01", "2024-10-31", "", ""),
    ("水井坊", None, "2024", "eligible", 1996, 74, "2024-04-01", "2024-11-30", "", ""),
    ("春熙路", None, None, None, 2010, 300, "", "", "", ""),
    ("水井坊", None, None, "no_need", 1999, 60, "", "", "", ""),
)


def _position(i: int, subdistrict: str, area: str | None) -> Point:
    if area:
        x0, y0, x1, y1 = AREA_BOXES[area]
    else:
        (x0, x1), (y0, y1) = STRIPS[subdistrict], (SOUTH, 30.628)
    step = (i % 4 + 1) / 5
    return Point(x0 + (x1 - x0) * step, y0 + (y1 - y0) * (0.3 + 0.1 * (i % 3)))


def _compounds() -> gpd.GeoDataFrame:
    rows = []
    for i, (sd, area, batch, decision, built, hh, ps, pf, as_, af) in enumerate(_COMPOUNDS):
        rows.append({"compound_id": f"JJ-{i + 1:04d}", "name": f"锦{i + 1}号院", "address": f"测试路{i + 1}号",
                     "subdistrict": sd, "community": "红星路社区" if sd == "春熙路" else None, "area": area,
                     "year_built": built, "buildings": 3, "households": hh, "floor_area_m2": hh * 70.0,
                     "is_old": built <= 2004, "decision": decision, "batch": batch,
                     "plan_start": ps, "plan_finish": pf, "actual_start": as_, "actual_finish": af})
    geometry = [_position(i, r[0], r[1]) for i, r in enumerate(_COMPOUNDS)]
    return gpd.GeoDataFrame(parse_dates(pd.DataFrame(rows)), geometry=geometry, crs=CRS)


def _polygons(names: dict[str, tuple[float, float, float, float]], **columns: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": list(names), **columns},
                            geometry=[MultiPolygon([box(*b)]) for b in names.values()], crs=CRS)


def second_dataset() -> Dataset:
    """The whole 锦江区 data set (WGS-84), every layer filled."""
    compounds = _compounds()
    subs = {name: (x0, SOUTH, x1, NORTH) for name, (x0, x1) in STRIPS.items()}
    works = parse_dates(pd.DataFrame({
        "compound_id": ["JJ-0004", "JJ-0004", "JJ-0006", "JJ-0003"],
        "work": ["ev_chargers", "gas", "facade_roof", "pipes"],
        "underground": [False, True, False, True], "quantity": [8, 1, 1, 1],
        "plan_start": ["2022-02-01", "2022-02-01", "2023-03-01", "2021-03-01"],
        "plan_finish": ["2022-09-01", "2022-06-01", "2023-10-01", "2021-08-01"],
        "actual_start": ["2022-02-10", "2022-02-10", "2023-03-10", "2021-03-05"],
        "actual_finish": ["2022-08-20", "2022-06-01", "2023-10-20", "2021-08-01"],
    }))
    elevators = parse_dates(pd.DataFrame({
        "elevator_id": ["EL-J1", "EL-J2", "EL-J3"], "compound_id": ["JJ-0004", "JJ-0004", "JJ-0006"],
        "building": ["1栋", "2栋", "1栋"], "plan_start": ["2022-03-01", "2022-05-01", "2023-04-01"],
        "actual_start": ["2022-03-10", "2022-06-01", ""], "actual_finish": ["2022-09-30", "", ""],
    }))
    funding = pd.DataFrame({
        "compound_id": ["JJ-0003", "JJ-0004", "JJ-0004", "JJ-0006", "JJ-0001"],
        "year": [2021, 2022, 2022, 2023, 2018],
        "source": ["government_subsidy", "special_bonds", "residents", "government_subsidy", "government_subsidy"],
        "amount_wan_yuan": [80.0, 150.0, 12.5, 90.0, 40.0],
    })
    greenways = gpd.GeoDataFrame(parse_dates(pd.DataFrame({
        "greenway_id": ["GW-J1", "GW-J2"], "name": ["府河绿道示例段", "书院街“回家的路”"], "level": ["tianfu", "community"],
        "year": [2022, 2022], "completed_date": ["2022-06-30", "2022-10-01"], "length_km": [2.5, 0.8],
        "subdistrict": ["春熙路", "书院街"],
    })), geometry=[LineString([(104.092, 30.655), (104.108, 30.655)]),
                   LineString([(104.112, 30.652), (104.118, 30.652)])], crs=CRS)
    sites = gpd.GeoDataFrame(parse_dates(pd.DataFrame({
        "site_id": ["ST-J1"], "name": ["测试背街"], "kind": ["back_lane"], "subdistrict": ["春熙路"], "year": [2022],
        "completed_date": ["2022-07-01"],
    })), geometry=[Point(104.10, 30.65)], crs=CRS)
    footprints = gpd.GeoDataFrame({"compound_id": compounds["compound_id"]},
                                  geometry=compounds.to_crs(32648).buffer(20).to_crs(CRS), crs=CRS)
    return Dataset(
        district=_polygons({"锦江区": (WEST, SOUTH, EAST, NORTH)}, adcode=["510104"], name_en=["Jinjiang District"]),
        subdistricts=_polygons(subs, code=[s.code for s in SUBDISTRICTS], name_en=[s.en for s in SUBDISTRICTS],
                               is_key=[s.key for s in SUBDISTRICTS]),
        areas=_polygons(AREA_BOXES, name_en=[a.en for a in AREAS], subdistrict=[a.subdistrict for a in AREAS],
                        located=[True, True]),
        compounds=compounds, footprints=footprints, greenways=greenways, sites=sites,
        works=works, elevators=elevators, funding=funding, **tables_from_programme(JINJIANG),
        meta={"dataset": "jinjiang-test", "illustrative": "true"},
    )


ADMIN = ("admin", "tea-lantern-harbor-42")
EDITOR = ("wang", "editor-pass-1", "春熙路")


def second_store(folder: Path) -> Store:
    """The 锦江区 data set saved as ``folder``/jinjiang.gpkg, with an admin and a 春熙路 editor."""
    store = open_store(Path(folder) / "jinjiang.gpkg")
    store.initialize(second_dataset())
    admin = writes.create_first_admin(store, *ADMIN)
    writes.add_user(store, admin, EDITOR[0], EDITOR[1], "editor", [EDITOR[2]])
    return store
