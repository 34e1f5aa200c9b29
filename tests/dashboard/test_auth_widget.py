"""The login box under AppTest: the back-off after failed sign-ins, sessions that end (idle, account changed),
and the writes a session signed in before a change can no longer make."""
from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from geo import auth, writes
from geo.settings import ROOT
from tests.page_support import log_in as _login
from tests.store_support import ADMIN, ADMIN_USER, EDITOR, scratch_store_with_users

APP = str(ROOT / "dashboard" / "app.py")
EDIT, BRIEFING = "app_pages/data_edit.py", "app_pages/briefing.py"


@pytest.fixture()
def store(tmp_path, monkeypatch):
    store = scratch_store_with_users(tmp_path)
    monkeypatch.setenv("QY_STORE", store.url)
    return store


def _page(page: str = EDIT) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _signed_in_as(at: AppTest) -> str | None:
    return next((c.value for c in at.sidebar.caption if c.value.startswith("当前用户")), None)


def _notices(at: AppTest) -> list[str]:
    return [w.value for w in at.sidebar.warning]


def test_after_the_free_failures_even_the_right_password_waits(store, monkeypatch):
    monkeypatch.setenv("QY_LOGIN_FREE_FAILURES", "3")
    rule = auth.sign_in_policy  # its first wait long enough that no load on this machine lets it pass
    monkeypatch.setattr(auth, "sign_in_policy", lambda: dataclasses.replace(
        rule(), account=dataclasses.replace(rule().account, base_s=100.0)))
    at = _page()
    for _ in range(3):
        _login(at, ADMIN[0], "wrong-password")
        assert [e.value for e in at.sidebar.error] == ["用户名或密码错误"]
    _login(at, *ADMIN)
    assert any("登录失败次数过多：请" in e.value and "秒后再试" in e.value for e in at.sidebar.error)
    assert _signed_in_as(at) is None
    attempts = store.sign_ins().attempts()
    assert [a.outcome for a in attempts] == ["wrong_password"] * 3  # the refused one was never checked
    assert {a.client for a in attempts} == {"web:localhost"}


def test_a_password_changed_elsewhere_ends_the_session_and_its_save(store):
    at = _login(_page(), *EDITOR[:2])
    at.selectbox(key=state.EDIT_SUBDISTRICT).select("金沙").run()
    at.selectbox(key=state.EDIT_COMPOUND).select("QY-0001").run()
    next(d for d in at.date_input if d.label == "实际竣工").set_value(dt.date(2016, 11, 20))
    writes.change_password(store, ADMIN_USER, EDITOR[0], "changed-by-admin-7")  # e.g. the old one leaked
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert store.audit().empty  # nothing saved under li's name
    assert _signed_in_as(at) is None
    assert any("登录已失效" in n for n in _notices(at))
    _login(at, EDITOR[0], "changed-by-admin-7")
    assert _signed_in_as(at) is not None and not _notices(at)


def test_a_role_change_ends_the_session_too(store):
    at = _login(_page(), *EDITOR[:2])
    at.switch_page(BRIEFING).run()  # the check runs on every page, not only where the login box is
    assert state.USER in at.session_state
    writes.update_user(store, ADMIN_USER, EDITOR[0], subdistricts=["少城"])
    at.run()
    assert state.USER not in at.session_state and at.session_state[state.LOGIN_NOTICE].startswith("登录已失效")


def test_an_idle_session_is_signed_out(store, monkeypatch):
    monkeypatch.setenv("QY_SESSION_IDLE_MINUTES", "5")
    at = _login(_page(), *EDITOR[:2])
    at.session_state[state.USER_SEEN] = time.monotonic() - 4 * 60  # used 4 minutes ago: still signed in
    at.run()
    assert _signed_in_as(at) is not None
    at.session_state[state.USER_SEEN] = time.monotonic() - 6 * 60
    at.run()
    assert _signed_in_as(at) is None and any("超过 5 分钟未操作" in n for n in _notices(at))


def test_an_admin_with_a_password_the_rule_now_refuses_is_told_to_change_it(store):
    writes.add_user(store, ADMIN_USER, "old-admin", "plum-river-cobalt-88", "admin")
    record = store.user("old-admin")
    assert record is not None
    from argon2 import PasswordHasher
    store.put_user("old-admin", role="admin", password_hash=PasswordHasher().hash("aaaaaaaa"))  # set under the old rule
    at = _login(_page(), "old-admin", "aaaaaaaa")
    assert _signed_in_as(at) is not None
    assert any("python -m geo users passwd old-admin" in n for n in _notices(at))
