"""进度填报 / Progress (planners): record dates, works, elevators and funding; history; 每日调度.

Thin page: widgets -> geo.writes (open the stored record, save it: rights and the
concurrency check live there) and geo.audit (tables) -> render. The record's tag is
taken when the compound is opened; a save after someone else's is refused with a clear
message (the record changed since you opened it).
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import cached, state
from dashboard.auth_widget import login_box
from geo import audit, schema, writes
from geo.auth import AuthError
from geo.i18n import t, vocab
from geo.store import EditConflict, Loaded, StoreError

DATE_FIELDS = ("plan_start", "plan_finish", "actual_start", "actual_finish")


def _pick_compound(loaded: Loaded, user, lang: str) -> str | None:
    """Subdistrict and compound choosers (an editor starts in their own subdistrict)."""
    ds = loaded.dataset
    subs = list(ds.programme.subdistrict_names)
    if user.subdistricts and st.session_state.get(state.EDIT_SUBDISTRICT_FOR) != user.name:
        st.session_state[state.EDIT_SUBDISTRICT] = user.subdistricts[0]  # an editor starts in their own
        st.session_state[state.EDIT_SUBDISTRICT_FOR] = user.name
    left, right = st.columns([1, 2])
    with left:
        sub = st.selectbox(t("edit.subdistrict", lang), subs, key=state.EDIT_SUBDISTRICT,
                           format_func=lambda s: vocab("subdistrict", s, lang, ds.programme))
    choices = cached.compound_choices(loaded, sub)
    with right:
        return st.selectbox(t("edit.compound", lang), list(choices), key=state.EDIT_COMPOUND,
                            format_func=lambda cid: choices.get(cid, cid))


def _opened(compound_id: str) -> writes.OpenedRecord:
    """The record (with its tag) as stored when this compound was opened; opened now if it was not."""
    opened = st.session_state.get(state.EDIT_OPENED)
    if opened is None or opened[0] != compound_id:
        opened = (compound_id, writes.open_progress(cached.store(), compound_id))
        st.session_state[state.EDIT_OPENED] = opened
    return opened[1]


def _reopen() -> None:
    st.session_state.pop(state.EDIT_OPENED, None)


def _form(record: audit.ProgressRecord, can_edit: bool, lang: str):
    """The record's fields; returns (dates, tables, saved?)."""
    tables = audit.record_tables(record, lang)
    work_labels = [vocab("work", w, lang) for w in schema.WORK_KEYS]
    source_labels = [vocab("source", s, lang) for s in schema.FUNDING_KEYS]
    col = lambda key: t(f"edit.col.{key}", lang)  # noqa: E731
    day = lambda key: st.column_config.DateColumn(col(key), format="YYYY-MM-DD")  # noqa: E731
    with st.form(f"edit_{record.compound_id}", border=True):
        st.markdown(f"**{t('edit.dates', lang)}**")
        cols = st.columns(4)
        dates = {f: cols[i].date_input(t(f"field.{f}", lang), value=getattr(record, f), format="YYYY-MM-DD",
                                       min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31),
                                       disabled=not can_edit) for i, f in enumerate(DATE_FIELDS)}
        st.markdown(f"**{t('edit.works', lang)}**")
        works = st.data_editor(tables["works"], num_rows="dynamic", hide_index=True, disabled=not can_edit,
                               key=f"works_{record.compound_id}", width="stretch", column_config={
                                   "work": st.column_config.SelectboxColumn(col("work"), options=work_labels, required=True),
                                   "quantity": st.column_config.NumberColumn(col("quantity"), min_value=0, step=1),
                                   "plan_start": day("plan_start"), "plan_finish": day("plan_finish"),
                                   "actual_start": day("actual_start"), "actual_finish": day("actual_finish"),
                                   "contractor": st.column_config.TextColumn(col("contractor"), max_chars=100),
                                   "work_face": st.column_config.TextColumn(col("work_face"), max_chars=100)})
        st.markdown(f"**{t('edit.elevators', lang)}**")
        elevators = st.data_editor(tables["elevators"], num_rows="dynamic", hide_index=True, disabled=not can_edit,
                                   key=f"elevators_{record.compound_id}", width="stretch", column_config={
                                       "elevator_id": st.column_config.TextColumn(col("elevator_id"), disabled=True),
                                       "building": st.column_config.TextColumn(col("building")),
                                       "plan_start": day("plan_start"), "actual_start": day("actual_start"),
                                       "actual_finish": day("actual_finish")})
        st.markdown(f"**{t('edit.funding', lang)}**")
        funding = st.data_editor(tables["funding"], num_rows="dynamic", hide_index=True, disabled=not can_edit,
                                 key=f"funding_{record.compound_id}", width="stretch", column_config={
                                     "year": st.column_config.NumberColumn(col("year"), min_value=2000, max_value=2040,
                                                                           step=1, format="%d"),
                                     "source": st.column_config.SelectboxColumn(col("source"), options=source_labels,
                                                                                required=True),
                                     "amount_wan_yuan": st.column_config.NumberColumn(col("amount"), min_value=0.0,
                                                                                      format="%.2f")})
        saved = st.form_submit_button(t("edit.save", lang), type="primary", disabled=not can_edit,
                                      icon=":material/save:")
    return dates, {"works": works, "elevators": elevators, "funding": funding}, saved


def _save(user, opened: writes.OpenedRecord, dates, tables, lang: str) -> None:
    try:
        after = audit.record_from_tables(opened.record.compound_id, dates, tables, lang, base=opened.record)
        n = writes.save_progress(cached.store(), user, after, etag=opened.etag).changes
    except EditConflict as exc:
        message = t("edit.conflict", lang, compound=exc.compound_id, user=exc.last.get("user", ""),
                    at=exc.last.get("at", ""))
        st.session_state[state.EDIT_MESSAGE] = ("error", message)
        return
    except (audit.EditError, AuthError, StoreError) as exc:
        st.session_state[state.EDIT_MESSAGE] = ("error", str(exc))
        return
    st.session_state[state.EDIT_MESSAGE] = ("success", t("edit.saved", lang, n=n) if n else t("edit.nothing", lang))
    _reopen()


def _message() -> None:
    kind, text = st.session_state.pop(state.EDIT_MESSAGE, (None, None))
    if kind == "error":
        st.error(text, icon=":material/block:")
    elif kind == "success":
        st.success(text)


def _history(compound_id: str, lang: str) -> None:
    st.subheader(t("edit.history", lang))
    rows = cached.store().audit(compound_id=compound_id)
    if rows.empty:
        st.caption(t("edit.no_history", lang))
    else:
        st.dataframe(audit.history_frame(rows, lang), hide_index=True, width="stretch")


def _daily(ds, lang: str) -> None:
    st.subheader(t("edit.daily", lang))
    since = st.date_input(t("edit.since", lang), value=dt.date.today() - dt.timedelta(days=1), key=state.EDIT_SINCE,
                          format="YYYY-MM-DD")
    table = audit.changes_since(cached.store().audit(since=since.isoformat()), ds.compounds, since)
    if table.empty:
        st.caption(t("edit.daily_none", lang))
        return
    heads = {"compound_id": t("field.compound_id", lang), "name": t("field.name", lang),
             "subdistrict": t("field.subdistrict", lang), "changes": t("edit.col.changes", lang),
             "last_at": t("edit.col.last_at", lang), "users": t("edit.col.users", lang)}
    st.dataframe(table.rename(columns=heads), hide_index=True, width="stretch")


def main() -> None:
    lang = state.lang()
    loaded = cached.loaded_or_stop(lang)
    user = login_box(lang, loaded.dataset.programme)
    st.title(t("edit.title", lang))
    st.caption(t("edit.intro", lang))
    compound_id = _pick_compound(loaded, user, lang)
    _message()
    if compound_id:
        opened = _opened(compound_id)
        can_edit = user.can_edit(opened.subdistrict)  # a hint for the form; geo.writes decides
        if not can_edit:
            st.info(t("edit.readonly", lang), icon=":material/lock:")
        dates, tables, saved = _form(opened.record, can_edit, lang)
        if saved:
            _save(user, opened, dates, tables, lang)
            st.rerun()
        st.button(t("edit.reopen", lang), on_click=_reopen, icon=":material/refresh:")
        _history(compound_id, lang)
    st.divider()
    _daily(loaded.dataset, lang)


main()
