"""The 生成汇报材料 / Briefing pack control on the briefing page (AppTest and a real browser)."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from dashboard import cached
from geo.i18n import t
from geo.settings import REPORT_DATE, ROOT
from geo.store import open_store
from tests.browser_support import offline_page, save_screenshot

APP = str(ROOT / "dashboard" / "app.py")
PAGE = "app_pages/briefing.py"


def _briefing(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(PAGE)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_page_has_the_pack_button_with_both_formats(lang):
    at = _briefing(None if lang == "zh" else lang)
    popovers = [p.proto.popover.label for p in at.get("popover")]
    assert t("brief.button", lang) in popovers
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    for fmt in ("pptx", "pdf"):
        proto = buttons[t("brief.download", lang, fmt=fmt.upper())]
        assert proto.HasField("deferred_file_id")  # made on click, not on every page run


def test_cached_wrapper_returns_the_deck_for_the_date_and_language():
    data = cached.briefing_pack(open_store().load(), REPORT_DATE, "en", "pptx")
    deck = Presentation(io.BytesIO(data))
    assert deck.slides[0].shapes.title.text == t("brief.title", "en")


@pytest.mark.browser
def test_clicking_download_in_a_browser_gives_a_pptx(browser, app_url, tmp_path):
    day = dt.date(2022, 12, 9)
    with offline_page(browser, f"{app_url}/briefing?as_of={day.isoformat()}", width=1440, height=900) as visit:
        page = visit.page
        page.get_by_role("button", name=t("brief.button"), exact=True).click(timeout=60_000)
        button = page.get_by_role("button", name=t("brief.download", fmt="PPTX"))
        button.wait_for(timeout=30_000)
        save_screenshot(page, "briefing-pack-popover")
        with page.expect_download(timeout=60_000) as info:
            button.click()
        download = info.value
        assert download.suggested_filename == f"qingyang-brief-{day.isoformat()}.pptx"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert not visit.blocked, visit.blocked
    deck = Presentation(str(target))
    assert len(deck.slides) == 8
    assert any(day.isoformat() in sh.text_frame.text for sh in deck.slides[0].shapes if sh.has_text_frame)


def test_the_pack_can_cover_one_area():
    at = _briefing()
    scope = next(s for s in at.selectbox if s.label == t("brief.scope"))
    assert scope.options[0] == t("brief.scope.all") and len(scope.options) == 1 + 8
    scope.set_value("清溪片区").run()
    assert not at.exception


@pytest.mark.browser
def test_a_per_area_pack_from_the_page(browser, app_url):
    """Choose an area in the popover: the download is that area's pack (file name and title)."""
    day = dt.date(2022, 12, 9)
    with offline_page(browser, f"{app_url}/briefing?as_of={day.isoformat()}", width=1600, height=1000) as visit:
        page = visit.page
        page.get_by_role("button", name=t("brief.button"), exact=True).click(timeout=60_000)
        popover = page.locator('[data-testid="stPopoverBody"]')
        popover.locator('[data-testid="stSelectbox"]').click()
        page.get_by_role("option", name="清溪片区").click()
        page.wait_for_timeout(1500)
        if not popover.is_visible():  # the choice reruns the page; open the popover again if it closed
            page.get_by_role("button", name=t("brief.button"), exact=True).click()
        button = page.get_by_role("button", name=t("brief.download", fmt="PPTX"))
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=90_000) as info:
            button.click()
        download = info.value
        assert download.suggested_filename == f"qingyang-brief-qingxi-{day.isoformat()}.pptx"
        deck = Presentation(download.path())
        assert "清溪片区" in deck.slides[0].shapes.title.text
