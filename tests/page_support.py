"""Helpers for page tests under streamlit.testing.v1.AppTest."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import state


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    """Sign in through the sidebar's box (Chinese or English) and run the page; no exception shown."""
    at.sidebar.text_input(key=f"{state.LOGIN_FORM}_name").input(name)
    at.sidebar.text_input(key=f"{state.LOGIN_FORM}_password").input(password)
    next(b for b in at.sidebar.button if b.label in ("登录", "Log in")).click().run()
    assert not at.exception, at.exception
    return at
