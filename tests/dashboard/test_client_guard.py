"""dashboard.client_guard: Streamlit's clear-cache message from a browser no longer empties the shared caches."""
from __future__ import annotations

import logging
from types import SimpleNamespace

from streamlit.runtime import caching
from streamlit.runtime.app_session import AppSession

from dashboard import client_guard


def test_the_clear_cache_handler_only_logs(monkeypatch, caplog):
    cleared = []
    monkeypatch.setattr(caching.cache_data, "clear", lambda: cleared.append("data"))
    monkeypatch.setattr(caching.cache_resource, "clear", lambda: cleared.append("resource"))
    monkeypatch.setattr(AppSession, "_handle_clear_cache_request", AppSession._handle_clear_cache_request)
    log = logging.getLogger("dashboard")
    monkeypatch.setattr(log, "handlers", [*log.handlers, caplog.handler])
    client_guard.refuse_cache_clearing()
    client_guard.refuse_cache_clearing()  # idempotent
    AppSession._handle_clear_cache_request(SimpleNamespace(id="session-1"))  # type: ignore[arg-type]
    assert cleared == []
    assert "refused a clear-cache request from session session-1" in caplog.text
