"""geo.maps.points: point layers as compact columns, decoded to the same GeoJSON in Python and in JS."""
import json

import pytest

from geo.maps import points, webmap
from geo.settings import REPORT_DATE


@pytest.fixture(scope="module")
def collection(sample):
    return webmap.features_from_compounds(sample.compounds, REPORT_DATE, programme=sample.programme, popups=True)


def test_round_trip_is_exact(collection):
    compact = points.encode(collection)
    assert points.decode(json.loads(points.to_js(compact))) == json.loads(json.dumps(collection))


def test_repeated_values_are_dictionary_encoded_and_text_stays_utf8(collection):
    compact = points.encode(collection)
    columns = dict(zip(compact["k"], compact["c"]))
    assert isinstance(columns["s"], dict) and set(columns["s"]["v"]) <= {
        "completed", "under_construction", "planned", "no_need", "redeveloped", "not_old"}
    assert isinstance(columns["n"], list)  # names are (nearly) all different
    text = points.to_js(compact)
    assert "\\u" not in text and collection["features"][0]["properties"]["n"] in text
    plain = json.dumps(collection)
    assert len(text.encode("utf-8")) * 3 < len(plain)


def test_script_end_tags_cannot_close_the_script():
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [104.0, 30.6]},
         "properties": {"n": "</script><b>x"}}]}
    text = points.decode_js(fc)
    assert "</script>" not in text and "<\\/script>" in text
    assert points.decode(points.encode(fc)) == fc


@pytest.mark.parametrize("data", [
    {"type": "FeatureCollection", "features": []},
    {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {}}]},
    {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {"a": 1}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]}, "properties": {"b": 1}}]},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {}},
])
def test_only_uniform_point_collections_are_compacted(data):
    assert not points.is_point_collection(data)


@pytest.mark.browser
def test_the_browser_decodes_the_same_features(browser, collection):
    page = browser.new_page()
    try:
        decoded = page.evaluate(f"() => JSON.stringify({points.decode_js(collection)})")
    finally:
        page.close()
    assert json.loads(decoded) == json.loads(json.dumps(collection))
