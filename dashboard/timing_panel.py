"""一图 on the site schedule page: the compounds of the scope as rows with their phases (sortable by
lag), then one compound's handover timing chart with its findings and the handover form.

Widgets -> dashboard.cached (charts as Vega-Lite specs from ``geo.schedule.chart``) ->
dashboard.site_form (the save) -> render.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import cached, site_form, state, ui
from geo import schema, writes
from geo.auth import User
from geo.i18n import t, vocab
from geo.schedule import views
from geo.schedule.chart import area_chart
from geo.store import Loaded

ss = st.session_state


def chart_view(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, user: User, lang: str) -> None:
    """The scope's compounds as rows, then the chosen compound's chart."""
    left, right = st.columns([2, 1])
    sort = left.segmented_control(t("schedule.sort", lang), ("lag", "name", "start"), key=state.SCHEDULE_SORT,
                                  required=True, default="lag", format_func=lambda s: t(f"schedule.sort.{s}", lang))
    everything = right.toggle(t("schedule.all", lang), key=state.SCHEDULE_ALL, help=t("schedule.all_help", lang))
    phases = cached.area_phases(loaded, day, area, subdistrict, lang, sort or "lag", everything)
    if phases.empty:
        st.info(t("schedule.none_near", lang), icon=":material/event_busy:")
    else:
        st.vega_lite_chart(area_chart(phases, day, lang), width="stretch", key="schedule_area_chart")
        st.caption(t("schedule.area_note", lang))
    _compound_panel(loaded, day, phases, area, subdistrict, user, lang)


def record_chart(box: Any, loaded: Loaded, cid: str, day: dt.date, lang: str) -> None:
    """One compound's timing chart in ``box`` (a container or tab: the explorer's record)."""
    drawn = cached.compound_chart(loaded, cid, day, lang)
    if drawn["rows"]:
        box.vega_lite_chart(drawn["spec"], width="stretch", key=f"explorer_timing_{cid}")
    else:
        box.caption(t("explorer.record.none", lang))


def _compound_panel(loaded: Loaded, day: dt.date, phases: pd.DataFrame, area: str | None, subdistrict: str | None,
                    user: User, lang: str) -> None:
    scope = cached.findings(loaded, day, area, subdistrict)
    ids = list(dict.fromkeys([*phases["compound_id"], *scope["compound_id"]]))
    if not ids:
        return
    names = loaded.dataset.compounds.set_index("compound_id")["name"]
    if ss.get(state.SCHEDULE_COMPOUND) not in ids:
        ss[state.SCHEDULE_COMPOUND] = ids[0]
    cid = st.selectbox(t("schedule.compound", lang), ids, key=state.SCHEDULE_COMPOUND,
                       format_func=lambda c: f"{names.get(c, c)}（{c}）" if lang != "en" else f"{names.get(c, c)} ({c})")
    drawn = cached.compound_chart(loaded, cid, day, lang)
    st.html(ui.section_html(t("schedule.chart_title", lang, name=str(names.get(cid, cid)), date=day.isoformat())))
    if not drawn["rows"]:
        st.caption(t("schedule.no_works", lang))
        return
    st.vega_lite_chart(drawn["spec"], width="stretch", key=f"schedule_chart_{cid}")
    st.caption(t("schedule.chart_note", lang))
    if len(drawn["findings"]):
        st.dataframe(views.findings_view(drawn["findings"], lang, loaded.dataset.programme), hide_index=True, placeholder=ui.NO_VALUE,
                     width="stretch")
    _handover_form(loaded, cid, user, lang)


def _handover_form(loaded: Loaded, cid: str, user: User, lang: str) -> None:
    """Record a work-face handover of the compound (editors of its subdistrict)."""
    works = loaded.dataset.works
    keys = [w for w in schema.WORK_KEYS if w in set(works.loc[works["compound_id"] == cid, "work"])]
    opened = writes.open_progress(cached.store(), cid)
    if len(keys) < 2 or not user.can_edit(opened.subdistrict):
        return
    prefix = state.SCHEDULE_HANDOVER
    with st.expander(t("schedule.handover.title", lang), icon=":material/swap_horiz:"), \
            st.form(f"{prefix}{cid}", border=False):
        label = lambda w: vocab("work", w, lang)  # noqa: E731
        cols = st.columns(4)
        source = cols[0].selectbox(t("schedule.handover.from", lang), keys, format_func=label, key=f"{prefix}from")
        target = cols[1].selectbox(t("schedule.handover.to", lang), keys, index=len(keys) - 1, format_func=label,
                                   key=f"{prefix}to")
        actual = cols[2].date_input(t("schedule.handover.date", lang), value=dt.date.today(), max_value=dt.date.today(),
                                    format="YYYY-MM-DD", key=f"{prefix}date")
        accepted = cols[3].text_input(t("field.accepted_by", lang), max_chars=100, key=f"{prefix}by")
        if st.form_submit_button(t("schedule.handover.save", lang), icon=":material/save:"):
            site_form.say(ss, site_form.record_handover(cached.store(), user, opened, source, target, actual, accepted,
                                                        lang, label))
            st.rerun()
