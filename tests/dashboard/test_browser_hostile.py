"""What a hostile visitor can send a running server (``streamlit run``): Streamlit's clear-cache message,
crafted widget ids and values, URLs of pages a read-only server does not serve.

Talks to the server over its websocket like a script would (``tests/ws_client.py``), and
once through headless chromium; only to local servers these tests start.
"""
from __future__ import annotations

import re
import urllib.request

import pytest

from tests.browser_support import REPO_ROOT, offline_page, save_screenshot, streamlit_server
from tests.store_support import scratch_store_with_users
from tests.ws_client import StreamlitSocket, element_types, widget, widget_ids

pytestmark = pytest.mark.browser
APP = REPO_ROOT / "dashboard" / "app.py"
#: What an error shown to a visitor must not contain: paths, code, exception types or texts.
LEAKS = re.compile(r"/work/|/srv/|/tmp/|site-packages|\.py\b|File \"|Traceback|Error\b|bad argument|has no len")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = scratch_store_with_users(tmp_path_factory.mktemp("hostile"))
    with streamlit_server(APP, env={"QY_STORE": store.url}) as url:
        yield url


def _lookups(url: str, cache: str) -> dict[str, int]:
    """hit/miss counts of one cached function from Streamlit's metrics endpoint."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    text = opener.open(f"{url}/_stcore/metrics", timeout=30).read().decode()
    found = re.findall(rf'cache_lookups_total\{{cache="{re.escape(cache)}",cache_type="\w+",result="(\w+)"\}} (\d+)', text)
    return {result: int(n) for result, n in found}


def test_a_visitor_cannot_empty_the_caches_of_others(server):
    with StreamlitSocket(server) as first:
        first.run("")
        assert first.run("briefing").finished == "FINISHED_SUCCESSFULLY"  # the data set is cached now
    before = _lookups(server, "dashboard.cached._loaded")
    with StreamlitSocket(server) as visitor:
        visitor.run("")
        for _ in range(5):
            visitor.clear_cache()
        visitor.run("briefing")  # the server handles a session's messages in order: the clears came first
    with StreamlitSocket(server) as other:
        other.run("")
        assert other.run("briefing").finished == "FINISHED_SUCCESSFULLY"
    after = _lookups(server, "dashboard.cached._loaded")
    assert after.get("miss", 0) == before.get("miss", 0)  # nobody had to load the data again
    assert after["hit"] > before["hit"]


def test_crafted_widget_values_show_no_traceback_or_path(server):
    with StreamlitSocket(server) as probe:
        probe.run("")
        ids = widget_ids(probe.run("edit"))
    assert len(ids) > 10
    shown = []
    for wid in ids:
        for value in ({"int_value": 99999}, {"string_value": "x" * 50}):
            with StreamlitSocket(server) as visitor:  # a fresh session each: a bad state sticks to its session
                visitor.run("")
                run = visitor.run("edit", widgets=[widget(wid, **value)])
                shown += run.exceptions()
    with StreamlitSocket(server) as visitor:
        visitor.run("")
        shown += visitor.run("edit", widgets=[widget("$$ID-forged-None", int_value=1)]).exceptions()
    assert shown, "no crafted value failed: the test no longer reaches the error paths"
    for text in shown:
        assert not LEAKS.search(text), text
        assert "编号" in text or "redacted" in text, text  # ours (a reference to the log) or Streamlit's generic one


@pytest.fixture(scope="module")
def screen_server(tmp_path_factory):
    store = scratch_store_with_users(tmp_path_factory.mktemp("screen-only"))
    with streamlit_server(APP, env={"QY_STORE": store.url, "QY_PAGES": "screen"}) as url:
        yield url


def test_a_screen_only_server_has_no_other_page_even_by_url(screen_server, browser):
    with StreamlitSocket(screen_server) as visitor:
        visitor.run("")
        assert set(visitor.page_hashes) == {"", "screen"}  # home (forwards to the screen) and the screen
        for path in ("import", "edit", "briefing", "explorer"):
            run = visitor.run(path)
            kinds = set(element_types(run))
            assert "page_not_found" in run.kinds() and "component_instance" in kinds, path  # the screen's map instead
            assert not {"file_uploader", "text_input", "button", "date_input"} & kinds, (path, kinds)
    with offline_page(browser, f"{screen_server}/import", width=1600, height=1000) as visit:
        visit.page.locator(".qs-clock").first.wait_for(timeout=60_000)  # the screen, not the import page
        assert visit.page.locator('[data-testid="stFileUploader"]').count() == 0
        assert visit.page.locator('[data-testid="stSidebar"]').count() == 0
        save_screenshot(visit.page, "screen_only_server_import_url")
        assert not visit.blocked
