"""Panels of the briefing page that hold a widget: the funding year and the behind-plan list.

Each reads its widget, takes figures already computed by ``geo.metrics`` (through
``dashboard.cached``) and draws them with ``dashboard.html_charts`` / ``dashboard.ui``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import html_charts, state, ui
from geo import metrics
from geo.i18n import t
from geo.programme import Programme


def funding_year_choice(funding: Mapping[str, Any], day: dt.date, lang: str) -> int:
    """The year the funding panels show (default the as-of year; only years up to it).

    The choice is kept per as-of date: a new date starts again from its own year.
    """
    years = metrics.funding_years(funding, day)
    return int(st.selectbox(t("briefing.funding.year", lang), years, key=f"{state.BRIEFING_FUNDING_YEAR}{day.isoformat()}",
                            format_func=lambda y: t("briefing.year_label", lang, year=y),
                            help=t("briefing.funding.year_help", lang)))


def funding_group_panel(funding: Mapping[str, Any], day: dt.date, lang: str) -> int:
    """The year choice and the "4个一点" bars (that year beside the total to date); returns the year."""
    year = funding_year_choice(funding, day, lang)
    st.html(html_charts.funding_group_html(funding, year, lang))
    return year


def behind_plan_panel(late: pd.DataFrame, day: dt.date, lang: str, programme: Programme) -> None:
    """'滞后于计划 N 个小区' that opens the list of those compounds (``metrics.behind_plan`` on ``day``);
    '无滞后小区' when there are none."""
    if late.empty:
        st.html(ui.note_html(t("briefing.on_track", lang), "qy-ok"))
        return
    with st.expander(f":red[**{t('briefing.behind', lang, n=len(late))}**]"):
        st.html(html_charts.late_table_html(late, lang, programme))
        st.html(ui.note_html(t("briefing.late.note", lang, date=day.isoformat())))
