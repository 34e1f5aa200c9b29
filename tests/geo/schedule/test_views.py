"""Labelled tables of the construction data: a finding's earlier date marked while it grows."""
from __future__ import annotations

import pandas as pd

from geo.schedule.rules import check_sequence
from geo.schedule.views import findings_view, first_date_text


def test_the_earlier_works_date_is_marked_expected_while_the_finding_grows():
    day = pd.Timestamp("2022-12-10")
    assert first_date_text(day, True, "zh") == "2022-12-10（预计）"
    assert first_date_text(day, True, "en") == "2022-12-10 (expected)"
    assert first_date_text(day, False, "zh") == "2022-12-10"
    assert first_date_text(pd.NaT, True, "zh", "—") == "—"


def test_the_findings_table_shows_an_unfinished_first_work_as_expected(sample):
    found = check_sequence(sample, "2022-12-09")
    table = findings_view(found[found["compound_id"] == "QY-0657"], "zh", sample.programme)
    assert table.iloc[0]["完工/移交"] == "2022-12-10（预计）"
