"""Read a folium map the way the browser gets it: render to HTML, pull out its GeoJSON layers."""
from __future__ import annotations

import json
import re

import folium

from geo.maps import points


def render(fmap: folium.Map) -> str:
    """The map's standalone HTML with JSON \\uXXXX escapes decoded (folium escapes non-ASCII)."""
    html = fmap.get_root().render()
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


_EMBEDDED = re.compile(r"_add\((\{\"features\".*?\}|\{\"type\".*?\})\);\n"  # folium's GeoJSON
                       r"|layer\.addData\(\(function \(d\) \{.*?\}\)\((\{\"s\":.*?\})\)\);\n", re.S)  # geo.maps.points


def collections(html: str) -> list[dict]:
    """Every FeatureCollection embedded in the rendered map, in layer order (compact points decoded)."""
    found: list[dict] = []
    for plain, compact in _EMBEDDED.findall(html):
        if compact:  # fills the empty collection of the layer it belongs to
            assert found and found[-1]["features"] == []
            found[-1] = points.decode(json.loads(compact))
        else:
            found.append(json.loads(plain))
    return found
