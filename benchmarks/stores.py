"""Store operations on each backend, on a scratch store of the sample: build, load, import, edit, restore, size.

    .venv/bin/python benchmarks/stores.py [--backends gpkg,postgis] [--pg URL] [--repeat 3] [--scale 1]

Per backend: write the sample as version 1, load it (median of ``--repeat``), commit an
import that changes 1 % of the compounds and adds 1 % (the store's cost, no file parsing;
benchmarks/data_io.py times reading and validating files), commit the same data again
(an import that changes nothing), one progress edit through ``geo.writes.save_progress``,
restore version 1, read version 2 back, and the store's size after each write.
``--scale K`` builds a store of K jittered copies of the sample's compounds first
(with their works, elevators and funding), to see how each cost grows with the store.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

from geo import writes
from geo.audit import record_from_input
from geo.dataset import Dataset
from geo.settings import SAMPLE_STORE_URL
from geo.store import Store, open_store


def _timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def scaled(ds: Dataset, copies: int) -> Dataset:
    """``copies`` copies of every compound (ids suffixed, points jittered) with their works, elevators, funding."""
    if copies <= 1:
        return ds
    rng = np.random.default_rng(1)
    parts = {name: [] for name in ("compounds", "works", "elevators", "funding")}
    for k in range(copies):
        suffix = "" if k == 0 else f"-{k}"
        c = ds.compounds.copy()
        c["compound_id"] = c["compound_id"] + suffix
        if k:
            c.geometry = c.geometry.translate(*rng.normal(0, 0.002, 2))
        parts["compounds"].append(c)
        for name in ("works", "elevators", "funding"):
            frame = getattr(ds, name).copy()
            frame["compound_id"] = frame["compound_id"].where(frame["compound_id"].isna(), frame["compound_id"] + suffix)
            if name == "elevators":
                frame["elevator_id"] = frame["elevator_id"] + suffix
            parts[name].append(frame)
    return ds.with_layers(**{name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()})


def _changed(ds: Dataset) -> Dataset:
    """The data with 1 % of the compounds changed (households + 1) and 1 % more (copies of the first ones)."""
    n = max(1, len(ds.compounds) // 100)
    compounds = ds.compounds.copy()
    compounds.loc[compounds.index[::100][:n], "households"] += 1
    extra = compounds.iloc[:n].copy()
    extra["compound_id"] = [f"NEW-{i:05d}" for i in range(n)]
    return ds.with_layers(compounds=pd.concat([compounds, extra], ignore_index=True))


def measure(store: Store, ds: Dataset, repeat: int) -> list[tuple[str, str]]:
    """(label, figure) rows for one backend."""
    rows = []
    mb = lambda: f"{store.size_bytes() / 2**20:.1f} MB"  # noqa: E731
    t, _ = _timed(store.initialize, ds)
    rows.append(("write the data as version 1", f"{t:.2f} s, {mb()}"))
    admin = writes.create_first_admin(store, "bench", "bench-password")
    loads = [_timed(store.load)[0] for _ in range(repeat)]
    rows.append(("load (median)", f"{statistics.median(loads):.2f} s"))
    t, _ = _timed(store.commit, _changed(ds), user="bench", note="1 % changed, 1 % added")
    rows.append(("import: 1 % changed, 1 % added", f"{t:.2f} s, {mb()}"))
    current = store.load().dataset
    t, _ = _timed(store.commit, current, user="bench", note="nothing changed")
    rows.append(("import: nothing changed", f"{t:.2f} s, {mb()}"))
    cid = ds.compounds["compound_id"].iloc[0]
    edits = []
    for day in range(1, repeat + 1):
        opened = writes.open_progress(store, cid)
        after = record_from_input({**opened.record.model_dump(), "plan_finish": pd.Timestamp(f"2030-01-{day:02d}").date()})
        edits.append(_timed(writes.save_progress, store, admin, after, etag=opened.etag)[0])
    rows.append(("progress edit, save_progress (median)", f"{statistics.median(edits) * 1000:.0f} ms"))
    t, _ = _timed(writes.restore_version, store, admin, 1)
    rows.append(("restore version 1", f"{t:.2f} s, {mb()}"))
    t, old = _timed(store.load_version, 2)
    assert len(old.compounds) == len(ds.compounds) + max(1, len(ds.compounds) // 100)
    rows.append(("read version 2 back", f"{t:.2f} s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="gpkg,postgis")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:54329/qingyang",
                        help="database for the PostGIS run (a scratch schema is made and dropped)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="copies of the sample's compounds")
    args = parser.parse_args()
    ds = scaled(open_store(SAMPLE_STORE_URL).load().dataset, args.scale)
    print(f"{len(ds.compounds):,} compounds, {len(ds.works):,} works, {len(ds.funding):,} funding rows")
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            url = f"gpkg:{Path(folder) / 'bench.gpkg'}" if backend == "gpkg" else \
                f"{args.pg}?schema=bench_{uuid.uuid4().hex[:8]}"
            store = open_store(url)
            try:
                rows = measure(store, ds, args.repeat)
            finally:
                if backend != "gpkg":
                    with store.connection() as con:  # type: ignore[attr-defined]
                        con.execute(f'DROP SCHEMA IF EXISTS "{store.schema}" CASCADE')  # type: ignore[attr-defined]
            print(f"\n{backend}")
            for label, figure in rows:
                print(f"  {label:40} {figure}")


if __name__ == "__main__":
    main()
