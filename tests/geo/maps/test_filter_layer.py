import json
import re

from geo import filters as F
from geo.links import MapView, ViewRequest
from geo.maps.filter_layer import (
    SHOWN_ATTR,
    draw_locale,
    drawing_group,
    explorer_groups,
    explorer_map,
    filter_group,
    returned_objects,
)
from geo.maps.offline import offline_map
from tests.geo.tiny_data import tiny_dataset
from tests.offline_support import external_urls, remote_assets


def _html(fmap) -> str:
    return fmap.get_root().render()


def test_map_of_every_compound_with_draw_control_offline():
    ds = tiny_dataset()
    fmap = explorer_map(ds, as_of="2022-12-09")
    html = _html(fmap)
    assert "new L.Control.Draw(" in html
    assert '"polygon": true' in html and '"rectangle": true' in html
    assert '"polyline": false' in html and '"circle": false' in html and '"marker": false' in html
    assert remote_assets(fmap) == [] and external_urls(html) == []
    assert ".leaflet-interactive:focus" in html
    assert all(cid in html for cid in ("QY-A", "QY-B", "QY-C"))


def test_map_can_draw_a_given_frame_in_english():
    ds = tiny_dataset()
    frame = F.apply_filters(ds, F.CompoundFilter(areas=("清溪片区",)), "2022-12-09")
    html = _html(explorer_map(ds, frame, lang="en"))
    assert "QY-A" in html and "QY-B" not in html


def _script(group, *, parent=None) -> str:
    fmap = parent or offline_map(location=[30.67, 104.05], zoom_start=13)
    group.add_to(fmap)
    return _html(fmap)


def test_filter_group_lists_the_ids_to_show():
    html = _script(filter_group(["QY-A", "QY-乙"], fit_key='{"areas":["x"]}'))
    assert '["QY-A", "QY-乙"]' in html
    assert json.dumps(SHOWN_ATTR) in html
    assert json.dumps('{"areas":["x"]}') in html
    name = re.search(r"var (map_[0-9a-f]+) = L\.map", html).group(1)
    assert f"}})({name});" in html  # runs against this map


def test_filter_group_without_ids_shows_everything_and_keeps_the_view():
    html = _script(filter_group(None))
    assert "var want = null" in html and "var fit = null" in html



def test_drawing_group_shows_the_kept_shape_and_nothing_when_none():
    assert drawing_group(None) is None and drawing_group([]) is None
    square = {"type": "Feature", "properties": {},
              "geometry": {"type": "Polygon", "coordinates": [[[104.0, 30.6], [104.1, 30.6], [104.1, 30.7], [104.0, 30.6]]]}}
    html = _script(drawing_group([square], lang="en"))
    assert "104.1" in html and "dashArray: '6 4'" in html and "interactive: false" in html


def test_explorer_groups_filter_highlight_and_drawing():
    ds = tiny_dataset()
    assert len(explorer_groups(ds, shown=None, fit_key="{}", highlight=[], drawings=None)) == 1
    groups = explorer_groups(ds, shown=["QY-A"], fit_key="{}", highlight=["QY-B"], drawings=[{"type": "Polygon",
                             "coordinates": [[[104.0, 30.6], [104.1, 30.6], [104.1, 30.7], [104.0, 30.6]]]}], lang="en")
    fmap = offline_map(location=[30.67, 104.05], zoom_start=13)
    for group in groups:
        group.add_to(fmap)
    html = _html(fmap)
    assert len(groups) == 3 and '["QY-A"]' in html and "data-qy-selected" in html and "dashArray: '6 4'" in html
    assert returned_objects("view")[-1] == "bounds" and "bounds" not in returned_objects("drawn")


def test_draw_texts_come_from_our_translations_before_the_control():
    texts = draw_locale("zh")
    assert texts["draw"]["toolbar"]["buttons"]["rectangle"] == "画矩形圈选小区"
    assert texts["draw"]["handlers"]["rectangle"]["tooltip"]["start"] == "按住鼠标拖动，画出矩形"
    assert texts["edit"]["toolbar"]["buttons"]["removeDisabled"] == "没有可删除的图形"
    assert draw_locale("en")["draw"]["toolbar"]["actions"]["text"] == "Cancel"
    html = _html(explorer_map(tiny_dataset(), as_of="2022-12-09"))
    merged = html.index("L.drawLocal = L.drawLocal || {}")
    assert "画多边形圈选小区" in html[merged:] and merged < html.index("new L.Control.Draw(")


def test_a_view_request_is_taken_once_and_wins_over_the_fit():
    ask = ViewRequest(MapView(30.66, 104.05, 16.0), "ask-7")
    html = _script(filter_group(["QY-A"], fit_key="f", view=ask))
    assert '"lat": 30.66, "lng": 104.05, "zoom": 16.0, "key": "ask-7"' in html
    assert "map._qyView !== view.key" in html and "setView([view.lat, view.lng], view.zoom" in html
    assert 'var fit = "f", view = null' in _script(filter_group(["QY-A"], fit_key="f"))
    assert returned_objects("all")[-2:] == ["center", "zoom"]  # the map reports its view for the link
