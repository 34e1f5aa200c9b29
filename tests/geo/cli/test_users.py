"""``python -m geo users``: the first admin without a sign-in, then admins only; exit codes."""
from __future__ import annotations

import io

import pytest

from geo import auth
from geo.cli.main import main
from tests.store_support import scratch_sample, store_digest


@pytest.fixture()
def store(tmp_path):
    return scratch_sample(tmp_path)  # no users yet


def _run(monkeypatch, args: list[str], stdin: str = "", password: str | None = None) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    if password is None:
        monkeypatch.delenv("QY_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("QY_PASSWORD", password)
    return main(args)


def test_first_admin_then_every_change_signed_in(store, monkeypatch, capsys):
    at = ["--store", store.url]
    assert _run(monkeypatch, ["users", "add", "admin", "--role", "admin", *at], "tea-lantern-harbor-42\n") == 0
    assert auth.authenticate(store, "admin", "tea-lantern-harbor-42").is_admin
    # now an admin exists: no more sign-in-free admins, and adding needs --user
    assert _run(monkeypatch, ["users", "add", "mallory", "--role", "admin", *at], "take-over-1\n") == 2
    assert "--user" in capsys.readouterr().err
    # the actor's password, then the new user's, on two lines of stdin
    assert _run(monkeypatch, ["users", "add", "li", "--role", "editor", "--subdistrict", "金沙", "--user", "admin",
                              "--password-stdin", *at], "tea-lantern-harbor-42\npw-for-editor\n") == 0
    assert _run(monkeypatch, ["users", "list", "--user", "admin", *at], password="tea-lantern-harbor-42") == 0
    out = capsys.readouterr().out
    assert "admin" in out and "金沙" in out and "argon2" not in out
    assert [u.name for u in store.users()] == ["admin", "li"]


def test_refusals_exit_1_and_bad_input_exits_2_with_the_store_unchanged(store, monkeypatch, capsys):
    at = ["--store", store.url]
    _run(monkeypatch, ["users", "add", "admin", "--role", "admin", *at], "tea-lantern-harbor-42\n")
    _run(monkeypatch, ["users", "add", "li", "--role", "editor", "--subdistrict", "金沙", "--user", "admin", *at],
         "pw-for-editor\n", password="tea-lantern-harbor-42")
    capsys.readouterr()
    before = store_digest(store)
    cases = [  # (args, stdin, QY_PASSWORD, exit code, words on stderr)
        (["users", "list", *at], "", None, 1, "sign in"),
        (["users", "list", "--user", "admin", *at], "", "wrong-password", 1, "wrong user name or password"),
        (["users", "remove", "admin", "--user", "li", *at], "", "pw-for-editor", 1, "admin"),
        (["users", "remove", "admin", "--user", "admin", *at], "", "tea-lantern-harbor-42", 1, "last admin"),
        (["users", "set", "admin", "--role", "viewer", "--user", "admin", *at], "", "tea-lantern-harbor-42", 1, "last admin"),
        (["users", "passwd", "admin", "--user", "li", *at], "new-admin-pass\n", "pw-for-editor", 1, "admin"),
        (["users", "add", "x", "--role", "boss", "--user", "admin", *at], "long-enough-1\n", "tea-lantern-harbor-42", 2,
         "viewer, editor, admin"),
        (["users", "add", "x", "--role", "editor", "--subdistrict", "春熙路", "--user", "admin", *at],
         "long-enough-1\n", "tea-lantern-harbor-42", 2, "草堂"),
        (["users", "add", "x", "--user", "admin", *at], "short\n", "tea-lantern-harbor-42", 2, "8"),
        (["users", "add", "x", "--user", "admin", *at], "password123\n", "tea-lantern-harbor-42", 2, "guess"),
        (["users", "add", "x", "--role", "admin", "--user", "admin", *at], "aaaaaaaa\n", "tea-lantern-harbor-42", 2,
         "15"),
        (["users", "set", "li", "--role", "admin", "--user", "admin", *at], "pw-for-editor\n", "tea-lantern-harbor-42",
         2, "15"),
        (["users", "sign-ins", "--user", "li", *at], "", "pw-for-editor", 1, "admin"),
        (["users", "sign-ins", "--since", "yesterday", "--user", "admin", *at], "", "tea-lantern-harbor-42", 2,
         "YYYY-MM-DD"),
        (["users", "remove", "nobody", "--user", "admin", *at], "", "tea-lantern-harbor-42", 2, "nobody"),
        (["users", "add", "x", "--user", "admin", *at], "", "tea-lantern-harbor-42", 2, "no password"),
    ]
    for args, stdin, password, code, words in cases:
        assert _run(monkeypatch, args, stdin, password) == code, args
        assert words in capsys.readouterr().err, args
        assert store_digest(store) == before, args


def test_passwords_roles_and_removal(store, monkeypatch):
    at = ["--store", store.url]
    _run(monkeypatch, ["users", "add", "admin", "--role", "admin", *at], "tea-lantern-harbor-42\n")
    _run(monkeypatch, ["users", "add", "li", "--role", "editor", "--subdistrict", "金沙", "--user", "admin", *at],
         "pw-for-editor\n", password="tea-lantern-harbor-42")
    assert _run(monkeypatch, ["users", "passwd", "li", "--user", "li", *at], "new-editor-pw\n", "pw-for-editor") == 0
    assert auth.authenticate(store, "li", "new-editor-pw").name == "li"
    assert _run(monkeypatch, ["users", "set", "li", "--subdistrict", "少城", "--subdistrict", "草堂", "--user", "admin",
                              *at], password="tea-lantern-harbor-42") == 0
    assert auth.authenticate(store, "li", "new-editor-pw").subdistricts == ("少城", "草堂")
    assert _run(monkeypatch, ["users", "set", "li", "--disabled", "--user", "admin", *at], password="tea-lantern-harbor-42") == 0
    with pytest.raises(auth.Refused):
        auth.authenticate(store, "li", "new-editor-pw")
    assert _run(monkeypatch, ["users", "remove", "li", "--user", "admin", *at], password="tea-lantern-harbor-42") == 0
    assert [u.name for u in store.users()] == ["admin"]


def test_promotion_reads_an_admin_password_and_sign_ins_are_listed_for_admins(store, monkeypatch, capsys):
    at = ["--store", store.url]
    _run(monkeypatch, ["users", "add", "admin", "--role", "admin", *at], "tea-lantern-harbor-42\n")
    _run(monkeypatch, ["users", "add", "li", "--role", "editor", "--subdistrict", "金沙", "--user", "admin", *at],
         "pw-for-editor\n", password="tea-lantern-harbor-42")
    assert _run(monkeypatch, ["users", "set", "li", "--role", "admin", "--user", "admin", *at], "plum-river-cobalt-88\n",
                password="tea-lantern-harbor-42") == 0
    assert auth.authenticate(store, "li", "plum-river-cobalt-88").is_admin
    assert _run(monkeypatch, ["users", "list", "--user", "li", *at], password="wrong-password") == 1
    capsys.readouterr()
    assert _run(monkeypatch, ["users", "sign-ins", "--user", "admin", *at], password="tea-lantern-harbor-42") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "ok" in lines[0] and "'admin'" in lines[0] and "cli:" in lines[0]  # this very sign-in, newest first
    assert "wrong_password" in lines[1] and "'li'" in lines[1]
    assert all("wrong-password" not in line for line in lines)  # passwords are never logged


def test_after_failed_sign_ins_the_command_line_must_wait(store, monkeypatch, capsys):
    at = ["--store", store.url]
    _run(monkeypatch, ["users", "add", "admin", "--role", "admin", *at], "tea-lantern-harbor-42\n")
    monkeypatch.setenv("QY_LOGIN_FREE_FAILURES", "2")
    monkeypatch.setattr(auth.time, "time", lambda: 1_900_000_000.0)  # the clock stands still: the wait has not passed
    for _ in range(2):
        assert _run(monkeypatch, ["users", "list", "--user", "admin", *at], password="wrong-password") == 1
    capsys.readouterr()
    assert _run(monkeypatch, ["users", "list", "--user", "admin", *at], password="tea-lantern-harbor-42") == 1
    assert "try again in 1 s" in capsys.readouterr().err
