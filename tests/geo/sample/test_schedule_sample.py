"""The sample's construction data: the works follow the rules but for the named cases, daily progress
covers the 8 weeks before the report date and before the sample's last site day, and the issue log
has a realistic same-day resolution rate."""
from __future__ import annotations

import pandas as pd
import pytest

from geo import asof
from geo.sample.build import NAMED_COMPOUNDS
from geo.sample.schedule import CASES, SITE_DAY, WINDOW_DAYS
from geo.schedule.rules import check_sequence
from geo.settings import REPORT_DATE

REPORT = pd.Timestamp(REPORT_DATE)


@pytest.fixture(scope="module")
def cases(sample):
    return {c.key: sample.meta[f"sample.case.{c.key}"] for c in CASES}


@pytest.mark.parametrize("day", ["2021-06-30", "2022-12-09", "2024-06-30", "2026-12-01"])
def test_only_the_named_cases_break_the_rules(sample, cases, day):
    found = check_sequence(sample, day)
    assert set(found["compound_id"]) <= set(cases.values())
    named = set(sample.compounds.loc[sample.compounds["name"].isin([n[0] for n in NAMED_COMPOUNDS]), "compound_id"])
    assert not named & set(found["compound_id"])  # the reports' model compounds keep a clean record


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_each_case_shows_its_rule_on_its_day(sample, cases, case):
    found = check_sequence(sample, case.as_of)
    mine = found[found["compound_id"] == cases[case.key]]
    assert ((mine["rule"] == case.rule) & (mine["kind"] == case.kind)).any(), mine


def test_a_planning_warning_ignored_becomes_a_violation(sample, cases):
    found = check_sequence(sample, "2026-12-01")
    mine = found[found["compound_id"] == cases["r4_plan"]]
    assert list(zip(mine["rule"], mine["kind"])) == [("R4", "violation")]


def test_daily_progress_covers_the_works_on_site_in_both_windows(sample):
    daily = sample.daily_progress
    windows = [(end - pd.Timedelta(days=WINDOW_DAYS - 1), end) for end in (REPORT, SITE_DAY)]
    in_window = pd.Series(False, index=daily.index)
    for lo, hi in windows:
        in_window |= daily["date"].between(lo, hi)
    assert in_window.all() and daily["percent"].between(0, 100).all()
    assert (daily["reported_at"].dt.normalize() == daily["date"]).all()  # reported the same evening
    for lo, hi in windows:
        works = sample.works[(sample.works["actual_start"] <= hi) & ~(sample.works["actual_finish"] < lo)]
        reported = daily[daily["date"].between(lo, hi)][["compound_id", "work"]].drop_duplicates()
        assert len(reported) == len(works)
    ordered = daily.sort_values("date").groupby(["compound_id", "work"])["percent"]
    assert (ordered.diff().fillna(0) >= 0).all()  # percent complete never goes down
    finished = daily.merge(sample.works, on=["compound_id", "work"])
    assert (finished.loc[finished["date"] == finished["actual_finish"], "percent"] == 100).all()


def test_the_issue_log_resolves_about_seven_in_ten_issues_the_same_day(sample):
    issues = sample.issue_log
    rate = asof.resolved_same_day(issues, "2026-12-01").mean()
    assert 0.6 < rate < 0.8
    assert (issues["resolved_at"].dropna() >= issues.loc[issues["resolved_at"].notna(), "raised_at"]).all()
    assert (issues["due"] >= issues["raised_at"].dt.normalize()).all() and issues["issue_id"].is_unique
    assert asof.issues_overdue(issues, "2026-12-01").sum() >= 1 and asof.issues_open(issues, "2022-12-09").sum() >= 1


def test_nothing_has_happened_after_the_sample_was_made(sample):
    for frame, columns in ((sample.works, ("actual_start", "actual_finish")), (sample.handovers, ("actual_date",)),
                           (sample.issue_log, ("raised_at", "resolved_at"))):
        for column in columns:
            assert (frame[column].dropna() <= SITE_DAY + pd.Timedelta(days=1)).all(), column
