"""The construction writes as use cases: daily progress, the daily sheet, handovers, issues raised and
resolved. Rights come from the compound's stored subdistrict; a refusal leaves the store unchanged;
every save is audited and refused when the compound was saved since its tag."""
from __future__ import annotations

import datetime as dt

import pytest

from geo import writes
from geo.audit import EditError, HandoverProgress
from geo.auth import Refused
from geo.schedule.daily import DailyReport
from geo.store import EditConflict
from tests.store_support import ADMIN_USER, EDITOR_USER, scratch_store_with_users, store_digest

# QY-0001 is in 金沙 (the test editor li's); QY-0657 in 草堂 (its works include pipes and ev_chargers).
TODAY = dt.date.today()
NOW = dt.datetime.combine(TODAY, dt.time(18, 30))


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)


def _works(store, cid):
    return sorted(store.compound(cid).layers["works"]["work"])


def _refused(store, call, *args, error=Refused, match=None, **kwargs):
    before = store_digest(store)
    with pytest.raises(error, match=match) as info:
        call(*args, **kwargs)
    assert store_digest(store) == before
    return str(info.value)


def test_an_editor_reports_progress_of_their_subdistrict_and_a_second_report_of_the_day_replaces_it(store):
    work = _works(store, "QY-0001")[0]
    saved = writes.save_daily_progress(store, EDITOR_USER, "QY-0001", [DailyReport("QY-0001", work, TODAY, 35.0, 12, "进场")],
                                       etag=store.etag("QY-0001"), now=NOW)
    assert saved.changes == 5  # percent, workers, note, who, when
    again = writes.save_daily_progress(store, EDITOR_USER, "QY-0001", [DailyReport("QY-0001", work, TODAY, 40.0, 12, "进场")],
                                       etag=saved.etag, now=NOW + dt.timedelta(hours=1))
    assert again.changes == 3  # the percent, and who and when reported it
    rows = store.load().dataset.daily_progress
    mine = rows[(rows["compound_id"] == "QY-0001") & (rows["date"].dt.date == TODAY)]
    assert len(mine) == 1 and mine.iloc[0]["percent"] == 40.0 and mine.iloc[0]["reported_by"] == "li"
    assert mine.iloc[0]["reported_at"] == NOW + dt.timedelta(hours=1)
    audit = store.audit(compound_id="QY-0001")
    percent = audit[audit["field"] == "percent"]
    assert list(zip(percent["before"], percent["after"])) == [("35.0", "40.0"), (None, "35.0")]
    assert writes.save_daily_progress(store, EDITOR_USER, "QY-0001", [DailyReport("QY-0001", work, TODAY, 40.0, 12, "进场")],
                                      etag=again.etag).changes == 0  # the same again changes nothing


def test_daily_progress_of_another_subdistrict_a_stale_tag_and_bad_values_are_refused(store):
    work = _works(store, "QY-0657")[0]
    report = DailyReport("QY-0657", work, TODAY, 10.0)
    _refused(store, writes.save_daily_progress, store, EDITOR_USER, "QY-0657", [report], etag=store.etag("QY-0657"))
    ok = DailyReport("QY-0001", _works(store, "QY-0001")[0], TODAY, 10.0)
    _refused(store, writes.save_daily_progress, store, EDITOR_USER, "QY-0001", [ok], etag="v1.r9", error=EditConflict)
    bad = [DailyReport("QY-0001", "lift", TODAY, 120.0, -1, "x" * 201),
           DailyReport("QY-0001", _works(store, "QY-0001")[0], TODAY + dt.timedelta(days=1), 10.0)]
    message = _refused(store, writes.save_daily_progress, store, ADMIN_USER, "QY-0001", bad, etag=store.etag("QY-0001"),
                       error=EditError)
    for text in ("没有工程「lift」", "0 到 100", "0 to 2000", "200", "future day"):
        assert text in message, text


def test_a_checked_sheet_is_refused_whole_when_the_user_may_not_edit_one_of_its_compounds(store):
    reports = {"QY-0001": [DailyReport("QY-0001", _works(store, "QY-0001")[0], TODAY, 10.0)],
               "QY-0657": [DailyReport("QY-0657", _works(store, "QY-0657")[0], TODAY, 10.0)]}
    etags = {c: store.etag(c) for c in reports}
    assert "QY-0657" in _refused(store, writes.save_daily_sheet, store, EDITOR_USER, reports, etags=etags)
    outcome = writes.save_daily_sheet(store, ADMIN_USER, reports, etags={**etags, "QY-0657": "v1.r7"})
    assert isinstance(outcome["QY-0001"], writes.Saved) and isinstance(outcome["QY-0657"], EditConflict)


def test_a_handover_is_a_progress_edit_accepted_by_the_acting_user(store):
    opened = writes.open_progress(store, "QY-0657")
    before = next(h for h in opened.record.handovers if h.to_work == "ev_chargers")
    handover = HandoverProgress(from_work=before.from_work, to_work="ev_chargers", plan_date=before.plan_date,
                                actual_date=dt.date(2022, 11, 20))
    saved = writes.save_handover(store, ADMIN_USER, handover, compound_id="QY-0657", etag=opened.etag)
    assert saved.changes == 2  # the date and who accepted it
    row = store.compound("QY-0657").layers["handovers"].set_index("to_work").loc["ev_chargers"]
    assert row["actual_date"].date() == dt.date(2022, 11, 20) and row["accepted_by"] == "admin"
    _refused(store, writes.save_handover, store, EDITOR_USER, handover, compound_id="QY-0657", etag=saved.etag)
    with pytest.raises(EditError, match="no such work"):
        writes.save_handover(store, ADMIN_USER, HandoverProgress(from_work="gas", to_work="parking"),
                             compound_id="QY-0657", etag=saved.etag)


def test_issues_are_raised_and_resolved_by_editors_of_the_compound(store):
    issue, saved = writes.raise_issue(store, EDITOR_USER, "QY-0001", category="safety", description="临边防护缺失",
                                      owner="施工单位", etag=store.etag("QY-0001"), now=NOW)
    assert issue == "QY-0001-I001"
    stored = store.load().dataset.issue_log.set_index("issue_id").loc[issue]
    assert (stored["raised_by"], stored["due"].date(), stored["category"]) == ("li", TODAY, "safety")  # safety: same day
    writes.resolve_issue(store, EDITOR_USER, "QY-0001", issue, "已补设防护", etag=saved.etag, now=NOW + dt.timedelta(hours=2))
    done = store.load().dataset.issue_log.set_index("issue_id").loc[issue]
    assert done["resolution"] == "已补设防护" and done["resolved_at"] == NOW + dt.timedelta(hours=2)
    _refused(store, writes.resolve_issue, store, EDITOR_USER, "QY-0001", issue, "again", etag=store.etag("QY-0001"),
             error=EditError, match="已解决")
    _refused(store, writes.raise_issue, store, EDITOR_USER, "QY-0657", category="safety", description="x", owner="y",
             etag=store.etag("QY-0657"))
    _refused(store, writes.raise_issue, store, EDITOR_USER, "QY-0001", category="weather", description=" ", owner="",
             etag=store.etag("QY-0001"), error=EditError, match="unknown issue category")
