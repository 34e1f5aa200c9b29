"""geo.maps.presets: the briefing's and the screen's map options, and the maps they build."""
import json

from geo import metrics, schema
from geo.maps import presets, webmap
from geo.settings import Settings
from tests.geo.tiny_data import tiny_dataset
from tests.offline_support import external_urls

SETTINGS = Settings(tianditu_key="k")


def test_briefing_colours_and_labels_the_areas_without_popups():
    o = presets.briefing_options("en", "tianditu", {"清溪片区": 80.0}, settings=SETTINGS)
    assert (o.lang, o.basemap, o.fit, o.legend_position) == ("en", "tianditu", "areas", "bottomleft")
    assert o.area_values == {"清溪片区": 80.0} and o.area_labels and not o.popups
    assert set(o.mute_statuses) == {schema.STATUS_NOT_OLD, schema.STATUS_NO_NEED}
    html = webmap.map_from_dataset(tiny_dataset(), as_of="2022-12-09", options=o).get_root().render()
    assert "Qingxi 80%" in html and "bindPopup" not in html


def test_screen_is_dark_anonymous_and_has_no_controls():
    o = presets.screen_options("zh", settings=Settings())
    assert o.theme == "dark" and o.anonymous and o.fill_frame and not (o.popups or o.tooltips)
    assert not (o.layer_control or o.zoom_control) and "elevators" not in o.layers
    ds = tiny_dataset()
    html = webmap.map_from_dataset(ds, as_of="2022-12-09", options=o).get_root().render()
    assert webmap.THEMES["dark"]["bg"] in html and external_urls(html) == []
    for cid, name in zip(ds.compounds["compound_id"], ds.compounds["name"]):  # no personal data on the screen
        assert cid not in html and json.dumps(name)[1:-1] not in html and name not in html


def test_area_values_come_from_progress_by_area():
    ds = tiny_dataset()
    values = metrics.area_completion(metrics.progress_by_area(ds, "2022-12-09"), ds.programme)
    assert set(values) == set(ds.programme.area_names) and values["清溪片区"] == 100.0
