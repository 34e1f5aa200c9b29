"""Command line for data in and out: validate, import, export, history, restore, changes.

    python -m geo validate FILE [--crs wgs84|cgcs2000|gcj02|bd09|EPSG:nnnn] [--sheet S] [--json]
    python -m geo import FILE [...] --user ADMIN [--note TEXT] [--dry-run]
    python -m geo export --format csv|xlsx|geojson|gpkg [--area A] [--subdistrict S] [--status S] [--as-of D] -o PATH
    python -m geo history | restore VERSION --user ADMIN | changes --since YYYY-MM-DD

Every command uses the store named by ``--store`` or ``QY_STORE`` (a store URL or path).
Writes go through ``geo.writes`` as the user ``--user`` names (see geo.cli.common for
the password): an import that changes something and a restore need an admin; a dry run
or an import that changes nothing needs no sign-in.
Exit codes: 0 fine; 1 refused: the file has errors (validate/import: the report is on
stdout), or the write was refused (wrong password, not an admin); 2 bad input or a file
or store that cannot be read (one line on stderr saying why).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from geo import auth, metrics, schema, writes
from geo.asof import AsOf, with_status
from geo.audit import changes_since, history_frame
from geo.cli.common import STORE_HELP, USER_HELP, Refusal, UsageError, parse_date, sign_in, store_from
from geo.crs import normalize_crs_name
from geo.export import ExportError, export_compounds
from geo.i18n import bilingual, choices, t
from geo.imports.issues import UnreadableFile
from geo.imports.planning import plan_import
from geo.imports.readers import read_file
from geo.imports.validate import report_json, validate_table
from geo.settings import get_settings
from geo.store import Loaded, StoreError


def _lang(args: argparse.Namespace) -> str:
    return args.lang or get_settings().language


def _file_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile or KML")
    p.add_argument("--crs", default="wgs84", help="what lon/lat mean: wgs84 (default), cgcs2000, gcj02, bd09, or EPSG:nnnn")
    p.add_argument("--sheet", help="XLSX sheet name (default: the first with data)")
    p.add_argument("--layer", help="GeoPackage layer / Shapefile name in a zip")
    p.add_argument("--encoding", help="CSV encoding (default: detect UTF-8 / UTF-8 BOM / GBK / GB18030)")
    p.add_argument("--lang", choices=("zh", "en"), help="report language (default: QY_LANG or zh)")
    p.add_argument("--store", help=STORE_HELP)


def _validated(args: argparse.Namespace):
    """(report, Loaded) for the file against the store, or UsageError for an unreadable file / bad option."""
    if not args.crs.lower().startswith("epsg:"):
        try:
            normalize_crs_name(args.crs)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    try:
        raw = read_file(args.file, sheet=args.sheet, layer=args.layer, encoding=args.encoding)
    except UnreadableFile as exc:
        raise UsageError(exc.bilingual()) from None
    try:
        loaded = store_from(args).load()
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    try:
        return validate_table(raw, loaded.dataset, crs=args.crs), loaded
    except ValueError as exc:
        raise UsageError(str(exc).splitlines()[0]) from None


def _print_report(report, lang: str) -> None:
    print(t("validate.summary", lang, file=report.source, rows=len(report.rows),
            errors=len(report.errors), warnings=len(report.warnings)))
    for i in report.issues:
        where = f"{i.file or report.source}:{i.row}" if i.row else (i.file or report.source)
        column = f" [{i.column}]" if i.column else ""
        value = f" «{i.value}»" if i.value else ""
        sev = t(f"validate.severity.{i.severity}", lang)
        print(f"{where}{column} {sev}: {i.problem(lang)}{value} -> {i.accepted(lang)}")


def _cmd_validate(args: argparse.Namespace) -> int:
    report, _ = _validated(args)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        _print_report(report, _lang(args))
    return 0 if report.ok else 1


def _cmd_import(args: argparse.Namespace) -> int:
    lang = _lang(args)
    report, loaded = _validated(args)
    if not report.ok:
        _print_report(report, lang)
        print(t("import.blocked", lang, errors=len(report.errors)))
        return 1
    plan = plan_import(loaded.dataset, report)
    summary = t("import.summary", lang, added=len(plan.added), updated=len(plan.updated), unchanged=plan.unchanged)
    for issue in report.warnings + plan.issues:
        print(f"{issue.file}:{issue.row} {t('validate.severity.warning', lang)}: {issue.problem(lang)}")
    if args.dry_run or not plan.changed:
        print(summary if plan.changed else f"{summary} — {t('edit.nothing', lang)}")
        return 0
    version = _commit(args, loaded, plan)
    print(t("import.committed", lang, version=version, summary=summary))
    return 0


def _commit(args: argparse.Namespace, loaded: Loaded, plan) -> int:
    store = store_from(args)
    actor = sign_in(store, args.user)
    try:
        return writes.commit_import(store, actor, plan, expected=loaded.fingerprint,
                                    note=args.note or Path(args.file).name)
    except auth.Refused as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def _register_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a file; exit 0 ok, 1 errors (report on stdout), 2 unreadable")
    _file_options(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_validate)
    p = sub.add_parser("import", help="validate, then write all rows or none as a new version (admins)",
                       description="Validate FILE against the store, then commit it as a new version, signed in "
                                   "as an admin with --user (password from QY_PASSWORD, else the terminal, else one "
                                   "line of stdin). A dry run, or a file that changes nothing, needs no sign-in.")
    _file_options(p)
    p.add_argument("--user", help=f"the admin who imports: {USER_HELP}")
    p.add_argument("--note", help="note for the history (default: the file name)")
    p.add_argument("--dry-run", action="store_true", help="validate and show what would change; write nothing")
    p.set_defaults(func=_cmd_import)


# --- export -----------------------------------------------------------------------------------
def _cmd_export(args: argparse.Namespace) -> int:
    """The stored compound fields and the status, as known on --as-of (re-importable)."""
    day = AsOf.of(parse_date(args.as_of) if args.as_of else None)
    if args.status and args.status not in schema.STATUSES:
        raise UsageError(bilingual("cli.unknown_status", status=args.status, valid=choices(schema.STATUSES)))
    try:
        ds = store_from(args).load().dataset
        ds = metrics.filter_dataset(ds, area=args.area, subdistrict=args.subdistrict)
    except (StoreError, metrics.UnknownPlace) as exc:
        raise UsageError(str(exc)) from None
    frame = with_status(ds.compounds, day)
    if args.status:
        frame = frame[frame["status"] == args.status]
    try:
        data = export_compounds(frame, args.format, as_of=day, lang=args.lang or "zh", crs=args.crs)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    Path(args.output).write_bytes(data)
    print(bilingual("cli.exported", file=args.output, n=len(frame), fmt=args.format, crs=args.crs))
    return 0


def _register_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="compounds as csv / xlsx / geojson / gpkg")
    p.add_argument("--format", required=True, choices=("csv", "xlsx", "geojson", "gpkg"))
    p.add_argument("--area", help="one renovation area (片区)")
    p.add_argument("--subdistrict", help="one subdistrict (街道)")
    p.add_argument("--status", help="one derived status, e.g. completed")
    p.add_argument("--as-of", help="the date the export shows: its status, no later dates (YYYY-MM-DD, default today)")
    p.add_argument("--crs", default="wgs84", choices=("wgs84", "gcj02"), help="coordinates (gcj02 for AMap)")
    p.add_argument("--lang", choices=("zh", "en"), help="CSV/XLSX headers (default zh)")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_export)


# --- history / restore / changes ---------------------------------------------------------------
def _cmd_history(args: argparse.Namespace) -> int:
    try:
        versions = store_from(args).versions()
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps([v.__dict__ for v in versions], ensure_ascii=False, indent=2))
        return 0
    for v in versions:
        mark = "*" if v.current else " "
        print(f"{mark}{v.version:>4}  {v.created_at or '-':19}  {v.kind:8} {v.user:12} "
              f"compounds {v.compounds:>5}  edits {v.edits:>4}  {v.note}")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    store = store_from(args)
    actor = sign_in(store, args.user)
    try:
        new = writes.restore_version(store, actor, args.version)
    except auth.Refused as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    print(bilingual("store.restored", version=args.version, new=new))
    return 0


def _cmd_changes(args: argparse.Namespace) -> int:
    since = parse_date(args.since)
    try:
        store = store_from(args)
        audit, ds = store.audit(since=since.isoformat()), store.load().dataset
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(changes_since(audit, ds.compounds, since).to_json(orient="records", force_ascii=False))
    else:
        print(history_frame(audit, _lang(args)).to_string(index=False) if len(audit) else "-")
    return 0


def _register_history(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="list the versions of the data (* = current)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_history)
    p = sub.add_parser("restore", help="make an earlier version current again (as a new version; admins)")
    p.add_argument("version", type=int)
    p.add_argument("--user", help=f"the admin who restores: {USER_HELP}")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_restore)
    p = sub.add_parser("changes", help="progress edits since a date (每日调度)")
    p.add_argument("--since", required=True, help="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=("zh", "en"))
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_changes)


REGISTRARS = [_register_validate, _register_export, _register_history]
