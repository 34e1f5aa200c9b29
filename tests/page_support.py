"""Helpers for page tests under streamlit.testing.v1.AppTest."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamlit.testing.v1 import AppTest

from dashboard import state
from geo.settings import ROOT

APP = str(ROOT / "dashboard" / "app.py")


def run_page(page: str, params: Mapping[str, str] | None = None, session: Mapping[str, Any] | None = None,
             at: AppTest | None = None) -> AppTest:
    """Run the app on ``page`` (``app_pages/NAME.py``) with query ``params`` and ``session`` values set
    first (or run ``at`` again with ``session`` values set); no exception shown."""
    if at is None:
        at = AppTest.from_file(APP, default_timeout=120)
        at.switch_page(page)
        for key, value in (params or {}).items():
            at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    """Sign in through the sidebar's box (Chinese or English) and run the page; no exception shown."""
    at.sidebar.text_input(key=f"{state.LOGIN_FORM}_name").input(name)
    at.sidebar.text_input(key=f"{state.LOGIN_FORM}_password").input(password)
    next(b for b in at.sidebar.button if b.label in ("登录", "Log in")).click().run()
    assert not at.exception, at.exception
    return at
