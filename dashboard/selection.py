"""What the explorer's workspace acts on, kept in session state: the record a map click (or the
search box) opens, the map's view, the shape drawn, what the table lists (its scope) and the rows
ticked in it; and the shared link's view and record (``geo.links``), read once on arrival.

No widgets here (the page draws them): functions take the session state
(``st.session_state``, or a dict in tests) and the filtered compounds (WGS-84).
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from dashboard import state
from geo import filters, links
from geo.maps import webmap
from geo.programme import Programme
from geo.record import Finder

#: Zoom a searched compound is shown at (buildings readable, its neighbours around it).
FOUND_ZOOM = 17.0
_ASKS = itertools.count(1)  # keys of view requests (unique in this server process)


def read_link(session: MutableMapping[Any, Any], params: Mapping[str, Any], programme: Programme,
              compound_ids: Any, bounds: tuple[float, float, float, float]) -> None:
    """Once per session: open the URL's record, ask the map for the URL's view, and keep the
    values the URL had that the explorer ignored (filter, view, record) to say so."""
    if session.get(state.EXPLORER_LINK_READ):
        return
    session[state.EXPLORER_LINK_READ] = True
    link = links.link_from_params(params, set(compound_ids), bounds)
    if link.record:
        session[state.EXPLORER_RECORD] = link.record
    if link.view:
        ask_view(session, link.view)
    ignored = session.get(state.SHELL_IGNORED, []) + filters.parse_query_params(params, programme)[1] + link.ignored
    if ignored:
        session[state.EXPLORER_URL_IGNORED] = ignored


def ask_view(session: MutableMapping[Any, Any], view: links.MapView) -> None:
    """Ask the map to take ``view`` once (and let the link carry it until the map reports)."""
    session[state.EXPLORER_VIEW_ASK] = links.ViewRequest(view, f"ask-{next(_ASKS)}")
    session[state.EXPLORER_VIEW] = view


def take_search(session: MutableMapping[Any, Any], finder: Finder) -> None:
    """The search box's choice (a compound id): open its record, centre the map on it, empty the box."""
    cid = session.get(state.EXPLORER_SEARCH)
    session[state.EXPLORER_SEARCH] = None
    if cid in finder.points:
        session[state.EXPLORER_RECORD] = cid
        lat, lng = finder.points[cid]
        ask_view(session, links.MapView(lat, lng, FOUND_ZOOM))


def link_params(session: Mapping[Any, Any]) -> dict[str, str]:
    """The link's view and record query parameters (``geo.links``) as the session has them."""
    return links.link_params(session.get(state.EXPLORER_VIEW), session.get(state.EXPLORER_RECORD))


def take_map_events(session: MutableMapping[Any, Any], frame: gpd.GeoDataFrame) -> None:
    """Turn the map's last click, view and drawing (``st_folium``'s answer, from the previous run)
    into state: a new click on a compound of ``frame`` opens its record; a new view is the link's;
    a new drawing narrows the table to it (a cleared one lists all again)."""
    events = session.get(state.EXPLORER_MAP) or {}
    click = events.get("last_object_clicked")
    if click and click != session.get(state.EXPLORER_CLICK):
        session[state.EXPLORER_CLICK] = click
        cid = webmap.clicked_compound_id(events, frame)
        if cid:
            session[state.EXPLORER_RECORD] = cid
    report = (events.get("center"), events.get("zoom"))
    if report[0] is not None and report != session.get(state.EXPLORER_VIEW_SEEN):
        session[state.EXPLORER_VIEW_SEEN] = report
        session[state.EXPLORER_VIEW] = links.view_from_report(*report) or session.get(state.EXPLORER_VIEW)
    drawings = events.get("all_drawings")
    if drawings is not None and drawings != session.get(state.EXPLORER_DRAWN):
        session[state.EXPLORER_DRAWN] = drawings
        session[state.EXPLORER_SCOPE] = "drawn" if drawings else "all"


def scope(session: MutableMapping[Any, Any]) -> str:
    """What the table lists (``filters.SCOPES``): all filtered compounds unless chosen otherwise."""
    return session.setdefault(state.EXPLORER_SCOPE, "all") or "all"


def close_record(session: MutableMapping[Any, Any]) -> None:
    """Close the open record."""
    session.pop(state.EXPLORER_RECORD, None)


@dataclass(frozen=True)
class Selection:
    """The table's rows (``scoped``) and widget key, the ticked rows, what totals and exports
    count (ticked rows, else all listed) and the ids drawn emphasised (ticked + the open record)."""

    scoped: gpd.GeoDataFrame
    table_key: str
    rows: list[int]
    selected: gpd.GeoDataFrame
    highlight: list[str]


def selection(session: MutableMapping[Any, Any], frame: gpd.GeoDataFrame, scope: str) -> Selection:
    """The selection for ``scope`` over the filtered ``frame``: a new list of rows gets a new table
    key, so ticks never point at rows that moved."""
    bounds = (session.get(state.EXPLORER_MAP) or {}).get("bounds")
    scoped = filters.select_in(frame, filters.scope_shape(scope, session.get(state.EXPLORER_DRAWN), bounds))
    table_key = f"{state.EXPLORER_TABLE}_{hash(tuple(scoped['compound_id']))}"
    ticked = getattr(session.get(table_key), "selection", {}).get("rows", [])
    rows = [r for r in ticked if r < len(scoped)]
    selected = scoped.iloc[rows] if rows else scoped
    record = session.get(state.EXPLORER_RECORD)
    highlight = (list(selected["compound_id"]) if rows else []) + ([record] if record else [])
    return Selection(scoped, table_key, rows, selected, highlight)
