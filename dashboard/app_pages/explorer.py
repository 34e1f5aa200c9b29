"""筛选 / Explorer (planners): filter compounds, select them on the map or in the table,
read a compound's full record, export the selection.

Widgets -> session state (``dashboard.filter_form``, ``dashboard.selection``) -> geo.filters /
geo.record / geo.export -> render. The filter, the map's view and the open record live in the URL
(``geo.filters``, ``geo.links``), so a copied link reopens the view; what a link had that could not
be used is named on the page. Map, record, table and export sit in one ``st.fragment``: a map
click, a pan or a row selection reruns only that part. The search box (above) opens a record. The map
of all compounds is rendered once per date and language (``cached.explorer_map``); the
filter, highlighted rows and drawn shape reach it as small feature groups
(``filter_layer.explorer_groups``), so it is never rebuilt or reloaded.

A store too large to load (``cached.scale().rollup``) gets the roll-up workspace instead
(``dashboard.rollup_workspace``): a place picker, totals by place, the viewport's compounds, the
table page by page.
"""
from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from dashboard import cached, filter_form, rollup_workspace, selection, state
from dashboard.map_component import show_map
from dashboard.record_panel import record_panel, search_box
from geo import export, filters, kpis, links
from geo.formatting import number
from geo.i18n import t
from geo.maps import filter_layer
from geo.programme import Programme
from geo.store import Loaded

EXPORTS = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GeoJSON"}  # format -> button text
MAP_HEIGHT = 560
ss = st.session_state


def _clear_filters() -> None:
    filter_form.clear(ss)
    state.write_query({}, filters.QUERY_KEYS)


def _filter_widgets(lang: str, extents: dict[str, tuple[float, float]], programme: Programme) -> None:
    """The sidebar filters (their values are read back by ``filter_form.current``)."""
    with st.sidebar:
        st.divider()
        st.markdown(f"**{t('explorer.filters', lang)}**")
        for kind, name, label in filters.FORM_LISTS:
            st.multiselect(t(label, lang), filters.form_options(kind, programme), key=filter_form.widget_key(name),
                           placeholder=t("explorer.any", lang),
                           format_func=partial(filters.option_label, kind, lang=lang, programme=programme))
        st.checkbox(t("explorer.works_all", lang), key=filter_form.widget_key("works_all"))
        for name, label, step in filters.FORM_RANGES:
            lo, hi = extents[name]
            if lo < hi:  # a float step makes a float slider (funding), an int step an int one
                num: type[float] = float if isinstance(step, float) else int
                st.slider(t(label, lang), num(lo), num(hi), step=num(step), key=filter_form.widget_key(name), format="%.0f")
        st.button(t("explorer.reset", lang), on_click=_clear_filters, icon=":material/filter_alt_off:")


def _ignored_notice(lang: str) -> None:
    """What the URL had that the explorer could not use (shown as text: a URL can carry anything)."""
    ignored = ss.get(state.EXPLORER_URL_IGNORED)
    if ignored:
        text, close = st.container(border=True).columns([6, 1], vertical_alignment="center")
        text.text(links.ignored_text(ignored, lang))
        close.button(t("explorer.url_ignored_close", lang), on_click=ss.pop, args=(state.EXPLORER_URL_IGNORED, None))


def _export_panel(selected: Any, day: Any, lang: str, programme: Programme) -> None:
    st.markdown(f"#### {t('explorer.export', lang)}")
    crs = st.radio(t("explorer.export_crs", lang), export.EXPORT_CRS, horizontal=True,
                   key=state.EXPLORER_EXPORT_CRS, format_func=lambda c: t(f"explorer.export_crs.{c}", lang))
    for col, (fmt, name) in zip(st.columns(len(EXPORTS)), EXPORTS.items()):
        col.download_button(
            t("explorer.download", lang, fmt=name),
            data=partial(export.export_compounds, selected, fmt, as_of=day, lang=lang, crs=crs, programme=programme),
            file_name=export.export_filename("compounds", fmt, day), mime=export.MEDIA_TYPES[fmt],
            on_click="ignore", key=f"explorer_export_{fmt}", icon=":material/download:", disabled=selected.empty)
    st.caption(t("explorer.export_as_of", lang, date=day.isoformat()) + " · " + t("explorer.export_help", lang))


@st.fragment
def workspace(loaded: Loaded, day: Any, flt: filters.CompoundFilter, frame: Any, lang: str) -> None:
    """Map, record, totals, table and export: reruns alone on a click or row selection.

    The map is sent first (its iframe then loads while the rest is drawn); the controls
    above it are filled afterwards from their session state.
    """
    selection.take_map_events(ss, frame)
    state.write_query(selection.link_params(ss), links.QUERY_KEYS)  # the link keeps the view and the record
    scope = selection.scope(ss)
    chosen = selection.selection(ss, frame, scope)
    controls = st.container()
    left, right = st.columns([3, 2], gap="medium")
    with left:
        groups = filter_layer.explorer_groups(loaded.dataset, shown=None if flt.is_empty() else list(frame["compound_id"]),
                                              fit_key=flt.model_dump_json(), highlight=chosen.highlight,
                                              drawings=ss.get(state.EXPLORER_DRAWN), as_of=day, lang=lang,
                                              view=ss.get(state.EXPLORER_VIEW_ASK))
        show_map(cached.explorer_map(loaded, day, lang), key=state.EXPLORER_MAP, height=MAP_HEIGHT,
                 returned_objects=filter_layer.returned_objects(scope), feature_groups=groups)
        st.caption(f":material/link: [{t('explorer.link', lang)}]({st.context.url or ''}?{urlencode(st.query_params.to_dict())})")
    with controls:
        st.segmented_control(t("explorer.scope", lang), filters.SCOPES, key=state.EXPLORER_SCOPE, required=True,
                             format_func=lambda s: t(f"explorer.scope.{s}", lang))  # a click on the chosen one keeps it
        st.caption(t("explorer.draw_hint" if scope != "view" else "explorer.view_hint", lang))
        totals = filters.selection_totals(chosen.selected)
        for col, kpi in zip(st.columns(len(totals)), kpis.selection_kpis(totals, lang)):
            col.metric(kpi.label, kpi.value)
        st.caption(t("explorer.counts", lang, filtered=number(len(frame)), selected=number(totals["compounds"])))
        if frame.empty:
            st.warning(t("explorer.empty", lang))
    with right:
        record_panel(loaded, day, lang, MAP_HEIGHT)
    st.markdown(f"#### {t('explorer.table', lang)}")
    st.caption(t("explorer.table_as_of", lang, date=day.isoformat()) + " · " + t("explorer.table_hint", lang))
    st.dataframe(filters.table_view(chosen.scoped, lang, loaded.dataset.programme), key=chosen.table_key,
                 on_select="rerun", selection_mode="multi-row", hide_index=True, height=360, width="stretch")
    _export_panel(chosen.selected, day, lang, loaded.dataset.programme)


def main() -> None:
    """Read the filters, keep them in the URL, show the workspace."""
    lang = state.lang()
    head, search = st.columns([3, 2], vertical_alignment="bottom")  # the search box is filled last
    head.title(t("page.explorer", lang))
    scale = cached.scale_or_stop(lang)
    if scale.rollup:  # too many compounds to load: read through the store
        rollup_workspace.main(scale, lang, state.as_of())
        return
    loaded, day = cached.loaded_or_stop(lang), state.as_of()
    if loaded.dataset.illustrative:
        st.caption(t("app.illustrative", lang))
    programme, params = loaded.dataset.programme, st.query_params.to_dict()
    selection.read_link(ss, params, programme, cached.finder(loaded).points, tuple(loaded.dataset.district.total_bounds))
    _ignored_notice(lang)
    extents = filters.range_extents(cached.compound_summary(loaded, day))
    filter_form.seed(ss, params, programme, extents)
    flt = filter_form.current(ss, extents)  # read before the widgets are drawn: the map goes out first
    state.write_query(filters.to_query_params(flt), filters.QUERY_KEYS)  # a copied link reopens this view
    frame = cached.filtered_compounds(loaded, day, flt.model_dump_json())
    workspace(loaded, day, flt, frame, lang)
    with search:
        search_box(loaded, lang)
    _filter_widgets(lang, extents, programme)  # after the workspace: the map goes out first


main()
