"""The site schedule's form state without Streamlit: the linked scope applied once, the day that
follows the as-of date, who may fill in the daily table, and saves through geo.writes."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import site_form, state
from geo.auth import User
from geo.schedule.daily import DailyReport, daily_table
from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store
from tests.store_support import ADMIN_USER, scratch_store_with_users

TODAY = dt.date.today()
WORK_DAY = dt.date(2024, 6, 3)  # works are active that day in the sample (a fixed day: the test never skips)


@pytest.fixture(scope="module")
def programme():
    return open_store(SAMPLE_STORE_URL).load().dataset.programme


def test_a_link_sets_the_scope_once_and_a_later_choice_stands(programme):
    session: dict = {}
    site_form.link_scope(session, {"area": "送仙桥片区"}, programme)
    assert (session[state.SCHEDULE_SCOPE_KIND], session[state.SCHEDULE_SCOPE]) == ("area", "送仙桥片区")
    session[state.SCHEDULE_SCOPE] = "清溪片区"  # the user chose another area; the link is still in the URL
    site_form.link_scope(session, {"area": "送仙桥片区"}, programme)
    assert session[state.SCHEDULE_SCOPE] == "清溪片区"
    site_form.link_scope(session, {"subdistrict": "草堂"}, programme)
    assert (session[state.SCHEDULE_SCOPE_KIND], session[state.SCHEDULE_SCOPE]) == ("subdistrict", "草堂")
    fresh: dict = {}
    site_form.link_scope(fresh, {"area": "no such area"}, programme)
    assert fresh == {state.SCHEDULE_SCOPE_KIND: "area"}


def test_the_day_follows_a_new_as_of_date_only():
    session: dict = {}
    site_form.follow_as_of(session, dt.date(2022, 12, 9))
    session[state.SCHEDULE_DAY] = dt.date(2022, 12, 1)  # the user looks at an earlier day
    site_form.follow_as_of(session, dt.date(2022, 12, 9))
    assert session[state.SCHEDULE_DAY] == dt.date(2022, 12, 1)
    site_form.follow_as_of(session, dt.date(2022, 11, 30))
    assert session[state.SCHEDULE_DAY] == dt.date(2022, 11, 30)


def test_only_editors_of_every_subdistrict_in_the_table_may_fill_it_in_on_todays_data():
    table = pd.DataFrame({"subdistrict": ["金沙", "金沙"]})
    editor = User(name="li", role="editor", subdistricts=("金沙",))
    assert site_form.daily_editable(editor, table, TODAY, TODAY)
    assert not site_form.daily_editable(editor, table, TODAY, TODAY - dt.timedelta(days=1))  # a past as-of date
    assert not site_form.daily_editable(editor, table, TODAY - dt.timedelta(days=8), TODAY)  # more than a week back
    assert not site_form.daily_editable(editor, pd.DataFrame({"subdistrict": ["金沙", "草堂"]}), TODAY, TODAY)
    assert not site_form.daily_editable(User(name="v", role="viewer"), table, TODAY, TODAY)


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)


def test_saving_the_daily_table_goes_through_the_use_case_and_a_stale_tag_is_refused(store):
    admin = ADMIN_USER
    ds = store.load().dataset
    table = daily_table(ds, WORK_DAY)
    assert not table.empty
    cid = table["compound_id"].iloc[0]
    mine = table[table["compound_id"] == cid]
    etags = {cid: store.etag(cid)}
    edited = mine.assign(percent=[min(100.0, (p if p == p else 0.0) + 1.0) for p in mine["percent"]])
    kind, text = site_form.save_daily(store, admin, mine, edited, etags, WORK_DAY, "zh")
    assert kind == "success" and "已保存" in text, text
    kind, text = site_form.save_daily(store, admin, mine, edited.assign(note="再报一次"), etags, WORK_DAY, "zh")
    assert kind == "error" and cid in text  # the tag opened with is stale now


def test_a_message_is_shown_once():
    session: dict = {}
    site_form.say(session, ("success", "ok"))
    assert site_form.pop_message(session) == ("success", "ok") and site_form.pop_message(session) is None


def test_a_sheet_imports_at_the_tags_it_was_checked_at_so_an_edit_made_since_is_not_overwritten(store):
    """The tags come from when the sheet was first checked (kept per upload), not from the click."""
    table = daily_table(store.load().dataset, WORK_DAY)
    first, second = list(dict.fromkeys(table["compound_id"]))[:2]
    work = {cid: table.loc[table["compound_id"] == cid, "work"].iloc[0] for cid in (first, second)}
    reports = {cid: [DailyReport(cid, work[cid], WORK_DAY, 40.0, 3, "sheet")] for cid in (first, second)}
    session: dict = {}
    tags = site_form.sheet_tags(session, "upload-1", reports, store)  # the sheet is checked and shown
    mine = table[table["compound_id"] == first]
    edited = mine.assign(percent=[55.0] * len(mine), note=["on site"] * len(mine))
    assert site_form.save_daily(store, ADMIN_USER, mine, edited, {first: store.etag(first)}, WORK_DAY, "zh")[0] == "success"
    assert site_form.sheet_tags(session, "upload-1", reports, store) == tags  # the click: the same tags
    kind, text = site_form.import_sheet(store, ADMIN_USER, reports, site_form.sheet_tags(session, "upload-1", reports,
                                                                                         store), "zh")
    assert kind == "error" and first in text and second not in text
    kept = store.load().dataset.daily_progress
    row = kept[(kept["compound_id"] == first) & (kept["work"] == work[first])
               & (kept["date"] == pd.Timestamp(WORK_DAY))]
    assert list(row["percent"]) == [55.0]  # the edit made after the check stands
    saved = kept[(kept["compound_id"] == second) & (kept["work"] == work[second])
                 & (kept["date"] == pd.Timestamp(WORK_DAY))]
    assert list(saved["percent"]) == [40.0]
    assert site_form.sheet_tags(session, "upload-2", reports, store) != tags  # a new upload is checked afresh
