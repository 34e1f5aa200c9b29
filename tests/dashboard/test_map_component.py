"""dashboard.map_component must send the component exactly what st_folium would send."""
import folium
import pytest
import streamlit_folium as stf

from dashboard import map_component as mc
from geo.maps import webmap
from geo.maps.offline import add_draw
from tests.geo.tiny_data import tiny_dataset


def _build():
    ds = tiny_dataset()
    fmap = webmap.map_from_dataset(ds, as_of="2022-12-09", options=webmap.MapOptions(popups=False))
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
    group = webmap.selection_group(ds, ["QY-A"], as_of="2022-12-09")
    stf.st_folium(fmap, key="m", height=500, width=None, returned_objects=returned, feature_group_to_add=group)
    ds, fmap = _build()
    group = webmap.selection_group(ds, ["QY-A"], as_of="2022-12-09")
    mc.show_map(mc.prepare_map(fmap), key="m", height=500, returned_objects=returned, feature_groups=[group])
    reference, ours = captured
    assert reference.keys() == ours.keys()
    for name in reference:
        if name == "feature_group":  # the same groups, after the frame's upkeep
            assert ours[name] == mc.frame_upkeep_js(returned) + reference[name]
        elif name != "on_change":
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
    assert a["feature_group"] == b["feature_group"] and c["feature_group"] == mc.frame_upkeep_js(None)  # upkeep still runs
    assert first["bounds"]["_southWest"]["lat"] is not None
    assert all(not u.startswith("http") for u in a["js_links"] + a["css_links"])


def _files(tmp_path):
    (tmp_path / "draw").mkdir()
    (tmp_path / "leaflet.js").write_text("var L = {};", encoding="utf-8")
    (tmp_path / "folium-offline.js").write_text("L.shim = 1;", encoding="utf-8")
    (tmp_path / "draw" / "leaflet.draw.js").write_text("L.Draw = 1;", encoding="utf-8")
    (tmp_path / "leaflet.css").write_text(".a{background:url(images/layers.png)} .b{background:url('data:x')}",
                                          encoding="utf-8")
    (tmp_path / "draw" / "leaflet.draw.css").write_text(".c{background:url('images/spritesheet.svg')}",
                                                        encoding="utf-8")
    return mc.LocalAssets("/app/static/vendor", tmp_path)


def test_inlined_assets_run_before_the_map_script_in_load_order(tmp_path):
    _, fmap = _build()  # Leaflet, folium-offline.js and Leaflet.draw
    plain = mc.prepare_map(fmap)
    _, fmap = _build()
    inlined = mc.prepare_map(fmap, _files(tmp_path))
    assert inlined.js_links == () and inlined.css_links == ()
    lib, own = inlined.script.split(mc.MAP_SCRIPT_MARK)
    assert lib.index("var L = {};") < lib.index("L.shim = 1;") < lib.index("L.Draw = 1;")
    assert own == plain.script == mc.own_script(inlined.script)
    # relative CSS urls now point where the files are served; data: urls are left alone
    assert "url(/app/static/vendor/images/layers.png)" in inlined.header
    assert "url('/app/static/vendor/draw/images/spritesheet.svg')" in inlined.header
    assert "url('data:x')" in inlined.header and inlined.header.endswith(plain.header)


def test_missing_files_stay_links(tmp_path):
    assets = _files(tmp_path)
    (tmp_path / "folium-offline.js").unlink()
    (tmp_path / "draw" / "leaflet.draw.css").write_text(".x{} </style><script>", encoding="utf-8")
    _, fmap = _build()
    plain = mc.prepare_map(fmap)
    _, fmap = _build()
    prepared = mc.prepare_map(fmap, assets)
    assert prepared.script == plain.script and prepared.js_links == plain.js_links  # all or nothing: order kept
    assert prepared.css_links == ("/app/static/vendor/draw/leaflet.draw.css",)
    assert "layers.png" in prepared.header and "</style><script>" not in prepared.header


def test_returned_objects_reach_the_frame_with_the_groups(captured):
    _, fmap = _build()
    prepared = mc.prepare_map(fmap)
    mc.show_map(prepared, key="m", returned_objects=["last_object_clicked"])
    mc.show_map(prepared, key="m", returned_objects=["last_object_clicked", "bounds"])
    first, second = captured
    assert first["key"] == second["key"]  # the same map, not reloaded
    assert first["feature_group"] != second["feature_group"]  # so the frame evaluates the new list
    assert '})(["last_object_clicked", "bounds"]);' in second["feature_group"]
