"""The roll-up read through a store: figures of any scope without loading every compound.

Each function asks the store for :class:`geo.metrics.Facts` (computed in the database on
PostGIS, in memory on a GeoPackage) and reads the figures off them with ``geo.metrics``,
so a figure is the same whichever backend made it.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from geo import metrics
from geo.asof import AsOf, AsOfLike
from geo.programme import Programme
from geo.store.base import Store


def stats_from_store(store: Store, as_of: AsOfLike = None, *, place: str | None = None, area: str | None = None,
                     subdistrict: str | None = None, programme: Programme | None = None,
                     meta: dict[str, str] | None = None) -> dict[str, Any]:
    """:func:`geo.metrics.stats` of a scope, from the store's facts (equal to it on the same data).

    ``programme`` / ``meta``: the store's, when the caller has them (else read from the store).
    UnknownPlace for a place, area or subdistrict that is not the programme's.
    """
    if programme is None or meta is None:
        programme, meta = store.load_programme()
    day = AsOf.of(as_of)
    facts = store.facts(day, place=place, area=area, subdistrict=subdistrict, programme=programme)
    return metrics.stats_from_facts(facts, programme, illustrative=meta.get("illustrative", "false") == "true",
                                    area=area, subdistrict=subdistrict, place=place)


def units_from_store(store: Store, as_of: AsOfLike = None, *, place: str | None = None, level: str | None = None,
                     programme: Programme | None = None) -> pd.DataFrame:
    """Compounds by status and 14th-FYP % completed per unit of ``level`` under ``place`` (the roll-up map).

    ``level`` defaults to the first scope level below the place (its children). One row per
    unit in display order; ``name`` is the unit's place code (:func:`geo.metrics.status_by_group`).
    """
    if programme is None:
        programme = store.load_programme()[0]
    code = place or programme.place
    metrics.check_place(programme, code)
    below = programme.levels_below(code)
    level = level or (below[0] if below else None)
    if level is None:
        return metrics.status_by_group(store.facts(as_of, place=code, programme=programme, compounds_only=True).compounds,
                                       [])
    units = programme.unit_codes(code, level)
    order = list(dict.fromkeys(p.code for p in programme.at_level(level) if p.code in set(units.values())))
    facts = store.facts(as_of, place=code, by=units, programme=programme, compounds_only=True)
    return metrics.status_by_group(facts.compounds, order)


def compounds_of_scope(store: Store, as_of: AsOfLike = None, *, subdistricts: Sequence[str] | None = None,
                       statuses: Sequence[str] | None = None, limit: int, chunk: int = 10_000) -> pd.DataFrame:
    """The first ``limit`` compounds of a scope as known on ``as_of`` (rows of ``Store.compounds_page``,
    with ``status``), read ``chunk`` rows at a time (never the whole store at once); an export's rows."""
    pages: list[pd.DataFrame] = []
    done = 0
    while True:
        want = max(min(chunk, limit - done), 0)
        page, _ = store.compounds_page(as_of, subdistricts=subdistricts, statuses=statuses, offset=done,
                                       limit=want, count=False)
        pages.append(page)
        done += len(page)
        if len(page) < want or done >= limit:
            break
    return pages[0] if len(pages) == 1 else pd.concat(pages, ignore_index=True)
