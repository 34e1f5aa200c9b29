"""Fixture app for tests/test_offline_probe.py: one offline map, nothing else.

Run by the test from a temporary folder whose ``static`` links to dashboard/static
(see browser_support.staged_app). Shows a GeoJSON polygon with a tooltip, a
default-icon marker with a folium.Popup (needs the jQuery stand-in) and a
Leaflet.draw control, and echoes the clicked point so the round trip is visible.
"""
import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.maps.offline import add_draw, offline_map

COMPOUND = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "示例小区 Sample compound"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[
                    [104.040, 30.665], [104.055, 30.665], [104.055, 30.675],
                    [104.040, 30.675], [104.040, 30.665],
                ]],
            },
        }
    ],
}

st.title("离线地图 Offline map probe")
fmap = offline_map(location=[30.670, 104.050], zoom_start=14)
folium.GeoJson(COMPOUND, name="compounds", tooltip=folium.GeoJsonTooltip(["name"])).add_to(fmap)
folium.Marker([30.670, 104.060], popup=folium.Popup("青羊区 popup")).add_to(fmap)
add_draw(fmap)
state = st_folium(fmap, key="m", returned_objects=["last_object_clicked"], height=500)
clicked = (state or {}).get("last_object_clicked")
st.markdown(f"clicked: {clicked['lat']:.4f},{clicked['lng']:.4f}" if clicked else "clicked: none")
