"""The one home for Streamlit caching: the data set and what is computed from it.

The store (``QY_STORE``) is loaded once per fingerprint, so an edit saved by any page
or process is picked up on the next run; ``settings.cache_ttl_seconds`` bounds how long
an entry lives. A load is a :class:`geo.store.Loaded` handle: the data set and the
fingerprint it was read under, together. Derived values (stats, tables, maps) are cached
by (that fingerprint, arguments) with the data set passed as an unhashed ``_ds`` argument,
so nothing is ever cached under a fingerprint its data do not belong to.

Cached values are shared by every session: NEVER mutate what these return
(geo functions return new frames; do the same).
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.assets import VENDOR_DIR
from dashboard.map_component import LocalAssets, PreparedMap, prepare_map
from geo import filters, metrics, record
from geo.audit import compound_choices as choices
from geo.brief import render
from geo.i18n import t
from geo.imports.planning import plan_import
from geo.imports.readers import read_upload
from geo.imports.validate import validate_table
from geo.maps import filter_layer, webmap
from geo.settings import get_settings
from geo.store import Loaded, Store, StoreError, open_store

_TTL = get_settings().cache_ttl_seconds


def _assets() -> LocalAssets:
    """The Leaflet files the maps inline (``dashboard.map_component.inline_assets``)."""
    return LocalAssets(get_settings().asset_base, VENDOR_DIR)


def store() -> Store:
    """The configured store: pages read through it and pass it to the ``geo.writes`` use cases."""
    return open_store()


@st.cache_resource(ttl=_TTL, max_entries=4, show_spinner=False)
def _loaded(url: str, probe: str) -> Loaded:
    """The store's data and their own fingerprint (cache key: the URL and the fingerprint seen before loading)."""
    return open_store(url).load()


def load() -> Loaded:
    """The configured store's data set with its fingerprint, cached per fingerprint. Raises StoreError.

    Key anything computed from ``.dataset`` by ``.fingerprint`` (never by a fingerprint
    read later: the store may change in between).
    """
    current = store()
    return _loaded(current.url, current.fingerprint())


def loaded_or_stop(lang: str) -> Loaded:
    """:func:`load`, or a clear bilingual error on the page and a stop (no traceback)."""
    try:
        return load()
    except (StoreError, OSError, ValueError) as exc:
        st.error(t("error.store", lang, detail=str(exc)))
        st.stop()
        raise  # unreachable: st.stop() raises


def loaded_every(minutes: int) -> Loaded:
    """The data set as re-read at most every ``minutes`` (the screen's refresh).

    Kept per session; on each re-read the store fingerprint decides whether the store
    is loaded again. Raises StoreError like :func:`load`.
    """
    now = time.monotonic()
    entry = st.session_state.get(state.SCREEN_DATA)
    if entry is None or now - entry[0] >= max(minutes, 1) * 60:
        entry = (now, load())
        st.session_state[state.SCREEN_DATA] = entry
    return entry[1]


#: Derived caches take the whole Loaded handle and key it by its own fingerprint.
_BY_FINGERPRINT: dict[str | type[Any], Callable[[Any], Any]] = {Loaded: lambda loaded: loaded.fingerprint}


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def stats(loaded: Loaded, as_of: dt.date, area: str | None = None) -> dict[str, Any]:
    """``geo.metrics.stats`` of the loaded data set on ``as_of``."""
    return metrics.stats(loaded.dataset, as_of, area=area)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def progress_by_area(loaded: Loaded, as_of: dt.date) -> pd.DataFrame:
    """``geo.metrics.progress_by_area`` (the programme's areas + 其他) on ``as_of``."""
    return metrics.progress_by_area(loaded.dataset, as_of)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def progress_by_year(loaded: Loaded, as_of: dt.date) -> pd.DataFrame:
    """``geo.metrics.progress_by_year`` (14th-FYP batches against the programme's targets) on ``as_of``."""
    return metrics.progress_by_year(loaded.dataset.compounds, as_of, targets=loaded.dataset.programme.batch_targets())


# --- briefing and screen maps (dashboard/app_pages/briefing.py, screen.py) ---------------
@st.cache_resource(ttl=_TTL, max_entries=24, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def page_map(loaded: Loaded, page: str, key: tuple, *, _as_of: Any,
             _options: webmap.MapOptions) -> PreparedMap:
    """A page's map built by geo.maps.webmap and rendered once (``dashboard.map_component``).

    ``key`` must hold every input of ``_as_of`` and ``_options`` that changes the map
    (date, language, basemap, ...): it is the cache key together with the data's fingerprint.
    """
    return prepare_map(webmap.map_from_dataset(loaded.dataset, as_of=_as_of, options=_options), _assets())


# --- explorer (dashboard/app_pages/explorer.py) --------------------------------------------
# The two frames below are shared, not copied (cache_resource): a copy per rerun costs
# ~0.1 s at 10,000 compounds. geo functions return new frames; never modify these.
@st.cache_resource(ttl=_TTL, max_entries=16, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def compound_summary(loaded: Loaded, as_of: dt.date) -> pd.DataFrame:
    """Every compound with status, elevators, chargers, funding and works on ``as_of`` (read-only)."""
    return filters.summarize_compounds(loaded.dataset, as_of)


@st.cache_resource(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def filtered_compounds(loaded: Loaded, as_of: dt.date, filter_json: str) -> pd.DataFrame:
    """The compounds a ``CompoundFilter`` (as JSON) selects, with the summary columns (read-only)."""
    summary = compound_summary(loaded, as_of)
    flt = filters.CompoundFilter.model_validate_json(filter_json)
    return summary[filters.filter_mask(summary, flt)].reset_index(drop=True)


@st.cache_resource(ttl=_TTL, max_entries=8, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def explorer_map(loaded: Loaded, as_of: dt.date, lang: str) -> PreparedMap:
    """The explorer's map of every compound on ``as_of``, rendered once (with a draw control).

    Cached as rendered strings (``dashboard.map_component``) per data set, date and
    language: filters, clicks and selections reach the map as small feature groups
    (``geo.maps.filter_layer.filter_group``, ``geo.maps.webmap.selection_group``), never a new map.
    """
    return prepare_map(filter_layer.explorer_map(loaded.dataset, as_of=as_of, lang=lang), _assets())


@st.cache_resource(ttl=_TTL, max_entries=4, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def finder(loaded: Loaded) -> record.Finder:
    """The explorer's search box: every compound's label and point (``geo.record.Finder``; read-only)."""
    return record.finder_from_compounds(loaded.dataset.compounds)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def record_view(loaded: Loaded, compound_id: str, as_of: dt.date, lang: str) -> record.RecordView | None:
    """The explorer's record of one compound as known on ``as_of``, labelled in ``lang``
    (``geo.record``); None for an id the data set does not have."""
    try:
        return record.record_view(record.compound_record(loaded.dataset, compound_id, as_of), lang,
                                  loaded.dataset.programme)
    except record.UnknownCompound:
        return None


# --- briefing pack (dashboard/briefing_pack.py) ------------------------------------------------
@st.cache_data(ttl=_TTL, max_entries=8, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def briefing_pack(loaded: Loaded, as_of: dt.date, lang: str, fmt: str, area: str | None = None) -> bytes:
    """The briefing pack (``geo.brief.pack_bytes``) as PPTX or PDF bytes for ``as_of`` and ``lang``.

    Also called from a deferred download (another thread, no script context): no st.* calls.
    The store's audit trail adds the "changes in the last week" line when the store has one.
    """

    try:
        audit = store().audit()
    except (StoreError, OSError):
        audit = None
    return render.pack_bytes(loaded.dataset, as_of, area=area, lang=lang, fmt=fmt, audit=audit)


# --- data import (dashboard/app_pages/data_import.py) --------------------------------------------
@st.cache_resource(ttl=_TTL, max_entries=2, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def upload_checked(loaded: Loaded, data: bytes, filename: str, choice: str | None, encoding: str | None,
                   crs: str, mapping_json: str) -> tuple[Any, Any, Any]:
    """(RawTable, Report, ImportPlan or None) for an uploaded file against the store's data.

    Raises geo.imports.issues.UnreadableFile for a file that cannot be read. Read-only results:
    never mutate them.
    """

    kind = filename.lower().rsplit(".", 1)[-1]
    options = {"sheet": choice} if kind in ("xlsx", "xlsm") else {"layer": choice}
    raw = read_upload(data, filename, encoding=encoding or None, **options)
    report = validate_table(raw, loaded.dataset, crs=crs, mapping=json.loads(mapping_json))
    return raw, report, (plan_import(loaded.dataset, report) if report.ok else None)


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def compound_choices(loaded: Loaded, subdistrict: str | None) -> dict[str, str]:
    """compound_id -> label for the progress page's chooser (``geo.audit.compound_choices``)."""
    return choices(loaded.dataset.compounds, subdistrict)
