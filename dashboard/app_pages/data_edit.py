"""进度填报 / Progress (planners): dates, works, elevators and funding of a compound; history; 每日调度.

Widgets -> dashboard.progress_form (opened record, save, message) -> geo.writes (rights and the
concurrency check) and geo.audit (tables) -> render."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import cached, progress_form, state, ui
from dashboard.auth_widget import login_box
from geo import audit
from geo.auth import User
from geo.i18n import t, vocab
from geo.store import Loaded

ss = st.session_state


def _pick_compound(loaded: Loaded, user: User, lang: str) -> str | None:
    """Subdistrict and compound choosers (an editor starts in their own subdistrict)."""
    progress_form.start_in_own_subdistrict(ss, user)
    programme = loaded.dataset.programme
    left, right = st.columns([1, 2])
    sub = left.selectbox(t("edit.subdistrict", lang), programme.subdistrict_names, key=state.EDIT_SUBDISTRICT,
                         format_func=lambda s: vocab("subdistrict", s, lang, programme))
    choices = cached.compound_choices(loaded, sub)
    return right.selectbox(t("edit.compound", lang), list(choices), key=state.EDIT_COMPOUND,
                           format_func=lambda cid: choices.get(cid, cid))


def _form(record: audit.ProgressRecord, can_edit: bool, lang: str) -> tuple[dict, dict, bool]:
    """The record's fields; returns (dates, edited tables, saved?)."""
    tables, columns = audit.record_tables(record, lang), audit.editor_columns(lang)
    with st.form(f"edit_{record.compound_id}", border=True):
        st.markdown(f"**{t('edit.dates', lang)}**")
        cols = st.columns(len(audit.DATE_FIELDS))
        dates = {f: col.date_input(t(f"field.{f}", lang), value=getattr(record, f), format="YYYY-MM-DD",
                                   min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31), disabled=not can_edit)
                 for col, f in zip(cols, audit.DATE_FIELDS)}
        edited = {}
        for name, table in tables.items():
            st.markdown(f"**{t(f'edit.{name}', lang)}**")
            edited[name] = st.data_editor(table, num_rows="dynamic", hide_index=True, disabled=not can_edit,
                                          key=f"{name}_{record.compound_id}", width="stretch",
                                          column_config=progress_form.column_config(columns[name]))
        saved = st.form_submit_button(t("edit.save", lang), type="primary", disabled=not can_edit, icon=":material/save:")
    return dates, edited, saved


def _table(frame, empty: str) -> None:
    """A table, or a line saying there is nothing to show."""
    if frame.empty:
        st.caption(empty)
    else:
        st.dataframe(frame, hide_index=True, width="stretch", placeholder=ui.NO_VALUE)


def _history_and_daily(loaded: Loaded, compound_id: str | None, lang: str) -> None:
    """The open compound's history, then the changes of every compound since a date (每日调度)."""
    if compound_id:
        st.subheader(t("edit.history", lang))
        _table(audit.history_frame(cached.store().audit(compound_id=compound_id), lang), t("edit.no_history", lang))
    st.divider()
    st.subheader(t("edit.daily", lang))
    since = st.date_input(t("edit.since", lang), value=dt.date.today() - dt.timedelta(days=1), key=state.EDIT_SINCE,
                          format="YYYY-MM-DD")
    table = audit.changes_since(cached.store().audit(since=since.isoformat()), loaded.dataset.compounds, since)
    _table(audit.changes_view(table, lang), t("edit.daily_none", lang))


def main() -> None:
    lang = state.lang()
    loaded = cached.loaded_or_stop(lang)
    user = login_box(lang, loaded.dataset.programme)
    st.title(t("edit.title", lang))
    st.caption(t("edit.intro", lang))
    compound_id = _pick_compound(loaded, user, lang)
    kind, text = progress_form.take_message(ss)  # the outcome of the last save
    if kind:
        st.error(text, icon=":material/block:") if kind == "error" else st.success(text)
    if compound_id:
        opened = progress_form.opened(ss, cached.store(), compound_id)
        can_edit = user.can_edit(opened.subdistrict)  # a hint for the form; geo.writes decides
        if not can_edit:
            st.info(t("edit.readonly", lang), icon=":material/lock:")
        dates, tables, saved = _form(opened.record, can_edit, lang)
        if saved:
            progress_form.save(ss, cached.store(), user, opened, dates, tables, lang)
            st.rerun()
        st.button(t("edit.reopen", lang), on_click=progress_form.reopen, args=(ss,), icon=":material/refresh:")
    _history_and_daily(loaded, compound_id, lang)


main()
