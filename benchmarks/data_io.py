"""Time data in and out on a scratch copy of the sample: read + validate, plan, commit, edit, restore.

    .venv/bin/python benchmarks/data_io.py [--rows 20000]

Prints seconds for each step and the store's size per version; never touches the
committed sample. Files are exported from the sample (1,891 compounds) in every
format, plus a generated CSV and XLSX of ``--rows`` rows (the import row limit by
default). Reading is timed in process and in the sandbox the app and the CLI use
(``geo.imports.sandbox``: a separate process with limits), and the whole pipeline
(read in the sandbox, validate, plan) as a page or ``python -m geo import`` runs it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from geo import export, filters, writes
from geo.audit import record_from_input
from geo.imports.pipeline import check_path
from geo.imports.planning import plan_import
from geo.imports.readers import read_file
from geo.imports.sandbox import read_isolated
from geo.imports.validate import validate_table
from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store, scratch_url


def _timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:44} {time.perf_counter() - start:7.2f} s")
    return result


def _big_csv(path: Path, ds, rows: int) -> None:
    base = ds.compounds
    with path.open("w", encoding="utf-8") as handle:
        handle.write("小区名称,经度,纬度,所属街道,户数,楼栋数,计划开工,计划竣工\n")
        for i in range(rows):
            c = base.iloc[i % len(base)]
            handle.write(f"{c['name']}-{i},{c.geometry.x:.6f},{c.geometry.y:.6f},{c['subdistrict']},"
                         f"{c['households']},{c['buildings']},2024/3/1,2024年12月\n")


def _sample_file(tmp: Path, ds, fmt: str) -> Path:
    path = tmp / f"sample.{fmt}"
    if not path.exists():
        frame = filters.summarize_compounds(ds)
        path.write_bytes(export.export_compounds(frame, fmt, programme=ds.programme))
    return path


def _big_xlsx(path: Path, csv_path: Path) -> None:
    """The generated CSV as an XLSX with shared strings, as Excel writes it."""
    frame = pd.read_csv(csv_path, dtype=str)
    frame.to_excel(path, index=False, sheet_name="小区")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = open_store(scratch_url(tmp))
        store.initialize(open_store(SAMPLE_STORE_URL).load().dataset)
        admin = writes.create_first_admin(store, "bench", "bench-password")
        loaded = _timed("load store", store.load)
        ds = loaded.dataset
        read_isolated(_sample_file(tmp, ds, "csv"))  # start the sandbox's fork server (once per process)
        for fmt in ("csv", "xlsx", "geojson", "gpkg"):
            path = _sample_file(tmp, ds, fmt)
            raw = _timed(f"read {fmt} (1,891 rows)", read_file, path)
            _timed(f"read {fmt} in the sandbox", read_isolated, path)
            report = _timed(f"validate {fmt}", validate_table, raw, ds)
            _timed(f"plan import {fmt}", plan_import, ds, report)
            _timed(f"pipeline {fmt} (sandbox + validate + plan)", check_path, path, ds)
        big = tmp / "big.csv"
        _big_csv(big, ds, args.rows)
        wide = tmp / "big.xlsx"
        _big_xlsx(wide, big)
        _timed(f"read xlsx ({args.rows:,} rows, in the sandbox)", read_isolated, wide)
        _timed(f"read csv ({args.rows:,} rows, in the sandbox)", read_isolated, big)
        tracemalloc.start()
        raw = _timed(f"read csv ({args.rows:,} rows)", read_file, big)
        report = _timed(f"validate csv ({args.rows:,} rows)", validate_table, raw, ds)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{'peak Python memory, read + validate':44} {peak:7.1f} MB ({len(report.errors)} errors)")
        plan = _timed(f"plan import ({args.rows:,} rows)", plan_import, ds, report)
        size0 = store.size_bytes()
        _timed("commit (new version, whole file)", writes.commit_import, store, admin, plan,
               expected=loaded.fingerprint)
        size1 = store.size_bytes()
        opened = writes.open_progress(store, "QY-0001")
        after = record_from_input({**opened.record.model_dump(), "actual_finish": dt.date(2016, 11, 1)})
        _timed("one progress edit (SQL transaction)", writes.save_progress, store, admin, after, etag=opened.etag)
        _timed("restore version 1", writes.restore_version, store, admin, 1)
        size2 = store.size_bytes()
        print(f"{'store size: sample / +big import / +restore':44} {size0 / 2**20:.1f} / {size1 / 2**20:.1f} / "
              f"{size2 / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
