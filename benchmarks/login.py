"""Sign-in timing and guessing rate on a scratch copy of the sample.

    .venv/bin/python -m benchmarks.login [--rounds 30] [--threads 8] [--seconds 10]

Prints, for ``geo.auth.authenticate`` (what the login box and ``--user`` call):

- the median time of a wrong password for an existing user and for a name that does
  not exist (the two must be equal, or the names of accounts can be found by timing);
- what happens to the right password after 40 wrong ones (refused while the account waits);
- how many guesses ``--threads`` parallel guessers get verified in ``--seconds``,
  against one account (the per-account back-off) and against a new name each time
  (the per-client back-off), and the largest wait they were told.

Each guess of the timing rounds is made against a fresh name or after a success, so the
back-off never shortens a measured attempt. Never touches the committed sample.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time

from geo import auth, writes
from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store, scratch_url

PASSWORD = "bench-admin-password-2026"


def _attempt(store, name: str, password: str, client: str) -> tuple[str, float]:
    """('ok' | 'refused' | 'wait', seconds) of one sign-in."""
    start = time.perf_counter()
    try:
        auth.authenticate(store, name, password, client=client)
        outcome = "ok"
    except auth.Throttled:
        outcome = "wait"
    except auth.Refused:
        outcome = "refused"
    return outcome, time.perf_counter() - start


def _timing(store, rounds: int) -> None:
    known, unknown = [], []
    for i in range(rounds):
        known.append(_attempt(store, "admin", "wrong-password", f"timing-{i}")[1])
        _attempt(store, "admin", PASSWORD, f"timing-{i}")  # a success: the account's failures start again
        unknown.append(_attempt(store, f"nobody-{i}", "wrong-password", f"timing-{i}")[1])
    k, u = statistics.median(known), statistics.median(unknown)
    print(f"wrong password, existing user   median {k * 1000:7.1f} ms  (n={rounds})")
    print(f"wrong password, unknown user    median {u * 1000:7.1f} ms  (n={rounds})")
    print(f"difference                             {abs(k - u) * 1000:7.1f} ms")


def _forty_then_right(store) -> None:
    outcomes = [_attempt(store, "target", "wrong-password", "guesser")[0] for _ in range(40)]
    right = _attempt(store, "target", PASSWORD, "guesser")[0]
    print(f"40 wrong guesses: {outcomes.count('refused')} verified and refused, {outcomes.count('wait')} told to wait; "
          f"then the right password: {right}")


def _parallel(store, threads: int, seconds: float, *, same_account: bool) -> None:
    counts = {"ok": 0, "refused": 0, "wait": 0}
    waits: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    client = f"one-client-{'account' if same_account else 'spray'}"

    def guess(worker: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            name = "victim" if same_account else f"spray-{worker}-{n}"
            try:
                auth.authenticate(store, name, f"guess-{worker}-{n}", client=client)
                outcome = "ok"
            except auth.Throttled as exc:
                outcome = "wait"
                with lock:
                    waits.append(exc.retry_after)
            except auth.Refused:
                outcome = "refused"
            with lock:
                counts[outcome] += 1
            n += 1

    workers = [threading.Thread(target=guess, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    what = "one account" if same_account else "a new name each time"
    print(f"{threads} guessers for {seconds:.0f} s against {what}: {counts['refused']} verified "
          f"({counts['refused'] / seconds:.1f}/s), {counts['wait']} told to wait "
          f"(longest wait {max(waits, default=0):.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(scratch_url(tmp))
        store.initialize(open_store(SAMPLE_STORE_URL).load().dataset)
        admin = writes.create_first_admin(store, "admin", PASSWORD)
        for name in ("target", "victim"):
            writes.add_user(store, admin, name, PASSWORD, "editor", ["金沙"])
        _timing(store, args.rounds)
        _forty_then_right(store)
        _parallel(store, args.threads, args.seconds, same_account=True)
        _parallel(store, args.threads, args.seconds, same_account=False)


if __name__ == "__main__":
    main()
