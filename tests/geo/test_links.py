"""geo.links: the shared link's map view and open record, and what it ignored."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import links

BOUNDS = (103.95, 30.62, 104.10, 30.74)  # minx, miny, maxx, maxy (WGS-84)


@given(st.floats(30.62, 30.74), st.floats(103.95, 104.10), st.floats(1, 20))
def test_a_view_survives_its_url_form(lat, lng, zoom):
    view = links.MapView(lat, lng, zoom)
    back = links.view_from_param(view.to_param(), BOUNDS)
    assert back is not None
    assert back.lat == pytest.approx(lat, abs=1e-5) and back.lng == pytest.approx(lng, abs=1e-5)
    assert back.zoom == pytest.approx(zoom, abs=0.01)


@pytest.mark.parametrize("text", ["", "30.66,104.05", "a,b,c", "30.66,104.05,16,1", "nan,104.05,16",
                                  "0,0,12", "30.66,104.05,40", "30.66,104.05,-1", "inf,inf,3"])
def test_bad_views_are_refused(text):
    assert links.view_from_param(text, BOUNDS) is None


def test_link_reads_view_and_record_and_names_what_it_ignored():
    ids = {"QY-0001", "QY-0057"}
    ok = links.link_from_params({"view": "30.66,104.05,16", "record": "QY-0057", "area": "x"}, ids, BOUNDS)
    assert ok == links.Link(links.MapView(30.66, 104.05, 16.0), "QY-0057", [])
    bad = links.link_from_params({"view": "0,0,3", "record": ["QY-0001", "QY-9999"]}, ids, BOUNDS)
    assert bad.view is None and bad.record is None
    assert bad.ignored == [("view", "0,0,3"), ("record", "QY-9999")]  # a repeated key: the last one counts
    assert links.link_params(ok.view, ok.record) == {"view": "30.66000,104.05000,16", "record": "QY-0057"}
    assert links.link_params(None, None) == {}


def test_view_from_report():
    assert links.view_from_report({"lat": 30.6, "lng": 104.0}, 14.5) == links.MapView(30.6, 104.0, 14.5)
    assert links.view_from_report(None, 14) is None and links.view_from_report({"lat": "x"}, 3) is None


def test_ignored_text_quotes_values_as_plain_cut_text():
    text = links.ignored_text([("area", "nowhere"), ("record", "<b>" + "x" * 60)], "zh")
    assert text.startswith("链接中以下参数无法识别，已忽略：area=nowhere、record=<b>xxx")
    assert text.endswith("…") and len(text) < 100
    assert links.ignored_text([("hh_min", "lots\n")], "en").endswith("hh_min=lots?")
