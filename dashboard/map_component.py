"""``st_folium`` with the map rendered once: prepare a folium map to strings, then show them.

``st_folium`` renders the whole folium map to HTML/JS on every script run. For a
map with thousands of compounds that is most of a rerun's server time (jinja
re-parses each rendered layer script), and a fragment rerun on a map click would pay
it again. Here the map is rendered once into a :class:`PreparedMap` (cache it with
``st.cache_resource``; ``dashboard/cached.py``), and :func:`show_map` hands the
cached strings to the same streamlit-folium component ``st_folium`` uses, with the
same arguments it would build. Small dynamic layers (selection highlight, drawn
shape) go through ``feature_groups`` exactly like ``feature_group_to_add``, so the
map itself is not reloaded when they change; the feature-group script starts with a little
upkeep of the component's frame (:func:`frame_upkeep_js`) so swapping groups leaks nothing
and a changed ``returned_objects`` takes effect without reloading the map.

This mirrors ``streamlit_folium.st_folium`` 0.25-0.27 (the pinned range);
``tests/dashboard/test_map_component.py`` checks that both send identical arguments.

:func:`prepare_map` can also **inline** the map's local Leaflet files (``assets=``):
the component iframe loads its ``js_links`` one after the other before it runs the map
script, which on a fresh page is a chain of round trips (~0.3 s here). Inlined, the JS
runs at the head of the map script and the CSS sits in the header, so the iframe needs
no file but its own bundle. The files still come from the installed package (copied to
``dashboard/static/vendor/`` at set-up), never from the repository.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import branca.colormap
import folium
import streamlit as st
import streamlit_folium as stf


@dataclass(frozen=True)
class PreparedMap:
    """A folium map rendered to what the streamlit-folium component needs."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict[str, dict[str, float | None]]
    zoom: Any


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """CSS and JS URLs of every element (as st_folium collects them)."""
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> None:
        if isinstance(element, branca.colormap.ColorMap):  # st_folium adds d3 for colormaps
            js[:0] = ["https://d3js.org/d3.v4.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"]
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def _bounds(fmap: folium.Map) -> dict[str, dict[str, float | None]]:
    try:
        (south, west), (north, east) = fmap.get_bounds()
    except (AttributeError, TypeError, ValueError):
        south = west = north = east = None
    return {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}


@dataclass(frozen=True)
class LocalAssets:
    """Where the map's local files are: URL prefix (``settings.asset_base``) and folder."""

    url_base: str
    folder: Path

    def path_of(self, url: str) -> Path | None:
        """The file behind ``url`` when it is one of ours and exists, else None."""
        prefix = self.url_base.rstrip("/") + "/"
        if not url.startswith(prefix):
            return None
        path = self.folder / url[len(prefix):]
        return path if path.is_file() else None


#: Comment between inlined library code and the map's own script (:func:`own_script`).
MAP_SCRIPT_MARK = "\n/* qy: map script */\n"
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


@functools.lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def _text(path: Path) -> str:
    return _read(path, path.stat().st_mtime_ns)


def _css_inline(url: str, css: str) -> str:
    """``css`` with its relative ``url(...)`` made absolute (it no longer sits at ``url``)."""
    def absolute(m: re.Match[str]) -> str:
        target = m.group(2).strip()
        if target.startswith(("data:", "/", "#")) or "://" in target:
            return m.group(0)
        return f"url({m.group(1)}{urljoin(url, target)}{m.group(1)})"
    return _CSS_URL.sub(absolute, css)


def inline_assets(prepared: PreparedMap, assets: LocalAssets) -> PreparedMap:
    """``prepared`` with its local JS run inside the map script and its local CSS in the header.

    JS is inlined only when every link is local (load order is kept); CSS file by file.
    Anything not found locally stays a link, so a missing set-up degrades to the
    ordinary (slower) loading, never to a broken map.
    """
    js_paths = [assets.path_of(u) for u in prepared.js_links]
    script, js_links = prepared.script, prepared.js_links
    if js_paths and all(js_paths):
        script = "".join(f"{_text(p)}\n;\n" for p in js_paths if p) + MAP_SCRIPT_MARK + script
        js_links = ()
    styles, css_links = [], []
    for url in prepared.css_links:
        path = assets.path_of(url)
        css = _text(path) if path else ""
        if path and "</style" not in css.lower():
            styles.append(_css_inline(url, css))
        else:
            css_links.append(url)
    header = (f"<style>{''.join(styles)}</style>" if styles else "") + prepared.header
    return replace(prepared, script=script, header=header, js_links=js_links, css_links=tuple(css_links))


def own_script(script: str) -> str:
    """The map's own script, without the library code :func:`inline_assets` put before it."""
    return script.rsplit(MAP_SCRIPT_MARK, 1)[-1]


def prepare_map(fmap: folium.Map, assets: LocalAssets | None = None) -> PreparedMap:
    """Render ``fmap`` once (it is consumed: do not render or reuse it afterwards).

    ``st_folium`` renders the whole Figure (``get_root().render()``: every layer's
    script compiled as a jinja template and rendered into one HTML page) and then the
    map again; the component only needs the figure's header and html parts, which
    ``fmap.render()`` fills, and the layer scripts, which ``_get_map_string`` renders
    itself. One ``fmap.render()`` is enough and about 4x cheaper for thousands of points.
    With ``assets``, the local JS/CSS are inlined (:func:`inline_assets`).
    """
    fmap.render()
    html = stf._get_html(fmap)
    header = stf._get_header(fmap)
    css, js = _links(fmap)
    bounds = _bounds(fmap)
    script = stf._get_map_string(fmap)
    prepared = PreparedMap(script=script, header=header, html=html, map_id=stf.get_full_id(fmap),
                           css_links=css, js_links=js, bounds=bounds, zoom=fmap.options.get("zoom"))
    return inline_assets(prepared, assets) if assets is not None else prepared


#: Upkeep of the component's frame, run before the feature groups each time they change
#: (streamlit-folium evaluates the feature-group script only then, after taking the old
#: groups off the map). Without it a page that swaps groups (the screen's rotation) grows
#: by what each swap leaves behind, and a change of ``returned_objects`` is ignored:
#:
#: - ``window.feature_group``: streamlit-folium pushes every group it adds and never empties
#:   the list, so each swapped-out group stays alive, and with it (the script is run by a
#:   direct ``eval``) the whole render message it came in, map script included;
#: - streamlit-component-lib appends a new theme ``<style>`` to the frame's head on every
#:   render message; only the newest is kept;
#: - streamlit-folium reads ``returned_objects`` once, when it makes the map; here the
#:   current list replaces it, and when a value is newly asked for (the explorer's
#:   ``bounds`` for "what is in view") a ``moveend`` makes the map report it at once,
#:   not only after the next pan or zoom.
_FRAME_UPKEEP_JS = """window.feature_group = [];
if (!window.qyThemeUpkeep && window.MutationObserver) {
  window.qyThemeUpkeep = new MutationObserver(function () {
    var themes = Array.prototype.filter.call(document.head.querySelectorAll('style'), function (s) {
      return s.textContent.indexOf('--primary-color') >= 0 && s.textContent.trim().indexOf(':root') === 0; });
    themes.slice(0, -1).forEach(function (s) { s.remove(); });
  });
  window.qyThemeUpkeep.observe(document.head, {childList: true});
}
(function (asked) {
  var data = window.__GLOBAL_DATA__, had = data ? data.returned_objects : asked;
  if (!data || JSON.stringify(had) === JSON.stringify(asked)) { return; }
  data.returned_objects = asked;
  var added = had && (asked === null || asked.some(function (k) { return had.indexOf(k) < 0; }));
  if (added && window.map) { window.map.fire('moveend'); }
})(__RETURNED__);
"""


def frame_upkeep_js(returned_objects: Sequence[str] | None) -> str:
    """The frame upkeep (see ``_FRAME_UPKEEP_JS``) for the map's current ``returned_objects``."""
    asked = None if returned_objects is None else list(returned_objects)
    return _FRAME_UPKEEP_JS.replace("__RETURNED__", json.dumps(asked))


#: Makes a new map report its view once, as soon as it is drawn (streamlit-folium reports it only
#: after the first pan or zoom): for a page that draws by the view (the roll-up explorer).
REPORT_VIEW_JS = "if (window.map && !window.qyViewReported) { window.qyViewReported = true; window.map.fire('moveend'); }\n"


def feature_group_script(prepared: PreparedMap, groups: Sequence[folium.FeatureGroup],
                         returned_objects: Sequence[str] | None = None, *, report_view: bool = False) -> str:
    """The JS that adds ``groups`` to a prepared map, after :func:`frame_upkeep_js`.

    Never empty, even without groups: the frame upkeep has to run when the last group goes.
    ``report_view``: the map reports its view once when it is first drawn (``REPORT_VIEW_JS``).
    """
    host = folium.Map(tiles=None)  # a stand-in parent with the prepared map's JS name
    host._id = prepared.map_id.split("_", 1)[1]
    return frame_upkeep_js(returned_objects) + "".join(
        stf._get_feature_group_string(g, map=host, idx=i) for i, g in enumerate(groups)) + (
        REPORT_VIEW_JS if report_view else "")


def show_map(prepared: PreparedMap, *, key: str, height: int = 600, width: int | None = None,
             returned_objects: Iterable[str] | None = None, feature_groups: Sequence[folium.FeatureGroup] = (),
             center: tuple[float, float] | None = None, zoom: int | None = None,
             on_change: Callable[[], None] | None = None, report_view: bool = False) -> dict[str, Any]:
    """Show a prepared map; returns what ``st_folium`` returns (the user's interactions).

    ``report_view``: the map reports its bounds and zoom once as soon as it is drawn (see
    :func:`feature_group_script`), for a page that draws what it sends by the view."""
    returned = None if returned_objects is None else list(returned_objects)
    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                "last_object_clicked_tooltip": None, "last_object_clicked_popup": None,
                "all_drawings": None, "last_active_drawing": None, "bounds": prepared.bounds,
                "zoom": prepared.zoom, "last_circle_radius": None, "last_circle_polygon": None,
                "selected_layers": None, "selected_tags": None, "last_geocoder_result": None}
    defaults = {k: v for k, v in defaults.items() if returned is None or k in returned}
    hash_key = stf.generate_js_hash(prepared.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return stf._component_func(
        script=prepared.script, header=prepared.header, html=prepared.html, id=prepared.map_id,
        key=hash_key, height=height, width=width, returned_objects=returned, default=defaults,
        zoom=zoom, center=center, feature_group=feature_group_script(prepared, list(feature_groups), returned, report_view=report_view),
        return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(prepared.css_links), js_links=list(prepared.js_links),
        on_change=_on_change, wrap_longitude=False,
    )
