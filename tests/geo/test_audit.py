"""Progress edits: the record, its diff, bad values, the versions table (saving: tests/geo/test_writes.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from geo.audit import EditError, diff_records, record_from_input, record_from_rows
from tests.store_support import record_in_dataset, scratch_sample


@pytest.fixture()
def store(tmp_path):
    return scratch_sample(tmp_path)


def _edited(record, **changes):
    data = record.model_dump()
    data.update(changes)
    return record_from_input(data)


def test_diff_covers_dates_works_elevators_and_funding(sample):
    before = record_in_dataset(sample, "QY-0004")
    data = before.model_dump()
    data["actual_finish"] = dt.date(2023, 5, 1)
    data["works"] = [*data["works"], {"work": "ev_chargers", "quantity": 8}]
    data["elevators"] = [*data["elevators"], {"building": "9栋", "plan_start": dt.date(2024, 3, 1)}]
    data["funding"] = [*data["funding"], {"year": 2024, "source": "residents", "amount_wan_yuan": 12.5}]
    changes = diff_records(before, record_from_input(data))
    fields = {(c.layer, c.field) for c in changes}
    assert ("compounds", "actual_finish") in fields and ("works", "quantity") in fields
    assert ("elevators", "compound_id") in fields and ("elevators", "building") in fields
    assert ("funding", "amount_wan_yuan") in fields
    new_elevator = next(c for c in changes if c.layer == "elevators" and c.field == "compound_id")
    assert new_elevator.key == ("QY-0004-E01",) and new_elevator.before is None


def test_bad_edit_is_refused_with_bilingual_reason(sample):
    record = record_in_dataset(sample, "QY-0001")
    with pytest.raises(EditError, match="finish .* before start") as info:
        _edited(record, actual_start=dt.date(2020, 5, 1), actual_finish=dt.date(2020, 1, 1))
    assert "无效" in str(info.value)
    with pytest.raises(EditError, match="amount_wan_yuan"):
        record_from_input({**record.model_dump(), "funding": [{"year": 2024, "source": "residents", "amount_wan_yuan": -3}]})


def test_the_record_from_stored_rows_is_the_record_from_the_data_set(store, sample):
    for cid in ("QY-0001", "QY-0004"):
        assert record_from_rows(store.compound(cid)) == record_in_dataset(sample, cid)
    with pytest.raises(EditError, match="QY-9999"):
        record_from_rows(store.compound("QY-9999"))


def test_versions_table_in_english(store, sample):
    from geo.audit import versions_frame
    store.commit(sample, user="wang", kind="import", note="a.xlsx")
    table = versions_frame(store.versions(), "en")
    assert list(table.columns) == ["Version", "When", "Who", "Kind", "Note", "Compounds", "Edits", "Current"]
    assert list(table["Kind"]) == ["import", "initial"] and list(table["Current"]) == [True, False]
