"""The one home for Streamlit caching: the data set and what is computed from it.

The data set is loaded once per store fingerprint (the file's path, mtime and
size), so an edit saved by any page or process is picked up on the next run;
``settings.cache_ttl_seconds`` bounds how long an entry lives. Derived values
(stats, tables, maps) are cached by (fingerprint, arguments) with the data set
passed as an unhashed ``_ds`` argument.

Cached values are shared by every session: NEVER mutate what these return
(geo functions return new frames; do the same).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.assets import VENDOR_DIR
from dashboard.map_component import LocalAssets, PreparedMap, prepare_map
from geo import filters, metrics
from geo.audit import compound_choices as choices
from geo.brief import render
from geo.dataset import Dataset
from geo.i18n import t
from geo.imports.planning import plan_import
from geo.imports.readers import read_upload
from geo.imports.validate import validate_table
from geo.maps import filter_layer, webmap
from geo.settings import get_settings
from geo.store.gpkg import StoreError, open_store

_TTL = get_settings().cache_ttl_seconds


def _assets() -> LocalAssets:
    """The Leaflet files the maps inline (``dashboard.map_component.inline_assets``)."""
    return LocalAssets(get_settings().asset_base, VENDOR_DIR)


@st.cache_resource(ttl=_TTL, max_entries=4, show_spinner=False)
def _dataset(path: str, fingerprint: str) -> Dataset:
    """The data set of the store at ``path`` (cache key: its fingerprint)."""
    return open_store(path).load()


def store_fingerprint() -> str:
    """Fingerprint of the configured store (changes when the file changes)."""
    return open_store().fingerprint()


def load_fingerprinted() -> tuple[str, Dataset]:
    """(fingerprint, data set) of the configured store, read together. Raises StoreError.

    Use this fingerprint (not a later :func:`store_fingerprint`) as the cache key of
    anything computed from this data set: the file may change in between.
    """
    store = open_store()
    try:
        fingerprint = store.fingerprint()
    except OSError as exc:
        raise StoreError(
            f"data store not found: {store.path} / 找不到数据文件 (set QY_STORE or run "
            "`python -m geo build-sample`)"
        ) from exc
    return fingerprint, _dataset(str(store.path), fingerprint)


def load_dataset() -> Dataset:
    """The configured data set, cached per store fingerprint. Raises StoreError."""
    return load_fingerprinted()[1]


def dataset_or_stop(lang: str) -> Dataset:
    """The data set, or a clear bilingual error on the page and a stop (no traceback)."""
    try:
        return load_dataset()
    except (StoreError, OSError, ValueError) as exc:
        st.error(t("error.store", lang, detail=str(exc)))
        st.stop()
        raise  # unreachable: st.stop() raises


def fingerprinted_or_stop(lang: str) -> tuple[str, Dataset]:
    """(fingerprint, data set), or a clear bilingual error on the page and a stop."""
    try:
        return load_fingerprinted()
    except (StoreError, OSError, ValueError) as exc:
        st.error(t("error.store", lang, detail=str(exc)))
        st.stop()
        raise  # unreachable: st.stop() raises


def dataset_every(minutes: int) -> tuple[str, Dataset]:
    """(fingerprint, data set) as re-read at most every ``minutes`` (the screen's refresh).

    Kept per session; on each re-read the store fingerprint decides whether the file
    is loaded again. Raises StoreError like :func:`load_dataset`.
    """
    now = time.monotonic()
    entry = st.session_state.get(state.SCREEN_DATA)
    if entry is None or now - entry[0] >= max(minutes, 1) * 60:
        entry = (now, *load_fingerprinted())
        st.session_state[state.SCREEN_DATA] = entry
    return entry[1], entry[2]


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False)
def stats(fingerprint: str, as_of: dt.date, area: str | None = None, *, _ds: Dataset) -> dict[str, Any]:
    """``geo.metrics.stats`` for the data set with ``fingerprint`` on ``as_of``."""
    return metrics.stats(_ds, as_of, area=area)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False)
def progress_by_area(fingerprint: str, as_of: dt.date, *, _ds: Dataset) -> pd.DataFrame:
    """``geo.metrics.progress_by_area`` (the programme's areas + 其他) on ``as_of``."""
    return metrics.progress_by_area(_ds, as_of)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False)
def progress_by_year(fingerprint: str, as_of: dt.date, *, _ds: Dataset) -> pd.DataFrame:
    """``geo.metrics.progress_by_year`` (14th-FYP batches against the programme's targets) on ``as_of``."""
    return metrics.progress_by_year(_ds.compounds, as_of, targets=_ds.programme.batch_targets())


# --- briefing and screen maps (dashboard/app_pages/briefing.py, screen.py) ---------------
@st.cache_resource(ttl=_TTL, max_entries=24, show_spinner=False)
def page_map(fingerprint: str, page: str, key: tuple, *, _ds: Dataset, _as_of: Any,
             _options: webmap.MapOptions) -> PreparedMap:
    """A page's map built by geo.maps.webmap and rendered once (``dashboard.map_component``).

    ``key`` must hold every input of ``_as_of`` and ``_options`` that changes the map
    (date, language, basemap, ...): it is the cache key together with the fingerprint.
    """
    return prepare_map(webmap.map_from_dataset(_ds, as_of=_as_of, options=_options), _assets())


# --- explorer (dashboard/app_pages/filter_layer.py) --------------------------------------------
# The two frames below are shared, not copied (cache_resource): a copy per rerun costs
# ~0.1 s at 10,000 compounds. geo functions return new frames; never modify these.
@st.cache_resource(ttl=_TTL, max_entries=16, show_spinner=False)
def compound_summary(fingerprint: str, as_of: dt.date, *, _ds: Dataset) -> pd.DataFrame:
    """Every compound with status, elevators, chargers, funding and works on ``as_of`` (read-only)."""
    return filters.summarize_compounds(_ds, as_of)


@st.cache_resource(ttl=_TTL, max_entries=64, show_spinner=False)
def filtered_compounds(fingerprint: str, as_of: dt.date, filter_json: str, *, _ds: Dataset) -> pd.DataFrame:
    """The compounds a ``CompoundFilter`` (as JSON) selects, with the summary columns (read-only)."""
    summary = compound_summary(fingerprint, as_of, _ds=_ds)
    flt = filters.CompoundFilter.model_validate_json(filter_json)
    return summary[filters.filter_mask(summary, flt)].reset_index(drop=True)


@st.cache_resource(ttl=_TTL, max_entries=8, show_spinner=False)
def explorer_map(fingerprint: str, as_of: dt.date, lang: str, *, _ds: Dataset) -> PreparedMap:
    """The explorer's map of every compound on ``as_of``, rendered once (with a draw control).

    Cached as rendered strings (``dashboard.map_component``) per data set, date and
    language: filters, clicks and selections reach the map as small feature groups
    (``geo.maps.filter_layer.filter_group``, ``geo.maps.webmap.selection_group``), never a new map.
    """
    return prepare_map(filter_layer.explorer_map(_ds, as_of=as_of, lang=lang), _assets())


# --- briefing pack (issue 5: dashboard/briefing_pack.py) ------------------------------------
@st.cache_data(ttl=_TTL, max_entries=8, show_spinner=False)
def briefing_pack(fingerprint: str, as_of: dt.date, lang: str, fmt: str, area: str | None = None, *,
                  _ds: Dataset) -> bytes:
    """The briefing pack (``geo.brief.pack_bytes``) as PPTX or PDF bytes for ``as_of`` and ``lang``.

    Also called from a deferred download (another thread, no script context): no st.* calls.
    The store's audit trail adds the "changes in the last week" line when the store has one.
    """

    try:
        audit = open_store().audit()
    except (StoreError, sqlite3.Error, OSError):
        audit = None
    return render.pack_bytes(_ds, as_of, area=area, lang=lang, fmt=fmt, audit=audit)


# --- data import (issue 4: dashboard/app_pages/data_import.py) --------------------------------
@st.cache_resource(ttl=_TTL, max_entries=2, show_spinner=False)
def upload_checked(fingerprint: str, data: bytes, filename: str, choice: str | None, encoding: str | None,
                   crs: str, mapping_json: str, *, _ds: Dataset) -> tuple[Any, Any, Any]:
    """(RawTable, Report, ImportPlan or None) for an uploaded file against the store's data.

    Raises geo.imports.issues.UnreadableFile for a file that cannot be read. Read-only results:
    never mutate them.
    """

    kind = filename.lower().rsplit(".", 1)[-1]
    options = {"sheet": choice} if kind in ("xlsx", "xlsm") else {"layer": choice}
    raw = read_upload(data, filename, encoding=encoding or None, **options)
    report = validate_table(raw, _ds, crs=crs, mapping=json.loads(mapping_json))
    return raw, report, (plan_import(_ds, report) if report.ok else None)


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False)
def compound_choices(fingerprint: str, subdistrict: str | None, *, _ds: Dataset) -> dict[str, str]:
    """compound_id -> label for the progress page's chooser (``geo.audit.compound_choices``)."""
    return choices(_ds.compounds, subdistrict)
