"""Point layers sent to the browser as compact columns instead of GeoJSON text.

A GeoJSON FeatureCollection of points repeats ``{"type": "Feature", "geometry":
{"type": "Point", "coordinates": [...]}, "properties": {...}}`` and every property
name for each point, and folium writes Chinese text as ``\\uXXXX`` escapes (6 bytes
a character instead of 3). For 10,000 compounds that is ~1.9 MB of map script that the
browser must receive, parse and walk before the first dot is drawn. :func:`encode`
writes the same points as columns:

- ``x``/``y``: integer offsets from ``x0``/``y0`` in units of ``1/s`` degree
  (``s`` = 10^6: ~0.1 m, the precision the maps already round to);
- ``k``: property names; ``c``: one column per name, either the values or, for
  columns with few distinct values (status, subdistrict, batch, ...), ``{"v":
  distinct values, "i": index per point}``.

:data:`DECODE_JS` rebuilds the identical features in the browser (``(x0 + x) / s``
gives the same double as parsing the rounded decimal); :func:`decode` does the same in
Python for tests. Pure: no folium, no Streamlit.
"""
from __future__ import annotations

import json
from typing import Any

DECIMALS = 6
SCALE = 10 ** DECIMALS
#: Columns with at most this share of distinct values are dictionary-encoded.
_DICT_SHARE = 0.25

#: JS expression: compact columns (``__DATA__``) -> GeoJSON FeatureCollection.
DECODE_JS = """(function (d) {
  var n = d.x.length, k = d.k, fs = new Array(n);
  for (var i = 0; i < n; i++) {
    var p = {};
    for (var j = 0; j < k.length; j++) { var c = d.c[j]; p[k[j]] = c.v ? c.v[c.i[i]] : c[i]; }
    fs[i] = {type: 'Feature', properties: p,
             geometry: {type: 'Point', coordinates: [(d.x0 + d.x[i]) / d.s, (d.y0 + d.y[i]) / d.s]}};
  }
  return {type: 'FeatureCollection', features: fs};
})(__DATA__)"""


def is_point_collection(data: Any) -> bool:
    """True for a non-empty FeatureCollection of Points whose features share one set of keys."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return False
    features = data.get("features") or []
    if not features:
        return False
    keys = list((features[0].get("properties") or {}).keys())
    return all((f.get("geometry") or {}).get("type") == "Point"
               and list((f.get("properties") or {}).keys()) == keys for f in features)


def _column(values: list[Any]) -> Any:
    """The values, or {"v": distinct, "i": indices} when few are distinct."""
    try:
        distinct = list(dict.fromkeys(values))
    except TypeError:  # unhashable values (lists, dicts): kept as they are
        return values
    if len(distinct) <= max(1, int(len(values) * _DICT_SHARE)):
        index = {v: i for i, v in enumerate(distinct)}
        return {"v": distinct, "i": [index[v] for v in values]}
    return values


def encode(data: dict[str, Any]) -> dict[str, Any]:
    """Compact columns of a point FeatureCollection (see :func:`is_point_collection`)."""
    features = data["features"]
    xs = [round(f["geometry"]["coordinates"][0] * SCALE) for f in features]
    ys = [round(f["geometry"]["coordinates"][1] * SCALE) for f in features]
    x0, y0 = min(xs), min(ys)
    keys = list(features[0]["properties"].keys())
    return {"s": SCALE, "x0": x0, "y0": y0, "x": [x - x0 for x in xs], "y": [y - y0 for y in ys], "k": keys,
            "c": [_column([f["properties"][k] for f in features]) for k in keys]}


def decode(compact: dict[str, Any]) -> dict[str, Any]:
    """The FeatureCollection :data:`DECODE_JS` builds from ``compact`` (for tests and tools)."""
    s, x0, y0, keys = compact["s"], compact["x0"], compact["y0"], compact["k"]
    columns = [[c["v"][i] for i in c["i"]] if isinstance(c, dict) else c for c in compact["c"]]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {k: col[i] for k, col in zip(keys, columns)},
         "geometry": {"type": "Point", "coordinates": [(x0 + x) / s, (y0 + y) / s]}}
        for i, (x, y) in enumerate(zip(compact["x"], compact["y"]))
    ]}


def to_js(compact: dict[str, Any]) -> str:
    """JSON of ``compact`` for a script: UTF-8 text (not \\u escapes), ``</`` escaped."""
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def decode_js(data: dict[str, Any]) -> str:
    """JS expression that evaluates to ``data`` (a point FeatureCollection), sent compactly."""
    return DECODE_JS.replace("__DATA__", to_js(encode(data)))
