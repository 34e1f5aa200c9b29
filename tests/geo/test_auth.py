"""Users and roles: argon2 hashes, login, the pure checks on a User, the session's re-read of the stored user."""
from __future__ import annotations

import pytest

from geo import auth, writes
from geo.sample.programme import QINGYANG
from tests.store_support import ADMIN_USER, scratch_store_with_users


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)  # admin / admin-pass-1, li / editor-pass-1 (金沙)


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
    with pytest.raises(auth.Refused):
        auth.require_admin(editor)
    with pytest.raises(auth.Refused, match="少城"):
        auth.require_edit(editor, "少城")


def test_authenticate(store):
    writes.add_user(store, ADMIN_USER, "zhang", "pass-12345", "editor", ["草堂", "少城"])
    user = auth.authenticate(store, "zhang", "pass-12345")
    assert user == auth.User("zhang", "editor", ("草堂", "少城"))
    for name, password in (("zhang", "nope-nope"), ("nobody", "pass-12345"), ("", "")):
        with pytest.raises(auth.Refused, match="wrong user name or password"):
            auth.authenticate(store, name, password)
    writes.update_user(store, ADMIN_USER, "zhang", active=False)
    with pytest.raises(auth.Refused):
        auth.authenticate(store, "zhang", "pass-12345")
    assert all("pass-12345" not in u.password_hash for u in store.users())


def test_refresh_user_follows_the_store(store):
    li = auth.authenticate(store, "li", "editor-pass-1")
    assert auth.refresh_user(store, li) == li
    writes.update_user(store, ADMIN_USER, "li", role="admin")
    assert auth.refresh_user(store, li).is_admin
    writes.remove_user(store, ADMIN_USER, "li")
    assert auth.refresh_user(store, li) == auth.VIEWER
    assert auth.refresh_user(store, auth.VIEWER) == auth.VIEWER
