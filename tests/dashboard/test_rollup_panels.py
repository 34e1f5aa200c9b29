"""The roll-up briefing and screen under AppTest, on a small synthetic national store (QY_ROLLUP_FROM=1).

Figures equal ``geo.rollup.stats_from_store`` / ``units_from_store`` of the place shown; the
breadcrumb goes up, the children's choice goes down, ``?place=`` says where; the screen
rotates through the children of its place; no compound is loaded or sent. The store follows
``QY_TEST_BACKEND`` (tests/store_support.py).
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cached, state
from geo import drilldown, kpis, rollup
from geo.store import open_store
from geo.synthetic import NATION_CODE, build_synthetic
from tests.apptest_support import html_blocks
from tests.store_support import scratch_store_url

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
SYNTHETIC = build_synthetic(2_000, provinces=5, seed=11)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The synthetic store, the session's QY_STORE while this module runs, with the roll-up from 1 compound."""
    url = scratch_store_url(tmp_path_factory.mktemp("rollup-pages"))
    made = open_store(url)
    made.initialize(SYNTHETIC)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QY_STORE", made.url)
        mp.setenv("QY_ROLLUP_FROM", "1")
        yield made
    cached._scale.clear()


def _page(page: str = "briefing", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "briefing":
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    return html.unescape(" ".join(html_blocks(at)))


def _tiles(at: AppTest) -> dict[str, tuple[str, str]]:
    """data-kpi -> (value, ref) of the briefing's tiles."""
    found = re.findall(r'data-kpi="(\w+)"><div class="lbl">[^<]*</div><div class="val">([^<]*)'
                       r'(?:<span class="unit">[^<]*</span>)?</div>(?:<div class="ref">([^<]*)</div>)?', " ".join(html_blocks(at)))
    return {k: (html.unescape(v), html.unescape(r)) for k, v, r in found}


def _expected_tiles(store, place: str, day: dt.date, lang: str = "zh") -> dict[str, tuple[str, str]]:
    return {k.key: (k.value, k.ref) for k in kpis.briefing_kpis(rollup.stats_from_store(store, day, place=place), lang)}


def _table(at: AppTest) -> list[list[str]]:
    block = next(m for m in html_blocks(at) if 'class="qy-table"' in m)
    return [[html.unescape(c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", r)] for r in re.findall(r"<tr>(.*?)</tr>", block)]


def _shown(at: AppTest) -> str:
    return re.search(r'class="qy-crumb-on" data-place="([^"]+)"', " ".join(html_blocks(at))).group(1)


def _map_args(at: AppTest) -> dict:
    comp = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    return json.loads(comp.proto.json_args)


def _no_compound_sent(at: AppTest) -> None:
    args = _map_args(at)
    sent = args["script"] + (args.get("feature_group") or "") + " ".join(html_blocks(at))
    for cid in SYNTHETIC.compounds["compound_id"].iloc[::97]:
        assert cid not in sent
    assert "viewport" not in (args.get("feature_group") or "")


def test_the_nation_figures_its_provinces_and_their_circles(store):
    at = _page()
    day = dt.date.today()
    p = SYNTHETIC.programme
    assert _shown(at) == NATION_CODE
    assert _tiles(at) == _expected_tiles(store, NATION_CODE, day)
    units = rollup.units_from_store(store, day, place=NATION_CODE)
    rows = drilldown.child_rows(units, p)
    table = _table(at)
    assert table[0][0] == "省份" and [r[0] for r in table[1:]] == [p.get_place(c).name for c in units["name"]]
    assert [r[1] for r in table[1:]] == [f"{r.compounds:,}" for r in rows]
    assert sum(r.compounds for r in rows) == len(SYNTHETIC.compounds)
    group = _map_args(at)["feature_group"]
    assert all(f'"code": "{c}"' in group or f'"code":"{c}"' in group for c in units["name"])
    _no_compound_sent(at)
    downloads = at.get("download_button")
    assert len(downloads) == 2  # the pack of the place shown, PPTX and PDF, made on click


def test_drill_down_to_a_province_and_a_city_then_back_up(store):
    at = _page()
    day = dt.date.today()
    p = SYNTHETIC.programme
    province = p.at_level("province")[2].code
    at.pills[0].set_value(province).run()
    assert not at.exception
    assert at.query_params[state.Q_PLACE] == [province] or at.query_params[state.Q_PLACE] == province
    assert _shown(at) == province and _tiles(at) == _expected_tiles(store, province, day)
    assert [r[0] for r in _table(at)[1:]] == [x.name for x in p.scope_children(province)
                                              if p.subdistricts_under(x.code)]
    city = rollup.units_from_store(store, day, place=province)["name"].iloc[0]
    at.pills[0].set_value(city).run()
    assert _shown(at) == city and _tiles(at) == _expected_tiles(store, city, day)
    assert [b.label for b in at.button if (b.key or "").startswith("rollup_crumb_")] == [p.root.name, p.get_place(province).name]
    next(b for b in at.button if b.key == f"rollup_crumb_{NATION_CODE}").click().run()
    assert _shown(at) == NATION_CODE and _tiles(at) == _expected_tiles(store, NATION_CODE, day)
    assert at.pills[0].value is None  # nothing left chosen: the same province again drills down again
    at.pills[0].set_value(province).run()
    assert _shown(at) == province


def test_a_link_opens_its_place_on_its_date_in_english(store):
    p = SYNTHETIC.programme
    district = p.at_level("district")[0].code
    day = dt.date(2023, 6, 30)
    at = _page(place=district, as_of=day.isoformat(), lang="en")
    assert _shown(at) == district and _tiles(at) == _expected_tiles(store, district, day, "en")
    assert _table(at)[0][0] == "Subdistrict" and "Progress by subdistrict" in _text(at)
    assert f"data as of {day.isoformat()}" in _text(at)


def test_a_place_that_is_not_the_programmes_shows_the_top_and_says_so(store):
    at = _page(place="<b>999</b>")
    assert _shown(at) == NATION_CODE
    assert "链接中的地区编码「<b>999</b>」不在本规划范围内" in _text(at)
    assert "<b>999</b>" not in " ".join(html_blocks(at))  # the code is written as text


def _slide(at: AppTest) -> str:
    return html.unescape(re.search(r'class="qs-area" data-area="([^"]*)"', " ".join(html_blocks(at))).group(1))


def _values(at: AppTest, css: str) -> dict[str, str]:
    block = next(m for m in html_blocks(at) if f'class="{css}"' in m)
    return {k: html.unescape(v) for k, v in
            re.findall(r'data-kpi="(\w+)"><div class="l">[^<]*</div><div class="v">([^<]*)<', block)}


@pytest.mark.parametrize("level", ["nation", "province"])
def test_the_screen_rotates_through_the_children_of_its_place(store, level):
    p = SYNTHETIC.programme
    today = dt.date.today()
    place = NATION_CODE if level == "nation" else p.at_level("province")[0].code
    at = _page("screen", **({} if level == "nation" else {"place": place}))
    children = list(rollup.units_from_store(store, today, place=place)["name"])
    seen = []
    for _ in range(len(children) + 1):
        seen.append(_slide(at))
        code = children[len(seen) - 1] if len(seen) <= len(children) else children[0]
        stats = rollup.stats_from_store(store, today, place=code)
        panel = kpis.place_panel(stats, "", "", [], "zh")
        assert _values(at, "qs-panel") == {k.key: k.value for k in panel.kpis}
        _no_compound_sent(at)
        at.run()
        assert not at.exception
    assert seen == [p.get_place(c).name for c in [*children, children[0]]]
    strip = {k.key: k.value for k in kpis.place_strip_kpis(rollup.stats_from_store(store, today, place=place), "", "zh")}
    assert _values(at, "qs-strip") == strip
    for kind in ("button", "text_input", "selectbox", "date_input", "multiselect", "checkbox", "radio", "button_group"):
        assert len(at.get(kind)) == 0, kind
    assert len(at.sidebar) == 0


def test_a_subdistrict_has_its_figures_and_no_children(store):
    p = SYNTHETIC.programme
    sub = p.subdistricts[3]
    day = dt.date.today()
    at = _page(place=sub.code)
    assert _shown(at) == sub.code and _tiles(at) == _expected_tiles(store, sub.code, day)
    assert "下无更细的地区层级" in _text(at) and not at.pills
    screen = _page("screen", place=sub.code)
    assert _slide(screen) == sub.name
    screen.run()
    assert _slide(screen) == sub.name  # a rotation of one
    stats = rollup.stats_from_store(store, day, place=sub.code)
    assert _values(screen, "qs-panel") == {k.key: k.value for k in kpis.place_panel(stats, "", "", [], "zh").kpis}


def test_the_pack_of_a_place_is_made_from_its_figures(store):
    from geo.brief import render
    p = SYNTHETIC.programme
    province = p.at_level("province")[1].code
    day = dt.date(2024, 6, 30)
    cached._scale.clear()
    scale = cached.scale()
    stats, units = cached.rollup_stats(scale, day, province), cached.rollup_units(scale, day, province)
    got = cached.rollup_pack(scale, day, province, "zh", "pptx", _stats=stats, _units=units)
    want = render.rollup_pack_bytes(rollup.stats_from_store(store, day, place=province),
                                    drilldown.child_rows(rollup.units_from_store(store, day, place=province), p), p,
                                    place=province, level="city", lang="zh", fmt="pptx")
    assert _slide_texts(got) == _slide_texts(want) and len(_slide_texts(got)) == 6


def _slide_texts(pptx: bytes) -> list[str]:
    import io

    from pptx import Presentation
    return [" ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
            for slide in Presentation(io.BytesIO(pptx)).slides]
