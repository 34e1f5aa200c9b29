"""``python -m geo users``: manage who may sign in (admins), through geo.writes.

    python -m geo users add NAME --role admin                        the first admin: no sign-in while the store has none
    python -m geo users add NAME --role editor --subdistrict SUBDISTRICT --user ADMIN
    python -m geo users list --user ADMIN
    python -m geo users set NAME [--role R] [--subdistrict S ...] [--active | --disabled] --user ADMIN
    python -m geo users passwd NAME --user NAME_OR_ADMIN
    python -m geo users remove NAME --user ADMIN

Signing in: ``--user`` with the password from ``QY_PASSWORD``, the terminal, or the first
line of standard input; a new password (add, passwd) is read after it: asked twice on a
terminal, else the next line of standard input. Anyone who can run this command may
create the first admin of a store that has none (as they could copy the store file);
after that every change needs an admin (or, for ``passwd``, the user themself), and the
last active admin cannot be removed, disabled or demoted.
Exit codes: 0 done; 1 refused (wrong password, not an admin, the last admin);
2 bad input (unknown role, subdistrict or user, a name taken, a short password).
"""
from __future__ import annotations

import argparse

from geo import auth, writes
from geo.cli.common import STORE_HELP, USER_HELP, Refusal, UsageError, read_secret, sign_in, store_from
from geo.i18n import bilingual
from geo.store import Store, StoreError


def _new_password(args: argparse.Namespace, name: str) -> str:
    return read_secret(f"{bilingual('cli.new_password_of', name=name)}: ", confirm=True, stdin=args.password_stdin)


def _actor(store: Store, args: argparse.Namespace) -> auth.User:
    return sign_in(store, args.user, stdin=args.password_stdin) if args.user else auth.VIEWER


def _add(store: Store, args: argparse.Namespace) -> str:
    role = args.role or "viewer"
    if not args.user and role == "admin" and not writes.admin_exists(store):
        user = writes.create_first_admin(store, args.name, _new_password(args, args.name))
    else:
        actor = sign_in(store, args.user, stdin=args.password_stdin)
        user = writes.add_user(store, actor, args.name, _new_password(args, args.name), role, args.subdistrict or ())
    return bilingual("cli.user_added", name=user.name, role=user.role)


def _list(store: Store, args: argparse.Namespace) -> str:
    lines = []
    for u in writes.list_users(store, _actor(store, args)):
        subs = "、".join(u.subdistricts) or "-"
        lines.append(f"{u.name:20} {u.role:7} {subs:30} {'active' if u.active else 'disabled'}")
    return "\n".join(lines)


def _set(store: Store, args: argparse.Namespace) -> str:
    actor = sign_in(store, args.user, stdin=args.password_stdin)
    user = writes.update_user(store, actor, args.name, role=args.role, subdistricts=args.subdistrict,
                              active=args.active)
    return bilingual("cli.user_updated", name=user.name, role=user.role)


def _passwd(store: Store, args: argparse.Namespace) -> str:
    actor = sign_in(store, args.user, stdin=args.password_stdin)
    writes.change_password(store, actor, args.name, _new_password(args, args.name))
    return bilingual("cli.password_changed", name=args.name)


def _remove(store: Store, args: argparse.Namespace) -> str:
    writes.remove_user(store, sign_in(store, args.user, stdin=args.password_stdin), args.name)
    return bilingual("cli.user_removed", name=args.name)


SIGN_IN_RULES = (
    "The first admin of a store that has none is created without signing in (users add NAME --role admin). "
    "After that every change needs --user ADMIN (passwd: an admin or the user themself). The signing-in password "
    "comes from QY_PASSWORD, else the terminal, else the first line of stdin; a new password is read after it "
    "(asked twice on a terminal, else the next line of stdin). The last active admin cannot be removed, "
    "disabled or demoted. Exit 0 done, 1 refused, 2 bad input."
)
_ACTIONS = {"add": _add, "list": _list, "set": _set, "passwd": _passwd, "remove": _remove}


def _cmd_users(args: argparse.Namespace) -> int:
    if args.action != "list" and not args.name:
        raise UsageError(bilingual("cli.needs_name", action=args.action))
    store = store_from(args)
    try:
        message = _ACTIONS[args.action](store, args)
    except auth.Refused as exc:
        raise Refusal(str(exc)) from None
    except (auth.AuthError, StoreError) as exc:
        raise UsageError(str(exc)) from None
    if message:
        print(message)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``users`` command to the ``python -m geo`` parser."""
    p = sub.add_parser("users", help="manage users: add / list / set / passwd / remove (admins; the first admin: "
                                     "users add NAME --role admin)", description=SIGN_IN_RULES)
    p.add_argument("action", choices=tuple(_ACTIONS))
    p.add_argument("name", nargs="?")
    p.add_argument("--role", help="viewer (default for add) | editor | admin")
    p.add_argument("--subdistrict", action="append", help="editor's subdistrict (repeat for several)")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_const", const=True, help="set: may sign in again")
    state.add_argument("--disabled", dest="active", action="store_const", const=False, help="set: may no longer sign in")
    p.add_argument("--user", help=f"who manages: {USER_HELP}")
    p.add_argument("--password-stdin", action="store_true", help="read passwords from standard input even on a terminal")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=_cmd_users)
