"""dashboard.progress_form: the progress form's opened record, save and message in session state (a dict here)."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard import progress_form, state
from geo import audit
from geo.i18n import t
from tests.store_support import EDITOR_USER, scratch_store_with_users


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)


def _cid(store, subdistrict):
    compounds = store.load().dataset.compounds
    return compounds.loc[compounds["subdistrict"] == subdistrict, "compound_id"].iloc[0]


def _form_of(opened, lang="zh"):
    record = opened.record
    return {f: getattr(record, f) for f in audit.DATE_FIELDS}, audit.record_tables(record, lang)


def test_an_editor_starts_in_their_subdistrict_once():
    session: dict = {}
    progress_form.start_in_own_subdistrict(session, EDITOR_USER)
    assert session[state.EDIT_SUBDISTRICT] == "金沙"
    session[state.EDIT_SUBDISTRICT] = "草堂"  # they look elsewhere: not sent back on the next run
    progress_form.start_in_own_subdistrict(session, EDITOR_USER)
    assert session[state.EDIT_SUBDISTRICT] == "草堂"


def test_save_leaves_a_message_and_reopens_and_a_stale_save_is_refused(store):
    cid = _cid(store, "金沙")
    session: dict = {}
    opened = progress_form.opened(session, store, cid)
    assert progress_form.opened(session, store, cid) is opened  # kept while the compound stays open
    dates, tables = _form_of(opened, "en")
    progress_form.save(session, store, EDITOR_USER, opened, {**dates, "plan_finish": dt.date(2031, 5, 1)}, tables, "en")
    assert progress_form.take_message(session) == ("success", t("edit.saved", "en", n=1))
    assert progress_form.take_message(session) == (None, None)  # shown once
    assert state.EDIT_OPENED not in session  # the latest record is opened next
    assert progress_form.opened(session, store, cid).record.plan_finish == dt.date(2031, 5, 1)
    progress_form.save(session, store, EDITOR_USER, opened, {**dates, "plan_finish": dt.date(2032, 1, 1)}, tables, "en")
    kind, text = progress_form.take_message(session)
    assert kind == "error" and cid in text and "changed since you opened it" in text  # saved over since: refused


def test_an_editor_of_another_subdistrict_is_refused(store):
    cid = _cid(store, "草堂")
    session: dict = {}
    opened = progress_form.opened(session, store, cid)
    progress_form.save(session, store, EDITOR_USER, opened, *_form_of(opened, "en"), "en")
    kind, text = progress_form.take_message(session)
    assert kind == "error" and "you may not edit compounds of 草堂" in text
    assert state.EDIT_OPENED in session  # nothing saved: the form stays as opened


def test_editor_columns_cover_the_tables():
    columns = audit.editor_columns("en")
    record_tables = {"works": ["work", "quantity", "actual_start", "actual_finish"],
                     "elevators": ["elevator_id", "building", "plan_start", "actual_start", "actual_finish"],
                     "funding": ["year", "source", "amount_wan_yuan"]}
    assert {name: list(cols) for name, cols in columns.items()} == record_tables
    assert columns["works"]["work"][0] == "select" and "Gas pipes" in columns["works"]["work"][2]["options"]
