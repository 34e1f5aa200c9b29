"""The issue log's figures: raised, open, overdue, the same-day resolution rate, by owner and age."""
from __future__ import annotations

from geo.schedule.issues import issue_stats, issues_of_day, open_by_owner, open_issues
from tests.geo.schedule.site_data import site, work


def _issue(n, raised, resolved=None, owner="街道城建科", due=None, category="complaint"):
    return {"issue_id": f"QY-A-I{n:03d}", "compound_id": "QY-A", "work": "sewage", "category": category,
            "description": "噪音", "raised_at": raised, "raised_by": "网格员", "owner": owner, "due": due or raised[:10],
            "resolved_at": resolved, "resolution": "已处理" if resolved else None}


def _log():
    return site([work("sewage")], issues=[
        _issue(1, "2022-12-09 09:00:00", "2022-12-09 11:00:00"),
        _issue(2, "2022-12-09 15:00:00", "2022-12-10 09:00:00", owner="施工单位"),
        _issue(3, "2022-12-05 10:00:00", None, due="2022-12-06"),
        _issue(4, "2022-12-08 10:00:00", "2022-12-08 18:00:00"),
        _issue(5, "2022-12-10 10:00:00", None),
    ]).issue_log


def test_issue_figures_to_date_and_on_the_day():
    s = issue_stats(_log(), "2022-12-09")
    assert (s["raised"], s["open"], s["overdue"]) == (4, 2, 1)
    assert (s["resolved_same_day"], s["resolved_same_day_rate"]) == (2, 0.5)
    assert (s["raised_on_day"], s["resolved_on_day"], s["resolved_same_day_on_day"]) == (2, 1, 1)
    assert s["resolved_same_day_rate_on_day"] == 0.5
    assert issue_stats(_log().iloc[:0], "2022-12-09")["resolved_same_day_rate"] is None


def test_open_issues_by_owner_and_age():
    rows = open_issues(_log(), "2022-12-09")
    assert list(rows["issue_id"]) == ["QY-A-I003", "QY-A-I002"] and list(rows["age_days"]) == [4, 0]
    table = open_by_owner(_log(), "2022-12-09").set_index("owner")
    assert table.loc["街道城建科", "open"] == 1 and table.loc["街道城建科", "overdue"] == 1
    assert table.loc["街道城建科", "4-7"] == 1 and table.loc["施工单位", "0-1"] == 1


def test_the_issues_of_a_day_say_whether_they_were_resolved_that_day():
    day = issues_of_day(_log(), "2022-12-09")
    assert list(zip(day["issue_id"], day["same_day"])) == [("QY-A-I001", True), ("QY-A-I002", False)]
