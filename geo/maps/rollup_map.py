"""The roll-up map: totals per place when zoomed out, only the viewport's compounds when zoomed in.

The map never carries every compound of a large programme. Zoomed out it draws one
circle per unit of the level in view (``level_for_zoom``), sized by its compounds and
coloured by the % of its 14th-FYP compounds completed (``geo.rollup.units_from_store``);
zoomed in (``DOTS_ZOOM`` and closer) it draws the compounds in the viewport only
(``Store.compounds_in_box``), at most ``MAX_DOTS`` of them. Both are small
``folium.FeatureGroup`` s for streamlit-folium's ``feature_group_to_add``, and
:func:`rollup_map` is the base map they go on.

Pure (no Streamlit, no store). Positions are the places' centres (WGS-84); names are
set as text in the browser, never as HTML.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from geo import colors
from geo.asof import AsOfLike
from geo.i18n import t
from geo.maps.offline import add_to_head, offline_map
from geo.maps.webmap import MapOptions, features_from_compounds, progress_color
from geo.programme import Programme

#: Below each zoom the level whose units are drawn (from the top down); from DOTS_ZOOM on: compounds.
ZOOM_LEVELS: tuple[tuple[float, str], ...] = ((5, "province"), (7, "city"), (9, "district"), (11, "subdistrict"))
DOTS_ZOOM = 11
#: The most compound dots one view sends (a denser viewport shows the subdistricts' totals instead).
MAX_DOTS = 5_000

_DEFAULT = MapOptions()
_TIP = """function (f, l) { l.bindTooltip(function () {
  var d = document.createElement('div'); d.textContent = f.properties.t || f.properties.n || ''; return d; }, {sticky: true}); }"""
_UNIT_POINT = """function (f, ll) { var p = f.properties;
  return L.circleMarker(ll, {radius: p.r, color: '__INK__', weight: 1, fillColor: p.c, fillOpacity: 0.85}); }"""
_DOT_POINT = """(function () { var r = L.canvas({padding: 0.3}); return function (f, ll) {
  return L.circleMarker(ll, {renderer: r, radius: 4, weight: 0.6, color: '#ffffff', fillOpacity: 0.92,
    fillColor: (__COLORS__)[f.properties.s] || '#999'}); }; })()"""


def level_for_zoom(programme: Programme, place: str, zoom: float) -> str | None:
    """The level whose totals are drawn at ``zoom`` under ``place``; None: draw compound dots.

    A level that is not below ``place`` gives way to the first one that is.
    """
    if zoom >= DOTS_ZOOM:
        return None
    below = programme.levels_below(place)
    wanted = next((level for limit, level in ZOOM_LEVELS if zoom < limit), "subdistrict")
    if wanted in below:
        return wanted
    return below[0] if below else None


def box_from_bounds(bounds: Mapping[str, Any] | None) -> tuple[float, float, float, float] | None:
    """streamlit-folium's returned ``bounds`` (``_southWest`` / ``_northEast`` lat, lng) as (west, south,
    east, north) in WGS-84 degrees, rounded outwards to 0.001° (~100 m) so that views a few pixels
    apart share one store read; None when the map has not reported a view."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]  # type: ignore[index]
        west, south, east, north = (float(v) for v in (sw["lng"], sw["lat"], ne["lng"], ne["lat"]))
    except (KeyError, TypeError, ValueError):
        return None
    if not (west < east and south < north):
        return None
    return (math.floor(west * 1000) / 1000, math.floor(south * 1000) / 1000,
            math.ceil(east * 1000) / 1000, math.ceil(north * 1000) / 1000)


def units_in_box(units: pd.DataFrame, programme: Programme, box: tuple[float, float, float, float] | None,
                 *, margin: float = 0.25) -> pd.DataFrame:
    """The rows of ``units`` (``geo.rollup.units_from_store``) whose place centre lies in ``box``
    widened by ``margin`` of its size on each side (a circle near the edge still shows); all when None."""
    if box is None or units.empty:
        return units
    west, south, east, north = box
    dx, dy = (east - west) * margin, (north - south) * margin

    def inside(code: object) -> bool:
        place = programme.get_place(str(code))
        return (place is not None and place.lon is not None and place.lat is not None
                and west - dx <= place.lon <= east + dx and south - dy <= place.lat <= north + dy)

    return units[units["name"].map(inside).astype(bool)]


def units_of_statuses(units: pd.DataFrame, statuses: Sequence[str] | None) -> pd.DataFrame:
    """``units`` counting only the compounds of ``statuses`` (None: all): ``compounds`` becomes the sum
    of those status columns (the circle's size and tooltip count); the 14th-FYP % stays the unit's."""
    if not statuses or units.empty:
        return units
    out = units.copy()
    out["compounds"] = out[[s for s in statuses if s in out.columns]].sum(axis=1).astype(int)
    return out


def clicked_unit(click: Mapping[str, Any] | None, units: pd.DataFrame, programme: Programme) -> str | None:
    """The code of the unit (a row of ``units``) whose centre is nearest a click ({lat, lng}), or None.

    Only the circles are clickable on a map of totals, so the nearest centre is the circle clicked.
    """
    try:
        lat, lng = float(click["lat"]), float(click["lng"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None
    best: tuple[float, str] | None = None
    for code in units["name"].astype(str) if len(units) else ():
        place = programme.get_place(code)
        if place is not None and place.lon is not None and place.lat is not None:
            d2 = (place.lon - lng) ** 2 + (place.lat - lat) ** 2
            best = (d2, code) if best is None or d2 < best[0] else best
    return None if best is None else best[1]


def _radius(n: int, largest: int) -> float:
    return round(6 + 22 * math.sqrt(n / largest), 1) if largest else 6.0


def unit_features(units: pd.DataFrame, programme: Programme, *, lang: str = "zh") -> dict[str, Any]:
    """GeoJSON points of ``units`` (rows of ``geo.rollup.units_from_store``) at their places' centres.

    Properties: code, t (tooltip text), n (compounds), p (% completed or None), r (radius px), c (colour).
    Units without a known centre are left out.
    """
    largest = int(units["compounds"].max()) if len(units) else 0
    features = []
    for row in units.to_dict(orient="records"):
        place = programme.get_place(str(row["name"]))
        if place is None or place.lon is None or place.lat is None:
            continue
        pct = row["pct_completed"]
        pct = None if pct is None or pct != pct else float(pct)
        text = t("map.tip.unit", lang, name=place.label(lang), n=int(row["compounds"]), done=int(row["fyp14_completed"]),
                 fyp14=int(row["fyp14"]), pct="—" if pct is None else f"{pct:.1f}%")
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                         "properties": {"code": place.code, "t": text, "n": int(row["compounds"]), "p": pct,
                                        "r": _radius(int(row["compounds"]), largest), "c": progress_color(pct)}})
    return {"type": "FeatureCollection", "features": features}


def units_group(units: pd.DataFrame, programme: Programme, *, lang: str = "zh") -> folium.FeatureGroup:
    """The units' totals as one layer in a FeatureGroup (``feature_group_to_add``)."""
    group = folium.FeatureGroup(name=t("map.layer.units", lang), control=False)
    folium.GeoJson(unit_features(units, programme, lang=lang), name=t("map.layer.units", lang),
                   point_to_layer=JsCode(_UNIT_POINT.replace("__INK__", colors.INK)), on_each_feature=JsCode(_TIP)).add_to(group)
    return group


def viewport_group(compounds: gpd.GeoDataFrame, as_of: AsOfLike, programme: Programme, *,
                   options: MapOptions = _DEFAULT) -> folium.FeatureGroup:
    """The viewport's compounds (at most ``MAX_DOTS``) as status dots in a FeatureGroup."""
    shown = compounds.iloc[:MAX_DOTS]
    data = features_from_compounds(shown, as_of, programme=programme, lang=options.lang, popups=False,
                                   anonymous=options.anonymous)
    group = folium.FeatureGroup(name=t("map.layer.viewport", options.lang), control=False)
    point = JsCode(_DOT_POINT.replace("__COLORS__", json.dumps(colors.STATUS)))
    folium.GeoJson(data, name=t("map.layer.viewport", options.lang), point_to_layer=point,
                   on_each_feature=None if options.anonymous else JsCode(_TIP)).add_to(group)
    return group


def rollup_map(programme: Programme, place: str | None = None, *, options: MapOptions = _DEFAULT) -> folium.Map:
    """The base map of a place: fitted to the centres of the places below it (no data layers)."""
    code = place or programme.place
    spots = [(p.lat, p.lon) for p in programme.places
             if p.lat is not None and p.lon is not None and code in {x.code for x in programme.lineage(p.code)}]
    if not spots:
        spots = [(30.66, 104.06)]
    lats, lons = [s[0] for s in spots], [s[1] for s in spots]
    s = options.resolved_settings()
    fmap = offline_map(location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2],
                       zoom_start=options.zoom_start, asset_base=s.asset_base, zoom_control=options.zoom_control)
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    return fmap


_DARK_CSS = """<style>html, body { height: 100%; margin: 0; overflow: hidden; }
.leaflet-container { background: #0b1622 !important; }
.leaflet-container path.leaflet-interactive { stroke: #e8f1fa; stroke-width: 1.5px; }
.leaflet-tooltip { background: #10263b; color: #e8f1fa; border-color: #1f4a6e; }
.leaflet-tooltip.qy-unit-label { background: rgba(6,16,26,.7); border: 0; box-shadow: none; color: #ffffff;
  font-size: 15px; font-weight: 700; padding: 1px 6px; }
.leaflet-tooltip.qy-unit-label::before { display: none; }</style>"""


class _FillFrame(MacroElement):
    """The map fills its iframe's window and keeps its size when the window changes (a screen page);
    on a screen wider than 1920 px it is drawn as at 1920 px and scaled up (circles and labels grow with it)."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "(function (map) { var el = map.getContainer(), k = 1;\n"
        "  try { k = Math.max(1, ((window.top && window.top.innerWidth) || window.innerWidth) / 1920); }\n"
        "  catch (e) { k = Math.max(1, window.innerWidth / 1920); }\n"
        "  el.style.zoom = k; el.style.height = (100 / k) + 'vh'; el.style.width = (100 / k) + 'vw';\n"
        "  map.invalidateSize(false);\n"
        "  if (window.ResizeObserver) { new ResizeObserver(function () { map.invalidateSize(false); }).observe(el); }\n"
        "})({{ this._parent.get_name() }});\n"
        "{% endmacro %}"
    )


def dark_background(fmap: folium.Map) -> folium.Map:
    """Make a roll-up map the exhibition screen's: dark background under the circles (no basemap),
    light rings, and the map filling its frame."""
    add_to_head(fmap, _DARK_CSS, "qy_rollup_dark")
    _FillFrame().add_to(fmap)
    return fmap


_LABEL_POINT = """function (f, ll) {
  var m = L.circleMarker(ll, {radius: 0, opacity: 0, fillOpacity: 0, interactive: false});
  var d = document.createElement('div'); d.textContent = f.properties.l;
  m.bindTooltip(d, {permanent: true, direction: 'center', className: 'qy-unit-label', offset: [0, 0]});
  return m; }"""


def unit_labels_group(units: pd.DataFrame, programme: Programme, *, lang: str = "zh") -> folium.FeatureGroup:
    """Each unit's name and % completed written on the map (a screen has no pointer to hover with),
    set as text in the browser."""
    data = unit_features(units, programme, lang=lang)
    for feature in data["features"]:
        props = feature["properties"]
        place = programme.get_place(props["code"])
        pct = "—" if props["p"] is None else f"{props['p']:.0f}%"
        feature["properties"] = {"l": f"{place.label(lang) if place else props['code']} {pct}"}
    group = folium.FeatureGroup(name=t("map.layer.units", lang), control=False)
    folium.GeoJson(data, name=t("map.layer.units", lang), point_to_layer=JsCode(_LABEL_POINT)).add_to(group)
    return group
