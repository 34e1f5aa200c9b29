"""The roll-up briefing and screen: one place's figures read off the store, never every compound.

Used by ``app_pages/briefing.py`` and ``app_pages/screen.py`` when ``cached.scale().rollup``
is True. The place is ``?place=CODE`` (default the programme's place, ``geo.drilldown``); the
figures are ``geo.rollup.stats_from_store`` / ``units_from_store`` through ``dashboard.cached``;
the map is the place's base map with one circle per child (``geo.maps.rollup_map.units_group``).
Names go to the page escaped (``dashboard.ui``) or as Markdown literals (widget labels).
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import briefing_panels, cached, html_charts, state, ui
from dashboard.map_component import show_map
from geo import drilldown, fonts, kpis
from geo.brief import model, render
from geo.formatting import long_date, markdown_literal
from geo.i18n import data_source, t
from geo.maps import rollup_map
from geo.programme import Programme
from geo.settings import get_settings

MAP_HEIGHT = 560
SCREEN_MAP_HEIGHT = 620
#: The most places the screen's panel lists beside the one shown (a window around it).
SCREEN_BARS = 10


def shown_place(programme: Programme, lang: str, *, quiet: bool = False) -> str:
    """The place of ``?place=`` (or the programme's); a code that is not a scope is said (unless ``quiet``)."""
    asked = state.place_param()
    code, ok = drilldown.place_from_param(programme, asked)
    if not ok and not quiet:
        st.html(ui.notice_html(t("rollup.bad_place", lang, code=asked, place=drilldown.place_title(programme, code, lang)),
                               "warning"))
    return code


def breadcrumb_nav(programme: Programme, code: str, lang: str) -> None:
    """nation › province › city …: the places above are buttons that go up, the place shown is text."""
    crumbs = drilldown.breadcrumb(programme, code, lang)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="rollup_crumbs"):
        for i, crumb in enumerate(crumbs):
            if i:
                st.html('<span class="qy-crumb-sep">›</span>', width="content")
            if crumb.code == code:
                st.html(f'<b class="qy-crumb-on" data-place="{ui.escape(crumb.code)}">{ui.escape(crumb.label)}</b>',
                        width="content")
            else:
                st.button(markdown_literal(crumb.label), key=f"rollup_crumb_{crumb.code}", type="tertiary",
                          on_click=state.set_place, args=(crumb.code,), help=t("rollup.crumb_help", lang))


def _drill(key: str) -> None:
    """Go to the child chosen (the choice is per place: back up here, it starts empty again)."""
    chosen = st.session_state.get(key)
    if chosen:
        state.set_place(chosen)


def children_panel(rows: tuple[drilldown.ChildRow, ...], level: str, lang: str, code: str) -> None:
    """The children's table (figures with units) and the choice that drills down to one of them."""
    st.html(ui.table_html(drilldown.children_table(rows, level, lang)))
    labels = {r.code: r.label for r in rows}
    key = f"{state.ROLLUP_DRILL}_{code}"
    st.pills(t("rollup.drill", lang, level=drilldown.level_word(level, lang)), list(labels), key=key,
             format_func=lambda c: markdown_literal(labels[c]), on_change=_drill, args=(key,))


def map_panel(scale: cached.Scale, code: str, units: pd.DataFrame, level: str, lang: str) -> None:
    """The children as unit circles on the place's base map (no compound dot)."""
    base = cached.rollup_base_map(scale, code, lang, "light")
    group = rollup_map.units_group(units, scale.programme, lang=lang)
    centre, zoom = drilldown.view_of(scale.programme, code)  # the circles clear of the edges
    show_map(base, key="rollup_briefing_map", height=MAP_HEIGHT, returned_objects=[], feature_groups=[group],
             center=centre, zoom=zoom)
    st.html(ui.note_html(t("rollup.map.note", lang, level=drilldown.level_word(level, lang))))


def pack_control(scale: cached.Scale, day: dt.date, lang: str, code: str, stats: dict[str, Any],
                 units: pd.DataFrame | None) -> None:
    """生成汇报材料 / Briefing pack of the place shown: PPTX and PDF made from its figures on click."""
    try:
        fonts.cjk_font()
    except fonts.FontMissing as exc:  # say what to install instead of failing on click
        st.warning(t("brief.failed", lang, error=exc))
        return
    with st.popover(t("brief.button", lang), help=t("rollup.pack_help", lang), width="stretch"):
        st.caption(t("rollup.pack_help", lang))
        for fmt, mime in model.FORMATS.items():
            st.download_button(
                t("brief.download", lang, fmt=fmt.upper()),
                data=partial(cached.rollup_pack, scale, day, code, lang, fmt, _stats=stats, _units=units),
                file_name=render.pack_filename(scale.programme, day, fmt=fmt, place=code), mime=mime,
                on_click="ignore", width="stretch", key=f"rollup_pack_{fmt}")


def briefing(scale: cached.Scale, lang: str, day: dt.date) -> None:
    """The roll-up briefing of ``?place=`` on ``day``: header, breadcrumb, tiles, map, years, children, funding."""
    programme = scale.programme
    st.html(ui.BRIEFING_CSS + _CRUMB_CSS)
    code = shown_place(programme, lang)
    stats = cached.rollup_stats(scale, day, code)
    badge = t("app.illustrative", lang) if stats["illustrative"] else None
    subtitle = t("briefing.subtitle", lang, district=drilldown.place_title(programme, code, lang), date=day.isoformat())
    head, pack = st.columns([5, 1], vertical_alignment="bottom")
    head.html(ui.header_html(t("app.title", lang, title=programme.title(lang)), subtitle, badge))
    breadcrumb_nav(programme, code, lang)
    st.html(ui.tiles_html(kpis.briefing_kpis(stats, lang)))
    level = drilldown.child_level(programme, code)
    units = cached.rollup_units(scale, day, code) if level else None
    with pack:
        pack_control(scale, day, lang, code, stats, units)
    left, right = st.columns([3, 2], gap="large")
    with left:
        if level and units is not None:
            st.html(ui.section_html(t("rollup.section.map", lang, level=drilldown.level_word(level, lang))))
            map_panel(scale, code, units, level, lang)
    with right:
        st.html(ui.section_html(t("briefing.section.years", lang)))
        st.html(html_charts.year_html(pd.DataFrame(stats["year_progress"]), lang))
        if not programme.has_targets(code):
            st.html(ui.note_html(t("rollup.year.note", lang, place=drilldown.place_title(programme, code, lang))))
        st.html(ui.note_html(t("briefing.behind", lang, n=stats["behind_plan"]), "qy-note"))
        st.html(ui.section_html(t("briefing.section.funding", lang)))
        year = briefing_panels.funding_group_panel(stats["funding_wan_yuan"], day, lang)
    if level and units is not None:
        st.html(ui.section_html(t("rollup.section.children", lang, level=drilldown.level_word(level, lang))))
        children_panel(drilldown.child_rows(units, programme, lang), level, lang, code)
    else:
        st.html(ui.note_html(t("rollup.children_none", lang, place=drilldown.place_title(programme, code, lang))))
    st.html(ui.section_html(f"{t('briefing.section.funding', lang)} · {t('briefing.funding.by_source', lang)}"))
    st.html(html_charts.funding_source_html(stats["funding_wan_yuan"], year, lang))
    st.html(ui.note_html(t("shell.data_source", lang, source=data_source(get_settings().data_source, lang)), "qy-foot"))


_CRUMB_CSS = """<style>
.qy-crumb-sep { color: #8a96a3; font-size: 1.1rem; }
.qy-crumb-on { font-size: 1rem; color: #1f2d3d; }
</style>"""


# --- the exhibition screen --------------------------------------------------------------------------
def _slides(scale: cached.Scale, day: dt.date, code: str, lang: str) -> tuple[pd.DataFrame, tuple[drilldown.ChildRow, ...]]:
    """(units frame, rows) of the rotation: the children of ``code``, or ``code`` itself (as its parent counts it)
    when it has none."""
    if drilldown.child_level(scale.programme, code):
        units = cached.rollup_units(scale, day, code)
    else:
        units = cached.rollup_units(scale, day, drilldown.parent_scope(scale.programme, code))
        units = units[units["name"] == code]
    return units, drilldown.child_rows(units, scale.programme, lang)


def next_slide(code: str, count: int) -> int:
    """Advance the rotation of ``code``'s children: 0 on the first run (or a new place), then +1 per run (wrapping)."""
    seen = st.session_state.get(state.SCREEN_SLIDE)
    index = 0 if seen is None or seen[0] != code else (seen[1] + 1) % max(count, 1)
    st.session_state[state.SCREEN_SLIDE] = (code, index)
    return index


def screen_body(lang: str) -> None:
    """One rotation step: header, the child's map of its own children, its panel, the place's strip, footer."""
    settings = get_settings()
    scale = cached.scale_every(settings.screen_refresh_minutes)
    programme, today, now = scale.programme, dt.date.today(), dt.datetime.now()
    code = shown_place(programme, lang, quiet=True)
    st.html(ui.screen_header_html(programme.title(lang), drilldown.place_title(programme, code, lang),
                                  long_date(now.date(), lang), now.strftime("%H:%M:%S")))
    units, rows = _slides(scale, today, code, lang)
    if not rows:
        return
    index = next_slide(code, len(rows))
    child = rows[index]
    child_units, _ = _slides(scale, today, child.code, lang)
    centre, zoom = drilldown.view_of(programme, child.code)
    left, right = st.columns([13, 6], gap="medium")
    with left:
        base = cached.rollup_base_map(scale, code, lang, "dark")
        show_map(base, key="rollup_screen_map", height=SCREEN_MAP_HEIGHT, returned_objects=[], center=centre, zoom=zoom,
                 feature_groups=[rollup_map.units_group(child_units, programme, lang=lang),
                                 rollup_map.unit_labels_group(child_units, programme, lang=lang)])
    bars = [(r.label, r.pct or 0.0, i == index) for i, r in enumerate(rows)]
    lo = max(0, min(index - SCREEN_BARS // 2, len(bars) - SCREEN_BARS))
    ordinal = t("screen.place_no", lang, i=index + 1, n=len(rows))
    panel = kpis.place_panel(cached.rollup_stats(scale, today, child.code), child.label, ordinal,
                             bars[lo:lo + SCREEN_BARS], lang)
    right.html(ui.screen_panel_html(panel))
    shown = cached.rollup_stats(scale, today, code)
    own = drilldown.breadcrumb(programme, code, lang)[-1].label
    st.html(ui.screen_strip_html(kpis.place_strip_kpis(shown, own, lang)))
    parts = [t("map.review_no", lang, no=settings.map_review_no)] if settings.map_review_no else []
    parts += [t("shell.data_source", lang, source=data_source(settings.data_source, lang))]
    parts += [t("app.illustrative", lang)] if shown["illustrative"] else []
    st.html(ui.screen_footer_html(" · ".join(parts), t("screen.updated", lang, time=now.strftime("%Y-%m-%d %H:%M"))))
