"""dashboard.html_charts: charts and the area table built from geo.metrics, nothing else."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard import html_charts
from geo import colors, metrics, schema
from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store

DAY = dt.date(2022, 12, 9)


@pytest.fixture(scope="module")
def ds():
    return open_store(SAMPLE_STORE_URL).load().dataset


@pytest.fixture(scope="module")
def stats(ds):
    return metrics.stats(ds, DAY)


def test_area_table_is_translated_and_complete(ds):
    progress = metrics.progress_by_area(ds, DAY)
    table = html_charts.area_table(progress, "en", ds.programme)
    assert list(table.columns)[:3] == ["Area", "Compounds", "Completed"]
    assert list(table["Area"])[:2] == ["Qingxi", "Songxianqiao"] and table["Area"].iloc[-1] == "Other (outside areas)"
    assert table["Compounds"].sum() == progress["compounds"].sum()


def test_chart_data_adds_up(ds, stats):
    years = metrics.progress_by_year(ds.compounds, DAY, targets=ds.programme.batch_targets())
    frame = html_charts.year_frame(years, "zh")
    assert frame[list(schema.PROGRAMME_STATUSES)].to_numpy().sum() == years[list(schema.PROGRAMME_STATUSES)].to_numpy().sum()
    assert list(frame["target"]) == [50, 162, 186, 221]  # 2025 (no target, no compounds) left out
    areas = html_charts.area_frame(metrics.progress_by_area(ds, DAY), "zh", ds.programme)
    assert areas[list(schema.PROGRAMME_STATUSES)].to_numpy().sum() == sum(stats["fyp14"][s] for s in schema.PROGRAMME_STATUSES)
    money = html_charts.funding_frame(stats["funding_wan_yuan"], "zh")
    assert money["amount"].sum() == pytest.approx(stats["funding_wan_yuan"]["total"] / 10_000, abs=0.05)
    groups = html_charts.group_frame(stats["funding_wan_yuan"], "zh")
    assert groups["share"].sum() == pytest.approx(1.0)


def test_charts_draw_every_bar_with_its_figures(ds, stats):
    years = html_charts.year_html(metrics.progress_by_year(ds.compounds, DAY, targets=ds.programme.batch_targets()), "en")
    assert years.count('class="qc-col"') == 4 and years.count('class="qc-target"') == 4
    assert "<span>221</span>" in years and "Yearly target" in years
    areas = html_charts.area_html(metrics.progress_by_area(ds, DAY), "zh", ds.programme)
    assert areas.count('class="qc-row"') == 9 and "其他（片区外）" in areas
    source = html_charts.funding_source_html(stats["funding_wan_yuan"], "zh")
    assert source.count('class="qc-row"') == len(schema.FUNDING_SOURCES)
    assert f"{stats['funding_wan_yuan']['by_source']['special_bonds'] / 10_000:,.2f}" in source
    assert colors.GROUP["market"] in source
    group = html_charts.funding_group_html(stats["funding_wan_yuan"], "en")
    assert group.count('class="qc-row"') == 4 and "Government" in group and "%)" in group


def test_area_table_html_writes_shares_and_money(ds):
    progress = metrics.progress_by_area(ds, DAY)
    block = html_charts.area_table_html(progress, "zh", ds.programme)
    assert block.count("<tr>") == 1 + len(progress)
    assert f"<td>{progress['pct_completed'].iloc[0]:.1f}%</td>" in block
    assert f"<td>{progress['funding_wan_yuan'].iloc[0]:,.0f}</td>" in block
