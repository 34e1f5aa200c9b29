"""The progress page's form in session state: where an editor starts, the record as opened (its
tag is the concurrency check), the save through ``geo.writes`` and the message it leaves.

No widgets here (the page draws them): functions take the session state
(``st.session_state``, or a dict in tests) and the store; :func:`column_config` turns
``geo.audit.editor_columns`` into the tables' ``st.column_config``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from geo import audit, writes
from geo.auth import AuthError, User
from geo.i18n import t
from geo.store import EditConflict, Store, StoreError

Session = MutableMapping[Any, Any]
_COLUMN: dict[str, Callable[..., Any]] = {  # the kinds of geo.audit.editor_columns
    "select": st.column_config.SelectboxColumn, "number": st.column_config.NumberColumn,
    "text": st.column_config.TextColumn, "date": partial(st.column_config.DateColumn, format="YYYY-MM-DD"),
}


def column_config(columns: Mapping[str, audit.Column]) -> dict[str, Any]:
    """``st.column_config`` of one table from its ``audit.editor_columns`` entry (kind, label, options)."""
    return {c: _COLUMN[kind](label, **options) for c, (kind, label, options) in columns.items()}


def start_in_own_subdistrict(session: Session, user: User) -> None:
    """Choose an editor's first subdistrict once per user signing in (they may then look elsewhere)."""
    if user.subdistricts and session.get(state.EDIT_SUBDISTRICT_FOR) != user.name:
        session[state.EDIT_SUBDISTRICT] = user.subdistricts[0]
        session[state.EDIT_SUBDISTRICT_FOR] = user.name


def opened(session: Session, store: Store, compound_id: str) -> writes.OpenedRecord:
    """The record (with its tag) as stored when this compound was opened; opened now if it was not."""
    entry = session.get(state.EDIT_OPENED)
    if entry is None or entry[0] != compound_id:
        entry = (compound_id, writes.open_progress(store, compound_id))
        session[state.EDIT_OPENED] = entry
    return entry[1]


def reopen(session: Session) -> None:
    """Forget the opened record: the next run opens the latest one."""
    session.pop(state.EDIT_OPENED, None)


def save(session: Session, store: Store, user: User, record: writes.OpenedRecord, dates: dict[str, Any],
         tables: dict[str, pd.DataFrame], lang: str) -> None:
    """Save the form's ``dates`` and edited ``tables`` over ``record`` as opened, and leave the
    outcome for :func:`take_message`: refused (no right, someone saved since, a bad value) or
    saved (then the latest record is opened next)."""
    try:
        after = audit.record_from_tables(record.record.compound_id, dates, tables, lang)
        n = writes.save_progress(store, user, after, etag=record.etag).changes
    except EditConflict as exc:
        session[state.EDIT_MESSAGE] = ("error", t("edit.conflict", lang, compound=exc.compound_id,
                                                  user=exc.last.get("user", ""), at=exc.last.get("at", "")))
        return
    except (audit.EditError, AuthError, StoreError) as exc:
        session[state.EDIT_MESSAGE] = ("error", str(exc))
        return
    session[state.EDIT_MESSAGE] = ("success", t("edit.saved", lang, n=n) if n else t("edit.nothing", lang))
    reopen(session)


def take_message(session: Session) -> tuple[str | None, str | None]:
    """(kind 'error' | 'success', text) left by the last save, once; (None, None) when there is none."""
    return session.pop(state.EDIT_MESSAGE, (None, None))
