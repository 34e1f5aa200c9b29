"""Time /briefing, /screen and /explorer in headless chromium, and the briefing's as-of change.

    .venv/bin/python -m benchmarks.pages [--repeat 5]      (or: .venv/bin/python benchmarks/pages.py)

Starts ``streamlit run dashboard/app.py`` on the configured store (default: the sample),
opens each page once to warm the server (that first visit is printed as "cold"), then
opens it ``--repeat`` more times, each in a fresh browser context (a new session, no
browser cache), and prints the time from navigation until the page is fully drawn; then
the same in new tabs of one browser that has seen the page before (HTTP cache warm, as
on a desk PC or the exhibition PC that opens the dashboard every day):

- /briefing: the six tiles, the map with every compound drawn (the map container's
  ``data-qy-compounds`` equals the compound count) and the last chart drawn;
- /screen (1920×1080): the area panel and the map with every compound drawn;
- /explorer: the map with every compound drawn (no filter).

The browser can reach only localhost (``tests.browser_support.local_only_browser``):
every other host name fails to resolve, and a request to another host or a page error
fails the run. (The browser tests' request routing adds ~0.3-0.5 s a page and switches
the HTTP cache off; it is not used for the timings.)

Then, on one open briefing, the as-of date is changed several times and the server
time of each change is read from the websocket (rerun request sent -> script
finished), next to the time until the tiles show the new figures.

A one-line Streamlit app is timed the same way, as the floor every page pays on the
machine at that moment (the load average is printed too: other processes slow
everything down on a 2-core machine).

Target: each page fully drawn <= 1.5 s after the server is warm (sample).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo import kpis, metrics  # noqa: E402
from geo.store import open_store  # noqa: E402
from tests.browser_support import (  # noqa: E402
    FOLIUM_IFRAME,
    chromium_browser,
    is_rerun_request,
    local_only_browser,
    offline_page,
    script_finished_kind,
    streamlit_server,
    timed_visit,
)

TARGET_S = 1.5
AS_OF_DATES = (dt.date(2022, 12, 9), dt.date(2021, 6, 30), dt.date(2023, 12, 31), dt.date(2019, 1, 1))


def _map_drawn(page: Any, n_compounds: int, timeout_ms: int = 60_000) -> None:
    frame = page.frame_locator(FOLIUM_IFRAME).first
    frame.locator(f'.leaflet-container[data-qy-compounds="{n_compounds}"]').wait_for(
        state="attached", timeout=timeout_ms)


def _briefing_ready(page: Any, n: int) -> None:
    page.locator('[data-kpi="funding"]').wait_for(timeout=60_000)
    _map_drawn(page, n)
    page.locator(".qc-bars").nth(2).wait_for(state="attached", timeout=60_000)  # the last chart


def _screen_ready(page: Any, n: int) -> None:
    page.locator(".qs-panel").wait_for(timeout=60_000)
    _map_drawn(page, n)


def _explorer_ready(page: Any, n: int) -> None:
    _map_drawn(page, n)


PAGES: dict[str, tuple[str, tuple[int, int], Callable[[Any, int], None]]] = {
    "briefing": ("/briefing", (1920, 1080), _briefing_ready),
    "screen": ("/screen", (1920, 1080), _screen_ready),
    "explorer": ("/explorer", (1600, 1000), _explorer_ready),
}


def time_page(browser: Any, url: str, size: tuple[int, int], ready: Callable[[Any, int], None], n: int) -> float:
    """Seconds until ``ready`` holds, in a fresh context (no cache, new session) of a
    :func:`local_only_browser`."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    try:
        return timed_visit(context, url, lambda page, ready=ready: ready(page, n))
    finally:
        context.close()


class _ServerTimes:
    """Rerun request sent -> script finished, from the page's websocket frames."""

    def __init__(self, page: Any) -> None:
        self.sent: list[float] = []
        self.finished: list[float] = []

        def on_sent(payload: Any) -> None:
            if is_rerun_request(payload):
                self.sent.append(time.perf_counter())

        def on_received(payload: Any) -> None:
            if script_finished_kind(payload):
                self.finished.append(time.perf_counter())

        page.on("websocket", lambda ws: (ws.on("framesent", on_sent), ws.on("framereceived", on_received)))


def time_as_of_changes(browser: Any, base: str, ds: Any) -> list[tuple[dt.date, float, float]]:
    """(date, server seconds, seconds until the tiles show the new figures) per as-of change."""
    out = []
    with offline_page(browser, "about:blank", width=1920, height=1080) as visit:
        page = visit.page
        times = _ServerTimes(page)
        page.goto(f"{base}/briefing", wait_until="commit")
        _briefing_ready(page, len(ds.compounds))
        year = page.locator('[data-testid="stSidebar"] [role="spinbutton"][data-type="year"]')
        for day in AS_OF_DATES:
            expected = {k.key: k.value for k in kpis.briefing_kpis(metrics.stats(ds, day), "zh")}["fyp14"]
            n_sent = len(times.sent)
            start = time.perf_counter()
            year.click()  # the date field's year / month / day segments, then blur to commit
            page.keyboard.type(day.strftime("%Y%m%d"))
            page.locator(".qy-head h1").click()
            page.locator('[data-kpi="fyp14"] .val').filter(has_text=expected).wait_for(timeout=60_000)
            shown = time.perf_counter() - start
            while len(times.sent) <= n_sent or not [f for f in times.finished if f > times.sent[n_sent]]:
                page.wait_for_timeout(20)
            sent = times.sent[n_sent]
            server = min(f for f in times.finished if f > sent) - sent
            out.append((day, server, shown))
            page.wait_for_timeout(300)
    return out


_EMPTY_APP = 'import streamlit as st\nst.markdown("<div id=\\"ready\\">ready</div>", unsafe_allow_html=True)\n'


def time_empty_page(browser: Any, repeat: int) -> list[float]:
    """Seconds to the first element of a one-line Streamlit app: the floor every page pays here."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "empty_app.py"
        script.write_text(_EMPTY_APP, encoding="utf-8")
        with streamlit_server(script) as base:
            ready = lambda page, n: page.locator("#ready").wait_for(timeout=60_000)  # noqa: E731
            return [time_page(browser, base + "/", (1920, 1080), ready, 0) for _ in range(repeat + 1)]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm visits per page (default 5)")
    args = parser.parse_args(argv)
    ds = open_store().load().dataset
    n = len(ds.compounds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"benchmarks.pages: {n:,} compounds, {args.repeat} warm visits per page, target <= {TARGET_S} s, "
          f"{os.cpu_count()} CPUs, load average {load:.1f}")
    with streamlit_server(ROOT / "dashboard" / "app.py") as base, chromium_browser() as browser:
        offline = local_only_browser(browser)
        print(f"{'page':<10} {'cold s':>7} {'warm min':>9} {'median':>7} {'max':>6}  target  "
              f"| cached browser: median (min)  target")
        for name, (path, size, ready) in PAGES.items():
            cold = time_page(offline, base + path, size, ready, n)
            warm = [time_page(offline, base + path, size, ready, n) for _ in range(args.repeat)]
            verdict = "ok" if statistics.median(warm) <= TARGET_S else "MISSED"
            context = offline.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
            try:
                timed_visit(context, base + path, lambda page, ready=ready: ready(page, n))  # fills the browser cache
                cached = [timed_visit(context, base + path, lambda page, ready=ready: ready(page, n)) for _ in range(args.repeat)]
            finally:
                context.close()
            c_verdict = "ok" if statistics.median(cached) <= TARGET_S else "MISSED"
            print(f"{name:<10} {cold:7.2f} {min(warm):9.2f} {statistics.median(warm):7.2f} {max(warm):6.2f}  {verdict:<6}  "
                  f"| {statistics.median(cached):14.2f} ({min(cached):.2f})  {c_verdict}")
        empty = time_empty_page(offline, args.repeat)
        offline.close()
        print(f"{'(empty)':<10} {empty[0]:7.2f} {min(empty[1:]):9.2f} {statistics.median(empty[1:]):7.2f} "
              f"{max(empty[1:]):6.2f}  a one-line Streamlit app: the floor on this machine now")
        print("as-of change on /briefing (server time = rerun request sent -> script finished):")
        for day, server, shown in time_as_of_changes(browser, base, ds):
            print(f"  as of {day}: server {server:.2f} s, tiles updated after {shown:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
