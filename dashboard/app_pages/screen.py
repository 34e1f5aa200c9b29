"""大屏 / Exhibition screen — public display: dark, full screen, no inputs, no personal data.

Rotates through the programme's renovation areas by itself (``settings.screen_rotate_seconds``),
highlighting one on the district map and showing its figures; re-reads the data every
``settings.screen_refresh_minutes`` and reloads itself once a day at ``settings.screen_reload_at``
(a browser that runs all day starts afresh). Only area- and district-level aggregates are
shown (compound dots carry no popup). The rotation advances server-side in a fragment
that reruns on a timer; the map is not reloaded, only its highlight layer is swapped.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import cached, state, ui
from dashboard.map_component import show_map
from geo import kpis
from geo.dataset import Dataset
from geo.formatting import long_date
from geo.i18n import data_source, t
from geo.maps import presets, webmap
from geo.programme import Programme
from geo.settings import get_settings, warn_if_no_review_no

SETTINGS = get_settings()


def next_area_index(count: int) -> int:
    """Advance the rotation: 0 on the first run of a session, then +1 per run (wrapping)."""
    index = st.session_state.get(state.SCREEN_AREA_INDEX)
    index = 0 if index is None else (index + 1) % count
    st.session_state[state.SCREEN_AREA_INDEX] = index
    return index


def header(programme: Programme, lang: str) -> None:
    """Title, date and the clock (re-drawn each rotation step, so the date turns at midnight;
    the clock ticks in the browser: ui.CLOCK_JS)."""
    now = dt.datetime.now()
    st.html(ui.screen_header_html(programme.title(lang), programme.full_name(lang),
                                  long_date(now.date(), lang), now.strftime("%H:%M:%S")))


def body(lang: str) -> None:
    """Header, map with the highlighted area, its panel, district strip and footer (one rotation step)."""
    loaded = cached.loaded_every(SETTINGS.screen_refresh_minutes)
    ds, today = loaded.dataset, dt.date.today()
    header(ds.programme, lang)
    stats = cached.stats(loaded, today)
    by_area = cached.progress_by_area(loaded, today)
    areas = ds.programme.area_names
    index = next_area_index(len(areas)) if areas else None
    options = presets.screen_options(lang, settings=SETTINGS)
    left, right = st.columns([13, 6], gap="medium")
    with left:
        prepared = cached.page_map(loaded, "screen", (today, lang), _as_of=today, _options=options)
        highlight = [] if index is None else [webmap.area_highlight_group(ds, areas[index], options=options)]
        show_map(prepared, key="screen_map", height=620, returned_objects=[], feature_groups=highlight)
    if index is not None:
        right.html(ui.screen_panel_html(kpis.area_panel(by_area, index, lang, ds.programme)))
    st.html(ui.screen_strip_html(kpis.district_kpis(stats, lang)))
    st.html(ui.screen_footer_html(footer_left(ds, lang),
                                  t("screen.updated", lang, time=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))))


def footer_left(ds: Dataset, lang: str) -> str:
    """The district map's 审图号 (when configured: first, at the bottom left), data source and the 示意数据 note."""
    parts = [t("map.review_no", lang, no=SETTINGS.map_review_no)] if SETTINGS.map_review_no else []
    parts.append(t("shell.data_source", lang, source=data_source(SETTINGS.data_source, lang)))
    if ds.illustrative:
        parts.append(t("app.illustrative", lang))
    return " · ".join(parts)


def main() -> None:
    """Styles, the clock and the daily reload scripts once; the rest is a fragment re-run every screen_rotate_seconds."""
    lang = state.lang()
    warn_if_no_review_no(SETTINGS, "screen")  # a public page: its maps need a 审图号
    cached.loaded_or_stop(lang)  # a store that cannot be read: a clear message instead of a blank screen
    st.html(ui.SCREEN_CSS)
    st.html(ui.CLOCK_JS + ui.screen_reload_js(SETTINGS.screen_reload_at), unsafe_allow_javascript=True)
    st.fragment(run_every=max(SETTINGS.screen_rotate_seconds, 3))(body)(lang)


main()
