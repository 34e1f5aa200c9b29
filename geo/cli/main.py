"""Command line: ``python -m geo COMMAND ...`` (stats, convert, build-sample, edit, users, ...).

Bad input exits with code 2 and one line that names the valid choices; a refused write
(wrong password, no right, conflict, bad value) exits 1 with one line; never a traceback.
Each command is registered by a ``_register_*`` function listed in ``REGISTRARS``.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from geo import crs, metrics, rollup, writes
from geo.auth import VIEWER, Refused
from geo.cli import brief as cli_brief
from geo.cli import data as cli_data
from geo.cli import edit as cli_edit
from geo.cli import migrate as cli_migrate
from geo.cli import schedule as cli_schedule
from geo.cli import users as cli_users
from geo.cli.common import (
    ERROR,
    REFUSED,
    STORE_HELP,
    USER_HELP,
    OneLineParser,
    Refusal,
    UsageError,
    parse_date,
    sign_in,
    store_from,
)
from geo.i18n import bilingual
from geo.sample.build import SEED, build_sample
from geo.settings import SAMPLE_STORE_URL
from geo.store import StoreError
from geo.synthetic import SEED as SYNTHETIC_SEED
from geo.synthetic import build_synthetic


# --- stats ----------------------------------------------------------------------
def _cmd_stats(args: argparse.Namespace) -> int:
    as_of = parse_date(args.as_of) if args.as_of else None
    store = store_from(args)
    try:
        result = rollup.stats_from_store(store, as_of, place=args.place, area=args.area, subdistrict=args.subdistrict)
        if not args.facts_only:  # the construction blocks read the loaded data set
            scope = metrics.filter_dataset(store.load().dataset, place=args.place, area=args.area,
                                           subdistrict=args.subdistrict)
            result.update(metrics.construction_stats(scope, as_of))
    except metrics.UnknownPlace as exc:
        raise UsageError(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_stats(result)
    return 0


def _print_stats(r: dict) -> None:
    c, e, g, f = r["compounds"], r["elevators"], r["greenways"], r["funding_wan_yuan"]
    p = r["programme"]
    print(f"{p['name']} / {p['name_en']}")
    print(bilingual("cli.as_of", date=r["as_of"]) + (f"  ({bilingual('cli.illustrative')})" if r["illustrative"] else ""))
    batches = {"batches": ", ".join(f"{k}: {v}" for k, v in r["batches"].items())}
    lines = [("cli.stats.fyp14", r["fyp14"]), ("cli.stats.survey", c), ("cli.stats.status", c),
             ("cli.stats.batches", batches), ("cli.stats.elevators", e), ("cli.stats.greenways", g),
             ("cli.stats.funding", f)]
    for key, values in lines:
        print(f"  {bilingual(key, **values)}")


def _register_stats(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="headline metrics (JSON with --json)")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--place", help="a place code of the programme to roll up (default: the programme's own)")
    p.add_argument("--area", help="one renovation area (片区)")
    p.add_argument("--subdistrict", help="one subdistrict (街道)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--facts-only", action="store_true",
                   help="only the figures the store aggregates (SQL on PostGIS), without the construction blocks "
                        "(sequencing, issues, daily), which load the whole data set")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_stats)


# --- convert --------------------------------------------------------------------
def _cmd_convert(args: argparse.Namespace) -> int:
    lon, lat = crs.convert(args.lon, args.lat, args.src, args.dst)
    print(f"{float(lon):.9f} {float(lat):.9f}")
    return 0


def _register_convert(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert one coordinate between wgs84/cgcs2000/gcj02/bd09")
    p.add_argument("--from", dest="src", required=True, choices=crs.CRS_NAMES)
    p.add_argument("--to", dest="dst", required=True, choices=crs.CRS_NAMES)
    p.add_argument("lon", type=float)
    p.add_argument("lat", type=float)
    p.set_defaults(func=_cmd_convert)


# --- build-sample ---------------------------------------------------------------
def _cmd_build_sample(args: argparse.Namespace) -> int:
    ds = build_sample(args.seed)
    store = store_from(argparse.Namespace(store=args.output))
    actor = sign_in(store, args.user) if args.user else VIEWER
    try:
        writes.initialize_store(store, actor, ds)
    except Refused as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {args.output}: {len(ds.compounds)} compounds, {len(ds.works)} works, "
          f"{len(ds.elevators)} elevators, {len(ds.funding)} funding rows, {len(ds.greenways)} greenways")
    return 0


def _register_build_sample(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build-sample", help="regenerate the illustrative sample (a fresh store: history and users restart)")
    p.add_argument("-o", "--output", default=SAMPLE_STORE_URL, help="store URL or path (default: the bundled sample)")
    p.add_argument("--user", help=f"an admin, to replace a store that has one: {USER_HELP}")
    p.add_argument("--seed", type=int, default=SEED)
    p.set_defaults(func=_cmd_build_sample)


# --- build-synthetic --------------------------------------------------------------
def _cmd_build_synthetic(args: argparse.Namespace) -> int:
    if args.compounds < args.provinces:
        raise UsageError(bilingual("cli.too_few_compounds", provinces=args.provinces))
    ds = build_synthetic(args.compounds, provinces=args.provinces, seed=args.seed)
    store = store_from(args)
    actor = sign_in(store, args.user) if args.user else VIEWER
    try:
        writes.initialize_store(store, actor, ds)
    except Refused as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    p = ds.programme
    print(f"wrote {store.url}: {len(ds.compounds)} compounds in {len(p.at_level('province'))} provinces, "
          f"{len(p.at_level('city'))} cities, {len(p.at_level('district'))} districts, {len(p.subdistricts)} subdistricts; "
          f"{len(ds.works)} works, {len(ds.elevators)} elevators, {len(ds.funding)} funding rows, "
          f"{len(ds.daily_progress)} daily progress rows")
    return 0


def _register_build_synthetic(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build-synthetic",
                       help="a synthetic national programme for tests and benchmarks (a fresh store: history and users restart)")
    p.add_argument("--compounds", type=int, default=220_000, help="compounds to make (default 220000)")
    p.add_argument("--provinces", type=int, default=31, help="provinces (default 31)")
    p.add_argument("--seed", type=int, default=SYNTHETIC_SEED)
    p.add_argument("--store", required=True, help=STORE_HELP)
    p.add_argument("--user", help=f"an admin, to replace a store that has one: {USER_HELP}")
    p.set_defaults(func=_cmd_build_synthetic)


def _register_data(sub: argparse._SubParsersAction) -> None:
    """validate / import / export / history / restore / changes / users (geo.cli.data)."""
    for register in cli_data.REGISTRARS:
        register(sub)


def _register_brief(sub: argparse._SubParsersAction) -> None:
    """brief: the briefing pack, PPTX or PDF (geo.cli.brief)."""
    cli_brief.register(sub)


def _register_writes(sub: argparse._SubParsersAction) -> None:
    """edit: a progress edit (geo.cli.edit); users: user management (geo.cli.users); migrate (geo.cli.migrate)."""
    cli_edit.register(sub)
    cli_users.register(sub)
    cli_migrate.register(sub)


def _register_schedule(sub: argparse._SubParsersAction) -> None:
    """progress / sequence / daily: running the sites (geo.cli.schedule)."""
    cli_schedule.register(sub)


REGISTRARS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_stats, _register_convert, _register_build_sample, _register_build_synthetic, _register_data,
    _register_brief, _register_writes, _register_schedule,
]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered command."""
    parser = OneLineParser(prog="python -m geo", description="老旧小区连片改造 GIS core / old-compound renovation GIS core")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"{ERROR} {exc}", file=sys.stderr)
        return 2
    except Refusal as exc:
        print(f"{REFUSED} {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # e.g. an unknown CRS alias reaching geo.crs
        print(f"{ERROR} {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
