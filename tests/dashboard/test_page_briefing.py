"""总览 / Briefing page under AppTest: numbers equal geo.metrics, as-of replay, language."""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import kpis, metrics
from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store
from tests.apptest_support import html_blocks

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
REPORT_DAY = dt.date(2022, 12, 9)


@pytest.fixture(scope="module")
def ds():
    return open_store(SAMPLE_STORE_URL).load().dataset


@pytest.fixture(scope="module")
def briefing():
    """The briefing (Chinese, today), run once for the module."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    return at


def _tiles(at: AppTest) -> dict[str, tuple[str, str, str]]:
    """data-kpi -> (label, value, ref) of the tiles on the page."""
    page = " ".join(html_blocks(at))
    found = re.findall(r'data-kpi="(\w+)"><div class="lbl">([^<]*)</div><div class="val">([^<]*)'
                       r'(?:<span class="unit">[^<]*</span>)?</div>(?:<div class="ref">([^<]*)</div>)?', page)
    return {key: (html.unescape(lbl), html.unescape(val), html.unescape(ref)) for key, lbl, val, ref in found}


def _table(at: AppTest) -> list[list[str]]:
    """Rows (header first) of the area table on the page."""
    block = next(m for m in html_blocks(at) if 'class="qy-table"' in m)
    rows = re.findall(r"<tr>(.*?)</tr>", block)
    return [[html.unescape(c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", r)] for r in rows]


def _expected(ds, day, lang="zh"):
    return {k.key: (k.label, k.value, k.ref) for k in kpis.briefing_kpis(metrics.stats(ds, day), lang)}


def test_renders_every_part(briefing):
    page = " ".join(html_blocks(briefing))
    for text in ("片区完成率一张图", "分年度进展与目标", "分片区进展", "资金筹措", "示意数据"):
        assert text in page
    assert len(_table(briefing)) == 1 + 9  # header, 8 areas + 其他
    assert page.count('class="qc-row"') == 9 + 9 + 4  # bars: areas, funding sources, groups
    assert page.count('class="qc-col"') == 4  # 2021-2024 against their targets
    assert briefing.selectbox[0].value == "none"  # offline basemap by default


def test_tiles_equal_the_metrics_for_today(briefing, ds):
    tiles = _tiles(briefing)
    assert set(tiles) == {"fyp14", "eligible", "households", "elevators", "greenways", "funding"}
    assert tiles == _expected(ds, dt.date.today())
    stats = metrics.stats(ds, dt.date.today())
    assert tiles["fyp14"][1] == f"{stats['fyp14']['completed']:,}"
    assert "619" in tiles["fyp14"][2]
    assert tiles["eligible"][1] == "1,034"


def test_area_table_equals_progress_by_area(briefing, ds):
    header, *rows = _table(briefing)
    expected = metrics.progress_by_area(ds, dt.date.today())
    assert header[:3] == ["片区", "小区（个）", "已完工"]
    assert [int(r[1].replace(",", "")) for r in rows] == list(expected["compounds"])
    assert [int(r[2].replace(",", "")) for r in rows] == list(expected["completed"])
    assert [r[5] for r in rows] == [f"{p:.1f}%" for p in expected["pct_completed"]]
    assert rows[-1][0] == "其他（片区外）"


def test_as_of_replays_the_report_date(ds):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    today = _tiles(at)
    at.sidebar.date_input[0].set_value(REPORT_DAY).run()
    assert not at.exception
    past = _tiles(at)
    assert past == _expected(ds, REPORT_DAY)
    assert past != today
    assert past["elevators"][1] == "676" and past["greenways"][1] == "30.0"  # the reported figures
    assert "2022-12-09" in " ".join(html_blocks(at))


def test_english(ds):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.query_params["as_of"] = REPORT_DAY.isoformat()
    at.run()
    assert not at.exception
    tiles = _tiles(at)
    assert tiles == _expected(ds, REPORT_DAY, "en")
    assert tiles["fyp14"][0] == "14th FYP completed"
    page = " ".join(html_blocks(at))
    assert "Qingyang Old-Compound Renovation Map" in page and "Progress by year against target" in page
    assert "片区完成率" not in page
    assert _table(at)[0][0] == "Area"
