"""``python -m geo edit``: a progress edit through geo.writes; exit 0 + revision, 1 refused, 2 usage."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest

from geo import writes
from geo.cli.main import main
from geo.settings import ROOT
from tests.store_support import ADMIN, ADMIN_USER, EDITOR, scratch_store_with_users, store_digest

# QY-0001 is in 金沙 (li's subdistrict), QY-0003 in 少城; QY-0004 has elevators EL-0001..EL-0004.


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)


def _edit(monkeypatch, store, cid: str, *sets: str, user: str = EDITOR[0], password: str | None = EDITOR[1],
          stdin: str = "", extra: tuple[str, ...] = ()) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    if password is None:
        monkeypatch.delenv("QY_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("QY_PASSWORD", password)
    args = ["edit", cid, *[a for s in sets for a in ("--set", s)], "--user", user, "--store", store.url, *extra]
    return main(args)


def test_an_editor_saves_dates_works_and_counts_and_gets_the_revision(store, monkeypatch, capsys):
    code = _edit(monkeypatch, store, "QY-0001", "actual_finish=2016-11-05", "works.gas.actual_finish=2024-05-01",
                 "works.ev_chargers.quantity=12")
    assert code == 0
    assert capsys.readouterr().out.strip() == "v1.r1" == store.etag("QY-0001")
    ds = store.load().dataset
    assert ds.compounds.set_index("compound_id").at["QY-0001", "actual_finish"].day == 5
    works = ds.works[ds.works["compound_id"] == "QY-0001"].set_index("work")
    assert works.at["gas", "actual_finish"].isoformat()[:10] == "2024-05-01" and works.at["ev_chargers", "quantity"] == 12
    audit = store.audit(compound_id="QY-0001")
    assert set(audit["user"]) == {"li"} and len(audit) >= 3


def test_the_same_edit_as_on_the_page_goes_through_the_same_use_case(store, monkeypatch, capsys):
    opened = writes.open_progress(store, "QY-0004")
    assert _edit(monkeypatch, store, "QY-0004", "elevators.EL-0002.actual_start=2023-01-05",
                 user="admin", password=ADMIN[1]) == 0  # QY-0004 is not li's; the admin may
    after = writes.open_progress(store, "QY-0004")
    assert after.etag == capsys.readouterr().out.strip() != opened.etag
    lift = next(e for e in after.record.elevators if e.elevator_id == "EL-0002")
    assert lift.actual_start.isoformat() == "2023-01-05"


def test_the_password_can_come_from_stdin(store, monkeypatch, capsys):
    assert _edit(monkeypatch, store, "QY-0001", "plan_finish=2016-12-01", password=None,
                 stdin=f"{EDITOR[1]}\n") == 0
    assert capsys.readouterr().out.strip() == "v1.r1"


@pytest.mark.parametrize("case, sets, kwargs, words", [
    ("no right", ("actual_finish=",), {"cid": "QY-0003"}, "少城"),
    ("wrong password", ("plan_finish=2016-12-01",), {"password": "wrong-password"}, "wrong user name or password"),
    ("bad value", ("actual_finish=2000-01-01",), {}, "before start"),
    ("negative count", ("works.ev_chargers.quantity=-2",), {}, "greater than or equal to 0"),
    ("conflict", ("plan_finish=2016-12-01",), {"extra": ("--expect-revision", "v1.r7")}, "保存被拒绝"),
])
def test_refusals_exit_1_with_one_line_and_change_nothing(case, sets, kwargs, words, store, monkeypatch, capsys):
    before = store_digest(store)
    cid = kwargs.pop("cid", "QY-0001")
    assert _edit(monkeypatch, store, cid, *sets, **kwargs) == 1, case
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1, err
    assert store_digest(store) == before


def test_a_removed_editor_can_no_longer_edit(store, monkeypatch, capsys):
    writes.remove_user(store, ADMIN_USER, EDITOR[0])
    before = store_digest(store)
    assert _edit(monkeypatch, store, "QY-0001", "plan_finish=2016-12-01") == 1
    assert store_digest(store) == before


@pytest.mark.parametrize("sets, words", [
    (("status=completed",), "works.<work>.quantity"),
    (("works.boiler.quantity=1",), "ev_chargers"),
    (("works.gas.quantity=12.5",), "whole number"),
    (("actual_finish=2024/05/01",), "YYYY-MM-DD"),
    (("elevators.EL-9999.actual_start=2024-01-01",), "has no elevators"),
    ((), "FIELD=VALUE"),
])
def test_usage_errors_exit_2_naming_the_valid_fields(sets, words, store, monkeypatch, capsys):
    before = store_digest(store)
    assert _edit(monkeypatch, store, "QY-0001", *sets) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1, err
    assert store_digest(store) == before


def test_an_unknown_compound_is_a_usage_error(store, monkeypatch, capsys):
    assert _edit(monkeypatch, store, "QY-9999", "plan_finish=2016-12-01") == 2
    assert "QY-9999" in capsys.readouterr().err


def test_from_a_shell_with_qy_password(store):
    result = subprocess.run([sys.executable, "-m", "geo", "edit", "QY-0001", "--set", "plan_finish=2016-12-02",
                             "--user", EDITOR[0], "--store", store.url], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "QY_PASSWORD": EDITOR[1]}, stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "v1.r1", "")
