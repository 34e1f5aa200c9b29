"""The sign-in log in a small SQLite file (``geo.store.base.SignInLog``), for stores kept in files.

One table, ``sign_ins (id, at, name, client, outcome)``, in its own file beside the store
(``<store>.signins.sqlite``), so a sign-in never touches the store file: its fingerprint,
and with it every session's cache, stays as it is. Every process that opens the same
store opens the same file; :meth:`SqliteSignInLog.begin` counts and records in one
``BEGIN IMMEDIATE`` transaction, so parallel guesses from several sessions or
processes are counted one after another. Attempts older than ``RETENTION_S`` are deleted.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.backoff import SignInPolicy, Tally
from geo.store.base import SIGN_IN_OUTCOMES, Begun, SignInAttempt, SignInLog, write_error

RETENTION_S = 90 * 24 * 3600.0
#: Longest name or client kept (a name field pasted full of text is cut, not stored whole).
MAX_TEXT = 128
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sign_ins (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, "
    "name TEXT NOT NULL, client TEXT NOT NULL, outcome TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sign_ins_name ON sign_ins (name, at)",
    "CREATE INDEX IF NOT EXISTS sign_ins_client ON sign_ins (client, at)",
    "CREATE INDEX IF NOT EXISTS sign_ins_at ON sign_ins (at)",
)
_ACCOUNT = ("SELECT COUNT(*), COALESCE(MAX(at), 0) FROM sign_ins WHERE name = ? AND outcome != 'ok' AND at > ? "
            "AND at > COALESCE((SELECT MAX(at) FROM sign_ins WHERE name = ? AND outcome = 'ok'), 0)")
_CLIENT = "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM sign_ins WHERE client = ? AND outcome != 'ok' AND at > ?"


class SqliteSignInLog(SignInLog):
    """Sign-in attempts kept in the SQLite file ``path`` (made on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def begin(self, name: str, client: str, policy: SignInPolicy, now: float) -> Begun:
        """Count the failures and, unless a wait is due, record a pending attempt (one transaction)."""
        name, client = name[:MAX_TEXT], client[:MAX_TEXT]
        with self._transaction() as con:
            wait = policy.retry_after(*_tally(con, name, client, policy, now), now)
            if wait > 0:
                return Begun(None, wait)
            con.execute("DELETE FROM sign_ins WHERE at < ?", (now - RETENTION_S,))
            row = con.execute("INSERT INTO sign_ins (at, name, client, outcome) VALUES (?, ?, ?, 'pending')",
                              (now, name, client))
            return Begun(row.lastrowid)

    def finish(self, attempt: int, outcome: str) -> None:
        """Settle a pending attempt with its outcome."""
        if outcome not in SIGN_IN_OUTCOMES or outcome == "pending":
            raise ValueError(f"outcome must be one of {SIGN_IN_OUTCOMES[:-1]}, not {outcome!r}")
        with self._transaction() as con:
            con.execute("UPDATE sign_ins SET outcome = ? WHERE id = ? AND outcome = 'pending'", (outcome, attempt))

    def attempts(self, *, since: float = 0.0, limit: int = 1000) -> list[SignInAttempt]:
        """Attempts at or after ``since``, newest first."""
        with self._transaction() as con:
            rows = con.execute("SELECT id, at, name, client, outcome FROM sign_ins WHERE at >= ? "
                               "ORDER BY at DESC, id DESC LIMIT ?", (since, int(limit))).fetchall()
        return [SignInAttempt(*row) for row in rows]

    def tally(self, name: str, client: str, policy: SignInPolicy, now: float) -> tuple[Tally, Tally]:
        """The account's and the client's failures as :meth:`begin` counts them."""
        with self._transaction() as con:
            return _tally(con, name[:MAX_TEXT], client[:MAX_TEXT], policy, now)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the log (waits for other processes; StoreError when it cannot be written)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise write_error(exc, "store.sign_ins_failed") from exc
        try:
            for statement in _SCHEMA:
                con.execute(statement)
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:  # SQLite has rolled back itself after an I/O error
                    con.execute("ROLLBACK")
                raise
        except (OSError, sqlite3.Error) as exc:
            raise write_error(exc, "store.sign_ins_failed") from exc
        finally:
            con.close()


def _tally(con: sqlite3.Connection, name: str, client: str, policy: SignInPolicy, now: float) -> tuple[Tally, Tally]:
    account = con.execute(_ACCOUNT, (name, now - policy.account.window_s, name)).fetchone()
    by_client = con.execute(_CLIENT, (client, now - policy.client.window_s)).fetchone()
    return Tally(int(account[0]), float(account[1])), Tally(int(by_client[0]), float(by_client[1]))
