"""Command line for running the sites: daily progress in and out, the sequencing check, the dispatch report.

    python -m geo progress import FILE [--user NAME] [--sheet S] [--dry-run] [--json]
    python -m geo progress export --date D [--area A] [--subdistrict S] [--lang zh|en] -o FILE.xlsx
    python -m geo sequence [--as-of D] [--area A] [--subdistrict S] [--json]
    python -m geo daily --date D [--area A] [--lang zh|en] -o FILE.pdf|FILE.xlsx

``progress import`` validates a contractor's daily sheet (``geo.schedule.sheet``) and saves
each compound's reports through ``geo.writes.save_daily_sheet`` (an editor of the compounds'
subdistricts, or an admin; one transaction per compound). Exit codes: 0 fine; 1 refused (the
sheet has errors: the report is on stdout and nothing is written; no right; a compound saved
by someone else meanwhile); 2 bad input (unreadable file, unknown area, malformed date).
"""
from __future__ import annotations

import argparse
import json
import sys

from geo import auth, fonts, metrics, writes
from geo.asof import AsOf
from geo.cli.common import (
    ERROR,
    STORE_HELP,
    USER_HELP,
    Refusal,
    UsageError,
    load_dataset,
    output_file,
    parse_date,
    sign_in,
    store_from,
    write_output,
)
from geo.cli.data import _print_report as print_report  # the validation report printed as for compounds
from geo.i18n import t, vocab
from geo.imports.issues import UnreadableFile
from geo.imports.readers import read_file
from geo.imports.validate import report_json
from geo.reports import daily as daily_report
from geo.schedule.rules import RULE_BY_ID, check_sequence
from geo.schedule.sheet import read_sheet, sheet_xlsx
from geo.schedule.views import first_date_text
from geo.settings import get_settings
from geo.store import StoreError


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or get_settings().language


def _scoped(args: argparse.Namespace):
    """The store's data set narrowed to --area / --subdistrict (UsageError naming the valid ones)."""
    ds = load_dataset(args)
    try:
        return ds, metrics.filter_dataset(ds, area=getattr(args, "area", None), subdistrict=getattr(args, "subdistrict", None))
    except metrics.UnknownPlace as exc:
        raise UsageError(str(exc)) from None


# --- progress import / export ------------------------------------------------------------------
def _cmd_import(args: argparse.Namespace) -> int:
    lang = _lang(args)
    try:
        raw = read_file(args.file, sheet=args.sheet)
    except UnreadableFile as exc:
        raise UsageError(exc.bilingual()) from None
    store = store_from(args)
    try:
        ds = store.load().dataset
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    check = read_sheet(raw, ds)
    if args.json:
        print(json.dumps({**report_json(check.report), "reports": check.count}, ensure_ascii=False, indent=2))
    elif check.report.issues or not check.ok:
        print_report(check.report, lang)
    if not check.ok:
        print(t("schedule.import.blocked", lang, errors=len(check.report.errors)))
        return 1
    if args.dry_run or not check.count:
        print(t("schedule.import.ready", lang, n=check.count, compounds=len(check.reports)))
        return 0
    etags = {cid: store.etag(cid) for cid in check.reports}
    actor = sign_in(store, args.user)
    try:
        outcome = writes.save_daily_sheet(store, actor, check.reports, etags=etags)
    except (auth.Refused, writes.EditError) as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    refused = {cid: str(result) for cid, result in outcome.items() if isinstance(result, Exception)}
    saved = sum(r.changes for r in outcome.values() if isinstance(r, writes.Saved))
    print(t("schedule.import.saved", lang, compounds=len(outcome) - len(refused), changes=saved))
    for cid, message in refused.items():
        print(f"{cid}: {message}", file=sys.stderr)
    return 1 if refused else 0


def _cmd_export(args: argparse.Namespace) -> int:
    out, _ = output_file(args.output, ("xlsx",))
    day = parse_date(args.date)
    _, sub = _scoped(args)
    write_output(out, sheet_xlsx(sub, day, lang=_lang(args)))
    print(f"wrote {out}")
    return 0


def _register_progress(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("progress", help="daily progress (工程日进度): import a contractor's sheet, export a day's sheet")
    actions = p.add_subparsers(dest="action", required=True)
    imp = actions.add_parser("import", help="validate a daily sheet and save its reports (editors of the compounds' "
                                            "subdistricts, admins); the report is printed; errors block it")
    imp.add_argument("file", help="XLSX (the template from progress export or the page) or CSV")
    imp.add_argument("--user", help=f"who reports: {USER_HELP}")
    imp.add_argument("--sheet", help="XLSX sheet name (default: the first with data)")
    imp.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    imp.add_argument("--json", action="store_true", help="print the validation report as JSON")
    imp.add_argument("--lang", choices=("zh", "en"), help="report language (default: QY_LANG or zh)")
    imp.add_argument("--store", help=STORE_HELP)
    imp.set_defaults(func=_cmd_import)
    exp = actions.add_parser("export", help="the daily sheet of a day (the contractors' template, filled in so far)")
    exp.add_argument("--date", required=True, help="YYYY-MM-DD")
    exp.add_argument("--area", help="one renovation area (片区)")
    exp.add_argument("--subdistrict", help="one subdistrict (街道)")
    exp.add_argument("--lang", choices=("zh", "en"), help="headers (default zh)")
    exp.add_argument("-o", "--output", required=True, help="FILE.xlsx")
    exp.add_argument("--store", help=STORE_HELP)
    exp.set_defaults(func=_cmd_export)


# --- sequence ------------------------------------------------------------------------------------
def _cmd_sequence(args: argparse.Namespace) -> int:
    day = AsOf.of(parse_date(args.as_of) if args.as_of else None)
    _, sub = _scoped(args)
    findings = check_sequence(sub, day)
    if args.json:
        rows = findings.assign(first_date=findings["first_date"].dt.strftime("%Y-%m-%d"),
                               second_date=findings["second_date"].dt.strftime("%Y-%m-%d"))
        rows = rows.astype(object).where(rows.notna(), None)
        print(json.dumps({"as_of": day.isoformat(), "findings": rows.to_dict(orient="records")}, ensure_ascii=False,
                         indent=2, default=str))
        return 0
    lang = _lang(args)
    print(t("schedule.sequence.summary", lang, date=day.isoformat(), n=len(findings),
            violations=int((findings["kind"] == "violation").sum()), warnings=int((findings["kind"] == "warning").sum())))
    for r in findings.itertuples():
        when = lambda d: "-" if d is None or d != d else d.strftime("%Y-%m-%d")  # noqa: E731
        days = "-" if r.days != r.days else f"{int(r.days)}{'+' if r.ongoing else ''}"
        print(f"{r.compound_id}  {r.name}  {r.rule} {RULE_BY_ID[r.rule].name(lang)}  {vocab('finding', r.kind, lang)}  "
              f"{vocab('work', r.first_work, lang)} {first_date_text(r.first_date, bool(r.ongoing), lang, '-')} -> {vocab('work', r.second_work, lang)} "
              f"{when(r.second_date)}  {days} {t('unit.days', lang)}")
    return 0


def _register_sequence(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sequence", help="every sequencing violation and planning warning (rules R1-R4) as of a date")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--area", help="one renovation area (片区)")
    p.add_argument("--subdistrict", help="one subdistrict (街道)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=("zh", "en"))
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_sequence)


# --- daily (the dispatch report) -------------------------------------------------------------------
def _cmd_daily(args: argparse.Namespace) -> int:
    out, fmt = output_file(args.output, daily_report.FORMATS)
    day = parse_date(args.date)
    ds, _ = _scoped(args)
    try:
        data = daily_report.report_bytes(ds, day, area=args.area, subdistrict=args.subdistrict, lang=args.lang,
                                         fmt=fmt)
    except fonts.FontMissing as exc:
        print(f"{ERROR} {exc}", file=sys.stderr)
        return 1
    write_output(out, data)
    print(f"wrote {out} ({len(data) / 1e3:.0f} kB)")
    return 0


def _register_daily(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("daily", help="the next-morning dispatch report of a day (每日调度、次日报告), PDF or XLSX")
    p.add_argument("--date", required=True, help="the day reported, YYYY-MM-DD")
    p.add_argument("--area", help="one renovation area (片区) (default: the whole programme)")
    p.add_argument("--subdistrict", help="one subdistrict (街道)")
    p.add_argument("--lang", default="zh", choices=("zh", "en"), help="language (default zh)")
    p.add_argument("-o", "--output", required=True, help="FILE.pdf or FILE.xlsx")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_daily)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the progress, sequence and daily commands to the ``python -m geo`` parser."""
    for add in (_register_progress, _register_sequence, _register_daily):
        add(sub)
