"""The explorer at scale in headless chromium: bytes the server sends and server time, per step.

    .venv/bin/python benchmarks/rollup_explorer.py --store URL [--store URL ...] [--as-of 2025-06-30]

e.g. ``--store postgresql://postgres@127.0.0.1:54330/qingyang?schema=syn220k`` (read only: the page
writes nothing). For each store it starts ``streamlit run`` (QY_STORE=URL; the roll-up from
``QY_ROLLUP_FROM``, default 50,000 compounds) and prints, in one table:

- first map: seconds from navigation until the map has drawn its unit circles (cold server: the
  first visit after the start; warm: a second visit in a fresh browser context), and the
  websocket bytes received until then (every delta, the map script, its feature group, the table);
- zoom in: the map set to ``DOTS_ZOOM + 2`` on a busy spot: bytes received and server time
  (rerun request sent -> fragment finished), whether only the fragment ran;
- pan: the same view moved by half its width (a new viewport read);
- dense: ``DOTS_ZOOM`` over the same spot (up to ``MAX_DOTS`` dots);
- page turn: the table's next page;
- the server process's peak resident memory (VmHWM).

Then the same steps' server work in-process (no Streamlit): the viewport read and its feature
group script, the units of the nation, a table page at the start and at the end, the nation's stats;
and the explorer's tools: a status filter on the map (the nation's units, a zoomed-in viewport), a
search, a page turn with and without the count (the count kept apart), and the CSV / XLSX export of a
district and of a city (seconds and bytes). ``--in-process`` prints these only (no browser).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.map_component import feature_group_script, prepare_map  # noqa: E402
from geo import rollup  # noqa: E402
from geo.maps import rollup_map  # noqa: E402
from geo.store import open_store  # noqa: E402
from tests.browser_support import (  # noqa: E402
    chromium_browser,
    is_rerun_request,
    local_only_browser,
    script_finished_kind,
    streamlit_server,
)

_DRAWN = """() => { const m = window.map_div; if (!m || !m.getZoom) { return null; }
  const out = {units: 0, dots: 0, zoom: m.getZoom()};
  m.eachLayer(l => { const p = l.feature && l.feature.properties; if (!p || !l.getLatLng) { return; }
    if (p.code) { out.units++; } else if (p.id) { out.dots++; } });
  return out; }"""


class _Socket:
    """Websocket traffic of one page: bytes received, rerun requests sent, script runs finished."""

    def __init__(self, page: Any) -> None:
        self.received: list[tuple[float, int]] = []
        self.sent: list[float] = []
        self.finished: list[tuple[float, str]] = []

        def got(payload: Any) -> None:
            now = time.perf_counter()
            self.received.append((now, len(payload) if isinstance(payload, (bytes, bytearray)) else len(str(payload))))
            kind = script_finished_kind(payload)
            if kind:
                self.finished.append((now, kind))

        def sent(payload: Any) -> None:
            if isinstance(payload, (bytes, bytearray)) and is_rerun_request(payload):
                self.sent.append(time.perf_counter())

        page.on("websocket", lambda ws: (ws.on("framereceived", got), ws.on("framesent", sent)))

    def bytes_since(self, t0: float) -> int:
        return sum(n for at, n in self.received if at >= t0)

    def runs_since(self, t0: float) -> tuple[float, list[str]]:
        """(server seconds of the last run: its rerun request -> finished, kinds of every run) since ``t0``."""
        done = [f for f in self.finished if f[0] >= t0]
        if not done:
            return float("nan"), []
        last = done[-1][0]
        asked = [s for s in self.sent if t0 <= s <= last]
        return last - (asked[-1] if asked else t0), [k for _, k in done]


def _frame(page: Any) -> Any:
    return page.frame(url=lambda u: "streamlit_folium" in u)


def _wait(page: Any, check: str, timeout_ms: int = 120_000) -> None:
    """Until the map's drawing satisfies ``check`` over ``d``, then until the page has been quiet 1.5 s."""
    deadline = time.perf_counter() + timeout_ms / 1000
    while _frame(page) is None and time.perf_counter() < deadline:
        page.wait_for_timeout(50)
    _frame(page).wait_for_function(f"() => {{ const d = ({_DRAWN})(); return d && ({check}); }}", timeout=timeout_ms)


def _settle(page: Any, sock: _Socket, quiet_s: float = 1.5) -> None:
    while sock.received and time.perf_counter() - sock.received[-1][0] < quiet_s:
        page.wait_for_timeout(100)


def _peak_mb(port: str) -> float:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
                status = Path(f"/proc/{pid}/status").read_text()
                return int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024
        except (OSError, StopIteration):
            continue
    return float("nan")


def _step(page: Any, sock: _Socket, js: str, check: str) -> tuple[int, float, list[str], dict]:
    """Run ``js`` in the map, wait for a script run and for ``check``, then for quiet: (bytes, server s, kinds, drawn)."""
    t0 = time.perf_counter()
    _frame(page).evaluate(js)
    deadline = time.perf_counter() + 120
    while not sock.runs_since(t0)[1] and time.perf_counter() < deadline:
        page.wait_for_timeout(50)
    _wait(page, check)
    _settle(page, sock)
    server, kinds = sock.runs_since(t0)
    return sock.bytes_since(t0), server, kinds, _frame(page).evaluate(_DRAWN)


def _browser(url: str, store: str, as_of: str, spot: tuple[float, float]) -> list[tuple[str, str, str, str]]:
    rows = []
    lat, lon = spot
    with streamlit_server(ROOT / "dashboard" / "app.py", env={"QY_STORE": store}, timeout=180) as base, \
            chromium_browser() as launched:
        port = base.rsplit(":", 1)[1]
        fast = local_only_browser(launched)
        try:
            for label in ("first map (cold server)", "first map (warm server)"):
                context = fast.new_context(viewport={"width": 1600, "height": 1000})
                page = context.new_page()
                sock = _Socket(page)
                t0 = time.perf_counter()
                page.goto(f"{base}/explorer?lang=zh&as_of={as_of}", wait_until="commit")
                _wait(page, "d.units > 0")
                drawn = time.perf_counter() - t0
                _settle(page, sock)
                rows.append((label, f"{drawn:.2f} s", f"{sock.bytes_since(t0) / 1e6:.2f} MB", ""))
                if label.endswith("(warm server)"):
                    break
                context.close()
            zoom = rollup_map.DOTS_ZOOM + 2
            for label, js, check in (
                ("zoom in", f"() => void window.map_div.setView([{lat}, {lon}], {zoom})", "d.dots > 0 && d.units === 0"),
                ("pan", "() => void window.map_div.panBy([-window.map_div.getSize().x / 3, 0], {animate: false})", "true"),
                ("dense view", f"() => void window.map_div.setView([{lat}, {lon}], {rollup_map.DOTS_ZOOM})", "d.zoom === "
                 f"{rollup_map.DOTS_ZOOM} && (d.dots > 0 || d.units > 0)"),
                ("zoom out", "() => void window.map_div.setZoom(5)", "d.units > 0 && d.dots === 0"),
            ):
                sent, server, kinds, drawn = _step(page, sock, js, check)
                rows.append((label, f"{server:.2f} s server", f"{sent / 1e6:.3f} MB",
                             f"{','.join(sorted(set(kinds)))}; {drawn['dots']} dots, {drawn['units']} circles"))
            t0 = time.perf_counter()
            page.get_by_role("button", name="下一页").click()
            page.get_by_text("第 2/").first.wait_for(timeout=60_000)
            _settle(page, sock)
            server, kinds = sock.runs_since(t0)
            rows.append(("page turn", f"{server:.2f} s server", f"{sock.bytes_since(t0) / 1e6:.3f} MB",
                         ",".join(sorted(set(kinds)))))
            rows.append(("server peak memory", f"{_peak_mb(port):.0f} MB", "", ""))
        finally:
            fast.close()
    return rows


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _in_process(url: str, as_of: str) -> tuple[list[tuple[str, str, str, str]], tuple[float, float]]:
    store = open_store(url)
    programme, meta = store.load_programme()
    count = store.compound_count()
    first = store.compounds_page(as_of, limit=1)[0].geometry.iloc[0]
    lat, lon = float(first.y), float(first.x)
    half_w, half_h = 0.03, 0.015  # about the 1600x1000 view's map at DOTS_ZOOM + 2 around 30°N
    box = (lon - half_w, lat - half_h, lon + half_w, lat + half_h)
    base = prepare_map(rollup_map.rollup_map(programme, programme.place))
    rows = []
    t, dots = _timed(lambda: store.compounds_in_box(box, limit=rollup_map.MAX_DOTS + 1))
    t2, script = _timed(lambda: feature_group_script(base, [rollup_map.viewport_group(dots, as_of, programme)]))
    rows.append(("viewport read + group", f"{t:.3f} + {t2:.3f} s", f"{len(script) / 1e6:.3f} MB", f"{len(dots)} dots"))
    level = programme.levels_below(programme.place)[0]
    t, units = _timed(lambda: rollup.units_from_store(store, as_of, place=programme.place, level=level, programme=programme))
    rows.append((f"units of the nation ({level})", f"{t:.3f} s", "", f"{len(units)} units"))
    for offset in (0, max(count - 100, 0)):
        t, (page, total) = _timed(lambda at=offset: store.compounds_page(as_of, offset=at, limit=100))
        rows.append((f"table page at {offset}", f"{t:.3f} s", "", f"{len(page)} of {total}"))
    t, _ = _timed(lambda: rollup.stats_from_store(store, as_of, programme=programme, meta=meta))
    rows.append(("stats of the nation", f"{t:.3f} s", "", ""))
    return rows, (lat, lon)


def _tools(url: str, as_of: str, spot: tuple[float, float]) -> list[tuple[str, str, str, str]]:
    """The explorer's status filter, search, page turn and export, timed in process."""
    from geo import export

    store = open_store(url)
    programme, _ = store.load_programme()
    lat, lon = spot
    box = (lon - 0.03, lat - 0.015, lon + 0.03, lat + 0.015)
    chosen = ["under_construction"]
    rows = []
    level = programme.levels_below(programme.place)[0]
    t, units = _timed(lambda: rollup.units_from_store(store, as_of, place=programme.place, level=level, programme=programme))
    t2, _ = _timed(lambda: rollup_map.units_of_statuses(units, chosen))
    rows.append(("status filter: nation's units", f"{t:.3f} + {t2:.4f} s", "", "units read once per date, then filtered"))
    t, dots = _timed(lambda: store.compounds_in_box(box, limit=rollup_map.MAX_DOTS + 1, statuses=chosen, as_of=as_of))
    rows.append(("status filter: zoomed-in box", f"{t:.3f} s", "", f"{len(dots)} dots under construction"))
    for text in ("SY0123", "花园", "xyz-none"):
        t, hits = _timed(lambda x=text: store.find_compounds(x, limit=20))
        rows.append((f"search {text!r} (nation)", f"{t:.3f} s", "", f"{len(hits)} hits"))
    for statuses in (None, chosen):
        for count in (True, False):
            t, _ = _timed(lambda c=count, s=statuses: store.compounds_page(as_of, offset=100_000 if s is None else 100,
                                                                          limit=100, statuses=s, count=c))
            rows.append((f"page turn, {'with' if count else 'without'} count", f"{t:.3f} s", "",
                         "any status, offset 100,000" if statuses is None else "under construction, offset 100"))
    t, n = _timed(lambda: store.count_compounds(as_of, statuses=chosen))
    rows.append(("count alone (once per scope)", f"{t:.3f} s", "", f"{n:,} compounds"))
    for lvl in ("district", "city"):
        places = programme.at_level(lvl)
        if not places:
            continue
        code = places[0].code
        names = programme.subdistricts_under(code)
        for fmt in ("csv", "xlsx"):
            t, data = _timed(lambda f=fmt, scope=names: export.export_compounds(
                rollup.compounds_of_scope(store, as_of, subdistricts=scope, limit=50_000), f, as_of=as_of,
                programme=programme))
            rows.append((f"export {lvl} {code} {fmt}", f"{t:.2f} s", f"{len(data) / 1e6:.2f} MB",
                         f"{store.count_compounds(as_of, subdistricts=names):,} compounds"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", required=True)
    parser.add_argument("--as-of", default="2025-06-30")
    parser.add_argument("--in-process", action="store_true", help="no browser: the in-process figures only")
    args = parser.parse_args()
    for url in args.store:
        print(f"\n== {url} ({open_store(url).compound_count():,} compounds) ==")
        server, spot = _in_process(url, args.as_of)
        browser = [] if args.in_process else _browser(url, url, args.as_of, spot)
        rows = browser + [("-- in process --", "", "", "")] + server + _tools(url, args.as_of, spot)
        print(f"{'step':32} {'time':24} {'sent':12} note")
        for step, seconds, sent, note in rows:
            print(f"{step:32} {seconds:24} {sent:12} {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
