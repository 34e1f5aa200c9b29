"""/schedule in headless chromium against ``streamlit run`` on a scratch store (offline): the timing
charts drawn at the office screen sizes, a daily progress edit saved in the table, and a violation
shown after a handover is recorded late.

Uses its own server: the edits write to the store, which must never be the shared session's.
"""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser_support import REPO_ROOT, offline_page, save_screenshot, streamlit_server
from tests.browser_support import sign_in as _login
from tests.store_support import ADMIN, scratch_store_with_users

pytestmark = pytest.mark.browser
SIZES = ((1366, 768), (1600, 1000), (1920, 1080))


@pytest.fixture(scope="module")
def schedule_app(tmp_path_factory):
    store = scratch_store_with_users(tmp_path_factory.mktemp("browser-schedule"))
    with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env={"QY_STORE": store.url}) as url:
        yield url, store


def _choose(page, label: str, text: str) -> None:
    """Pick an option of a Streamlit select box by typing it (its list only renders what is in view)."""
    page.get_by_label(label, exact=True).first.click()
    page.keyboard.type(text)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.wait_for_timeout(1200)  # the choice reruns the page: the next input must not land in that rerun


def _drawn_marks(page) -> list[int]:
    """Per Vega chart on the page: how many marks it drew (its SVG paths, or 1 for a painted canvas)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.vega-embed')).map(el => {
        const svg = el.querySelectorAll('svg .mark-rect path, svg .mark-rect rect').length;
        const c = el.querySelector('canvas');
        return svg || (c && c.width > 100 && c.height > 100 ? 1 : 0); })""")


def _assert_clean(visit) -> None:
    assert visit.errors == [], visit.errors
    assert visit.blocked == [], visit.blocked
    assert [f for f in visit.failed if "/_stcore/" not in f] == [], visit.failed


@pytest.mark.parametrize("width, height", SIZES)
def test_the_timing_charts_are_drawn(browser, schedule_app, width, height):
    url, _ = schedule_app
    with offline_page(browser, f"{url}/schedule?as_of=2022-12-09", width=width, height=height) as visit:
        page = visit.page
        page.get_by_role("heading", name="施工调度 · 一图一表").wait_for(timeout=90_000)
        page.locator(".vega-embed").nth(1).wait_for(timeout=60_000)
        page.wait_for_function("() => document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= 2",
                               timeout=60_000)
        page.wait_for_timeout(800)
        assert all(n > 0 for n in _drawn_marks(page))
        expect(page.get_by_text("八宝街154号院 · 交叉施工作业面移交时序图（2022-12-09）")).to_be_visible()
        save_screenshot(page, f"schedule_chart_{width}")
        _assert_clean(visit)


def test_a_daily_progress_edit_is_saved(browser, schedule_app):
    url, store = schedule_app
    with offline_page(browser, f"{url}/schedule", width=1600, height=1000) as visit:
        page = visit.page
        page.get_by_role("heading", name="施工调度 · 一图一表").wait_for(timeout=90_000)
        _login(page, *ADMIN)
        page.get_by_text("一表 · 日进度", exact=True).click()
        page.get_by_text("清溪片区 · 工程日进度一栏表").wait_for(timeout=60_000)
        grid = page.get_by_test_id("stDataFrame").first
        grid.wait_for(timeout=30_000)
        box = grid.bounding_box()
        page.wait_for_timeout(2000)  # the grid is a canvas: drawn a moment after its element (longer on a busy machine)
        copy = page.locator('[data-testid="stDataFrame"] table').first  # the grid's accessible copy
        for _ in range(3):  # keystrokes into the canvas can be lost on a busy machine: type again until it shows
            page.mouse.click(box["x"] + 30, box["y"] + 35 + 17)  # the first row's first cell
            for _ in range(5):  # to 累计完成 (compound, ID, work, contractor, planned, percent)
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")  # open the cell's editor
            page.wait_for_timeout(800)
            page.keyboard.type("66")
            page.keyboard.press("Enter")
            page.wait_for_timeout(1500)  # the edit reaches the server before the save
            if "66" in copy.inner_text():
                break
        save_screenshot(page, "schedule_daily_edited")
        page.get_by_role("button", name="保存日进度").click()
        page.get_by_text("已保存 1 个小区的 1 条日进度").wait_for(timeout=60_000)
        save_screenshot(page, "schedule_daily_saved")
        _assert_clean(visit)
    daily = store.load().dataset.daily_progress
    today = daily[(daily["date"].dt.date == dt.date.today()) & (daily["reported_by"] == "admin")]
    assert list(today["percent"]) == [66.0] and list(today["compound_id"]) == ["QY-0079"]
    assert len(store.audit(compound_id="QY-0079")) >= 3


def test_a_violation_shows_after_a_handover_is_recorded_late(browser, schedule_app):
    url, store = schedule_app
    with offline_page(browser, f"{url}/schedule?as_of=2022-12-09", width=1600, height=1400) as visit:
        page = visit.page
        page.get_by_role("heading", name="施工调度 · 一图一表").wait_for(timeout=90_000)
        _login(page, *ADMIN)
        expect(page.get_by_text("R4 作业面移交后方可进场")).to_have_count(0)
        page.get_by_text("登记作业面移交").click()
        page.get_by_label("移交方工程", exact=True).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)  # the sign-in's rerun settles before the first choice
        _choose(page, "移交方工程", "雨污分流")
        _choose(page, "接收方工程", "充电桩")
        field = page.get_by_label("移交日期", exact=True)  # a date field of segments: type year, month, day
        field.get_by_role("spinbutton").first.click()
        page.keyboard.type("20220825")
        page.keyboard.press("Tab")
        expect(field).to_contain_text("25")
        page.get_by_role("button", name="保存移交").click()
        page.get_by_text("已登记作业面移交：雨污分流 → 充电桩").wait_for(timeout=60_000)
        page.get_by_text("R4 作业面移交后方可进场").first.wait_for(timeout=60_000)  # the findings table
        save_screenshot(page, "schedule_violation_after_edit")
        _assert_clean(visit)
    handover = store.load().dataset.handovers.set_index(["compound_id", "from_work", "to_work"])
    assert handover.loc[("QY-0508", "sewage", "ev_chargers"), "actual_date"] == dt.datetime(2022, 8, 25)
