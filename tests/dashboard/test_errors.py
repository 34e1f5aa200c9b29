"""dashboard.errors: a failing page shows a bilingual message with a reference and logs the traceback; stop passes."""
from __future__ import annotations

import logging

from streamlit.testing.v1 import AppTest


def _failing_page() -> None:
    import streamlit as st

    from dashboard import errors

    def page(lang: str) -> None:
        st.write("before")
        if st.session_state.get("stop"):
            st.stop()
        raise OSError(2, "No such file or directory", "/srv/secret/qingyang.gpkg")

    errors.guarded(page, "zh")


def test_an_error_is_a_message_with_a_reference_and_no_path(caplog, monkeypatch):
    at = AppTest.from_function(_failing_page)
    log = logging.getLogger("dashboard")  # its own stderr handler; caplog's handler listens too
    monkeypatch.setattr(log, "handlers", [*log.handlers, caplog.handler])
    at.run()
    assert [m.value for m in at.markdown] == ["before"]
    (shown,) = at.exception
    text = " ".join([shown.message, *shown.stack_trace])
    assert "本页出错" in text and "This page failed" in text and "/srv/secret" not in text and not shown.stack_trace
    ref = text.split("编号 ")[1][:8]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)  # the traceback is in the server log


def test_stop_and_rerun_pass_through():
    at = AppTest.from_function(_failing_page)
    at.session_state["stop"] = True
    at.run()
    assert not at.exception and [m.value for m in at.markdown] == ["before"]
