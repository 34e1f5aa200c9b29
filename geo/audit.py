"""Progress edits: the editable record of one compound, its field-level diff, and history tables.

A planner edits a :class:`ProgressRecord` (dates, works done, elevators, funding received
by source in 万元). ``diff_records(before, after)`` turns the edit into
:class:`geo.store.base.Change` rows (layer, key, field, before, after) that
``geo.writes.save_progress`` checks and the store writes in one transaction together with
the audit trail. ``history_frame`` and ``changes_since`` turn audit rows into the tables
people read (每日调度 = changes since a date).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from geo import schema
from geo.i18n import TEXT, Bilingual, Reason, bilingual, both, choices, reason_of, t, vocab, vocab_both
from geo.store.base import Change, CompoundRows

Day = dt.date | None


class EditError(ValueError):
    """An edit that cannot be saved; the message is bilingual (中文 / English)."""


def _ordered(start: Day, finish: Day, what: Bilingual | str) -> None:
    if start and finish and finish < start:
        raise Reason("edit.why.order", what=what, finish=finish, start=start)


class WorkProgress(BaseModel):
    """One work item of the compound."""

    model_config = ConfigDict(frozen=True)
    work: str
    quantity: int = Field(1, ge=0, le=2000)
    actual_start: Day = None
    actual_finish: Day = None

    @field_validator("work")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in schema.WORK_KEYS:
            raise Reason("edit.why.unknown_work", value=value, valid=choices(schema.WORK_KEYS))
        return value

    @model_validator(mode="after")
    def _dates(self) -> WorkProgress:
        _ordered(self.actual_start, self.actual_finish, vocab_both("work", self.work))
        return self


class ElevatorProgress(BaseModel):
    """One added elevator; ``elevator_id`` None = a new one."""

    model_config = ConfigDict(frozen=True)
    elevator_id: str | None = None
    building: str | None = None
    plan_start: Day = None
    actual_start: Day = None
    actual_finish: Day = None

    @model_validator(mode="after")
    def _dates(self) -> ElevatorProgress:
        _ordered(self.actual_start, self.actual_finish, self.elevator_id or both("edit.what.new_elevator"))
        return self


class FundingProgress(BaseModel):
    """Money received for the compound from one source in one year (万元)."""

    model_config = ConfigDict(frozen=True)
    year: int = Field(ge=2000, le=2040)
    source: str
    amount_wan_yuan: float = Field(ge=0, le=100_000)

    @field_validator("source")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in schema.FUNDING_KEYS:
            raise Reason("edit.why.unknown_source", value=value, valid=choices(schema.FUNDING_KEYS))
        return value


class ProgressRecord(BaseModel):
    """Everything a planner may change about one compound's progress."""

    model_config = ConfigDict(frozen=True)
    compound_id: str
    plan_start: Day = None
    plan_finish: Day = None
    actual_start: Day = None
    actual_finish: Day = None
    works: tuple[WorkProgress, ...] = ()
    elevators: tuple[ElevatorProgress, ...] = ()
    funding: tuple[FundingProgress, ...] = ()

    @model_validator(mode="after")
    def _dates(self) -> ProgressRecord:
        _ordered(self.plan_start, self.plan_finish, both("edit.what.plan"))
        _ordered(self.actual_start, self.actual_finish, both("edit.what.actual"))
        if self.actual_finish and not self.actual_start:
            raise Reason("edit.why.finish_without_start")
        return self


def _day(value: Any) -> Day:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _unknown(compound_id: str) -> EditError:
    return EditError(bilingual("edit.unknown_compound", compound=compound_id))


def _record(compound_id: str, compounds: pd.DataFrame, works: pd.DataFrame, elevators: pd.DataFrame,
            funding: pd.DataFrame) -> ProgressRecord:
    if compounds.empty:
        raise _unknown(compound_id)
    c = compounds.iloc[0]
    return ProgressRecord(
        compound_id=compound_id, **{f: _day(c[f]) for f in ("plan_start", "plan_finish", "actual_start", "actual_finish")},
        works=tuple(WorkProgress(work=w.work, quantity=int(w.quantity), actual_start=_day(w.actual_start),
                                 actual_finish=_day(w.actual_finish)) for w in works.itertuples()),
        elevators=tuple(ElevatorProgress(elevator_id=e.elevator_id, building=None if pd.isna(e.building) else e.building,
                                         plan_start=_day(e.plan_start), actual_start=_day(e.actual_start),
                                         actual_finish=_day(e.actual_finish)) for e in elevators.itertuples()),
        funding=tuple(FundingProgress(year=int(f.year), source=f.source, amount_wan_yuan=float(f.amount_wan_yuan))
                      for f in funding.itertuples()),
    )


def record_from_rows(rows: CompoundRows) -> ProgressRecord:
    """The editable record of one compound from its stored rows (``Store.compound``); EditError if unknown."""
    layers = rows.layers
    return _record(rows.compound_id, layers["compounds"], layers["works"], layers["elevators"], layers["funding"])


def record_from_input(data: dict[str, Any]) -> ProgressRecord:
    """A record from edited values (e.g. the form); EditError listing every bad value."""
    try:
        return ProgressRecord.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "record"
            reason = (err.get("ctx") or {}).get("error")
            why = reason_of(reason) if isinstance(reason, Exception) else err["msg"].removeprefix("Value error, ")
            value = err.get("input") if not isinstance(err.get("input"), dict) else ""
            lines.append(bilingual("edit.bad_value", field=where, value=value, why=why))
        raise EditError("; ".join(lines)) from None


def _fields(before: BaseModel | None, after: BaseModel, names: tuple[str, ...], layer: str,
            key: tuple[Any, ...]) -> list[Change]:
    out = []
    for name in names:
        old = getattr(before, name) if before is not None else None
        new = getattr(after, name)
        if before is None and new is None:
            continue
        if old != new:
            out.append(Change(layer, key, name, old, new))
    return out


def diff_records(before: ProgressRecord, after: ProgressRecord) -> list[Change]:
    """The field-level changes from ``before`` to ``after`` (same compound)."""
    cid = before.compound_id
    changes = _fields(before, after, ("plan_start", "plan_finish", "actual_start", "actual_finish"), "compounds", (cid,))
    old_works = {w.work: w for w in before.works}
    for w in after.works:
        key = (cid, w.work)
        if w.work not in old_works:  # a new row: the first change inserts it
            changes.append(Change("works", key, "underground", None, schema.WORKS[w.work].underground))
        changes += _fields(old_works.get(w.work), w, ("quantity", "actual_start", "actual_finish"), "works", key)
    old_elev = {e.elevator_id: e for e in before.elevators}
    taken = {e.elevator_id for e in before.elevators}
    for e in after.elevators:
        eid = e.elevator_id if e.elevator_id in old_elev else _new_elevator_id(cid, taken)
        taken.add(eid)
        if eid not in old_elev:
            changes.append(Change("elevators", (eid,), "compound_id", None, cid))
        changes += _fields(old_elev.get(eid), e, ("building", "plan_start", "actual_start", "actual_finish"),
                           "elevators", (eid,))
    old_money = {(f.year, f.source): f for f in before.funding}
    for f in after.funding:
        changes += _fields(old_money.get((f.year, f.source)), f, ("amount_wan_yuan",), "funding", (cid, f.year, f.source))
    return changes


def _new_elevator_id(compound_id: str, taken: set[str | None]) -> str:
    n = 1
    while f"{compound_id}-E{n:02d}" in taken:
        n += 1
    return f"{compound_id}-E{n:02d}"


# --- tables people read -------------------------------------------------------------------------------
def _field_label(layer: str, field: str, lang: str) -> str:
    key = f"field.{field}"
    if layer == "funding" and field == "amount_wan_yuan":
        return t("audit.funding_amount", lang)
    return t(key, lang) if key in TEXT else field


def _record_label(layer: str, record: str, lang: str) -> str:
    parts = record.split("|")
    if layer == "works" and len(parts) == 2:
        return vocab("work", parts[1], lang) if parts[1] in schema.WORKS else parts[1]
    if layer == "funding" and len(parts) == 3:
        label = vocab("source", parts[2], lang) if parts[2] in schema.FUNDING_KEYS else parts[2]
        return f"{parts[1]} {label}"
    if layer == "elevators":
        return f"{t('audit.elevator', lang)} {parts[0]}"
    return t("audit.compound", lang)


def history_frame(audit: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Audit rows as a table: when, who, what (record), field, before, after — in ``lang``."""
    rows = [{
        "at": r.at, "user": r.user, "compound_id": r.compound_id,
        "record": _record_label(r.layer, r.record, lang), "field": _field_label(r.layer, r.field, lang),
        "before": "" if r.before is None else r.before, "after": "" if r.after is None else r.after,
    } for r in audit.itertuples()]
    cols = ["at", "user", "compound_id", "record", "field", "before", "after"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.rename(columns={c: t(f"audit.col.{c}", lang) for c in cols})


def changes_since(audit: pd.DataFrame, compounds: pd.DataFrame, since: dt.date) -> pd.DataFrame:
    """Per compound changed since ``since`` (每日调度): name, subdistrict, changes, last change, by whom."""
    recent = audit[audit["at"] >= since.isoformat()]
    if recent.empty:
        return pd.DataFrame(columns=["compound_id", "name", "subdistrict", "changes", "last_at", "users"])
    grouped = recent.groupby("compound_id").agg(
        changes=("id", "count"), last_at=("at", "max"),
        users=("user", lambda s: "、".join(sorted(set(s)))))
    names = compounds.set_index("compound_id")[["name", "subdistrict"]]
    out = grouped.join(names, how="left").reset_index()
    return out[["compound_id", "name", "subdistrict", "changes", "last_at", "users"]].sort_values(
        "last_at", ascending=False, ignore_index=True)


def changes_view(changes: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`changes_since` with its headers in ``lang`` (a new frame)."""
    heads = {"compound_id": "field.compound_id", "name": "field.name", "subdistrict": "field.subdistrict",
             "changes": "edit.col.changes", "last_at": "edit.col.last_at", "users": "edit.col.users"}
    return changes.rename(columns={c: t(key, lang) for c, key in heads.items()})


# --- the record as editable tables (the edit page's data editors) ------------------------------------
#: The record's own dates, in the order the edit page shows them.
DATE_FIELDS: tuple[str, ...] = ("plan_start", "plan_finish", "actual_start", "actual_finish")
Column = tuple[str, str, dict[str, Any]]  # (kind: select | number | date | text, label, options)


def editor_columns(lang: str = "zh") -> dict[str, dict[str, Column]]:
    """How the edit page's tables (:func:`record_tables`) edit each column: table -> column ->
    (kind, label in ``lang``, options); works and sources are chosen by their labels."""
    label = lambda key: t(f"edit.col.{key}", lang)  # noqa: E731
    dates: dict[str, Column] = {key: ("date", label(key), {}) for key in ("plan_start", "actual_start", "actual_finish")}
    return {
        "works": {"work": ("select", label("work"), {"options": list(_labels("work", schema.WORK_KEYS, lang).values()),
                                                     "required": True}),
                  "quantity": ("number", label("quantity"), {"min_value": 0, "step": 1}),
                  "actual_start": dates["actual_start"], "actual_finish": dates["actual_finish"]},
        "elevators": {"elevator_id": ("text", label("elevator_id"), {"disabled": True}),
                      "building": ("text", label("building"), {}), **dates},
        "funding": {"year": ("number", label("year"), {"min_value": 2000, "max_value": 2040, "step": 1, "format": "%d"}),
                    "source": ("select", label("source"), {"options": list(_labels("source", schema.FUNDING_KEYS, lang).values()),
                                                           "required": True}),
                    "amount_wan_yuan": ("number", label("amount"), {"min_value": 0.0, "format": "%.2f"})},
    }


def _labels(kind: str, keys: tuple[str, ...], lang: str) -> dict[str, str]:
    return {k: vocab(kind, k, lang) for k in keys}


def record_tables(record: ProgressRecord, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Works, elevators and funding of a record as tables (works/sources shown as labels)."""
    works = _labels("work", schema.WORK_KEYS, lang)
    sources = _labels("source", schema.FUNDING_KEYS, lang)
    as_ts = lambda d: pd.NaT if d is None else pd.Timestamp(d)  # noqa: E731
    return {
        "works": pd.DataFrame([{"work": works[w.work], "quantity": w.quantity, "actual_start": as_ts(w.actual_start),
                                "actual_finish": as_ts(w.actual_finish)} for w in record.works],
                              columns=["work", "quantity", "actual_start", "actual_finish"]),
        "elevators": pd.DataFrame([{"elevator_id": e.elevator_id, "building": e.building, "plan_start": as_ts(e.plan_start),
                                    "actual_start": as_ts(e.actual_start), "actual_finish": as_ts(e.actual_finish)}
                                   for e in record.elevators],
                                  columns=["elevator_id", "building", "plan_start", "actual_start", "actual_finish"]),
        "funding": pd.DataFrame([{"year": f.year, "source": sources[f.source], "amount_wan_yuan": f.amount_wan_yuan}
                                 for f in record.funding], columns=["year", "source", "amount_wan_yuan"]),
    }


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of an edited table as dicts; blank cells None, fully blank rows dropped."""
    out = []
    for row in frame.to_dict("records"):
        clean = {k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else v) for k, v in row.items()}
        if any(v is not None for k, v in clean.items() if k != "elevator_id"):
            out.append({k: (v.date() if isinstance(v, pd.Timestamp) else v) for k, v in clean.items()})
    return out


def _key_of(keys_by_label: dict[str, str], label: Any) -> str:
    """The key a table cell's label stands for; an unknown label is kept (the record then refuses it)."""
    text = label or ""
    return keys_by_label.get(text, text)


def record_from_tables(compound_id: str, dates: dict[str, Any], tables: dict[str, pd.DataFrame],
                       lang: str = "zh") -> ProgressRecord:
    """The record from the edit page's date fields and edited tables (EditError if bad)."""
    works = {v: k for k, v in _labels("work", schema.WORK_KEYS, lang).items()}
    sources = {v: k for k, v in _labels("source", schema.FUNDING_KEYS, lang).items()}
    work_rows = [{**r, "work": _key_of(works, r.get("work"))} for r in _rows(tables["works"])]
    money_rows = [{**r, "source": _key_of(sources, r.get("source"))} for r in _rows(tables["funding"])]
    return record_from_input({"compound_id": compound_id, **dates, "works": work_rows,
                              "elevators": _rows(tables["elevators"]), "funding": money_rows})


def compound_choices(compounds: pd.DataFrame, subdistrict: str | None) -> dict[str, str]:
    """compound_id -> 'name (id)' for one subdistrict's compounds (all when None), by name."""
    rows = compounds if subdistrict is None else compounds[compounds["subdistrict"] == subdistrict]
    rows = rows.sort_values(["name", "compound_id"])
    return {cid: f"{name}（{cid}）" for cid, name in zip(rows["compound_id"], rows["name"])}


def versions_frame(versions: list[Any], lang: str = "zh") -> pd.DataFrame:
    """The store's versions (``Store.versions()``), newest first, as a table in ``lang``."""
    cols = ["version", "created_at", "user", "kind", "note", "compounds", "edits", "current"]
    kind = lambda k: t(f"imp.kind.{k}", lang) if f"imp.kind.{k}" in TEXT else k  # noqa: E731
    rows = [{**{c: getattr(v, c) for c in cols}, "kind": kind(v.kind)} for v in reversed(versions)]
    return pd.DataFrame(rows, columns=cols).rename(columns={c: t(f"imp.col.{c}", lang) for c in cols})
