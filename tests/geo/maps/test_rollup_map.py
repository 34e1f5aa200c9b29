"""The roll-up map: which level is drawn at a zoom, unit circles, viewport dots; rendered to HTML."""
from __future__ import annotations

import pandas as pd
import pytest

from geo import metrics
from geo.maps import rollup_map
from geo.maps.webmap import MapOptions
from geo.programme import Place, Programme
from geo.synthetic import build_synthetic


@pytest.fixture(scope="module")
def ds():
    return build_synthetic(1_200, provinces=4, seed=3)


def test_the_level_drawn_follows_the_zoom(ds):
    p = ds.programme
    assert rollup_map.level_for_zoom(p, p.place, 3) == "province"
    assert rollup_map.level_for_zoom(p, p.place, 6) == "city"
    assert rollup_map.level_for_zoom(p, p.place, 8) == "district"
    assert rollup_map.level_for_zoom(p, p.place, 10) == "subdistrict"
    assert rollup_map.level_for_zoom(p, p.place, rollup_map.DOTS_ZOOM) is None
    district = p.at_level("district")[0].code
    assert rollup_map.level_for_zoom(p, district, 3) == "subdistrict"  # nothing above it is below the district


def _units(ds, level):
    p = ds.programme
    facts = metrics.facts_from_dataset(ds, "2024-06-30", by=p.unit_codes(p.place, level))
    return metrics.status_by_group(facts.compounds, [x.code for x in p.at_level(level)])


def test_one_circle_per_unit_with_its_totals(ds):
    units = _units(ds, "province")
    data = rollup_map.unit_features(units, ds.programme, lang="en")
    assert [f["properties"]["code"] for f in data["features"]] == list(units["name"])
    assert sum(f["properties"]["n"] for f in data["features"]) == len(ds.compounds)
    first = data["features"][0]["properties"]
    assert first["t"].startswith(ds.programme.get_place(first["code"]).en) and "compounds" in first["t"]
    radii = [f["properties"]["r"] for f in data["features"]]
    assert max(radii) == 28.0 and min(radii) >= 6


def test_names_reach_the_page_as_text_not_markup():
    places = (Place("1", "nation", "N"), Place("2", "province", "<img src=x onerror=alert(1)></script>", parent="1",
                                                lon=100.0, lat=30.0),
              Place("3", "subdistrict", "S", parent="2"))
    p = Programme("x", "X", "X", "1", places)
    units = pd.DataFrame([{"name": "2", "compounds": 5, "fyp14": 2, "fyp14_completed": 1, "pct_completed": 50.0}])
    fmap = rollup_map.rollup_map(p)
    rollup_map.units_group(units, p).add_to(fmap)
    html = fmap.get_root().render()
    assert "<img src=x" not in html and "</script>\"" not in html and "textContent" in html


def test_the_viewport_sends_at_most_max_dots(ds, monkeypatch):
    monkeypatch.setattr(rollup_map, "MAX_DOTS", 50)
    group = rollup_map.viewport_group(ds.compounds, "2024-06-30", ds.programme, options=MapOptions(lang="en"))
    layer = next(iter(group._children.values()))
    assert len(layer.data["features"]) == 50
    html = rollup_map.rollup_map(ds.programme).add_child(group).get_root().render()
    assert html.count('"s":') >= 50 and len(html) < 400_000


def test_a_reported_view_becomes_a_box_rounded_outwards():
    bounds = {"_southWest": {"lat": 30.6612, "lng": 104.0101}, "_northEast": {"lat": 30.7009, "lng": 104.0809}}
    assert rollup_map.box_from_bounds(bounds) == (104.01, 30.661, 104.081, 30.701)
    assert rollup_map.box_from_bounds(None) is None
    assert rollup_map.box_from_bounds({"_southWest": {"lat": None, "lng": None}, "_northEast": {}}) is None
    flat = {"_southWest": {"lat": 30.0, "lng": 104.0}, "_northEast": {"lat": 30.0, "lng": 104.0}}
    assert rollup_map.box_from_bounds(flat) is None


def test_only_the_units_near_the_view_are_kept(ds):
    units, p = _units(ds, "province"), ds.programme
    first = p.get_place(str(units["name"].iloc[0]))
    box = (first.lon - 0.01, first.lat - 0.01, first.lon + 0.01, first.lat + 0.01)
    kept = rollup_map.units_in_box(units, p, box)
    assert first.code in set(kept["name"]) and len(kept) < len(units)
    assert rollup_map.units_in_box(units, p, None) is units
    everything = rollup_map.units_in_box(units, p, (-180.0, -90.0, 180.0, 90.0))
    assert list(everything["name"]) == list(units["name"])


def test_a_click_on_a_circle_names_its_unit(ds):
    units, p = _units(ds, "province"), ds.programme
    second = p.get_place(str(units["name"].iloc[1]))
    assert rollup_map.clicked_unit({"lat": second.lat + 0.001, "lng": second.lon - 0.001}, units, p) == second.code
    assert rollup_map.clicked_unit(None, units, p) is None
    assert rollup_map.clicked_unit({"lat": 30.0, "lng": 104.0}, units.iloc[:0], p) is None
def test_the_screen_labels_each_circle_with_its_name_and_percentage_as_text(ds):
    units = _units(ds, "province")
    group = rollup_map.unit_labels_group(units, ds.programme, lang="zh")
    fmap = rollup_map.dark_background(rollup_map.rollup_map(ds.programme))
    group.add_to(fmap)
    html = fmap.get_root().render()
    for code, pct in zip(units["name"], units["pct_completed"]):
        label = f"{ds.programme.get_place(code).name} {pct:.0f}%"
        assert label in html or label.encode("unicode_escape").decode() in html
    assert "textContent = f.properties.l" in html and "permanent: true" in html
    assert "#0b1622" in html and "ResizeObserver" in html and "el.style.zoom = k" in html


def test_a_label_is_text_even_when_the_name_is_markup():
    places = (Place("1", "nation", "N"), Place("2", "province", "<img src=x onerror=alert(1)>", parent="1",
                                                lon=100.0, lat=30.0),
              Place("3", "subdistrict", "S", parent="2"))
    p = Programme("x", "X", "X", "1", places)
    units = pd.DataFrame([{"name": "2", "compounds": 5, "fyp14": 0, "fyp14_completed": 0, "pct_completed": None}])
    fmap = rollup_map.rollup_map(p)
    rollup_map.unit_labels_group(units, p).add_to(fmap)
    html = fmap.get_root().render()
    assert "<img src=x" not in html and "textContent = f.properties.l" in html


def test_units_of_statuses_count_only_the_chosen_statuses():
    units = pd.DataFrame({"name": ["a", "b"], "compounds": [5, 3], "planned": [2, 0], "completed": [3, 1],
                          "under_construction": [0, 2], "fyp14": [4, 2], "fyp14_completed": [3, 1],
                          "pct_completed": [75.0, 50.0]})
    assert list(rollup_map.units_of_statuses(units, ["completed"])["compounds"]) == [3, 1]
    assert list(rollup_map.units_of_statuses(units, ["planned", "under_construction"])["compounds"]) == [2, 2]
    assert rollup_map.units_of_statuses(units, None) is units and list(units["compounds"]) == [5, 3]
    assert list(rollup_map.units_of_statuses(units, ["completed"])["pct_completed"]) == [75.0, 50.0]
