"""施工调度 / Site schedule (site management): 一图一表 for an area or subdistrict on a day.

Scope and day -> headline figures -> one view: 一图 (dashboard.timing_panel), 一表
(dashboard.daily_panel), the issue log or the findings (dashboard.issue_panel); the
next-morning dispatch report as a download. The day defaults to the sidebar's as-of date;
editing is offered on today's data only (the write use cases check rights again).
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import streamlit as st

from dashboard import cached, daily_panel, issue_panel, site_form, state, timing_panel
from dashboard.auth_widget import login_box
from geo import kpis
from geo.i18n import t, vocab
from geo.programme import Programme
from geo.reports import daily as daily_report
from geo.store import Loaded

ss = st.session_state
VIEWS = ("chart", "table", "issues", "findings")


def _controls(programme: Programme, as_of: dt.date, lang: str) -> tuple[str | None, str | None, str, dt.date]:
    """(area, subdistrict, its label, day) chosen at the top of the page; a link may name the scope."""
    site_form.link_scope(ss, st.query_params, programme)
    site_form.follow_as_of(ss, as_of)
    left, mid, right = st.columns([1.2, 1.8, 1.4], vertical_alignment="bottom")
    kind = left.segmented_control(t("schedule.scope", lang), ("area", "subdistrict"), key=state.SCHEDULE_SCOPE_KIND,
                                  required=True, format_func=lambda k: t(f"schedule.scope.{k}", lang)) or "area"
    names = list(programme.area_names if kind == "area" else programme.subdistrict_names)
    if ss.get(state.SCHEDULE_SCOPE) not in names:
        ss[state.SCHEDULE_SCOPE] = names[0]
    name = mid.selectbox(t(f"schedule.scope.{kind}", lang), names, key=state.SCHEDULE_SCOPE,
                         format_func=lambda n: vocab(kind, n, lang, programme))
    day = right.date_input(t("schedule.day", lang), max_value=as_of, min_value=state.AS_OF_MIN, format="YYYY-MM-DD",
                           key=state.SCHEDULE_DAY, help=t("schedule.day_help", lang))
    label = vocab(kind, name, lang, programme)
    return (name, None, label, day) if kind == "area" else (None, name, label, day)


def _kpis(figures: dict[str, Any], lang: str) -> None:
    for col, kpi in zip(st.columns(5), kpis.site_kpis(figures, lang)):
        col.metric(kpi.label, kpi.value, help=kpi.ref or None)


def _report_control(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, lang: str) -> None:
    programme = loaded.dataset.programme
    place = programme.area(area) if area else None
    scope = place.en if place else subdistrict
    with st.popover(t("schedule.report.button", lang), icon=":material/summarize:", width="stretch"):
        st.caption(t("schedule.report.help", lang, date=day.isoformat()))
        for fmt, mime in daily_report.FORMATS.items():
            st.download_button(t("brief.download", lang, fmt=fmt.upper()),
                               data=partial(cached.dispatch_report, loaded, day, lang, fmt, area, subdistrict),
                               file_name=daily_report.report_filename(programme.key, day, fmt, scope), mime=mime,
                               on_click="ignore", width="stretch", key=f"schedule_report_{fmt}")


def main() -> None:
    """Scope, day and view; headline figures; the view."""
    lang, as_of = state.lang(), state.as_of()
    loaded = cached.loaded_or_stop(lang)
    user = login_box(lang, loaded.dataset.programme)
    head, side = st.columns([4, 1.3], vertical_alignment="bottom")
    head.title(t("schedule.title", lang))
    if loaded.dataset.illustrative:
        st.caption(t("app.illustrative", lang))
    area, subdistrict, label, day = _controls(loaded.dataset.programme, as_of, lang)
    with side:
        _report_control(loaded, day, area, subdistrict, lang)
    _kpis(cached.construction_stats(loaded, day, area, subdistrict), lang)
    if message := site_form.pop_message(ss):
        (st.error if message[0] == "error" else st.success)(message[1])
    view = st.segmented_control(t("schedule.view", lang), VIEWS, key=state.SCHEDULE_VIEW, required=True,
                                default="chart", format_func=lambda v: t(f"schedule.view.{v}", lang),
                                label_visibility="collapsed") or "chart"
    if view == "chart":
        timing_panel.chart_view(loaded, day, area, subdistrict, user, lang)
    elif view == "table":
        daily_panel.table_view(loaded, day, as_of, area, subdistrict, label, user, lang)
    elif view == "issues":
        issue_panel.issues_view(loaded, day, area, subdistrict, user, lang)
    else:
        issue_panel.findings_view(loaded, day, area, subdistrict, lang)


main()
