"""Users and roles: argon2 hashes, password rules, signing in (back-off, the same cost for unknown names),
the pure checks on a User, and the session's re-read of the stored user (credential stamps)."""
from __future__ import annotations

import pytest

from geo import auth, writes
from geo.backoff import Backoff, SignInPolicy
from geo.sample.programme import QINGYANG
from tests.store_support import ADMIN, ADMIN_USER, EDITOR, scratch_store_with_users

#: Small numbers so a test runs few Argon2 checks: 2 free failures per account, 4 per client.
POLICY = SignInPolicy(account=Backoff(free=2, window_s=3600, base_s=10, cap_s=60),
                      client=Backoff(free=4, window_s=3600, base_s=10, cap_s=60))


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)  # ADMIN and EDITOR (li, 金沙)


@pytest.fixture()
def clock(monkeypatch):
    """The time authenticate sees, moved by hand."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(auth.time, "time", lambda: now[0])
    return now


def test_password_is_hashed_with_argon2_and_verified():
    hashed = auth.hash_password("correct horse")
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed
    assert auth.verify_password(hashed, "correct horse")
    assert not auth.verify_password(hashed, "wrong horse")
    assert not auth.verify_password("not a hash", "x")
    with pytest.raises(auth.AuthError, match="8"):
        auth.hash_password("short")


@pytest.mark.parametrize(("password", "role", "name", "problem"), [
    ("aaaaaaaa", "admin", "admin", "15"),  # accepted for an admin before
    ("aaaaaaaa", "editor", "li", "guess"),  # a repeat
    ("password123", "editor", "li", "guess"),  # a common password
    ("12345678", "viewer", "kan", "guess"),
    ("li-li-li-li", "editor", "li", "guess"),  # the user's own name
    ("aaaaaaaaaaaaaaaaaaaa", "admin", "admin", "guess"),  # long but a repeat
    ("qingyang-admin1", "admin", "admin", "guess"),  # long, but a place of the programme and the role
    ("zaq12wsxcde34rfv", "admin", "admin", "guess"),  # a keyboard walk
    ("editor-pass-1", "editor", "li", None),
    ("tea-lantern-harbor-42", "admin", "admin", None),
    ("青羊区旧城改造数据管理工作组二零二六", "admin", "admin", None),  # 17 characters of Chinese
])
def test_password_rules(password, role, name, problem):
    found = auth.password_problem(password, role=role, name=name, words=auth.place_words(QINGYANG))
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and " / " in found  # bilingual


def test_admins_are_created_only_with_an_admin_password(store):
    with pytest.raises(auth.AuthError, match="15"):
        writes.add_user(store, ADMIN_USER, "wang", "aaaaaaaa", "admin")
    with pytest.raises(auth.AuthError, match="guess"):
        writes.add_user(store, ADMIN_USER, "wang", "password123", "editor", ["草堂"])
    with pytest.raises(auth.AuthError, match="15"):  # promoting an editor needs a new admin password
        writes.update_user(store, ADMIN_USER, EDITOR[0], role="admin")
    with pytest.raises(auth.AuthError, match="15"):
        writes.update_user(store, ADMIN_USER, EDITOR[0], role="admin", password=EDITOR[1])
    promoted = writes.update_user(store, ADMIN_USER, EDITOR[0], role="admin", password="plum-river-cobalt-88")
    assert promoted.is_admin and auth.authenticate(store, EDITOR[0], "plum-river-cobalt-88").is_admin


def test_authenticate(store, clock):
    writes.add_user(store, ADMIN_USER, "zhang", "pass-12345", "editor", ["草堂", "少城"])
    user = auth.authenticate(store, "zhang", "pass-12345")
    assert (user.name, user.role, user.subdistricts) == ("zhang", "editor", ("草堂", "少城")) and user.stamp
    for name, password in (("zhang", "nope-nope"), ("nobody", "pass-12345"), ("", "")):
        with pytest.raises(auth.Refused, match="wrong user name or password"):
            auth.authenticate(store, name, password, client=name)
    writes.update_user(store, ADMIN_USER, "zhang", active=False)
    with pytest.raises(auth.Refused):
        auth.authenticate(store, "zhang", "pass-12345")
    assert all("pass-12345" not in u.password_hash for u in store.users())


def test_unknown_and_disabled_names_cost_one_argon2_check_like_known_ones(store, monkeypatch):
    checked = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checked.append(h) or real(h, p))
    writes.add_user(store, ADMIN_USER, "off", "pass-12345", "editor", ["草堂"])
    writes.update_user(store, ADMIN_USER, "off", active=False)
    for name in (ADMIN[0], "nobody", "off", ""):
        with pytest.raises(auth.Refused):
            auth.authenticate(store, name, "wrong-password", client=f"c-{name}")
    assert len(checked) == 4 and all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in checked)
    assert checked[1] == checked[2] == checked[3] != checked[0]  # the dummy hash for the three without an account


def test_an_account_waits_after_its_free_failures_even_for_the_right_password(store, clock):
    for _ in range(POLICY.account.free):
        with pytest.raises(auth.Refused) as info:
            auth.authenticate(store, ADMIN[0], "wrong-password", client="a", policy=POLICY)
        assert not isinstance(info.value, auth.Throttled)
    for client in ("a", "another-client"):  # a new client does not help: the account waits
        with pytest.raises(auth.Throttled, match="10 s") as info:
            auth.authenticate(store, *ADMIN, client=client, policy=POLICY)
        assert info.value.retry_after == 10 and "请 10 秒后再试" in str(info.value)
    clock[0] += 10
    with pytest.raises(auth.Refused):  # the next guess is checked, and the wait doubles
        auth.authenticate(store, ADMIN[0], "still-wrong", client="a", policy=POLICY)
    with pytest.raises(auth.Throttled) as info:
        auth.authenticate(store, *ADMIN, client="a", policy=POLICY)
    assert info.value.retry_after == 20
    clock[0] += 20
    assert auth.authenticate(store, *ADMIN, client="a", policy=POLICY).name == ADMIN[0]
    with pytest.raises(auth.Refused) as info:  # a success starts the account's count again
        auth.authenticate(store, ADMIN[0], "typo", client="b", policy=POLICY)
    assert not isinstance(info.value, auth.Throttled)


def test_a_client_trying_many_names_waits_and_the_attempts_are_logged(store, clock):
    for i in range(POLICY.client.free):
        with pytest.raises(auth.Refused):
            auth.authenticate(store, f"guess-{i}", "password1", client="sprayer", policy=POLICY)
    with pytest.raises(auth.Throttled):
        auth.authenticate(store, "guess-new", "password1", client="sprayer", policy=POLICY)
    assert auth.authenticate(store, *EDITOR[:2], client="elsewhere", policy=POLICY).name == EDITOR[0]
    log = writes.sign_in_log(store, ADMIN_USER)
    assert [(a.name, a.client, a.outcome) for a in log] == [
        (EDITOR[0], "elsewhere", "ok"), *[(f"guess-{i}", "sprayer", "unknown_user") for i in reversed(range(4))]]
    with pytest.raises(auth.Refused):
        writes.sign_in_log(store, auth.VIEWER)


def test_sign_ins_never_change_the_store_or_its_fingerprint(store):
    before = store.fingerprint()
    with pytest.raises(auth.Refused):
        auth.authenticate(store, ADMIN[0], "wrong-password")
    auth.authenticate(store, *ADMIN)
    assert store.fingerprint() == before


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


def test_refresh_user_ends_the_session_on_any_change_of_the_stored_user(store):
    li = auth.authenticate(store, *EDITOR[:2])
    assert auth.refresh_user(store, li) == li
    writes.change_password(store, ADMIN_USER, EDITOR[0], "new-editor-pass")  # e.g. from another session
    assert auth.refresh_user(store, li) == auth.VIEWER
    li = auth.authenticate(store, EDITOR[0], "new-editor-pass")
    writes.update_user(store, ADMIN_USER, EDITOR[0], subdistricts=["少城"])
    assert auth.refresh_user(store, li) == auth.VIEWER
    li = auth.authenticate(store, EDITOR[0], "new-editor-pass")
    writes.update_user(store, ADMIN_USER, EDITOR[0], role="viewer")
    assert auth.refresh_user(store, li) == auth.VIEWER
    li = auth.authenticate(store, EDITOR[0], "new-editor-pass")
    writes.remove_user(store, ADMIN_USER, EDITOR[0])
    writes.add_user(store, ADMIN_USER, EDITOR[0], "new-editor-pass", "editor", ["金沙"])  # the same name again
    assert auth.refresh_user(store, li) == auth.VIEWER
    assert auth.refresh_user(store, auth.VIEWER) == auth.VIEWER
