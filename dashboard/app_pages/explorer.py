"""筛选 / Explorer (planners): filter compounds, select them on the map or in the table,
read a compound's full record, export the selection.

Thin page: widgets -> geo.filters / geo.record / geo.export -> render. The filter lives
in the URL (``geo.filters.to_query_params``), so a copied link reopens the same view.
The map, record panel, table and export sit in one ``st.fragment``: a map click or a
row selection reruns only that part. The map of all compounds is rendered once per
date and language (``cached.explorer_map``); the filter, the highlighted rows and the
drawn shape reach it as small feature groups, so it is never rebuilt or reloaded.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import folium
import streamlit as st

from dashboard import cached, state
from dashboard.map_component import show_map
from dashboard.ui import facts_html, record_title_html
from geo import export, filters, record, schema
from geo.i18n import t
from geo.maps import filter_layer, webmap
from geo.programme import Programme
from geo.store import Loaded

SCOPES = ("all", "drawn", "view")
EXPORTS = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GeoJSON"}  # format -> button text
MAP_HEIGHT = 560
_CLICK = ["last_object_clicked", "last_object_clicked_tooltip"]


# --- filters (sidebar) <-> URL ------------------------------------------------------------------
def _wkey(name: str) -> str:
    return f"{state.EXPLORER_WIDGET}{name}"


def _initial_filter(programme: Programme) -> filters.CompoundFilter:
    """The URL's filter if it names one, else the last one of this session, else none."""
    params = st.query_params.to_dict()
    if any(k in params for k in filters.QUERY_KEYS):
        return filters.from_query_params(params, programme)
    return st.session_state.get(state.EXPLORER_FILTER) or filters.CompoundFilter()


def _seed_widgets(flt: filters.CompoundFilter, extents: dict[str, tuple[float, float]]) -> None:
    """Give the filter widgets their starting values (only where they have none yet)."""
    values: dict[str, Any] = {
        "areas": list(flt.areas), "subdistricts": list(flt.subdistricts), "statuses": list(flt.statuses),
        "batches": list(flt.batches), "works": list(flt.works), "works_all": flt.works_all,
        "year_built": filters.range_from_bounds(flt.year_built_min, flt.year_built_max, extents["year_built"]),
        "households": filters.range_from_bounds(flt.households_min, flt.households_max, extents["households"]),
        "funding": tuple(float(v) for v in filters.range_from_bounds(flt.funding_min, flt.funding_max, extents["funding"])),
    }
    for name, value in values.items():
        st.session_state.setdefault(_wkey(name), value)


def _clear_filters() -> None:
    for key in [k for k in st.session_state if str(k).startswith(state.EXPLORER_WIDGET)]:
        del st.session_state[key]
    st.session_state[state.EXPLORER_FILTER] = filters.CompoundFilter()
    for key in filters.QUERY_KEYS:
        if key in st.query_params:
            del st.query_params[key]


def _multi(kind: str, name: str, options: tuple[str, ...], label_key: str, lang: str, programme: Programme) -> None:
    st.multiselect(t(label_key, lang), options, key=_wkey(name), placeholder=t("explorer.any", lang),
                   format_func=lambda v: filters.option_label(kind, v, lang, programme))


def _range(name: str, label_key: str, extent: tuple[float, float], lang: str, step: float | int = 1) -> None:
    if extent[0] < extent[1]:
        lo, hi = (float(extent[0]), float(extent[1])) if isinstance(step, float) else extent
        st.slider(t(label_key, lang), min_value=lo, max_value=hi, step=step, key=_wkey(name), format="%.0f")


def _filter_widgets(lang: str, extents: dict[str, tuple[float, float]], programme: Programme) -> None:
    """The sidebar filters (their values are read by :func:`_current_filter`)."""
    with st.sidebar:
        st.divider()
        st.markdown(f"**{t('explorer.filters', lang)}**")
        _multi("area", "areas", filters.area_options(programme), "explorer.area", lang, programme)
        _multi("subdistrict", "subdistricts", filters.subdistrict_options(programme), "explorer.subdistrict", lang,
               programme)
        _multi("status", "statuses", schema.STATUSES, "explorer.status", lang, programme)
        _multi("batch", "batches", schema.BATCHES, "explorer.batch", lang, programme)
        _multi("work", "works", filters.WORK_FILTER_KEYS, "explorer.works", lang, programme)
        st.checkbox(t("explorer.works_all", lang), key=_wkey("works_all"))
        _range("year_built", "explorer.year_built", extents["year_built"], lang)
        _range("households", "explorer.households", extents["households"], lang)
        _range("funding", "explorer.funding", extents["funding"], lang, step=1.0)
        st.button(t("explorer.reset", lang), on_click=_clear_filters, icon=":material/filter_alt_off:")


def _current_filter(extents: dict[str, tuple[float, float]]) -> filters.CompoundFilter:
    """The filter the widgets hold (session state: the user's latest values, else the seeds).

    Read before the widgets are drawn, so the page can send the map first.
    """
    ss = st.session_state
    built = filters.bounds_from_range(ss[_wkey("year_built")], extents["year_built"])
    households = filters.bounds_from_range(ss[_wkey("households")], extents["households"])
    funding = filters.bounds_from_range(ss[_wkey("funding")], extents["funding"])
    return filters.CompoundFilter(
        areas=tuple(ss[_wkey("areas")]), subdistricts=tuple(ss[_wkey("subdistricts")]),
        statuses=tuple(ss[_wkey("statuses")]), batches=tuple(ss[_wkey("batches")]),
        works=tuple(ss[_wkey("works")]), works_all=bool(ss[_wkey("works_all")]),
        year_built_min=built[0], year_built_max=built[1],
        households_min=households[0], households_max=households[1],
        funding_min=funding[0], funding_max=funding[1],
    )


def _write_url(flt: filters.CompoundFilter) -> None:
    """Put the filter in the URL (the as-of date and language are the shell's)."""
    params = filters.to_query_params(flt)
    for key in filters.QUERY_KEYS:
        if key in params and st.query_params.get(key) != params[key]:
            st.query_params[key] = params[key]
        elif key not in params and key in st.query_params:
            del st.query_params[key]
    st.session_state[state.EXPLORER_FILTER] = flt


# --- map interactions ------------------------------------------------------------------------------
def _handle_map_events(frame: Any) -> None:
    """Turn the map's last click / drawing (from the previous run) into session state."""
    events = st.session_state.get(state.EXPLORER_MAP) or {}
    click = events.get("last_object_clicked")
    if click and click != st.session_state.get(state.EXPLORER_CLICK):
        st.session_state[state.EXPLORER_CLICK] = click
        cid = webmap.clicked_compound_id(events, frame)
        if cid:
            st.session_state[state.EXPLORER_RECORD] = cid
    drawings = events.get("all_drawings")
    if drawings is not None and drawings != st.session_state.get(state.EXPLORER_DRAWN):
        st.session_state[state.EXPLORER_DRAWN] = drawings
        st.session_state[state.EXPLORER_SCOPE] = "drawn" if drawings else "all"


def _scope_shape(scope: str) -> Any:
    if scope == "drawn":
        return filters.shape_from_drawing(st.session_state.get(state.EXPLORER_DRAWN))
    if scope == "view":
        return filters.shape_from_bounds((st.session_state.get(state.EXPLORER_MAP) or {}).get("bounds"))
    return None


def _drawn_group(lang: str) -> folium.FeatureGroup | None:
    """The kept drawing, shown again after the map reloads (e.g. on a filter change)."""
    drawings = st.session_state.get(state.EXPLORER_DRAWN)
    if not drawings:
        return None
    group = folium.FeatureGroup(name=t("explorer.scope.drawn", lang), control=False)
    folium.GeoJson({"type": "FeatureCollection", "features": drawings},
                   style=folium.utilities.JsCode("function () { return {color: '#d81b60', weight: 2, dashArray: '6 4', fillOpacity: 0.05, interactive: false}; }"),
                   ).add_to(group)
    return group


# --- panels ----------------------------------------------------------------------------------------
def _totals(selected: Any, filtered: int, lang: str) -> None:
    totals = filters.selection_totals(selected)
    cols = st.columns(5)
    for col, (key, value) in zip(cols, totals.items()):
        text = f"{value:,.0f}" if key == "funding_wan_yuan" else f"{value:,}"
        col.metric(t(f"explorer.kpi.{'funding' if key == 'funding_wan_yuan' else key}", lang), text)
    st.caption(t("explorer.counts", lang, filtered=f"{filtered:,}", selected=f"{totals['compounds']:,}"))


def _close_record() -> None:
    st.session_state.pop(state.EXPLORER_RECORD, None)


def _record_panel(ds: Any, day: Any, lang: str) -> None:
    cid = st.session_state.get(state.EXPLORER_RECORD)
    st.markdown(f"#### {t('explorer.record', lang)}")
    if not cid:
        st.info(t("explorer.record_hint", lang), icon=":material/touch_app:")
        return
    try:
        view = record.record_view(record.compound_record(ds, cid, day), lang, ds.programme)
    except record.UnknownCompound:
        _close_record()
        st.info(t("explorer.record_hint", lang))
        return
    head, close = st.columns([4, 1])
    head.html(record_title_html(view.title))
    close.button("✕", key="explorer_record_close", on_click=_close_record, help=t("explorer.record.close", lang))
    box = st.container(height=MAP_HEIGHT - 70, border=False)  # as tall as the map beside it
    facts, works, elevators, money = box.tabs([t("explorer.record", lang), t("explorer.record.works", lang),
                                              t("explorer.record.elevators", lang), t("explorer.record.funding", lang)])
    with facts:  # names and addresses are data: escaped HTML, never Markdown
        st.html(facts_html(view.facts, (t("record.col.field", lang), t("record.col.value", lang))))
    for tab, table in ((works, view.works), (elevators, view.elevators), (money, view.funding)):
        with tab:
            if table.empty:
                st.caption(t("explorer.record.none", lang))
            else:
                st.dataframe(table, hide_index=tab is not money, width="stretch")


def _export_panel(selected: Any, day: Any, lang: str, programme: Programme) -> None:
    st.markdown(f"#### {t('explorer.export', lang)}")
    crs = st.radio(t("explorer.export_crs", lang), export.EXPORT_CRS, horizontal=True,
                   key=state.EXPLORER_EXPORT_CRS, format_func=lambda c: t(f"explorer.export_crs.{c}", lang))
    cols = st.columns(len(EXPORTS))
    for col, (fmt, name) in zip(cols, EXPORTS.items()):
        col.download_button(
            t("explorer.download", lang, fmt=name),
            data=lambda fmt=fmt: export.export_compounds(selected, fmt, as_of=day, lang=lang, crs=crs, programme=programme),
            file_name=export.export_filename("compounds", fmt, day), mime=export.MEDIA_TYPES[fmt],
            on_click="ignore", key=f"explorer_export_{fmt}", icon=":material/download:",
            disabled=selected.empty,
        )
    st.caption(t("explorer.export_help", lang))


def _selection(frame: Any, scope: str) -> tuple[Any, str, list[int], Any]:
    """(rows listed, table key, table rows ticked, the selection) for the scope and the table."""
    scoped = filters.select_in(frame, _scope_shape(scope))
    table_key = f"{state.EXPLORER_TABLE}_{hash(tuple(scoped['compound_id']))}"  # new rows: new selection
    ticked = getattr(st.session_state.get(table_key), "selection", {}).get("rows", [])
    rows = [r for r in ticked if r < len(scoped)]
    return scoped, table_key, rows, (scoped.iloc[rows] if rows else scoped)


def _map_panel(loaded: Loaded, day: Any, flt: filters.CompoundFilter, frame: Any,
               highlight: list[str], scope: str, lang: str) -> None:
    """The prepared map of all compounds plus the filter, highlight and drawing groups."""
    record_id = st.session_state.get(state.EXPLORER_RECORD)
    highlight = highlight + ([record_id] if record_id else [])
    shown = None if flt.is_empty() else list(frame["compound_id"])
    groups = [filter_layer.filter_group(shown, fit_key=flt.model_dump_json())]
    if highlight:
        options = webmap.MapOptions(lang=lang, popups=False)
        groups.append(webmap.selection_group(loaded.dataset, highlight, as_of=day, options=options))
    drawn = _drawn_group(lang)
    groups += [drawn] if drawn is not None else []
    returned = _CLICK + ["all_drawings"] + (["bounds"] if scope == "view" else [])
    show_map(cached.explorer_map(loaded, day, lang), key=state.EXPLORER_MAP,
             height=MAP_HEIGHT, returned_objects=returned, feature_groups=groups)


@st.fragment
def workspace(loaded: Loaded, day: Any, flt: filters.CompoundFilter, frame: Any, lang: str) -> None:
    """Map, record, totals, table and export: reruns alone on a click or row selection.

    The map is sent first (its iframe then loads while the rest is drawn); the controls
    above it are filled afterwards from their session state.
    """
    _handle_map_events(frame)
    st.session_state.setdefault(state.EXPLORER_SCOPE, "all")
    scope = st.session_state.get(state.EXPLORER_SCOPE) or "all"
    scoped, table_key, rows, selected = _selection(frame, scope)
    controls = st.container()
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _map_panel(loaded, day, flt, frame, list(selected["compound_id"]) if rows else [], scope, lang)
    with controls:
        st.segmented_control(t("explorer.scope", lang), SCOPES, key=state.EXPLORER_SCOPE, required=True,
                             format_func=lambda s: t(f"explorer.scope.{s}", lang))  # a click on the chosen one keeps it
        st.caption(t("explorer.draw_hint" if scope != "view" else "explorer.view_hint", lang))
        _totals(selected, len(frame), lang)
        if frame.empty:
            st.warning(t("explorer.empty", lang))
    with right:
        _record_panel(loaded.dataset, day, lang)
    st.markdown(f"#### {t('explorer.table', lang)}")
    st.caption(t("explorer.table_hint", lang))
    st.dataframe(filters.table_view(scoped, lang, loaded.dataset.programme), key=table_key, on_select="rerun", selection_mode="multi-row",
                 hide_index=True, height=360, width="stretch")
    _export_panel(selected, day, lang, loaded.dataset.programme)


def main() -> None:
    """Read the filters, keep them in the URL, show the workspace."""
    lang = state.lang()
    st.title(t("page.explorer", lang))
    loaded, day = cached.loaded_or_stop(lang), state.as_of()
    if loaded.dataset.illustrative:
        st.caption(t("app.illustrative", lang))
    programme = loaded.dataset.programme
    extents = filters.range_extents(cached.compound_summary(loaded, day))
    _seed_widgets(_initial_filter(programme), extents)
    flt = _current_filter(extents)
    _write_url(flt)
    frame = cached.filtered_compounds(loaded, day, flt.model_dump_json())
    workspace(loaded, day, flt, frame, lang)
    _filter_widgets(lang, extents, programme)  # after the workspace: the map goes out first
    with st.sidebar:  # below the filters: the link that reopens this view (a plain link: st.code costs ~0.2 s)
        st.caption(f"[{t('explorer.link', lang)}]({st.context.url or ''}?{urlencode(st.query_params.to_dict())})")


main()
