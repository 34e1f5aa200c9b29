"""The roll-up briefing and screen in headless chromium, on a small synthetic national store (QY_ROLLUP_FROM=1).

The briefing at 1600×1000: the provinces' circles on the map, a province chosen drills down
(the URL says ``place=``), the breadcrumb goes back up. The screen at 1920×1080 and 3840×2160:
dark, one circle per child of the slide, and it moves on to the next province by itself.
Screenshots go to artifacts/screenshots/.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.store import open_store
from geo.synthetic import NATION_CODE, build_synthetic
from tests.browser_support import REPO_ROOT, offline_page, save_screenshot, streamlit_server, wait_for_map
from tests.store_support import scratch_store_url

pytestmark = pytest.mark.browser

SYNTHETIC = build_synthetic(2_000, provinces=5, seed=11)
PROVINCES = [p for p in SYNTHETIC.programme.at_level("province")]


@pytest.fixture(scope="module")
def rollup_url(tmp_path_factory) -> Iterator[str]:
    store = open_store(scratch_store_url(tmp_path_factory.mktemp("rollup-browser")))
    store.initialize(SYNTHETIC)
    env = {"QY_STORE": store.url, "QY_ROLLUP_FROM": "1", "QY_SCREEN_ROTATE_SECONDS": "4"}
    with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env=env) as url:
        yield url


def _shown(page) -> str:
    return page.locator(".qy-crumb-on").get_attribute("data-place")


def test_briefing_drills_down_to_a_province_and_back_up(browser, rollup_url):
    with offline_page(browser, f"{rollup_url}/briefing", width=1600, height=1000) as visit:
        page = visit.page
        page.locator(".qy-tiles").wait_for(timeout=60_000)
        frame = wait_for_map(page, min_features=len(PROVINCES), timeout_ms=60_000)
        assert frame.locator("path.leaflet-interactive").count() == len(PROVINCES)  # one circle each, no dot
        assert _shown(page) == NATION_CODE
        page.wait_for_timeout(800)
        save_screenshot(page, "rollup_briefing_nation_1600x1000")
        province = PROVINCES[2]
        page.get_by_role("radio", name=province.name, exact=True).click()  # the pills of the children
        page.wait_for_function(f"document.querySelector('.qy-crumb-on')?.dataset.place === {province.code!r}",
                               timeout=30_000)
        assert f"place={province.code}" in page.url
        assert province.name in page.locator(".qy-sub").inner_text()
        wait_for_map(page, timeout_ms=30_000)
        page.locator(".qy-head").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        save_screenshot(page, "rollup_briefing_province_1600x1000")
        page.get_by_role("button", name="生成汇报材料", exact=True).click()
        button = page.get_by_role("button", name="下载 PDF")
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=90_000) as info:
            button.click()
        assert info.value.suggested_filename.endswith(f"-{province.code}-{dt.date.today().isoformat()}.pdf")
        assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
        page.keyboard.press("Escape")
        page.get_by_role("button", name=SYNTHETIC.programme.root.name, exact=True).click()
        page.wait_for_function(f"document.querySelector('.qy-crumb-on')?.dataset.place === {NATION_CODE!r}",
                               timeout=30_000)
        assert f"place={NATION_CODE}" in page.url
        assert visit.errors == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_screen_rotates_through_the_provinces(browser, rollup_url, width, height):
    with offline_page(browser, f"{rollup_url}/screen", width=width, height=height) as visit:
        page = visit.page
        area = page.locator(".qs-area")
        area.wait_for(timeout=60_000)
        first = area.inner_text()
        assert first in {p.name for p in PROVINCES}
        wait_for_map(page, timeout_ms=60_000)
        page.wait_for_timeout(1000)
        background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundImage")
        assert "gradient" in background  # the dark screen
        title = page.locator(".qs-title").bounding_box()
        assert title["height"] >= 0.03 * height  # legible from a distance at this size
        save_screenshot(page, f"rollup_screen_{width}x{height}")
        page.wait_for_function(f"document.querySelector('.qs-area')?.innerText !== {first!r}", timeout=30_000)
        names = [p.name for p in PROVINCES]
        assert area.inner_text() == names[(names.index(first) + 1) % len(names)]
        text = page.locator(".stApp").inner_text()
        assert not any(cid in text for cid in SYNTHETIC.compounds["compound_id"].iloc[::50])
        assert visit.errors == []
