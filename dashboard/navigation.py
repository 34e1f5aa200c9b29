"""The app's pages as data: one :class:`PageSpec` per page, turned into ``st.Page`` objects.

The list itself (``PAGES``) is in ``dashboard/app.py``, one line per page. Page files live in
``dashboard/app_pages/``, not ``pages/``: while a ``pages/`` folder sits next to the main
script, Streamlit starts every server in its legacy multipage mode and, until some session
has loaded ``/``, runs a page URL's file directly, without ``app.py`` (no sidebar, no
session set-up; the screen would show a sidebar).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from geo.i18n import t

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"


@dataclass(frozen=True)
class PageSpec:
    """One page: its file under dashboard/app_pages/, URL path, i18n title key and menu icon.

    The icon is shown in the sidebar menu only: a Material icon as st.Page icon would
    become the favicon, which Streamlit fetches from fonts.gstatic.com (not offline).
    """

    file: str
    url_path: str
    title_key: str
    icon: str
    chrome: bool = True  # False: full screen, no sidebar or header (the exhibition screen)
    in_menu: bool = True


def st_pages(specs: Sequence[PageSpec], lang: str) -> dict[str, st.Page]:
    """st.Page objects by URL path (titles in ``lang``)."""
    return {
        spec.url_path: st.Page(PAGES_DIR / spec.file, title=t(spec.title_key, lang), url_path=spec.url_path,
                               visibility="visible" if spec.in_menu else "hidden")
        for spec in specs
    }
