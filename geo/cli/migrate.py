"""Command line: ``python -m geo migrate --from SRC --to DST [--user ADMIN]``, a store copied between backends.

Every version's data, the audit trail, the edit tags and the users are copied; the
target is replaced in one write. A target that has an admin needs ``--user`` (one of
its admins); see geo.cli.common for the password.
"""
from __future__ import annotations

import argparse

from geo import writes
from geo.auth import VIEWER, Refused
from geo.cli.common import USER_HELP, Refusal, UsageError, sign_in, store_from
from geo.i18n import bilingual
from geo.store import StoreError, display_url

URL_HELP = "store URL: gpkg:PATH, a GeoPackage path, or postgresql://USER@HOST:PORT/DATABASE?schema=NAME"


def _cmd_migrate(args: argparse.Namespace) -> int:
    source = store_from(argparse.Namespace(store=args.source))
    target = store_from(argparse.Namespace(store=args.target))
    actor = sign_in(target, args.user) if args.user else VIEWER
    try:
        copied = writes.copy_store(source, target, actor)
    except Refused as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    fmt = {"versions": len(copied.versions), "audit": len(copied.audit), "users": len(copied.users),
           "store": display_url(target.url)}
    print(bilingual("store.copied", **fmt))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``migrate`` to the command line."""
    p = sub.add_parser("migrate", help="copy a store (versions, audit, users) to another store or backend")
    p.add_argument("--from", dest="source", required=True, help=URL_HELP)
    p.add_argument("--to", dest="target", required=True, help=URL_HELP)
    p.add_argument("--user", help=f"an admin of the target, when it has one: {USER_HELP}")
    p.set_defaults(func=_cmd_migrate)
