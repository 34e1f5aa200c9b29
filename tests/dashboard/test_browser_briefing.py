"""The briefing in headless chromium against ``streamlit run``: what the browser decides.

Typing a date and pressing Enter, the per-area table at office widths (no column cut off,
no name broken a character per line) and the printed page (A4 landscape, no sidebar).
Screenshots and the printed PDF go to artifacts/screenshots/.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.browser_support import SCREENSHOT_DIR, offline_page

pytestmark = pytest.mark.browser

DATE_FIELD = '[data-testid="stSidebar"] [data-testid="stDateInput"]'


def _ready(page, lang: str = "zh") -> None:
    page.wait_for_function(f"document.title.startsWith({'总览' if lang == 'zh' else 'Briefing'!r})", timeout=60_000)
    page.locator(".qy-area-table").wait_for(timeout=60_000)


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


#: The per-area table against the block it is drawn in and the window: right edges, and the first
#: column's cells (one line each: an area name must not wrap a character per line).
_TABLE_FIT = """() => { const t = document.querySelector('.qy-area-table .qy-table');
  const main = t.closest('[data-testid="stElementContainer"]').getBoundingClientRect();
  const names = [...t.querySelectorAll('tbody td:first-child')];
  const line = parseFloat(getComputedStyle(names[0]).lineHeight) || 24;
  return {right: t.getBoundingClientRect().right, mainRight: main.right, window: window.innerWidth,
          scroll: t.scrollWidth, width: t.clientWidth, tallest: Math.max(...names.map(c => c.clientHeight)),
          line: line, lastHead: t.querySelector('th:last-child').getBoundingClientRect().right};
}"""


@pytest.mark.parametrize(("lang", "width", "height"), [("zh", 1600, 1000), ("en", 1920, 1080), ("zh", 1366, 768), ("en", 1366, 768), ("en", 1600, 1000)])
def test_area_table_fits_and_names_stay_on_one_line(browser, app_url, lang, width, height):
    with offline_page(browser, f"{app_url}/briefing?lang={lang}", width=width, height=height) as visit:
        page = visit.page
        _ready(page, lang)
        page.locator(".qy-area-table").scroll_into_view_if_needed()
        fit = page.evaluate(_TABLE_FIT)
        assert fit["lastHead"] <= fit["mainRight"] + 1 and fit["right"] <= fit["window"], fit  # 资金 column shown
        assert fit["scroll"] <= fit["width"] + 1, fit
        assert fit["tallest"] < 2 * fit["line"], fit  # one line per name (padding included)
        page.locator(".qy-area-table").screenshot(path=str(SCREENSHOT_DIR / f"briefing_table_{lang}_{width}.png"))


def test_briefing_prints_on_a4_landscape_without_sidebar_or_cut_table(browser, app_url):
    """Ctrl+P (page.pdf with print media): A4 landscape pages, no sidebar, the area table on one page."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext (poppler-utils) not installed")
    with offline_page(browser, f"{app_url}/briefing?as_of=2022-12-09", width=1600, height=1000) as visit:
        page = visit.page
        _ready(page)
        page.wait_for_timeout(1500)
        page.emulate_media(media="print")
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        pdf = SCREENSHOT_DIR / "briefing_print.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        pages = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert (round(w), round(h)) == (842, 595), size  # A4 landscape
    text = "\f".join(pages)
    assert "截至日期" not in text and "语言 / Language" not in text and "生成汇报材料" not in text  # no sidebar, no controls
    table_pages = [p for p in pages if "加装电梯（台）" in p]
    assert len(table_pages) == 1, "the area table's header is printed more than once: the table was cut"
    assert "其他（片区外）" in table_pages[0].split("加装电梯（台）", 1)[1] and "清溪片区" in table_pages[0]
    assert "资金（万元）" in table_pages[0]


def test_the_date_pickers_calendar_speaks_the_browsers_language(browser, app_url):
    """Streamlit has no language setting for its widgets; the calendar follows the browser (zh-CN here)."""
    with offline_page(browser, f"{app_url}/briefing", width=1600, height=1000) as visit:
        page = visit.page
        _ready(page)
        page.locator(f'{DATE_FIELD} [data-testid="stDateInputCalendarButton"]').click()
        calendar = page.get_by_role("grid").first
        calendar.wait_for(timeout=10_000)
        heads = calendar.locator("th").all_inner_texts()
        assert heads[:3] == ["一", "二", "三"], heads
