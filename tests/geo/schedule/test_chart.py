"""The handover timing chart as data: bars, milestones, findings in red with their rule, today's line;
the area view's rows in lag order."""
from __future__ import annotations

import json

from geo import metrics
from geo.schedule.chart import (
    PLAN_COLOR,
    VIOLATION_COLOR,
    area_chart,
    area_phases,
    compound_chart,
    compound_timeline,
    lag_text,
)

DAY = "2022-12-09"


def test_a_compounds_timeline_has_plan_and_actual_bars_handovers_and_its_findings(sample):
    tl = compound_timeline(sample, "QY-0657", DAY)  # R1: lines not finished, chargers on site
    kinds = {(b["work"], b["kind"]) for b in tl["bars"]}
    assert ("充电桩", "计划") in kinds and ("充电桩", "实际") in kinds
    assert tl["order"][0].startswith("地下工程") and tl["order"][-1].startswith("地上硬件提升")
    red = [b for b in tl["bars"] if b["color"] == VIOLATION_COLOR]
    assert [b["work"] for b in red] == ["充电桩"] and "R1 先地下后地上" in red[0]["finding"]
    assert list(tl["findings"]["rule"]) == ["R1"]
    assert any(m["done"] for m in tl["milestones"]) and all(m["date"] <= "2023-12-31" for m in tl["milestones"])
    later = [b for b in tl["bars"] if b["kind"] == "实际" and b["work"] == "道路及院落地面"]
    assert later == []  # paving started 2022-12-28: not known on the day


def test_the_chart_spec_draws_bars_milestones_rule_texts_and_todays_line(sample):
    spec = compound_chart(compound_timeline(sample, "QY-0657", DAY, lang="en"), "en")
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "point", "text", "rule", "text"]
    text = json.dumps(spec, ensure_ascii=False)
    assert "R1 Underground before above ground" in text and "2022-12-09" in text and VIOLATION_COLOR in text
    assert spec["layer"][0]["encoding"]["yOffset"]["field"] == "kind" and PLAN_COLOR in text


def test_the_area_view_orders_compounds_by_lag_and_flags_violations(sample):
    area = metrics.filter_dataset(sample, area="送仙桥片区")
    phases = area_phases(area, DAY)
    first = phases[phases["rank"] == 0].iloc[0]
    assert first["compound_id"] == "QY-0657" and first["violations"] == 1
    lags = phases.groupby("rank")["lag_days"].first().fillna(-1e9)
    assert lags.is_monotonic_decreasing
    by_name = area_phases(area, DAY, sort="name")
    assert list(by_name.groupby("rank")["name"].first()) == sorted(by_name.groupby("rank")["name"].first())
    spec = area_chart(phases, DAY)
    assert "⚠ 1" in json.dumps(spec, ensure_ascii=False)
    assert len(area_phases(area, DAY, window_days=None)) > len(phases)


def test_lag_in_words():
    assert (lag_text(3), lag_text(-2), lag_text(0)) == ("滞后 3 天", "超前 2 天", "按计划")
    assert lag_text(3, "en") == "3 days behind"


def test_a_compound_with_a_violation_stays_in_the_area_view_outside_the_window(sample):
    area = metrics.filter_dataset(sample, area="送仙桥片区")
    phases = area_phases(area, DAY)  # QY-1851 broke R2 in August: its phases ended before the window
    assert "QY-1851" in set(phases["compound_id"])
    assert phases.loc[phases["compound_id"] == "QY-1851", "violations"].iloc[0] == 1


def test_a_phase_under_way_is_dark_up_to_the_day_and_light_after_it(sample):
    area = metrics.filter_dataset(sample, area="送仙桥片区")
    rows = area_chart(area_phases(area, DAY), DAY)["layer"][0]["data"]["values"]
    lines = [r for r in rows if r["id"] == "QY-0657" and r["phase"] == "地下工程"]  # lines not finished on the day
    assert [(r["opacity"], r["start"] <= DAY < r["end"]) for r in lines] == [(1.0, True), (0.35, False)]
    assert lines[0]["end"] == lines[1]["start"] == "2022-12-10" and lines[0]["to"] == lines[1]["to"]
    done = [r for r in rows if r["end"] <= DAY]
    assert done and all(r["opacity"] == 1.0 for r in done)  # a phase finished before the day: one dark bar
