"""The dashboard shell: page list and URLs, language switch, as-of date, errors, no legacy pages/ folder."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_support import html_blocks

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
DASHBOARD = Path(APP).parent
TIMEOUT = 60


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _page_specs():
    """PAGES from app.py without running it (it calls main() on import)."""
    source = (DASHBOARD / "app.py").read_text(encoding="utf-8")
    return re.findall(r'PageSpec\("([\w.]+)", "(\w+)", "([\w.]+)"', source)


def test_no_legacy_pages_folder():
    # A dashboard/pages/ folder makes Streamlit run /<page> URLs without app.py after a restart.
    assert not (DASHBOARD / "pages").exists(), "page files belong in dashboard/app_pages/, see dashboard/app.py"


def test_page_list_has_stable_urls_and_files():
    specs = _page_specs()
    urls = [url for _, url, _ in specs]
    assert urls[:3] == ["briefing", "explorer", "screen"]
    assert len(set(urls)) == len(urls)
    for file, _, title_key in specs:
        assert (DASHBOARD / "app_pages" / file).is_file(), file
        from geo.i18n import t
        assert t(title_key, "zh") and t(title_key, "en")


def test_root_opens_the_briefing_in_chinese():
    at = _app()
    at.run()
    assert not at.exception
    assert at.query_params["lang"] == ["zh"] or at.query_params["lang"] == "zh"
    assert any("总览" in str(link.label) for link in at.sidebar.get("page_link"))
    assert at.session_state["lang"] == "zh"


def test_lang_query_param_and_switch():
    at = _app(lang="en")
    at.run()
    assert at.session_state["lang"] == "en"
    assert any("Briefing" in str(link.label) for link in at.sidebar.get("page_link"))
    switch = at.sidebar.get("button_group")[0]
    switch.set_value("zh").run()
    assert at.session_state["lang"] == "zh"
    assert at.query_params["lang"] in ("zh", ["zh"])
    assert any("总览" in str(link.label) for link in at.sidebar.get("page_link"))


def test_bad_query_params_are_ignored():
    at = _app(lang="fr", as_of="2099-01-01")
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == "zh"
    assert at.session_state["as_of"] == dt.date.today()


def test_as_of_from_url_and_from_the_date_input():
    at = _app(as_of="2022-12-09")
    at.run()
    assert at.session_state["as_of"] == dt.date(2022, 12, 9)
    at.sidebar.date_input[0].set_value(dt.date(2021, 6, 30)).run()
    assert at.session_state["as_of"] == dt.date(2021, 6, 30)
    assert at.query_params["as_of"] in ("2021-06-30", ["2021-06-30"])


def test_unreadable_store_gives_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("QY_STORE", str(tmp_path / "missing.gpkg"))
    at = _app()
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "数据无法读取" in message and "QY_STORE" in message and "missing.gpkg" in message


def test_a_screen_only_server_serves_the_screen_and_nothing_else(monkeypatch):
    monkeypatch.setenv("QY_PAGES", "screen")
    at = _app()
    at.run()
    assert not at.exception
    at.switch_page("app_pages/screen.py").run()
    assert not at.exception and any("qs-clock" in h for h in html_blocks(at))  # the screen is drawn
    assert not at.sidebar.get("page_link")
    for page in ("app_pages/data_import.py", "app_pages/data_edit.py", "app_pages/briefing.py"):
        with pytest.raises(ValueError, match="Known pages"):  # not registered (by URL: test_browser_hostile)
            at.switch_page(page)


def test_a_list_that_names_no_page_serves_nothing(monkeypatch):
    monkeypatch.setenv("QY_PAGES", "scren")
    at = _app()
    at.run()
    assert not at.exception and "QY_PAGES=scren" in at.error[0].value and not at.main.children.get(1)


def test_streamlit_config_binds_to_this_machine_and_hides_error_details():
    import tomllib
    config = tomllib.loads((DASHBOARD.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"  # README: how to serve the office network or the hall
    assert config["client"]["showErrorDetails"] == "none"  # not Streamlit's default "full"
