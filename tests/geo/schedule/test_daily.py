"""The daily progress table: planned %, the % of the day, yesterday's (carried forward), change and lag."""
from __future__ import annotations

import pandas as pd

from geo.schedule.daily import DailyReport, compounds_behind, daily_table, reports_from_edit
from tests.geo.schedule.site_data import site, work


def _report(w, date, percent, at=None, **extra):
    return {"compound_id": "QY-A", "work": w, "date": date, "percent": percent, "workers": extra.get("workers"),
            "note": extra.get("note"), "reported_by": "li", "reported_at": at or f"{date} 19:00:00"}


def _site():
    return site([work("sewage", plan_start="2023-03-01", plan_finish="2023-03-10", actual_start="2023-03-01"),
                 work("paving", plan_start="2023-03-11", plan_finish="2023-03-30"),
                 work("greening", plan_start="2023-01-01", plan_finish="2023-02-01", actual_start="2023-01-01",
                      actual_finish="2023-02-01")],
                daily=[_report("sewage", "2023-03-03", 25.0), _report("sewage", "2023-03-05", 40.0, workers=8),
                       _report("sewage", "2023-03-06", 52.0, note="回填"),
                       _report("sewage", "2023-03-07", 61.0, at="2023-03-08 08:00:00")])


def test_the_table_lists_the_works_on_site_with_planned_reported_previous_change_and_lag():
    table = daily_table(_site(), "2023-03-06").set_index("work")
    assert list(table.index) == ["sewage"]  # paving not yet, greening finished before
    row = table.loc["sewage"]
    assert (row["planned_percent"], row["percent"], row["previous"], row["change"]) == (60.0, 52.0, 40.0, 12.0)
    assert row["lag_days"] == 1 and row["note"] == "回填" and row["name"] == "甲小区"


def test_yesterdays_percent_is_carried_forward_over_a_missed_day_and_the_lag_uses_it():
    row = daily_table(_site(), "2023-03-04").iloc[0]
    assert pd.isna(row["percent"]) and row["previous"] == 25.0 and pd.isna(row["change"])
    assert row["lag_days"] == 2  # four days of plan run, 25% = 2.5 days of it


def test_a_report_made_later_about_a_day_shows_from_the_day_it_was_made():
    assert pd.isna(daily_table(_site(), "2023-03-07").iloc[0]["percent"])  # made the next morning
    assert daily_table(_site(), "2023-03-07", as_of="2023-03-08").iloc[0]["percent"] == 61.0


def test_compounds_behind_by_their_most_lagging_work():
    table = daily_table(_site(), "2023-03-09")
    behind = compounds_behind(table, 3)
    assert list(behind["compound_id"]) == ["QY-A"] and behind.iloc[0]["lag_days"] == 3
    assert compounds_behind(table, 4).empty


def test_an_edited_table_gives_the_reports_of_the_rows_changed():
    before = daily_table(_site(), "2023-03-06")
    after = before[["percent", "workers", "note"]].copy()
    assert reports_from_edit(before, after, "2023-03-06") == []
    after.loc[0, "percent"], after.loc[0, "workers"] = 55.5, 9
    assert reports_from_edit(before, after, "2023-03-06") == [
        DailyReport("QY-A", "sewage", pd.Timestamp("2023-03-06").date(), 55.5, 9, "回填")]
    after.loc[0, "percent"] = None  # a blank percent reports nothing
    assert reports_from_edit(before, after, "2023-03-06") == []
