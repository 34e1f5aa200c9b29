"""The sample's construction data (示意数据 / illustrative): works schedules that follow the
sequencing rules, work-face handovers, daily progress and the issue log.

Everything here is generated from its own seed (``SEED`` and ``STREAM``), after and apart from
the rest of the sample, so the figures reproduced elsewhere do not depend on it. Works keep
the items and quantities ``geo.sample.build.works_sample`` drew; this module adds paving,
gives every work its sequencing class, contractor and work face, and re-times the works in
phases inside the compound's own planned and actual dates:

    underground works (gas, sewage, lines)             0.00-0.40 of the compound's time
    special works away from the ground (fire, security) 0.08-0.45
    EV chargers (ground)                                0.43-0.55
    hardware: facade, paving, accessibility, ...        0.58-0.96; greening, parking, play 0.81-1.00

so that every rule holds; a handful of compounds then break them on purpose
(:data:`CASES`, listed in data/README.md). Compounds still open on the sample's last site day
resumed their hardware works in autumn 2026 under a new plan. Daily progress covers the 8 weeks
before the report date (2022-12-09) and before :data:`SITE_DAY`; the issue log covers the same
weeks, with about three in four issues resolved the day they were raised.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo import schema
from geo.schedule import model
from geo.schedule.rules import required_handovers
from geo.settings import REPORT_DATE

STREAM = 12  # the sub-stream of the sample's seed used here
#: The last day with site reports: the day before the machine's "today" when the sample was made.
SITE_DAY = pd.Timestamp("2026-11-30")
REPORT = pd.Timestamp(REPORT_DATE)
WINDOW_DAYS = 56  # 8 weeks of daily progress before each of the two days
#: Compounds still open on SITE_DAY resumed their hardware works from about this day.
RESUMED = pd.Timestamp("2026-09-14")

#: Work -> (start, finish) as fractions of the compound's time; see the module doc.
PHASES: dict[str, tuple[float, float]] = {
    "gas": (0.00, 0.34), "sewage": (0.02, 0.40), "pipes": (0.00, 0.38),
    "smart_security": (0.08, 0.42), "fire_safety": (0.10, 0.45), "ev_chargers": (0.43, 0.55),
    "facade_roof": (0.58, 0.96), "paving": (0.58, 0.78), "accessibility": (0.60, 0.80), "age_friendly": (0.60, 0.88),
    "greening": (0.81, 1.00), "parking": (0.81, 0.96), "child_friendly": (0.82, 1.00),
}
PAVING_PROBABILITY = 0.6
#: Contractors by kind of work (the utilities' own crews for their networks); 标段 by subdistrict.
UTILITY = {"gas": "燃气公司（专营）", "ev_chargers": "供电公司（专营）"}
SPECIALIST = {"fire_safety": "消防专业分包", "smart_security": "安防专业分包"}
CIVIL = ("sewage", "pipes", "paving", "parking")  # 市政
LANDSCAPE = ("greening", "child_friendly")  # 园林


@dataclass(frozen=True)
class Case:
    """A rule broken on purpose: in which compound, what, and why (for data/README.md and tests)."""

    key: str
    rule: str
    kind: str  # violation | warning
    as_of: str  # a day on which it shows
    story: str


CASES: tuple[Case, ...] = (
    Case("r1_closed", "R1", model.VIOLATION, "2022-12-09", "充电桩基础开工时雨污分流尚未完工，重叠 9 天（均已完工）"),
    Case("r1_open", "R1", model.VIOLATION, "2022-12-09", "水电气讯管线未完工，充电桩已进场施工（进行中）"),
    Case("r2", "R2", model.VIOLATION, "2022-12-09", "智慧安防布线未完，外立面已开工 10 天（移交单已签）"),
    Case("r3", "R3", model.VIOLATION, "2022-12-09", "绿化完工后燃气管网改线，重新开挖新建绿地"),
    Case("r4", "R4", model.VIOLATION, "2022-12-09", "停车设施开工 4 天后才办理作业面移交"),
    Case("r1_plan", "R1", model.WARNING, "2022-12-09", "计划中充电桩开工早于雨污分流完工 7 天（2023 年批次）"),
    Case("r4_plan", "R4", model.WARNING, "2022-12-09", "铺装没有计划作业面移交；后来开工时也未移交（2023 年起为违规）"),
    Case("r4_now", "R4", model.VIOLATION, "2026-12-01", "复工后立面施工队未办理作业面移交即进场（进行中）"),
    Case("r1_plan_now", "R1", model.WARNING, "2026-12-01", "未开工小区重编计划：充电桩计划开工早于管线完工 5 天"),
)
#: A compound that had not started by the sample's last site day plans to start on this day.
REPLANNED_START, REPLANNED_FINISH = pd.Timestamp("2026-12-14"), pd.Timestamp("2027-06-30")


def _days(start: pd.Timestamp, finish: pd.Timestamp, lo: float, hi: float) -> tuple[pd.Timestamp, pd.Timestamp]:
    span = max((finish - start).days, 1)
    return start + pd.Timedelta(days=int(span * lo)), start + pd.Timedelta(days=max(int(span * hi), int(span * lo)))


def _contractor(work: str, subdistrict: str, lots: dict[str, int]) -> str:
    if work in UTILITY:
        return UTILITY[work]
    if work in SPECIALIST:
        return SPECIALIST[work]
    n = lots.setdefault(subdistrict, len(lots) + 1)
    kind = "市政" if work in CIVIL else "园林" if work in LANDSCAPE else "房建"
    return f"{subdistrict}{kind}{'一二三四五六七八九十'[(n - 1) % 10]}标段"


def _with_paving(rng: np.random.Generator, compounds: pd.DataFrame, works: pd.DataFrame) -> pd.DataFrame:
    ids = compounds.loc[compounds["batch"].notna(), "compound_id"].to_numpy()
    chosen = ids[rng.random(len(ids)) < PAVING_PROBABILITY]
    paving = pd.DataFrame({"compound_id": chosen, "work": "paving", "underground": False, "quantity": 1})
    order = {k: i for i, k in enumerate(schema.WORK_KEYS)}
    out = pd.concat([works, paving], ignore_index=True)
    return out.sort_values(["compound_id", "work"], key=lambda s: s.map(order) if s.name == "work" else s,
                           kind="stable").reset_index(drop=True)


def _retime(rng: np.random.Generator, compounds: pd.DataFrame, works: pd.DataFrame) -> pd.DataFrame:
    """Planned and actual dates in phases (see the module doc); open compounds resume in 2026."""
    c = compounds.set_index("compound_id")
    out = works.copy()
    lots: dict[str, int] = {}
    jitter = rng.uniform(0, 0.03, (len(out), 4))
    resume = {cid: RESUMED + pd.Timedelta(days=int(rng.integers(0, 21))) for cid in
              c.index[c["actual_start"].notna() & c["actual_finish"].isna()]}
    for i, w in enumerate(out.itertuples()):
        row = c.loc[w.compound_id]
        lo, hi = PHASES[w.work]
        ps, pf = _days(row["plan_start"], row["plan_finish"], lo + jitter[i, 0], hi - jitter[i, 1])
        as_, af = pd.NaT, pd.NaT
        if pd.notna(row["actual_start"]):
            end = row["actual_finish"] if pd.notna(row["actual_finish"]) else row["actual_start"] + (row["plan_finish"] - row["plan_start"])
            as_, af = _days(row["actual_start"], end, lo + jitter[i, 2], hi - jitter[i, 3])
        if w.compound_id in resume and model.DEFAULT_CLASS[w.work] == model.HARDWARE:
            ps, pf = _days(resume[w.compound_id], resume[w.compound_id] + pd.Timedelta(days=140), (lo - 0.58) * 2.2,
                           (hi - 0.58) * 2.2)
            as_ = ps + pd.Timedelta(days=int(rng.integers(0, 7))) if ps + pd.Timedelta(days=6) <= SITE_DAY else pd.NaT
            af = pf + pd.Timedelta(days=int(rng.integers(0, 6))) if pd.notna(as_) and pf + pd.Timedelta(days=5) <= SITE_DAY else pd.NaT
        out.loc[w.Index, ["plan_start", "plan_finish", "actual_start", "actual_finish"]] = [ps, pf, as_, af]
        out.loc[w.Index, "contractor"] = _contractor(w.work, row["subdistrict"], lots)
    out["sequence_class"] = out["work"].map(model.DEFAULT_CLASS)
    out["work_face"] = out["work"].map(model.SUGGESTED_FACE)
    for col in ("plan_start", "plan_finish", "actual_start", "actual_finish"):
        out[col] = pd.to_datetime(out[col])
    return out


def _handovers(works: pd.DataFrame) -> pd.DataFrame:
    """A handover into every work R4 wants one for, from the work that leaves the face last before it
    (by plan), recorded when the receiving crew starts (the day after the other finished, at the latest)."""
    need = required_handovers(works)
    by_compound = {cid: frame.set_index("work") for cid, frame in works.groupby("compound_id")}
    rows = []
    for cid, work, predecessor in need.itertuples(index=False):
        mine = by_compound[cid]
        target = mine.loc[work]
        before = mine[(mine["work_face"] == target["work_face"]) & (mine.index != work)
                      & (mine["plan_finish"] <= target["plan_start"])]
        source_work = before["plan_finish"].idxmax() if len(before) else predecessor
        source = mine.loc[source_work]
        actual = target["actual_start"]
        if pd.notna(actual) and pd.notna(source["actual_finish"]):
            actual = min(source["actual_finish"] + pd.Timedelta(days=1), actual)
        rows.append((cid, source_work, work, min(source["plan_finish"], target["plan_start"]), actual,
                     f"{target['contractor']}项目负责人" if pd.notna(actual) else None))
    return pd.DataFrame(rows, columns=[f.name for f in model.HANDOVER_FIELDS])


# --- the deliberate cases -------------------------------------------------------------------------
def _pick(compounds: pd.DataFrame, works: pd.DataFrame, taken: set[str], batches: tuple[str, ...],
          need: tuple[str, ...], test: Callable[[pd.Series, pd.DataFrame], bool] = lambda row, w: True,
          avoid: tuple[str, ...] = ()) -> str:
    """The first compound of ``batches`` not taken (the caller puts the compounds to keep clean in
    ``taken``) with the works ``need``, none of ``avoid``, and passing ``test(compound, its works)``."""
    for batch in batches:
        for _, row in compounds[compounds["batch"] == batch].iterrows():
            cid = row["compound_id"]
            mine = works[works["compound_id"] == cid]
            have = set(mine["work"])
            if cid in taken or not set(need) <= have or set(avoid) & have:
                continue
            if test(row, mine):
                taken.add(cid)
                return cid
    raise LookupError(f"no compound of {batches} for a case needing {need}")


def _set(works: pd.DataFrame, cid: str, work: str, **dates: pd.Timestamp | None) -> None:
    rows = (works["compound_id"] == cid) & (works["work"] == work)
    for col, value in dates.items():
        works.loc[rows, col] = pd.NaT if value is None else value


def _get(works: pd.DataFrame, cid: str, work: str, col: str) -> pd.Timestamp:
    return works.loc[(works["compound_id"] == cid) & (works["work"] == work), col].iloc[0]


def _hardware_starts(mine: pd.DataFrame, col: str = "actual_start") -> pd.Series:
    return mine.loc[mine["work"].map(model.DEFAULT_CLASS) == model.HARDWARE, col].dropna().sort_values()


def _lone_first_hardware(mine: pd.DataFrame, work: str, gap: int) -> bool:
    """``work`` is the first hardware work to start, and the next starts ``gap`` days or more later."""
    starts = _hardware_starts(mine.set_index("work", drop=False))
    return len(starts) >= 1 and starts.index[0] == work and (len(starts) == 1 or (starts.iloc[1] - starts.iloc[0]).days >= gap)


def _cases(compounds: pd.DataFrame, works: pd.DataFrame, keep_clean: set[str]) -> dict[str, str]:
    """Break the rules on purpose in one compound per :data:`CASES` entry (works changed in place),
    never in ``keep_clean``."""
    d = pd.Timedelta
    taken = set(keep_clean)
    done = lambda r, w: pd.notna(r["actual_finish"]) and r["actual_finish"] <= REPORT  # noqa: E731
    picked = {}
    cid = picked["r1_closed"] = _pick(compounds, works, taken, ("2022",), ("sewage", "ev_chargers"), done)
    _set(works, cid, "sewage", actual_finish=_get(works, cid, "ev_chargers", "actual_start") + d(days=9))

    def running(r: pd.Series, w: pd.DataFrame) -> bool:  # chargers started, hardware a while off
        ev = w.loc[w["work"] == "ev_chargers", "actual_start"].iloc[0]
        first = _hardware_starts(w)
        return REPORT - d(days=25) <= ev <= REPORT - d(days=3) and (first.empty or first.iloc[0] > REPORT + d(days=8))
    cid = picked["r1_open"] = _pick(compounds, works, taken, ("2022",), ("pipes", "ev_chargers"), running)
    _set(works, cid, "pipes", actual_finish=REPORT + d(days=6))
    cid = picked["r2"] = _pick(compounds, works, taken, ("2022",), ("smart_security", "facade_roof"),
                               lambda r, w: done(r, w) and _lone_first_hardware(w, "facade_roof", 14))
    _set(works, cid, "smart_security", actual_finish=_get(works, cid, "facade_roof", "actual_start") + d(days=10))
    cid = picked["r3"] = _pick(compounds, works, taken, ("2022", "2021", "2015-2020"), ("gas", "greening"), done,
                               avoid=("facade_roof", "age_friendly", "accessibility", "child_friendly", "ev_chargers", "parking"))
    green_done = _get(works, cid, "greening", "actual_finish") - d(days=30)
    _set(works, cid, "greening", actual_finish=green_done)
    _set(works, cid, "gas", actual_start=green_done + d(days=12), actual_finish=green_done + d(days=26))
    picked["r4"] = _pick(compounds, works, taken, ("2022",), ("ev_chargers", "parking"), done)
    cid = picked["r1_plan"] = _pick(compounds, works, taken, ("2023",), ("sewage", "ev_chargers"))
    _set(works, cid, "ev_chargers", plan_start=_get(works, cid, "sewage", "plan_finish") - d(days=7))
    picked["r4_plan"] = _pick(compounds, works, taken, ("2023",), ("pipes", "paving"))
    resumed = lambda r, w: pd.notna(r["actual_start"]) and pd.isna(r["actual_finish"]) and pd.notna(  # noqa: E731
        w.loc[w["work"] == "facade_roof", "actual_start"].iloc[0])
    picked["r4_now"] = _pick(compounds, works, taken, ("2024", "2023"), ("facade_roof",), resumed)
    waiting = lambda r, w: pd.isna(r["actual_start"])  # noqa: E731
    cid = picked["r1_plan_now"] = _pick(compounds, works, taken, ("2024",), ("pipes", "ev_chargers"), waiting)
    _replan(works, cid)
    _set(works, cid, "ev_chargers", plan_start=_get(works, cid, "pipes", "plan_finish") - d(days=5))
    return picked


def _replan(works: pd.DataFrame, cid: str) -> None:
    """Plan a compound that has not started anew, from REPLANNED_START to REPLANNED_FINISH, in phases."""
    for i in works.index[works["compound_id"] == cid]:
        lo, hi = PHASES[works.at[i, "work"]]
        works.loc[i, ["plan_start", "plan_finish"]] = _days(REPLANNED_START, REPLANNED_FINISH, lo, hi)


def _case_handovers(handovers: pd.DataFrame, works: pd.DataFrame, picked: dict[str, str]) -> pd.DataFrame:
    """The handovers the cases need: one recorded late, one never planned, one not recorded, one signed early."""
    out = handovers.copy()
    into = lambda key, work: (out["compound_id"] == picked[key]) & (out["to_work"] == work)  # noqa: E731
    out.loc[into("r4", "parking"), "actual_date"] = _get(works, picked["r4"], "parking", "actual_start") + pd.Timedelta(days=4)
    out.loc[into("r4_now", "facade_roof"), ["actual_date", "accepted_by"]] = [pd.NaT, None]
    out.loc[into("r2", "facade_roof"), "actual_date"] = _get(works, picked["r2"], "facade_roof", "actual_start")
    return out[~into("r4_plan", "paving")].reset_index(drop=True)


# --- daily progress -------------------------------------------------------------------------------
WORKERS: dict[str, tuple[int, int]] = {model.UNDERGROUND: (6, 22), model.SPECIAL: (2, 9), model.HARDWARE: (5, 28)}
NOTES: dict[str, tuple[str, ...]] = {
    model.UNDERGROUND: ("管沟开挖", "管道敷设", "回填夯实", "闭水试验合格", "等待专营单位接驳", "雨天暂停开挖"),
    model.SPECIAL: ("线槽敷设", "设备安装调试", "等待供电公司送电", "验收资料准备"),
    model.HARDWARE: ("基层处理", "材料进场", "面层施工", "苗木进场种植", "标线及标识", "居民协调后复工", "雨天停工"),
}
MISSED_REPORT = 0.05  # share of work-days without a report


def _curve(rng: np.random.Generator, days: int) -> np.ndarray:
    """Cumulative percent complete for each of ``days`` days, ending at 100 (uneven daily output)."""
    steps = rng.gamma(2.0, 1.0, days) * np.where(rng.random(days) < 0.08, 0.1, 1.0)  # some idle days
    return np.round(100.0 * np.cumsum(steps) / steps.sum(), 1)


def _daily(rng: np.random.Generator, works: pd.DataFrame) -> pd.DataFrame:
    """Reports for every work on site in the 8 weeks before the report date and before SITE_DAY."""
    rows: list[tuple] = []
    for end in (REPORT, SITE_DAY):
        first = end - pd.Timedelta(days=WINDOW_DAYS - 1)
        on_site = works[(works["actual_start"] <= end) & ~(works["actual_finish"] < first)]
        for w in on_site.itertuples():
            finish = w.actual_finish
            if pd.isna(finish) or finish > end:  # still running on ``end``: it finishes later
                target = max(w.plan_finish, end) + pd.Timedelta(days=int(rng.integers(3, 30)))
                finish = finish if pd.notna(finish) else target
            curve = _curve(rng, (finish - w.actual_start).days + 1)
            cls = model.DEFAULT_CLASS[w.work]
            for k in range(max((first - w.actual_start).days, 0), (min(finish, end) - w.actual_start).days + 1):
                day = w.actual_start + pd.Timedelta(days=k)
                if day != w.actual_finish and rng.random() < MISSED_REPORT:
                    continue
                note = NOTES[cls][int(rng.integers(len(NOTES[cls])))] if rng.random() < 0.08 else None
                at = day + pd.Timedelta(minutes=int(rng.integers(17 * 60, 21 * 60 + 30)))
                rows.append((w.compound_id, w.work, day, float(curve[k]), int(rng.integers(*WORKERS[cls])), note,
                             f"{w.contractor}（填报）", at))
    return pd.DataFrame(rows, columns=[f.name for f in model.DAILY_FIELDS])


# --- the issue log --------------------------------------------------------------------------------
ISSUES_PER_SITE_DAY = 0.1
ISSUES_PER_LATE_SITE_DAY = 0.3  # the compounds still open years late are troubled sites
CATEGORY_WEIGHTS = {"complaint": .30, "coordination": .20, "materials": .15, "safety": .15, "design_change": .10,
                    "other": .10}
SAME_DAY = {"safety": .92, "complaint": .82, "materials": .68, "coordination": .62, "design_change": .38, "other": .86}
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "safety": ("基坑临边防护缺失", "脚手架连墙件不足", "夜间施工照明不足", "开挖区域未设警示围挡", "临时用电线缆拖地"),
    "complaint": ("居民反映施工噪音扰民", "单元出入口被材料占用", "停车位临时减少，居民出行不便", "扬尘较大，居民投诉",
                  "施工时间与居民作息冲突"),
    "design_change": ("居民要求调整外立面颜色方案", "雨污管线与既有化粪池冲突，需调整走向", "无障碍坡道位置需调整",
                      "绿化方案需保留原有大树"),
    "materials": ("透水砖到货延迟", "管材规格不符需退换", "外墙涂料批次色差", "苗木规格不足"),
    "coordination": ("燃气公司接驳时间待定", "供电公司停电计划待批", "通信线缆迁改需运营商配合", "与相邻工地交叉作业需协调"),
    "other": ("施工围挡破损", "临时用水接驳", "建筑垃圾清运不及时"),
}
RESOLUTIONS: dict[str, tuple[str, ...]] = {
    "safety": ("已整改完毕并复查", "已补设防护并经监理确认"),
    "complaint": ("已调整施工时间并向居民说明", "已清理通道并设置临时通行线", "已协调临时停车位"),
    "design_change": ("已调整方案并经居民代表确认", "设计单位已出变更图"),
    "materials": ("材料已到场", "已更换合格材料"),
    "coordination": ("已约定接驳时间", "已取得停电计划并安排施工", "已召开现场协调会明确分工"),
    "other": ("已处理", "已清运完毕"),
}
RAISED_BY = ("现场监理", "街道城建科", "社区网格员", "施工单位", "居民代表（经网格员）")


def _owner(category: str, contractor: str, subdistrict: str) -> str:
    if category in ("safety", "materials", "other"):
        return contractor
    if category == "design_change":
        return "设计单位"
    if category == "coordination":
        return contractor if contractor.endswith("（专营）") else f"{subdistrict}街道城建科"
    return f"{subdistrict}街道城建科"


def _issues(rng: np.random.Generator, daily: pd.DataFrame, works: pd.DataFrame, compounds: pd.DataFrame) -> pd.DataFrame:
    """Issues raised on the sites reporting, about 0.1 per site and day (0.3 on the late sites, whose
    issues also take longer); most resolved the same day."""
    sites = daily.groupby(["compound_id", "date"])["work"].agg(list).reset_index()
    sites["n"] = rng.poisson(np.where(sites["date"] > REPORT, ISSUES_PER_LATE_SITE_DAY, ISSUES_PER_SITE_DAY))
    contractors = works.set_index(["compound_id", "work"])["contractor"]
    subdistricts = compounds.set_index("compound_id")["subdistrict"]
    cats, weights = list(CATEGORY_WEIGHTS), np.array(list(CATEGORY_WEIGHTS.values()))
    rows: list[tuple[Any, ...]] = []
    counter: dict[str, int] = {}
    for site in sites[sites["n"] > 0].itertuples():
        for _ in range(site.n):
            cat = cats[int(rng.choice(len(cats), p=weights / weights.sum()))]
            work = site.work[int(rng.integers(len(site.work)))]
            raised = site.date + pd.Timedelta(minutes=int(rng.integers(8 * 60, 17 * 60)))
            late = site.date > REPORT
            if rng.random() < SAME_DAY[cat] * (0.85 if late else 1.0):
                resolved = min(raised + pd.Timedelta(minutes=int(rng.integers(30, 6 * 60))), site.date + pd.Timedelta(hours=23, minutes=30))
            else:
                wait = 1 + rng.geometric(0.15 if late else 0.35)
                resolved = site.date + pd.Timedelta(days=int(wait), hours=int(rng.integers(9, 18)))
            end = SITE_DAY if late else REPORT + pd.Timedelta(days=60)
            if resolved > end + pd.Timedelta(hours=23, minutes=59):
                resolved = pd.NaT
            counter[site.compound_id] = counter.get(site.compound_id, 0) + 1
            rows.append((f"{site.compound_id}-I{counter[site.compound_id]:03d}", site.compound_id, work, cat,
                         DESCRIPTIONS[cat][int(rng.integers(len(DESCRIPTIONS[cat])))], raised,
                         RAISED_BY[int(rng.integers(len(RAISED_BY)))],
                         _owner(cat, contractors[(site.compound_id, work)], subdistricts[site.compound_id]),
                         site.date + pd.Timedelta(days=model.ISSUE_DUE_DAYS[cat]), resolved,
                         RESOLUTIONS[cat][int(rng.integers(len(RESOLUTIONS[cat])))] if pd.notna(resolved) else None))
    return pd.DataFrame(rows, columns=[f.name for f in model.ISSUE_FIELDS])


# --- all together ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Construction:
    """The sample's construction layers and the compound of each deliberate case."""

    works: pd.DataFrame
    handovers: pd.DataFrame
    daily_progress: pd.DataFrame
    issue_log: pd.DataFrame
    cases: dict[str, str]


def construction_sample(seed: int, compounds: pd.DataFrame, works: pd.DataFrame, *,
                        keep_clean: set[str]) -> Construction:
    """Works re-timed to follow the rules (plus paving, classes, contractors, faces), the handovers,
    daily progress and issues; the :data:`CASES` break the rules on purpose, never in ``keep_clean``
    (compound ids). Deterministic for a seed."""
    rng = np.random.default_rng([seed, STREAM])
    timed = _retime(rng, compounds, _with_paving(rng, compounds, works))
    cases = _cases(compounds, timed, keep_clean)
    handovers = _case_handovers(_handovers(timed), timed, cases)
    daily = _daily(rng, timed)
    columns = [f.name for f in schema.WORK_FIELDS]
    return Construction(timed[columns], handovers, daily, _issues(rng, daily, timed, compounds), cases)
