"""/import and /edit in headless chromium against ``streamlit run`` on a scratch store (offline).

Uses its own server: the import commits a new version, which must never touch the
committed sample the shared session server reads.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_support import REPO_ROOT, offline_page, run_script_server, save_screenshot, streamlit_server
from tests.browser_support import sign_in as _login
from tests.store_support import ADMIN, EDITOR, scratch_store_with_users

pytestmark = pytest.mark.browser
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


@pytest.fixture(scope="module")
def data_app(tmp_path_factory):
    store = scratch_store_with_users(tmp_path_factory.mktemp("browser-data"))
    with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env={"QY_STORE": store.url}) as url:
        yield url, store


def _upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def _assert_offline(visit) -> None:
    assert visit.errors == [], visit.errors
    assert visit.blocked == [], visit.blocked  # nothing asked for the network
    # Streamlit probes <page>/_stcore/... on a deep link before finding the server root: not ours
    assert [f for f in visit.failed if "/_stcore/" not in f] == [], visit.failed


def _logout(page) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    button = sidebar.get_by_role("button", name="退出登录")
    if not button.is_visible():  # the login box folds once signed in
        sidebar.get_by_test_id("stExpander").get_by_text("登录").first.click()
    button.click()
    sidebar.get_by_label("用户名").wait_for(timeout=30_000)


def test_upload_needs_a_login_then_report_preview_and_confirmed_import(browser, data_app):
    url, store = data_app
    with offline_page(browser, f"{url}/import", width=1400, height=1100) as visit:
        page = visit.page
        page.get_by_role("heading", name="数据导入").wait_for(timeout=60_000)
        page.get_by_text("上传和校验文件需要登录编辑或管理员账号").wait_for()
        assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
        _login(page, "li", "editor-pass-1")
        _upload(page, CORPUS / "bad" / "swapped.csv")
        page.get_by_text("有 1 个错误").wait_for(timeout=60_000)
        page.get_by_text("swapped.csv：3 行，1 个错误，0 个提示").wait_for()
        page.get_by_role("button", name="下载校验报告（Excel）").wait_for()
        assert page.get_by_role("button", name="提交导入").count() == 0
        page.wait_for_timeout(500)
        save_screenshot(page, "data_import_report")
        _logout(page)
        _login(page, *ADMIN)
        _upload(page, CORPUS / "ok" / "extras.csv")
        page.get_by_text("导入后将发生的变化").wait_for(timeout=60_000)
        page.get_by_text("可以导入：新增 0 个小区，更新 3 个，未变 0 个").wait_for()
        page.get_by_role("button", name="提交导入").click()
        page.get_by_text("确认导入？").wait_for(timeout=30_000)
        assert [v.kind for v in store.versions()] == ["init"]  # asked first: nothing written yet
        page.wait_for_timeout(500)
        save_screenshot(page, "data_import_preview_confirm")
        page.get_by_role("button", name="确认").click()
        page.get_by_text("已导入为第 2 版").wait_for(timeout=60_000)
        save_screenshot(page, "data_import_committed")
        _assert_offline(visit)
    assert [v.kind for v in store.versions()] == ["init", "import"]


def test_run_sh_limit_and_hostile_headers_shown_as_text(browser, tmp_path_factory):
    store = scratch_store_with_users(tmp_path_factory.mktemp("browser-run-sh"))
    with run_script_server(env={"QY_STORE": store.url, "QY_IMPORT_MAX_MB": "7"}) as (url, _pid, log):
        with offline_page(browser, f"{url}/import", width=1400, height=1100) as visit:
            page = visit.page
            page.get_by_role("heading", name="数据导入").wait_for(timeout=60_000)
            _login(page, "li", "editor-pass-1")
            dropzone = page.get_by_test_id("stFileUploaderDropzone")
            dropzone.wait_for(timeout=30_000)
            assert "7MB" in dropzone.inner_text() and "200MB" not in dropzone.inner_text()
            _upload(page, CORPUS / "hostile" / "markdown_header.csv")
            header = "**[补贴申领](http://evil.example/phish)** ![t](http://127.0.0.1:9/pixel.png)"
            page.get_by_text(header, exact=True).first.wait_for(timeout=60_000)
            page.wait_for_timeout(800)
            assert page.locator('a[href*="evil.example"]').count() == 0
            assert page.locator('img[src*="127.0.0.1:9"]').count() == 0
            assert not [u for u in visit.local if ":9/" in u]  # no beacon was fetched
            save_screenshot(page, "data_import_markdown_header")
        text = log.read_text(errors="replace")
    assert "server.maxUploadSize is" not in text  # the server's own limit is the import limit


def test_progress_page_for_an_editor(browser, data_app):
    url, _ = data_app
    with offline_page(browser, f"{url}/edit", width=1400, height=1400) as visit:
        page = visit.page
        page.get_by_role("heading", name="进度填报").wait_for(timeout=60_000)
        page.get_by_text("只读：登录编辑账号").wait_for()
        _login(page, *EDITOR[:2])
        page.get_by_text("只读：登录编辑账号").wait_for(state="detached", timeout=30_000)  # now in 金沙, editable
        # The rerun after login streams its changes; wait for the button rather than sample it once.
        expect(page.get_by_role("button", name="保存")).to_be_enabled(timeout=30_000)
        page.wait_for_timeout(800)
        save_screenshot(page, "data_edit_editor")
        _assert_offline(visit)
