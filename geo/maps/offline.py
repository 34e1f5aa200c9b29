"""Folium maps that load Leaflet from our own server, never from a CDN.

folium and its plugins declare the JS/CSS they need in ``default_js`` /
``default_css`` (name, URL) lists. A standalone render turns them into
``<script src>`` / ``<link href>`` tags, and streamlit-folium collects the same
URLs into the ``js_links`` / ``css_links`` its component iframe loads (it strips
the tags themselves from the header). Overriding the two lists on the map and on
each plugin instance is therefore the single switch for both renderers.

The files are put under ``dashboard/static/vendor/`` by ``python -m dashboard.assets``
and served by Streamlit at ``/app/static/vendor`` (``settings.asset_base``).
Nothing here imports Streamlit.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

import branca.element
import folium
from folium.elements import JSCSSMixin
from folium.plugins import Draw

DEFAULT_ASSET_BASE = "/app/static/vendor"
#: Leaflet's map maxZoom when no tile layer sets one (clusters and fitBounds need it).
DEFAULT_MAX_ZOOM = 19

# (name, path under asset_base), in load order. Leaflet's names are folium's own;
# folium-offline.js (dashboard/shims/) must load right after leaflet.js: it fixes
# the default marker icon folder and stands in for the two jQuery calls folium makes.
MAP_JS = (("leaflet", "leaflet.js"), ("folium_offline", "folium-offline.js"))
MAP_CSS = (("leaflet_css", "leaflet.css"),)
DRAW_JS = (("leaflet_draw_js", "draw/leaflet.draw.js"),)
DRAW_CSS = (("leaflet_draw_css", "draw/leaflet.draw.css"),)

_E = TypeVar("_E", bound=JSCSSMixin)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def localize_assets(
    element: _E,
    *,
    js: Sequence[tuple[str, str]],
    css: Sequence[tuple[str, str]],
    asset_base: str,
) -> _E:
    """Point ``element``'s JS/CSS at files under ``asset_base``; return the element.

    Assigns new instance lists: folium's ``add_js_link`` would mutate the class-wide
    defaults shared by every map in the process.
    """
    base = asset_base.rstrip("/")
    element.default_js = [(name, f"{base}/{path}") for name, path in js]
    element.default_css = [(name, f"{base}/{path}") for name, path in css]
    return element


def offline_map(
    *,
    location: Sequence[float],
    zoom_start: int,
    asset_base: str = DEFAULT_ASSET_BASE,
    tiles: Any = None,
    max_zoom: int = DEFAULT_MAX_ZOOM,
    **kwargs: Any,
) -> folium.Map:
    """A ``folium.Map`` (location in WGS-84 lat/lon) that loads only our local Leaflet.

    No basemap by default (``tiles=None``); ``max_zoom`` is set on the Leaflet map
    itself because folium only passes it to a tile layer. Only Leaflet and our
    folium-offline.js are loaded: no jQuery, Bootstrap, Font Awesome or
    awesome-markers. Do not use ``folium.Icon`` (it calls L.AwesomeMarkers and
    the map script stops); use the default marker, CircleMarker or DivIcon.
    """
    fmap = folium.Map(
        location=location, zoom_start=zoom_start, tiles=tiles, max_zoom=max_zoom, **kwargs
    )
    fmap.options["max_zoom"] = max_zoom
    return localize_assets(fmap, js=MAP_JS, css=MAP_CSS, asset_base=asset_base)


def add_to_head(fmap: folium.Map, html: str, name: str) -> None:
    """Put ``html`` (a ``<style>`` block) in the ``<head>`` of the map's page, once per ``name``."""
    root = fmap.get_root()
    if not isinstance(root, branca.element.Figure):  # a folium.Map always hangs under a Figure
        raise TypeError(f"not a map on a page: {type(root).__name__}")
    root.header.add_child(branca.element.Element(html), name=name)


def asset_base_of(fmap: folium.Map) -> str:
    """The ``asset_base`` an :func:`offline_map` was built with (ValueError otherwise)."""
    leaflet = dict(fmap.default_js).get("leaflet", "")
    if _REMOTE.match(leaflet) or not leaflet.endswith("/leaflet.js"):
        raise ValueError(f"not an offline_map: Leaflet is loaded from {leaflet!r}")
    return leaflet[: -len("/leaflet.js")]


def add_draw(fmap: folium.Map, *, asset_base: str | None = None, **draw_kwargs: Any) -> Draw:
    """Add a Leaflet.draw control using local assets (same base as the map by default).

    ``draw_kwargs`` go to ``folium.plugins.Draw``; ``show_geometry_on_click``
    defaults to False (folium's alert() popup).
    """
    draw_kwargs.setdefault("show_geometry_on_click", False)
    base = asset_base if asset_base is not None else asset_base_of(fmap)
    draw = localize_assets(Draw(**draw_kwargs), js=DRAW_JS, css=DRAW_CSS, asset_base=base)
    draw.add_to(fmap)
    return draw
