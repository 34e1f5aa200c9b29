"""Time the dispatch report (target: the whole district <= 5 s) and the /schedule page of the largest area.

    .venv/bin/python benchmarks/schedule.py [--day 2022-12-09] [--repeat 3] [--no-browser]

1. The next-morning dispatch report for the day: the whole district and each area, PDF and XLSX,
   in this process (warm) and as a fresh ``python -m geo daily`` process (cold: imports, load).
2. The /schedule page of the area with the most compounds: the server's work for it (the cached
   functions the page calls, on a cache miss: figures, findings, the area's rows, the compound's
   chart, the daily table), then the page in headless chromium (only localhost resolves) until both
   timing charts are drawn, in a fresh browser context each time.

Prints figures; nothing is asserted (the machine has 2 shared cores: the load average is printed).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo import metrics  # noqa: E402
from geo.reports.daily import report_bytes  # noqa: E402
from geo.schedule import chart  # noqa: E402
from geo.schedule.daily import daily_table  # noqa: E402
from geo.schedule.rules import check_sequence  # noqa: E402
from geo.settings import REPORT_DATE, SAMPLE_STORE_URL  # noqa: E402
from geo.store import open_store  # noqa: E402

TARGET_S = 5.0


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def _cold(day: str, fmt: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geo", "daily", "--date", day, "-o", str(Path(tmp) / f"r.{fmt}")],
                       cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - start


def report_figures(ds: Any, day: str, repeat: int) -> None:
    print(f"dispatch report for {day} (target: whole district <= {TARGET_S:.0f} s)")
    report_bytes(ds, day, fmt="pdf")  # font registration and first-use caches, once
    for area in (None, *ds.programme.area_names):
        cells = []
        for fmt in ("pdf", "xlsx"):
            seconds, data = _best(lambda fmt=fmt, area=area: report_bytes(ds, day, area=area, fmt=fmt), repeat)
            cells.append(f"{fmt} {seconds:5.2f} s {len(data) / 1e3:4.0f} kB")
        print(f"  {_pad(area or 'whole district', 22)} " + " | ".join(cells))
    for fmt in ("pdf", "xlsx"):
        print(f"  whole district, fresh `python -m geo daily` process ({fmt}): {_cold(day, fmt):.2f} s")


def _largest_area(ds: Any) -> str:
    counts = ds.compounds["area"].value_counts()
    return str(counts.index[0])


def server_figures(ds: Any, day: str, area: str, repeat: int) -> None:
    sub = metrics.filter_dataset(ds, area=area)
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("figures (construction_stats)", lambda: metrics.construction_stats(sub, day)),
        ("findings (check_sequence)", lambda: check_sequence(sub, day)),
        ("area rows (area_phases + spec)", lambda: chart.area_chart(chart.area_phases(sub, day), day)),
        ("compound chart", lambda: chart.compound_chart(chart.compound_timeline(ds, str(sub.compounds.iloc[0]["compound_id"]), day))),
        ("daily table", lambda: daily_table(sub, day)),
    ]
    total = 0.0
    print(f"/schedule server work for {area} ({len(sub.compounds)} compounds) on {day}, cache cold, best of {repeat}:")
    for name, fn in steps:
        seconds, _ = _best(fn, repeat)
        total += seconds
        print(f"  {_pad(name, 34)} {seconds:5.2f} s")
    print(f"  {_pad('total', 34)} {total:5.2f} s")


def browser_figures(store_url: str, day: str, area: str, repeat: int) -> None:
    from tests.browser_support import chromium_browser, local_only_browser, streamlit_server, timed_visit

    def ready(page: Any) -> None:
        page.locator(".vega-embed").nth(1).wait_for(timeout=120_000)
        page.wait_for_function("() => Array.from(document.querySelectorAll('.vega-embed')).every("
                               "el => el.querySelector('canvas, svg'))", timeout=120_000)

    with streamlit_server(ROOT / "dashboard" / "app.py", env={"QY_STORE": store_url}) as url, \
            chromium_browser() as browser:
        fast = local_only_browser(browser)
        try:
            page_url = f"{url}/schedule?as_of={day}&area={quote(area)}"
            context = fast.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            cold = timed_visit(context, page_url, ready)
            context.close()
            times = []
            for _ in range(repeat):
                context = fast.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
                times.append(timed_visit(context, page_url, ready))
                context.close()
        finally:
            fast.close()
    print(f"/schedule?area={area} in headless chromium, until both charts are drawn:")
    print(f"  cold server: {cold:.2f} s; new context, warm server: median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}, n={len(times)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default=REPORT_DATE.isoformat())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--store", default=SAMPLE_STORE_URL, help="store URL (default: the bundled sample, read only)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores)")
    ds = open_store(args.store).load().dataset
    report_figures(ds, args.day, args.repeat)
    area = _largest_area(ds)
    server_figures(ds, args.day, area, args.repeat)
    if not args.no_browser:
        browser_figures(args.store, args.day, area, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
