"""Maps load Leaflet only from our own server, both as streamlit-folium sends them
and as a real browser fetches them (tests/apps/offline_map_app.py)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import pytest
import streamlit_folium

from dashboard.assets import sync_assets
from geo.maps.offline import DEFAULT_ASSET_BASE, add_draw, offline_map
from tests.browser_support import (
    DASHBOARD_STATIC,
    offline_page,
    save_screenshot,
    staged_app,
    streamlit_server,
    wait_for_map,
)
from tests.offline_support import external_urls

PROBE_APP = Path(__file__).parent / "apps" / "offline_map_app.py"


def _probe_map() -> folium.Map:
    """The same kind of map the probe app shows."""
    fmap = offline_map(location=[30.67, 104.05], zoom_start=14)
    square = {"type": "Polygon", "coordinates": [[[104.04, 30.665], [104.055, 30.665],
                                                  [104.055, 30.675], [104.04, 30.665]]]}
    folium.GeoJson(square).add_to(fmap)
    folium.Marker([30.67, 104.06], popup=folium.Popup("青羊区")).add_to(fmap)
    add_draw(fmap)
    return fmap


@pytest.fixture
def component_args(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run st_folium on the probe map and capture what it sends to its iframe."""
    captured: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: captured.update(kw))
    streamlit_folium.st_folium(_probe_map(), key="m", returned_objects=["last_object_clicked"])
    return captured


def test_st_folium_sends_only_local_asset_links(component_args: dict[str, Any]) -> None:
    links = component_args["js_links"] + component_args["css_links"]
    assert links and all(link.startswith(f"{DEFAULT_ASSET_BASE}/") for link in links)
    page = component_args["header"] + component_args["html"]
    assert external_urls(f"{page}<script>{component_args['script']}</script>") == []


def test_every_asset_link_is_a_file_we_serve(component_args: dict[str, Any]) -> None:
    sync_assets()
    links = component_args["js_links"] + component_args["css_links"]
    files = [DASHBOARD_STATIC / link.removeprefix("/app/static/") for link in links]
    assert [f for f in files if not f.is_file()] == []


@pytest.fixture(scope="module")
def probe_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The probe app under ``streamlit run``, served with dashboard/static."""
    sync_assets()
    script = staged_app(PROBE_APP, tmp_path_factory.mktemp("offline_probe"))
    with streamlit_server(script) as url:
        yield url


@pytest.mark.browser
@pytest.mark.slow
def test_map_renders_with_no_external_request(browser: Any, probe_url: str) -> None:
    with offline_page(browser, probe_url) as visit:
        frame = wait_for_map(visit.page, min_features=2)
        frame.locator(".leaflet-draw-toolbar a").first.wait_for()
        icon = frame.locator("img.leaflet-marker-icon")
        icon.click()
        frame.locator(".leaflet-popup-content", has_text="青羊区").wait_for()
        frame.locator("path.leaflet-interactive").first.click()
        visit.page.get_by_text("clicked: 30.").wait_for(timeout=15_000)
        icon_loaded = icon.evaluate("img => img.complete && img.naturalWidth > 0")
        save_screenshot(visit.page, "offline_map_probe")
    vendor = [u for u in visit.local if "/app/static/vendor/" in u]
    assert any(u.endswith("/vendor/leaflet.js") for u in vendor)
    assert icon_loaded
    assert visit.blocked == []
    assert visit.errors == []
    assert visit.failed == []
