"""Fields of a progress record by name: parsing FIELD=VALUE, applying it, extending the table."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from geo import progress_fields as pf
from geo.audit import EditError
from tests.store_support import record_in_dataset


def test_every_field_name_parses_and_applies(sample):
    record = record_in_dataset(sample, "QY-0004")
    elevator = record.elevators[0].elevator_id
    after = pf.apply_assignments(record, [pf.parse_assignment(text) for text in (
        "plan_start=2016-01-04", "actual_finish=", "actual_start=",
        "works.gas.actual_start=2024-04-01", "works.gas.actual_finish=2024-05-01", "works.ev_chargers.quantity=12",
        f"elevators.{elevator}.actual_start=2022-10-01", f"elevators.{elevator}.building=3栋",
        "funding.2024.residents.amount_wan_yuan=12.5")])
    assert (after.plan_start, after.actual_start, after.actual_finish) == (dt.date(2016, 1, 4), None, None)
    works = {w.work: w for w in after.works}
    assert works["gas"].actual_finish == dt.date(2024, 5, 1) and works["ev_chargers"].quantity == 12
    lift = next(e for e in after.elevators if e.elevator_id == elevator)
    assert (lift.actual_start, lift.building) == (dt.date(2022, 10, 1), "3栋")
    assert (2024, "residents", 12.5) in {(f.year, f.source, f.amount_wan_yuan) for f in after.funding}
    assert after.compound_id == record.compound_id and len(after.elevators) == len(record.elevators)


@pytest.mark.parametrize("text, words", [
    ("status=completed", "valid fields: plan_start"),
    ("works.gas=2024-01-01", "works.<work>.actual_finish"),
    ("works.boiler.quantity=1", "ev_chargers"),
    ("works.gas.quantity=twelve", "whole number"),
    ("actual_finish=2024-13-01", "YYYY-MM-DD"),
    ("actual_finish=01/05/2024", "YYYY-MM-DD"),
    ("funding.2024.bank.amount_wan_yuan=1", "residents"),
    ("funding.24x.residents.amount_wan_yuan=1", "whole number"),
    ("actual_finish", "FIELD=VALUE"),
])
def test_unknown_fields_and_malformed_values_name_what_is_valid(text, words):
    with pytest.raises(pf.FieldError, match=re.escape(words)) as info:
        pf.parse_assignment(text)
    assert " / " in str(info.value)  # 中文 / English


def test_a_row_the_record_lacks_is_refused_where_rows_are_not_added(sample):
    record = record_in_dataset(sample, "QY-0004")
    with pytest.raises(pf.FieldError, match="EL-0001") as info:
        pf.apply_assignments(record, [pf.parse_assignment("elevators.QY-0001-E09.actual_start=2024-01-01")])
    assert "QY-0004" in str(info.value)


def test_values_the_record_cannot_take_are_edit_errors(sample):
    record = record_in_dataset(sample, "QY-0001")
    with pytest.raises(EditError, match="before start"):
        pf.apply_assignments(record, [pf.parse_assignment("actual_finish=2000-01-01")])
    with pytest.raises(EditError):
        pf.apply_assignments(record, [pf.parse_assignment("works.gas.quantity=-3")])


def test_the_field_table_is_extended_by_adding_a_section():
    faces = pf.Section("faces", (("face", pf.read_text),), {"handover": pf.read_date}, True, "<face>")
    with pytest.raises(pf.FieldError):
        pf.parse_assignment("faces.A-1.handover=2024-02-02")
    parsed = pf.parse_assignment("faces.A-1.handover=2024-02-02", (*pf.SECTIONS, faces))
    assert (parsed.section, parsed.key, parsed.field, parsed.value) == (faces, ("A-1",), "handover", dt.date(2024, 2, 2))
    assert "faces.<face>.handover" in pf.field_names((*pf.SECTIONS, faces))
