"""dashboard.selection: clicks, drawings, scope and ticked rows of the explorer in session state (a dict here)."""
from types import SimpleNamespace

import pytest

from dashboard import selection, state
from geo import filters as F
from geo import links
from geo.record import finder_from_compounds
from tests.geo.tiny_data import tiny_dataset

SQUARE = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
    [104.03, 30.66], [104.06, 30.66], [104.06, 30.68], [104.03, 30.68], [104.03, 30.66]]]}}


@pytest.fixture(scope="module")
def frame():
    return F.summarize_compounds(tiny_dataset(), "2022-12-09")


def test_a_click_opens_a_record_once_and_a_drawing_narrows_the_table(frame):
    point = frame.geometry.iloc[1]
    session: dict = {state.EXPLORER_MAP: {"last_object_clicked": {"lat": point.y, "lng": point.x}}}
    selection.take_map_events(session, frame)
    assert session[state.EXPLORER_RECORD] == "QY-B"
    selection.close_record(session)
    selection.take_map_events(session, frame)  # the same click, seen again on the next run: stays closed
    assert state.EXPLORER_RECORD not in session
    session[state.EXPLORER_MAP] = {"all_drawings": [SQUARE]}
    selection.take_map_events(session, frame)
    assert selection.scope(session) == "drawn"
    assert list(selection.selection(session, frame, "drawn").scoped["compound_id"]) == ["QY-A", "QY-C"]
    session[state.EXPLORER_MAP] = {"all_drawings": []}
    selection.take_map_events(session, frame)
    assert selection.scope(session) == "all"


def test_ticked_rows_are_the_selection_and_the_record_is_highlighted(frame):
    session: dict = {state.EXPLORER_RECORD: "QY-C"}
    first = selection.selection(session, frame, "all")
    assert len(first.selected) == 3 and first.rows == [] and first.highlight == ["QY-C"]
    session[first.table_key] = SimpleNamespace(selection={"rows": [1, 7]})  # 7: a row no longer listed
    chosen = selection.selection(session, frame, "all")
    assert chosen.rows == [1] and list(chosen.selected["compound_id"]) == ["QY-B"]
    assert chosen.highlight == ["QY-B", "QY-C"]
    assert selection.selection(session, frame.iloc[:2], "all").table_key != chosen.table_key  # new rows, new ticks


BOUNDS = (104.0, 30.6, 104.1, 30.7)


def test_a_link_is_read_once_and_what_it_ignored_is_kept(frame):
    session: dict = {}
    params = {"record": "QY-B", "view": "30.65,104.05,15", "area": "nowhere"}
    selection.read_link(session, params, tiny_dataset().programme, frame["compound_id"], BOUNDS)
    assert session[state.EXPLORER_RECORD] == "QY-B"
    ask = session[state.EXPLORER_VIEW_ASK]
    assert ask.view == links.MapView(30.65, 104.05, 15.0) and session[state.EXPLORER_VIEW] == ask.view
    assert session[state.EXPLORER_URL_IGNORED] == [("area", "nowhere")]
    selection.close_record(session)
    selection.read_link(session, params, tiny_dataset().programme, frame["compound_id"], BOUNDS)  # the next run
    assert state.EXPLORER_RECORD not in session and session[state.EXPLORER_VIEW_ASK] is ask
    assert selection.link_params(session) == {"view": "30.65000,104.05000,15"}


def test_the_map_reports_its_view_once_per_move(frame):
    session: dict = {state.EXPLORER_MAP: {"center": {"lat": 30.66, "lng": 104.04}, "zoom": 14}}
    selection.take_map_events(session, frame)
    assert session[state.EXPLORER_VIEW] == links.MapView(30.66, 104.04, 14.0)
    selection.ask_view(session, links.MapView(30.61, 104.01, 17.0))  # a search, after that report
    selection.take_map_events(session, frame)  # the same (older) report, seen again: the search's view stays
    assert session[state.EXPLORER_VIEW] == links.MapView(30.61, 104.01, 17.0)


def test_a_search_opens_the_record_and_asks_for_its_view(frame):
    finder = finder_from_compounds(tiny_dataset().compounds)
    session: dict = {state.EXPLORER_SEARCH: "QY-C"}
    selection.take_search(session, finder)
    lat, lng = finder.points["QY-C"]
    assert session[state.EXPLORER_RECORD] == "QY-C" and session[state.EXPLORER_SEARCH] is None
    first = session[state.EXPLORER_VIEW_ASK]
    assert first.view == links.MapView(lat, lng, selection.FOUND_ZOOM)
    session[state.EXPLORER_SEARCH] = "QY-C"  # the same compound again (the user panned away): a new request
    selection.take_search(session, finder)
    assert session[state.EXPLORER_VIEW_ASK].key != first.key
