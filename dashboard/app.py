"""The dashboard's entry point: page list, shared sidebar and session defaults.

Run from the repo root: ``streamlit run dashboard/app.py`` (``scripts/run.sh``). Pages have
stable short URLs (``/briefing``, where ``/`` forwards, ``/explorer``, ``/screen``, ...);
``?lang=en`` switches to English and ``?as_of=YYYY-MM-DD`` replays a past date.

To add a page, add ONE line to ``PAGES`` below (file under ``dashboard/app_pages/``, never
``pages/``: see ``dashboard.navigation``; URL path, title key in ``geo/i18n.py``, Material
icon; ``chrome=False`` for a full-screen page without sidebar).

``QY_PAGES`` (``settings.pages``) limits what this server serves: ``QY_PAGES=screen``
is a read-only exhibition server (no import, edit or login pages reachable, not even
by URL). Every run re-checks the signed-in user (``auth_widget.current_user``: idle
timeout, account changed); a page that fails shows a clear message with a reference
and logs the traceback, never a server path (``dashboard.errors``); Streamlit's
clear-cache message from a browser is refused (``dashboard.client_guard``).
"""
from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repo root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard import auth_widget, cached, client_guard, errors, state, ui  # noqa: E402
from dashboard.navigation import PageSpec, served_pages, st_pages  # noqa: E402
from geo.i18n import t  # noqa: E402
from geo.settings import get_settings  # noqa: E402
from geo.store import StoreError  # noqa: E402

#: The pages, in menu order; the first one is where "/" leads. One line per page.
PAGES: list[PageSpec] = [
    PageSpec("briefing.py", "briefing", "page.briefing", ":material/dashboard:"),
    PageSpec("explorer.py", "explorer", "page.explorer", ":material/travel_explore:"),
    PageSpec("screen.py", "screen", "page.screen", ":material/tv:", chrome=False),
    PageSpec("data_import.py", "import", "page.import", ":material/upload_file:"),
    PageSpec("data_edit.py", "edit", "page.edit", ":material/edit_note:"),
    PageSpec("schedule.py", "schedule", "page.schedule", ":material/view_timeline:"),
]


def app_title(lang: str) -> str:
    """The app's title: the stored programme's, or a general one while the store cannot be read
    (the page then says why)."""
    try:
        programme = cached.scale().programme  # not load(): a large store is not loaded to name the app
    except (StoreError, OSError, ValueError):
        return t("app.title_default", lang)
    return t("app.title", lang, title=programme.title(lang))


def _forward_home(target: st.Page) -> None:
    """The root URL: forward to the first page, keeping the query string."""
    st.switch_page(target, query_params=st.query_params.to_dict())


def _sidebar(pages: dict[str, st.Page], specs: list[PageSpec], lang: str, title: str) -> None:
    """The shared sidebar: title, page menu, language switch and as-of date."""
    with st.sidebar:
        st.html(ui.sidebar_title_html(title))
        params = {state.Q_LANG: lang}
        for spec in specs:
            if spec.in_menu:
                st.page_link(pages[spec.url_path], icon=spec.icon, query_params=params)
        st.divider()
        state.lang_switch(t("app.language", lang))
        state.as_of_input(t("app.as_of", lang), t("shell.as_of_help", lang))
        st.html(ui.DATE_ENTER_JS, unsafe_allow_javascript=True)


def _route(lang: str) -> None:
    """Route to the page asked for (among the served ones) and run it."""
    settings = get_settings()
    specs = served_pages(PAGES, settings.pages)
    if not specs:
        st.error(t("error.no_pages", lang, pages=", ".join(settings.pages), valid=", ".join(p.url_path for p in PAGES)))
        return
    title = app_title(lang)
    pages = st_pages(specs, lang)
    first = pages[specs[0].url_path]
    home = st.Page(lambda: _forward_home(first), title=title, url_path="home",
                   default=True, visibility="hidden")
    page = st.navigation([home, *pages.values()], position="hidden")
    spec = next((s for s in specs if s.url_path == page.url_path), None)
    if spec is not None:
        st.set_page_config(page_title=f"{page.title} · {title}")
    auth_widget.current_user()  # ends an idle session or one whose account changed, on every page
    if spec is not None and spec.chrome:
        _sidebar(pages, specs, lang, title)
    elif spec is not None:
        st.html(ui.NO_CHROME_CSS)
    page.run()


def main() -> None:
    """Set up the session, route to the page and run it (a failure shows a message, not a traceback)."""
    client_guard.refuse_cache_clearing()
    st.set_page_config(page_title=t("app.title_default"), layout="wide", initial_sidebar_state="expanded")
    state.init_session(get_settings().language)
    errors.guarded(_route, state.lang())


main()
