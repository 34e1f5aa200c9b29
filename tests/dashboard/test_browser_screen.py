"""The exhibition screen's type and 审图号 in headless chromium at 1366×768 … 3840×2160.

The subtitle keeps clear of the title's descenders (English), the footer's data-source line
reads from a distance (at least 16 px at 1080p, scaled with the width), and the configured
审图号 sits at the bottom left of the screen and of its map.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser_support import FOLIUM_IFRAME, REPO_ROOT, offline_page, save_screenshot, streamlit_server

pytestmark = pytest.mark.browser

REVIEW_NO = "川S(2099)001号"


@pytest.fixture(scope="module")
def screen_url(app_store: str | None) -> Iterator[str]:
    env = {"QY_MAP_REVIEW_NO": REVIEW_NO, "QY_SCREEN_ROTATE_SECONDS": "60"}
    if app_store:
        env["QY_STORE"] = app_store
    with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env=env) as url:
        yield url


#: Gap (px) between the bottom of the title's own text (its glyph box, descenders included)
#: and the top of the subtitle's text; the footer's font size; the footer's first text and place.
_MEASURE = """() => { const title = document.querySelector('.qs-title'), sub = title.querySelector('small');
  const range = document.createRange(); range.selectNodeContents(title.firstChild);
  const rects = [...range.getClientRects()]; const textBottom = Math.max(...rects.map(r => r.bottom));
  const subRange = document.createRange(); subRange.selectNodeContents(sub.firstChild);
  const subTop = Math.min(...[...subRange.getClientRects()].map(r => r.top));
  const foot = document.querySelector('.qs-foot'), left = foot.firstElementChild.getBoundingClientRect();
  return {gap: subTop - textBottom, foot: parseFloat(getComputedStyle(foot).fontSize),
          left: foot.firstElementChild.innerText, x: left.left, bottom: left.bottom, h: window.innerHeight}; }"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1600, 1000), (1920, 1080), (3840, 2160)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screen_type_and_review_number(browser, screen_url, lang, width, height):
    with offline_page(browser, f"{screen_url}/screen?lang={lang}", width=width, height=height) as visit:
        page = visit.page
        page.locator(".qs-area").wait_for(timeout=60_000)
        page.locator(".qs-foot").wait_for()
        m = page.evaluate(_MEASURE)
        assert m["gap"] >= 0, m  # the subtitle does not touch the title's descenders
        assert m["foot"] >= 16 and m["foot"] >= 16 * width / 1920 - 0.5, m  # readable, scaled at 4K
        assert m["left"].startswith("审图号" if lang == "zh" else "Map review no."), m
        assert REVIEW_NO in m["left"] and m["x"] < 0.05 * width and m["bottom"] > 0.9 * m["h"], m
        frame = page.frame_locator(FOLIUM_IFRAME).first
        review = frame.locator(".leaflet-bottom.leaflet-left .qy-review-no")
        review.wait_for(timeout=30_000)
        assert review.inner_text().endswith(REVIEW_NO)
        if width in (1920, 3840):
            save_screenshot(page, f"screen_{lang}_{width}x{height}")
        assert visit.errors == []
