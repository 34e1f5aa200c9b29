"""geo.backoff: free failures, then a wait that doubles per failure up to a cap; the longer of account and client."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from geo.backoff import Backoff, SignInPolicy, Tally, policy_from_settings

RULE = Backoff(free=5, window_s=3600, base_s=1, cap_s=900)


def test_waits_double_after_the_free_failures_up_to_the_cap():
    assert [RULE.wait_after(n) for n in range(4, 12)] == [0, 1, 2, 4, 8, 16, 32, 64]
    assert RULE.wait_after(15) == 900 and RULE.wait_after(10_000) == 900


def test_the_longer_of_the_account_and_the_client_wait_counts():
    policy = SignInPolicy(account=RULE, client=Backoff(free=20, window_s=3600, base_s=1, cap_s=900))
    assert policy.retry_after(Tally(), Tally(), 100.0) == 0
    assert policy.retry_after(Tally(7, 100.0), Tally(), 101.0) == 3  # 4 s after the account's last failure
    assert policy.retry_after(Tally(1, 100.0), Tally(25, 90.0), 100.0) == 22  # the client's 32 s
    assert policy.retry_after(Tally(7, 100.0), Tally(), 200.0) == 0


def test_settings_policy():
    policy = policy_from_settings(free_failures=5, client_free_failures=20, max_wait_s=900)
    assert (policy.account.free, policy.client.free, policy.account.cap_s) == (5, 20, 900)
    assert policy.account.window_s == 24 * 3600 and policy.client.window_s == 3600


@given(st.integers(0, 200), st.integers(0, 200))
def test_more_failures_never_wait_less(a, b):
    low, high = sorted((a, b))
    assert 0 <= RULE.wait_after(low) <= RULE.wait_after(high) <= RULE.cap_s
