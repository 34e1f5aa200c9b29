"""Checks that a map loads nothing from the network: the remote JS/CSS its elements declare, and
every URL its rendered HTML would fetch (the "offline first" rule, checked in tests)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import branca.colormap
import branca.element
import folium

#: What streamlit-folium adds on its own when a branca ColorMap is on the map.
COLORMAP_D3_URLS = (
    "https://d3js.org/d3.v4.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_JS_LOADS = re.compile(
    r"L\.(?:tileLayer(?:\.wms)?|imageOverlay|videoOverlay)\(\s*([\"'])(.+?)\1"
)
_CSS_URL = re.compile(r"url\(\s*([\"']?)(.+?)\1\s*\)")
_URL_ATTRS = {
    "script": "src", "link": "href", "img": "src", "iframe": "src",
    "source": "src", "video": "src", "audio": "src", "embed": "src", "object": "data",
}


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
