"""大屏 / Exhibition screen under AppTest: rotation, aggregate figures only, no inputs, source and 审图号."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.geometry
from streamlit.testing.v1 import AppTest

from dashboard.map_component import own_script
from geo import kpis, metrics
from geo.maps import coarse
from geo.sample.programme import QINGYANG
from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store
from tests.apptest_support import html_blocks
from tests.geo.maps.map_html import collections

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def ds():
    return open_store(SAMPLE_STORE_URL).load().dataset


def _screen(monkeypatch=None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/screen.py")
    at.run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def screen():
    return _screen()


def _text(at: AppTest) -> str:
    return html.unescape(" ".join(html_blocks(at)))


def _values(at: AppTest, css: str) -> dict[str, str]:
    """data-kpi -> value of the tiles inside the element with class ``css``."""
    block = next(m for m in html_blocks(at) if f'class="{css}"' in m)
    return {k: html.unescape(v) for k, v in re.findall(r'data-kpi="(\w+)"><div class="l">[^<]*</div><div class="v">([^<]*)<', block)}


def _map_args(at: AppTest) -> dict:
    """The map component's arguments; "script" without the inlined Leaflet library code."""
    comp = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    args = json.loads(comp.proto.json_args)
    return {**args, "script": own_script(args["script"]), "full_script": args["script"]}


def test_layout_and_first_area(screen):
    page = _text(screen)
    assert "青羊区老旧小区连片改造" in page and "星期" in page
    assert 'class="qs-clock"' in page
    assert "片区 1 / 8" in page and 'data-area="清溪片区"' in page
    assert "数据来源" in page and "示意数据" in page


def test_rotation_advances_on_each_run():
    at = _screen()
    seen = []
    areas = QINGYANG.area_names
    for _ in range(len(areas) + 1):
        seen.append(re.search(r'data-area="([^"]+)"', _text(at)).group(1))
        at.run()
    assert seen[:8] == list(areas) and seen[8] == areas[0]


def test_figures_equal_the_metrics(screen, ds):
    today = dt.date.today()
    strip = _values(screen, "qs-strip")
    assert strip == {k.key: k.value for k in kpis.district_kpis(metrics.stats(ds, today), "zh")}
    row = metrics.progress_by_area(ds, today).iloc[0]
    assert _values(screen, "qs-panel") == {k.key: k.value for k in kpis.area_kpis(row, "zh")}
    assert f">{row['pct_completed']:.0f}<span>%</span>" in " ".join(html_blocks(screen))


def test_read_only_and_no_personal_data(screen, ds):
    for kind in ("button", "text_input", "selectbox", "date_input", "multiselect", "checkbox", "radio"):
        assert len(screen.get(kind)) == 0, kind
    assert len(screen.sidebar) == 0
    page = _text(screen)
    args = _map_args(screen)
    script = args["script"] + (args.get("feature_group") or "")
    assert "bindPopup" not in script and "bindTooltip(function" not in script
    decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), script)
    dots = next(c for c in collections(decoded) if c["features"][0]["geometry"]["type"] == "Point")
    assert {tuple(f["properties"]) for f in dots["features"]} == {("s", "n")}  # the dots: a status and a count
    for name, cid in zip(ds.compounds["name"], ds.compounds["compound_id"]):
        assert name not in page and f'"{name}"' not in decoded and cid not in decoded


def _coordinates(geometry: dict) -> np.ndarray:
    return shapely.get_coordinates(shapely.geometry.shape(geometry))


def test_no_coordinate_the_screen_sends_is_near_a_compound(screen, ds):
    """Dots stand for grid cells and sit >= 40 m from every compound; every other coordinate is a vertex of
    the public layers (district, subdistricts, areas, greenways), none of which is made from compounds."""
    args = _map_args(screen)
    sent = []
    for part in ("script", "feature_group"):
        sent += collections(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), args[part]))
    dots = [f for c in sent for f in c["features"] if f["geometry"]["type"] == "Point"]
    assert sum(f["properties"]["n"] for f in dots) == len(ds.compounds)  # every compound counted, in fewer dots
    assert len(dots) < len(ds.compounds) / 2
    metric = gpd.GeoSeries(gpd.points_from_xy(*np.array([f["geometry"]["coordinates"] for f in dots]).T),
                           crs="EPSG:4326").to_crs("EPSG:32648")
    tree = shapely.STRtree(ds.compounds.to_crs("EPSG:32648").geometry.values)
    _, distance = tree.query_nearest(metric.values, return_distance=True, all_matches=False)
    assert distance.min() >= coarse.CLEARANCE_M
    public = {tuple(xy) for layer in (ds.district, ds.subdistricts, ds.areas, ds.greenways)
              for xy in shapely.get_coordinates(layer.geometry.values).round(6)}
    shapes = [f for c in sent for f in c["features"] if f["geometry"]["type"] != "Point"]
    assert shapes and all(tuple(xy) in public for f in shapes for xy in _coordinates(f["geometry"]).round(6))


def test_map_is_offline_dark_and_highlights_the_area(screen):
    args = _map_args(screen)
    assert not any(u.startswith(("http:", "https:", "//")) for u in args["js_links"] + args["css_links"])
    # Leaflet and its CSS travel inside the map (no file chain in the iframe), from the vendor folder
    assert args["js_links"] == [] and args["css_links"] == []
    assert "Leaflet 1.9" in args["full_script"][:300] and ".leaflet-pane" in args["header"]
    assert "url(/app/static/vendor/images/layers.png)" in args["header"]
    assert "qy-area-label-hl" in args["feature_group"]
    assert "#0b1622" in args["header"]  # dark map background


def test_review_number_from_settings_and_english(monkeypatch):
    monkeypatch.setenv("QY_MAP_REVIEW_NO", "川S(2099)001号")
    monkeypatch.setenv("QY_DATA_SOURCE", "青羊区住建局 2026")
    at = _screen(lang="en")
    page = _text(at)
    assert "川S(2099)001号" in page and "青羊区住建局 2026" in page
    assert "Qingyang Old-Compound Renovation" in page and "Area 1 of 8" in page
    assert "片区 1 / 8" not in page


@pytest.mark.parametrize(("lang", "own", "other"), [("zh", "示意数据", "Illustrative"), ("en", "Illustrative data", "示意数据")])
def test_the_sample_credit_is_in_the_screens_language_only(monkeypatch, lang, own, other):
    monkeypatch.delenv("QY_DATA_SOURCE", raising=False)
    page = _text(_screen(lang=lang))
    assert own in page and other not in page


def _scripts(at: AppTest) -> str:
    return " ".join(e.proto.body for e in at.main if type(e).__name__ == "Html")


def test_reloads_once_a_day_at_the_configured_time(monkeypatch, screen):
    assert "setHours(4, 30, 0, 0)" in _scripts(screen) and "location.reload()" in _scripts(screen)
    monkeypatch.setenv("QY_SCREEN_RELOAD_AT", "off")
    assert "location.reload" not in _scripts(_screen())


def test_review_number_comes_first_at_the_bottom_left(monkeypatch):
    monkeypatch.setenv("QY_MAP_REVIEW_NO", "川S(2099)001号")
    at = _screen()
    foot = next(m for m in html_blocks(at) if 'class="qs-foot"' in m)
    left = re.search(r'<div class="qs-foot"><span>(.*?)</span>', foot).group(1)
    assert html.unescape(left).startswith("审图号：川S(2099)001号")


def test_a_public_screen_without_review_number_warns_in_the_server_log(monkeypatch, caplog):
    import geo.settings

    monkeypatch.delenv("QY_MAP_REVIEW_NO", raising=False)
    monkeypatch.setattr(geo.settings, "_WARNED_NO_REVIEW", set())
    with caplog.at_level("WARNING", logger="geo.settings"):
        _screen()
    assert any("QY_MAP_REVIEW_NO" in r.getMessage() and "screen" in r.getMessage() for r in caplog.records)
