"""The explorer's map: the programme map (``geo.maps.webmap``) of every compound, with a
rectangle/polygon draw control (local Leaflet.draw assets), a small "show only these
compounds" layer that applies a filter in the browser, and the user's drawn shape.

Why in the browser: the map of all compounds for one as-of date and language is built
and rendered once; a filter change then only sends the ids to show (``filter_group``,
through ``st_folium``'s ``feature_group_to_add``), so the map is not rebuilt, not
reloaded, and keeps its drawings and view. Cost on the server: a list of ids.

Pure (no Streamlit). Coordinates WGS-84 (EPSG:4326); the explorer has no basemap (offline).
"""
from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from geo import colors
from geo.asof import AsOfLike
from geo.dataset import Dataset
from geo.i18n import TEXT, t
from geo.links import ViewRequest
from geo.maps import alerts, webmap
from geo.maps.offline import add_draw, add_to_head

#: Drawing tools offered: rectangle and polygon only (no lines, circles or markers; no editing).
DRAW_OPTIONS: dict[str, Any] = {"polyline": False, "circle": False, "marker": False, "circlemarker": False,
                                "rectangle": True, "polygon": True}
#: A click on a canvas dot focuses the SVG polygon beneath it; without this, Chrome draws
#: its focus outline as a black box around that polygon.
_CSS = "<style>.leaflet-container .leaflet-interactive:focus { outline: none; }</style>"
MAX_FIT_ZOOM = 16
#: Layers drawn: the elevator and charger additions are left out (they would double the
#: data sent for thousands of compounds; the works filter and the record cover them).
LAYERS: tuple[str, ...] = ("district", "subdistricts", "areas", "greenways", "compounds")
#: Attribute set on the map container: how many compound dots the filter shows.
SHOWN_ATTR = "data-qy-shown"


def explorer_map(ds: Dataset, compounds: gpd.GeoDataFrame | None = None, *, as_of: AsOfLike = None,
                 lang: str = "zh") -> folium.Map:
    """The map of ``compounds`` (default all of ``ds``) for ``as_of`` in ``lang``, with a draw control.

    Layers: ``LAYERS`` and the sequence violations / overdue issues rings (``geo.maps.alerts``);
    popups off (the page shows the full record beside the map);
    the view is the whole district. Filter it with :func:`filter_group`.
    """
    fmap = webmap.map_from_dataset(ds, as_of=as_of, compounds=compounds,
                                 options=webmap.MapOptions(lang=lang, popups=False, layers=LAYERS),
                                 extra_layers=[alerts.alert_layer(ds, as_of, lang=lang)],
                                 extra_legend=alerts.alert_legend(lang))
    add_to_head(fmap, _CSS, "qy_explorer_css")
    _DrawLocale(draw_locale(lang)).add_to(fmap)  # before the control: it reads its texts when made
    add_draw(fmap, position="topleft", export=False, edit_options={"edit": False}, draw_options=DRAW_OPTIONS)
    return fmap


_DRAW_PREFIX = "draw."


def draw_locale(lang: str) -> dict[str, Any]:
    """Leaflet.draw's texts in ``lang`` as a nested object for ``L.drawLocal`` (from the ``draw.*``
    keys of ``geo.i18n``: ``draw.draw.toolbar.buttons.rectangle`` -> ``{draw: {toolbar: ...}}``)."""
    out: dict[str, Any] = {}
    for key in TEXT:
        if key.startswith(_DRAW_PREFIX):
            *path, leaf = key[len(_DRAW_PREFIX):].split(".")
            node = out
            for part in path:
                node = node.setdefault(part, {})
            node[leaf] = t(key, lang)
    return out


class _DrawLocale(MacroElement):
    """JS: merge our texts into Leaflet.draw's locale table (``L.drawLocal``), leaf by leaf."""

    _template = Template("""{% macro script(this, kwargs) %}
(function merge(into, texts) {
  Object.keys(texts).forEach(function (k) {
    if (typeof texts[k] === 'object') { merge(into[k] = into[k] || {}, texts[k]); } else { into[k] = texts[k]; } });
})(L.drawLocal = L.drawLocal || {}, {{ this.texts_json }});
{% endmacro %}""")

    def __init__(self, texts: dict[str, Any]) -> None:
        super().__init__()
        self._name = "DrawLocale"
        self.texts_json = json.dumps(texts, ensure_ascii=False)


class _ShowOnly(MacroElement):
    """JS: show only the compound dots whose id is listed (all when ``ids`` is None)."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (map) {
  if (!map) { return; }
  var want = {{ this.ids_json }}, reg = map._qyDots;
  if (!reg) {  /* the base map's compound dots (canvas) and their GeoJSON layer, found once */
    reg = map._qyDots = [];
    map.eachLayer(function (l) {
      var p = l.feature && l.feature.properties, parents = l._eventParents ? Object.values(l._eventParents) : [];
      if (p && p.id && l.getLatLng && l.options.renderer instanceof L.Canvas && parents.length) {
        reg.push([p.id, l, parents[0]]); } });
  }
  if (!map._qyHome) { map._qyHome = map.getBounds(); }  /* the district view, for "show all" */
  var keep = want === null ? null : new Set(want), shown = 0, box = L.latLngBounds([]);
  reg.forEach(function (r) {
    var on = keep === null || keep.has(r[0]), group = r[2], dot = r[1];
    if (on) { if (!group.hasLayer(dot)) { group.addLayer(dot); } shown += 1; box.extend(dot.getLatLng()); }
    else if (group.hasLayer(dot)) { group.removeLayer(dot); } });
  map.getContainer().setAttribute({{ this.attr_json }}, String(shown));
  var fit = {{ this.fit_json }}, view = {{ this.view_json }};
  if (view !== null && map._qyView !== view.key) {  /* a view asked for (a link, a search) wins over the fit */
    map._qyView = view.key; map._qyFit = fit;
    /* after any zoom still pending (the map's own first fit runs in the next frame; Leaflet
       ignores a new view while a zoom animates), so the asked view is the one that stays */
    var take = function () { map.setView([view.lat, view.lng], view.zoom, {animate: false}); };
    L.Util.requestAnimFrame(function () { if (map._animatingZoom) { map.once('zoomend', take); } else { take(); } });
  } else if (fit !== null && map._qyFit !== fit) {
    map._qyFit = fit;
    if (keep !== null && shown > 0) { map.fitBounds(box, {padding: [24, 24], maxZoom: {{ this.max_zoom }}}); }
    else { map.fitBounds(map._qyHome); }
  }
})({{ this.map_name() }});
{% endmacro %}""")

    def __init__(self, ids: Sequence[str] | None, fit_key: str | None, view: ViewRequest | None = None) -> None:
        super().__init__()
        self._name = "ShowOnly"
        self.ids_json = "null" if ids is None else json.dumps(list(ids), ensure_ascii=False)
        self.fit_json = json.dumps(fit_key)
        self.view_json = "null" if view is None else json.dumps(
            {"lat": view.view.lat, "lng": view.view.lng, "zoom": view.view.zoom, "key": view.key})
        self.attr_json = json.dumps(SHOWN_ATTR)
        self.max_zoom = MAX_FIT_ZOOM

    def map_name(self) -> str:
        """JS name of the map this group is added to (resolved at render time)."""
        node = self._parent
        while node is not None and not isinstance(node, folium.Map):
            node = getattr(node, "_parent", None)
        return node.get_name() if node is not None else "null"


def filter_group(ids: Sequence[str] | None, *, fit_key: str | None = None,
                 view: ViewRequest | None = None) -> folium.FeatureGroup:
    """A FeatureGroup (for ``feature_group_to_add``) that shows only the compounds ``ids``.

    ``ids`` None shows every compound. When ``fit_key`` is given and differs from the
    last one applied to the map, the view fits the shown compounds (the district view
    when all are shown), so re-sending the same filter keeps the user's pan and zoom.
    A ``view`` whose key the map has not taken yet sets the view instead (no fit then).
    The map container gets ``data-qy-shown="<count>"``.
    """
    group = folium.FeatureGroup(name="filter", control=False)
    _ShowOnly(ids, fit_key, view).add_to(group)
    return group


#: The drawn shape: a dashed outline, nearly clear, not clickable (clicks reach the dots beneath).
_DRAWN_STYLE = (f"function () {{ return {{color: '{colors.HIGHLIGHT}', weight: 2, dashArray: '6 4', fillOpacity: 0.05,"
                f" interactive: false}}; }}")


def drawing_group(drawings: Sequence[dict[str, Any]] | None, *, lang: str = "zh") -> folium.FeatureGroup | None:
    """The user's drawn shapes (GeoJSON features from ``st_folium``'s ``all_drawings``, WGS-84) as a
    FeatureGroup for ``feature_group_to_add``, so a drawing shows again after the map reloads;
    None when nothing is drawn."""
    if not drawings:
        return None
    group = folium.FeatureGroup(name=t("explorer.scope.drawn", lang), control=False)
    folium.GeoJson({"type": "FeatureCollection", "features": list(drawings)}, style=JsCode(_DRAWN_STYLE)).add_to(group)
    return group


#: What the explorer reads back from ``st_folium``: clicks (with the tooltip naming the compound),
#: drawings and the view (centre, zoom: for the shared link) always, the map's bounds only while
#: the table lists the compounds in view.
CLICK_OBJECTS: tuple[str, ...] = ("last_object_clicked", "last_object_clicked_tooltip", "all_drawings", "center", "zoom")


def returned_objects(scope: str) -> list[str]:
    """``st_folium``'s ``returned_objects`` for the table's scope ("all", "drawn" or "view")."""
    return [*CLICK_OBJECTS, *(["bounds"] if scope == "view" else [])]


def explorer_groups(ds: Dataset, *, shown: Sequence[str] | None, fit_key: str, highlight: Collection[str],
                    drawings: Sequence[dict[str, Any]] | None, as_of: AsOfLike = None,
                    lang: str = "zh", view: ViewRequest | None = None) -> list[folium.FeatureGroup]:
    """The small layers the explorer sends to its prepared map (``feature_group_to_add``):
    the filter (``shown`` ids, None = all; the view fits them when ``fit_key`` changes, or takes
    ``view`` when that is a new request), the ``highlight`` ed compounds (ticked rows, the open
    record) and the kept drawing."""
    groups = [filter_group(shown, fit_key=fit_key, view=view)]
    if highlight:
        groups.append(webmap.selection_group(ds, highlight, as_of=as_of,
                                             options=webmap.MapOptions(lang=lang, popups=False)))
    drawn = drawing_group(drawings, lang=lang)
    return groups + ([drawn] if drawn is not None else [])
