"""What every command-line module shares: the usage error, the one-line parser, dates, loading."""
from __future__ import annotations

import argparse
import datetime as dt
from typing import NoReturn

from geo.dataset import Dataset
from geo.store.gpkg import StoreError, open_store


class UsageError(Exception):
    """Bad command-line input: exit code 2 and a one-line message."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD -> date, or a UsageError naming the format."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"malformed date '{text}'; expected YYYY-MM-DD, e.g. 2022-12-09 / 日期格式应为 YYYY-MM-DD") from None


def load_dataset(args: argparse.Namespace) -> Dataset:
    """The data set of the store named by ``--store`` (or QY_STORE); UsageError if unreadable."""
    try:
        return open_store(getattr(args, "store", None)).load()
    except StoreError as exc:
        raise UsageError(str(exc)) from None
