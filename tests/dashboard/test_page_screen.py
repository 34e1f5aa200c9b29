"""大屏 / Exhibition screen under AppTest: rotation, aggregate figures only, no inputs, source and 审图号."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.map_component import own_script
from geo import kpis, metrics
from geo.sample.programme import QINGYANG
from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store
from tests.apptest_support import html_blocks

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
    dots = [json.loads(c) for c in re.findall(r"\}\)\((\{\"s\":.*?\})\)\);\n", script)]  # geo.maps.points columns
    compounds = next(d for d in dots if len(d["x"]) == len(ds.compounds))
    assert compounds["k"] == ["s"] and "completed" in compounds["c"][0]["v"]  # the dots: status only
    for name, cid in zip(ds.compounds["name"], ds.compounds["compound_id"]):
        assert name not in page and f'"{name}"' not in decoded and cid not in decoded


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


def _scripts(at: AppTest) -> str:
    return " ".join(e.proto.body for e in at.main if type(e).__name__ == "Html")


def test_reloads_once_a_day_at_the_configured_time(monkeypatch, screen):
    assert "setHours(4, 30, 0, 0)" in _scripts(screen) and "location.reload()" in _scripts(screen)
    monkeypatch.setenv("QY_SCREEN_RELOAD_AT", "off")
    assert "location.reload" not in _scripts(_screen())
