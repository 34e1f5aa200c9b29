"""Roll-up at scale: today's design (load everything, pandas, every compound on the map) vs the new
one (facts in the database, totals per place, viewport dots), side by side in one run.

    .venv/bin/python benchmarks/rollup.py --store NAME=URL [--store NAME=URL ...] [--as-of 2025-06-30]

e.g. ``--store sample=gpkg:data/sample/qingyang_sample.gpkg --store sample-pg=postgresql://…?schema=sample
--store 220k-pg=postgresql://…?schema=syn220k`` (build a synthetic store first:
``python -m geo build-synthetic --compounds 220000 --store URL``; keep it outside the repo).

Each design runs on each store in a fresh child process (so memory is its own), with the
server side only (no browser): the figures are what the Streamlit process does and sends.

- first map: today: ``store.load()`` + the explorer's map of every compound rendered to HTML;
  new: the programme alone + totals of the first level below the place + the base map, rendered;
- map bytes: the HTML sent for that first map; new also: a zoomed-in view of one district's
  viewport (``compounds_in_box``, at most ``rollup_map.MAX_DOTS`` dots);
- scope change: today: ``geo.filters.apply_filters`` (one batch) on the loaded data;
  new: the totals of the units of one province (``units_from_store``), warm;
- stats: the nation's (the programme's) ``stats``: today ``metrics.stats`` on the loaded data
  (plus the load before it, in brackets), new ``rollup.stats_from_store`` (SQL on PostGIS), warm;
- memory: the child's peak resident memory.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import filters, metrics, rollup
from geo.maps import filter_layer, rollup_map
from geo.maps.webmap import MapOptions
from geo.store import open_store

DESIGNS = ("today", "new")


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _today(url: str, as_of: str) -> dict[str, Any]:
    store = open_store(url)
    t_load, loaded = _timed(store.load)
    ds = loaded.dataset
    t_map, html = _timed(lambda: filter_layer.explorer_map(ds, as_of=as_of).get_root().render())
    batch = filters.CompoundFilter(batches=("2023",))
    filters.apply_filters(ds, batch, as_of)  # warm
    t_filter, _ = _timed(filters.apply_filters, ds, filters.CompoundFilter(batches=("2024",)), as_of)
    t_stats, _ = _timed(metrics.stats, ds, as_of)
    return {"compounds": len(ds.compounds), "first_map_s": t_load + t_map, "map_bytes": len(html.encode()),
            "view_bytes": None, "scope_s": t_filter, "stats_s": t_stats, "stats_load_s": t_load, "peak_mb": _peak_mb()}


def _new(url: str, as_of: str) -> dict[str, Any]:
    store = open_store(url)
    start = time.perf_counter()
    programme, meta = store.load_programme()
    level = rollup_map.level_for_zoom(programme, programme.place, 4) or "subdistrict"
    units = rollup.units_from_store(store, as_of, level=level, programme=programme)
    fmap = rollup_map.rollup_map(programme, options=MapOptions())
    rollup_map.units_group(units, programme).add_to(fmap)
    html = fmap.get_root().render()
    t_map = time.perf_counter() - start
    district = programme.at_level("district")[0]
    names = programme.subdistricts_under(district.code)
    dots = store.compounds_in_box(_view_box(programme, names), limit=rollup_map.MAX_DOTS, subdistricts=names)
    bare = len(rollup_map.rollup_map(programme).get_root().render().encode())
    with_dots = rollup_map.rollup_map(programme).add_child(rollup_map.viewport_group(dots, as_of, programme))
    view_bytes = len(with_dots.get_root().render().encode()) - bare  # what feature_group_to_add sends
    province = next(iter(programme.scope_children(programme.place)), None)
    code = province.code if province else programme.place
    rollup.units_from_store(store, as_of, place=code, programme=programme)  # warm
    t_scope, _ = _timed(rollup.units_from_store, store, as_of, place=code, programme=programme)
    rollup.stats_from_store(store, as_of, programme=programme, meta=meta)  # warm (the server's caches)
    t_stats, _ = _timed(rollup.stats_from_store, store, as_of, programme=programme, meta=meta)
    return {"compounds": int(units["compounds"].sum()), "first_map_s": t_map, "map_bytes": len(html.encode()),
            "view_bytes": view_bytes, "view_dots": len(dots), "scope_s": t_scope, "stats_s": t_stats,
            "stats_load_s": None, "peak_mb": _peak_mb()}


def _view_box(programme: Any, names: tuple[str, ...]) -> tuple[float, float, float, float]:
    """A zoomed-in view (about 11 km across) at the first of ``names`` (subdistricts) with a known centre."""
    spot = next(((p.lon, p.lat) for p in programme.subdistricts if p.name in set(names) and p.lon is not None), None)
    if spot is None:
        return (-180.0, -90.0, 180.0, 90.0)
    return (spot[0] - 0.05, spot[1] - 0.05, spot[0] + 0.05, spot[1] + 0.05)


def _child(design: str, url: str, as_of: str) -> int:
    result = (_today if design == "today" else _new)(url, as_of)
    print(json.dumps(result))
    return 0


def _run(design: str, url: str, as_of: str) -> dict[str, Any]:
    r = subprocess.run([sys.executable, __file__, "--child", design, url, "--as-of", as_of],
                       capture_output=True, text=True)
    if r.returncode:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value / 1e6:.2f} MB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", action="append", default=[], help="NAME=URL (repeat)")
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--designs", default=",".join(DESIGNS))
    ap.add_argument("--child", nargs=2, metavar=("DESIGN", "URL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return _child(args.child[0], args.child[1], args.as_of)
    header = ("store", "design", "compounds", "first map", "map sent", "zoomed-in view", "scope change",
              "stats (nation)", "peak memory")
    rows = []
    for item in args.store:
        name, url = item.split("=", 1)
        for design in args.designs.split(","):
            r = _run(design, url, args.as_of)
            if "error" in r:
                rows.append((name, design, "error: " + r["error"][:80], "", "", "", "", "", ""))
                continue
            stats = _fmt(r["stats_s"], "s") + (f" (+{r['stats_load_s']:.2f} s load)" if r["stats_load_s"] else "")
            view = "—" if r["view_bytes"] is None else f"{r['view_bytes'] / 1e6:.2f} MB ({r['view_dots']} dots)"
            rows.append((name, design, _fmt(r["compounds"]), _fmt(r["first_map_s"], "s"), _fmt(r["map_bytes"], "MB"),
                         view, _fmt(r["scope_s"], "s"), stats, f"{r['peak_mb']:.0f} MB"))
            print(f"  done: {name} {design}", file=sys.stderr, flush=True)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(f"as of {args.as_of}; server side, warm where it says so; one child process per row")
    for row in (header, *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
