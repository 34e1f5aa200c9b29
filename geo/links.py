"""What a shared link carries besides the filter (``geo.filters``): the map's view and the open record.

``?view=30.66731,104.04372,15.25`` is the map's centre (latitude, longitude, WGS-84 degrees, 5
decimals ~1 m) and zoom (Leaflet level, 2 decimals); ``?record=QY-0057`` the compound whose
record is open. :func:`link_from_params` reads both and names what it ignored, so a page can say
so instead of dropping a bad value silently; :func:`link_params` writes them back.
Pure (no Streamlit).
"""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from geo.i18n import t

VIEW_KEY = "view"
RECORD_KEY = "record"
#: Every query parameter this module reads or writes.
QUERY_KEYS: tuple[str, ...] = (VIEW_KEY, RECORD_KEY)
MIN_ZOOM, MAX_ZOOM = 1.0, 20.0
#: How far (degrees) a view's centre may lie outside the data's bounds and still be accepted.
_MARGIN_DEG = 0.2


@dataclass(frozen=True)
class MapView:
    """A map's centre (WGS-84 degrees) and Leaflet zoom level."""

    lat: float
    lng: float
    zoom: float

    def to_param(self) -> str:
        """The view as a ``view`` query value: ``lat,lng,zoom`` rounded (5, 5 and 2 decimals)."""
        zoom = f"{self.zoom:.2f}".rstrip("0").rstrip(".")
        return f"{self.lat:.5f},{self.lng:.5f},{zoom}"


@dataclass(frozen=True)
class ViewRequest:
    """A view a map is asked to take once (a shared link's, a searched compound's): ``key``
    tells a new request from one the map has already taken."""

    view: MapView
    key: str


def view_from_report(center: Any, zoom: Any) -> MapView | None:
    """The view ``st_folium`` reports (``center`` {lat, lng}, ``zoom``), None when unusable."""
    try:
        lat, lng, level = float(center["lat"]), float(center["lng"]), float(zoom)
    except (KeyError, TypeError, ValueError):
        return None
    return MapView(lat, lng, level) if all(map(math.isfinite, (lat, lng, level))) else None


def view_from_param(text: Any, bounds: tuple[float, float, float, float]) -> MapView | None:
    """A ``view`` query value as a MapView; None when malformed, its zoom is outside
    ``MIN_ZOOM``..``MAX_ZOOM`` or its centre far outside ``bounds`` (minx, miny, maxx, maxy, WGS-84)."""
    parts = str(text).split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lng, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    minx, miny, maxx, maxy = bounds
    inside = (miny - _MARGIN_DEG <= lat <= maxy + _MARGIN_DEG) and (minx - _MARGIN_DEG <= lng <= maxx + _MARGIN_DEG)
    if not all(map(math.isfinite, (lat, lng, zoom))) or not inside or not MIN_ZOOM <= zoom <= MAX_ZOOM:
        return None
    return MapView(lat, lng, zoom)


@dataclass(frozen=True)
class Link:
    """The view and record of a link, and the (key, value) pairs it ignored."""

    view: MapView | None = None
    record: str | None = None
    ignored: list[tuple[str, str]] = field(default_factory=list)


def _last(raw: Any) -> str:
    """A query value (str, or list for a repeated key) as one string: the last one given."""
    return str(raw[-1] if isinstance(raw, (list, tuple)) and raw else raw).strip()


def link_from_params(params: Mapping[str, Any], compound_ids: Collection[str],
                     bounds: tuple[float, float, float, float]) -> Link:
    """The view and open record of the URL's query ``params``: a record must be one of
    ``compound_ids``, a view inside ``bounds`` (see :func:`view_from_param`)."""
    ignored = []
    view = record = None
    if VIEW_KEY in params:
        view = view_from_param(_last(params[VIEW_KEY]), bounds)
        if view is None:
            ignored.append((VIEW_KEY, _last(params[VIEW_KEY])))
    if RECORD_KEY in params:
        record = _last(params[RECORD_KEY])
        if record not in compound_ids:
            ignored.append((RECORD_KEY, record))
            record = None
    return Link(view, record, ignored)


def link_params(view: MapView | None, record: str | None) -> dict[str, str]:
    """``view`` and ``record`` as query parameters (none for None)."""
    return {**({VIEW_KEY: view.to_param()} if view else {}), **({RECORD_KEY: record} if record else {})}


#: Longest value quoted back in :func:`ignored_text` (a URL can carry anything).
_MAX_QUOTED = 40


def ignored_text(ignored: list[tuple[str, str]], lang: str) -> str:
    """One plain-text line naming the URL values ignored: 已忽略链接中无法识别的参数：area=nowhere、hh_min=lots.
    Values are quoted, cut to ``_MAX_QUOTED`` characters; render as text, never Markdown."""
    def quoted(value: str) -> str:
        text = "".join(ch if ch.isprintable() else "?" for ch in value)
        return text if len(text) <= _MAX_QUOTED else text[:_MAX_QUOTED] + "…"
    sep = ", " if lang == "en" else "、"
    return t("explorer.url_ignored", lang, items=sep.join(f"{k}={quoted(v)}" for k, v in ignored))
