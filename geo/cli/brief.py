"""``python -m geo brief``: write the briefing pack (PPTX or PDF) for a date, area and language.

    python -m geo brief --as-of 2022-12-09 -o brief.pptx
    python -m geo brief --area AREA --lang en -o area.pdf

The format follows the output file's suffix. Bad input (unknown area, date, suffix)
exits 2 with one line naming the valid choices; a missing CJK font exits 1 naming
the package to install.
"""
from __future__ import annotations

import argparse
import sys

from geo import fonts, metrics
from geo.brief import model
from geo.cli.common import ERROR, STORE_HELP, UsageError, load_dataset, output_file, parse_date, write_output
from geo.formatting import number
from geo.i18n import bilingual
from geo.store import StoreError, open_store


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``brief`` command to the ``python -m geo`` parser."""
    p = sub.add_parser("brief", help="briefing pack for the leadership group (.pptx or .pdf)")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--area", help="one renovation area (片区) by name (default: the whole programme)")
    p.add_argument("--lang", default="zh", choices=("zh", "en"), help="language (default zh)")
    p.add_argument("-o", "--output", required=True, help="output file: *.pptx or *.pdf")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_brief)


def _cmd_brief(args: argparse.Namespace) -> int:
    out, fmt = output_file(args.output, model.FORMATS)
    as_of = parse_date(args.as_of) if args.as_of else None
    ds = load_dataset(args)
    try:
        metrics.filter_dataset(ds, area=args.area)  # fail fast, listing the valid areas
        # Imported only when a pack is written: matplotlib, pptx and reportlab cost every
        # other command ~1 s CPU at start-up (stats: 2.3 -> 1.35 s, measured).
        from geo.brief import render

        data = render.pack_bytes(ds, as_of, area=args.area, lang=args.lang, fmt=fmt, audit=_audit(args.store))
    except metrics.UnknownPlace as exc:
        raise UsageError(str(exc)) from None
    except fonts.FontMissing as exc:
        print(f"{ERROR} {exc}", file=sys.stderr)
        return 1
    write_output(out, data)
    print(bilingual("cli.brief_written", file=out, mb=number(len(data) / 1e6, 1), slides=len(model.SLIDE_KEYS)))
    return 0


def _audit(url: str | None):
    """The store's audit trail, or None when the store keeps none (then no "changes" line)."""
    try:
        return open_store(url).audit()
    except (StoreError, OSError):
        return None
