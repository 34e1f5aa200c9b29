"""What the explorer's workspace acts on, kept in session state: the record a map click opens,
the shape drawn, what the table lists (its scope) and the rows ticked in it.

No widgets here (the page draws them): functions take the session state
(``st.session_state``, or a dict in tests) and the filtered compounds (WGS-84).
"""
from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from dashboard import state
from geo import filters
from geo.maps import webmap


def take_map_events(session: MutableMapping[Any, Any], frame: gpd.GeoDataFrame) -> None:
    """Turn the map's last click and drawing (``st_folium``'s answer, from the previous run) into
    state: a new click on a compound of ``frame`` opens its record; a new drawing narrows the
    table to it (a cleared one lists all again)."""
    events = session.get(state.EXPLORER_MAP) or {}
    click = events.get("last_object_clicked")
    if click and click != session.get(state.EXPLORER_CLICK):
        session[state.EXPLORER_CLICK] = click
        cid = webmap.clicked_compound_id(events, frame)
        if cid:
            session[state.EXPLORER_RECORD] = cid
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
