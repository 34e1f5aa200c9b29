"""Every attack of tests/server_attacks.py fails (the table in docs/security.md is made from the same list)."""
from __future__ import annotations

import pytest

from tests.server_attacks import ATTACKS, Attack, Lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = Lab(tmp_path_factory.mktemp("attacks"))
    yield lab
    lab.close()


def _cases(server: bool) -> list:
    marks = [pytest.mark.browser] if server else []
    return [pytest.param(a, id=a.key, marks=marks) for a in ATTACKS if a.server == server]


@pytest.mark.parametrize("attack", _cases(False) + _cases(True))
def test_the_attack_fails(attack: Attack, lab: Lab):
    assert attack.check(lab)
