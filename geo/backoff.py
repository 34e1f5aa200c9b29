"""How long a sign-in must wait after failed ones: per account and per client, growing with each failure.

Pure: the failures come from the store's sign-in log (``geo.store.base.SignInLog``),
counted there as a :class:`Tally` per key; this module only turns them into a wait.

- **Account** (the user name typed, whether or not it exists): failures since the
  account's last successful sign-in, within ``account.window_s``. So guessing one
  account's password is slowed however many clients the guesses come from.
- **Client** (the browser's address, or the command line's OS user): failures for any
  names within ``client.window_s``; a success does not reset it. So trying one password
  against many names is slowed too.

The first ``free`` failures cost nothing (a typo or two); after that each failure
doubles the wait, counted from the last failure, from ``base_s`` up to ``cap_s``.
While a wait is running the password is not checked at all, right or wrong.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """One key's rule: ``free`` failures, then waits from ``base_s`` doubling up to ``cap_s`` (seconds)."""

    free: int
    window_s: float
    base_s: float = 1.0
    cap_s: float = 900.0

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after the last of ``failures`` failures (0 while they are free)."""
        if failures < self.free:
            return 0.0
        return min(self.cap_s, self.base_s * 2.0 ** min(failures - self.free, 64))


@dataclass(frozen=True)
class Tally:
    """Failures counted for one key (an account or a client) and when the last one was (epoch seconds)."""

    failures: int = 0
    last_failure: float = 0.0


@dataclass(frozen=True)
class SignInPolicy:
    """The account and client rules together (see the module docstring)."""

    account: Backoff
    client: Backoff

    def retry_after(self, account: Tally, client: Tally, now: float) -> float:
        """Seconds until a sign-in may be tried (0: now)."""
        until = max(account.last_failure + self.account.wait_after(account.failures),
                    client.last_failure + self.client.wait_after(client.failures))
        return max(0.0, until - now)


def policy_from_settings(*, free_failures: int, client_free_failures: int, max_wait_s: float) -> SignInPolicy:
    """The policy the settings ask for: an account's failures count for a day, a client's for an hour."""
    return SignInPolicy(
        account=Backoff(free=free_failures, window_s=24 * 3600.0, cap_s=max_wait_s),
        client=Backoff(free=client_free_failures, window_s=3600.0, cap_s=max_wait_s),
    )
