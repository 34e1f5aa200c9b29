"""``python -m geo edit``: a progress edit from the command line, through the same use case as the page.

    python -m geo edit QY-0001 --set actual_finish=2024-05-01 --user li
    python -m geo edit QY-0001 --set works.gas.actual_finish=2024-05-01 --set works.ev_chargers.quantity=12 --user li
    python -m geo edit QY-0004 --set elevators.EL-0001.actual_start=2024-03-01 --user li --expect-revision v1.r0

Fields are those of ``geo.progress_fields`` (``--set help`` lists them). The password
comes from ``QY_PASSWORD``, the terminal, or one line of standard input. The edit is
saved by ``geo.writes.save_progress``: an editor of the compound's stored subdistrict,
or an admin, and only while the record is still at the revision it was read at
(``--expect-revision``: the revision a previous edit printed; default: the current one).
Prints the record's new revision. Exit codes: 0 saved (or nothing to change); 1 refused
(wrong password, no right, conflict, a value the record cannot take, one line on
stderr); 2 usage (unknown field, malformed value, unknown compound or elevator: the line
names the valid ones).
"""
from __future__ import annotations

import argparse

from geo import auth, progress_fields, writes
from geo.audit import EditError
from geo.cli.common import STORE_HELP, USER_HELP, Refusal, UsageError, sign_in, store_from
from geo.i18n import bilingual
from geo.store import EditConflict, StoreError


def _assignments(texts: list[str]) -> list[progress_fields.Assignment]:
    if not texts or texts == ["help"]:
        raise UsageError(bilingual("cli.edit_needs_set", fields=", ".join(progress_fields.field_names())))
    try:
        return [progress_fields.parse_assignment(text) for text in texts]
    except progress_fields.FieldError as exc:
        raise UsageError(str(exc)) from None


def _cmd_edit(args: argparse.Namespace) -> int:
    assignments = _assignments(args.set)
    store = store_from(args)
    actor = sign_in(store, args.user)
    try:
        opened = writes.open_progress(store, args.compound_id)
    except EditError as exc:
        raise UsageError(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    try:
        after = progress_fields.apply_assignments(opened.record, assignments)
    except progress_fields.FieldError as exc:
        raise UsageError(str(exc)) from None
    except EditError as exc:
        raise Refusal(str(exc)) from None
    try:
        saved = writes.save_progress(store, actor, after, etag=args.expect_revision or opened.etag)
    except (auth.Refused, EditConflict, EditError) as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    print(saved.etag)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``edit`` command to the ``python -m geo`` parser."""
    p = sub.add_parser("edit", help="save a progress edit of one compound (editors of its subdistrict, admins); "
                                    "prints the new revision",
                       description="Save a progress edit through the same use case as the progress page: allowed "
                                   "to an editor of the compound's stored subdistrict or an admin, signed in with "
                                   "--user (password from QY_PASSWORD, else the terminal, else one line of stdin). "
                                   "Prints the new revision. Exit 0 saved; 1 refused (wrong password, no right, "
                                   "conflict, bad value); 2 usage (unknown field, malformed value).")
    p.add_argument("compound_id", help="e.g. QY-0001")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE",
                   help=f"repeatable; fields: {', '.join(progress_fields.field_names())}; dates YYYY-MM-DD, "
                        "empty value clears")
    p.add_argument("--user", help=f"who edits: {USER_HELP}")
    p.add_argument("--expect-revision", metavar="TAG", help="save only if the record is still at TAG (e.g. v1.r3)")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_edit)
