"""/schedule under streamlit.testing.v1.AppTest: the charts, the figures against the metrics, the views,
and an issue raised by an editor through geo.writes."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from geo import metrics
from geo.settings import ROOT
from tests.page_support import log_in as _login
from tests.store_support import ADMIN, scratch_store_with_users

APP = str(ROOT / "dashboard" / "app.py")
PAGE = "app_pages/schedule.py"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return scratch_store_with_users(tmp_path_factory.mktemp("schedule"))


@pytest.fixture(autouse=True)
def _store_env(store, monkeypatch):
    monkeypatch.setenv("QY_STORE", store.url)


def _page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]


def test_the_chart_view_draws_the_area_and_the_compound_with_the_figures_of_the_metrics(store):
    at = _page({"as_of": "2022-12-09"})
    assert [t.value for t in at.title] == ["施工调度 · 一图一表"]
    assert len(_specs(at)) == 2  # the area's compounds and the chosen compound's works
    ds = store.load().dataset
    figures = metrics.construction_stats(metrics.filter_dataset(ds, area="清溪片区"), "2022-12-09")
    values = {m.label: m.value for m in at.metric}
    assert values["在施工程（项）"] == str(figures["daily"]["works_active"])
    assert values["顺序违规 / 预警（处）"] == f"{figures['sequencing']['violations']} / {figures['sequencing']['warnings']}"


def test_a_compound_that_breaks_a_rule_shows_it_in_red_with_its_text(store):
    at = _page({"as_of": "2022-12-09"})
    at.selectbox(key=state.SCHEDULE_SCOPE).select("送仙桥片区").run()
    at.selectbox(key=state.SCHEDULE_COMPOUND).select("QY-0657").run()
    text = json.dumps(_specs(at)[1], ensure_ascii=False)
    assert "R1 先地下后地上：水电气讯管线 23+ 天" in text and "#d62728" in text
    assert any("先地下后地上" in str(df.value.to_dict()) for df in at.dataframe)  # the findings table


def test_the_table_issues_and_findings_views_and_english(store):
    at = _page({"as_of": "2022-12-09", "lang": "en"})
    at.segmented_control(key=state.SCHEDULE_VIEW).set_value("table").run()
    assert not at.exception
    assert any(c.value.startswith("Read-only") for c in at.caption)  # a past day for a viewer
    assert len(at.dataframe) == 1  # the daily table (disabled for a viewer)
    assert at.dataframe[0].proto.placeholder == "—"  # a work without a report shows a dash, never "None"
    at.segmented_control(key=state.SCHEDULE_VIEW).set_value("findings").run()
    assert "R1 Underground before above ground" in str(at.dataframe[0].value.to_dict())
    assert any(b.proto.label == "Download Excel" for b in at.get("download_button"))
    at.segmented_control(key=state.SCHEDULE_VIEW).set_value("issues").run()
    assert not at.exception and len(at.dataframe) == 1 and at.dataframe[0].proto.placeholder == "—"
    assert any(b.proto.label == "Download Excel" for b in at.get("download_button"))


def test_an_admin_raises_an_issue_today_through_the_use_case(store):
    at = _login(_page(), *ADMIN)
    at.selectbox(key=state.SCHEDULE_SCOPE).select("清溪片区").run()
    at.segmented_control(key=state.SCHEDULE_VIEW).set_value("issues").run()
    at.text_area[0].input("测试：东门临时围挡倾斜")
    next(t for t in at.text_input if t.label == "责任单位").input("施工单位")
    next(b for b in at.button if b.label == "登记").click().run()
    assert not at.exception, at.exception
    assert any("已登记问题" in s.value for s in at.success)
    issues = store.load().dataset.issue_log
    mine = issues[issues["description"] == "测试：东门临时围挡倾斜"]
    assert len(mine) == 1 and mine.iloc[0]["raised_by"] == "admin" and mine.iloc[0]["raised_at"].date() == dt.date.today()
