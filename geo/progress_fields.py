"""Fields of a progress record addressed by name: ``FIELD=VALUE`` for ``python -m geo edit --set``.

A field name is a path into :class:`geo.audit.ProgressRecord`::

    plan_start | plan_finish | actual_start | actual_finish      the compound's own dates
    works.<work>.quantity | .actual_start | .actual_finish        one work item (added when missing)
    elevators.<elevator_id>.building | .plan_start | .actual_start | .actual_finish   one existing elevator
    funding.<year>.<source>.amount_wan_yuan                        money received (万元; added when missing)

Dates are ``YYYY-MM-DD``; an empty value clears a date or text. Each :class:`Section` of
:data:`SECTIONS` says which list of the record it addresses, which item fields key one
row, which fields may be set and how their text is read: add a section, or a field to
one, to make more of the record editable by name. Values are only parsed here; whether
they make a valid record (finish after start, counts in range) is decided by
``geo.audit.record_from_input`` when the assignments are applied.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo import schema
from geo.audit import ProgressRecord, record_from_input
from geo.i18n import Reason, bilingual, choices, reason_of

Reader = Callable[[str], Any]  # the value of a text; ValueError naming what was expected


class FieldError(ValueError):
    """An unknown field, a malformed value or a row the record does not have (bilingual)."""


def read_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` -> date; empty -> None (clears the date)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Reason("fields.expect.date") from None


def read_count(text: str) -> int:
    """A whole number (e.g. 12)."""
    try:
        return int(text)
    except ValueError:
        raise Reason("fields.expect.count") from None


def read_amount(text: str) -> float:
    """A number (e.g. 12.5)."""
    try:
        return float(text)
    except ValueError:
        raise Reason("fields.expect.amount") from None


def read_text(text: str) -> str | None:
    """Text as given; empty -> None."""
    return text or None


def one_of(valid: Sequence[str]) -> Reader:
    """A reader accepting only the ``valid`` texts."""
    def read(text: str) -> str:
        if text not in valid:
            raise Reason("fields.expect.one_of", valid=choices(valid))
        return text
    return read


@dataclass(frozen=True)
class Section:
    """Rows of one list of the record (``items`` None: the compound itself) and their settable fields."""

    items: str | None
    keys: tuple[tuple[str, Reader], ...]  # item fields that identify one row, with their readers
    fields: Mapping[str, Reader]
    adds_rows: bool  # a row the record lacks is added (True) or refused as unknown (False)
    placeholder: str = ""  # how the keys are written in help, e.g. "<work>"

    def names(self) -> list[str]:
        """Every field name of this section as written on the command line."""
        prefix = f"{self.items}.{self.placeholder}." if self.items else ""
        return [prefix + f for f in self.fields]


SECTIONS: tuple[Section, ...] = (
    Section(None, (), {f: read_date for f in ("plan_start", "plan_finish", "actual_start", "actual_finish")}, False),
    Section("works", (("work", one_of(schema.WORK_KEYS)),),
            {"quantity": read_count, "actual_start": read_date, "actual_finish": read_date}, True, "<work>"),
    Section("elevators", (("elevator_id", read_text),),
            {"building": read_text, "plan_start": read_date, "actual_start": read_date, "actual_finish": read_date},
            False, "<elevator_id>"),
    Section("funding", (("year", read_count), ("source", one_of(schema.FUNDING_KEYS))),
            {"amount_wan_yuan": read_amount}, True, "<year>.<source>"),
)


def field_names(sections: Iterable[Section] = SECTIONS) -> list[str]:
    """Every settable field name (with placeholders), for help and error messages."""
    return [name for section in sections for name in section.names()]


@dataclass(frozen=True)
class Assignment:
    """One parsed ``FIELD=VALUE``: the section, the row's key values, the field and its value."""

    section: Section
    key: tuple[Any, ...]
    field: str
    value: Any


def _section_of(name: str, sections: Sequence[Section]) -> tuple[Section, list[str], str]:
    """(section, key parts, field) of a field name; FieldError naming the valid fields."""
    parts = name.split(".")
    for section in sections:
        if section.items is None:
            if len(parts) == 1 and parts[0] in section.fields:
                return section, [], parts[0]
        elif len(parts) >= 3 and parts[0] == section.items and parts[-1] in section.fields:
            middle = parts[1:-1]
            keys = [".".join(middle)] if len(section.keys) == 1 else middle
            if len(keys) == len(section.keys):
                return section, keys, parts[-1]
    raise FieldError(bilingual("fields.unknown", field=name, valid=", ".join(field_names(sections))))


def parse_assignment(text: str, sections: Sequence[Section] = SECTIONS) -> Assignment:
    """``FIELD=VALUE`` -> Assignment; FieldError for an unknown field or a malformed value or key."""
    name, sep, raw = text.partition("=")
    if not sep:
        raise FieldError(bilingual("fields.no_equals", text=text))
    section, parts, field = _section_of(name.strip(), sections)
    try:
        key = tuple(read(part) for (_, read), part in zip(section.keys, parts))
    except ValueError as exc:
        raise FieldError(bilingual("fields.malformed", field=name, value=".".join(parts), expected=reason_of(exc))) from None
    try:
        value = section.fields[field](raw.strip())
    except ValueError as exc:
        raise FieldError(bilingual("fields.malformed", field=name, value=raw, expected=reason_of(exc))) from None
    return Assignment(section, key, field, value)


def _row(items: list[dict[str, Any]], assignment: Assignment, compound_id: str) -> dict[str, Any]:
    names = [k for k, _ in assignment.section.keys]
    wanted = dict(zip(names, assignment.key))
    for item in items:
        if all(item.get(k) == v for k, v in wanted.items()):
            return item
    if not assignment.section.adds_rows:
        known = ", ".join(str(i.get(names[0])) for i in items) or "-"
        raise FieldError(bilingual("fields.no_row", items=assignment.section.items, row=".".join(map(str, assignment.key)),
                             compound=compound_id, known=known))
    items.append(dict(wanted))
    return items[-1]


def apply_assignments(record: ProgressRecord, assignments: Iterable[Assignment]) -> ProgressRecord:
    """The record with every assignment applied; FieldError for a row it lacks, EditError for bad values."""
    data = record.model_dump()
    for items in (s.items for s in SECTIONS if s.items):
        data[items] = list(data[items])
    for a in assignments:
        target = data if a.section.items is None else _row(data[a.section.items], a, record.compound_id)
        target[a.field] = a.value
    return record_from_input(data)
