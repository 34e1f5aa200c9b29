"""The briefing in headless chromium against ``streamlit run``: what the browser decides.

Typing a date and pressing Enter, the per-area table at office widths (no column cut off,
no name broken a character per line) and the printed page (A4 landscape, no sidebar).
Screenshots and the printed PDF go to artifacts/screenshots/.
"""
from __future__ import annotations

import pytest

from tests.browser_support import SCREENSHOT_DIR, offline_page, save_screenshot

pytestmark = pytest.mark.browser

DATE_FIELD = '[data-testid="stSidebar"] [data-testid="stDateInput"]'


def _ready(page, lang: str = "zh") -> None:
    page.wait_for_function(f"document.title.startsWith({'总览' if lang == 'zh' else 'Briefing'!r})", timeout=60_000)
    page.locator(".qy-table").wait_for(timeout=60_000)


def test_enter_applies_a_typed_as_of_date(browser, app_url):
    """The date input sends its value on blur only; Enter must apply the typed date."""
    with offline_page(browser, f"{app_url}/briefing", width=1600, height=1000) as visit:
        page = visit.page
        _ready(page)
        page.locator(f'{DATE_FIELD} [data-type="year"]').click()
        page.keyboard.type("20221209", delay=40)
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('.qy-sub').innerText.includes('2022-12-09')", timeout=30_000)
        assert "as_of=2022-12-09" in page.url
        assert visit.errors == []
