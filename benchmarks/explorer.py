"""Time the 筛选/Explorer page in headless chromium: first full map, filter change, map click.

    .venv/bin/python benchmarks/explorer.py [--sizes sample,10000] [--repeat 3]

For each data set (the bundled sample, and N-compound synthetic sets written to a temporary
GeoPackage: jittered copies of the sample's compounds with their works, elevators and
funding; the app runs with QY_STORE pointing at it) it starts ``streamlit run``, then prints:

- first full map: seconds from navigation to every filtered compound drawn (the map
  container's ``data-qy-shown`` equals the expected count); "cold server" = first visit
  after the server started (loads the store, renders the map), "warm server" = best later
  first visit (fresh browser profile), "revisit" = a reload with the browser cache warm
  (these in a chromium where only localhost resolves, without the browser tests' request
  routing, which adds ~0.3-0.5 s a page and switches the cache off);
- filter change: server time (websocket: rerun request sent -> script finished) and the time
  until the map and the table show the new compounds, for several status filters, each new
  to the server's caches;
- map click: whether a click on a compound reran the whole page or only the fragment, and its
  server time;
- "script alone": the same filter steps run in-process by streamlit's AppTest (no browser,
  no websocket): the server's own work, which the machine's load distorts least.

Targets: sample filter change <= 0.5 s server time; at 10k beat the reference
(11.8 s first full map, 1.9-6.6 s per rerun, plain st_folium + GeoJSON) by 5x or more.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import filters as F  # noqa: E402
from geo.dataset import Dataset  # noqa: E402
from geo.store import open_store, scratch_url  # noqa: E402
from tests.browser_support import (  # noqa: E402
    FOLIUM_IFRAME,
    chromium_browser,
    local_only_browser,
    offline_page,
    script_finished_kind,
    streamlit_server,
    timed_visit,
    wait_for_map,
)

REFERENCE_FIRST_MAP_S = 11.8
REFERENCE_RERUN_S = (1.9, 6.6)
#: One change per step (one rerun each), every resulting filter new to the caches:
#: (sidebar multiselect index, option label to add, the filter after the step).
FILTER_STEPS = (
    (2, "已完工", F.CompoundFilter(statuses=("completed",))),
    (2, "计划", F.CompoundFilter(statuses=("completed", "planned"))),
    (2, "在建", F.CompoundFilter(statuses=("completed", "under_construction", "planned"))),
    (0, "清溪片区", F.CompoundFilter(areas=("清溪片区",), statuses=("completed", "under_construction", "planned"))),
)
_DOT = """() => { const m = window.map_div, s = m.getSize(); let best = null;
  m.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (!best && p && p.id && l.getLatLng) { const c = m.latLngToContainerPoint(l.getLatLng());
      if (c.x > 60 && c.y > 60 && c.x < s.x - 60 && c.y < s.y - 60) best = {x: c.x, y: c.y}; } });
  return best; }"""


# --- synthetic data -------------------------------------------------------------------------
def synthetic_dataset(ds: Dataset, n: int, *, seed: int = 7, jitter_deg: float = 0.0015) -> Dataset:
    """``n`` compounds: the sample's, then random copies moved up to ``jitter_deg`` (WGS-84),
    each copy with its original's works, elevators and funding (new ids SY-00001...)."""
    rng = np.random.default_rng(seed)
    extra = rng.integers(0, len(ds.compounds), max(0, n - len(ds.compounds)))
    src = ds.compounds.iloc[np.concatenate([np.arange(len(ds.compounds)), extra])[:n]].reset_index(drop=True)
    new_ids = [f"SY-{i + 1:05d}" for i in range(n)]
    dx, dy = rng.uniform(-jitter_deg, jitter_deg, (2, n))
    compounds = gpd.GeoDataFrame(
        src.assign(compound_id=new_ids, name=[f"{name}·{i + 1}" for i, name in enumerate(src["name"])]),
        geometry=gpd.points_from_xy(src.geometry.x + dx, src.geometry.y + dy), crs=ds.compounds.crs)
    mapping = pd.DataFrame({"compound_id": src["compound_id"].to_numpy(), "_new": new_ids})

    def remap(frame: pd.DataFrame) -> pd.DataFrame:
        out = mapping.merge(frame, on="compound_id").drop(columns="compound_id")
        return out.rename(columns={"_new": "compound_id"})[list(frame.columns)].reset_index(drop=True)

    elevators = remap(ds.elevators)
    elevators["elevator_id"] = [f"SE-{i + 1:06d}" for i in range(len(elevators))]
    return ds.with_layers(compounds=compounds, works=remap(ds.works), elevators=elevators,
                          funding=remap(ds.funding), footprints=ds.footprints.iloc[0:0])


# --- browser measurements ------------------------------------------------------------------
class _Socket:
    """Streamlit's websocket traffic: rerun requests sent, script runs finished (with kind)."""

    def __init__(self, page: Any) -> None:
        self.sent: list[float] = []
        self.finished: list[tuple[float, str]] = []

        def received(payload: Any) -> None:
            kind = script_finished_kind(payload)
            if kind:
                self.finished.append((time.perf_counter(), "whole page" if kind == "full" else kind))

        def attach(ws: Any) -> None:
            ws.on("framereceived", received)
            ws.on("framesent", lambda _: self.sent.append(time.perf_counter()))

        page.on("websocket", attach)

    def run_after(self, page: Any, t0: float, timeout_s: float = 120) -> tuple[float, str]:
        """(server seconds, kind) of the first run finished after ``t0`` (from the request sent)."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            done = [f for f in self.finished if f[0] > t0]
            if done:
                sent = [s for s in self.sent if t0 <= s <= done[0][0]]
                return done[0][0] - (sent[0] if sent else t0), done[0][1]
            page.wait_for_timeout(20)
        raise TimeoutError("no script run finished")


def _expected(ds: Dataset, flt: F.CompoundFilter | None = None) -> int:
    flt = flt or F.CompoundFilter()
    return len(F.apply_filters(ds, flt, dt.date.today()))


def _first_map(browser: Any, url: str, count: int, revisits: int = 0) -> list[float]:
    """Seconds from navigation to all ``count`` filtered compounds drawn: a first visit in a
    fresh browser context (no cache), then ``revisits`` reloads in it (browser cache warm).
    ``browser``: a :func:`local_only_browser` (only localhost resolves)."""
    def drawn(page: Any) -> None:
        frame = wait_for_map(page, min_features=1, timeout_ms=180_000)
        frame.locator(f"[data-qy-shown='{count}']").wait_for(state="attached", timeout=180_000)

    context = browser.new_context(viewport={"width": 1600, "height": 1200}, locale="zh-CN")
    try:
        page = context.new_page()
        return [timed_visit(context, f"{url}/explorer", drawn, page=page, reload=i > 0) for i in range(1 + revisits)]
    finally:
        context.close()


def _add_option(page: Any, index: int, label: str) -> None:
    """Add ``label`` to the ``index``-th sidebar multiselect through the UI (one change)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(index)
    box.locator("input").click()
    page.locator('[role="option"]', has_text=re.compile(f"^{re.escape(label)}$")).first.click()
    page.keyboard.press("Escape")


def _filter_and_click(browser: Any, url: str, ds: Dataset) -> tuple[list[tuple[float, float, int]], tuple[float, str]]:
    """Filter changes [(server s, until drawn s, compounds)] and one map click (server s, kind)."""
    results = []
    with offline_page(browser, f"{url}/_stcore/health", width=1600, height=1400) as visit:
        page = visit.page
        sock = _Socket(page)
        page.goto(f"{url}/explorer", wait_until="commit")
        frame = wait_for_map(page, min_features=1, timeout_ms=180_000)
        frame.locator(f"[data-qy-shown='{_expected(ds)}']").wait_for(state="attached", timeout=180_000)
        page.wait_for_timeout(1000)
        for index, label, flt in FILTER_STEPS:
            count = _expected(ds, flt)
            t0 = time.perf_counter()
            _add_option(page, index, label)
            frame.locator(f"[data-qy-shown='{count}']").wait_for(state="attached", timeout=180_000)
            page.get_by_text(f"筛选结果 {count:,} 个小区").wait_for(timeout=180_000)
            drawn = time.perf_counter() - t0
            server, _ = sock.run_after(page, t0)
            results.append((server, drawn, count))
            page.wait_for_timeout(500)
        dot = page.frame(url=lambda u: "streamlit_folium" in u).evaluate(_DOT)
        box = page.locator(FOLIUM_IFRAME).bounding_box()
        t0 = time.perf_counter()
        page.mouse.click(box["x"] + dot["x"], box["y"] + dot["y"])
        click = sock.run_after(page, t0)
        if visit.errors or visit.blocked:
            print(f"  ! page errors {visit.errors[:3]} blocked {visit.blocked[:3]}")
    return results, click


def _pad(text: str, width: int) -> str:
    """Left-justify allowing for double-width CJK characters."""
    return text + " " * max(1, width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))


def _script_times(store: str | None) -> list[float]:
    """In-process script time (AppTest, no browser) of the same filter steps: pure server work."""
    from streamlit.testing.v1 import AppTest

    if store:
        os.environ["QY_STORE"] = str(store)
    try:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
        at.switch_page("app_pages/explorer.py")
        at.run()
        names = ("explorer_f_areas", "explorer_f_subdistricts", "explorer_f_statuses")
        times = []
        for index, _, flt in FILTER_STEPS:
            key = names[index]
            at.sidebar.multiselect(key=key).set_value(list(flt.areas if index == 0 else flt.statuses))
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        return times
    finally:
        os.environ.pop("QY_STORE", None)


def _measure(label: str, store: str | None, ds: Dataset, repeat: int) -> None:
    env = {"QY_STORE": str(store)} if store else {}
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\n== {label}: {len(ds.compounds):,} compounds (load average {load} on {os.cpu_count()} cores) ==")
    with streamlit_server(ROOT / "dashboard" / "app.py", env=env, timeout=180) as url, chromium_browser() as browser:
        count = _expected(ds)
        local = local_only_browser(browser)
        try:
            cold = _first_map(local, url, count)[0]
            warm = min(_first_map(local, url, count)[0] for _ in range(repeat))
            revisit = min(_first_map(local, url, count, revisits=repeat)[1:])
        finally:
            local.close()
        print(f"first full map: cold server {cold:.2f} s, warm server {warm:.2f} s, revisit {revisit:.2f} s (best of {repeat})"
              f"  [reference {REFERENCE_FIRST_MAP_S} s at 10k: {REFERENCE_FIRST_MAP_S / warm:.1f}x faster warm,"
              f" {REFERENCE_FIRST_MAP_S / revisit:.1f}x revisit, {REFERENCE_FIRST_MAP_S / cold:.1f}x cold]")
        sessions = [_filter_and_click(browser, url, ds) for _ in range(repeat)]
    scripts = _script_times(store)
    for i, (_, name, _flt) in enumerate(FILTER_STEPS):
        server = min(steps[i][0] for steps, _ in sessions)
        drawn = min(steps[i][1] for steps, _ in sessions)
        print(f"filter {_pad('+' + name, 12)} server {server:.2f} s, map+table updated {drawn:.2f} s,"
              f" script alone {scripts[i]:.2f} s ({sessions[0][0][i][2]:,} compounds; best of {repeat})")
    worst = max(min(steps[i][0] for steps, _ in sessions) for i in range(len(FILTER_STEPS)))
    print(f"filter change server time: worst step {worst:.2f} s, script alone at most {max(scripts):.2f} s"
          f"  [reference {REFERENCE_RERUN_S[0]}-{REFERENCE_RERUN_S[1]} s per rerun: "
          f"{REFERENCE_RERUN_S[0] / worst:.1f}x-{REFERENCE_RERUN_S[1] / worst:.1f}x faster]")
    kinds = sorted({kind for _, (_, kind) in sessions})
    print(f"map click: reran the {' / '.join(kinds)} only, server {min(c[0] for _, c in sessions):.2f} s (best of {repeat})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="sample,10000", help="comma-separated: sample and/or compound counts")
    parser.add_argument("--repeat", type=int, default=3, help="warm first-map visits (the best is printed)")
    args = parser.parse_args()
    sample = open_store().load().dataset
    with tempfile.TemporaryDirectory() as tmp:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            if size == "sample":
                _measure("sample", None, sample, args.repeat)
                continue
            start = time.perf_counter()
            ds = synthetic_dataset(sample, int(size))
            store = scratch_url(tmp, f"synthetic_{size}")
            open_store(store).initialize(ds)
            print(f"\n(synthetic store {store}: {time.perf_counter() - start:.1f} s to write)")
            _measure(f"synthetic {int(size):,}", store, open_store(store).load().dataset, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
