"""What every command-line module shares: exit-code errors, the one-line parser, dates, the store, signing in.

Signing in (``--user NAME``): the password comes from ``QY_PASSWORD`` when set, else
from the terminal (a prompt), else from the next line of standard input. Commands that
also set a password (``users add``, ``users passwd``) read that one after it, the same way.
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from typing import NoReturn

from geo import auth
from geo.dataset import Dataset
from geo.i18n import bilingual
from geo.settings import cli_password
from geo.store import Store, StoreError, open_store

STORE_HELP = "store URL: gpkg:PATH or a GeoPackage path (default: QY_STORE, else the working copy of the sample)"
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


def sign_in(store: Store, name: str | None, *, stdin: bool = False) -> auth.User:
    """The user ``--user`` names, signed in with their password; UsageError without a name, Refusal if wrong."""
    if not name:
        raise UsageError(bilingual("cli.needs_user"))
    password = cli_password()
    if password is None:
        password = read_secret(f"{bilingual('cli.password_of', name=name)}: ", stdin=stdin)
    try:
        return auth.authenticate(store, name, password)
    except auth.Refused as exc:
        raise Refusal(str(exc)) from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
