"""Drill-down through the place hierarchy: the place a roll-up page shows, its breadcrumb and its children.

The view model of the roll-up briefing and screen: which place a ``place=CODE`` link asks
for (:func:`place_from_param`), the way up to the programme's place (:func:`breadcrumb`),
the children's figures as labelled rows (:func:`child_rows`, from the frame of
``geo.rollup.units_from_store``), the table a page shows of them (:func:`children_table`)
and where the map looks to show a place (:func:`view_of`). Pure: no Streamlit, no store.
Names are returned as plain text; whoever renders them escapes them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from geo import schema
from geo.formatting import number
from geo.i18n import t
from geo.programme import Programme

#: The zoom the map takes for a place of no extent (a place whose places below share one centre).
MAX_ZOOM = 12
MIN_ZOOM = 3


@dataclass(frozen=True)
class Crumb:
    """One step of the breadcrumb: a place code, its label and its level ('nation', 'province', ...)."""

    code: str
    label: str
    level: str


@dataclass(frozen=True)
class ChildRow:
    """One child of the place shown: figures of ``geo.rollup.units_from_store`` (counts in compounds).

    ``pct``: % of its 14th-FYP compounds completed, None when it has none.
    """

    code: str
    label: str
    compounds: int
    completed: int
    under_construction: int
    planned: int
    fyp14: int
    fyp14_completed: int
    pct: float | None


def place_from_param(programme: Programme, value: object) -> tuple[str, bool]:
    """(the place a ``place=`` value asks for, whether it was usable).

    A code of the programme's place or a place below it (a scope, ``Programme.is_scope``) is
    taken; anything else (unknown, a community, a place outside the programme, empty) gives
    the programme's place and False (True for an absent value).
    """
    if value is None or value == "":
        return programme.place, True
    code = str(value).strip()
    if programme.is_scope(code):
        return code, True
    return programme.place, False


def breadcrumb(programme: Programme, code: str, lang: str = "zh") -> tuple[Crumb, ...]:
    """The places from the programme's place down to ``code`` (a scope), top first."""
    chain = programme.lineage(code)
    start = next((i for i, p in enumerate(chain) if p.code == programme.place), 0)
    return tuple(Crumb(p.code, p.label(lang), p.level) for p in chain[start:])


def child_rows(units: pd.DataFrame, programme: Programme, lang: str = "zh") -> tuple[ChildRow, ...]:
    """The rows of a ``units_from_store`` frame (``name`` a place code) with their labels in ``lang``."""
    rows = []
    for r in units.to_dict(orient="records"):
        place = programme.get_place(str(r["name"]))
        pct = r["pct_completed"]
        rows.append(ChildRow(
            code=str(r["name"]), label=str(r["name"]) if place is None else place.label(lang),
            compounds=int(r["compounds"]), completed=int(r[schema.STATUS_COMPLETED]),
            under_construction=int(r[schema.STATUS_UNDER_CONSTRUCTION]), planned=int(r[schema.STATUS_PLANNED]),
            fyp14=int(r["fyp14"]), fyp14_completed=int(r["fyp14_completed"]),
            pct=None if pct is None or pct != pct else float(pct)))
    return tuple(rows)


def children_table(rows: tuple[ChildRow, ...], level: str, lang: str = "zh") -> pd.DataFrame:
    """The children as a table of texts: the level's name, then the figures, each column with its unit."""
    return pd.DataFrame([{
        t(f"rollup.level.{level}", lang): r.label,
        t("rollup.col.compounds", lang): number(r.compounds),
        t("rollup.col.completed", lang): number(r.completed),
        t("rollup.col.under_construction", lang): number(r.under_construction),
        t("rollup.col.planned", lang): number(r.planned),
        t("rollup.col.fyp14", lang): f"{number(r.fyp14_completed)} / {number(r.fyp14)}",
        t("rollup.col.pct", lang): "—" if r.pct is None else number(r.pct, 1, unit="%"),
    } for r in rows], columns=[t(f"rollup.level.{level}", lang), *(t(f"rollup.col.{k}", lang) for k in _COLUMNS)])


_COLUMNS = ("compounds", "completed", "under_construction", "planned", "fyp14", "pct")


def level_word(level: str, lang: str = "zh") -> str:
    """A level's name as a word inside a sentence ("Progress by province"; Chinese as in a heading)."""
    word = t(f"rollup.level.{level}", lang)
    return word.lower() if lang == "en" else word


def place_title(programme: Programme, code: str, lang: str = "zh") -> str:
    """The place's name with the places above it up to the programme's place, the nation left out
    (中文: 永锦省江祥市; English: "Jiangxiang, Yongjin"); the nation itself by its name."""
    chain = [p for p in breadcrumb(programme, code, lang) if p.level != "nation"] or list(breadcrumb(programme, code, lang))
    return ", ".join(p.label for p in reversed(chain)) if lang == "en" else "".join(p.label for p in chain)


def parent_scope(programme: Programme, code: str) -> str:
    """The place above ``code`` when it is a scope of the programme, else ``code`` itself."""
    place = programme.get_place(code)
    return place.parent if place is not None and programme.is_scope(place.parent) else code


def child_level(programme: Programme, code: str) -> str | None:
    """The level of the children a roll-up shows under ``code`` (None for a place with none below)."""
    below = programme.levels_below(code)
    return below[0] if below else None


def view_of(programme: Programme, code: str, *, aspect: float = 1.6) -> tuple[tuple[float, float], int]:
    """((lat, lon) centre, web-map zoom) that shows ``code`` and its subdistricts' centres (WGS-84).

    ``aspect``: the map's width / height. A place with no subdistrict centre below it gives its
    own centre (or the programme's), at the widest zoom for a nation or province, else the closest.
    """
    below = [programme.subdistrict(name) for name in programme.subdistricts_under(code)]
    spots = [(p.lat, p.lon) for p in below if p is not None and p.lat is not None and p.lon is not None]
    if not spots:
        own = programme.get_place(code) or programme.root
        return ((own.lat or 30.66, own.lon or 104.06), MIN_ZOOM if own.level in ("nation", "province") else MAX_ZOOM)
    lats, lons = [s[0] for s in spots], [s[1] for s in spots]
    centre = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * aspect, 1e-6) * 1.3
    zoom = int(math.floor(math.log2(360 / span))) + 2  # a map about 1,000 px wide
    return centre, max(MIN_ZOOM, min(MAX_ZOOM, zoom))
