"""What a browser may ask of the server besides running pages: not to empty the caches every session shares.

Streamlit accepts a ``clear_cache`` message from any client on its websocket (the
developer menu's "Clear cache") and empties every ``st.cache_data`` and
``st.cache_resource`` of the process, for every visitor; a script could send it in a
loop and make each page of each visitor load the data and build the maps again. No
config option turns the message off (Streamlit 1.56-1.67: ``AppSession.handle_backmsg``
calls ``_handle_clear_cache_request`` unconditionally), so :func:`refuse_cache_clearing`
replaces that handler for this process with one that only logs the request. The caches
need no clearing by hand: they are keyed by the store's fingerprint and expire after
``settings.cache_ttl_seconds`` (``dashboard/cached.py``).
"""
from __future__ import annotations

import logging

from streamlit.runtime.app_session import AppSession

LOG = logging.getLogger("dashboard")


def _refuse(session: AppSession) -> None:
    LOG.warning("refused a clear-cache request from session %s", session.id)


def refuse_cache_clearing() -> None:
    """Make this process ignore Streamlit's clear-cache message from browsers (idempotent)."""
    AppSession._handle_clear_cache_request = _refuse  # type: ignore[method-assign, assignment]
