"""生成汇报材料 / Briefing pack: the control that hands the leader's office a deck.

A popover with one download button per format (PPTX, PDF). The file is made only
when a button is clicked (Streamlit's deferred download: no rerun, nothing built on
page load) by the cached ``dashboard.cached.briefing_pack`` for the page's as-of
date and language. The briefing page shows it at the right of its header.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from dashboard import cached
from geo import fonts
from geo.brief import model, render
from geo.i18n import t
from geo.store import Loaded


def briefing_pack_control(loaded: Loaded, day: dt.date, lang: str, area: str | None = None) -> None:
    """Render the 生成汇报材料 / Briefing pack popover with PPTX and PDF downloads of ``loaded``."""
    try:
        fonts.cjk_font()
    except fonts.FontMissing as exc:  # say what to install instead of failing on click
        st.warning(t("brief.failed", lang, error=exc))
        return
    with st.popover(t("brief.button", lang), help=t("brief.button_help", lang), width="stretch"):
        st.caption(t("brief.button_help", lang))
        for fmt, mime in model.FORMATS.items():
            st.download_button(
                t("brief.download", lang, fmt=fmt.upper()),
                data=partial(cached.briefing_pack, loaded, day, lang, fmt, area),
                file_name=render.pack_filename(loaded.dataset.programme, day, area=area, fmt=fmt), mime=mime,
                on_click="ignore", width="stretch",
            )
