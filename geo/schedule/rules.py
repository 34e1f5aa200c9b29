"""The sequencing rules R1-R4, as data, and the check that applies them.

Each rule (:data:`RULES`) has an id, a bilingual name and text, a severity, a definition
of its days and a default tolerance (days; ``QY_RULE_TOLERANCE`` overrides it per rule, see
geo.settings). :func:`check_sequence` applies every rule to the works of a data set as known
on an as-of date D and returns the findings, derived, never stored:

- a **violation** is found on actual dates: the later work has actually started by D;
- a **planning warning** is found on the dates as known on D (``geo.asof.work_dates``: the
  actual date where it has happened, else the plan) for a later work not started by D.

A pair of works is judged by one rule only, the most specific: R3, then R1, then R2.
Faces match when they are equal or either is unknown (empty), so a compound without faces
is one face. Days are whole days; finishing and starting on the same day is no overlap.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import asof
from geo.asof import AsOf, AsOfLike
from geo.dataset import Dataset
from geo.schedule import model
from geo.settings import get_settings


@dataclass(frozen=True)
class Rule:
    """One sequencing rule: what it says, how bad a breach is, and what its days count."""

    id: str
    zh: str  # the principle, as the district writes it
    en: str
    text_zh: str
    text_en: str
    days_zh: str  # the definition of the finding's days
    days_en: str
    severity: str  # a key of geo.schedule.model.SEVERITIES
    tolerance: int = 0  # days tolerated by default

    def name(self, lang: str = "zh") -> str:
        """The rule's short name in ``lang``."""
        return self.en if lang == "en" else self.zh

    def text(self, lang: str = "zh") -> str:
        """What the rule says, in ``lang``."""
        return self.text_en if lang == "en" else self.text_zh

    def days(self, lang: str = "zh") -> str:
        """What the days of a finding count, in ``lang``."""
        return self.days_en if lang == "en" else self.days_zh


RULES: tuple[Rule, ...] = (
    Rule("R1", "先地下后地上", "Underground before above ground",
         "同一作业面（作业面未知时为整个小区）的地下工程全部完工后，地上工程方可开工",
         "No above-ground work on a face (the whole compound where faces are unknown) starts before "
         "every underground work on that face has finished",
         "重叠天数 = 地下工程完工日 − 地上工程开工日（未完工按次日计）；超过容差即违规，同日完工、开工不算重叠",
         "overlap = underground finish − above-ground start, in days (an unfinished work counts as finishing "
         "tomorrow); more than the tolerance breaks the rule; finishing and starting on one day is no overlap",
         "high"),
    Rule("R2", "专项改造在前、硬件提升在后", "Special works before hardware upgrades",
         "小区的专项改造（地下管网及消防、安防、充电桩等专项）全部完工后，硬件提升（立面屋面、道路地面、绿化、停车等）方可开工",
         "No hardware upgrade of a compound (facade and roof, paving, greening, parking, ...) starts before "
         "every special work of the compound (buried networks, fire safety, security, EV chargers) has finished",
         "重叠天数 = 专项工程完工日 − 硬件工程开工日（未完工按次日计）；超过容差即违规（同一作业面的地下工程按 R1 判定）",
         "overlap = special work finish − hardware start, in days (an unfinished work counts as finishing "
         "tomorrow); more than the tolerance breaks the rule (underground works on the same face are R1's)",
         "medium"),
    Rule("R3", "避免重复开挖", "No digging twice",
         "同一作业面的地面工程（道路及院落地面、绿化、停车）完工后，不得再开工地下工程",
         "No underground work starts on a face after a surface work on it (paving, greening, parking) has finished",
         "天数 = 地下工程开工日 − 地面工程完工日；超过容差即违规",
         "days = underground start − surface finish; more than the tolerance breaks the rule",
         "high"),
    Rule("R4", "作业面移交后方可进场", "Handover before the next contractor starts",
         "有先行工程的作业面，须办理作业面移交后，后续地上工程方可开工",
         "An above-ground work on a face with earlier works does not start before the handover of that face "
         "to it is recorded",
         "天数 = 移交日 − 开工日；超过容差即违规；开工时没有移交记录，不论容差均为违规",
         "days = handover date − start, in days; more than the tolerance breaks the rule, and so does "
         "starting with no handover recorded, whatever the tolerance",
         "medium"),
)
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
#: Columns of :func:`check_sequence`'s result.
FINDING_COLUMNS = ("compound_id", "name", "subdistrict", "area", "rule", "kind", "severity", "first_work",
                   "first_date", "second_work", "second_date", "days", "ongoing", "face")


def tolerances(overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Days each rule tolerates: its default, then ``QY_RULE_TOLERANCE``, then ``overrides``."""
    out = {r.id: r.tolerance for r in RULES}
    out.update({k: v for k, v in get_settings().rule_tolerance_days if k in out})
    out.update({k: int(v) for k, v in (overrides or {}).items() if k in out})
    return out


def _works(ds: Dataset, day: AsOf) -> pd.DataFrame:
    """Works with class, face and the dates known on D."""
    w = ds.works[ds.works["compound_id"].isin(ds.compounds["compound_id"])]
    out = w[["compound_id", "work"]].copy()
    out["cls"] = model.work_class(w)
    out["face"] = model.face_key(w["work_face"])
    return out.join(asof.work_dates(w, day)).reset_index(drop=True)


def _pairs(works: pd.DataFrame) -> pd.DataFrame:
    """Every ordered pair (a, b) of two different works of one compound, with ``same_face``."""
    pairs = works.merge(works, on="compound_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["work_a"] != pairs["work_b"]].reset_index(drop=True)
    fa, fb = pairs["face_a"], pairs["face_b"]
    pairs["same_face"] = (fa == "") | (fb == "") | (fa == fb)
    return pairs


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days


def _finding(pairs: pd.DataFrame, mask: pd.Series, rule: str, kind: str, first: str, second: str,
             days: pd.Series, ongoing: pd.Series | bool = False) -> pd.DataFrame:
    rows = pairs[mask]
    return pd.DataFrame({
        "compound_id": rows["compound_id"], "rule": rule, "kind": kind,
        "first_work": rows[f"work_{first}"], "second_work": rows[f"work_{second}"],
        "first_date": rows["_first_date"], "second_date": rows["_second_date"], "days": days[mask],
        "ongoing": (ongoing[mask] if isinstance(ongoing, pd.Series) else ongoing),
        "face": rows["face_b"].where(rows["face_b"] != "", rows["face_a"]),
    })


def _overlap_rule(pairs: pd.DataFrame, rule: str, tol: int, started_b: pd.Series) -> list[pd.DataFrame]:
    """R1/R2 on the pairs given (a must finish before b starts): violations and planning warnings."""
    out = []
    actual = _days(pairs["finish_so_far_a"], pairs["start_b"])
    broken = started_b & (actual > tol)
    pairs = pairs.assign(_first_date=pairs["finish_so_far_a"], _second_date=pairs["start_b"])
    out.append(_finding(pairs, broken, rule, model.VIOLATION, "a", "b", actual, pairs["finish_a"].isna()))
    planned = _days(pairs["exp_finish_a"], pairs["exp_start_b"])
    warned = ~started_b & (planned > tol)
    pairs = pairs.assign(_first_date=pairs["exp_finish_a"], _second_date=pairs["exp_start_b"])
    out.append(_finding(pairs, warned, rule, model.WARNING, "a", "b", planned))
    return out


def _r3(pairs: pd.DataFrame, tol: int) -> tuple[list[pd.DataFrame], pd.Series]:
    """R3 on pairs (a = surface work, b = underground work, same face); also the mask of pairs it judged."""
    rel = pairs["work_a"].isin(model.SURFACE_WORKS) & (pairs["cls_b"] == model.UNDERGROUND) & pairs["same_face"]
    started_b = pairs["start_b"].notna()
    actual = _days(pairs["start_b"], pairs["finish_a"])
    broken = rel & started_b & (actual > tol)
    planned = _days(pairs["exp_start_b"], pairs["exp_finish_a"])
    warned = rel & ~started_b & (planned > tol)
    out = [
        _finding(pairs.assign(_first_date=pairs["finish_a"], _second_date=pairs["start_b"]), broken,
                 "R3", model.VIOLATION, "a", "b", actual),
        _finding(pairs.assign(_first_date=pairs["exp_finish_a"], _second_date=pairs["exp_start_b"]), warned,
                 "R3", model.WARNING, "a", "b", planned),
    ]
    return out, broken | warned


def _required(pairs: pd.DataFrame, finish: str) -> pd.DataFrame:
    """(compound_id, work, predecessor) for every work following an earlier class on its face; the
    predecessor is the earlier-class work on that face finishing last by column ``finish``."""
    order = model.SEQUENCE_ORDER
    earlier = pairs["same_face"] & (pairs["cls_a"].map(order) < pairs["cls_b"].map(order))
    last = pairs[earlier].sort_values(f"{finish}_a", kind="stable").groupby(["compound_id", "work_b"])["work_a"].last()
    return last.rename("predecessor").reset_index().rename(columns={"work_b": "work"})


def required_handovers(works: pd.DataFrame, finish: str = "plan_finish") -> pd.DataFrame:
    """The works R4 wants a handover for: (compound_id, work, predecessor), from ``works`` with
    compound_id, work, work_face, sequence_class (empty = the default) and the column ``finish``
    the predecessor is chosen by (the one finishing last)."""
    frame = works[["compound_id", "work", finish]].assign(cls=model.work_class(works), face=model.face_key(works["work_face"]))
    return _required(_pairs(frame), finish)


def _r4(works: pd.DataFrame, pairs: pd.DataFrame, handovers: pd.DataFrame, day: AsOf, tol: int) -> list[pd.DataFrame]:
    """R4: an above-ground work following an earlier class on its face starts after the handover to it."""
    need = _required(pairs, "exp_finish")
    hv = handovers.join(asof.handover_dates(handovers, day))
    hv = hv.assign(missing_done=hv["done"].isna(), missing_expected=hv["expected"].isna())
    per = hv.groupby(["compound_id", "to_work"]).agg(
        from_work=("from_work", "last"), done=("done", "max"), expected=("expected", "max"),
        missing_done=("missing_done", "max"), missing_expected=("missing_expected", "max"),
    ).reset_index().rename(columns={"to_work": "work"})
    rows = need.merge(works, on=["compound_id", "work"]).merge(per, on=["compound_id", "work"], how="left")
    recorded = rows["done"].notna() & rows["missing_done"].eq(False)
    started = rows["start"].notna()
    actual = _days(rows["done"], rows["start"]).where(recorded)  # NaN: no handover recorded
    broken = started & (~recorded | (actual > tol))
    planned_ok = rows["expected"].notna() & rows["missing_expected"].eq(False)
    planned = _days(rows["expected"], rows["exp_start"]).where(planned_ok)
    warned = ~started & rows["exp_start"].notna() & (~planned_ok | (planned > tol))  # a work without a plan: nothing
    first = rows["from_work"].fillna(rows["predecessor"])
    frame = rows.assign(work_a=first, work_b=rows["work"], face_a=rows["face"], face_b=rows["face"])
    return [
        _finding(frame.assign(_first_date=rows["done"].where(recorded), _second_date=rows["start"]), broken,
                 "R4", model.VIOLATION, "a", "b", actual, ~recorded & rows["finish"].isna()),
        _finding(frame.assign(_first_date=rows["expected"].where(planned_ok), _second_date=rows["exp_start"]), warned,
                 "R4", model.WARNING, "a", "b", planned),
    ]


def check_sequence(ds: Dataset, as_of: AsOfLike = None, *, tolerance: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Every violation and planning warning of the works of ``ds`` on ``as_of`` (see the module doc).

    Columns :data:`FINDING_COLUMNS`: the compound (id, name, subdistrict, area), the rule id,
    ``kind`` (violation | warning), severity, the two works and their dates (``first_date`` the
    earlier work's finish or the handover, ``second_date`` the later work's start; days at
    midnight), ``days`` (by the rule's definition; NaN for a handover not recorded, or not
    planned, at all: R4 is then broken whatever the tolerance),
    ``ongoing`` (True while the days still grow: the earlier work not finished or the handover
    not recorded) and the face. Violations first, then by days, largest first.
    """
    day = AsOf.of(as_of)
    tol = tolerances(tolerance)
    works = _works(ds, day)
    pairs = _pairs(works)
    found, judged = _r3(pairs, tol["R3"])
    # a pair R3 judged (surface a, underground b) is not judged again by R1 the other way round
    by_r3 = pd.MultiIndex.from_frame(pairs.loc[judged, ["compound_id", "work_b", "work_a"]])
    reversed_judged = pd.MultiIndex.from_frame(pairs[["compound_id", "work_a", "work_b"]]).isin(by_r3)
    started_b = pairs["start_b"].notna()
    r1 = (pairs["cls_a"] == model.UNDERGROUND) & (pairs["cls_b"] != model.UNDERGROUND) & pairs["same_face"]
    r1 &= ~reversed_judged
    found += _overlap_rule(pairs[r1], "R1", tol["R1"], started_b[r1])
    # underground works on the same face are R1's (or R3's)
    r2 = pairs["cls_a"].isin((model.UNDERGROUND, model.SPECIAL)) & (pairs["cls_b"] == model.HARDWARE)
    r2 &= ~((pairs["cls_a"] == model.UNDERGROUND) & pairs["same_face"])
    found += _overlap_rule(pairs[r2], "R2", tol["R2"], started_b[r2])
    handovers = ds.handovers[ds.handovers["compound_id"].isin(ds.compounds["compound_id"])]
    found += _r4(works, pairs, handovers, day, tol["R4"])
    return _finish(pd.concat([f for f in found if len(f)] or [found[0]], ignore_index=True), ds)


def _finish(findings: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    names = ds.compounds.set_index("compound_id")[["name", "subdistrict", "area"]]
    out = findings.join(names, on="compound_id")
    out["severity"] = out["rule"].map({r.id: r.severity for r in RULES})
    out["ongoing"] = out["ongoing"].astype(bool)
    out["_k"] = (out["kind"] != model.VIOLATION).astype(int)
    out = out.sort_values(["_k", "days", "compound_id", "rule"], ascending=[True, False, True, True],
                          na_position="first", kind="stable")
    return pd.DataFrame(out[list(FINDING_COLUMNS)].reset_index(drop=True))


def finding_keys(findings: pd.DataFrame) -> pd.Series:
    """A key per finding (compound, rule, kind, works) to tell findings of two days apart."""
    parts = ["compound_id", "rule", "kind", "first_work", "second_work"]
    return findings[parts].astype(str).agg("|".join, axis=1) if len(findings) else pd.Series([], dtype=object)


def mark_new(today: pd.DataFrame, yesterday: pd.DataFrame) -> pd.DataFrame:
    """``today``'s findings with a ``new`` column: not found the day before."""
    seen = set(finding_keys(yesterday))
    return today.assign(new=~finding_keys(today).isin(seen).to_numpy() if len(today) else np.array([], bool))
