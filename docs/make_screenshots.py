"""Screenshots of the real app for the README: ``.venv/bin/python docs/make_screenshots.py``.

Starts ``streamlit run dashboard/app.py`` on a scratch copy of the sample, opens each
page in headless chromium with every non-local request blocked, waits until the map
has drawn every compound, and writes docs/screenshots/*.png.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.settings import SAMPLE_STORE_URL  # noqa: E402
from geo.store import open_store, scratch_url  # noqa: E402
from tests.browser_support import FOLIUM_IFRAME, chromium_browser, offline_page, streamlit_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
N = 1891
SHOTS = (  # name, path, viewport
    ("briefing_zh", "/briefing?as_of=2022-12-09", (1600, 1000)),
    ("briefing_en", "/briefing?lang=en", (1600, 1000)),
    ("explorer_zh", "/explorer?area=清溪片区,骡马市片区&status=completed,under_construction", (1600, 1000)),
    ("screen_1080p", "/screen", (1920, 1080)),
    ("import_zh", "/import", (1400, 1000)),
    ("schedule_zh", "/schedule?as_of=2022-12-09&area=送仙桥片区", (1600, 1000)),
)


def main() -> int:
    """Write the screenshots; print where."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = scratch_url(tmp)
        open_store(store).initialize(open_store(SAMPLE_STORE_URL).load().dataset)
        with streamlit_server(ROOT / "dashboard" / "app.py", env={"QY_STORE": store}) as base, \
                chromium_browser() as browser:
            for name, path, (w, h) in SHOTS:
                with offline_page(browser, base + path, width=w, height=h) as visit:
                    page = visit.page
                    if name == "import_zh":
                        page.get_by_text("数据版本").first.wait_for(timeout=60_000)
                    elif name == "schedule_zh":  # both timing charts drawn
                        page.wait_for_function("() => document.querySelectorAll('.vega-embed canvas, .vega-embed svg')"
                                               ".length >= 2", timeout=60_000)
                    else:
                        page.frame_locator(FOLIUM_IFRAME).first.locator(".leaflet-container").wait_for(timeout=60_000)
                    page.wait_for_timeout(2500)  # labels, charts and fonts settle
                    target = OUT / f"{name}.png"
                    page.screenshot(path=str(target))
                    print(f"{target.relative_to(ROOT)}  blocked={len(visit.blocked)} errors={len(visit.errors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
