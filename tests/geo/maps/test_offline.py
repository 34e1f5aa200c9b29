"""geo/maps/offline.py: folium maps whose HTML loads nothing from a CDN (checked by tests/offline_support.py)."""
from __future__ import annotations

import branca.colormap
import folium
import pytest

from geo.maps.offline import DEFAULT_ASSET_BASE, add_draw, asset_base_of, offline_map
from tests.offline_support import external_urls, remote_assets

CHENGDU = [30.67, 104.05]  # WGS-84 lat, lon
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[104.04, 30.66], [104.06, 30.66], [104.06, 30.68], [104.04, 30.66]]],
}


def _full_map(**kwargs: object) -> folium.Map:
    """An offline map with the elements the dashboard uses."""
    fmap = offline_map(location=CHENGDU, zoom_start=13, **kwargs)
    folium.GeoJson(SQUARE, tooltip="compound").add_to(fmap)
    folium.Marker(CHENGDU, popup=folium.Popup("青羊区")).add_to(fmap)
    folium.CircleMarker(CHENGDU, radius=4).add_to(fmap)
    add_draw(fmap)
    return fmap


def test_rendered_offline_map_loads_nothing_remote() -> None:
    html = _full_map().get_root().render()
    assert external_urls(html) == []
    assert f'src="{DEFAULT_ASSET_BASE}/leaflet.js"' in html
    assert f'href="{DEFAULT_ASSET_BASE}/draw/leaflet.draw.css"' in html


def test_remote_assets_empty_for_offline_map_but_not_for_plain_folium() -> None:
    assert remote_assets(_full_map()) == []
    plain = remote_assets(folium.Map(tiles=None))
    assert "https://code.jquery.com/jquery-3.7.1.min.js" in plain


def test_colormap_is_reported_because_streamlit_folium_adds_d3() -> None:
    fmap = offline_map(location=CHENGDU, zoom_start=13)
    branca.colormap.linear.YlOrRd_09.scale(0, 1).add_to(fmap)
    assert any("d3" in url for url in remote_assets(fmap))


def test_asset_base_is_honoured_and_trailing_slash_ignored() -> None:
    fmap = offline_map(location=CHENGDU, zoom_start=13, asset_base="/qy/app/static/vendor/")
    draw = add_draw(fmap)
    assert asset_base_of(fmap) == "/qy/app/static/vendor"
    assert dict(fmap.default_js)["leaflet"] == "/qy/app/static/vendor/leaflet.js"
    assert dict(draw.default_js)["leaflet_draw_js"] == "/qy/app/static/vendor/draw/leaflet.draw.js"


def test_folium_class_defaults_are_not_mutated() -> None:
    before = (list(folium.Map.default_js), list(folium.plugins.Draw.default_css))
    _full_map(asset_base="/elsewhere")
    assert (folium.Map.default_js, folium.plugins.Draw.default_css) == before


def test_no_tiles_by_default_and_max_zoom_on_the_leaflet_map() -> None:
    fmap = offline_map(location=CHENGDU, zoom_start=13, max_zoom=17)
    script = fmap.get_root().render()
    assert "L.tileLayer" not in script
    assert '"maxZoom": 17' in script


def test_add_draw_needs_an_offline_map_or_an_explicit_base() -> None:
    with pytest.raises(ValueError, match="not an offline_map"):
        add_draw(folium.Map(tiles=None))
    draw = add_draw(folium.Map(tiles=None), asset_base="/static")
    assert draw.show_geometry_on_click is False


def test_external_urls_finds_loads_and_ignores_links() -> None:
    html = """
    <link rel="stylesheet" href="https://cdn.example/a.css"/>
    <link rel="stylesheet" href="/app/static/vendor/leaflet.css"/>
    <script src="//cdn.example/b.js"></script><script src="/local.js"></script>
    <img src="http://img.example/c.png"><a href="https://leafletjs.com">Leaflet</a>
    <div style="background: url('https://bg.example/d.png')"></div>
    <script>L.tileLayer("https://{s}.tile.example/{z}/{x}/{y}.png", {}).addTo(m);
            L.tileLayer("https://{s}.tile.example/{z}/{x}/{y}.png");</script>
    """
    assert external_urls(html) == [
        "https://cdn.example/a.css",
        "//cdn.example/b.js",
        "http://img.example/c.png",
        "https://bg.example/d.png",
        "https://{s}.tile.example/{z}/{x}/{y}.png",
    ]
