"""The edge of every page run: an unexpected error becomes a clear message with a reference, never a traceback.

:func:`guarded` runs the page; an exception it did not handle itself is logged with
its traceback on the server (logger ``dashboard``, to the server's stderr) under a short
reference, and the visitor sees only :class:`PageFailed`: what happened and the
reference, in Chinese and English, with no server path, no code and no exception text
(which may name files). Streamlit's own errors outside the page (a crafted widget
value fails in Streamlit before the page runs) are kept to a generic message by
``client.showErrorDetails = "none"`` in ``.streamlit/config.toml``.
"""
from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable

import streamlit as st

from geo.i18n import bilingual

LOG = logging.getLogger("dashboard")
if not LOG.handlers:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False


class PageFailed(Exception):
    """What a visitor sees of an unexpected error: the bilingual message with the log's reference."""


def guarded(run: Callable[[str], None], lang: str) -> None:
    """Run ``run(lang)``; an exception (not Streamlit's stop or rerun) is logged and shown as :class:`PageFailed`."""
    try:
        run(lang)
    except Exception as exc:  # st.stop() and st.rerun() raise BaseExceptions, which pass
        ref = uuid.uuid4().hex[:8]
        LOG.error("page run failed, reference %s", ref, exc_info=exc)
        st.exception(PageFailed(bilingual("error.unexpected", ref=ref)))
