"""Every page on a second programme's store (锦江区, tests/second_programme.py) under AppTest:
its names and targets are shown, and nothing of Qingyang."""
from __future__ import annotations

import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from geo.sample.programme import QINGYANG
from geo.settings import ROOT
from tests.apptest_support import html_blocks
from tests.page_support import log_in as _login
from tests.second_programme import AREAS, EDITOR, FYP14_TARGET, SUBDISTRICTS, second_store

APP = str(ROOT / "dashboard" / "app.py")
DAY = "2022-12-09"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return second_store(tmp_path_factory.mktemp("jinjiang-pages")).path


@pytest.fixture(autouse=True)
def _store_env(store_path, monkeypatch):
    monkeypatch.setenv("QY_STORE", str(store_path))


def _page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"as_of": DAY, **params}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    """Everything the page writes: HTML and Markdown blocks, titles, captions, messages, widget
    labels and options, table cells."""
    parts = [*html_blocks(at), *(e.value for kind in ("title", "caption", "subheader", "info", "warning", "error",
                                                      "success") for e in at.get(kind))]
    for kind in ("selectbox", "multiselect"):
        for widget in at.get(kind):
            parts += [widget.label, *map(str, widget.options)]
    parts += [m.label for m in at.metric]
    for frame in at.dataframe:
        parts += [str(c) for c in frame.value.columns] + [str(v) for v in frame.value.to_numpy().ravel()]
    return html.unescape(" ".join(parts))


def _no_qingyang(text: str) -> None:
    names = {"青羊", "Qingyang", *QINGYANG.subdistrict_names, *QINGYANG.area_names,
             *(s.en for s in QINGYANG.subdistricts), *(a.en for a in QINGYANG.areas)}
    assert not [n for n in names if n in text]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing(lang):
    at = _page("app_pages/briefing.py", lang=lang)
    text = _text(at)
    if lang == "zh":
        assert "锦江区老旧小区改造“一张图”" in text and "成都市锦江区 · 数据截至 2022-12-09" in text
        assert f"目标 {FYP14_TARGET} 个" in text and "大慈寺片区" in text and "水井坊片区" in text
    else:
        assert "Jinjiang Old-Compound Renovation Map" in text and "Jinjiang District, Chengdu" in text
        assert f"target {FYP14_TARGET}" in text and "Dacisi" in text and "Shuijingfang" in text
    table = next(m for m in html_blocks(at) if 'class="qy-area-table"' in m)
    first_column = [html.unescape(c) for c in re.findall(r"<tr><td>(.*?)</td>", table)]
    other = "其他（片区外）" if lang == "zh" else "Other (outside areas)"
    assert first_column == [a.label(lang) for a in AREAS] + [other]
    _no_qingyang(text)


def test_explorer_offers_its_places_only():
    at = _page("app_pages/explorer.py", area="清溪片区,大慈寺片区", subdistrict="草堂")
    areas = at.sidebar.multiselect(key=f"{state.EXPLORER_WIDGET}areas")
    subs = at.sidebar.multiselect(key=f"{state.EXPLORER_WIDGET}subdistricts")
    assert list(areas.options) == [a.name for a in AREAS] + ["片区以外"] and areas.value == ["大慈寺片区"]
    assert list(subs.options) == ["春熙路 ★", "书院街 ★", "水井坊"] and subs.value == []  # labels; key ones starred
    assert {m.label: m.value for m in at.metric}["小区（个）"] == "3"  # the three compounds of 大慈寺片区
    assert at.query_params["area"] == ["大慈寺片区"] or at.query_params["area"] == "大慈寺片区"
    _no_qingyang(_text(at))


def test_screen_rotates_through_its_areas():
    at = _page("app_pages/screen.py")
    seen = []
    for _ in range(len(AREAS) + 1):
        text = _text(at)
        assert "锦江区老旧小区改造" in text and "成都市锦江区" in text and "片区 " in text
        seen.append(re.search(r'data-area="([^"]+)"', text).group(1))
        at.run()
    assert seen == ["大慈寺片区", "水井坊片区", "大慈寺片区"]
    assert "片区 1 / 2" in _text(at) or "片区 2 / 2" in _text(at)
    _no_qingyang(_text(at))


def test_import_page():
    at = _page("app_pages/data_import.py", lang="en")
    assert [t.value for t in at.title] == ["Data import"]
    assert len(at.get("download_button")) == 1  # the template (its example row: tests/geo/test_second_programme.py)
    text = _text(at)
    assert "Jinjiang Old-Compound Renovation Map" in text
    _no_qingyang(text)


def test_edit_page_offers_its_subdistricts_and_its_editor_edits_them():
    at = _login(_page("app_pages/data_edit.py"), EDITOR[0], EDITOR[1])
    chooser = at.selectbox(key=state.EDIT_SUBDISTRICT)
    assert list(chooser.options) == [s.name for s in SUBDISTRICTS] and chooser.value == "春熙路"
    assert any("可编辑街道：春熙路" in c.value for c in at.sidebar.caption)
    assert not at.info and not next(b for b in at.button if b.label == "保存").disabled
    chooser.select("书院街").run()
    assert any("只读" in i.value for i in at.info)  # not this editor's subdistrict
    _no_qingyang(_text(at))
