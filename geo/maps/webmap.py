"""The map builder: folium maps of the renovation programme, offline by default.

Pure (no Streamlit). Every page draws its map with :func:`map_from_dataset`; the
screen's rotating highlight and the explorer's selection are separate small
``folium.FeatureGroup`` s (:func:`area_highlight_group`, :func:`selection_group`)
that ``st_folium(..., feature_group_to_add=...)`` swaps without reloading the map.

API
---
``map_from_dataset(ds, *, as_of=None, compounds=None, highlight_ids=(), options=MapOptions())``
    -> ``folium.Map`` built on :func:`geo.maps.offline.offline_map` (Leaflet from
    ``settings.asset_base``). Layers (keys of ``MapOptions.layers``): ``district``,
    ``subdistricts`` (the programme's key ones emphasised), ``areas`` (optionally coloured by
    ``MapOptions.area_values`` = % done and labelled), ``greenways`` (completed by
    ``as_of``, styled by level), ``compounds`` (one GeoJSON layer of canvas circle
    markers coloured by the status derived for ``as_of``; ``compounds`` may be a
    filtered frame, default all), ``elevators`` and ``ev_chargers`` (additions by
    ``as_of``, one dot per compound sized by count), ``selected`` (the compounds
    in ``highlight_ids``, drawn on top). Layer control + legend; tooltips in
    ``MapOptions.lang``; popups with the compound's record (``popups=True``).
``MapOptions``: ``lang``, ``basemap`` (``none`` | ``tianditu`` | ``amap`` | ``osm``),
    ``theme`` (``light`` | ``dark``), ``layers``, ``area_values``, ``area_labels``,
    ``highlight_area``, ``popups``, ``tooltips``, ``legend``, ``layer_control``,
    ``point_radius``, ``zoom_control``, ``zoom_start``.
``available_basemaps(settings)`` -> the basemap keys usable with these settings.
``area_highlight_group(ds, area, *, options)`` / ``selection_group(ds, ids, *, options)``
    -> small FeatureGroups for ``feature_group_to_add``.
``clicked_compound_id(returned, compounds)`` -> the compound id behind an
    ``st_folium`` click (from the tooltip text, else the nearest point).
``features_from_compounds(compounds, as_of, *, programme, lang, popups)`` -> the GeoJSON dict
    the compounds layer draws (testable, cacheable).

Styling is done in JavaScript from each feature's properties (``style`` /
``pointToLayer`` as ``JsCode``), never with folium's Python ``style_function``,
which writes one JS ``case`` per feature (browser cost grows with N²).
Tooltips and popups are bound once per layer with a function, not per feature.
The map container gets ``data-qy-<layer>="<feature count>"`` attributes once
drawn, so tests and benchmarks can check canvas layers without pixel reading.

CRS: data are WGS-84 (EPSG:4326). With the AMap basemap (GCJ-02) every layer is
shifted to GCJ-02 with :mod:`geo.crs` so it lines up; Tianditu (CGCS2000) and
OpenStreetMap use WGS-84 as is.
"""
from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from geo import asof, colors, fonts, schema
from geo.asof import AsOfLike
from geo.crs import convert_geoseries
from geo.dataset import Dataset
from geo.formatting import number
from geo.i18n import t, vocab
from geo.maps import coarse, points
from geo.maps.offline import add_to_head, offline_map
from geo.programme import Programme
from geo.settings import Settings, get_settings

BASEMAPS: tuple[str, ...] = ("none", "tianditu", "amap", "osm")
LAYERS: tuple[str, ...] = (
    "district", "subdistricts", "areas", "greenways", "compounds", "elevators", "ev_chargers",
)
THEMES: dict[str, dict[str, str]] = {
    "light": {"bg": "#eef1f4", "district": "#1f2d3d", "sub": "#8a96a3", "key_sub": "#c0392b",
              "area": "#2c6fbb", "area_fill": "#2c6fbb", "text": "#1f2d3d", "panel": "rgba(255,255,255,.92)",
              "hl": colors.HIGHLIGHT, "dot_stroke": "#ffffff"},
    "dark": {"bg": "#0b1622", "district": "#7fd3ff", "sub": "#3f5870", "key_sub": "#ffb74d",
             "area": "#4fc3f7", "area_fill": "#4fc3f7", "text": "#e8f1fa", "panel": "rgba(10,22,34,.85)",
             "hl": "#ffd54f", "dot_stroke": "#0b1622"},
}
GREENWAY_STYLE = {"tianfu": {"color": colors.GREENWAY["tianfu"], "weight": 4},
                  "community": {"color": colors.GREENWAY["community"], "weight": 2.5, "dashArray": "6 4"}}
_DECIMALS = points.DECIMALS  # ~0.1 m: coordinates are rounded in the GeoJSON sent to the browser


class MapError(ValueError):
    """A basemap or option that cannot be used; the message says what would work."""


@dataclass(frozen=True)
class MapOptions:
    """How a map looks: language, basemap, theme, which layers, highlights."""

    lang: str = "zh"
    basemap: str = "none"
    theme: str = "light"
    layers: tuple[str, ...] = LAYERS
    area_values: Mapping[str, float] | None = None  # area name -> % completed (colours the areas)
    area_labels: bool = False  # permanent area name (+ %) labels
    highlight_area: str | None = None  # drawn emphasised in the base map
    popups: bool = True  # compound record on click (False on the public screen)
    # public screen: one dot per ~200 m cell with a count and a status, away from every compound
    # (geo.maps.coarse); no id, name, record, exact position, additions or selection
    anonymous: bool = False
    tooltips: bool = True
    legend: bool = True
    legend_position: str = "topright"  # Leaflet control corner
    layer_control: bool = True
    point_radius: float = 4.0
    mute_statuses: tuple[str, ...] = ()  # drawn smaller and faint (e.g. not_old on the screen)
    zoom_control: bool = True
    zoom_start: int = 13
    fit: str = "district"  # initial view: "district" or "areas" (the renovation areas)
    fill_frame: bool = False  # map fills its (iframe) window and refits on resize; dots scale with screen width
    show_layers: tuple[str, ...] = ("district", "subdistricts", "areas", "greenways", "compounds")
    settings: Settings | None = field(default=None, compare=False)

    def resolved_settings(self) -> Settings:
        """The settings to use (given, else read from the environment)."""
        return self.settings or get_settings()


# --- GeoJSON helpers ---------------------------------------------------------------------
def _shift(frame: gpd.GeoDataFrame, basemap: str) -> gpd.GeoSeries:
    """Geometries in the basemap's datum: GCJ-02 for AMap, WGS-84 otherwise."""
    geoms = frame.geometry
    return convert_geoseries(geoms, "wgs84", "gcj02") if basemap == "amap" else geoms


def _geometry_dicts(geoms: gpd.GeoSeries) -> list[dict[str, Any]]:
    """Shapely geometries -> GeoJSON geometry dicts, coordinates rounded to 1e-6°."""
    rounded = shapely.set_precision(np.asarray(geoms.values), 10.0 ** -_DECIMALS)
    return [json.loads(s) for s in shapely.to_geojson(rounded)]


def _collection(geoms: gpd.GeoSeries, props: list[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of ``geoms`` with ``props`` (same length)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": g, "properties": p} for g, p in zip(_geometry_dicts(geoms), props)
    ]}


def _point_collection(lon: np.ndarray, lat: np.ndarray, props: list[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of points (fast path: no shapely round trip)."""
    lon, lat = np.round(lon, _DECIMALS).tolist(), np.round(lat, _DECIMALS).tolist()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]}, "properties": p}
        for x, y, p in zip(lon, lat, props)
    ]}


def _lonlat(frame: gpd.GeoDataFrame, basemap: str) -> tuple[np.ndarray, np.ndarray]:
    """Point coordinates (representative point for other shapes) in the basemap's datum."""
    geoms = _shift(frame, basemap)
    pts = geoms if bool((geoms.geom_type == "Point").all()) else geoms.representative_point()
    return np.asarray(pts.x, dtype=float), np.asarray(pts.y, dtype=float)


def _date_text(values: pd.Series) -> list[str]:
    """Dates as YYYY-MM-DD text ('' for none)."""
    return [d.strftime("%Y-%m-%d") if not pd.isna(d) else "" for d in values]


def features_from_compounds(compounds: gpd.GeoDataFrame, as_of: AsOfLike = None, *, programme: Programme,
                            lang: str = "zh", popups: bool = True, basemap: str = "none",
                            anonymous: bool = False) -> dict[str, Any]:
    """GeoJSON of compounds with short properties: id, n (name), s (status on ``as_of``).

    With ``popups`` also sd/a (subdistrict/area, in ``lang``, named by ``programme``), b (batch), y (year built),
    hh (households), bl (buildings), pf/af (planned/actual finish; af blank when it is
    after ``as_of``). ``anonymous``: not one dot per compound but per grid cell
    (``geo.maps.coarse``), with only s (the cell's status) and n (compounds in it), at a
    point no compound is near. WGS-84, or GCJ-02 when ``basemap`` is ``amap``.
    """
    status = asof.derive_status(compounds, as_of).tolist()
    if anonymous:
        dots = coarse.coarse_points(compounds, status, prefer=schema.PROGRAMME_STATUSES).dots
        lon, lat = _lonlat(dots, basemap)
        return _point_collection(lon, lat, [{"s": s, "n": int(n)} for s, n in zip(dots["s"], dots["n"])])
    lon, lat = _lonlat(compounds, basemap)
    cols = {"id": compounds["compound_id"].astype(str).tolist(), "n": compounds["name"].astype(str).tolist(),
            "s": status}
    if popups:
        cols |= {
            "sd": [vocab("subdistrict", v, lang, programme) if isinstance(v, str) else "" for v in compounds["subdistrict"]],
            "a": [vocab("area", v, lang, programme) if isinstance(v, str) and v else "" for v in compounds["area"]],
            "b": [vocab("batch", v, lang) if isinstance(v, str) and v else "" for v in compounds["batch"]],
            "y": compounds["year_built"].fillna(0).astype(int).tolist(),
            "hh": compounds["households"].fillna(0).astype(int).tolist(),
            "bl": compounds["buildings"].fillna(0).astype(int).tolist(),
            "pf": _date_text(compounds["plan_finish"]),
            "af": _date_text(asof.known_on(compounds[["actual_finish"]], as_of)["actual_finish"]),
        }
    keys = list(cols)
    props = [dict(zip(keys, row)) for row in zip(*cols.values())]
    return _point_collection(lon, lat, props)


def _elevator_points(ds: Dataset, compounds: gpd.GeoDataFrame, as_of: AsOfLike) -> pd.DataFrame:
    """Per compound: elevators added by ``as_of`` (completed + under construction)."""
    stage = asof.elevator_stage(ds.elevators, as_of)
    added = ds.elevators[stage != "planned"].assign(done=(stage[stage != "planned"] == "completed"))
    per = added.groupby("compound_id").agg(n=("elevator_id", "size"), done=("done", "sum")).reset_index()
    return per[per["compound_id"].isin(set(compounds["compound_id"]))]


def _charger_points(ds: Dataset, compounds: gpd.GeoDataFrame, as_of: AsOfLike) -> pd.DataFrame:
    """Per compound: EV chargers installed by ``as_of`` (sum of quantities)."""
    done = ds.works[asof.chargers_installed(ds.works, as_of)]
    per = done.groupby("compound_id")["quantity"].sum().rename("n").reset_index()
    return per[per["compound_id"].isin(set(compounds["compound_id"]))]


def _addition_features(per: pd.DataFrame, compounds: gpd.GeoDataFrame, text: list[str],
                       basemap: str) -> dict[str, Any]:
    """Points at the compounds in ``per`` with n (count) and t (tooltip text)."""
    located = compounds.set_index("compound_id").loc[per["compound_id"]]
    lon, lat = _lonlat(gpd.GeoDataFrame(located, geometry="geometry", crs=compounds.crs), basemap)
    props = [{"n": int(n), "t": tip} if tip else {"n": int(n)} for n, tip in zip(per["n"], text)]
    return _point_collection(lon, lat, props)


# --- small JS elements ------------------------------------------------------------------------
def _map_of(element: Any) -> folium.Map | None:
    """The folium.Map an element hangs under (None if not attached yet)."""
    node = element
    while node is not None and not isinstance(node, folium.Map):
        node = getattr(node, "_parent", None)
    return node


class _LayerScript(MacroElement):
    """JS run once after its parent layer exists: ``layer`` is the parent, ``map`` the map."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "(function (layer, map) {\n{{ this.code }}\n})"
        "({{ this._parent.get_name() }}, {{ this.map_name() }});\n"
        "{% endmacro %}"
    )

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "LayerScript"
        self.code = code

    def map_name(self) -> str:
        """JS name of the map (resolved at render time: streamlit-folium renames it)."""
        fmap = _map_of(self)
        return fmap.get_name() if fmap is not None else "null"


#: Text of a feature's tooltip as a DOM node (streamlit-folium reads its innerText on click).
_TIP_FN = """function (l) {
  var p = l.feature ? l.feature.properties : {}; var d = document.createElement('div');
  d.textContent = p.t || ''; return d; }"""


def _bind_tooltip(layer: folium.GeoJson, fn: str = _TIP_FN, sticky: bool = True) -> None:
    """Bind one tooltip function to the whole layer (not one tooltip per feature)."""
    _LayerScript(f"layer.bindTooltip({fn}, {{sticky: {str(sticky).lower()}, className: 'qy-tip'}});").add_to(layer)


def _count_attr(layer: folium.GeoJson, key: str, *, sum_of: str | None = None) -> None:
    """Record the layer's feature count on the map container (data-qy-<key>); ``sum_of``: the sum of that
    property instead (coarse dots: the compounds they stand for), and the feature count as data-qy-dots."""
    count = "layer.getLayers().length"
    total = (f"layer.getLayers().reduce(function (a, l) {{ return a + (l.feature.properties.{sum_of} || 0); }}, 0)"
             if sum_of else count)
    dots = f" map.getContainer().setAttribute('data-qy-dots', String({count}));" if sum_of else ""
    _LayerScript(
        f"if (map) {{ map.getContainer().setAttribute('data-qy-{key}', String({total}));{dots} }}"
    ).add_to(layer)


def _geojson(data: dict[str, Any], name: str, *, style: str | None = None, point: str | None = None,
             each: str | None = None, show: bool = True, control: bool = True,
             canvas: bool = False) -> folium.GeoJson:
    """A folium GeoJson styled in JS (``style``/``pointToLayer`` are JS function sources);
    ``canvas``: its shapes drawn on the shared canvas (``SHARED_CANVAS_JS``), under the dots.

    A point collection is embedded as compact columns (``geo.maps.points``), ~3x smaller.
    """
    kwargs: dict[str, Any] = {"renderer": JsCode(SHARED_CANVAS_JS)} if canvas else {}
    if style:
        kwargs["style"] = JsCode(style)
    if point:
        kwargs["point_to_layer"] = JsCode(point)
    compact = points.is_point_collection(data)
    empty = {"type": "FeatureCollection", "features": []}  # a new one each time: folium keeps it
    layer = folium.GeoJson(empty if compact else data, name=name, show=show, control=control,
                           on_each_feature=JsCode(each) if each else None, **kwargs)
    if compact:  # points go as compact columns (geo.maps.points), added before any other layer script
        _LayerScript(f"layer.addData({points.decode_js(data)});").add_to(layer)
    return layer


# --- layers -------------------------------------------------------------------------------------
def _district_layer(ds: Dataset, o: MapOptions) -> folium.GeoJson:
    c = THEMES[o.theme]
    name = t("map.layer.district", o.lang)
    data = _collection(_shift(ds.district, o.basemap), [{"t": ds.programme.full_name(o.lang)}])
    style = f"function (f) {{ return {{color: '{c['district']}', weight: 3, fill: false, interactive: false}}; }}"
    return _geojson(data, name, style=style, show="district" in o.show_layers)


def _dots_on_top(o: MapOptions) -> bool:
    """Whether the shapes go on the dots' shared canvas (under the dots, which then get the pointer):
    yes, unless the areas are coloured by progress, where the colour is the message and covers the dots."""
    return o.area_values is None


def _subdistrict_layer(ds: Dataset, o: MapOptions) -> folium.GeoJson:
    c = THEMES[o.theme]
    key_tag = t("map.key_subdistrict", o.lang)
    subs = ds.subdistricts
    keys = subs["name"].isin(ds.programme.key_subdistricts)
    props = [{"t": vocab("subdistrict", n, o.lang, ds.programme) + (f" · {key_tag}" if k else ""), "k": int(bool(k))}
             for n, k in zip(subs["name"], keys)]
    style = (f"function (f) {{ var k = f.properties.k; return {{color: k ? '{c['key_sub']}' : '{c['sub']}',"
             f" weight: k ? 2.5 : 1, dashArray: k ? null : '4 3', fillColor: '{c['key_sub']}',"
             f" fillOpacity: k ? 0.06 : 0}}; }}")
    layer = _geojson(_collection(_shift(subs, o.basemap), props),
                     t("map.layer.subdistricts", o.lang), style=style, show="subdistricts" in o.show_layers, canvas=_dots_on_top(o))
    if o.tooltips:
        _bind_tooltip(layer)
    return layer


def progress_color(pct: float | None) -> str:
    """Fill colour for an area's % completed (0-100) on ``colors.PROGRESS_RAMP``; ``colors.NO_DATA`` if None."""
    ramp = colors.PROGRESS_RAMP
    if pct is None or (isinstance(pct, float) and math.isnan(pct)):
        return colors.NO_DATA
    step = min(int(max(pct, 0.0) / 100.0 * (len(ramp) - 1) + 0.5), len(ramp) - 1)
    return ramp[step]


def _label_points(frame: gpd.GeoDataFrame, basemap: str) -> list[tuple[float, float]]:
    """A point inside each polygon (lon, lat) for its label, in the basemap's datum."""
    pts = _shift(frame, basemap).representative_point()
    return [(round(float(p.x), _DECIMALS), round(float(p.y), _DECIMALS)) for p in pts]


#: Permanent labels at explicit points (lx/ly properties): Leaflet's layer.getCenter()
#: misplaces them when the map is resized or refitted while loading.
_LABELS_JS = """var tips = [];
layer.eachLayer(function (l) { var p = l.feature && l.feature.properties;
  if (p && p.lx !== undefined) { tips.push(L.tooltip({permanent: true, direction: 'center', interactive: false,
    className: '__CLASS__'}).setLatLng([p.ly, p.lx]).setContent(p.t)); } });
tips.forEach(function (tip) { layer.addLayer(tip); });
var relayout = function () { tips.forEach(function (tip) { if (tip._map) { tip.update(); } }); };
// Follow the map only while on it: a swapped-out layer (the screen's highlight) leaves no listener behind.
var follow = function (on) { if (map) { map[on ? 'on' : 'off']('resize zoomend viewreset', relayout); } };
layer.on('add', function () { follow(true); }); layer.on('remove', function () { follow(false); });
if (layer._map) { follow(true); }
// streamlit-folium adds leaflet.css without waiting for it: a label placed before the CSS
// applies is measured as wide as the map and shifted by half its width. Re-place once it has.
var whenStyled = function (tries) {
  var el = tips.length && tips[0].getElement ? tips[0].getElement() : null;
  if (el && window.getComputedStyle(el).position !== 'absolute' && tries > 0) {
    setTimeout(function () { whenStyled(tries - 1); }, 50); return; }
  relayout(); };
setTimeout(function () { whenStyled(200); }, 0);"""


def _add_labels(layer: folium.GeoJson, css_class: str = "qy-area-label") -> None:
    _LayerScript(_LABELS_JS.replace("__CLASS__", css_class)).add_to(layer)


def _area_props(ds: Dataset, o: MapOptions) -> list[dict[str, Any]]:
    props = []
    for name, (lx, ly) in zip(ds.areas["name"], _label_points(ds.areas, o.basemap)):
        label = vocab("area", name, o.lang, ds.programme)
        pct = None if o.area_values is None else o.area_values.get(name)
        text = label if pct is None else f"{label} {number(pct, unit='%')}"
        props.append({"t": text, "fc": progress_color(pct) if o.area_values is not None else "",
                      "h": int(name == o.highlight_area), "lx": lx, "ly": ly})
    return props


def _area_layer(ds: Dataset, o: MapOptions) -> folium.GeoJson:
    c = THEMES[o.theme]
    style = (f"function (f) {{ var p = f.properties; return {{color: p.h ? '{c['hl']}' : '{c['area']}',"
             f" weight: p.h ? 4 : 2, fillColor: p.fc || '{c['area_fill']}',"
             f" fillOpacity: p.fc ? 0.75 : (p.h ? 0.3 : 0.12)}}; }}")
    layer = _geojson(_collection(_shift(ds.areas, o.basemap), _area_props(ds, o)),
                     t("map.layer.areas", o.lang), style=style, show="areas" in o.show_layers, canvas=_dots_on_top(o))
    if o.area_labels:
        _add_labels(layer)
    elif o.tooltips:
        _bind_tooltip(layer)
    return layer


def _completed_greenways(greenways: gpd.GeoDataFrame, as_of: AsOfLike) -> gpd.GeoDataFrame:
    """Greenways completed by ``as_of`` (an empty layer without the columns gives none)."""
    if greenways.empty or "completed_date" not in greenways.columns:
        return greenways.iloc[0:0].assign(name=[], level=[], length_km=[])
    return greenways[asof.greenways_completed(greenways, as_of)]


def _greenway_layer(ds: Dataset, as_of: AsOfLike, o: MapOptions) -> folium.GeoJson:
    g = _completed_greenways(ds.greenways, as_of)
    props = [{"lv": lv, "t": f"{nm} · {vocab('greenway_level', lv, o.lang)} · {number(km, 1, unit=t('unit.km', o.lang))}"}
             for nm, lv, km in zip(g["name"], g["level"], g["length_km"])]
    styles = json.dumps(GREENWAY_STYLE)
    style = f"function (f) {{ var s = ({styles})[f.properties.lv] || {{}}; return Object.assign({{opacity: 0.9}}, s); }}"
    layer = _geojson(_collection(_shift(g, o.basemap), props), t("map.layer.greenways", o.lang),
                     style=style, show="greenways" in o.show_layers, canvas=_dots_on_top(o))
    if o.tooltips:
        _bind_tooltip(layer)
    _count_attr(layer, "greenways")
    return layer


def _status_js(o: MapOptions) -> str:
    """JS object literal: status key -> {c: colour, l: label in the map's language}."""
    table = {s: {"c": colors.STATUS[s], "l": vocab("status", s, o.lang)} for s in schema.STATUSES}
    return json.dumps(table, ensure_ascii=False)


def _compound_tip_fn(o: MapOptions) -> str:
    """Tooltip: name, id and status (the id lets a click be traced back to the compound)."""
    return f"""function (l) {{
  var S = {_status_js(o)}; var p = l.feature.properties; var d = document.createElement('div');
  var b = document.createElement('b'); b.textContent = p.n; d.appendChild(b);
  d.appendChild(document.createTextNode(' ' + p.id));
  var s = document.createElement('div'); s.textContent = (S[p.s] || {{}}).l || p.s; d.appendChild(s);
  return d; }}"""


def _compound_popup_fn(o: MapOptions) -> str:
    """Popup: the compound's record as a small two-column table."""
    rows = [("id", "field.compound_id"), ("s", "field.status"), ("sd", "field.subdistrict"), ("a", "field.area"),
            ("b", "field.batch"), ("y", "field.year_built"), ("bl", "field.buildings"), ("hh", "field.households"),
            ("pf", "field.plan_finish"), ("af", "field.actual_finish")]
    labels = json.dumps([[k, t(key, o.lang)] for k, key in rows], ensure_ascii=False)
    return f"""function (l) {{
  var S = {_status_js(o)}; var R = {labels}; var p = l.feature.properties;
  var d = document.createElement('div'); d.className = 'qy-popup';
  var h = document.createElement('div'); h.className = 'qy-popup-title'; h.textContent = p.n; d.appendChild(h);
  var tb = document.createElement('table');
  R.forEach(function (r) {{
    var v = r[0] === 's' ? ((S[p.s] || {{}}).l || p.s) : p[r[0]];
    if (v === undefined || v === '' || v === 0) {{ return; }}
    var tr = tb.insertRow(); tr.insertCell().textContent = r[1]; tr.insertCell().textContent = v; }});
  d.appendChild(tb); return d; }}"""


def _compound_style_js(o: MapOptions, radius: float, selected: bool = False) -> str:
    c = THEMES[o.theme]
    fills, muted = json.dumps(colors.STATUS), json.dumps({s: 1 for s in o.mute_statuses})
    stroke, weight = (c["hl"], 3) if selected else (c["dot_stroke"], 0.6)
    return (f"function (f) {{ var m = !{int(selected)} && ({muted})[f.properties.s];"
            f" var k = (window.qyK || 1) * (f.properties.n ? 1 + Math.log2(f.properties.n) / 3 : 1);"
            f" return {{radius: k * (m ? {radius * 0.6:.2f} : {radius}), color: '{stroke}', weight: m ? 0 : {weight},"
            f" opacity: 1, fillColor: ({fills})[f.properties.s] || '#999', fillOpacity: m ? 0.45 : 0.92}}; }}")


#: One canvas renderer per map window for the compound dots and the hoverable shapes under them
#: (subdistricts, areas, greenways). Leaflet stacks every SVG above every canvas, so an SVG area
#: would take the pointer from the dots on it; on one canvas the last drawn wins, the dot.
SHARED_CANVAS_JS = "(window.qyCanvas || (window.qyCanvas = L.canvas({padding: 0.3})))"
#: Compound dots on the shared canvas (thousands of points stay fast).
_CANVAS_POINT = f"function (f, ll) {{ return L.circleMarker(ll, {{renderer: {SHARED_CANVAS_JS}}}); }}"
_SVG_POINT = "function (f, ll) { return L.circleMarker(ll); }"


def _compound_layer(data: dict[str, Any], o: MapOptions, *, name: str, selected: bool = False,
                    count_key: str = "compounds") -> folium.GeoJson:
    """Compound dots coloured by status (canvas); ``selected``: emphasised SVG dots on top."""
    radius = o.point_radius * (1.8 if selected else 1.0)
    o = dataclasses.replace(o, tooltips=False, popups=False) if o.anonymous else o
    layer = _geojson(data, name, style=_compound_style_js(o, radius, selected),
                     point=_SVG_POINT if selected else _CANVAS_POINT,
                     show=selected or "compounds" in o.show_layers)
    if o.tooltips:
        _bind_tooltip(layer, _compound_tip_fn(o))
    if o.popups:
        _LayerScript(f"layer.bindPopup({_compound_popup_fn(o)}, {{maxWidth: 360}});").add_to(layer)
    _count_attr(layer, count_key, sum_of="n" if o.anonymous else None)
    return layer


def _addition_layer(data: dict[str, Any], o: MapOptions, *, name: str, color: str, key: str) -> folium.GeoJson:
    """Elevator / charger additions: one dot per compound, radius grows with the count."""
    base = o.point_radius
    style = (f"function (f) {{ return {{radius: {base} + 1.6 * Math.sqrt(f.properties.n), color: '{color}',"
             f" weight: 1.5, opacity: 0.95, fillColor: '{color}', fillOpacity: 0.35}}; }}")
    layer = _geojson(data, name, style=style, point=_CANVAS_POINT, show=key in o.show_layers)
    if o.tooltips:
        _bind_tooltip(layer)
    _count_attr(layer, key)
    return layer


def _additions(ds: Dataset, compounds: gpd.GeoDataFrame, as_of: AsOfLike, o: MapOptions) -> list[folium.GeoJson]:
    """Elevator and charger layers (none on an anonymous map: they sit on the compounds)."""
    if o.anonymous:
        return []
    names = dict(zip(compounds["compound_id"], compounds["name"]))
    out = []
    if "elevators" in o.layers:
        per = _elevator_points(ds, compounds, as_of)
        text = [t("map.tip.elevators", o.lang, name=names[c], n=int(n), done=int(d)) if names[c] else ""
                for c, n, d in zip(per["compound_id"], per["n"], per["done"])]
        out.append(_addition_layer(_addition_features(per, compounds, text, o.basemap), o,
                                   name=t("map.layer.elevators", o.lang), color=colors.ELEVATOR, key="elevators"))
    if "ev_chargers" in o.layers:
        per = _charger_points(ds, compounds, as_of)
        text = [t("map.tip.ev_chargers", o.lang, name=names[c], n=int(n)) if names[c] else ""
                for c, n in zip(per["compound_id"], per["n"])]
        out.append(_addition_layer(_addition_features(per, compounds, text, o.basemap), o,
                                   name=t("map.layer.ev_chargers", o.lang), color=colors.EV_CHARGER, key="ev_chargers"))
    return out


# --- basemaps ----------------------------------------------------------------------------------
_TIANDITU = "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
_AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def available_basemaps(settings: Settings | None = None) -> tuple[str, ...]:
    """Basemap keys usable with ``settings``: none and OSM always, Tianditu with a key, AMap."""
    s = settings or get_settings()
    return tuple(b for b in BASEMAPS if b != "tianditu" or s.tianditu_key)


def basemap_attribution(basemap: str, lang: str = "zh", settings: Settings | None = None) -> str:
    """Attribution text of a basemap, with its 审图号 where configured ('' for none)."""
    s = settings or get_settings()
    review = {"tianditu": s.tianditu_review_no, "amap": s.amap_review_no}.get(basemap, "")
    text = {"none": "", "tianditu": t("map.attr.tianditu", lang), "amap": t("map.attr.amap", lang),
            "osm": t("map.attr.osm", lang)}[basemap]
    return f"{text} · {t('map.review_no', lang, no=review)}" if review else text


def _check_basemap(basemap: str, lang: str, settings: Settings) -> None:
    if basemap not in BASEMAPS:
        raise MapError(t("map.error.basemap", lang, name=basemap, valid=", ".join(BASEMAPS)))
    if basemap == "tianditu" and not settings.tianditu_key:
        raise MapError(t("map.error.tianditu_key", lang))


def _add_basemap(fmap: folium.Map, o: MapOptions, s: Settings) -> None:
    """Tile layers for the chosen basemap (nothing for ``none``: vector layers are the base)."""
    attr = basemap_attribution(o.basemap, o.lang, s)
    name = t(f"map.basemap.{o.basemap}", o.lang)
    if o.basemap == "tianditu":
        for layer, overlay in (("vec", False), ("cva", True)):
            folium.TileLayer(_TIANDITU.replace("{layer}", layer).replace("{key}", s.tianditu_key),
                             attr=attr, name=name if not overlay else f"{name} · {t('map.labels', o.lang)}",
                             subdomains="01234567", max_zoom=18, overlay=overlay, control=False).add_to(fmap)
    elif o.basemap == "amap":
        folium.TileLayer(_AMAP, attr=attr, name=name, subdomains="1234", max_zoom=18, control=False).add_to(fmap)
    elif o.basemap == "osm":
        folium.TileLayer(_OSM, attr=attr, name=name, max_zoom=19, control=False).add_to(fmap)


# --- legend, CSS, map --------------------------------------------------------------------------
def _swatch(color: str, label: str, shape: str = "dot") -> str:
    css = {"dot": f"background:{color};border-radius:50%;width:.8em;height:.8em",
           "line": f"background:{color};width:1.4em;height:.25em",
           "box": f"background:{color};width:1em;height:.8em;border-radius:2px",
           "outline": f"border:2.5px solid {color};width:1.1em;height:.7em;box-sizing:border-box",
           "dashed": f"border:1.5px dashed {color};width:1.1em;height:.7em;box-sizing:border-box",
           "area": f"border:2px solid {color};background:{color}33;width:1.1em;height:.7em;box-sizing:border-box"}[shape]
    return f'<div class="qy-row"><span class="qy-sw" style="{css}"></span>{escape(label)}</div>'


def _boundary_rows(o: MapOptions) -> list[str]:
    """Legend rows of the outlines drawn: the district, key and other subdistricts, the areas
    (the areas only when not coloured by progress: the ramp explains those)."""
    c, shown = THEMES[o.theme], [k for k in o.layers if k in o.show_layers]
    rows = []
    if "district" in shown:
        rows.append(_swatch(c["district"], t("map.layer.district", o.lang), "outline"))
    if "subdistricts" in shown:
        rows += [_swatch(c["key_sub"], t("map.legend.key_subdistricts", o.lang), "outline"),
                 _swatch(c["sub"], t("map.legend.subdistricts", o.lang), "dashed")]
    if "areas" in shown and o.area_values is None:
        rows.append(_swatch(c["area"], t("map.layer.areas", o.lang), "area"))
    return rows


def legend_html(o: MapOptions, statuses: Sequence[str] = schema.STATUSES, extra_rows: Sequence[str] = ()) -> str:
    """The legend's HTML: statuses, area progress ramp (if coloured), additions, greenways, the
    outlines (district, subdistricts with the key ones, areas) of the layers shown, then
    ``extra_rows`` (trusted HTML, e.g. of an extra layer; see :func:`legend_row`)."""
    rows = [f'<div class="qy-legend-title">{escape(t("map.legend.status", o.lang))}</div>']
    rows += [_swatch(colors.STATUS[s], vocab("status", s, o.lang)) for s in statuses]
    if o.anonymous and "compounds" in o.layers:
        note = t("map.coarse_note", o.lang, m=f"{coarse.CELL_M:.0f}")
        rows.append(f'<div class="qy-legend-note">{escape(note)}</div>')
    if o.area_values is not None and "areas" in o.layers:
        rows.append(f'<div class="qy-legend-title">{escape(t("map.legend.area_progress", o.lang))}</div>')
        boxes = "".join(f'<span class="qy-sw" style="background:{c}"></span>' for c in colors.PROGRESS_RAMP)
        rows.append(f'<div class="qy-ramp">0%&nbsp;{boxes}&nbsp;100%</div>')
    extra = [("elevators", colors.ELEVATOR, "map.layer.elevators", "dot"),
             ("ev_chargers", colors.EV_CHARGER, "map.layer.ev_chargers", "dot")]
    rows += [_swatch(color, t(key, o.lang), shape) for layer, color, key, shape in extra
             if layer in o.layers and layer in o.show_layers]
    if "greenways" in o.layers:
        rows += [_swatch(colors.GREENWAY[lv], vocab("greenway_level", lv, o.lang), "line")
                 for lv in schema.GREENWAY_LEVELS]
    rows += _boundary_rows(o)
    return '<div class="qy-legend">' + "".join([*rows, *extra_rows]) + "</div>"


def legend_row(color: str, label: str, shape: str = "dot") -> str:
    """One legend row (a swatch and its escaped label) for the ``extra_rows`` of :func:`legend_html`;
    ``shape``: dot, line, box or ring."""
    if shape == "ring":
        return (f'<div class="qy-row"><span class="qy-sw" style="border:2px solid {color};border-radius:50%;'
                f'width:.7em;height:.7em"></span>{escape(label)}</div>')
    return _swatch(color, label, shape)


def _add_legend(fmap: folium.Map, html: str, position: str = "topright") -> None:
    code = (f"var c = L.control({{position: '{position}'}});"
            " c.onAdd = function () {"
            " var d = L.DomUtil.create('div'); d.innerHTML = " + json.dumps(html, ensure_ascii=False) + ";"
            " L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };"
            " c.addTo(map);")
    _LayerScript(code).add_to(fmap)


_FILL_CSS = """.leaflet-tooltip.qy-area-label { font-size: clamp(13px, 1.3vw, 52px); }
.leaflet-tooltip.qy-area-label-hl { font-size: clamp(16px, 1.8vw, 72px); }
.qy-legend { font-size: clamp(12px, 1.05vw, 40px); }"""


def _css(o: MapOptions) -> str:
    c = THEMES[o.theme]
    return f"""<style>
.leaflet-container.leaflet-container {{ background: {c['bg']}; font-family: {fonts.css_font_family()}; }}
.qy-legend {{ background: {c['panel']}; color: {c['text']}; padding: .5em .7em; border-radius: 6px; font-size: 12px; line-height: 1.5; box-shadow: 0 1px 4px rgba(0,0,0,.25); }}
.qy-legend-title {{ font-weight: 700; margin-top: .2em; }}
.qy-legend-note {{ max-width: 13em; white-space: normal; opacity: .8; font-size: .9em; margin-top: .2em; }}
.qy-row {{ display: flex; align-items: center; gap: .45em; white-space: nowrap; }}
.qy-sw {{ display: inline-block; flex: none; }}
.leaflet-tooltip.qy-area-label {{ background: transparent; border: 0; box-shadow: none; color: {c['text']}; font-weight: 700; font-size: 13px; text-shadow: 0 0 3px {c['bg']}, 0 0 3px {c['bg']}; }}
.leaflet-tooltip.qy-area-label:before {{ display: none; }}
.leaflet-tooltip.qy-area-label-hl {{ color: {c['hl']}; font-size: 16px; }}
.qy-ramp {{ display: flex; align-items: center; gap: 2px; }}
.qy-ramp span.qy-sw {{ width: 1.1em; height: .8em; }}
.qy-popup-title {{ font-weight: 700; font-size: 14px; margin-bottom: .3em; }}
.qy-popup td {{ padding: 1px 6px 1px 0; vertical-align: top; }}
.qy-popup td:first-child {{ color: #666; white-space: nowrap; }}
{_FILL_CSS if o.fill_frame else ""}
</style>"""


#: Full-window map (the exhibition screen): fill the iframe, refit on resize, and set
#: window.qyK (screen width / 1920, at least 1) so dots grow on a 4K screen.
_FILL_FRAME_JS = """
try { window.qyK = Math.max(1, ((window.top && window.top.innerWidth) || window.innerWidth) / 1920); }
catch (e) { window.qyK = Math.max(1, window.innerWidth / 1920); }
var el = map.getContainer(), b = L.latLngBounds(__BOUNDS__);
el.style.height = '100vh'; el.style.width = '100%';
document.documentElement.style.overflow = 'hidden'; document.body.style.margin = '0';
var refit = function () {
  map.invalidateSize(false); map.fitBounds(b, {padding: [12, 12], animate: false});
  map.eachLayer(function (l) { if (l instanceof L.Tooltip && l._map) { l.update(); } });
};
if (window.ResizeObserver) { new ResizeObserver(refit).observe(el); } else { window.addEventListener('resize', refit); }
setTimeout(refit, 0);
"""


def _fit_padding(o: MapOptions) -> tuple[tuple[int, int], tuple[int, int]]:
    """fitBounds padding (px, top left and bottom right) that keeps the legend's side free when
    zoomed to the areas."""
    side = 170 if o.legend and o.fit == "areas" else 10
    left = o.legend_position.endswith("left")
    return (side if left else 10, 10), (10 if left else side, 10)


def _base_map(ds: Dataset, o: MapOptions, s: Settings) -> folium.Map:
    """An offline_map fitted to the district, with CSS, basemap and attribution."""
    minx, miny, maxx, maxy = _shift(ds.district, o.basemap).total_bounds
    view = _shift(ds.areas, o.basemap).total_bounds if o.fit == "areas" and not ds.areas.empty else None
    fmap = offline_map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=o.zoom_start,
                       asset_base=s.asset_base, zoom_control=o.zoom_control, zoom_snap=0.25,
                       attribution_control=True)
    add_to_head(fmap, _css(o), "qy_css")
    _add_basemap(fmap, o, s)
    if view is not None:
        minx, miny, maxx, maxy = view
    top_left, bottom_right = _fit_padding(o)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=top_left, padding_bottom_right=bottom_right)
    if o.fill_frame:
        _LayerScript(_FILL_FRAME_JS.replace("__BOUNDS__", json.dumps([[miny, minx], [maxy, maxx]]))).add_to(fmap)
    if s.map_review_no:  # bottom left, below the legend (the first control added to a bottom corner sits lowest)
        review = json.dumps(t("map.review_no", o.lang, no=s.map_review_no), ensure_ascii=False)
        _LayerScript(_REVIEW_NO_JS.replace("__TEXT__", review)).add_to(fmap)
    return fmap


#: The district map's 审图号 as a small Leaflet control at the bottom left (text set as text, never HTML).
_REVIEW_NO_JS = """var c = L.control({position: 'bottomleft'});
c.onAdd = function () { var d = L.DomUtil.create('div', 'qy-review-no leaflet-control'); d.textContent = __TEXT__;
  d.style.cssText = 'font-size:12px;padding:1px 6px;border-radius:3px;background:rgba(255,255,255,.8);color:#333;';
  return d; };
c.addTo(map);"""


def map_from_dataset(ds: Dataset, *, as_of: AsOfLike = None, compounds: gpd.GeoDataFrame | None = None,
                     highlight_ids: Collection[str] = (), options: MapOptions = MapOptions(),
                     extra_layers: Sequence[folium.GeoJson] = (), extra_legend: Sequence[str] = ()) -> folium.Map:
    """The programme map for ``as_of`` (None = today); see the module docstring for layers.

    ``compounds``: the (filtered) compounds to draw, default all of ``ds``;
    ``highlight_ids``: compound ids drawn emphasised on top (layer ``selected``);
    ``extra_layers``: more layers drawn on top and listed in the layer control (e.g.
    ``geo.maps.alerts.alert_layer``), with their ``extra_legend`` rows (:func:`legend_row`).
    Raises :class:`MapError` for an unknown or unconfigured basemap.
    """
    o, s = options, options.resolved_settings()
    _check_basemap(o.basemap, o.lang, s)
    comp = ds.compounds if compounds is None else compounds
    fmap = _base_map(ds, o, s)
    layers: list[folium.GeoJson] = []
    if "district" in o.layers:
        layers.append(_district_layer(ds, o))
    if "subdistricts" in o.layers:
        layers.append(_subdistrict_layer(ds, o))
    if "areas" in o.layers:
        layers.append(_area_layer(ds, o))
    if "greenways" in o.layers:
        layers.append(_greenway_layer(ds, as_of, o))
    if "compounds" in o.layers:
        data = features_from_compounds(comp, as_of, programme=ds.programme, lang=o.lang, popups=o.popups and not o.anonymous,
                                       basemap=o.basemap, anonymous=o.anonymous)
        layers.append(_compound_layer(data, o, name=t("map.layer.compounds", o.lang)))
    layers += _additions(ds, comp, as_of, o)
    layers += extra_layers
    if highlight_ids and not o.anonymous:
        layers.append(_selected_layer(ds, comp, highlight_ids, as_of, o))
    for layer in layers:
        layer.add_to(fmap)
    if o.legend:
        _add_legend(fmap, legend_html(o, extra_rows=extra_legend), o.legend_position)
    if o.layer_control:
        folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    return fmap


def _selected_layer(ds: Dataset, compounds: gpd.GeoDataFrame, ids: Collection[str], as_of: AsOfLike,
                    o: MapOptions) -> folium.GeoJson:
    wanted = set(ids)
    pool = compounds if compounds["compound_id"].isin(wanted).any() else ds.compounds
    chosen = pool[pool["compound_id"].isin(wanted)]
    data = features_from_compounds(chosen, as_of, programme=ds.programme, lang=o.lang, popups=o.popups,
                                   basemap=o.basemap)
    return _compound_layer(data, o, name=t("map.layer.selected", o.lang), selected=True, count_key="selected")


def selection_group(ds: Dataset, ids: Collection[str], *, as_of: AsOfLike = None,
                    options: MapOptions = MapOptions()) -> folium.FeatureGroup:
    """The compounds in ``ids`` as an emphasised layer in a FeatureGroup (``feature_group_to_add``)."""
    group = folium.FeatureGroup(name=t("map.layer.selected", options.lang), control=False)
    if ids:
        _selected_layer(ds, ds.compounds, ids, as_of, options).add_to(group)
    return group


def area_highlight_group(ds: Dataset, area: str, *, options: MapOptions = MapOptions()) -> folium.FeatureGroup:
    """One area drawn emphasised (thick outline, its label) in a FeatureGroup.

    For ``st_folium(..., feature_group_to_add=...)``: swapping it does not reload the map
    (the exhibition screen's rotation). Raises MapError for an unknown area.
    """
    o = options
    rows = ds.areas[ds.areas["name"] == area]
    if rows.empty:
        raise MapError(t("map.error.area", o.lang, name=area, valid="、".join(ds.areas["name"])))
    c = THEMES[o.theme]
    (lx, ly), = _label_points(rows, o.basemap)
    data = _collection(_shift(rows, o.basemap), [{"t": vocab("area", area, o.lang, ds.programme), "lx": lx, "ly": ly}])
    style = (f"function (f) {{ return {{color: '{c['hl']}', weight: 5, opacity: 1, fillColor: '{c['hl']}',"
             f" fillOpacity: 0.22, interactive: false}}; }}")
    group = folium.FeatureGroup(name=t("map.layer.highlight", o.lang), control=False)
    layer = _geojson(data, t("map.layer.highlight", o.lang), style=style, control=False)
    _add_labels(layer, "qy-area-label qy-area-label-hl")
    _LayerScript(_HIDE_BASE_LABEL_JS.replace("__AT__", json.dumps([ly, lx]))).add_to(layer)
    layer.add_to(group)
    return group


#: While a highlight is on the map, fade the base map's label at the same point (it would
#: show under the highlighted one); bring it back when the highlight is removed.
_HIDE_BASE_LABEL_JS = """var at = L.latLng(__AT__);
var fade = function (opacity) { if (!map) { return; } map.eachLayer(function (l) {
  if (l instanceof L.Tooltip && l.options.className === 'qy-area-label' && l.getLatLng() && l.getLatLng().equals(at)) {
    l.setOpacity(opacity); } }); };
fade(0); layer.on('remove', function () { fade(0.9); });"""


def clicked_compound_id(returned: Mapping[str, Any] | None, compounds: pd.DataFrame,
                        max_distance_deg: float = 0.002) -> str | None:
    """The compound behind an ``st_folium`` click, or None.

    Uses ``last_object_clicked_tooltip`` (it contains the compound id), else the compound
    nearest to ``last_object_clicked`` within ``max_distance_deg`` (WGS-84 degrees).
    """
    if not returned:
        return None
    ids = set(compounds["compound_id"].astype(str))
    tip = returned.get("last_object_clicked_tooltip") or ""
    for token in str(tip).replace("\n", " ").split():
        if token in ids:
            return token
    point = returned.get("last_object_clicked") or {}
    if "lat" not in point or "lng" not in point or compounds.empty:
        return None
    geoms = compounds.geometry
    d2 = (geoms.x - point["lng"]) ** 2 + (geoms.y - point["lat"]) ** 2
    best = d2.idxmin()
    return str(compounds.loc[best, "compound_id"]) if d2[best] <= max_distance_deg ** 2 else None
