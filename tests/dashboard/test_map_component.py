"""dashboard.map_component must send the component exactly what st_folium would send."""
import folium
import pytest
import streamlit_folium as stf

from dashboard import map_component as mc
from geo import maps
from geo.maps_offline import add_draw
from tests.geo.tiny_data import tiny_dataset


def _build():
    ds = tiny_dataset()
    fmap = maps.map_from_dataset(ds, as_of="2022-12-09", options=maps.MapOptions(popups=False))
    add_draw(fmap)
    return ds, fmap


@pytest.fixture
def captured(monkeypatch):
    calls = []
    monkeypatch.setattr(stf, "_component_func", lambda **kwargs: calls.append(kwargs) or kwargs["default"])
    return calls


@pytest.mark.parametrize("returned", [None, ["last_object_clicked_tooltip", "all_drawings", "bounds"]])
def test_prepared_map_sends_what_st_folium_sends(captured, returned):
    ds, fmap = _build()
    group = maps.selection_group(ds, ["QY-A"], as_of="2022-12-09")
    stf.st_folium(fmap, key="m", height=500, width=None, returned_objects=returned, feature_group_to_add=group)
    ds, fmap = _build()
    group = maps.selection_group(ds, ["QY-A"], as_of="2022-12-09")
    mc.show_map(mc.prepare_map(fmap), key="m", height=500, returned_objects=returned, feature_groups=[group])
    reference, ours = captured
    assert reference.keys() == ours.keys()
    for name in reference:
        if name != "on_change":
            assert ours[name] == reference[name], name
    assert "QY-A" in ours["feature_group"] and ours["script"].count("QY-A") == 1


def test_prepared_map_is_reusable(captured):
    _, fmap = _build()
    prepared = mc.prepare_map(fmap)
    group = folium.FeatureGroup(name="x")
    folium.CircleMarker([30.67, 104.05], radius=3).add_to(group)
    first = mc.show_map(prepared, key="m", feature_groups=[group])
    mc.show_map(prepared, key="m", feature_groups=[group])
    mc.show_map(prepared, key="m")
    a, b, c = captured
    assert a["script"] == b["script"] == c["script"] and a["key"] == c["key"]  # same component: no reload
    assert a["feature_group"] == b["feature_group"] and c["feature_group"] is None
    assert first["bounds"]["_southWest"]["lat"] is not None
    assert all(not u.startswith("http") for u in a["js_links"] + a["css_links"])
