"""The 筛选/Explorer page in headless chromium against ``streamlit run`` (offline).

A websocket listener decodes Streamlit's ForwardMsg frames to tell a fragment rerun
(FINISHED_FRAGMENT_RUN_SUCCESSFULLY) from a whole-page rerun (FINISHED_SUCCESSFULLY).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from geo import filters as F
from geo.store import open_store
from tests.browser_support import FOLIUM_IFRAME, offline_page, save_screenshot, script_finished_kind, wait_for_map

pytestmark = pytest.mark.browser

AREA, STATUS = "骡马市片区", "completed"
#: Screen positions (inside the map iframe) of the compound dots currently in view.
_DOTS = """() => { const m = window.map_div, s = m.getSize(), out = [];
  m.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.id && l.getLatLng) { const c = m.latLngToContainerPoint(l.getLatLng());
      if (c.x > 30 && c.y > 30 && c.x < s.x - 30 && c.y < s.y - 30) out.push({id: p.id, x: c.x, y: c.y}); } });
  return out; }"""
#: The explorer's compound table (its key starts with ``state.EXPLORER_TABLE``), not a record panel's table.
_TABLE = '[class*="st-key-explorer_table"] [data-testid="stDataFrame"]'
_DRAWN_BOUNDS = """() => { let b = null; window.map_div.eachLayer(l => {
  if (l instanceof L.Rectangle && l.editing) { const g = l.getBounds(); b = [g.getWest(), g.getSouth(), g.getEast(), g.getNorth()]; } });
  return b; }"""


@pytest.fixture(scope="module")
def ds():
    return open_store().load().dataset


class _Runs:
    """Script runs seen on the page's websocket: 'full' or 'fragment', in order."""

    def __init__(self, page) -> None:
        self.kinds: list[str] = []

        def frame(payload) -> None:
            kind = script_finished_kind(payload)
            if kind:
                self.kinds.append(kind)

        page.on("websocket", lambda ws: ws.on("framereceived", frame))

    def wait_for(self, page, count: int, timeout_ms: int = 30_000) -> list[str]:
        waited = 0
        while len(self.kinds) < count and waited < timeout_ms:
            page.wait_for_timeout(100)
            waited += 100
        return self.kinds


@contextmanager
def _explorer(browser, app_url: str, query: str, **size):
    """The explorer at ``?query`` offline, with a run listener attached before its socket opens."""
    with offline_page(browser, f"{app_url}/_stcore/health", **size) as visit:
        runs = _Runs(visit.page)
        visit.page.goto(f"{app_url}/explorer?{query}", wait_until="domcontentloaded")
        yield visit, runs


def _only_fragments(kinds: list[str]) -> bool:
    """Only fragment runs (some cut short by the next one: the map reports each move of its view)."""
    return "fragment" in kinds and set(kinds) <= {"fragment", "FINISHED_EARLY_FOR_RERUN"}


def _metric_values(page) -> list[int]:
    return [int(v.replace(",", "")) for v in page.locator('[data-testid="stMetricValue"]').all_inner_texts()]


def _assert_clean(visit) -> None:
    assert visit.errors == [], visit.errors
    assert visit.blocked == [], visit.blocked


def test_deep_link_map_and_record(browser, app_url, ds):
    expected = F.apply_filters(ds, F.CompoundFilter(areas=(AREA,), statuses=(STATUS,)), dt.date.today())
    with _explorer(browser, app_url, f"area={quote(AREA)}&status={STATUS}&lang=zh", width=1600, height=1800) as (visit, runs):
        page = visit.page
        frame = wait_for_map(page, min_features=3, timeout_ms=60_000)
        container = frame.locator(f"[data-qy-shown='{len(expected)}']")
        container.wait_for(state="attached", timeout=30_000)  # exactly the filtered compounds drawn
        assert "筛选" in page.title()
        assert page.locator("h1").first.inner_text().strip() == "筛选"
        # filter restored from URL (the sidebar is drawn after the map, which goes out first)
        page.locator('[data-testid="stSidebar"]').get_by_text(AREA).first.wait_for(timeout=10_000)
        page.get_by_text(f"筛选结果 {len(expected)} 个小区").wait_for(timeout=10_000)
        assert _metric_values(page)[0] == len(expected)

        before = len(runs.wait_for(page, 1))
        page.wait_for_timeout(600)  # let the map's zoom-to-filter animation finish before reading pixels
        for attempt in range(3):  # a dot can move under the pointer while the map settles: read again, click again
            dots = page.frame(url=lambda u: "streamlit_folium" in u).evaluate(_DOTS)
            assert dots, "no compound dot in view"
            target = dots[len(dots) // 2]
            box = page.locator(FOLIUM_IFRAME).bounding_box()
            page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
            name = ds.compounds.set_index("compound_id").loc[target["id"], "name"]
            try:
                page.get_by_text(f"{name}（{target['id']}）").wait_for(timeout=8_000)
                break
            except Exception:
                if attempt == 2:
                    raise
        kinds = runs.wait_for(page, before + 1)
        assert _only_fragments(kinds[before:]), kinds  # clicks reran the fragment only, never the page
        page.wait_for_timeout(500)
        save_screenshot(page, "explorer")
        _assert_clean(visit)


def test_draw_rectangle_then_select_a_row(browser, app_url, ds):
    with _explorer(browser, app_url, f"area={quote(AREA)}", width=1600, height=1400) as (visit, runs):
        page = visit.page
        frame = wait_for_map(page, min_features=3, timeout_ms=60_000)
        runs.wait_for(page, 1)
        frame.locator(".leaflet-draw-draw-rectangle").click()
        box = frame.locator("#map_div").bounding_box()
        x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + box["width"] * 0.4, y0 + box["height"] * 0.4, steps=8)
        page.mouse.up()
        west, south, east, north = page.frame(url=lambda u: "streamlit_folium" in u).evaluate(_DRAWN_BOUNDS)
        filtered = F.apply_filters(ds, F.CompoundFilter(areas=(AREA,)), dt.date.today())
        inside = F.select_in(filtered, F.shape_from_bounds(
            {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}))
        assert 0 < len(inside) < len(filtered)
        page.get_by_text(f"当前选择 {len(inside)} 个").wait_for(timeout=20_000)
        assert _metric_values(page)[0] == len(inside)

        gbox = _settled_box(page, _TABLE)  # the record panel (open if the drag began on a dot) has tables too
        page.mouse.click(gbox["x"] + 18, gbox["y"] + 35 + 17)  # first row's selection checkbox
        page.get_by_text("当前选择 1 个").wait_for(timeout=20_000)
        frame.locator("[data-qy-selected='1']").wait_for(state="attached", timeout=60_000)  # highlighted on the map (slow under a loaded CI)
        assert _only_fragments(runs.kinds[1:]), runs.kinds

        with page.expect_download(timeout=30_000) as download:  # the selection, as Excel-ready CSV
            page.get_by_role("button", name="下载 CSV").click()
        rows = Path(download.value.path()).read_bytes()
        assert rows.startswith(b"\xef\xbb\xbf") and download.value.suggested_filename.endswith(".csv")
        header, *lines = rows.decode("utf-8-sig").strip().splitlines()
        assert header.startswith("小区编号,小区名称") and len(lines) == 1
        assert lines[0].split(",")[0] in set(inside["compound_id"])
        _assert_clean(visit)


def _settled_box(page, selector: str, tries: int = 10) -> dict:
    """Bounding box of an element that a finishing rerun may still replace (retry while detached)."""
    from playwright.sync_api import Error as PlaywrightError
    for _ in range(tries):
        try:
            grid = page.locator(selector).first
            grid.scroll_into_view_if_needed(timeout=3_000)
            page.wait_for_timeout(200)
            box = grid.bounding_box(timeout=3_000)
            if box:
                return box
        except PlaywrightError:
            page.wait_for_timeout(300)
    raise AssertionError(f"{selector} never settled")


def test_export_as_of_a_past_date_shows_the_world_then(browser, app_url):
    """The CSV a planner downloads for 2022-12-09 has that day's status and no later date."""
    query = f"as_of=2022-12-09&subdistrict={quote('草堂')}&status=under_construction&lang=zh"
    with _explorer(browser, app_url, query) as (visit, runs):
        page = visit.page
        wait_for_map(page, min_features=3, timeout_ms=60_000)
        runs.wait_for(page, 2, timeout_ms=10_000)  # the map's first report of its view reruns the workspace
        button = page.get_by_role("button", name="下载 CSV")
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=30_000) as download:
            button.click()
        assert download.value.suggested_filename == "compounds_2022-12-09.csv"
        text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
        rows = {r["小区编号"]: r for r in csv.DictReader(io.StringIO(text))}
        assert rows["QY-0077"]["状态"] == "在建" and rows["QY-0077"]["实际竣工"] == ""  # finished 2023-02-17
        assert all(r["实际竣工"] == "" and r["实际开工"] <= "2022-12-09" for r in rows.values())
        _assert_clean(visit)


def test_english_link(browser, app_url):
    with _explorer(browser, app_url, "lang=en&work=elevator") as (visit, _):
        page = visit.page
        wait_for_map(page, min_features=3, timeout_ms=60_000)
        assert "Explorer" in page.title()
        assert page.locator("h1").first.inner_text().strip() == "Explorer"
        labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
        assert labels[0].strip() == "Compounds"
        _assert_clean(visit)


#: Where the dot of compound ``cid`` is inside the map iframe (null while the map is moving).
_DOT_OF = """(cid) => { const m = window.map_div; let out = null;
  if (m._animatingZoom || (m._panAnim && m._panAnim._inProgress)) { return null; }
  m.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.id === cid && l.getLatLng) { const c = m.latLngToContainerPoint(l.getLatLng()); out = {x: c.x, y: c.y}; } });
  return out; }"""
#: Streamlit's main column, the element that scrolls.
_MAIN = '[data-testid="stMain"]'


def _settled_dot(page, cid: str) -> dict:
    """The dot's position in the iframe once two reads 300 ms apart agree (the map has stopped)."""
    frame = page.frame(url=lambda u: "streamlit_folium" in u)
    last = None
    for _ in range(50):
        dot = frame.evaluate(_DOT_OF, cid)
        if dot and dot == last:
            return dot
        last = dot
        page.wait_for_timeout(300)
    raise AssertionError(f"the dot of {cid} never settled (last {last})")


@pytest.mark.parametrize("size", [(1366, 768), (1600, 1000)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_click_on_a_dot_opens_that_compound(browser, app_url, ds, size):
    """The map's bottom edge below the window: the first press must not scroll the page.

    Leaflet focuses the map on mousedown; in an iframe that scrolled Streamlit's main column
    ~28 px before mouseup, so the click landed on a neighbour (QY-0478 here) or on nothing."""
    cid, width, height = "QY-0057", *size
    query = f"lang=zh&as_of=2022-12-09&area={quote('清溪片区')}&status=under_construction,planned"
    with _explorer(browser, app_url, query, width=width, height=height) as (visit, runs):
        page = visit.page
        wait_for_map(page, min_features=3, timeout_ms=60_000)
        runs.wait_for(page, 1)
        page.get_by_text("筛选结果").first.wait_for(timeout=30_000)
        dot = _settled_dot(page, cid)
        box = page.locator(FOLIUM_IFRAME).bounding_box()
        below = box["y"] + dot["y"] - (height - 80)  # bring the dot into the window, not the whole map
        if below > 0:
            page.locator(_MAIN).evaluate(f"(el) => {{ el.scrollTop += {below}; }}")
            page.wait_for_timeout(300)
            box = page.locator(FOLIUM_IFRAME).bounding_box()
        assert box["y"] + box["height"] > height, "the map must reach below the window for this test"
        scrolled = page.locator(_MAIN).evaluate("(el) => el.scrollTop")
        x, y = box["x"] + dot["x"], box["y"] + dot["y"]
        page.mouse.move(x, y)
        page.mouse.down()
        page.wait_for_timeout(150)  # the scroll happened here, before the button was released
        assert page.locator(_MAIN).evaluate("(el) => el.scrollTop") == scrolled, "pressing the map scrolled the page"
        page.mouse.up()
        name = ds.compounds.set_index("compound_id").loc[cid, "name"]
        page.get_by_text(f"{name}（{cid}）").wait_for(timeout=15_000)
        save_screenshot(page, f"explorer_click_{width}x{height}")
        _assert_clean(visit)


_VIEW_BOUNDS = """() => { const m = window.map_div;
  if (m._animatingZoom || (m._panAnim && m._panAnim._inProgress)) { return null; }
  const b = m.getBounds(); return {zoom: m.getZoom(),
    bounds: {_southWest: {lat: b.getSouth(), lng: b.getWest()}, _northEast: {lat: b.getNorth(), lng: b.getEast()}}}; }"""


def _in_view(page, frame_compounds) -> tuple[int, float]:
    """(compounds inside the map's view once it has stopped moving, zoom)."""
    frame = page.frame(url=lambda u: "streamlit_folium" in u)
    last = None
    for _ in range(50):
        view = frame.evaluate(_VIEW_BOUNDS)
        if view and view == last:
            return len(F.select_in(frame_compounds, F.shape_from_bounds(view["bounds"]))), view["zoom"]
        last = view
        page.wait_for_timeout(300)
    raise AssertionError(f"the map never stopped moving (last {last})")


def _scope_button(page, name: str):
    return page.get_by_role("radiogroup", name="选择范围").get_by_role("radio", name=name)


def _click_chosen_scope(page, name: str, count: int) -> None:
    """Click the scope already chosen: it stays chosen and the selection stays as it was."""
    button = _scope_button(page, name)
    assert button.get_attribute("aria-checked") == "true"
    button.click()
    page.wait_for_timeout(1500)  # a rerun, if the click caused one, has finished
    assert button.get_attribute("aria-checked") == "true", f"clicking {name} again turned it off"
    page.get_by_text(f"当前选择 {count:,} 个").wait_for(timeout=5_000)


def test_scope_view_lists_what_is_in_view(browser, app_url, ds):
    everything = F.apply_filters(ds, F.CompoundFilter(), dt.date.today())
    with _explorer(browser, app_url, "lang=zh", width=1600, height=1000) as (visit, runs):
        page = visit.page
        frame = wait_for_map(page, min_features=3, timeout_ms=60_000)
        page.get_by_text(f"当前选择 {len(everything):,} 个").wait_for(timeout=30_000)
        _click_chosen_scope(page, "全部筛选结果", len(everything))
        _scope_button(page, "当前地图视野").click()
        n, _ = _in_view(page, everything)
        page.get_by_text(f"当前选择 {n:,} 个").wait_for(timeout=20_000)  # the district view: every compound
        for _ in range(3):  # zoom in with the map's + button
            frame.locator(".leaflet-control-zoom-in").click()
            page.wait_for_timeout(400)
        n, zoom = _in_view(page, everything)
        assert zoom >= 14 and 0 < n < len(everything), (zoom, n)
        page.get_by_text(f"当前选择 {n:,} 个").wait_for(timeout=20_000)
        assert _metric_values(page)[0] == n
        _click_chosen_scope(page, "当前地图视野", n)
        box = page.locator(FOLIUM_IFRAME).bounding_box()  # drag the map a third of its width to the left
        x, y = box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.5
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - box["width"] / 3, y, steps=10)
        page.mouse.up()
        dragged, _ = _in_view(page, everything)
        assert dragged != n, "the drag should bring other compounds into view"
        page.get_by_text(f"当前选择 {dragged:,} 个").wait_for(timeout=20_000)
        assert _only_fragments(runs.kinds[1:]), runs.kinds  # the map's moves reran only the fragment
        save_screenshot(page, "explorer_scope_view")
        _assert_clean(visit)


#: The visible (non-label) tooltips in the map iframe.
_TIPS = """() => Array.from(document.querySelectorAll('.leaflet-tooltip'))
  .filter(e => !e.classList.contains('qy-area-label')).map(e => e.innerText)"""
_VIEW = "() => { const m = window.map_div, c = m.getCenter(); return {lat: c.lat, lng: c.lng, zoom: m.getZoom()}; }"
_SIZES = [(1366, 768), (1600, 1000)]


def _ids(size) -> str:
    return f"{size[0]}x{size[1]}"


def _bring_into_window(page, box: dict, dot: dict, height: int) -> dict:
    """Scroll the main column until the dot is inside the window; the iframe's new box."""
    below = box["y"] + dot["y"] - (height - 80)
    if below > 0:
        page.locator(_MAIN).evaluate(f"(el) => {{ el.scrollTop += {below}; }}")
        page.wait_for_timeout(300)
        box = page.locator(FOLIUM_IFRAME).bounding_box()
    return box


@pytest.mark.parametrize("size", _SIZES, ids=_ids)
def test_hovering_a_dot_in_an_area_shows_the_compound(browser, app_url, ds, size):
    """The area's tooltip used to win: Leaflet draws every SVG (the areas) above every canvas (the dots)."""
    cid, (width, height) = "QY-0057", size
    with _explorer(browser, app_url, f"lang=zh&area={quote('清溪片区')}", width=width, height=height) as (visit, runs):
        page = visit.page
        wait_for_map(page, timeout_ms=60_000)
        runs.wait_for(page, 1)
        frame = page.frame(url=lambda u: "streamlit_folium" in u)
        dot = _settled_dot(page, cid)
        box = _bring_into_window(page, page.locator(FOLIUM_IFRAME).bounding_box(), dot, height)
        page.mouse.move(box["x"] + dot["x"] - 40, box["y"] + dot["y"] - 40)
        page.mouse.move(box["x"] + dot["x"], box["y"] + dot["y"], steps=5)
        page.wait_for_timeout(60)  # Leaflet's canvas drops moves within 32 ms of the last one it handled
        page.mouse.move(box["x"] + dot["x"] + 1, box["y"] + dot["y"])  # the hand settles on the dot
        page.wait_for_timeout(400)
        name = ds.compounds.set_index("compound_id").loc[cid, "name"]
        tips = frame.evaluate(_TIPS)
        assert len(tips) == 1 and tips[0].startswith(f"{name} {cid}"), tips
        save_screenshot(page, f"explorer_hover_{width}x{height}")
        _assert_clean(visit)


@pytest.mark.parametrize("size", _SIZES, ids=_ids)
def test_search_opens_the_record_and_centres_the_map(browser, app_url, ds, size):
    cid, (width, height) = "QY-0057", size
    row = ds.compounds.set_index("compound_id").loc[cid]
    with _explorer(browser, app_url, "lang=zh&as_of=2022-12-09", width=width, height=height) as (visit, runs):
        page = visit.page
        wait_for_map(page, timeout_ms=60_000)
        runs.wait_for(page, 1)
        box = page.get_by_role("combobox", name="查找小区")
        box.click()
        box.type(row["address"], delay=30)  # by address
        option = page.get_by_role("option", name=f"{row['name']} · {row['address']} · {cid}")
        option.wait_for(timeout=10_000)
        save_screenshot(page, f"explorer_search_{width}x{height}")
        option.click()
        page.get_by_text(f"{row['name']}（{cid}）").wait_for(timeout=20_000)
        page.get_by_text("截至 2022-12-09").first.wait_for(timeout=5_000)  # the record says its date
        frame = page.frame(url=lambda u: "streamlit_folium" in u)
        for _ in range(50):
            view = frame.evaluate(_VIEW)
            if view["zoom"] == 17 and abs(view["lat"] - row.geometry.y) < 1e-6:
                break
            page.wait_for_timeout(200)
        assert view["zoom"] == 17 and view["lat"] == pytest.approx(row.geometry.y, abs=1e-6)
        assert view["lng"] == pytest.approx(row.geometry.x, abs=1e-6)
        page.wait_for_url(lambda u: f"record={cid}" in u and "view=" in u, timeout=20_000)
        save_screenshot(page, f"explorer_found_{width}x{height}")
        _assert_clean(visit)


def test_a_shared_link_reopens_its_view_and_record_and_names_bad_values(browser, app_url, ds):
    query = f"lang=zh&area={quote('清溪片区')}&view=30.66731,104.04372,15.5&record=QY-0057&hh_min=lots"
    with _explorer(browser, app_url, query, width=1600, height=1000) as (visit, runs):
        page = visit.page
        wait_for_map(page, timeout_ms=60_000)
        runs.wait_for(page, 1)
        name = ds.compounds.set_index("compound_id").loc["QY-0057", "name"]
        page.get_by_text(f"{name}（QY-0057）").wait_for(timeout=20_000)
        page.get_by_text("链接中以下参数无法识别，已忽略：hh_min=lots").wait_for(timeout=10_000)
        frame = page.frame(url=lambda u: "streamlit_folium" in u)
        page.wait_for_timeout(1500)  # the map's own first fit has run: the link's view must have stayed
        view = frame.evaluate(_VIEW)
        assert (round(view["lat"], 5), round(view["lng"], 5), view["zoom"]) == (30.66731, 104.04372, 15.5)
        assert "hh_min" not in page.url and "view=30.66731" in page.url and "record=QY-0057" in page.url
        save_screenshot(page, "explorer_shared_link")
        _assert_clean(visit)


def test_draw_tools_legend_and_table_speak_the_page_language(browser, app_url):
    with _explorer(browser, app_url, "lang=zh&as_of=2022-12-09", width=1366, height=768) as (visit, runs):
        page = visit.page
        frame_loc = wait_for_map(page, timeout_ms=60_000)
        runs.wait_for(page, 1)
        frame = page.frame(url=lambda u: "streamlit_folium" in u)
        titles = frame.evaluate("() => Array.from(document.querySelectorAll('.leaflet-draw a')).map(a => a.title)")
        assert titles == ["画多边形圈选小区", "画矩形圈选小区", "没有可删除的图形"]
        frame_loc.locator(".leaflet-draw-draw-rectangle").click()
        box = page.locator(FOLIUM_IFRAME).bounding_box()
        page.mouse.move(box["x"] + 150, box["y"] + 150)
        frame_loc.locator(".leaflet-draw-tooltip", has_text="按住鼠标拖动，画出矩形").wait_for(timeout=5_000)
        assert frame_loc.locator(".leaflet-draw-actions a").all_inner_texts() == ["取消"]
        legend = frame_loc.locator(".qy-legend").inner_text()
        assert all(w in legend for w in ("区界", "重点街道", "其他街道", "片区", "天府绿道"))
        grid = page.locator('[data-testid="stDataFrame"] table').first  # the grid's accessible copy
        grid.wait_for(state="attached", timeout=20_000)
        heads = grid.locator("th").all_inner_texts()
        assert "户数（户）" in heads  # the grid draws the columns in view only (units of the rest: AppTest)
        cells = grid.evaluate("(t) => Array.from(t.querySelectorAll('tr')).slice(1).map("
                              "r => Array.from(r.querySelectorAll('td')).map(c => c.innerText))")
        area, batch = heads.index("片区"), heads.index("改造批次")
        assert cells and all(r[area] not in ("", "None") and r[batch] not in ("", "None") for r in cells if len(r) > batch)
        save_screenshot(page, "explorer_draw_zh_1366x768")
        _assert_clean(visit)
