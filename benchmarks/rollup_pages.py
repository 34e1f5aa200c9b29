"""The roll-up briefing and screen under ``streamlit run`` in headless chromium: time, bytes, memory.

    .venv/bin/python benchmarks/rollup_pages.py --store URL [--place CODE] [--minutes 3] [--rollup-from N]

Starts the dashboard on ``URL`` (``QY_ROLLUP_FROM`` = ``--rollup-from``, default the setting;
the screen rotating every 3 s, the fastest), then prints, for /briefing and /screen at the
place (default the programme's place):

- server time of the first full page: navigation -> the first script run finished (websocket),
  cold (the server's first visit: its caches empty) and warm (a new browser context); with
  ``--warmup`` the server is first warmed as ``scripts/run.sh`` does, and "first" is the first
  visitor's view after that;
- to drawn: navigation -> tiles and the map's unit circles drawn;
- bytes: websocket bytes the browser received until then (the page and its map);
- the screen kept open for ``--minutes``: rotations seen, browser JS heap and DOM nodes
  (after a forced garbage collection) and the server's resident memory, once a minute;
- the server's peak resident memory (VmHWM) at the end.

Targets (issue 13): first full page <= 3 s, <= 10 MB sent, server memory <= 1 GB, memory flat
over the rotations. Chromium resolves only localhost (``tests.browser_support.local_only_browser``).
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

from dashboard import warmup  # noqa: E402
from tests.browser_support import (  # noqa: E402
    FOLIUM_IFRAME,
    REPO_ROOT,
    chromium_browser,
    local_only_browser,
    script_finished_kind,
    streamlit_server,
)


def _server_pid(port: str) -> int | None:
    """The pid of the ``streamlit run`` listening on ``port`` (from /proc)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
            return int(proc.name)
    return None


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Wire:
    """Websocket bytes received and the time of the first script run finished, from a page's frames."""

    def __init__(self, page: Any) -> None:
        self.bytes, self.finished = 0, None

        def received(payload: Any) -> None:
            self.bytes += len(payload)
            if self.finished is None and script_finished_kind(payload) in ("full", "fragment"):
                self.finished = time.perf_counter()

        page.on("websocket", lambda ws: ws.on("framereceived", received))


def _visit(browser: Any, url: str, ready: str, size: tuple[int, int]) -> tuple[float, float, int, Any, Any]:
    """(server s, drawn s, ws bytes, context, page) of one visit in a new context (left open)."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    page = context.new_page()
    wire = _Wire(page)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(ready).first.wait_for(timeout=180_000)
    page.frame_locator(FOLIUM_IFRAME).first.locator("path.leaflet-interactive").first.wait_for(
        state="attached", timeout=180_000)
    drawn = time.perf_counter() - start
    page.wait_for_timeout(500)
    server = (wire.finished or time.perf_counter()) - start
    return server, drawn, wire.bytes, context, page


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the pages, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="store URL (read only)")
    parser.add_argument("--place", default="", help="place code (default the programme's place)")
    parser.add_argument("--minutes", type=int, default=3, help="how long to keep the screen rotating")
    parser.add_argument("--rollup-from", default="", help="QY_ROLLUP_FROM for the server")
    parser.add_argument("--warmup", action="store_true",
                        help="warm the server first as scripts/run.sh does (dashboard.warmup): the first visit is then "
                             "a visitor's first after a warmed start")
    args = parser.parse_args(argv)
    env = {"QY_STORE": args.store, "QY_SCREEN_ROTATE_SECONDS": "3"}
    if args.rollup_from:
        env["QY_ROLLUP_FROM"] = args.rollup_from
    query = f"?place={args.place}" if args.place else ""
    with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env=env, timeout=180) as base, chromium_browser() as chromium:
        pid = _server_pid(base.rsplit(":", 1)[1])
        browser = local_only_browser(chromium)
        try:
            print(f"store {args.store}  server pid {pid}  RSS at start {_status_mb(pid, 'VmRSS'):.0f} MB" if pid else "")
            if args.warmup:
                done = warmup.warm(base, ("briefing", "explorer", "screen"))
                print("warm-up: " + ", ".join(f"{w.page} {w.seconds:.1f} s" for w in done))
            print(f"{'page':<9} {'visit':<5} {'server s':>8} {'drawn s':>8} {'ws MB':>7} {'server RSS MB':>13}")
            pages = (("briefing", ".qy-tiles", (1600, 1000)), ("screen", ".qs-panel", (1920, 1080)))
            screen = None
            for name, ready, size in pages:
                for visit in ("first" if args.warmup else "cold", "warm"):
                    server, drawn, sent, context, page = _visit(browser, f"{base}/{name}{query}", ready, size)
                    rss = _status_mb(pid, "VmRSS") if pid else float("nan")
                    print(f"{name:<9} {visit:<5} {server:>8.2f} {drawn:>8.2f} {sent / 2**20:>7.2f} {rss:>13.0f}", flush=True)
                    if name == "screen" and visit == "warm":
                        screen = (context, page)
                    else:
                        context.close()
            if screen is not None:
                _rotate(screen[0], screen[1], args.minutes, pid)
                screen[0].close()
            if pid:
                print(f"server peak resident memory (VmHWM): {_status_mb(pid, 'VmHWM'):.0f} MB")
        finally:
            browser.close()
    return 0


def _rotate(context: Any, page: Any, minutes: int, pid: int | None) -> None:
    """Keep the screen open; once a minute: rotations, JS heap, DOM nodes (after a GC), server RSS."""
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    print(f"{'min':>3} {'rotations':>9} {'JS heap MB':>10} {'DOM nodes':>9} {'server RSS MB':>13}")
    last, count, start = None, 0, time.monotonic()
    for minute in range(minutes + 1):
        while time.monotonic() < start + 60 * minute:
            page.wait_for_timeout(1000)
            shown = page.locator(".qs-area").first.get_attribute("data-area", timeout=10_000)
            count, last = count + (last is not None and shown != last), shown
        cdp.send("HeapProfiler.collectGarbage")
        m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
        rss = _status_mb(pid, "VmRSS") if pid else float("nan")
        print(f"{minute:>3} {count:>9} {m['JSHeapUsedSize'] / 2**20:>10.1f} {m['Nodes']:>9.0f} {rss:>13.0f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
