"""The explorer at scale: used when the store holds ``settings.rollup_from_compounds`` compounds or
more (``cached.scale().rollup``). It reads through the store and never loads the data set.

- a place (``?place=CODE``, the programme's place or one below it down to a subdistrict): its path
  from the top as text, a button per level to go back up, and a chooser of the places one level down;
- the place's figures as tiles (``geo.rollup.stats_from_store``: SQL on PostGIS);
- the map: the base map of the place, rendered once per place and language
  (``cached.rollup_base_map``). What is drawn on it is one small feature group, chosen by the view the
  map reports (bounds, zoom): totals per unit of the level in view (``geo.maps.rollup_map.units_group``)
  or, from ``DOTS_ZOOM`` on, the viewport's compounds only (``viewport_group``, at most ``MAX_DOTS``;
  a denser view shows the subdistricts' totals instead);
- the record of a compound clicked on the map or chosen in the table, made from the store's rows of it;
  a click on a place's circle goes down to that place;
- the statuses chosen (one multiselect above the map) filter the map's dots (``Store.compounds_in_box``
  in SQL on PostGIS), the units' counts and the table;
- a search of the place by id prefix or name (``Store.find_compounds``, in SQL on PostGIS): a hit
  chosen opens its record and centres the map on it;
- the table: the place's compounds (of the statuses chosen) one page at a time (``Store.compounds_page``,
  counted once per place, statuses and date: ``Store.count_compounds``);
- the export of those compounds as CSV / XLSX (at most ``EXPORT_MAX_ROWS``), built when clicked.

Map, record and table sit in one ``st.fragment``: a pan, a zoom, a click or a page turn reruns only them.
Everything is as of the chosen date; names are data, shown as escaped text, never Markdown.
"""
from __future__ import annotations

import datetime as dt
import math
from functools import partial
from typing import Any

import folium
import pandas as pd
import streamlit as st

from dashboard import cached, place_nav, record_panel, state, ui
from dashboard.cached import Scale
from dashboard.map_component import show_map
from geo import export, filters, kpis
from geo.formatting import number
from geo.i18n import t, vocab
from geo.maps import rollup_map, webmap
from geo.programme import Programme

PAGE_SIZE = 100
SEARCH_HITS = 20  # the search shows at most this many compounds
FOUND_ZOOM = 16  # the map's zoom on a compound found (dots from rollup_map.DOTS_ZOOM on)
EXPORT_MAX_ROWS = 50_000  # an export holds at most this many compounds (above: the first ones, said so)
EXPORTS = {"csv": "CSV", "xlsx": "XLSX"}  # format -> button text
MAP_HEIGHT = 560
RETURNED = ("bounds", "zoom", "last_object_clicked")
ss = st.session_state


# --- the place (dashboard.place_nav) ------------------------------------------------------------------
KEYS = place_nav.PlaceKeys(state.EXPLORER_PLACE, state.EXPLORER_PLACE_DOWN,
                           reset=(state.EXPLORER_ROLLUP_MAP, state.EXPLORER_ROLLUP_RECORD, state.EXPLORER_ROLLUP_PAGE,
                                  state.EXPLORER_ROLLUP_FOCUS, state.EXPLORER_ROLLUP_SEARCH))


def _go(code: str, programme: Programme) -> None:
    """Show the place ``code``: its URL, a fresh map view, the table from its first page, no record."""
    place_nav.go(code, programme, KEYS)


def kpi_tiles(scale: Scale, day: dt.date, place: str, lang: str) -> None:
    """The place's figures on ``day``."""
    for col, kpi in zip(st.columns(5), kpis.place_kpis(cached.rollup_stats(scale, day, place), lang)):
        col.metric(kpi.label, kpi.value, help=kpi.ref or None)
    st.caption(t("explorer.rollup.kpi_as_of", lang, date=day.isoformat()))


# --- the map -----------------------------------------------------------------------------------------
def map_layer(scale: Scale, day: dt.date, place: str, lang: str, view: dict[str, Any],
              statuses: tuple[str, ...] = ()) -> tuple[folium.FeatureGroup, str, pd.DataFrame | None, pd.DataFrame | None]:
    """What the map draws for the ``view`` it reported: (feature group, caption, the compounds drawn
    or None, the units drawn or None); only the compounds whose status on ``day`` is one of
    ``statuses`` (empty: any), in the dots and in the units' counts."""
    programme, box, zoom = scale.programme, rollup_map.box_from_bounds(view.get("bounds")), view.get("zoom")
    below = programme.levels_below(place)
    level = rollup_map.level_for_zoom(programme, place, float(zoom)) if isinstance(zoom, (int, float)) else \
        (below[0] if below else None)
    dense = False
    if level is None and box is not None:
        dots = cached.viewport_compounds(scale, box, place, statuses or None, day if statuses else None)
        if len(dots) <= rollup_map.MAX_DOTS or "subdistrict" not in below:
            group = rollup_map.viewport_group(dots, day, programme, options=webmap.MapOptions(lang=lang))
            return group, t("explorer.rollup.map_dots", lang, n=number(min(len(dots), rollup_map.MAX_DOTS))), dots, None
        level, dense = "subdistrict", True
    if level is None:  # a subdistrict before its map reported a view (it does so at once)
        return folium.FeatureGroup(control=False), "", None, None
    units = rollup_map.units_in_box(rollup_map.units_of_statuses(cached.rollup_units(scale, day, place, level),
                                                                 statuses), programme, box)
    name = vocab("level", level, lang)
    caption = t("explorer.rollup.map_dense", lang, max=number(rollup_map.MAX_DOTS), level=name) if dense else \
        t("explorer.rollup.map_units", lang, level=name)
    return rollup_map.units_group(units, programme, lang=lang), caption, None, units


def _take_click(view: dict[str, Any], dots: pd.DataFrame | None, units: pd.DataFrame | None,
                programme: Programme) -> None:
    """A new click on a compound dot opens its record; one on a place's circle goes down to that place."""
    click = view.get("last_object_clicked")
    if not click or click == ss.get(state.EXPLORER_ROLLUP_CLICK):
        return
    ss[state.EXPLORER_ROLLUP_CLICK] = click
    cid = webmap.clicked_compound_id(view, dots) if dots is not None and not dots.empty else None
    if cid and dots is not None:
        point = dots.loc[dots["compound_id"] == cid].geometry.iloc[0]
        ss[state.EXPLORER_ROLLUP_RECORD] = (cid, float(point.x), float(point.y))
        return
    code = rollup_map.clicked_unit(click, units, programme) if units is not None else None
    if code is not None and programme.is_scope(code):
        _go(code, programme)
        st.rerun()  # the whole page: the place's path, figures and base map change


def _record(scale: Scale, day: dt.date, lang: str) -> None:
    st.markdown(f"#### {t('explorer.record', lang)}")
    opened = ss.get(state.EXPLORER_ROLLUP_RECORD)
    view = cached.rollup_record(scale, opened[0], day, lang, opened[1], opened[2]) if opened else None
    if view is None:
        ss.pop(state.EXPLORER_ROLLUP_RECORD, None)
        st.info(t("explorer.rollup.record_hint", lang), icon=":material/touch_app:")
        return
    record_panel.record_tabs(view, lang, MAP_HEIGHT - 30, on_close=ss.pop, close_args=(state.EXPLORER_ROLLUP_RECORD, None),
                             schedule=False)
    st.caption(t("explorer.rollup.record_note", lang))


# --- the search (Store.find_compounds) ----------------------------------------------------------------
def _take_found(labels: dict[str, tuple[str, float, float]]) -> None:
    """The hit chosen: open its record and centre the map on it; the chooser empties again."""
    cid = ss.get(state.EXPLORER_ROLLUP_FOUND)
    ss[state.EXPLORER_ROLLUP_FOUND] = None
    if cid in labels:
        _, lon, lat = labels[cid]
        ss[state.EXPLORER_ROLLUP_RECORD] = (cid, lon, lat)
        ss[state.EXPLORER_ROLLUP_FOCUS] = (lat, lon)


def search_box(scale: Scale, place: str, lang: str) -> None:
    """A text (id prefix or part of a name) searched within ``place`` in the store, and a chooser of
    its hits (plain-text labels: names are data)."""
    text = str(ss.get(state.EXPLORER_ROLLUP_SEARCH) or "").strip()
    st.text_input(t("explorer.rollup.search", lang), key=state.EXPLORER_ROLLUP_SEARCH, max_chars=60,
                  placeholder=t("explorer.rollup.search_placeholder", lang), help=t("explorer.rollup.search_help", lang))
    if not text:
        return
    hits = cached.find_compounds(scale, text, place, SEARCH_HITS)
    if hits.empty:
        st.html(ui.note_html(t("explorer.rollup.search_none", lang, text=text)))  # the text typed: plain text
        return
    labels = {str(r.compound_id): (f"{r.name}（{r.compound_id}）· {r.subdistrict}", float(r.lon), float(r.lat))
              for r in hits.itertuples(index=False)}
    st.selectbox(t("explorer.rollup.search_hits", lang, n=SEARCH_HITS), list(labels), index=None,
                 key=state.EXPLORER_ROLLUP_FOUND, format_func=lambda c: labels[c][0], on_change=_take_found,
                 args=(labels,))


# --- the table ---------------------------------------------------------------------------------------
def _set_page(page: int) -> None:
    ss[state.EXPLORER_ROLLUP_PAGE] = max(page, 0)


def _table_key(place: str, page: int, statuses: tuple[str, ...], day: dt.date) -> str:
    return f"{state.EXPLORER_ROLLUP_TABLE}_{place}_{page}_{'-'.join(statuses)}_{day.isoformat()}"


def _take_row(key: str, frame: pd.DataFrame) -> None:
    """A newly selected row of the table page opens its compound's record."""
    picked = ss.get(key)
    rows = list(picked["selection"]["rows"]) if picked and "selection" in picked else []
    seen = f"{key}_seen"
    if rows != ss.get(seen):
        ss[seen] = rows
        if rows and rows[0] < len(frame):
            row = frame.iloc[rows[0]]
            ss[state.EXPLORER_ROLLUP_RECORD] = (str(row["compound_id"]), float(row.geometry.x), float(row.geometry.y))


def _page_controls(page: int, pages: int, total: int, lang: str) -> None:
    steps = (("first", 0, ":material/first_page:"), ("prev", page - 1, ":material/chevron_left:"),
             ("next", page + 1, ":material/chevron_right:"), ("last", pages - 1, ":material/last_page:"))
    cols = st.columns([1, 1, 1, 1, 6], vertical_alignment="center")
    for col, (name, target, icon) in zip(cols, steps):
        col.button(t(f"explorer.rollup.{name}", lang), key=f"explorer_page_{name}", icon=icon, on_click=_set_page,
                   args=(target,), disabled=target == page or not 0 <= target < pages)
    cols[-1].caption(t("explorer.rollup.page", lang, page=number(page + 1), pages=number(pages), total=number(total),
                       size=number(PAGE_SIZE)))


def _table(scale: Scale, day: dt.date, place: str, lang: str) -> None:
    programme = scale.programme
    statuses = tuple(ss.get(state.EXPLORER_ROLLUP_STATUS) or ())
    page = int(ss.get(state.EXPLORER_ROLLUP_PAGE, 0))
    frame, total = cached.compounds_page(scale, day, place, statuses or None, page * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page >= pages:  # fewer pages than before (another status chosen, the data changed): the last one
        page = pages - 1
        ss[state.EXPLORER_ROLLUP_PAGE] = page
        frame, total = cached.compounds_page(scale, day, place, statuses or None, page * PAGE_SIZE, PAGE_SIZE)
    key = _table_key(place, page, statuses, day)
    _page_controls(page, pages, total, lang)
    st.dataframe(filters.table_view(frame, lang, programme, columns=filters.PAGE_COLUMNS), key=key,
                 on_select="rerun", selection_mode="single-row", hide_index=True, height=360, width="stretch")


# --- the export (geo.export, the sample explorer's formula-safe writers) ------------------------------
def export_panel(scale: Scale, day: dt.date, place: str, lang: str, statuses: tuple[str, ...]) -> None:
    """CSV / XLSX of the place's compounds (of ``statuses``) on ``day``, at most ``EXPORT_MAX_ROWS``;
    built only when a button is clicked."""
    st.markdown(f"#### {t('explorer.rollup.export', lang)}")
    total = cached.compounds_count(scale, day, place, statuses or None)
    for col, (fmt, name) in zip(st.columns([1, 1, 4]), EXPORTS.items()):
        col.download_button(
            t("explorer.download", lang, fmt=name),
            data=partial(cached.rollup_export, scale, day, place, statuses or None, fmt, lang, EXPORT_MAX_ROWS),
            file_name=export.export_filename(f"compounds_{place}", fmt, day), mime=export.MEDIA_TYPES[fmt],
            on_click="ignore", key=f"explorer_rollup_export_{fmt}", icon=":material/download:", disabled=total == 0)
    note = t("explorer.rollup.export_capped", lang, n=number(total), max=number(EXPORT_MAX_ROWS)) \
        if total > EXPORT_MAX_ROWS else t("explorer.rollup.export_note", lang, n=number(total))
    st.caption(" · ".join((note, t("explorer.export_as_of", lang, date=day.isoformat()),
                           t("explorer.export_help", lang))))


@st.fragment
def workspace(scale: Scale, day: dt.date, place: str, lang: str) -> None:
    """Map and record, then the table: reruns alone on a pan, zoom, click, row choice or page turn."""
    find, choose = st.columns(2)
    with find:
        search_box(scale, place, lang)
    choose.multiselect(t("explorer.status", lang), filters.form_options("status", scale.programme),
                   key=state.EXPLORER_ROLLUP_STATUS, placeholder=t("explorer.any", lang),
                   format_func=lambda s: vocab("status", s, lang), on_change=_set_page, args=(0,),
                   help=t("explorer.rollup.status_help", lang))
    statuses = tuple(ss.get(state.EXPLORER_ROLLUP_STATUS) or ())
    view = ss.get(state.EXPLORER_ROLLUP_MAP) or {}  # what the map reported on the last run
    group, caption, dots, units = map_layer(scale, day, place, lang, view, statuses)
    _take_click(view, dots, units, scale.programme)
    page = int(ss.get(state.EXPLORER_ROLLUP_PAGE, 0))
    picked_key = _table_key(place, page, statuses, day)
    if ss.get(picked_key) is not None:  # a row chosen on the last run opens its record in this one
        frame, _ = cached.compounds_page(scale, day, place, statuses or None, page * PAGE_SIZE, PAGE_SIZE)
        _take_row(picked_key, frame)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        focus = ss.get(state.EXPLORER_ROLLUP_FOCUS)  # taken by the map once, when it changes
        show_map(cached.rollup_base_map(scale, place, lang), key=state.EXPLORER_ROLLUP_MAP, height=MAP_HEIGHT,
                 returned_objects=RETURNED, feature_groups=[group], report_view=True,
                 center=focus, zoom=FOUND_ZOOM if focus else None)
        st.caption(caption)
    with right:
        _record(scale, day, lang)
    st.markdown(f"#### {t('explorer.table', lang)}")
    st.caption(t("explorer.table_as_of", lang, date=day.isoformat()) + " · " + t("explorer.rollup.table_hint", lang))
    _table(scale, day, place, lang)
    export_panel(scale, day, place, lang, statuses)


def main(scale: Scale, lang: str, day: dt.date) -> None:
    """The roll-up explorer of the store ``scale`` describes, on ``day``."""
    note = t("explorer.rollup.note", lang, n=number(scale.compounds))
    if scale.meta.get("illustrative", "false") == "true":
        note += " · " + t("app.illustrative", lang)
    st.caption(note)
    place = place_nav.current_place(scale.programme, lang, KEYS)
    place_nav.place_picker(scale.programme, place, lang, KEYS)
    tiles = st.container()  # filled after the map: the map goes out first, the place's figures follow
    workspace(scale, day, place, lang)
    with tiles:
        kpi_tiles(scale, day, place, lang)
