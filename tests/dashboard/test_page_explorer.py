"""The 筛选/Explorer page under streamlit.testing.v1.AppTest (no browser)."""
import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from geo import filters as F
from geo import links, metrics
from geo.store import open_store
from tests.page_support import run_page
from tests.store_support import scratch_sample

PAGE = "app_pages/explorer.py"
KPI_ZH = ("小区（个）", "户数（户）", "加装电梯（台）", "充电桩（个）", "累计资金（万元）")


@pytest.fixture(scope="module")
def ds():
    return open_store().load().dataset


def _run(params=None, session=None) -> AppTest:
    return run_page(PAGE, params, session)


def _kpis(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value.replace(",", "")) for m in at.metric}


def _expected(ds, flt: F.CompoundFilter) -> dict[str, int]:
    totals = F.selection_totals(F.apply_filters(ds, flt, dt.date.today()))
    return dict(zip(KPI_ZH, (round(v) for v in totals.values())))


def _multiselect(at: AppTest, name: str):
    return at.sidebar.multiselect(key=f"{state.EXPLORER_WIDGET}{name}")


def test_renders_with_totals_equal_to_metrics(ds):
    at = _run()
    assert [t.value for t in at.title] == ["筛选"]
    kpis = _kpis(at)
    assert kpis == _expected(ds, F.CompoundFilter())
    s = metrics.stats(ds, dt.date.today())
    assert kpis["小区（个）"] == s["compounds"]["surveyed"]
    assert kpis["户数（户）"] == s["households"]["surveyed"]
    assert kpis["加装电梯（台）"] == s["elevators"]["total"]
    assert kpis["充电桩（个）"] == s["ev_chargers"]


def test_filter_change_changes_counts_and_url(ds):
    at = _run()
    before = _kpis(at)
    _multiselect(at, "areas").select("清溪片区")
    at.run()
    after = _kpis(at)
    assert after != before
    s = metrics.stats(ds, dt.date.today(), area="清溪片区")
    assert after["小区（个）"] == s["compounds"]["surveyed"]
    assert after["加装电梯（台）"] == s["elevators"]["total"]
    assert at.query_params["area"] == "清溪片区"
    _multiselect(at, "statuses").select("completed")
    at.run()
    assert _kpis(at) == _expected(ds, F.CompoundFilter(areas=("清溪片区",), statuses=("completed",)))
    assert at.query_params["status"] == "completed"


def test_query_params_restore_the_filters(ds):
    params = {"area": "清溪片区,骡马市片区", "status": "completed", "hh_min": "100", "work": "elevator"}
    at = _run(params)
    assert _multiselect(at, "areas").value == ["清溪片区", "骡马市片区"]
    assert _multiselect(at, "statuses").value == ["completed"]
    assert _multiselect(at, "works").value == ["elevator"]
    assert at.sidebar.slider(key=f"{state.EXPLORER_WIDGET}households").value[0] == 100
    assert _kpis(at) == _expected(ds, F.from_query_params(params, ds.programme))
    assert {k: at.query_params[k] for k in params} == params


def test_garbage_query_params_show_everything(ds):
    at = _run({"area": "nowhere", "status": "finished,,", "hh_min": "lots", "as_of": "yesterday"})
    assert _kpis(at) == _expected(ds, F.CompoundFilter())
    assert "area" not in at.query_params and "hh_min" not in at.query_params


def test_clear_filters_button(ds):
    at = _run({"area": "清溪片区"})
    at.sidebar.button[0].click()
    at.run()
    assert _kpis(at) == _expected(ds, F.CompoundFilter()) and "area" not in at.query_params


def test_english(ds):
    at = _run({"lang": "en", "status": "planned"})
    assert [t.value for t in at.title] == ["Explorer"]
    assert [m.label for m in at.metric][:2] == ["Compounds", "Households"]
    assert _multiselect(at, "statuses").label == "Status"
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download XLSX", "Download GeoJSON"]


def test_export_buttons_present():
    at = _run()
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["下载 CSV", "下载 XLSX", "下载 GeoJSON"]
    assert not any(b.proto.disabled for b in buttons)


def test_map_click_opens_the_record(ds):
    row = ds.compounds.iloc[0]
    click = {"last_object_clicked": {"lat": row.geometry.y, "lng": row.geometry.x},
             "last_object_clicked_tooltip": f"{row['name']} {row['compound_id']} 已完工"}
    at = _run(session={state.EXPLORER_MAP: click})
    title = at.get("html")[0].proto.body  # the name is data: escaped HTML, never Markdown
    assert row["compound_id"] in title and row["name"] in title and f"截至 {dt.date.today().isoformat()}" in title
    assert at.session_state[state.EXPLORER_RECORD] == row["compound_id"]
    at.button(key="explorer_record_close").click()
    at.run()
    assert state.EXPLORER_RECORD not in at.session_state  # closed, and the same click does not reopen it


HOSTILE_NAME = "**[补贴申领](http://evil.example/phish)** ![t](http://127.0.0.1:9/pixel.png)\n| x | y |"


def test_names_in_the_record_are_text_never_markdown(ds, tmp_path, monkeypatch):
    store = scratch_sample(tmp_path)
    compounds = ds.compounds.copy()
    compounds.loc[0, ["name", "address"]] = [HOSTILE_NAME, "<img src=x onerror=alert(1)>"]
    store.commit(ds.with_layers(compounds=compounds), user="test", note="hostile name")
    monkeypatch.setenv("QY_STORE", store.url)
    row = compounds.iloc[0]
    click = {"last_object_clicked": {"lat": row.geometry.y, "lng": row.geometry.x},
             "last_object_clicked_tooltip": f"{row['compound_id']} 已完工"}
    at = _run(session={state.EXPLORER_MAP: click, state.EXPLORER_RECORD: row["compound_id"]})
    assert not any("evil.example" in m.value for m in at.markdown)
    shown = [h for h in _html(at) if "evil.example" in h]
    assert shown and all("<a " not in h and "<img" not in h and "\n| x" not in h for h in shown)
    assert any("&lt;img src=x" in h for h in _html(at))


def _html(at: AppTest) -> list[str]:
    return [e.proto.body for e in at.get("html")]


def test_drawing_selects_the_compounds_inside(ds):
    square = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
        [104.05, 30.66], [104.07, 30.66], [104.07, 30.68], [104.05, 30.68], [104.05, 30.66]]]}}
    at = _run(session={state.EXPLORER_MAP: {"all_drawings": [square]}})
    assert at.session_state[state.EXPLORER_SCOPE] == "drawn"
    inside = F.select_in(F.apply_filters(ds, F.CompoundFilter(), dt.date.today()), F.shape_from_drawing(square))
    assert _kpis(at)["小区（个）"] == len(inside) > 0


def test_what_is_in_view(ds):
    view = {"_southWest": {"lat": 30.655, "lng": 104.03}, "_northEast": {"lat": 30.675, "lng": 104.06}}
    at = _run(session={state.EXPLORER_MAP: {"bounds": view}, state.EXPLORER_SCOPE: "view"})
    inside = F.select_in(F.apply_filters(ds, F.CompoundFilter(), dt.date.today()), F.shape_from_bounds(view))
    assert _kpis(at)["小区（个）"] == len(inside) > 0
    at.segmented_control(key=state.EXPLORER_SCOPE).set_value("all")
    at.run()
    assert _kpis(at) == _expected(ds, F.CompoundFilter())


def test_no_match_says_so_and_disables_export():
    at = _run({"area": "清溪片区", "subdistrict": "康河"})
    assert _kpis(at)["小区（个）"] == 0
    assert [w.value for w in at.warning] == ["没有符合条件的小区，请放宽筛选条件"]
    assert all(b.proto.disabled for b in at.get("download_button"))


def test_link_to_this_view_is_shown():
    at = _run({"area": "清溪片区", "status": "completed"})
    links = [c.value for c in at.caption if "](" in c.value]  # in the workspace: it follows the map's moves
    assert len(links) == 1 and "area=%E6%B8%85%E6%BA%AA%E7%89%87%E5%8C%BA" in links[0] and "status=completed" in links[0]


def test_a_link_keeps_the_map_view_and_the_open_record(ds):
    at = _run({"record": "QY-0057", "view": "30.66,104.05,16", "area": "清溪片区"})
    assert at.session_state[state.EXPLORER_RECORD] == "QY-0057"
    assert "QY-0057" in at.get("html")[0].proto.body
    assert at.session_state[state.EXPLORER_VIEW_ASK].view == links.MapView(30.66, 104.05, 16.0)  # the map is sent there
    assert at.query_params["record"] == "QY-0057" and at.query_params["view"] == "30.66000,104.05000,16"
    link = next(c.value for c in at.caption if "](" in c.value)
    assert "record=QY-0057" in link and "view=30.66000%2C104.05000%2C16" in link
    assert not at.text  # nothing was ignored
    # the map reports where the user moved it: the link follows
    at.session_state[state.EXPLORER_MAP] = {"center": {"lat": 30.67, "lng": 104.06}, "zoom": 15}
    at.run()
    assert at.query_params["view"] == "30.67000,104.06000,15"
    at.button(key="explorer_record_close").click()
    at.run()
    assert "record" not in at.query_params


def test_bad_link_values_are_named_not_dropped_silently():
    at = _run({"area": "nowhere", "hh_min": "lots", "view": "somewhere", "record": "QY-9999", "status": "completed",
               "as_of": "yesterday"})
    (notice,) = [t.value for t in at.text]
    assert notice.startswith("链接中以下参数无法识别，已忽略：")
    for item in ("as_of=yesterday", "area=nowhere", "hh_min=lots", "view=somewhere", "record=QY-9999"):
        assert item in notice
    assert state.EXPLORER_RECORD not in at.session_state and at.query_params["status"] == "completed"
    at.button[0].click()  # 知道了
    at.run()
    assert not at.text


def test_search_opens_the_record_and_centres_the_map(ds):
    at = _run()
    box = at.selectbox(key=state.EXPLORER_SEARCH)
    assert box.label == "查找小区" and len(box.options) == len(ds.compounds)
    row = ds.compounds.set_index("compound_id").loc["QY-0057"]
    assert f"{row['name']} · {row['address']} · QY-0057" in box.options
    box.set_value("QY-0057")
    at.run()
    assert at.session_state[state.EXPLORER_RECORD] == "QY-0057" and at.query_params["record"] == "QY-0057"
    ask = at.session_state[state.EXPLORER_VIEW_ASK]
    assert (ask.view.lat, ask.view.lng, ask.view.zoom) == (row.geometry.y, row.geometry.x, 17.0)
    assert at.selectbox(key=state.EXPLORER_SEARCH).value is None  # emptied for the next search


def test_table_shows_no_blank_and_says_its_date():
    at = _run({"as_of": "2022-12-09"})
    table = at.dataframe[0].value
    assert {"片区", "改造批次", "累计资金（万元）", "建筑面积（m²）"} <= set(table.columns)
    assert not (table[["片区", "改造批次"]].astype(str).isin(["", "None", "nan"])).any().any()
    assert {"片区以外", "非改造对象"} <= set(table["片区"]) | set(table["改造批次"])
    captions = [c.value for c in at.caption]
    assert any("截至 2022-12-09" in c for c in captions if "表中" in c) and any("导出截至 2022-12-09" in c for c in captions)
