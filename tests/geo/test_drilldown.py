"""The roll-up pages' view model: the place a link asks for, its breadcrumb, its children, the map's view."""
from __future__ import annotations

import pandas as pd
import pytest

from geo import drilldown, metrics
from geo.sample.programme import QINGYANG
from geo.synthetic import NATION_CODE, build_synthetic


@pytest.fixture(scope="module")
def ds():
    return build_synthetic(600, provinces=3, seed=5)


def _subdistrict_code(p):
    return p.subdistricts[0].code


def test_a_link_opens_a_scope_and_anything_else_the_programme_place(ds):
    p = ds.programme
    province = p.at_level("province")[1].code
    assert drilldown.place_from_param(p, province) == (province, True)
    assert drilldown.place_from_param(p, None) == (NATION_CODE, True)
    assert drilldown.place_from_param(p, "") == (NATION_CODE, True)
    community = p.at_level("community")[0].code
    for bad in ("nope", community, "<b>x</b>", 12):
        assert drilldown.place_from_param(p, bad) == (NATION_CODE, False), bad
    # a place of another programme is not a scope of this one
    assert drilldown.place_from_param(QINGYANG, NATION_CODE) == (QINGYANG.place, False)


def test_the_breadcrumb_goes_from_the_programme_place_down_to_the_place(ds):
    p = ds.programme
    sub = p.get_place(_subdistrict_code(p))
    crumbs = drilldown.breadcrumb(p, sub.code, "en")
    assert [c.level for c in crumbs] == ["nation", "province", "city", "district", "subdistrict"]
    assert crumbs[-1] == drilldown.Crumb(sub.code, sub.label("en"), "subdistrict")
    assert [c.code for c in crumbs] == [x.code for x in p.lineage(sub.code)]
    assert drilldown.breadcrumb(p, NATION_CODE)[0].label == p.root.name
    # a district programme starts at the district, not at its city
    assert [c.code for c in drilldown.breadcrumb(QINGYANG, QINGYANG.place)] == [QINGYANG.place]


def test_child_rows_carry_the_units_figures_and_labels(ds):
    p = ds.programme
    units = metrics.status_by_group(metrics.facts_from_dataset(ds, "2024-06-30", by=p.unit_codes(NATION_CODE, "province")
                                                               ).compounds, [x.code for x in p.at_level("province")])
    rows = drilldown.child_rows(units, p, "zh")
    assert [r.code for r in rows] == list(units["name"])
    assert [r.label for r in rows] == [p.get_place(c).name for c in units["name"]]
    assert sum(r.compounds for r in rows) == len(ds.compounds)
    assert all(r.fyp14_completed <= r.fyp14 and (r.pct is None) == (r.fyp14 == 0) for r in rows)
    table = drilldown.children_table(rows, "province", "en")
    assert list(table.columns)[0] == "Province" and len(table) == len(rows)
    assert table.iloc[0]["14th FYP completed / total"] == f"{rows[0].fyp14_completed:,} / {rows[0].fyp14:,}"
    assert drilldown.child_level(p, NATION_CODE) == "province"
    assert drilldown.child_level(p, _subdistrict_code(p)) is None


def test_a_unit_without_14th_fyp_compounds_has_no_percentage(ds):
    units = pd.DataFrame([{"name": NATION_CODE, "compounds": 3, "completed": 3, "under_construction": 0, "planned": 0,
                           "not_old": 0, "no_need": 0, "redeveloped": 0, "fyp14": 0, "fyp14_completed": 0,
                           "pct_completed": None}])
    (row,) = drilldown.child_rows(units, ds.programme)
    assert row.pct is None
    assert drilldown.children_table((row,), "nation").iloc[0, -1] == "—"


def test_the_view_of_a_place_holds_its_subdistricts_and_zooms_in_going_down(ds):
    p = ds.programme
    province = p.at_level("province")[0]
    district = next(x for x in p.at_level("district") if province.code in {a.code for a in p.lineage(x.code)})
    zooms = []
    for code in (NATION_CODE, province.code, district.code):
        (lat, lon), zoom = drilldown.view_of(p, code)
        subs = [p.subdistrict(n) for n in p.subdistricts_under(code)]
        assert min(s.lat for s in subs) <= lat <= max(s.lat for s in subs)
        assert min(s.lon for s in subs) <= lon <= max(s.lon for s in subs)
        zooms.append(zoom)
    assert zooms == sorted(zooms) and zooms[0] < zooms[-1]
    assert all(drilldown.MIN_ZOOM <= z <= drilldown.MAX_ZOOM for z in zooms)


def test_a_place_is_titled_without_the_nation_and_knows_its_parent(ds):
    p = ds.programme
    sub = p.subdistricts[0]
    chain = p.lineage(sub.code)[1:]
    assert drilldown.place_title(p, sub.code) == "".join(x.name for x in chain)
    assert drilldown.place_title(p, sub.code, "en") == ", ".join(x.label("en") for x in reversed(chain))
    assert drilldown.place_title(p, NATION_CODE) == p.root.name
    assert drilldown.parent_scope(p, sub.code) == sub.parent
    assert drilldown.parent_scope(p, NATION_CODE) == NATION_CODE


def test_a_level_inside_a_sentence():
    assert drilldown.level_word("province", "en") == "province"
    assert drilldown.level_word("province", "zh") == "省份"
