"""The explorer's map: the programme map (``geo.maps``) of the filtered compounds, with a
rectangle/polygon draw control (local Leaflet.draw assets), zoomed to the compounds.

Pure (no Streamlit). Coordinates WGS-84 (EPSG:4326); the explorer has no basemap (offline).
"""
from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
from branca.element import Element

from geo import maps
from geo.dataset import Dataset
from geo.maps_offline import add_draw

#: Drawing tools offered: rectangle and polygon only (no lines, circles or markers; no editing).
DRAW_OPTIONS: dict[str, Any] = {"polyline": False, "circle": False, "marker": False, "circlemarker": False,
                                "rectangle": True, "polygon": True}
#: A click on a canvas dot focuses the SVG polygon beneath it; without this, Chrome draws
#: its focus outline as a black box around that polygon.
_CSS = "<style>.leaflet-container .leaflet-interactive:focus { outline: none; }</style>"
MAX_FIT_ZOOM = 16


def explorer_map(ds: Dataset, compounds: gpd.GeoDataFrame, *, as_of: Any = None, lang: str = "zh",
                 zoom_to_compounds: bool = True) -> folium.Map:
    """The map of ``compounds`` (a filtered frame) for ``as_of`` in ``lang``, with a draw control.

    Popups are off (the page shows the full record beside the map). With
    ``zoom_to_compounds`` and at least one compound, the view fits their extent
    (padding 24 px, zoom at most ``MAX_FIT_ZOOM``); otherwise the whole district.
    """
    fmap = maps.map_from_dataset(ds, as_of=as_of, compounds=compounds,
                                 options=maps.MapOptions(lang=lang, popups=False))
    fmap.get_root().header.add_child(Element(_CSS), name="qy_explorer_css")
    add_draw(fmap, position="topleft", export=False, edit_options={"edit": False}, draw_options=DRAW_OPTIONS)
    if zoom_to_compounds and not compounds.empty:
        west, south, east, north = compounds.total_bounds
        fmap.fit_bounds([[south, west], [north, east]], padding=(24, 24), max_zoom=MAX_FIT_ZOOM)
    return fmap
