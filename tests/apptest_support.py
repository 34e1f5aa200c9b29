"""Helpers for AppTest page tests."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def html_blocks(at: AppTest) -> list[str]:
    """Every st.html body and st.markdown text on the page.

    Pages draw their trusted HTML with ``st.html`` (far cheaper in the browser than
    Markdown with raw HTML, which goes through a Markdown and an HTML parser).
    """
    return [h.value for h in at.get("html")] + [m.value for m in at.markdown]
