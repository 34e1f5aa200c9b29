"""dashboard.selection: clicks, drawings, scope and ticked rows of the explorer in session state (a dict here)."""
from types import SimpleNamespace

import pytest

from dashboard import selection, state
from geo import filters as F
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
