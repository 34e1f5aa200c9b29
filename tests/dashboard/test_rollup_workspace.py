"""The explorer at scale (dashboard/rollup_workspace.py) under AppTest, on a synthetic national store.

``QY_ROLLUP_FROM=1`` makes a 2,000-compound store (5 provinces) take the roll-up; the store follows
the run's backend (``QY_TEST_BACKEND``). The page must never load the data set (``cached.load``
would fail here), and every figure must equal the in-memory reference on the same data.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cached, state
from geo import asof, metrics
from geo.maps import rollup_map
from geo.store import open_store
from geo.synthetic import build_synthetic
from tests.apptest_support import html_blocks
from tests.page_support import run_page
from tests.store_support import scratch_store_url

PAGE = "app_pages/explorer.py"
DAY = "2024-06-30"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """(store URL, the data set it holds) of a small national programme."""
    ds = build_synthetic(2_000, provinces=5, seed=11)
    store = open_store(scratch_store_url(tmp_path_factory.mktemp("rollup-explorer")))
    store.initialize(ds)
    return store.url, store.load().dataset


@pytest.fixture(autouse=True)
def _rollup_env(synthetic, monkeypatch):
    monkeypatch.setenv("QY_STORE", synthetic[0])
    monkeypatch.setenv("QY_ROLLUP_FROM", "1")

    def no_load(*args, **kwargs):
        raise AssertionError("the roll-up explorer loaded the whole data set")

    monkeypatch.setattr(cached, "_loaded", no_load)


def _run(params=None, session=None, at: AppTest | None = None) -> AppTest:
    return run_page(PAGE, {"as_of": DAY, **(params or {})}, session, at)


def _kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _map_args(at: AppTest) -> dict:
    return json.loads(at.get("component_instance")[0].proto.json_args)


def _drawn(at: AppTest) -> tuple[list[str], list[str]]:
    """(codes of the unit circles, ids of the compound dots) the map's feature group carries."""
    script = _map_args(at)["feature_group"]
    return re.findall(r'"code": "([^"]+)"', script), re.findall(r'"id": "([^"]+)"', script)


def _page_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith(("第 ", "Page ")))


def test_the_nation_by_province_with_its_figures_never_loading_every_compound(synthetic):
    _, ds = synthetic
    at = _run()
    s = metrics.stats(ds, DAY)
    kpis = _kpis(at)
    assert kpis["小区（个）"] == f"{s['compounds']['surveyed']:,}"
    assert kpis["“十四五”已完工（个）"] == f"{s['fyp14']['completed']:,}"
    assert kpis["加装电梯（台）"] == f"{s['elevators']['total']:,}"
    codes, ids = _drawn(at)
    assert codes == [p.code for p in ds.programme.at_level("province")] and ids == []  # totals, no compound
    assert "全国" in " ".join(html_blocks(at))
    assert _page_caption(at) == "第 1/20 页 · 共 2,000 个小区 · 每页 100 个"
    table = at.dataframe[0].value
    assert len(table) == 100 and list(table["小区编号"]) == list(ds.compounds["compound_id"][:100])


def test_a_place_in_the_url_its_path_and_the_way_back_up(synthetic):
    _, ds = synthetic
    p = ds.programme
    city = p.at_level("city")[0]
    province = p.get_place(city.parent)
    at = _run({"place": city.code})
    s = metrics.stats(ds, DAY, place=city.code)
    assert _kpis(at)["小区（个）"] == f"{s['compounds']['surveyed']:,}"
    crumbs = next(h for h in html_blocks(at) if "qy-breadcrumb" in h)
    assert crumbs.index("全国") < crumbs.index(province.name) < crumbs.index(city.name)
    codes, _ = _drawn(at)
    assert set(codes) == {x.code for x in p.at_level("district") if x.parent == city.code}
    under = ds.compounds["subdistrict"].isin(p.subdistricts_under(city.code))
    assert f"共 {int(under.sum()):,} 个小区" in _page_caption(at)
    next(b for b in at.button if b.label == "返回省").click()
    at = _run(at=at)
    assert at.query_params["place"] == province.code
    assert _kpis(at)["小区（个）"] == f"{metrics.stats(ds, DAY, place=province.code)['compounds']['surveyed']:,}"
    next(b for b in at.button if b.label == "返回国家").click()
    at = _run(at=at)
    assert "place" not in at.query_params and _kpis(at)["小区（个）"] == f"{len(ds.compounds):,}"


def test_going_down_a_level_and_a_place_the_url_cannot_use(synthetic):
    _, ds = synthetic
    p = ds.programme
    at = _run({"place": "no-such-place"})
    assert any("place=no-such-place" in x.value for x in at.text)
    province = p.at_level("province")[1]
    at.selectbox(key=state.EXPLORER_PLACE_DOWN).select(province.code)
    at = _run(at=at)
    assert at.query_params["place"] == province.code
    assert [b.label for b in at.button if b.label.startswith("返回")] == ["返回国家"]
    assert at.selectbox(key=state.EXPLORER_PLACE_DOWN).label == "下一级（市）"


def test_a_click_on_a_places_circle_goes_down_to_that_place(synthetic):
    _, ds = synthetic
    p = ds.programme
    province = p.at_level("province")[2]
    view = {"bounds": {"_southWest": {"lat": 15.0, "lng": 95.0}, "_northEast": {"lat": 45.0, "lng": 125.0}}, "zoom": 4,
            "last_object_clicked": {"lat": province.lat + 0.05, "lng": province.lon + 0.05}}
    at = _run(session={state.EXPLORER_ROLLUP_MAP: view})
    assert at.query_params["place"] == province.code
    s = metrics.stats(ds, DAY, place=province.code)
    assert _kpis(at)["小区（个）"] == f"{s['compounds']['surveyed']:,}"
    assert province.name in next(h for h in html_blocks(at) if "qy-breadcrumb" in h)


def test_table_pages_and_the_status_filter_are_read_as_of_the_date(synthetic):
    _, ds = synthetic
    at = _run()
    next(b for b in at.button if b.label == "下一页").click()
    at = _run(at=at)
    assert _page_caption(at).startswith("第 2/20 页")
    assert list(at.dataframe[0].value["小区编号"]) == list(ds.compounds["compound_id"][100:200])
    at.multiselect(key=state.EXPLORER_ROLLUP_STATUS).select("under_construction")
    at = _run(at=at)
    building = ds.compounds[asof.derive_status(ds.compounds, DAY) == "under_construction"]
    pages = -(-len(building) // 100)
    assert pages > 1 and _page_caption(at) == f"第 1/{pages} 页 · 共 {len(building):,} 个小区 · 每页 100 个"
    table = at.dataframe[0].value
    assert list(table["小区编号"]) == list(building["compound_id"][:100]) and set(table["状态"]) == {"在建"}
    assert set(table["实际竣工"]) == {"—"}  # finished later than the date: not known on it


def test_zoomed_in_the_map_draws_only_the_viewports_compounds_and_a_click_opens_the_record(synthetic):
    _, ds = synthetic
    c = ds.compounds
    target = c.iloc[7]
    x, y = target.geometry.x, target.geometry.y
    bounds = {"_southWest": {"lat": y - 0.02, "lng": x - 0.02}, "_northEast": {"lat": y + 0.02, "lng": x + 0.02}}
    view = {"bounds": bounds, "zoom": rollup_map.DOTS_ZOOM + 2,
            "last_object_clicked": {"lat": y, "lng": x}}
    at = _run(session={state.EXPLORER_ROLLUP_MAP: view})
    inside = c[(c.geometry.x.between(x - 0.021, x + 0.021)) & (c.geometry.y.between(y - 0.021, y + 0.021))]
    codes, ids = _drawn(at)
    assert codes == [] and target["compound_id"] in ids and set(ids) <= set(inside["compound_id"])
    assert len(ids) < len(c)
    assert any(f"{target['name']}（{target['compound_id']}）" in h for h in html_blocks(at))  # its record
    assert any(x.value.startswith("数据量大时档案不含施工时序图") for x in at.caption)


def test_a_view_denser_than_max_dots_shows_the_subdistricts_totals(synthetic, monkeypatch):
    _, ds = synthetic
    monkeypatch.setattr(rollup_map, "MAX_DOTS", 3)
    c = ds.compounds
    bounds = {"_southWest": {"lat": float(c.geometry.y.min()) - 0.5, "lng": float(c.geometry.x.min()) - 0.5},
              "_northEast": {"lat": float(c.geometry.y.max()) + 0.5, "lng": float(c.geometry.x.max()) + 0.5}}
    at = _run(session={state.EXPLORER_ROLLUP_MAP: {"bounds": bounds, "zoom": rollup_map.DOTS_ZOOM}})
    codes, ids = _drawn(at)
    assert ids == [] and set(codes) == {x.code for x in ds.programme.subdistricts}
    assert any(x.value.startswith("视野内小区超过 3 个，按街道（镇）汇总显示") for x in at.caption)


def test_a_record_chosen_from_a_row_shows_what_was_known_on_the_date(synthetic):
    _, ds = synthetic
    done = ds.compounds[asof.derive_status(ds.compounds, "2030-01-01") == "completed"]
    row = done[done["actual_finish"] > pd.Timestamp(DAY)].iloc[0]
    at = _run(session={state.EXPLORER_ROLLUP_RECORD: (row["compound_id"], row.geometry.x, row.geometry.y)})
    facts = next(h for h in html_blocks(at) if "qy-facts" in h)
    assert row["name"] in facts and row["actual_finish"].date().isoformat() not in facts
    at.button(key="explorer_record_close").click()
    at = _run(at=at)
    assert not any("qy-facts" in h for h in html_blocks(at))


def test_in_english(synthetic):
    at = _run({"lang": "en"})
    assert "Compounds" in _kpis(at) and _page_caption(at) == "Page 1 of 20 · 2,000 compounds · 100 a page"
    assert at.selectbox(key=state.EXPLORER_PLACE_DOWN).label == "Go down (Province)"
    assert any(c.value.startswith("The map shows totals per Province") for c in at.caption)


def _unit_counts(at: AppTest) -> dict[str, int]:
    """{unit code: compounds its circle counts} on the map."""
    script = _map_args(at)["feature_group"]
    return {code: int(n) for code, n in re.findall(r'"code": "([^"]+)", "n": (\d+)', script)}


def test_the_status_filter_filters_the_maps_dots_and_the_units_counts_as_of_the_date(synthetic):
    _, ds = synthetic
    c = ds.compounds
    status = asof.derive_status(c, DAY)
    at = _run()
    provinces = [p.code for p in ds.programme.at_level("province")]
    everything = _unit_counts(at)
    assert set(everything) == set(provinces) and sum(everything.values()) == len(c)
    at.multiselect(key=state.EXPLORER_ROLLUP_STATUS).select("completed")
    at = _run(at=at)
    done = _unit_counts(at)
    assert sum(done.values()) == int((status == "completed").sum()) < len(c)
    for code in provinces:
        names = ds.programme.subdistricts_under(code)
        assert done[code] == int(((status == "completed") & c["subdistrict"].isin(names)).sum()), code
    # zoomed in: only the dots of the chosen status, as of the date
    target = c[(status == "completed").to_numpy()].iloc[3]
    x, y = target.geometry.x, target.geometry.y
    bounds = {"_southWest": {"lat": y - 0.03, "lng": x - 0.03}, "_northEast": {"lat": y + 0.03, "lng": x + 0.03}}
    at.session_state[state.EXPLORER_ROLLUP_MAP] = {"bounds": bounds, "zoom": rollup_map.DOTS_ZOOM + 2}
    at = _run(at=at)
    box = rollup_map.box_from_bounds(bounds)
    assert box is not None
    inside = ((c.geometry.x >= box[0]) & (c.geometry.x <= box[2]) & (c.geometry.y >= box[1])
              & (c.geometry.y <= box[3])).to_numpy()
    _, ids = _drawn(at)
    assert ids == list(c.loc[inside & (status == "completed").to_numpy(), "compound_id"])
    assert len(ids) < int(inside.sum())  # other statuses in view are left out
    at.multiselect(key=state.EXPLORER_ROLLUP_STATUS).unselect("completed").select("planned")
    at = _run(at=at)
    _, ids = _drawn(at)
    assert ids == list(c.loc[inside & (status == "planned").to_numpy(), "compound_id"])


def test_a_search_within_the_place_opens_the_record_and_centres_the_map_on_it(synthetic):
    _, ds = synthetic
    c = ds.compounds
    province = ds.programme.at_level("province")[1].code
    here = c[c["subdistrict"].isin(ds.programme.subdistricts_under(province)).to_numpy()]
    at = _run({"place": province})
    at.text_input(key=state.EXPLORER_ROLLUP_SEARCH).input("号院")
    at = _run(at=at)
    found = at.selectbox(key=state.EXPLORER_ROLLUP_FOUND)
    want = here[here["name"].str.contains("号院", regex=False).to_numpy()]
    assert len(want) > 20 and found.options == [f"{r.name}（{r.compound_id}）· {r.subdistrict}"
                                                for r in want.iloc[:20].itertuples()]
    target = want.iloc[4]
    found.select(target["compound_id"])
    at = _run(at=at)
    assert any(f"{target['name']}（{target['compound_id']}）" in h for h in html_blocks(at))  # its record
    args = _map_args(at)
    assert args["center"] == [target.geometry.y, target.geometry.x] and args["zoom"] >= rollup_map.DOTS_ZOOM
    assert at.selectbox(key=state.EXPLORER_ROLLUP_FOUND).value is None
    # an id prefix; a compound of another place is not found here; the text typed is shown as text
    other = c[~c["compound_id"].isin(here["compound_id"]).to_numpy()].iloc[0]
    at.text_input(key=state.EXPLORER_ROLLUP_SEARCH).input(str(here["compound_id"].iloc[0]).lower())
    at = _run(at=at)
    assert at.selectbox(key=state.EXPLORER_ROLLUP_FOUND).options[0].endswith(
        f"（{here['compound_id'].iloc[0]}）· {here['subdistrict'].iloc[0]}")
    at.text_input(key=state.EXPLORER_ROLLUP_SEARCH).input(other["compound_id"])
    at = _run(at=at)
    assert all(s.key != state.EXPLORER_ROLLUP_FOUND for s in at.selectbox)
    assert any(f"没有编号或名称匹配“{other['compound_id']}”" in h for h in html_blocks(at))
    at.text_input(key=state.EXPLORER_ROLLUP_SEARCH).input("<b>**x**</b>")
    at = _run(at=at)
    assert any("&lt;b&gt;**x**&lt;/b&gt;" in h for h in html_blocks(at))


def test_a_page_turn_fetches_rows_only_the_count_is_made_once_per_place_statuses_and_date(synthetic, monkeypatch):
    kind = type(open_store(synthetic[0]))
    counts: list[tuple] = []
    real = kind.count_compounds

    def counting(self, *args, **kwargs):
        counts.append((args, tuple(sorted(kwargs))))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(kind, "count_compounds", counting)
    cached.compounds_count.clear()
    cached.compounds_page.clear()
    at = _run()
    for _ in range(2):
        next(b for b in at.button if b.label == "下一页").click()
        at = _run(at=at)
    assert _page_caption(at).startswith("第 3/20 页 · 共 2,000 个小区") and len(counts) == 1
    at.multiselect(key=state.EXPLORER_ROLLUP_STATUS).select("planned")
    at = _run(at=at)
    assert len(counts) == 2  # another scope: counted again


def test_the_export_holds_the_places_compounds_of_the_statuses_as_of_the_date_capped_at_the_limit(synthetic,
                                                                                                    monkeypatch):
    import io

    import openpyxl

    from dashboard import rollup_workspace

    url, ds = synthetic
    c = ds.compounds
    province = ds.programme.at_level("province")[2].code
    names = ds.programme.subdistricts_under(province)
    status = asof.derive_status(c, DAY)
    want = c[(c["subdistrict"].isin(names) & status.isin(["completed", "planned"])).to_numpy()]
    at = _run({"place": province}, session={state.EXPLORER_ROLLUP_STATUS: ["completed", "planned"]})
    assert len(at.get("download_button")) == 2
    assert any(x.value.startswith(f"导出本地区所选状态的 {len(want):,} 个小区") for x in at.caption)
    store = open_store(url)
    scale = cached.Scale(url, store.fingerprint(), len(c), *store.load_programme(), True)
    day = pd.Timestamp(DAY).date()
    csv = cached.rollup_export(scale, day, province, ("completed", "planned"), "csv", "zh", 50_000).decode("utf-8-sig")
    table = pd.read_csv(io.StringIO(csv), dtype=str)
    assert list(table["小区编号"]) == list(want["compound_id"]) and set(table["状态"]) == {"已完工", "计划"}
    book = openpyxl.load_workbook(io.BytesIO(cached.rollup_export(scale, day, province, ("completed", "planned"),
                                                                  "xlsx", "zh", 7)))
    rows = list(book.active.iter_rows(values_only=True))
    ids = [r[rows[0].index("小区编号")] for r in rows[1:]]
    assert ids == list(want["compound_id"][:7])
    monkeypatch.setattr(rollup_workspace, "EXPORT_MAX_ROWS", 7)
    at = _run({"place": province}, session={state.EXPLORER_ROLLUP_STATUS: ["completed", "planned"]})
    assert any(x.value.startswith(f"本地区所选状态的小区有 {len(want):,} 个，超过导出上限 7 个：只导出前 7 个")
               for x in at.caption)


def test_the_export_never_writes_a_formula(synthetic, tmp_path):
    import io

    import openpyxl

    _, ds = synthetic
    c = ds.compounds.iloc[:3].copy()
    c["name"] = ["=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)"]
    store = open_store(scratch_store_url(tmp_path))
    store.initialize(ds.with_layers(compounds=c, **{n: getattr(ds, n).iloc[:0] for n in ("works", "elevators",
                                                                                          "funding")}))
    scale = cached.Scale(store.url, store.fingerprint(), 3, *store.load_programme(), True)
    day = pd.Timestamp(DAY).date()
    book = openpyxl.load_workbook(io.BytesIO(cached.rollup_export(scale, day, ds.programme.place, None, "xlsx", "zh", 10)))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    csv = cached.rollup_export(scale, day, ds.programme.place, None, "csv", "zh", 10).decode("utf-8-sig")
    assert "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv and ",+1+1" not in csv
