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
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from typing import Any, TypeVar

import branca.colormap
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

#: What streamlit-folium adds on its own when a branca ColorMap is on the map.
COLORMAP_D3_URLS = (
    "https://d3js.org/d3.v4.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
)

_E = TypeVar("_E", bound=JSCSSMixin)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_JS_LOADS = re.compile(
    r"L\.(?:tileLayer(?:\.wms)?|imageOverlay|videoOverlay)\(\s*([\"'])(.+?)\1"
)
_CSS_URL = re.compile(r"url\(\s*([\"']?)(.+?)\1\s*\)")
_URL_ATTRS = {
    "script": "src", "link": "href", "img": "src", "iframe": "src",
    "source": "src", "video": "src", "audio": "src", "embed": "src", "object": "data",
}


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


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    """Yield ``element`` and all its descendants, depth first."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def remote_assets(fmap: folium.Map) -> list[str]:
    """Remote JS/CSS URLs the map's elements would load (tiles not included).

    Mirrors streamlit-folium 0.25-0.27: every element's ``default_js`` and
    ``default_css``, plus d3 from two CDNs whenever a branca ColorMap is present.
    An :func:`offline_map` with GeoJson, markers and :func:`add_draw` returns [].
    """
    urls: list[str] = []
    for element in _walk(fmap):
        if isinstance(element, branca.colormap.ColorMap):
            urls.extend(COLORMAP_D3_URLS)
        for _, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]:
            if _REMOTE.match(url):
                urls.append(url)
    return list(dict.fromkeys(urls))


class _UrlCollector(HTMLParser):
    """Collect URLs a browser would fetch from tags, inline CSS and Leaflet layer calls."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = values.get(_URL_ATTRS.get(tag, ""))
        if url and not (tag == "link" and "dns-prefetch" in (values.get("rel") or "")):
            self.urls.append(url)
        self.urls.extend(m.group(2) for m in _CSS_URL.finditer(values.get("style") or ""))
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.urls.extend(m.group(2) for m in _JS_LOADS.finditer(data))
            self.urls.extend(m.group(2) for m in _CSS_URL.finditer(data))


def external_urls(html: str) -> list[str]:
    """Every http(s) or protocol-relative URL the rendered ``html`` would load.

    Covers ``<script src>``, ``<link href>``, ``<img/iframe/source src>``, CSS
    ``url(...)`` in ``<style>`` and style attributes, and the URL templates of
    ``L.tileLayer`` / ``L.tileLayer.wms`` / ``L.imageOverlay`` calls. Plain
    ``<a href>`` links (e.g. attributions) are not loads and are ignored.
    Order of first appearance, without duplicates.
    """
    collector = _UrlCollector()
    collector.feed(html)
    collector.close()
    return list(dict.fromkeys(u for u in collector.urls if _REMOTE.match(u.strip())))
