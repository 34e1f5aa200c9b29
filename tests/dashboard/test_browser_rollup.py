"""The explorer at scale in headless chromium against ``streamlit run`` (offline), on a synthetic
national store that takes the roll-up (``QY_ROLLUP_FROM=1``): zoomed out the map draws one circle
per place and no compound; zoomed in, only the compounds in view, and a pan reruns the fragment only;
a click on a dot, or on a row of the table, opens that compound's record.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from geo.maps import rollup_map
from geo.store import open_store
from geo.synthetic import build_synthetic
from tests.browser_support import (
    FOLIUM_IFRAME,
    REPO_ROOT,
    offline_page,
    save_screenshot,
    script_finished_kind,
    streamlit_server,
    wait_for_map,
)
from tests.store_support import scratch_store_url

pytestmark = pytest.mark.browser

#: What the map has drawn: unit circles (``code``), compound dots (``id``) and dots outside the view.
_DRAWN = """() => { const m = window.map_div; if (!m || !m.getZoom) { return null; }
  const view = m.getBounds().pad(0.02), out = {units: 0, dots: 0, outside: 0, zoom: m.getZoom()};
  m.eachLayer(l => { const p = l.feature && l.feature.properties; if (!p || !l.getLatLng) { return; }
    if (p.code) { out.units++; } else if (p.id) { out.dots++; if (!view.contains(l.getLatLng())) { out.outside++; } } });
  return out; }"""


#: Screen position (inside the map iframe) and id of a compound dot near the middle of the view.
_A_DOT = """() => { const m = window.map_div, s = m.getSize(), dots = [];
  m.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.id && l.getLatLng) { const c = m.latLngToContainerPoint(l.getLatLng());
      if (c.x > 40 && c.y > 40 && c.x < s.x - 40 && c.y < s.y - 40) dots.push({id: p.id, x: c.x, y: c.y}); } });
  dots.sort((a, b) => Math.hypot(a.x - s.x / 2, a.y - s.y / 2) - Math.hypot(b.x - s.x / 2, b.y - s.y / 2));
  return dots[0]; }"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    ds = build_synthetic(2_000, provinces=5, seed=11)
    store = open_store(scratch_store_url(tmp_path_factory.mktemp("rollup-browser")))
    store.initialize(ds)
    return store.url, ds


@pytest.fixture(scope="module")
def rollup_url(synthetic) -> Iterator[str]:
    env = {"QY_STORE": synthetic[0], "QY_ROLLUP_FROM": "1"}
    with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env=env) as url:
        yield url


def _map_frame(page):
    return page.frame(url=lambda u: "streamlit_folium" in u)


def _wait_drawn(page, check: str, timeout_ms: int = 30_000) -> dict:
    """Wait until the map's drawing satisfies ``check`` (a JS expression over ``d``), and return it."""
    frame = _map_frame(page)
    frame.wait_for_function(f"() => {{ const d = ({_DRAWN})(); return d && ({check}); }}", timeout=timeout_ms)
    return frame.evaluate(_DRAWN)


def test_zoomed_out_totals_per_place_zoomed_in_only_the_viewports_compounds_and_records(browser, rollup_url, synthetic):
    _, ds = synthetic
    kinds: list[str] = []
    with offline_page(browser, f"{rollup_url}/_stcore/health", width=1600, height=1000) as visit:
        page = visit.page
        page.on("websocket", lambda ws: ws.on("framereceived", lambda p: (k := script_finished_kind(p)) and kinds.append(k)))
        page.goto(f"{rollup_url}/explorer?lang=zh&as_of=2024-06-30", wait_until="domcontentloaded")
        wait_for_map(page, timeout_ms=60_000)
        out = _wait_drawn(page, "d.units > 0")
        assert out["dots"] == 0 and out["units"] <= len(ds.programme.at_level("district"))
        assert out["zoom"] < rollup_map.DOTS_ZOOM
        page.get_by_text("地图按").first.wait_for(timeout=10_000)
        page.wait_for_timeout(800)
        save_screenshot(page, "explorer_rollup_1600x1000")

        for _ in range(300):  # the first run's end can reach the browser after its map is drawn (a busy server)
            if "full" in kinds:
                break
            page.wait_for_timeout(100)
        page.wait_for_timeout(500)
        before = len(kinds)
        target = ds.compounds.iloc[len(ds.compounds) // 2].geometry
        _map_frame(page).evaluate(f"() => void window.map_div.setView([{target.y}, {target.x}], {rollup_map.DOTS_ZOOM + 2})")
        out = _wait_drawn(page, "d.dots > 0 && d.units === 0")
        assert out["outside"] == 0 and out["dots"] < len(ds.compounds)  # only the view's compounds were sent
        page.get_by_text("地图显示视野内").first.wait_for(timeout=10_000)
        page.wait_for_timeout(500)
        assert kinds[before:] and set(kinds[before:]) <= {"fragment", "FINISHED_EARLY_FOR_RERUN"}, kinds  # a pan: fragment only
        save_screenshot(page, "explorer_rollup_zoomed_1600x1000")

        names = ds.compounds.set_index("compound_id")["name"]
        for attempt in range(3):  # a dot can move under the pointer while the map settles: read again, click again
            dot = _map_frame(page).evaluate(_A_DOT)
            box = page.locator(FOLIUM_IFRAME).bounding_box()
            page.mouse.click(box["x"] + dot["x"], box["y"] + dot["y"])
            try:
                page.get_by_text(f"{names[dot['id']]}（{dot['id']}）").wait_for(timeout=8_000)  # its record
                break
            except Exception:
                if attempt == 2:
                    raise
        table = page.locator('[data-testid="stDataFrame"]')
        table.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        grid = table.bounding_box()
        page.mouse.click(grid["x"] + 18, grid["y"] + 35 + 17)  # the first row's selection box
        first = ds.compounds.iloc[0]
        page.get_by_text(f"{first['name']}（{first['compound_id']}）").wait_for(timeout=15_000)
        page.wait_for_timeout(500)
        save_screenshot(page, "explorer_rollup_record_1600x1000")

        _map_frame(page).evaluate(f"() => void window.map_div.setZoom({rollup_map.DOTS_ZOOM - 5})")
        out = _wait_drawn(page, "d.units > 0 && d.dots === 0")
        assert visit.errors == [] and visit.blocked == [], (visit.errors, visit.blocked)
