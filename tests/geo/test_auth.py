"""Users and roles: argon2 hashes, login, editor limited to own subdistricts, CLI user management."""
from __future__ import annotations

import shutil

import pytest

from geo import auth
from geo.cli.main import main
from geo.sample.programme import QINGYANG
from geo.settings import SAMPLE_GPKG
from geo.store.gpkg import GpkgStore


@pytest.fixture()
def store(tmp_path) -> GpkgStore:
    path = tmp_path / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return GpkgStore(path)


def test_password_is_hashed_with_argon2_and_verified():
    hashed = auth.hash_password("correct horse")
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed
    assert auth.verify_password(hashed, "correct horse")
    assert not auth.verify_password(hashed, "wrong horse")
    assert not auth.verify_password("not a hash", "x")
    with pytest.raises(auth.AuthError, match="8"):
        auth.hash_password("short")


def test_roles():
    viewer, editor, admin = auth.VIEWER, auth.User("e", "editor", ("草堂",)), auth.User("a", "admin")
    assert not viewer.can_write and not viewer.can_edit("草堂")
    assert editor.can_edit("草堂") and not editor.can_edit("少城") and not editor.is_admin
    assert admin.can_edit("少城") and admin.is_admin
    with pytest.raises(auth.AuthError, match="viewer, editor, admin"):
        auth.check_role("boss")
    with pytest.raises(auth.AuthError, match="草堂"):
        auth.check_subdistricts(["春熙路"], QINGYANG)
    with pytest.raises(auth.AuthError):
        auth.require_admin(editor)


def test_add_and_authenticate(store):
    auth.add_user(store, "zhang", "pass-12345", "editor", ["草堂", "少城"])
    user = auth.authenticate(store, "zhang", "pass-12345")
    assert user == auth.User("zhang", "editor", ("草堂", "少城"))
    with pytest.raises(auth.AuthError, match="wrong user name or password"):
        auth.authenticate(store, "zhang", "nope-nope")
    with pytest.raises(auth.AuthError, match="wrong user name or password"):
        auth.authenticate(store, "nobody", "pass-12345")
    with pytest.raises(auth.AuthError, match="already exists"):
        auth.add_user(store, "zhang", "pass-12345", "viewer")
    assert "pass-12345" not in store.path.read_bytes().decode("latin-1")


def test_first_admin_from_the_command_line(store, monkeypatch, capsys):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-admin\n"))
    assert main(["users", "add", "admin", "--role", "admin", "--store", str(store.path)]) == 0
    assert auth.authenticate(store, "admin", "s3cret-admin").is_admin
    monkeypatch.setattr("sys.stdin", io.StringIO("pw-for-editor\n"))
    assert main(["users", "add", "li", "--role", "editor", "--subdistrict", "金沙", "--password-stdin",
                 "--store", str(store.path)]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--store", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert "admin" in out and "金沙" in out and "argon2" not in out
    assert main(["users", "add", "x", "--role", "boss", "--store", str(store.path)]) == 2
    assert "viewer, editor, admin" in capsys.readouterr().err
    assert main(["users", "remove", "li", "--store", str(store.path)]) == 0
    assert main(["users", "remove", "li", "--store", str(store.path)]) == 2
