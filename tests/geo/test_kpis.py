"""geo.kpis: one KPI model for the briefing tiles, the screen and the pack, built from geo.metrics only."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from geo import kpis, metrics
from geo.filters import selection_totals, summarize_compounds
from geo.formatting import number

DAY = dt.date(2022, 12, 9)


@pytest.fixture(scope="module")
def stats(sample):
    return metrics.stats(sample, DAY)


def _shown(kpi: kpis.Kpi) -> list[float]:
    """The figures written in a Kpi's value and reference line, in order (Chinese texts: no digits in words)."""
    text = f"{kpi.value} | {kpi.ref}"
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_briefing_tiles_carry_their_references(stats):
    tiles = {k.key: k for k in kpis.briefing_kpis(stats, "zh")}
    assert tiles["fyp14"].value == f"{stats['fyp14']['completed']:,}" and "619" in tiles["fyp14"].ref
    assert tiles["eligible"].value == "1,034" and "1,267" in tiles["eligible"].ref and "415" in tiles["eligible"].ref
    assert tiles["elevators"].value == "676" and tiles["elevators"].ref == "已完工 375 · 在建 301"
    assert tiles["greenways"].value == "30.0" and "30" in tiles["greenways"].ref
    assert tiles["funding"].value == f"{stats['funding_wan_yuan']['total'] / 10_000:,.2f}"
    assert "57,800" in tiles["households"].ref
    assert [k.label for k in kpis.briefing_kpis(stats, "en")][0] == "14th FYP completed"


def test_area_and_district_tiles(sample, stats):
    row = metrics.progress_by_area(sample, DAY).iloc[0]
    tiles = {k.key: k.value for k in kpis.area_kpis(row, "zh")}
    assert tiles["compounds"] == f"{row['completed']} / {row['compounds']}"
    assert set(tiles) == {"compounds", "building", "households", "elevators", "chargers", "funding"}
    strip = {k.key: k.value for k in kpis.district_kpis(stats, "zh")}
    assert strip["elevators"] == "676" and strip["greenway"] == "30.0"


def test_every_card_of_the_pack_shows_the_stats_at_its_sources(sample, stats):
    area = sample.programme.area_names[0]
    in_area = metrics.stats(sample, DAY, area=area)
    cards = (kpis.pack_summary_kpis(stats, "zh") + kpis.pack_facilities_kpis(stats, "zh", DAY.year)
             + [(k, in_area) for k in kpis.pack_summary_kpis(in_area, "zh", area=area)])
    for card in cards:
        card, source = card if isinstance(card, tuple) else (card, stats)
        scale = 10_000 if card.key == "funding" else 1  # money cards: 万元 stored, 亿元 shown
        assert card.sources and _shown(card) == [round(float(kpis.stat_value(source, p)) / scale, 2)
                                                 for p in card.sources], card


def test_the_pack_money_card_speaks_the_page_unit(stats):
    """亿元 with two decimals, like the briefing page's tile (not 84,916.53 万元)."""
    card = next(k for k in kpis.pack_summary_kpis(stats, "zh") if k.key == "funding")
    page = next(k for k in kpis.briefing_kpis(stats, "zh") if k.key == "funding")
    assert card.value == page.value == f"{stats['funding_wan_yuan']['total'] / 10_000:,.2f}"
    assert "亿元" in card.label and "万元" not in card.label


def test_tiles_strip_and_cards_trace_their_numbers_to_stats(stats):
    for tile in kpis.briefing_kpis(stats, "zh") + kpis.district_kpis(stats, "en"):
        assert tile.sources and all(kpis.stat_value(stats, p) is not None for p in tile.sources), tile.key
    assert [k.key for k in kpis.briefing_kpis(stats, "zh")] == ["fyp14", "eligible", "households", "elevators",
                                                                "greenways", "funding"]


def test_selection_totals_as_tiles(sample):
    totals = selection_totals(summarize_compounds(sample, DAY))
    tiles = kpis.selection_kpis(totals, "en")
    assert [k.label for k in tiles][0] == "Compounds" and tiles[0].value == number(len(sample.compounds))
    assert tiles[-1].key == "funding_wan_yuan" and tiles[-1].value == number(totals["funding_wan_yuan"])


def test_area_panel_of_the_screen(sample):
    progress = metrics.progress_by_area(sample, DAY)
    panel = kpis.area_panel(progress, 1, "zh", sample.programme)
    n = len(sample.programme.area_names)
    assert panel.ordinal.endswith(f"{n}") and len(panel.bars) == n and [on for *_, on in panel.bars].index(True) == 1
    assert panel.pct == float(progress["pct_completed"].iloc[1]) and {k.key for k in panel.kpis} >= {"compounds", "funding"}


def test_the_site_schedules_figures_are_the_construction_stats(sample):
    figures = metrics.construction_stats(metrics.filter_dataset(sample, area="送仙桥片区"), DAY)
    tiles = {k.key: k for k in kpis.site_kpis(figures, "zh")}
    assert list(tiles) == ["active", "reported", "behind", "sequence", "issues"]
    assert tiles["active"].value == str(figures["daily"]["works_active"])
    assert tiles["sequence"].value == f"{figures['sequencing']['violations']} / {figures['sequencing']['warnings']}"
    assert str(figures["sequencing"]["compounds_with_violations"]) in tiles["sequence"].ref
    for tile in tiles.values():
        assert tile.sources and all(kpis.stat_value(figures, p) is not None or p.endswith("rate") for p in tile.sources)
    notes = kpis.site_notes(metrics.stats(sample, DAY), "en")
    assert notes[0][1] == "qy-alert" and notes[1][1] == "qy-note"


def test_the_rollup_explorers_tiles_of_a_place(stats):
    tiles = {k.key: k for k in kpis.place_kpis(stats, "zh")}
    assert list(tiles) == ["compounds", "fyp14", "households", "elevators", "funding"]
    assert tiles["compounds"].value == f"{stats['compounds']['surveyed']:,}" and tiles["compounds"].unit == "个"
    assert tiles["fyp14"].value == f"{stats['fyp14']['completed']:,}" and f"{stats['fyp14']['target']:,}" in tiles["fyp14"].ref
    assert tiles["households"].value == f"{stats['households']['benefited']:,}"
    assert tiles["elevators"].value == f"{stats['elevators']['total']:,}"
    assert _shown(tiles["funding"]) == [round(stats["funding_wan_yuan"]["total"], 1)]
    assert [k.label for k in kpis.place_kpis(stats, "en")][:2] == ["Compounds", "14th FYP completed"]
    for tile in tiles.values():
        assert set(tile.sources) <= {"compounds.surveyed", "fyp14.completed", "fyp14.target", "households.benefited",
                                     "elevators.total", "funding_wan_yuan.total"}
def test_the_rollup_screen_panel_and_strip_read_the_places_stats(stats):
    bars = [("A", 50.0, False), ("B", 75.0, True)]
    panel = kpis.place_panel(stats, "B", "2 / 2", bars, "en")
    f14 = stats["fyp14"]
    assert panel.area == "B" and panel.ordinal == "2 / 2" and panel.bars == bars
    assert panel.pct == round(100 * f14["completed"] / f14["compounds"], 1)
    tiles = {k.key: k for k in panel.kpis}
    assert tiles["compounds"].value == f"{number(f14['completed'])} / {number(f14['compounds'])}"
    assert tiles["households"].value == number(stats["households"]["benefited"])
    assert all(kpis.stat_value(stats, s) is not None for k in panel.kpis for s in k.sources)
    strip = kpis.place_strip_kpis(stats, "Sichuan", "en")
    assert strip[0].label.startswith("Sichuan") and [k.value for k in strip] == [k.value for k in kpis.district_kpis(stats, "en")]
