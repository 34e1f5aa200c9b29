"""Run the exhibition screen for a while and print its browser memory per minute.

    .venv/bin/python -m benchmarks.screen_memory [--minutes 10] [--rotate 3] [--size 1920x1080]

Starts ``streamlit run dashboard/app.py`` with ``QY_SCREEN_ROTATE_SECONDS`` at the fastest
rotation the screen allows (3 s), opens /screen in headless chromium (only localhost
resolves: ``tests.browser_support.local_only_browser``) and, once the map is drawn and then
at the end of every minute, forces a garbage collection (CDP ``HeapProfiler.collectGarbage``)
and prints:

- rotations seen so far (the area shown changed);
- JS heap in use (CDP ``Performance.getMetrics`` ``JSHeapUsedSize``; all frames of the page
  run in one renderer, so the map's iframe is included);
- DOM nodes alive (``Nodes``: attached or not, as long as something still references them)
  and JS event listeners;
- ``<style>`` elements and all elements in the map's iframe, and ``window.feature_group``'s
  length there (streamlit-folium's list of the layers it swaps).

Target: flat after the first minute (the rotation adds no nodes, no style blocks, no heap).

Measured on the sample at 1920x1080, 3 s rotation (2-core machine, 2026-12-02):
before the frame upkeep and the label fix, 15.3 -> 71.9 MB heap and 601 -> 1,265 nodes in
5 minutes (+11.1 MB, +100 nodes, +20 map <style> a minute); after, over 10 minutes
(200 rotations), heap 17.1-18.0 MB, 765-766 nodes, 9 map <style>, flat from minute 1.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.settings import get_settings  # noqa: E402
from geo.store import open_store  # noqa: E402
from tests.browser_support import (  # noqa: E402
    FOLIUM_IFRAME,
    REPO_ROOT,
    chromium_browser,
    local_only_browser,
    streamlit_server,
)

FASTEST_ROTATION_S = 3  # dashboard/app_pages/screen.py never rotates faster

#: Counted inside the map's iframe.
_FRAME_COUNTS = """() => ({styles: document.querySelectorAll('style').length,
  elements: document.getElementsByTagName('*').length,
  groups: (window.feature_group || []).length})"""


def _metrics(cdp: Any) -> dict[str, float]:
    """CDP Performance metrics by name, after a full garbage collection."""
    cdp.send("HeapProfiler.collectGarbage")
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def _map_frame(page: Any) -> Any:
    return page.frame_locator(FOLIUM_IFRAME).first


def sample(page: Any, cdp: Any) -> dict[str, float]:
    """One row of figures: CDP metrics plus the map frame's own counts."""
    figures = _metrics(cdp)
    figures.update(_map_frame(page).locator("body").evaluate(_FRAME_COUNTS))
    return figures


class _Rotations:
    """Counts changes of the area shown (polled: no script added to the page)."""

    def __init__(self, page: Any) -> None:
        self.page, self.count = page, 0
        self.last = self._area()

    def _area(self) -> str | None:
        return self.page.locator(".qs-area").first.get_attribute("data-area", timeout=5_000)

    def poll(self) -> None:
        area = self._area()
        if area != self.last:
            self.count, self.last = self.count + 1, area


def run(minutes: int, rotate: int, size: tuple[int, int], lang: str = "zh") -> list[dict[str, float]]:
    """Open /screen and sample it once the map is drawn and after each minute; print as it goes."""
    n = len(open_store().load().dataset.compounds)
    env = {"QY_SCREEN_ROTATE_SECONDS": str(rotate)}
    rows: list[dict[str, float]] = []
    with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env=env) as base, chromium_browser() as browser:
        offline = local_only_browser(browser)
        try:
            context = offline.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{base}/screen?lang={lang}", wait_until="commit")
            page.locator(".qs-panel").wait_for(timeout=60_000)
            _map_frame(page).locator(f'.leaflet-container[data-qy-compounds="{n}"]').wait_for(
                state="attached", timeout=60_000)
            rotations = _Rotations(page)
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            print(f"/screen at {size[0]}x{size[1]}, rotation every {rotate} s, {minutes} min, {n:,} compounds")
            print(f"{'min':>3} {'rotations':>9} {'JS heap MB':>10} {'DOM nodes':>9} {'listeners':>9} "
                  f"{'map <style>':>11} {'map elements':>12} {'fg list':>7}")
            start = time.monotonic()
            for minute in range(minutes + 1):
                while time.monotonic() < start + 60 * minute:
                    page.wait_for_timeout(1000)
                    rotations.poll()
                row = sample(page, cdp) | {"minute": minute, "rotations": rotations.count}
                rows.append(row)
                print(f"{minute:>3} {row['rotations']:>9} {row['JSHeapUsedSize'] / 2**20:>10.1f} {row['Nodes']:>9.0f} "
                      f"{row['JSEventListeners']:>9.0f} {row['styles']:>11} {row['elements']:>12} {row['groups']:>7}",
                      flush=True)
            if errors:
                print(f"page errors: {errors[:3]}")
            context.close()
        finally:
            offline.close()
    return rows


def summary(rows: list[dict[str, float]]) -> str:
    """Growth per minute after the first minute (heap MB, nodes, map style blocks)."""
    if len(rows) < 3:
        return "(run at least 2 minutes for a growth rate)"
    first, last = rows[1], rows[-1]
    span = last["minute"] - first["minute"]
    heap = (last["JSHeapUsedSize"] - first["JSHeapUsedSize"]) / 2**20 / span
    nodes = (last["Nodes"] - first["Nodes"]) / span
    styles = (last["styles"] - first["styles"]) / span
    return (f"after minute 1: {heap:+.2f} MB heap, {nodes:+.0f} DOM nodes, {styles:+.1f} map <style> per minute "
            f"({last['rotations'] - first['rotations']:.0f} rotations); target: flat")


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=10, help="how long to run the screen (default 10)")
    parser.add_argument("--rotate", type=int, default=FASTEST_ROTATION_S,
                        help=f"seconds per area (default {FASTEST_ROTATION_S}, the fastest)")
    parser.add_argument("--size", default="1920x1080", help="window size WxH (default 1920x1080)")
    parser.add_argument("--lang", default=get_settings().language, choices=("zh", "en"))
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    rows = run(args.minutes, max(args.rotate, FASTEST_ROTATION_S), (width, height), args.lang)
    print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
