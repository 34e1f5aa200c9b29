"""The sequencing rules R1-R4 on hand-made works: each rule, its edges (same-day finish and start,
missing dates, tolerance, unknown faces), planned versus actual dates, and the as-of date."""
from __future__ import annotations

import pandas as pd
import pytest

from geo.schedule import model
from geo.schedule.rules import RULES, check_sequence, mark_new, required_handovers, tolerances
from tests.geo.schedule.site_data import site, work

D = "2023-06-30"  # the as-of date of most tests: everything below has happened by then


def _found(ds, as_of=D, **tolerance) -> list[tuple]:
    f = check_sequence(ds, as_of, tolerance=tolerance or None)
    return [(r.rule, r.kind, r.first_work, r.second_work, None if pd.isna(r.days) else int(r.days), bool(r.ongoing))
            for r in f.itertuples()]


def _handover(source, target, plan="", actual="", by=None):
    return {"compound_id": "QY-A", "from_work": source, "to_work": target, "plan_date": plan, "actual_date": actual,
            "accepted_by": by}


# --- the rules as data -----------------------------------------------------------------------------
def test_every_rule_has_an_id_bilingual_texts_a_severity_and_a_definition_of_its_days():
    assert [r.id for r in RULES] == ["R1", "R2", "R3", "R4"]
    for r in RULES:
        assert r.name("zh") != r.name("en") and r.text("zh") and r.text("en") and r.days("zh") and r.days("en")
        assert r.severity in model.SEVERITIES and r.tolerance == 0
    assert RULES[0].name("zh") == "先地下后地上" and RULES[1].name("zh") == "专项改造在前、硬件提升在后"


def test_tolerances_are_a_setting_per_rule(monkeypatch):
    monkeypatch.setenv("QY_RULE_TOLERANCE", "R1=3, r4=2, R9=1, bad")
    assert tolerances() == {"R1": 3, "R2": 0, "R3": 0, "R4": 2}
    assert tolerances({"R2": 5})["R2"] == 5


# --- R1 先地下后地上 ----------------------------------------------------------------------------------
def _r1(finish: str, start: str, **faces):
    return site([work("sewage", plan_start="2023-01-01", plan_finish="2023-03-01", actual_start="2023-01-01",
                      actual_finish=finish, work_face=faces.get("a")),
                 work("ev_chargers", plan_start="2023-03-02", plan_finish="2023-04-01", actual_start=start,
                      actual_finish="2023-04-01" if start else "", work_face=faces.get("b"))],
                handovers=[_handover("sewage", "ev_chargers", "2023-03-01", start or "")])


def test_r1_finishing_and_starting_on_the_same_day_is_no_overlap():
    assert _found(_r1("2023-03-10", "2023-03-10")) == []


def test_r1_one_day_of_overlap_breaks_it_unless_tolerated():
    assert _found(_r1("2023-03-11", "2023-03-10")) == [("R1", "violation", "sewage", "ev_chargers", 1, False)]
    assert _found(_r1("2023-03-11", "2023-03-10"), R1=1) == []
    assert _found(_r1("2023-03-12", "2023-03-10"), R1=1)[0][4] == 2


def test_r1_an_unfinished_underground_work_counts_as_finishing_tomorrow_and_its_days_grow():
    ds = _r1("", "2023-06-20")
    assert _found(ds) == [("R1", "violation", "sewage", "ev_chargers", 11, True)]  # D + 1 - start
    assert _found(ds, "2023-06-25")[0][4] == 6


def test_r1_holds_between_different_faces_and_applies_where_a_face_is_unknown():
    assert _found(_r1("2023-03-20", "2023-03-10", a="院落地面", b="楼栋立面")) == []
    assert _found(_r1("2023-03-20", "2023-03-10", a="院落地面", b="院落地面"))[0][:2] == ("R1", "violation")
    assert _found(_r1("2023-03-20", "2023-03-10", a="院落地面"))[0][:2] == ("R1", "violation")  # b's face unknown
    assert _found(_r1("2023-03-20", "2023-03-10", a=" 院落地面", b="院落地面 "))[0][0] == "R1"  # trimmed


def test_r1_missing_dates_find_nothing():
    ds = site([work("sewage", actual_start="2023-01-01"), work("ev_chargers")])  # no plan, chargers never started
    assert _found(ds) == []


def test_r1_a_plan_that_overlaps_is_a_planning_warning_until_the_later_work_starts():
    ds = site([work("sewage", plan_start="2023-07-01", plan_finish="2023-08-10"),
               work("ev_chargers", plan_start="2023-08-05", plan_finish="2023-09-01")],
              handovers=[_handover("sewage", "ev_chargers", "2023-08-05")])
    assert _found(ds) == [("R1", "warning", "sewage", "ev_chargers", 5, False)]
    assert _found(ds, R1=5) == []


def test_r1_a_planning_warning_uses_what_is_known_an_overdue_finish_counts_as_tomorrow():
    ds = site([work("sewage", plan_start="2023-05-01", plan_finish="2023-07-10", actual_start="2023-05-01"),
               work("ev_chargers", plan_start="2023-07-02", plan_finish="2023-08-01")],
              handovers=[_handover("sewage", "ev_chargers", "2023-07-02")])
    assert _found(ds) == [("R1", "warning", "sewage", "ev_chargers", 8, False)]  # both still planned
    assert _found(ds, "2023-07-05") == [("R1", "warning", "sewage", "ev_chargers", 4, False)]  # chargers: from 07-06
    assert _found(ds, "2023-07-12") == []  # both late: each can only happen from tomorrow (a warning is a certainty)


def test_a_violation_is_not_known_before_the_later_work_actually_started():
    ds = _r1("2023-03-20", "2023-03-10")
    assert _found(ds, "2023-03-09") == []  # both plans passed: nothing is certain yet
    assert _found(ds, "2023-03-10") == [("R1", "violation", "sewage", "ev_chargers", 1, True)]  # sewage open on D
    assert _found(ds) == [("R1", "violation", "sewage", "ev_chargers", 10, False)]


# --- R2 专项改造在前、硬件提升在后 ----------------------------------------------------------------------
def test_r2_special_works_before_hardware_on_any_face():
    ds = site([work("smart_security", actual_start="2023-01-01", actual_finish="2023-02-10", work_face="楼栋立面"),
               work("greening", actual_start="2023-02-05", actual_finish="2023-03-01", work_face="院落地面")])
    assert _found(ds) == [("R2", "violation", "smart_security", "greening", 5, False)]


def test_r2_judges_underground_works_on_other_faces_and_leaves_the_same_face_to_r1():
    works = [work("gas", actual_start="2023-01-01", actual_finish="2023-02-10", work_face="院落地面"),
             work("facade_roof", actual_start="2023-02-01", actual_finish="2023-04-01", work_face="楼栋立面")]
    assert _found(site(works)) == [("R2", "violation", "gas", "facade_roof", 9, False)]
    works[1] = {**works[1], "work_face": "院落地面"}
    assert {f[0] for f in _found(site(works))} == {"R1", "R4"}  # same face: R1 (and no handover: R4)


# --- R3 避免重复开挖 ---------------------------------------------------------------------------------
def test_r3_digging_after_the_surface_is_finished_is_r3_not_r1():
    ds = site([work("paving", actual_start="2023-01-01", actual_finish="2023-02-01"),
               work("pipes", actual_start="2023-02-10", actual_finish="2023-02-20")],
              handovers=[_handover("pipes", "paving", actual="2023-01-01")])
    assert _found(ds) == [("R3", "violation", "paving", "pipes", 9, False)]
    assert _found(ds, R3=9) == [("R1", "violation", "pipes", "paving", 50, False)]  # tolerated as R3, an overlap still


def test_r3_starting_to_dig_on_the_day_the_surface_was_finished_is_not_after_it():
    ds = site([work("greening", actual_start="2023-01-01", actual_finish="2023-02-01"),
               work("sewage", actual_start="2023-02-01", actual_finish="2023-02-20")],
              handovers=[_handover("sewage", "greening", actual="2023-01-01")])
    assert [f[0] for f in _found(ds)] == ["R1"]


def test_r3_planning_warning_for_a_dig_planned_under_a_finished_surface():
    ds = site([work("parking", actual_start="2023-01-01", actual_finish="2023-02-01"),
               work("gas", plan_start="2023-08-01", plan_finish="2023-08-20")],
              handovers=[_handover("gas", "parking", actual="2023-01-01")])
    assert _found(ds) == [("R3", "warning", "parking", "gas", 181, False)]


# --- R4 作业面移交后方可进场 -------------------------------------------------------------------------
def _r4(handovers, start="2023-03-10"):
    return site([work("sewage", plan_start="2023-01-01", plan_finish="2023-03-01", actual_start="2023-01-01",
                      actual_finish="2023-03-01"),
                 work("paving", plan_start="2023-03-05", plan_finish="2023-04-01", actual_start=start,
                      actual_finish="2023-04-01" if start else "")], handovers=handovers)


def test_r4_no_handover_recorded_breaks_it_whatever_the_tolerance():
    assert _found(_r4([])) == [("R4", "violation", "sewage", "paving", None, False)]
    assert _found(_r4([]), R4=30)[0][:2] == ("R4", "violation")
    assert _found(_r4([_handover("sewage", "paving", "2023-03-02")]))[0][4] is None  # planned, never recorded


def test_r4_a_handover_on_the_start_day_is_in_time_and_a_later_one_by_its_days():
    assert _found(_r4([_handover("sewage", "paving", "2023-03-02", "2023-03-10")])) == []
    assert _found(_r4([_handover("sewage", "paving", "2023-03-02", "2023-03-12")])) == \
        [("R4", "violation", "sewage", "paving", 2, False)]
    assert _found(_r4([_handover("sewage", "paving", "2023-03-02", "2023-03-12")]), R4=2) == []


def test_r4_planning_warnings_for_a_missing_or_late_planned_handover():
    assert _found(_r4([], start="")) == [("R4", "warning", "sewage", "paving", None, False)]
    late = _handover("sewage", "paving", "2023-03-08")
    assert _found(_r4([late], start=""), "2023-02-01") == [("R4", "warning", "sewage", "paving", 3, False)]


def test_r4_wants_a_handover_only_where_an_earlier_class_shares_the_face():
    ds = site([work("gas", actual_start="2023-01-01", actual_finish="2023-02-01", work_face="院落地面"),
               work("facade_roof", actual_start="2023-02-10", actual_finish="2023-03-01", work_face="楼栋立面")])
    assert _found(ds) == []
    need = required_handovers(site([work("gas", work_face="院落地面", plan_finish="2023-02-01"),
                                    work("smart_security", work_face="楼栋立面", plan_finish="2023-02-01"),
                                    work("facade_roof", work_face="楼栋立面", plan_finish="2023-03-01"),
                                    work("paving", work_face="院落地面", plan_finish="2023-03-01")]).works)
    assert set(zip(need["work"], need["predecessor"])) == {("facade_roof", "smart_security"), ("paving", "gas")}


# --- classes, findings of two days ------------------------------------------------------------------
def test_a_stored_class_overrides_the_work_types_default():
    ds = site([work("fire_safety", sequence_class="underground", actual_start="2023-01-01", actual_finish="2023-02-10"),
               work("age_friendly", actual_start="2023-02-01", actual_finish="2023-03-01")],
              handovers=[_handover("fire_safety", "age_friendly", "2023-02-01", "2023-02-01")])
    assert _found(ds) == [("R1", "violation", "fire_safety", "age_friendly", 9, False)]


def test_findings_new_since_the_day_before():
    ds = _r1("2023-03-20", "2023-03-10")
    today, before = check_sequence(ds, "2023-03-10"), check_sequence(ds, "2023-03-09")
    assert mark_new(today, before)["new"].tolist() == [True]
    assert mark_new(today, today)["new"].tolist() == [False]


@pytest.mark.parametrize("column", ["compound_id", "name", "subdistrict", "rule", "kind", "severity", "days"])
def test_findings_carry_the_compound_and_the_rule(column):
    f = check_sequence(_r1("2023-03-20", "2023-03-10"), D)
    assert column in f.columns and f.iloc[0]["name"] == "甲小区" and f.iloc[0]["severity"] == "high"
