"""Many editors at once: N concurrent editors saving progress edits through geo.writes.save_progress, plus readers.

    .venv/bin/python benchmarks/concurrency.py [--seconds 60] [--editors 10,50,100] [--readers 2]
        [--processes 2] [--backends gpkg,postgis] [--pg postgresql://postgres@127.0.0.1:54329/qingyang]

For each backend and each N, a fresh scratch store of the sample (a GeoPackage in a
temporary folder; a new schema in the PostGIS database, dropped afterwards) gets N editor
accounts (every subdistrict). N editor threads, spread over ``--processes`` worker
processes, open a random compound (30 % of the picks among 10 "hot" compounds, so that
editors collide), add 1 万元 to its 2030 donations and save with the tag they opened it
with; a refused save (someone saved since) counts as a conflict, a save that found nothing
to change (it read the +1 already there: a torn read) as a no-op, a StoreError as busy. ``--readers`` threads
load the whole data set meanwhile. Printed per run: accepted saves per second, p50/p95
save latency, conflicts, busy/failed saves, loads per second, their p50 and the loads that
gave up (the store stayed busy for the whole 30 s wait), and the check
that no update was lost: accepted saves = new audit rows = the stored amounts (each
compound's 2030 donations equal the saves accepted for it).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from geo import auth, writes
from geo.audit import FundingProgress, ProgressRecord
from geo.auth import User
from geo.settings import SAMPLE_STORE_URL
from geo.store import EditConflict, StoreError, open_store

YEAR, SOURCE = 2030, "donations"
HOT, HOT_SHARE = 10, 0.3


def _bumped(record: ProgressRecord) -> ProgressRecord:
    """The record with 1 万元 more of 2030 donations."""
    funding = list(record.funding)
    for i, f in enumerate(funding):
        if (f.year, f.source) == (YEAR, SOURCE):
            funding[i] = FundingProgress(year=YEAR, source=SOURCE, amount_wan_yuan=f.amount_wan_yuan + 1)
            break
    else:
        funding.append(FundingProgress(year=YEAR, source=SOURCE, amount_wan_yuan=1.0))
    return record.model_copy(update={"funding": tuple(funding)})


def _editor(url: str, name: str, ids: list[str], deadline: float, seed: int, out: list) -> None:
    store, actor, rng = open_store(url), User(name, "viewer"), random.Random(seed)
    while time.time() < deadline:
        cid = rng.choice(ids[:HOT]) if rng.random() < HOT_SHARE else rng.choice(ids)
        try:
            opened = writes.open_progress(store, cid)
            start = time.perf_counter()
            saved = writes.save_progress(store, actor, _bumped(opened.record), etag=opened.etag)
            out.append(("saved" if saved.changes else "no-op", time.perf_counter() - start, cid))
        except EditConflict:
            out.append(("conflict", time.perf_counter() - start, cid))
        except StoreError:
            out.append(("busy", time.perf_counter() - start, cid))


def _reader(url: str, deadline: float, out: list) -> None:
    store = open_store(url)
    while time.time() < deadline:
        start = time.perf_counter()
        try:
            store.load()
            out.append(("load", time.perf_counter() - start, ""))
        except StoreError:  # the store stayed busy for the whole wait
            out.append(("load busy", time.perf_counter() - start, ""))


def _worker(url: str, editors: list[str], readers: int, ids: list[str], start_at: float, seconds: float,
            seed: int, queue) -> None:
    """One process: its share of editor and reader threads, started together at ``start_at``."""
    results: list[tuple[str, float, str]] = []
    deadline = start_at + seconds
    threads = [threading.Thread(target=_editor, args=(url, name, ids, deadline, seed * 1000 + i, results))
               for i, name in enumerate(editors)]
    threads += [threading.Thread(target=_reader, args=(url, deadline, results)) for _ in range(readers)]
    time.sleep(max(0.0, start_at - time.time()))
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    queue.put(results)


def _prepare(url: str, editors: int) -> list[str]:
    """Fill the store with the sample and ``editors`` editor accounts; return the compound ids, hot ones first."""
    store = open_store(url)
    ds = open_store(SAMPLE_STORE_URL).load().dataset
    store.initialize(ds)
    subdistricts = [p.name for p in ds.programme.subdistricts]
    digest = auth.hash_password("bench-pass-1")
    for i in range(editors):
        store.put_user(f"ed{i:03d}", role="editor", password_hash=digest, subdistricts=subdistricts)
    ids = sorted(ds.compounds["compound_id"])
    random.Random(7).shuffle(ids)
    return ids


def _check(url: str, accepted: Counter, audit_before: int) -> tuple[int, int, int]:
    """(new audit rows, stored total, compounds whose stored amount differs from their accepted saves)."""
    store = open_store(url)
    audit = store.audit()
    funding = store.load().dataset.funding
    stored = funding[(funding["year"] == YEAR) & (funding["source"] == SOURCE)]
    amounts = dict(zip(stored["compound_id"], stored["amount_wan_yuan"]))
    wrong = sum(1 for cid in set(accepted) | set(amounts) if float(amounts.get(cid, 0)) != accepted.get(cid, 0))
    return len(audit) - audit_before, int(sum(amounts.values())), wrong


def run(url: str, editors: int, readers: int, processes: int, seconds: float) -> dict:
    """One run against the store at ``url``: the figures of one line of the table."""
    ids = _prepare(url, editors)
    names = [f"ed{i:03d}" for i in range(editors)]
    audit_before = len(open_store(url).audit())
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 8.0  # time for the workers to import and connect
    procs = [ctx.Process(target=_worker, args=(url, names[p::processes], readers // processes + (p < readers % processes),
                                               ids, start_at, seconds, p, queue)) for p in range(processes)]
    for proc in procs:
        proc.start()
    results = [row for _ in procs for row in queue.get()]
    for proc in procs:
        proc.join()
    saves = [r for r in results if not r[0].startswith("load")]
    accepted = Counter(r[2] for r in saves if r[0] == "saved")
    latency = np.array([r[1] for r in saves]) * 1000
    loads = np.array([r[1] for r in results if r[0] == "load"])
    audit_rows, stored, wrong = _check(url, accepted, audit_before)
    total = sum(accepted.values())
    return {"editors": editors, "readers": readers, "saved": total, "per_s": total / seconds,
            "p50": float(np.percentile(latency, 50)) if len(latency) else 0.0,
            "p95": float(np.percentile(latency, 95)) if len(latency) else 0.0,
            "conflicts": sum(r[0] == "conflict" for r in saves), "busy": sum(r[0] == "busy" for r in saves),
            "noop": sum(r[0] == "no-op" for r in saves),
            "loads_s": len(loads) / seconds, "load_p50": float(np.median(loads)) if len(loads) else 0.0,
            "load_busy": sum(r[0] == "load busy" for r in results),
            "lost": abs(total - audit_rows) + abs(total - stored) + wrong, "audit": audit_rows, "stored": stored}


def _drop_schema(url: str) -> None:
    store = open_store(url)
    with store.connection() as con:  # type: ignore[attr-defined]
        con.execute(f'DROP SCHEMA IF EXISTS "{store.schema}" CASCADE')  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--editors", default="10,50,100", help="comma-separated N")
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--backends", default="gpkg,postgis")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:54329/qingyang",
                        help="database for the PostGIS runs (a scratch schema is made and dropped)")
    args = parser.parse_args()
    print(f"{args.seconds:g} s per run, {args.readers} readers, {args.processes} worker processes; "
          f"{HOT_SHARE:.0%} of picks among {HOT} hot compounds")
    print(f"{'backend':8} {'editors':>7} {'saves/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'saved':>7} {'conflicts':>9} "
          f"{'busy':>5} {'no-op':>5} {'loads/s':>8} {'load s':>7} {'load busy':>9} {'audit':>6} {'stored':>7} {'lost':>5}")
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            for n in (int(x) for x in args.editors.split(",")):
                if backend == "gpkg":
                    url = f"gpkg:{Path(folder) / f'bench-{n}.gpkg'}"
                else:
                    url = f"{args.pg}?schema=bench_{uuid.uuid4().hex[:8]}"
                try:
                    r = run(url, n, args.readers, args.processes, args.seconds)
                finally:
                    if backend != "gpkg":
                        _drop_schema(url)
                print(f"{backend:8} {r['editors']:7d} {r['per_s']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['saved']:7d} "
                      f"{r['conflicts']:9d} {r['busy']:5d} {r['noop']:5d} {r['loads_s']:8.2f} {r['load_p50']:7.2f} {r['load_busy']:9d} {r['audit']:6d} "
                      f"{r['stored']:7d} {r['lost']:5d}", flush=True)


if __name__ == "__main__":
    main()
