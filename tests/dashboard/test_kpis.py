"""dashboard.kpis, dashboard.charts and ui tables: tiles, charts and tables built from geo.metrics, nothing else."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard import html_charts, kpis
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


def test_briefing_tiles_carry_their_references(stats):
    tiles = {k.key: k for k in kpis.briefing_kpis(stats, "zh")}
    assert tiles["fyp14"].value == f"{stats['fyp14']['completed']:,}" and "619" in tiles["fyp14"].ref
    assert tiles["eligible"].value == "1,034" and "1,267" in tiles["eligible"].ref and "415" in tiles["eligible"].ref
    assert tiles["elevators"].value == "676" and tiles["elevators"].ref == "已完工 375 · 在建 301"
    assert tiles["greenways"].value == "30.0" and "30" in tiles["greenways"].ref
    assert tiles["funding"].value == f"{stats['funding_wan_yuan']['total'] / 10_000:,.2f}"
    assert "57,800" in tiles["households"].ref
    assert [k.label for k in kpis.briefing_kpis(stats, "en")][0] == "14th FYP completed"


def test_area_and_district_tiles(ds, stats):
    row = metrics.progress_by_area(ds, DAY).iloc[0]
    tiles = {k.key: k.value for k in kpis.area_kpis(row, "zh")}
    assert tiles["compounds"] == f"{row['completed']} / {row['compounds']}"
    assert set(tiles) == {"compounds", "building", "households", "elevators", "chargers", "funding"}
    strip = {k.key: k.value for k in kpis.district_kpis(stats, "zh")}
    assert strip["elevators"] == "676" and strip["greenway"] == "30.0"


def test_area_table_is_translated_and_complete(ds):
    progress = metrics.progress_by_area(ds, DAY)
    table = kpis.area_table(progress, "en", ds.programme)
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


def test_table_html_formats_and_escapes():
    import pandas as pd

    from dashboard import ui
    from geo.formatting import number

    table = ui.table_html(pd.DataFrame({"名": ["<b>"], "n": [12345], "p": [98.25]}), {"p": lambda v: number(v, 1, unit="%")})
    assert "&lt;b&gt;" in table and "<td>12,345</td>" in table and "<td>98.2%</td>" in table
