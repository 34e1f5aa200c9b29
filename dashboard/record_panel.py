"""The explorer's record panel: the open compound's record as known on the as-of date, and the
box that finds a compound by name, address or id.

Texts from the data (name, address, ...) are shown as escaped HTML or in a table, never as
Markdown. Widgets only: the record is ``cached.record_view``'s, the search ``cached.finder``'s,
the state ``dashboard.selection``'s.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import cached, selection, state, timing_panel, ui
from geo.i18n import t
from geo.store import Loaded

ss = st.session_state


def search_box(loaded: Loaded, lang: str) -> None:
    """The find-a-compound box: typing filters the labels (in the browser); a choice opens that
    record and centres the map on it (``selection.take_search``)."""
    finder = cached.finder(loaded)
    st.selectbox(t("explorer.search", lang), list(finder.labels), index=None, key=state.EXPLORER_SEARCH,
                 format_func=finder.labels.__getitem__, placeholder=t("explorer.search_placeholder", lang),
                 help=t("explorer.search_help", lang), on_change=selection.take_search, args=(ss, finder))


def record_panel(loaded: Loaded, day: dt.date, lang: str, height: int) -> None:
    """The open record (tabs: facts, works, elevators, funding, schedule) in ``height`` px, or a hint."""
    cid = ss.get(state.EXPLORER_RECORD)
    st.markdown(f"#### {t('explorer.record', lang)}")
    view = cached.record_view(loaded, cid, day, lang) if cid else None
    if view is None:
        selection.close_record(ss)
        st.info(t("explorer.record_hint", lang), icon=":material/touch_app:")
        return
    head, close = st.columns([5, 1])
    head.html(ui.title_html(view.title, t("explorer.as_of_note", lang, date=view.as_of.isoformat())))
    close.button("✕", key="explorer_record_close", on_click=selection.close_record, args=(ss,),
                 help=t("explorer.record.close", lang))
    box = st.container(height=height - 70, border=False)  # as tall as the map beside it
    tabs = box.tabs([t(k, lang) for k in ("explorer.record", "explorer.record.works", "explorer.record.elevators",
                                           "explorer.record.funding", "explorer.record.schedule")])
    tabs[0].html(ui.facts_html(view.facts, (t("record.col.field", lang), t("record.col.value", lang))))
    for tab, table in zip(tabs[1:4], (view.works, view.elevators, view.funding)):
        if table.empty:
            tab.caption(t("explorer.record.none", lang))
        else:
            tab.dataframe(table, hide_index=table is not view.funding, width="stretch", placeholder=ui.NO_VALUE)
    timing_panel.record_chart(tabs[4], loaded, str(cid), day, lang)  # the handover timing chart of /schedule
