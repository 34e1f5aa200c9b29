"""One compound's full record: attributes, derived status, works, elevators and funding.

``compound_record`` gathers everything as plain data (a frozen dataclass of values
and small DataFrames) for one as-of date; ``record_view`` turns it into labelled
rows and tables in Chinese or English for a page to render as they are. Dates are
``datetime.date`` (None = none), money 万元, coordinates WGS-84 (EPSG:4326).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from geo import asof, schema
from geo.asof import AsOf, AsOfLike
from geo.dataset import Dataset
from geo.formatting import number
from geo.i18n import bilingual, t, vocab
from geo.programme import Programme
from geo.store.base import CompoundRows

_WORK_COLUMNS = ("work", "underground", "quantity", "plan_start", "plan_finish", "actual_start", "actual_finish")
_ELEVATOR_COLUMNS = ("elevator_id", "building", "plan_start", "actual_start", "actual_finish")


class UnknownCompound(KeyError):
    """No compound with that id; the message is bilingual."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class CompoundRecord:
    """Everything about one compound on ``as_of`` (plain data; treat frames as read-only).

    attributes: stored compound fields (field name -> value; dates as date/None).
    Everything is as known on as_of (``geo.asof.known_on``): actual dates later than
    as_of are None. works: one row per work with ``done`` (finished by as_of); elevators:
    one row per elevator with ``stage``; funding: sources (rows, FUNDING_KEYS order) x
    years counted by as_of (columns), 万元, plus a ``total`` column.
    """

    compound_id: str
    as_of: dt.date
    attributes: dict[str, Any]
    status: str
    days_late: int
    lon: float
    lat: float
    works: pd.DataFrame
    elevators: pd.DataFrame
    funding: pd.DataFrame
    funding_total: float
    funding_by_group: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The compound's name."""
        return str(self.attributes.get("name", self.compound_id))


def _plain(value: Any) -> Any:
    """A numpy/pandas scalar as a plain Python value (NaT/NaN -> None, Timestamp -> date)."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if value is None or (not isinstance(value, (str, bool)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _works(works: pd.DataFrame, cid: str, day: AsOf) -> pd.DataFrame:
    rows = works.loc[works["compound_id"] == cid, list(_WORK_COLUMNS)]
    order = {k: i for i, k in enumerate(schema.WORK_KEYS)}
    rows = asof.known_on(rows, day).assign(done=asof.works_done(rows, day), _o=rows["work"].map(order))
    return rows.sort_values(["_o", "plan_start"]).drop(columns="_o").reset_index(drop=True)


def _elevators(elevators: pd.DataFrame, cid: str, day: AsOf) -> pd.DataFrame:
    rows = elevators.loc[elevators["compound_id"] == cid, list(_ELEVATOR_COLUMNS)]
    rows = asof.known_on(rows, day).assign(stage=asof.elevator_stage(rows, day))
    return rows.sort_values("elevator_id").reset_index(drop=True)


def _funding(funding: pd.DataFrame, cid: str, day: AsOf) -> pd.DataFrame:
    rows = funding[(funding["compound_id"] == cid) & asof.funding_to_date(funding, day)]
    table = rows.pivot_table(index="source", columns="year", values="amount_wan_yuan", aggfunc="sum", fill_value=0.0)
    table = table.reindex([k for k in schema.FUNDING_KEYS if k in table.index])
    table.columns = [int(c) for c in table.columns]
    table = table.round(2)
    table["total"] = table.sum(axis=1).round(2)
    table.index.name = "source"
    return table


def _record(row: pd.DataFrame, layers: Mapping[str, pd.DataFrame], compound_id: str, day: AsOf,
            lon: float, lat: float) -> CompoundRecord:
    """The record of the one-row compounds frame ``row`` with the ``works``, ``elevators`` and ``funding`` of ``layers``."""
    known = asof.known_on(row, day)
    attrs = {f.name: _plain(known.iloc[0][f.name]) for f in schema.COMPOUND_FIELDS
             if f.name != "geometry" and f.name in row.columns}
    funding = _funding(layers["funding"], compound_id, day)
    groups = funding["total"].groupby(lambda s: schema.SOURCE_GROUP[s]).sum()
    return CompoundRecord(
        compound_id=compound_id, as_of=day.date, attributes=attrs,
        status=str(asof.derive_status(row, day).iloc[0]), days_late=int(asof.days_late(row, day).iloc[0]),
        lon=lon, lat=lat,
        works=_works(layers["works"], compound_id, day), elevators=_elevators(layers["elevators"], compound_id, day),
        funding=funding, funding_total=round(float(funding["total"].sum()), 2),
        funding_by_group={g: round(float(groups.get(g, 0.0)), 2) for g in schema.FUNDING_GROUPS},
    )


def compound_record(ds: Dataset, compound_id: str, as_of: AsOfLike = None) -> CompoundRecord:
    """The full record of ``compound_id`` on ``as_of`` (None = today). Raises UnknownCompound."""
    hits = ds.compounds[ds.compounds["compound_id"] == compound_id]
    if hits.empty:
        raise UnknownCompound(bilingual("edit.unknown_compound", compound=compound_id))
    point = hits.geometry.iloc[0]
    layers = {"works": ds.works, "elevators": ds.elevators, "funding": ds.funding}
    return _record(hits.iloc[[0]], layers, compound_id, AsOf.of(as_of), float(point.x), float(point.y))


def record_from_rows(rows: CompoundRows, as_of: AsOfLike = None, *, lon: float, lat: float) -> CompoundRecord:
    """The same record from one compound's rows as the store reads them (``Store.compound``), without
    loading the data set; ``lon``/``lat``: its point (WGS-84), which those rows do not carry.
    Raises UnknownCompound."""
    if not rows.exists:
        raise UnknownCompound(bilingual("edit.unknown_compound", compound=rows.compound_id))
    return _record(rows.layers["compounds"].iloc[[0]], rows.layers, rows.compound_id, AsOf.of(as_of), lon, lat)


# --- labelled view for a page ---------------------------------------------------------------
@dataclass(frozen=True)
class RecordView:
    """A record labelled in one language: (label, text) rows and display tables, as known on ``as_of``.
    Texts from the data (name, address) are plain text: render them as text, never Markdown."""

    title: str
    as_of: dt.date
    facts: list[tuple[str, str]]
    works: pd.DataFrame
    elevators: pd.DataFrame
    funding: pd.DataFrame


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return number(value, 1, trim=True)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if 1900 <= value <= 2100 else number(value)
    return str(value)


#: Units written after a fact's value (``geo.i18n`` keys): 13,033.3 m², 165 户.
_FACT_UNITS = {"floor_area_m2": "unit.m2_symbol", "households": "unit.households", "buildings": "unit.buildings"}


def _fact_value(name: str, value: Any, lang: str, programme: Programme) -> str:
    if value is None or value == "":
        return "—"
    if name in _FACT_UNITS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value, 1 if isinstance(value, float) else 0, trim=True, unit=t(_FACT_UNITS[name], lang))
    if name in ("subdistrict", "area"):
        return vocab(name, value, lang, programme)
    if name == "decision":
        return vocab("decision", value, lang)
    if name == "batch":
        return vocab("batch", value, lang)
    if name == "is_old":
        return t("record.yes" if value else "record.no", lang)
    return _text(value)


def _dates(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        out[col] = out[col].map(lambda v: _text(_plain(v)))
    return out


def _works_view(rec: CompoundRecord, lang: str) -> pd.DataFrame:
    w = _dates(rec.works, ("plan_start", "plan_finish", "actual_start", "actual_finish"))
    w["work"] = w["work"].map(lambda k: vocab("work", k, lang))
    w["underground"] = w["underground"].map(lambda u: t("record.underground" if u else "record.above_ground", lang))
    w["done"] = w["done"].map(lambda d: t("record.yes" if d else "record.no", lang))
    heads = {c: t(f"record.col.{c}", lang) for c in w.columns}
    return w.rename(columns=heads)


def _elevators_view(rec: CompoundRecord, lang: str) -> pd.DataFrame:
    e = _dates(rec.elevators, ("plan_start", "actual_start", "actual_finish"))
    e["stage"] = e["stage"].map(lambda s: vocab("elevator_stage", s, lang))
    return e.rename(columns={c: t(f"record.col.{c}", lang) for c in e.columns})


def _funding_view(rec: CompoundRecord, lang: str) -> pd.DataFrame:
    f = rec.funding.copy()
    f.index = [vocab("source", s, lang) for s in f.index]
    f.index.name = t("record.col.source", lang)
    f.columns = [t("record.col.total", lang) if c == "total" else str(c) for c in f.columns]
    return f


def record_view(rec: CompoundRecord, lang: str, programme: Programme) -> RecordView:
    """Labels and display text for ``rec`` in ``lang`` (from geo.i18n / geo.schema; places from ``programme``)."""
    facts = [(t(f"field.{f.name}", lang), _fact_value(f.name, rec.attributes.get(f.name), lang, programme))
             for f in schema.COMPOUND_FIELDS if f.name in rec.attributes]
    facts.insert(2, (t("field.status", lang), vocab("status", rec.status, lang)))
    facts.insert(3, (t("field.days_late", lang), _text(rec.days_late)))
    facts.append((t("field.funding_wan_yuan", lang), number(rec.funding_total, 2, unit=t("unit.wan_yuan", lang))))
    facts.append((t("record.location", lang), f"{rec.lon:.6f}, {rec.lat:.6f} (WGS-84)"))
    return RecordView(
        title=f"{rec.name}（{rec.compound_id}）" if lang != "en" else f"{rec.name} ({rec.compound_id})",
        as_of=rec.as_of, facts=facts, works=_works_view(rec, lang), elevators=_elevators_view(rec, lang),
        funding=_funding_view(rec, lang),
    )


# --- finding a compound ----------------------------------------------------------------------
@dataclass(frozen=True)
class Finder:
    """What a search box offers: compound id -> label (name · address · id, by name) and id ->
    (lat, lon) WGS-84 to centre a map on. Labels are data: show them as plain text."""

    labels: dict[str, str]
    points: dict[str, tuple[float, float]]


def finder_from_compounds(compounds: pd.DataFrame) -> Finder:
    """A :class:`Finder` over ``compounds`` (a WGS-84 point layer)."""
    rows = compounds.sort_values(["name", "compound_id"])
    labels = {}
    for cid, name, address in zip(rows["compound_id"], rows["name"], rows["address"]):
        parts = [str(name), str(address) if isinstance(address, str) and address and address != name else "", str(cid)]
        labels[str(cid)] = " · ".join(p for p in parts if p)
    points = {str(c): (float(g.y), float(g.x)) for c, g in zip(rows["compound_id"], rows.geometry)}
    return Finder(labels, points)
