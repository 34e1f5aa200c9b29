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
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from folium.utilities import JsCode

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


_DARK_CSS = """<style>.leaflet-container { background: #0b1622 !important; }
.leaflet-tooltip { background: #10263b; color: #e8f1fa; border-color: #1f4a6e; }</style>"""


def dark_background(fmap: folium.Map) -> folium.Map:
    """Give a roll-up map the exhibition screen's dark background (no basemap under the circles)."""
    add_to_head(fmap, _DARK_CSS, "qy_rollup_dark")
    return fmap
