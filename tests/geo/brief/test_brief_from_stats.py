"""The briefing pack of a roll-up place, from its figures alone: slides, numbers equal its stats, both formats."""
from __future__ import annotations

import io

import pytest
from pptx import Presentation

from geo import drilldown, metrics
from geo.brief import render
from geo.brief.content import brief_from_stats
from geo.formatting import number
from geo.synthetic import NATION_CODE, build_synthetic

DAY = "2024-06-30"


@pytest.fixture(scope="module")
def ds():
    return build_synthetic(800, provinces=3, seed=4)


def _figures(ds, place):
    p = ds.programme
    stats = metrics.stats_from_facts(metrics.facts_from_dataset(metrics.filter_dataset(ds, place=place), DAY), p,
                                     illustrative=ds.illustrative, place=place)
    level = drilldown.child_level(p, place)
    rows = ()
    if level:
        units = metrics.status_by_group(metrics.facts_from_dataset(ds, DAY, by=p.unit_codes(place, level)).compounds,
                                        [x.code for x in p.at_level(level)])
        rows = drilldown.child_rows(units[units["compounds"] > 0], p)
    return stats, rows, level


def test_the_nations_pack_has_its_summary_years_children_funding_and_facilities(ds):
    stats, rows, level = _figures(ds, NATION_CODE)
    brief = brief_from_stats(stats, rows, ds.programme, place=NATION_CODE, level=level, lang="zh")
    assert [s.key for s in brief.slides] == ["title", "summary", "years", "areas", "funding", "facilities"]
    children = brief.slides[3]
    assert [r[0] for r in children.tables[0].rows] == [r.label for r in rows]
    assert [r[1] for r in children.tables[0].rows] == [number(r.compounds) for r in rows]
    summary = {k.key: k for k in brief.slides[1].kpis}
    assert summary["fyp14"].value.startswith(number(stats["fyp14"]["completed"]))
    assert brief.illustrative == ds.illustrative and ds.programme.root.name in brief.district


def test_a_subdistricts_pack_has_no_children_slide_and_renders_in_both_formats(ds):
    sub = ds.programme.subdistricts[0]
    stats, rows, level = _figures(ds, sub.code)
    assert level is None and rows == ()
    brief = brief_from_stats(stats, rows, ds.programme, place=sub.code, level=level, lang="en")
    assert "areas" not in [s.key for s in brief.slides] and sub.label("en") in brief.district
    pptx = render.rollup_pack_bytes(stats, rows, ds.programme, place=sub.code, level=level, lang="en", fmt="pptx")
    assert len(Presentation(io.BytesIO(pptx)).slides) == len(brief.slides)
    pdf = render.rollup_pack_bytes(stats, rows, ds.programme, place=sub.code, level=level, lang="en", fmt="pdf")
    assert pdf.startswith(b"%PDF")
    with pytest.raises(ValueError):
        render.rollup_pack_bytes(stats, rows, ds.programme, place=sub.code, level=level, fmt="docx")
    assert render.pack_filename(ds.programme, DAY, fmt="pdf", place=sub.code).endswith(f"-{sub.code}-{DAY}.pdf")
    assert render.pack_filename(ds.programme, DAY, fmt="pdf", place=NATION_CODE) == render.pack_filename(
        ds.programme, DAY, fmt="pdf")
