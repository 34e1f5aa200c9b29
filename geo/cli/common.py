"""What every command-line module shares: exit-code errors, the one-line parser, dates, the store, signing in.

Signing in (``--user NAME``): the password comes from ``QY_PASSWORD`` when set, else
from the terminal (a prompt), else from the next line of standard input. Commands that
also set a password (``users add``, ``users passwd``) read that one after it, the same way.
Sign-ins are counted like the dashboard's (``geo.auth.authenticate``), with the OS user
as the client (:func:`cli_client`): after failed ones a sign-in must wait.
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

from geo import auth
from geo.dataset import Dataset
from geo.i18n import bilingual
from geo.settings import cli_password
from geo.store import Store, StoreError, open_store

STORE_HELP = "store URL: gpkg:PATH or a GeoPackage path (default: QY_STORE, else the working copy of the sample)"
#: The first word of a message on standard error, in both languages like the messages themselves.
ERROR, REFUSED = "错误 / error:", "已拒绝 / refused:"
USER_HELP = "sign in as NAME (password from QY_PASSWORD, the terminal, or one line of stdin)"


class UsageError(Exception):
    """Bad command-line input: exit code 2 and a one-line message."""


class Refusal(Exception):
    """The command was refused (no right, wrong password, conflict, bad value): exit code 1 and one line."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD -> date, or a UsageError naming the format."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(bilingual("cli.bad_date", text=text)) from None


def store_from(args: argparse.Namespace) -> Store:
    """The store named by ``--store`` (or QY_STORE); UsageError for a URL this build cannot open."""
    try:
        return open_store(getattr(args, "store", None))
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def load_dataset(args: argparse.Namespace) -> Dataset:
    """The data set of the store named by ``--store`` (or QY_STORE); UsageError if unreadable."""
    try:
        return store_from(args).load().dataset
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def read_secret(prompt: str, *, confirm: bool = False, stdin: bool = False) -> str:
    """A password from the terminal (asked twice with ``confirm``) or one line of standard input.

    ``stdin`` reads standard input even when it is a terminal. UsageError when input has ended.
    """
    if stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise UsageError(bilingual("cli.no_password"))
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(f"{bilingual('cli.password_again')}: ") != first:
        raise UsageError(bilingual("cli.passwords_differ"))
    return first


def cli_client() -> str:
    """Who is signing in from the command line, as the sign-in back-off counts clients (``cli:<OS user>``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid
        return f"cli:uid{os.getuid()}"


def sign_in(store: Store, name: str | None, *, stdin: bool = False) -> auth.User:
    """The user ``--user`` names, signed in with their password; UsageError without a name, Refusal if wrong."""
    if not name:
        raise UsageError(bilingual("cli.needs_user"))
    password = cli_password()
    if password is None:
        password = read_secret(f"{bilingual('cli.password_of', name=name)}: ", stdin=stdin)
    try:
        return auth.authenticate(store, name, password, client=cli_client())
    except auth.Refused as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def output_file(path: str, suffixes: Iterable[str]) -> tuple[Path, str]:
    """The output file a command writes and its format (its suffix, lower case), checked before any
    work: UsageError for another suffix (naming the allowed ones) or a folder that does not exist."""
    out = Path(path)
    fmt, allowed = out.suffix.lower().lstrip("."), tuple(suffixes)
    if fmt not in allowed:
        raise UsageError(bilingual("cli.out_suffix", file=out, suffixes=" / ".join(f".{s}" for s in allowed)))
    if not out.parent.is_dir():
        raise UsageError(bilingual("cli.no_folder", folder=out.parent))
    return out, fmt


def write_output(out: Path, data: bytes) -> None:
    """:func:`write_atomically`, or a UsageError naming the file and the system's reason."""
    try:
        write_atomically(out, data)
    except OSError as exc:
        raise UsageError(bilingual("cli.cannot_write", file=out, error=exc.strerror)) from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it: a half-written file
    never replaces a good one. OSError when the folder cannot be written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
