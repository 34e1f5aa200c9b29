"""geo.maps.webmap: the folium map builder, checked by rendering the map to HTML."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from geo import colors, fonts, schema
from geo.crs import convert
from geo.maps import webmap
from geo.sample.programme import QINGYANG
from geo.settings import get_settings
from tests.geo.maps.map_html import collections as _collections
from tests.geo.maps.map_html import render as _render
from tests.geo.tiny_data import tiny_dataset
from tests.offline_support import external_urls, remote_assets

REPORT_DAY = "2022-12-09"


@pytest.fixture(scope="module")
def tiny():
    return tiny_dataset()


@pytest.fixture(scope="module")
def sample_map(sample):
    """The full sample map as of the report date, rendered once."""
    fmap = webmap.map_from_dataset(sample, as_of=REPORT_DAY, highlight_ids=["QY-0001", "QY-0002"])
    return fmap, _render(fmap)


def test_tiny_statuses_are_derived_for_the_as_of_date(tiny):
    fc = webmap.features_from_compounds(tiny.compounds, REPORT_DAY, programme=tiny.programme)
    assert [f["properties"]["s"] for f in fc["features"]] == ["completed", "planned", "not_old"]
    later = webmap.features_from_compounds(tiny.compounds, "2023-04-01", programme=tiny.programme)
    assert [f["properties"]["s"] for f in later["features"]][1] == "under_construction"
    assert fc["features"][0]["geometry"] == {"type": "Point", "coordinates": [104.033, 30.675]}


def test_popups_show_no_finish_after_the_as_of_date(tiny):
    before = webmap.features_from_compounds(tiny.compounds, "2022-09-30", programme=tiny.programme)  # QY-A finished 2022-10-01
    after = webmap.features_from_compounds(tiny.compounds, "2022-10-01", programme=tiny.programme)
    assert before["features"][0]["properties"]["af"] == "" and before["features"][0]["properties"]["s"] == "under_construction"
    assert after["features"][0]["properties"]["af"] == "2022-10-01"
    assert before["features"][0]["properties"]["pf"] == "2022-09-30"  # plans are known in advance


def test_anonymous_dots_carry_only_a_count_and_a_status_away_from_the_compounds(tiny):
    fc = webmap.features_from_compounds(tiny.compounds, REPORT_DAY, programme=tiny.programme, anonymous=True)
    assert sorted(tuple(f["properties"].items()) for f in fc["features"]) == [
        (("s", "completed"), ("n", 1)), (("s", "not_old"), ("n", 1)), (("s", "planned"), ("n", 1))]
    exact = {tuple(c) for c in tiny.compounds.geometry.get_coordinates().round(6).to_numpy()}
    assert not exact & {tuple(np.round(f["geometry"]["coordinates"], 6)) for f in fc["features"]}
    options = webmap.MapOptions(anonymous=True, layers=webmap.LAYERS)  # even when additions are asked for
    html = _render(webmap.map_from_dataset(tiny, highlight_ids=["QY-A"], options=options))
    assert "甲小区" not in html and "QY-A" not in html and "bindPopup" not in html
    assert [len(c["features"]) for c in _collections(html)][-1] == 3  # no elevator, charger or selected layer
    assert "data-qy-dots" in html and "约 200 米" in html  # the legend says what a dot is


def test_popup_fields_are_optional_and_localised(tiny):
    lean = webmap.features_from_compounds(tiny.compounds, REPORT_DAY, programme=tiny.programme, popups=False)
    assert set(lean["features"][0]["properties"]) == {"id", "n", "s"}
    en = webmap.features_from_compounds(tiny.compounds, REPORT_DAY, programme=tiny.programme, lang="en")
    assert en["features"][0]["properties"]["a"] == "Qingxi"
    assert en["features"][0]["properties"]["sd"] == "Funan"


def test_sample_map_has_every_layer_with_full_counts(sample, sample_map):
    fmap, html = sample_map
    collections = _collections(html)
    counts = [len(fc["features"]) for fc in collections]
    assert counts[:3] == [1, 12, 8]  # district, subdistricts, areas
    assert len(sample.compounds) in counts
    assert 2 in counts  # the two highlighted compounds
    for name in ("district", "subdistricts", "areas", "greenways", "compounds", "elevators", "ev_chargers"):
        assert webmap.t(f"map.layer.{name}") in html
    assert "L.control.layers" in html
    assert "data-qy-compounds" in html and "qy-legend" in html


def test_styling_is_in_js_not_one_case_per_feature(sample_map):
    _, html = sample_map
    assert "_styler" not in html and "case \"QY-" not in html
    assert "pointToLayer" in html and "L.canvas" in html
    for color in colors.STATUS.values():
        assert color in html
    assert f"font-family: {fonts.css_font_family()};" in html  # the one CJK font stack


def test_offline_by_default(sample_map):
    fmap, html = sample_map
    assert remote_assets(fmap) == []
    assert external_urls(html) == []
    assert "/app/static/vendor/leaflet.js" in html


def test_key_subdistricts_are_flagged(sample_map):
    _, html = sample_map
    subs = _collections(html)[1]
    flagged = {f["properties"]["t"].split(" · ")[0] for f in subs["features"] if f["properties"]["k"]}
    assert flagged == set(QINGYANG.key_subdistricts)


def test_filtered_compounds_and_language(sample):
    few = sample.compounds[sample.compounds["area"] == "清溪片区"]
    html = _render(webmap.map_from_dataset(sample, compounds=few, options=webmap.MapOptions(lang="en")))
    assert any(len(fc["features"]) == len(few) for fc in _collections(html))
    assert "Compounds (by status)" in html and "Completed" in html
    assert "小区（按状态）" not in html


def test_area_colours_follow_progress(sample):
    values = {name: 100.0 if i == 0 else 0.0 for i, name in enumerate(QINGYANG.area_names)}
    opts = webmap.MapOptions(area_values=values, area_labels=True, layers=("district", "areas"))
    html = _render(webmap.map_from_dataset(sample, options=opts))
    areas = _collections(html)[1]["features"]
    assert areas[0]["properties"]["fc"] == colors.PROGRESS_RAMP[-1]
    assert areas[1]["properties"]["fc"] == colors.PROGRESS_RAMP[0]
    assert areas[0]["properties"]["t"].endswith("100%")
    assert "permanent: true" in html
    assert webmap.progress_color(None) == colors.NO_DATA and webmap.progress_color(50) in colors.PROGRESS_RAMP


def test_amap_shifts_layers_to_gcj02(tiny):
    wgs = webmap.features_from_compounds(tiny.compounds, REPORT_DAY, programme=tiny.programme)
    gcj = webmap.features_from_compounds(tiny.compounds, REPORT_DAY, programme=tiny.programme, basemap="amap")
    (x0, y0), (x1, y1) = wgs["features"][0]["geometry"]["coordinates"], gcj["features"][0]["geometry"]["coordinates"]
    ex, ey = convert(np.array([x0]), np.array([y0]), "wgs84", "gcj02")
    assert (x1, y1) == pytest.approx((float(ex[0]), float(ey[0])), abs=2e-6)
    assert abs(x1 - x0) > 1e-3  # ~ several hundred metres in Chengdu
    fmap = webmap.map_from_dataset(tiny, options=webmap.MapOptions(basemap="amap"))
    html = _render(fmap)
    assert "autonavi.com" in html and get_settings().amap_review_no in html
    district = _collections(html)[0]["features"][0]["geometry"]["coordinates"][0][0][0]
    assert district[0] != pytest.approx(103.9, abs=1e-4)


def test_tianditu_needs_a_key_and_shows_its_review_number(tiny):
    no_key = dataclasses.replace(get_settings(), tianditu_key="")
    with pytest.raises(webmap.MapError, match="QY_TIANDITU_KEY"):
        webmap.map_from_dataset(tiny, options=webmap.MapOptions(basemap="tianditu", settings=no_key))
    assert "tianditu" not in webmap.available_basemaps(no_key)
    keyed = dataclasses.replace(no_key, tianditu_key="k123", tianditu_review_no="GS(2099)1号")
    html = _render(webmap.map_from_dataset(tiny, options=webmap.MapOptions(basemap="tianditu", settings=keyed)))
    assert "tk=k123" in html and "GS(2099)1号" in html and "tianditu" in webmap.available_basemaps(keyed)


def test_osm_attribution_and_unknown_basemap(tiny):
    html = _render(webmap.map_from_dataset(tiny, options=webmap.MapOptions(basemap="osm")))
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html
    with pytest.raises(webmap.MapError, match="none, tianditu, amap, osm"):
        webmap.map_from_dataset(tiny, options=webmap.MapOptions(basemap="google", lang="en"))


def test_district_review_number_when_configured(tiny):
    s = dataclasses.replace(get_settings(), map_review_no="川S(2099)001号")
    html = _render(webmap.map_from_dataset(tiny, options=webmap.MapOptions(settings=s)))
    assert "川S(2099)001号" in html and "qy-review-no" in html and "position: 'bottomleft'" in html


def test_area_highlight_and_selection_groups(sample):
    group = webmap.area_highlight_group(sample, "清溪片区", options=webmap.MapOptions(theme="dark"))
    fmap = webmap.map_from_dataset(sample, options=webmap.MapOptions(layers=("district",)))
    group.add_to(fmap)
    html = _render(fmap)
    assert "qy-area-label-hl" in html and webmap.THEMES["dark"]["hl"] in html
    with pytest.raises(webmap.MapError, match="清溪片区"):
        webmap.area_highlight_group(sample, "不存在片区")
    sel = webmap.selection_group(sample, ["QY-0003"])
    fmap2 = webmap.map_from_dataset(sample, options=webmap.MapOptions(layers=("district",)))
    sel.add_to(fmap2)
    assert any(len(fc["features"]) == 1 and fc["features"][0]["properties"].get("id") == "QY-0003"
               for fc in _collections(_render(fmap2)))


def test_legend_lists_statuses_in_the_language(tiny):
    assert all(schema.STATUS_LABELS[s][0] in webmap.legend_html(webmap.MapOptions()) for s in schema.STATUSES)
    en = webmap.legend_html(webmap.MapOptions(lang="en", area_values={}))
    assert "Under construction" in en and "Area completion" in en


def test_clicked_compound_id(tiny):
    c = tiny.compounds
    assert webmap.clicked_compound_id({"last_object_clicked_tooltip": "乙小区 QY-B\n计划"}, c) == "QY-B"
    assert webmap.clicked_compound_id({"last_object_clicked": {"lat": 30.6751, "lng": 104.0331}}, c) == "QY-A"
    assert webmap.clicked_compound_id({"last_object_clicked": {"lat": 30.0, "lng": 104.0}}, c) is None
    assert webmap.clicked_compound_id(None, c) is None


def test_legend_explains_the_outlines_drawn(tiny):
    zh = webmap.legend_html(webmap.MapOptions())
    for label in ("区界", "重点街道", "其他街道", "片区", "天府绿道"):
        assert f"</span>{label}</div>" in zh, label
    en = webmap.legend_html(webmap.MapOptions(lang="en"))
    assert all(f"</span>{w}</div>" in en for w in ("District boundary", "Key subdistricts", "Renovation areas"))
    coloured = webmap.legend_html(webmap.MapOptions(area_values={}))  # the ramp explains coloured areas
    assert "</span>片区</div>" not in coloured and "片区完成率" in coloured
    bare = webmap.legend_html(webmap.MapOptions(layers=("compounds",)))
    assert "区界" not in bare and "重点街道" not in bare


def test_dots_and_the_shapes_under_them_share_one_canvas(sample_map):
    """Leaflet stacks every SVG above every canvas: an SVG area would take the pointer from its dots."""
    _, html = sample_map
    shared = webmap.SHARED_CANVAS_JS
    assert html.count(f"\"renderer\": {shared}") == 3 and f"renderer: {shared}" in html  # 3 shape layers, the dots
    assert "L.canvas({padding: 0.3}); return function" not in html  # no canvas of their own
    coloured = _render(webmap.map_from_dataset(tiny_dataset(), options=webmap.MapOptions(area_values={"清溪片区": 50.0})))
    assert f'"renderer": {shared}' not in coloured  # areas coloured by progress stay above the dots
