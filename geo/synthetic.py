"""A deterministic synthetic national programme (示意 / synthetic) for tests and benchmarks.

``build_synthetic(n)`` makes a data set of ``n`` compounds in a programme that covers a
nation: ``provinces`` provinces (31 by default), their cities, districts, subdistricts
(about 85 compounds each) and two communities per subdistrict; one renovation area per
district; compounds with works, elevators and funding; daily progress (工程日进度) of the
works on site in the weeks before two days (:data:`DAILY_WINDOWS`); no handovers or issues;
a few greenways and sites per district; 14th-FYP targets per district (per batch, and households), per province (the
period) and for the nation, while cities roll up from their districts. Every place name
is made up from syllables; positions are boxes on a rough map of China (WGS-84).

The same arguments always give the same data. Nothing here is a real place or figure.
Vectorised with numpy: 220,000 compounds take well under a minute.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import schema
from geo.dataset import Dataset
from geo.programme import Area, Place, Programme, Target, tables_from_programme
from geo.sample.schedule import MISSED_REPORT, NOTES, WORKERS
from geo.schedule import model
from geo.settings import STORAGE_CRS

SEED = 20_240_601
#: Mean compounds per subdistrict (sizes the hierarchy from the compound count).
PER_SUBDISTRICT = 85
#: The last day the synthetic timeline reaches: later actual dates are not known yet.
DATA_DATE = pd.Timestamp("2026-11-24")
NATION_CODE = "100000"
#: West, south, east, north of the rough map the provinces are laid out on (degrees).
EXTENT = (80.0, 21.0, 128.0, 46.0)
#: Share of compounds per category (as in an old-compound survey: old and not, decided, batches).
CATEGORIES = {"not_old": .33, "2015-2020": .22, "2021": .03, "2022": .085, "2023": .1, "2024": .115, "2025": .02,
              "no_need": .075, "redeveloped": .025}
WORK_PROBABILITY = {"gas": .55, "sewage": .6, "pipes": .8, "facade_roof": .7, "accessibility": .5,
                    "age_friendly": .45, "child_friendly": .3, "smart_security": .65, "fire_safety": .75,
                    "greening": .6, "parking": .4, "ev_chargers": .45}
ELEVATORS_PER_COMPOUND = 0.44
#: Syllables place names are made of (hanzi, pinyin).
SYLLABLES: tuple[tuple[str, str], ...] = tuple(zip(
    "安白宝北昌城川大东丰福广和红湖华淮嘉江锦靖兰乐临龙梅明南宁平庆泉瑞山盛石顺松泰天通西祥新兴阳永玉元云振中舟竹",
    ("An", "Bai", "Bao", "Bei", "Chang", "Cheng", "Chuan", "Da", "Dong", "Feng", "Fu", "Guang", "He", "Hong",
     "Hu", "Hua", "Huai", "Jia", "Jiang", "Jin", "Jing", "Lan", "Le", "Lin", "Long", "Mei", "Ming", "Nan",
     "Ning", "Ping", "Qing", "Quan", "Rui", "Shan", "Sheng", "Shi", "Shun", "Song", "Tai", "Tian", "Tong",
     "Xi", "Xiang", "Xin", "Xing", "Yang", "Yong", "Yu", "Yuan", "Yun", "Zhen", "Zhong", "Zhou", "Zhu"), strict=True))


@dataclass(frozen=True)
class _Unit:
    """One place being laid out: its code, names, parent and box (west, south, east, north)."""

    code: str
    level: str
    name: str
    en: str
    parent: str
    box: tuple[float, float, float, float]
    key: bool = False


class _Names:
    """Unique made-up names per level: two syllables (three when two run out) and a suffix."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.used = rng, set[str]()

    def __call__(self, zh_suffix: str, en_suffix: str) -> tuple[str, str]:
        for size in (2, 2, 2, 3, 3, 3, 4):
            picks = self.rng.integers(len(SYLLABLES), size=size)
            zh = "".join(SYLLABLES[i][0] for i in picks)
            if zh not in self.used:
                self.used.add(zh)
                pinyin = "".join(SYLLABLES[i][1].lower() for i in picks).capitalize()
                return zh + zh_suffix, f"{pinyin} {en_suffix}".strip()
        raise RuntimeError("ran out of names")


def _branching(rng: np.random.Generator, mean: float) -> int:
    return max(1, int(round(mean * rng.uniform(0.6, 1.4))))


def _grid(box: tuple[float, float, float, float], k: int, rng: np.random.Generator,
          shrink: float = 1.0) -> list[tuple[float, float, float, float]]:
    """``k`` cells of a grid over ``box`` (row by row), each shrunk around its centre by ``shrink``."""
    west, south, east, north = box
    cols = math.ceil(math.sqrt(k))
    rows = math.ceil(k / cols)
    w, h = (east - west) / cols, (north - south) / rows
    cells = []
    for i in range(k):
        r, c = divmod(i, cols)
        cx, cy = west + (c + 0.5) * w, south + (r + 0.5) * h
        sx, sy = w * shrink / 2 * rng.uniform(0.85, 1.0), h * shrink / 2 * rng.uniform(0.85, 1.0)
        cells.append((cx - sx, cy - sy, cx + sx, cy + sy))
    return cells


def _hierarchy(rng: np.random.Generator, n: int, provinces: int) -> list[_Unit]:
    """Nation, provinces, cities, districts and subdistricts with their boxes, in display order."""
    names = _Names(rng)
    subdistricts = max(provinces, round(n / PER_SUBDISTRICT))
    branch = (subdistricts / provinces) ** (1 / 3)
    units = [_Unit(NATION_CODE, "nation", "全国", "Nation", "", EXTENT)]
    for p, pbox in enumerate(_grid(EXTENT, provinces, rng, shrink=0.9), start=11):
        zh, en = names("省", "Province")
        pcode = f"{p:02d}0000"
        units.append(_Unit(pcode, "province", zh, en, NATION_CODE, pbox))
        west, south, east, north = pbox
        for c in range(1, _branching(rng, branch) + 1):
            side = rng.uniform(0.25, 0.5)
            cx, cy = rng.uniform(west + side, east - side), rng.uniform(south + side, north - side)
            cbox = (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
            zh, en = names("市", "City")
            ccode = f"{p:02d}{c:02d}00"
            units.append(_Unit(ccode, "city", zh, en, pcode, cbox))
            dboxes = _grid(cbox, _branching(rng, branch), rng, shrink=0.96)
            for d, dbox in enumerate(dboxes, start=1):
                zh, en = names("区", "District")
                dcode = f"{p:02d}{c:02d}{d:02d}"
                units.append(_Unit(dcode, "district", zh, en, ccode, dbox))
                sboxes = _grid(dbox, _branching(rng, branch), rng, shrink=0.97)
                for s, sbox in enumerate(sboxes, start=1):
                    zh, en = names("街道", "Subdistrict")
                    units.append(_Unit(f"{dcode}{s:03d}", "subdistrict", zh, en, dcode, sbox, key=s == 1))
    return units


def _places(units: list[_Unit]) -> list[Place]:
    places = []
    for u in units:
        (west, south, east, north) = u.box
        places.append(Place(u.code, u.level, u.name, u.en, u.parent, u.key, round((west + east) / 2, 6),
                            round((south + north) / 2, 6)))
        if u.level == "subdistrict":
            base = u.name.removesuffix("街道")
            places += [Place(f"{u.code}-{i:02d}", "community", f"{base}{tag}社区", parent=u.code)
                       for i, tag in ((1, "东"), (2, "西"))]
    return places


def _box_polygons(boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    return shapely.box(*np.array(boxes).T)


# --- compounds ----------------------------------------------------------------------------
def _days(rng: np.random.Generator, lo: int, hi: int, size: int) -> pd.TimedeltaIndex:
    return pd.to_timedelta(rng.integers(lo, hi + 1, size), unit="D")


def _schedules(rng: np.random.Generator, batch: np.ndarray) -> pd.DataFrame:
    """Planned and actual dates per compound (NaT outside the programme); a few late or open."""
    n = len(batch)
    year = np.where(batch == schema.BATCH_FYP13, rng.integers(2015, 2021, n),
                    np.where(pd.isna(batch), 2000, pd.to_numeric(pd.Series(batch), errors="coerce").fillna(2000)))
    start = pd.to_datetime(pd.Series(year.astype(int)).astype(str) + "-01-01") + _days(rng, 31, 200, n)
    finish = start + _days(rng, 180, 330, n)
    a_start = start + _days(rng, -5, 25, n)
    a_finish = finish + _days(rng, -40, 10, n)
    roll = rng.random(n)
    recent = np.isin(batch, ["2023", "2024", "2025"])
    a_finish = a_finish.where(~(recent & (roll < 0.05)), finish + _days(rng, 60, 240, n))  # finished late
    a_finish = a_finish.where(~(recent & (roll >= 0.05) & (roll < 0.07)))  # open
    a_start = a_start.where(~(recent & (roll >= 0.07) & (roll < 0.08)))  # not started
    a_finish = a_finish.where(a_start.notna())
    programme = pd.Series(batch).notna().to_numpy()
    out = pd.DataFrame({"plan_start": start, "plan_finish": finish, "actual_start": a_start, "actual_finish": a_finish})
    out = out.where(pd.DataFrame({c: programme for c in out.columns}))
    for column in ("actual_start", "actual_finish"):  # not known yet on the data date
        out[column] = out[column].where(out[column] <= DATA_DATE)
    return out.astype("datetime64[ns]")


def _compounds(rng: np.random.Generator, n: int, subs: list[_Unit], areas: dict[str, tuple]) -> gpd.GeoDataFrame:
    """``n`` compounds spread over the subdistricts (uneven shares), half of each area's subdistrict in it."""
    weights = rng.lognormal(0.0, 0.6, len(subs))
    counts = np.floor(weights / weights.sum() * n).astype(int)
    np.add.at(counts, rng.choice(len(subs), n - counts.sum(), replace=True), 1)
    at = np.repeat(np.arange(len(subs)), counts)
    rng.shuffle(at)
    boxes = np.array([s.box for s in subs])[at]
    sd_names = np.array([s.name for s in subs], dtype=object)[at]
    in_area = np.array([s.name in areas for s in subs])[at] & (rng.random(n) < 0.5)
    area_boxes = np.array([areas.get(s.name, s.box) for s in subs])[at]
    boxes = np.where(in_area[:, None], area_boxes, boxes)
    lon = rng.uniform(boxes[:, 0], boxes[:, 2])
    lat = rng.uniform(boxes[:, 1], boxes[:, 3])
    cats = np.array(list(CATEGORIES), dtype=object)[rng.choice(len(CATEGORIES), n, p=np.array(list(CATEGORIES.values())))]
    is_old = cats != "not_old"
    nothing = np.full(n, None, dtype=object)
    batch = np.where(np.isin(cats, schema.BATCHES), cats, nothing)
    decision = np.select([~is_old, cats == "no_need", cats == "redeveloped"],
                         [nothing, np.full(n, schema.DECISION_NO_NEED, dtype=object),
                          np.full(n, schema.DECISION_REDEVELOPED, dtype=object)],
                         default=schema.DECISION_ELIGIBLE)
    households = np.clip(rng.lognormal(4.35, 0.55, n), 12, 900).round().astype(int)
    street = [SYLLABLES[i][0] + SYLLABLES[j][0] + ("路" if k else "街")
              for i, j, k in zip(rng.integers(len(SYLLABLES), size=n), rng.integers(len(SYLLABLES), size=n),
                                 rng.integers(2, size=n))]
    number = rng.integers(1, 300, n)
    frame = pd.DataFrame({
        "compound_id": [f"SY{i + 1:06d}" for i in range(n)],
        "name": [f"{s}{k}号{'院' if k % 3 else '小区'}" for s, k in zip(street, number)],
        "address": [f"{s}{k}号" for s, k in zip(street, number)],
        "subdistrict": sd_names,
        "community": [f"{sd.removesuffix('街道')}{'东' if k % 2 else '西'}社区" for sd, k in zip(sd_names, number)],
        "area": np.where(in_area, np.array([f"{sd.removesuffix('街道')}片区" for sd in sd_names], dtype=object), nothing),
        "year_built": np.where(is_old, rng.integers(1978, 2005, n), rng.integers(2005, 2023, n)),
        "buildings": np.maximum(1, np.round(households / rng.uniform(18, 48, n))).astype(int),
        "households": households,
        "floor_area_m2": np.round(households * rng.uniform(55, 88, n), 1),
        "is_old": is_old, "decision": decision, "batch": batch,
    })
    frame = pd.concat([frame, _schedules(rng, batch)], axis=1)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(np.round(lon, 6), np.round(lat, 6)), crs=STORAGE_CRS)


# --- what hangs on the compounds -------------------------------------------------------------------
def _window(start: pd.Series, finish: pd.Series, lo: float, hi: float) -> tuple[pd.Series, pd.Series]:
    span = (finish - start).dt.days
    return ((start + pd.to_timedelta((span * lo).round(), unit="D")).dt.normalize(),
            (start + pd.to_timedelta((span * hi).round(), unit="D")).dt.normalize())


def _works(rng: np.random.Generator, compounds: pd.DataFrame) -> pd.DataFrame:
    """Works per programme compound: underground ones in the first half of its schedule, the rest after."""
    programme = compounds[compounds["batch"].notna()]
    parts = []
    for work in schema.WORK_TYPES:
        if work.key not in WORK_PROBABILITY:
            continue
        chosen = programme[rng.random(len(programme)) < WORK_PROBABILITY[work.key]]
        lo, hi = (0.0, 0.5) if work.underground else (0.4, 1.0)
        ps, pf = _window(chosen["plan_start"], chosen["plan_finish"], lo, hi)
        as_, af = _window(chosen["actual_start"], chosen["actual_finish"].fillna(DATA_DATE), lo, hi)
        af = af.where(chosen["actual_finish"].notna() | (af < chosen["actual_start"] + pd.Timedelta(days=60)))
        af = af.where(af <= DATA_DATE)
        as_ = as_.where(chosen["actual_start"].notna())
        quantity = rng.integers(2, 21, len(chosen)) if work.counted else np.ones(len(chosen), dtype=int)
        parts.append(pd.DataFrame({"compound_id": chosen["compound_id"].to_numpy(), "work": work.key,
                                   "underground": work.underground, "quantity": quantity,
                                   "plan_start": ps.to_numpy(), "plan_finish": pf.to_numpy(),
                                   "actual_start": as_.to_numpy(), "actual_finish": af.to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    order = {k: i for i, k in enumerate(schema.WORK_KEYS)}
    return out.assign(_o=out["work"].map(order)).sort_values(["compound_id", "_o"], kind="stable").drop(
        columns="_o").reset_index(drop=True)


def _elevators(rng: np.random.Generator, compounds: pd.DataFrame) -> pd.DataFrame:
    """Elevators added to compounds of the batches up to 2024 with two buildings or more."""
    pool = compounds[compounds["batch"].isin(schema.BATCHES[:5]) & (compounds["buildings"] >= 2)]
    k = int(round(ELEVATORS_PER_COMPOUND * len(compounds)))
    if pool.empty or k == 0:
        return pd.DataFrame(columns=["elevator_id", "compound_id", "building", "plan_start", "actual_start",
                                     "actual_finish"])
    picks = pool.iloc[rng.choice(len(pool), k, p=(pool["buildings"] / pool["buildings"].sum()).to_numpy())]
    start = picks["actual_start"].fillna(picks["plan_start"]).reset_index(drop=True)
    plan = start + _days(rng, 0, 200, k)
    a_start = (plan + _days(rng, 10, 60, k)).where(rng.random(k) < 0.9)
    a_finish = a_start + _days(rng, 120, 260, k)
    frame = pd.DataFrame({"compound_id": picks["compound_id"].to_numpy(), "plan_start": plan,
                          "actual_start": a_start.where(a_start <= DATA_DATE),
                          "actual_finish": a_finish.where(a_finish <= DATA_DATE)})
    frame = frame.sort_values(["compound_id", "plan_start"], kind="stable").reset_index(drop=True)
    frame["building"] = [f"{i + 1}栋" for i in frame.groupby("compound_id").cumcount()]
    frame.insert(0, "elevator_id", [f"SE{i + 1:07d}" for i in range(len(frame))])
    return frame[["elevator_id", "compound_id", "building", "plan_start", "actual_start", "actual_finish"]]


def _funding(rng: np.random.Generator, compounds: pd.DataFrame) -> pd.DataFrame:
    """Money per programme compound, year and source (万元): subsidies and bonds in its batch year,
    the residents' share, city funds in the year it was finished, social capital for some."""
    c = compounds[compounds["batch"].notna()]
    hh, area = c["households"].to_numpy(float), c["floor_area_m2"].to_numpy(float)
    year = np.where(c["batch"] == schema.BATCH_FYP13, c["plan_start"].dt.year, pd.to_numeric(c["batch"], errors="coerce"))
    done = c["actual_finish"].dt.year.to_numpy()
    fyp14 = c["batch"].isin(schema.FYP14_BATCHES).to_numpy()
    social = rng.random(len(c)) < 0.1
    parts = [
        (np.ones(len(c), bool), year, "government_subsidy", hh * rng.uniform(.35, .6, len(c))),
        (fyp14, year, "special_bonds", hh * rng.uniform(.2, .4, len(c))),
        (np.ones(len(c), bool), year, "residents", area * 5 / 1e4 + hh * 0.08),
        (~np.isnan(done), np.nan_to_num(done, nan=0), "city_funds", hh * rng.uniform(.1, .2, len(c))),
        (social & fyp14, year, "social_capital", rng.uniform(20, 200, len(c))),
    ]
    rows = [pd.DataFrame({"compound_id": c["compound_id"].to_numpy()[m], "year": y[m].astype(int), "source": s,
                          "amount_wan_yuan": np.round(a[m], 2)}) for m, y, s, a in parts]
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["compound_id", "year", "source"], kind="stable").reset_index(drop=True)


#: Days with site reports (工程日进度): per last day, how many days before it (inclusive) are reported.
DAILY_WINDOWS: dict[pd.Timestamp, int] = {pd.Timestamp("2025-06-30"): 28, DATA_DATE: 56}
#: Share of reports made the next morning instead of the same evening (known from then on).
LATE_REPORT = 0.03


def _daily(rng: np.random.Generator, works: pd.DataFrame) -> pd.DataFrame:
    """Daily progress of every work on site in each of :data:`DAILY_WINDOWS`, as the sample's sites report it.

    A work's percent complete rises along one uneven curve from its actual start to 100 on its
    actual finish (a work still open on :data:`DATA_DATE` is given a finish after it); a few
    days go unreported (never the finish day); reports are made that evening, a few the next
    morning, none after :data:`DATA_DATE`.
    """
    on_site = pd.Series(False, index=works.index)
    for end, days in DAILY_WINDOWS.items():
        on_site |= (works["actual_start"] <= end) & ~(works["actual_finish"] < end - pd.Timedelta(days=days - 1))
    on = works[on_site]
    start = on["actual_start"].to_numpy("datetime64[D]")
    last = np.datetime64(DATA_DATE.date())
    later = np.maximum(on["plan_finish"].fillna(DATA_DATE).to_numpy("datetime64[D]"), last)
    later = later + rng.integers(3, 30, len(on)).astype("timedelta64[D]")
    finished = on["actual_finish"].notna().to_numpy()
    finish = np.where(finished, on["actual_finish"].to_numpy("datetime64[D]"), later)
    length = (finish - start).astype(int) + 1  # days of each work's curve
    steps = rng.gamma(2.0, 1.0, int(length.sum())) * np.where(rng.random(int(length.sum())) < 0.08, 0.1, 1.0)
    total, ends = np.cumsum(steps), np.cumsum(length)
    base = np.concatenate([[0.0], total[ends[:-1] - 1]])  # the sum before each work's curve
    row_parts, k_parts = [], []
    for end, days in DAILY_WINDOWS.items():
        lo = np.maximum((np.datetime64((end - pd.Timedelta(days=days - 1)).date()) - start).astype(int), 0)
        hi = (np.minimum(finish, np.datetime64(end.date())) - start).astype(int)  # last day reported, inclusive
        count = np.maximum(hi - lo + 1, 0)
        row = np.repeat(np.arange(len(on)), count)
        row_parts.append(row)
        k_parts.append(lo[row] + (np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)))
    row, k = np.concatenate(row_parts), np.concatenate(k_parts)
    percent = np.round(100.0 * (total[(ends - length)[row] + k] - base[row]) / (total[ends - 1] - base)[row], 1)
    dates = pd.DatetimeIndex((start[row] + k.astype("timedelta64[D]")).astype("datetime64[ns]"))
    keep = (finished[row] & (k == length[row] - 1)) | (rng.random(len(row)) >= MISSED_REPORT)
    cls = on["work"].map(model.DEFAULT_CLASS).fillna(model.HARDWARE).to_numpy()[row]
    by_class = pd.Series(cls)
    workers = rng.integers(by_class.map({c: lo for c, (lo, _) in WORKERS.items()}).to_numpy(),
                           by_class.map({c: hi for c, (_, hi) in WORKERS.items()}).to_numpy())
    noted = np.flatnonzero(rng.random(len(row)) < 0.08)
    note = np.full(len(row), None, dtype=object)
    note[noted] = [NOTES[c][i % len(NOTES[c])] for c, i in zip(cls[noted], rng.integers(0, 1 << 20, len(noted)))]
    evening = pd.to_timedelta(rng.integers(17 * 60, 21 * 60 + 30, len(row)), unit="min")
    morning = pd.to_timedelta(24 * 60 + rng.integers(8 * 60, 10 * 60, len(row)), unit="min")
    late = (rng.random(len(row)) < LATE_REPORT) & (dates < DATA_DATE)
    frame = pd.DataFrame({
        "compound_id": on["compound_id"].to_numpy()[row], "work": on["work"].to_numpy()[row], "date": dates,
        "percent": percent, "workers": workers, "note": note, "reported_by": "施工单位（填报）",
        "reported_at": dates + np.where(late, morning, evening),
    })[keep]
    return frame.sort_values(["compound_id", "work", "date"], kind="stable").reset_index(drop=True)


def _greenways_and_sites(rng: np.random.Generator, districts: list[_Unit], subs: list[_Unit]
                         ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Per district: a Tianfu-style greenway and a community one; two sites; all in its first subdistrict."""
    first: dict[str, _Unit] = {}
    for s in subs:
        first.setdefault(s.parent, s)
    gw, st = [], []
    kinds = list(schema.SITE_KINDS)
    for i, d in enumerate(districts):
        sd = first[d.code]
        west, south, east, north = sd.box
        for j, level in enumerate(("tianfu", "community")):
            y = south + (north - south) * (0.3 + 0.4 * j)
            line = shapely.LineString([(west + (east - west) * .1, y), (east - (east - west) * .1, y)])
            year = int(rng.integers(2021, 2025))
            gw.append({"greenway_id": f"SG{i * 2 + j + 1:05d}", "name": f"{sd.name.removesuffix('街道')}绿道{j + 1}",
                       "level": level, "year": year,
                       "completed_date": pd.Timestamp(year, int(rng.integers(3, 12)), int(rng.integers(1, 28))),
                       "length_km": round(float(line.length) * 95.0, 3), "subdistrict": sd.name, "geometry": line})
        for j in range(2):
            st.append({"site_id": f"SS{i * 2 + j + 1:05d}", "name": f"{sd.name.removesuffix('街道')}{j + 1}号点位",
                       "kind": kinds[int(rng.integers(len(kinds)))], "subdistrict": sd.name, "year": 2023,
                       "completed_date": pd.Timestamp(2023, int(rng.integers(2, 12)), int(rng.integers(1, 28))),
                       "geometry": shapely.Point(rng.uniform(west, east), rng.uniform(south, north))})
    return gpd.GeoDataFrame(gw, crs=STORAGE_CRS), gpd.GeoDataFrame(st, crs=STORAGE_CRS)


def _targets(compounds: pd.DataFrame, units: list[_Unit]) -> list[Target]:
    """Per district: 14th-FYP compounds per batch (its plan) and households; per province and the
    nation: the period's compounds. Cities have none of their own: they roll up."""
    fyp14 = compounds[compounds["batch"].isin(schema.FYP14_BATCHES)]
    district_of = {u.code: u.parent for u in units if u.level == "subdistrict"}
    by_name = {u.name: u.code for u in units if u.level == "subdistrict"}
    district = fyp14["subdistrict"].map(by_name).map(district_of)
    per_batch = fyp14.groupby([district, fyp14["batch"]]).size()
    households = fyp14.groupby(district)["households"].sum()
    parents = {u.code: u.parent for u in units}
    out: list[Target] = []
    province_total: dict[str, int] = {}
    for u in units:
        if u.level != "district":
            continue
        for b in schema.FYP14_BATCHES:
            value = int(per_batch.get((u.code, b), 0))
            out.append(Target(u.code, "compounds", schema.PERIOD_FYP14, value, b))
            province = parents[parents[u.code]]
            province_total[province] = province_total.get(province, 0) + value
        out.append(Target(u.code, "households", schema.PERIOD_FYP14, int(households.get(u.code, 0))))
    out += [Target(p, "compounds", schema.PERIOD_FYP14, v) for p, v in province_total.items()]
    out.append(Target(NATION_CODE, "compounds", schema.PERIOD_FYP14, sum(province_total.values())))
    return out


def build_synthetic(compounds: int = 220_000, *, provinces: int = 31, seed: int = SEED) -> Dataset:
    """The synthetic national data set: ``compounds`` compounds in ``provinces`` provinces (deterministic)."""
    if compounds < provinces:
        raise ValueError(f"at least one compound per province: {compounds} < {provinces}")
    rng = np.random.default_rng(seed)
    units = _hierarchy(rng, compounds, provinces)
    subs = [u for u in units if u.level == "subdistrict"]
    districts = [u for u in units if u.level == "district"]
    first_sd: dict[str, _Unit] = {}
    for s in subs:
        first_sd.setdefault(s.parent, s)
    area_boxes = {}
    for d in districts:  # one area per district, in a corner of its first subdistrict
        west, south, east, north = first_sd[d.code].box
        area_boxes[first_sd[d.code].name] = (west, south, west + (east - west) * .45, south + (north - south) * .45)
    c = _compounds(rng, compounds, subs, area_boxes)
    areas = [Area(f"{sd.removesuffix('街道')}片区", f"{first_sd_en} Area", sd, round((b[0] + b[2]) / 2, 6),
                  round((b[1] + b[3]) / 2, 6))
             for (sd, b), first_sd_en in zip(area_boxes.items(), (first_sd[d.code].en.removesuffix(" Subdistrict")
                                                                   for d in districts))]
    programme = Programme("synthetic", "全国老旧小区改造（示意）", "National old-compound renovation (synthetic)",
                          NATION_CODE, tuple(_places(units)), tuple(areas), tuple(_targets(c, units)))
    greenways, sites = _greenways_and_sites(rng, districts, subs)
    works = _works(rng, c)
    return Dataset(
        district=gpd.GeoDataFrame({"adcode": [d.code for d in districts], "name": [d.name for d in districts],
                                   "name_en": [d.en for d in districts], "source": "synthetic"},
                                  geometry=_box_polygons([d.box for d in districts]), crs=STORAGE_CRS),
        subdistricts=gpd.GeoDataFrame({"code": [s.code for s in subs], "name": [s.name for s in subs],
                                       "name_en": [s.en for s in subs], "is_key": [s.key for s in subs]},
                                      geometry=_box_polygons([s.box for s in subs]), crs=STORAGE_CRS),
        areas=gpd.GeoDataFrame({"name": [a.name for a in areas], "name_en": [a.en for a in areas],
                                "subdistrict": [a.subdistrict for a in areas], "located": True},
                               geometry=_box_polygons(list(area_boxes.values())), crs=STORAGE_CRS),
        compounds=c,
        footprints=gpd.GeoDataFrame({"compound_id": pd.Series(dtype=object)}, geometry=gpd.GeoSeries([], crs=STORAGE_CRS),
                                    crs=STORAGE_CRS),
        greenways=greenways, sites=sites,
        works=works, elevators=_elevators(rng, c), funding=_funding(rng, c),
        daily_progress=_daily(rng, works),
        **tables_from_programme(programme),
        meta={"dataset": "synthetic-national", "illustrative": "true", "seed": str(seed), "generator": "geo.synthetic",
              "compounds": str(compounds), "provinces": str(provinces), "data_date": DATA_DATE.date().isoformat()},
    )
