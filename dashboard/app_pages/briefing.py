"""总览 / Briefing — the leadership group's view, for the as-of date chosen in the sidebar.

Big-number tiles (each with its reference), the map of areas coloured by progress,
progress by year against the targets, by area, and funding. Every number comes from
geo.metrics (through dashboard.cached); this file only lays them out.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import briefing_panels, cached, html_charts, state, ui
from dashboard.briefing_pack import briefing_pack_control
from dashboard.map_component import show_map
from geo import kpis, metrics
from geo.i18n import data_source, t
from geo.maps import presets, webmap
from geo.settings import get_settings
from geo.store import Loaded

MAP_HEIGHT = 600


def html(markup: str) -> None:
    """Show trusted HTML built by dashboard.ui / dashboard.html_charts (they escape every text)."""
    st.html(markup)


@st.fragment
def map_panel(loaded: Loaded, day: dt.date, lang: str, area_pct: dict[str, float]) -> None:
    """The areas coloured by 14th-FYP completion; the basemap switch reruns only this panel."""
    settings = get_settings()
    choices = webmap.available_basemaps(settings)
    basemap = st.selectbox(t("map.basemap", lang), choices, key=state.BRIEFING_BASEMAP,
                           format_func=lambda b: t(f"map.basemap.{b}", lang), label_visibility="collapsed")
    options = presets.briefing_options(lang, basemap, area_pct, settings=settings)
    prepared = cached.page_map(loaded, "briefing", (day, lang, basemap), _as_of=day, _options=options)
    show_map(prepared, key="briefing_map", height=MAP_HEIGHT, returned_objects=[])
    note = t("briefing.map.note", lang) + ("" if basemap == "none" else " " + t("map.basemap_online", lang))
    html(ui.note_html(note))


def header(loaded: Loaded, day: dt.date, lang: str) -> None:
    """Title, date line and the 示意数据 badge; the briefing pack's download on the right."""
    html(ui.BRIEFING_CSS)
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    ds = loaded.dataset
    badge = t("app.illustrative", lang) if ds.illustrative else None
    programme = ds.programme
    subtitle = t("briefing.subtitle", lang, district=programme.full_name(lang), date=day.isoformat())
    with left:
        html(ui.header_html(t("app.title", lang, title=programme.title(lang)), subtitle, badge))
    with right:
        briefing_pack_control(loaded, day, lang)


def main() -> None:
    """Lay out the briefing for the session's language and as-of date."""
    lang, day = state.lang(), state.as_of()
    loaded = cached.loaded_or_stop(lang)
    ds = loaded.dataset
    stats = cached.stats(loaded, day)
    by_area = cached.progress_by_area(loaded, day)
    top, tiles = st.container(), st.container()
    left, right = st.columns([3, 2], gap="large")
    with left:  # the map first: its iframe starts loading while the rest is drawn
        html(ui.section_html(t("briefing.section.map", lang)))
        map_panel(loaded, day, lang, metrics.area_completion(by_area, ds.programme))
    with top:
        header(loaded, day, lang)
    with tiles:
        html(ui.tiles_html(kpis.briefing_kpis(stats, lang)))
    with right:
        html(ui.section_html(t("briefing.section.years", lang)))
        html(html_charts.year_html(cached.progress_by_year(loaded, day), lang))
        briefing_panels.behind_plan_panel(cached.behind_plan(loaded, day), day, lang, ds.programme)
        for text, css in kpis.site_notes(stats, lang):  # sequencing "needs decision" and the issue log
            html(ui.note_html(text, css))
        html(ui.section_html(t("briefing.section.funding", lang)))
        year = briefing_panels.funding_group_panel(stats["funding_wan_yuan"], day, lang)

    html(ui.section_html(t("briefing.section.areas", lang)))
    html(html_charts.area_html(by_area, lang, ds.programme))  # the chart above the table: each gets the full width
    html(html_charts.area_table_html(by_area, lang, ds.programme))
    html(ui.note_html(t("briefing.areas.note", lang)))

    html(ui.section_html(f"{t('briefing.section.funding', lang)} · {t('briefing.funding.by_source', lang)}"))
    html(html_charts.funding_source_html(stats["funding_wan_yuan"], year, lang))
    html(ui.note_html(t("shell.data_source", lang, source=data_source(get_settings().data_source, lang)), "qy-foot"))


main()
