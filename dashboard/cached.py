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
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.assets import VENDOR_DIR
from dashboard.map_component import LocalAssets, PreparedMap, prepare_map
from geo import drilldown, export, filters, metrics, record, rollup
from geo.asof import issues_known_on
from geo.audit import compound_choices as choices
from geo.brief import render
from geo.i18n import t
from geo.imports import pipeline, sandbox
from geo.imports.issues import UnreadableFile
from geo.maps import filter_layer, rollup_map, webmap
from geo.programme import Programme
from geo.reports import daily as daily_report
from geo.schedule import chart
from geo.schedule.daily import daily_table
from geo.schedule.rules import check_sequence
from geo.schedule.sheet import read_sheet, sheet_xlsx
from geo.settings import get_settings
from geo.store import Loaded, Store, StoreError, open_store

_TTL = get_settings().cache_ttl_seconds
_LOG = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Scale:
    """What a page needs to choose between the loaded data set and the roll-up (``geo.rollup``).

    ``rollup``: the store holds ``settings.rollup_from_compounds`` compounds or more, so pages
    read totals and the viewport's compounds from the store and never call :func:`load`.
    """

    store_url: str
    fingerprint: str
    compounds: int
    programme: Programme
    meta: dict[str, str]
    rollup: bool


@st.cache_resource(ttl=_TTL, max_entries=4, show_spinner=False)
def _scale(url: str, probe: str) -> Scale:
    current = open_store(url)
    count = current.compound_count()
    rollup = count >= get_settings().rollup_from_compounds
    if rollup:
        programme, meta = current.load_programme()
    else:  # the pages load these data anyway: take the programme from that one load (GeoPackage has no cheaper read)
        ds = _loaded(url, probe).dataset
        programme, meta = ds.programme, ds.meta
    return Scale(url, probe, count, programme, meta, rollup)


def scale() -> Scale:
    """The configured store's size, programme and mode, cached per fingerprint. Raises StoreError."""
    current = store()
    return _scale(current.url, current.fingerprint())


def loaded_or_stop(lang: str) -> Loaded:
    """:func:`load`, or a clear bilingual error on the page and a stop (no traceback)."""
    return _or_stop(load, lang)


def scale_or_stop(lang: str) -> Scale:
    """:func:`scale`, or the same clear error and a stop as :func:`loaded_or_stop`."""
    return _or_stop(scale, lang)


def _or_stop(read: Callable[[], Any], lang: str) -> Any:
    try:
        return read()
    except (StoreError, OSError, ValueError) as exc:
        st.error(t("error.store", lang, detail=str(exc)))
        st.stop()
        raise  # unreachable: st.stop() raises


def loaded_every(minutes: int) -> Loaded:
    """The data set as re-read at most every ``minutes`` (the screen's refresh).

    Kept per session; on each re-read the store fingerprint decides whether the store
    is loaded again. Raises StoreError like :func:`load`.
    """
    return _every(minutes, state.SCREEN_DATA, load)


def _every(minutes: int, key: str, read: Callable[[], Any]) -> Any:
    """``read()`` as re-read at most every ``minutes``, kept in the session under ``key``."""
    now = time.monotonic()
    entry = st.session_state.get(key)
    if entry is None or now - entry[0] >= max(minutes, 1) * 60:
        entry = (now, read())
        st.session_state[key] = entry
    return entry[1]


#: Derived caches take the whole Loaded handle and key it by its own fingerprint (and place: ``Loaded.cache_key``).
_BY_FINGERPRINT: dict[str | type[Any], Callable[[Any], Any]] = {Loaded: lambda loaded: loaded.cache_key}


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def stats(loaded: Loaded, as_of: dt.date, area: str | None = None) -> dict[str, Any]:
    """``geo.metrics.stats`` of the loaded data set on ``as_of``."""
    return metrics.stats(loaded.dataset, as_of, area=area)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def progress_by_area(loaded: Loaded, as_of: dt.date) -> pd.DataFrame:
    """``geo.metrics.progress_by_area`` (the programme's areas + 其他) on ``as_of``."""
    return metrics.progress_by_area(loaded.dataset, as_of)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def behind_plan(loaded: Loaded, as_of: dt.date) -> pd.DataFrame:
    """``geo.metrics.behind_plan``: the compounds behind plan on ``as_of``, most late first."""
    return metrics.behind_plan(loaded.dataset.compounds, as_of)


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


# --- roll-up briefing and screen (dashboard/rollup_panels.py): figures read off the store ------------
#: Roll-up caches take the Scale and key it by its store and fingerprint (never by the programme it holds).
_BY_SCALE: dict[str | type[Any], Callable[[Any], Any]] = {Scale: lambda s: f"{s.store_url}|{s.fingerprint}"}


@st.cache_data(ttl=_TTL, max_entries=256, show_spinner=False, hash_funcs=_BY_SCALE)
def rollup_stats(scale: Scale, as_of: dt.date, place: str) -> dict[str, Any]:
    """``geo.rollup.stats_from_store`` of ``place`` on ``as_of`` (no compound is loaded)."""
    return rollup.stats_from_store(open_store(scale.store_url), as_of, place=place, programme=scale.programme,
                                   meta=scale.meta)


@st.cache_data(ttl=_TTL, max_entries=256, show_spinner=False, hash_funcs=_BY_SCALE)
def rollup_units(scale: Scale, as_of: dt.date, place: str, level: str | None = None) -> pd.DataFrame:
    """``geo.rollup.units_from_store``: the units of ``level`` (default: the children) under ``place``
    by status on ``as_of`` (one row each)."""
    return rollup.units_from_store(open_store(scale.store_url), as_of, place=place, level=level,
                                   programme=scale.programme)


@st.cache_resource(ttl=_TTL, max_entries=16, show_spinner=False, hash_funcs=_BY_SCALE)
def rollup_base_map(scale: Scale, place: str, lang: str, theme: str = "light") -> PreparedMap:
    """The base map of ``place`` (``geo.maps.rollup_map.rollup_map``: no data layers), rendered once per
    store, place, language and theme; the units go on it as a feature group."""
    options = webmap.MapOptions(lang=lang, theme=theme, zoom_control=theme != "dark")
    fmap = rollup_map.rollup_map(scale.programme, place, options=options)
    if theme == "dark":
        rollup_map.dark_background(fmap)
    return prepare_map(fmap, _assets())


@st.cache_data(ttl=_TTL, max_entries=8, show_spinner=False, hash_funcs=_BY_SCALE)
def rollup_pack(scale: Scale, as_of: dt.date, place: str, lang: str, fmt: str, *, _stats: dict[str, Any],
                _units: pd.DataFrame | None) -> bytes:
    """The briefing pack of a roll-up place (``geo.brief.render.rollup_pack_bytes``) as PPTX or PDF bytes.

    ``_stats`` / ``_units``: :func:`rollup_stats` and :func:`rollup_units` of the same scale, date and
    place (so not part of the key). Also called from a deferred download (no script context): no st.* calls.
    """
    level = drilldown.child_level(scale.programme, place)
    rows = drilldown.child_rows(_units, scale.programme, lang) if _units is not None else ()
    return render.rollup_pack_bytes(_stats, rows, scale.programme, place=place, level=level, lang=lang, fmt=fmt)


def scale_every(minutes: int) -> Scale:
    """:func:`scale` as re-read at most every ``minutes`` (the roll-up screen's refresh), kept per session."""
    return _every(minutes, state.SCREEN_SCALE, scale)


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


# --- one place of a large store: the import, progress and site-schedule pages in roll-up mode -----------
@st.cache_resource(ttl=_TTL, max_entries=8, show_spinner=False, hash_funcs=_BY_SCALE)
def place_loaded(scale: Scale, place: str) -> Loaded:
    """``Store.load_place``: the data of one place (a district or below) of a store too large to load whole.

    A Loaded handle like :func:`load`'s, cut to ``place`` (its ``cache_key`` names the place), so
    every derived cache above works on it unchanged. Read-only: never mutate it.
    """
    return open_store(scale.store_url).load_place(place)


# --- the explorer at scale (dashboard/rollup_workspace.py): read through the store, never load() -------


def _scope_subdistricts(scale: Scale, place: str) -> tuple[str, ...] | None:
    """The subdistrict names of ``place`` for a store read (None: the programme's whole place)."""
    return None if place == scale.programme.place else scale.programme.subdistricts_under(place)


@st.cache_resource(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_SCALE)
def viewport_compounds(scale: Scale, box: tuple[float, float, float, float], place: str,
                       statuses: tuple[str, ...] | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """The compounds of ``place`` in ``box`` (west, south, east, north; WGS-84), at most
    ``rollup_map.MAX_DOTS`` + 1 (one more tells a view is too dense); only those whose status on
    ``as_of`` is one of ``statuses`` (None: any); read-only."""
    return open_store(scale.store_url).compounds_in_box(box, limit=rollup_map.MAX_DOTS + 1,
                                                        subdistricts=_scope_subdistricts(scale, place),
                                                        statuses=statuses, as_of=as_of)


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_SCALE)
def find_compounds(scale: Scale, text: str, place: str, limit: int) -> pd.DataFrame:
    """``Store.find_compounds`` within ``place``: (compound_id, name, subdistrict, lon, lat) of at most
    ``limit`` compounds whose id starts with ``text`` or whose name contains it."""
    hits = open_store(scale.store_url).find_compounds(text, subdistricts=_scope_subdistricts(scale, place), limit=limit)
    return pd.DataFrame({"compound_id": hits["compound_id"].astype(str).to_numpy(),
                         "name": hits["name"].fillna("").astype(str).to_numpy(),
                         "subdistrict": hits["subdistrict"].fillna("").astype(str).to_numpy(),
                         "lon": hits.geometry.x.to_numpy(), "lat": hits.geometry.y.to_numpy()})


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_SCALE)
def compounds_page(scale: Scale, as_of: dt.date, place: str, statuses: tuple[str, ...] | None, offset: int,
                   limit: int) -> tuple[pd.DataFrame, int]:
    """``Store.compounds_page`` of ``place`` (and ``statuses``) on ``as_of``: one page and the count
    (:func:`compounds_count`, kept apart: a page turn fetches the rows only)."""
    rows, _ = open_store(scale.store_url).compounds_page(as_of, subdistricts=_scope_subdistricts(scale, place),
                                                         statuses=statuses, offset=offset, limit=limit, count=False)
    return rows, compounds_count(scale, as_of, place, statuses)


@st.cache_data(ttl=_TTL, max_entries=4, show_spinner=False, hash_funcs=_BY_SCALE)
def rollup_export(scale: Scale, as_of: dt.date, place: str, statuses: tuple[str, ...] | None, fmt: str, lang: str,
                  limit: int) -> bytes:
    """The first ``limit`` compounds of ``place`` (and ``statuses``) on ``as_of`` as ``fmt`` bytes
    (``geo.export.export_compounds``: never a formula), read page by page (``geo.rollup.compounds_of_scope``).
    Built by a deferred download (no script context): no st.* calls."""
    rows = rollup.compounds_of_scope(open_store(scale.store_url), as_of, subdistricts=_scope_subdistricts(scale, place),
                                     statuses=statuses, limit=limit)
    return export.export_compounds(rows, fmt, as_of=as_of, lang=lang, programme=scale.programme)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_SCALE)
def compounds_count(scale: Scale, as_of: dt.date, place: str, statuses: tuple[str, ...] | None) -> int:
    """``Store.count_compounds`` of ``place`` (and ``statuses``) on ``as_of``: counted once per place,
    statuses and date, whichever page is shown."""
    return open_store(scale.store_url).count_compounds(as_of, subdistricts=_scope_subdistricts(scale, place),
                                                       statuses=statuses)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_SCALE)
def rollup_record(scale: Scale, compound_id: str, as_of: dt.date, lang: str, lon: float,
                  lat: float) -> record.RecordView | None:
    """The record of one compound from the store's rows of it (``geo.record.record_from_rows``), labelled
    in ``lang``; ``lon``/``lat``: its point. None for an id the store does not have."""
    try:
        rec = record.record_from_rows(open_store(scale.store_url).compound(compound_id), as_of, lon=lon, lat=lat)
    except record.UnknownCompound:
        return None
    return record.record_view(rec, lang, scale.programme)


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
@st.cache_resource(show_spinner=False)
def upload_limit_checked(limit_mb: int, server_mb: int) -> bool:
    """Log once per server when Streamlit's own upload limit (``server.maxUploadSize``) is not the
    import limit; True when they agree. scripts/run.sh sets it from the settings."""
    if server_mb != limit_mb:
        _LOG.warning("server.maxUploadSize is %s MB but QY_IMPORT_MAX_MB is %s MB: start the app with "
                     "scripts/run.sh (it passes --server.maxUploadSize from the settings)", server_mb, limit_mb)
    return server_mb == limit_mb


# multiprocessing runs this server's launcher script again in each file reader; with what it
# imports preloaded a reader starts in ~0.02 s instead of ~0.5 s (geo.imports.sandbox.preload).
sandbox.preload("streamlit.web.cli")


@st.cache_resource(ttl=_TTL, max_entries=2, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def upload_checked(loaded: Loaded, data: bytes, filename: str, options_json: str) -> pipeline.Checked | UnreadableFile:
    """``geo.imports.pipeline.check_upload`` of an uploaded file against the loaded data.

    ``options_json``: ``UploadOptions`` as JSON. A file that cannot be read gives its
    UnreadableFile (returned, so it is cached too: a file that takes the reader's whole
    time limit is read once, not on every rerun). Read-only results: never mutate them.
    """
    fields = json.loads(options_json)
    options = pipeline.UploadOptions.of(choice=fields.get("choice"), encoding=fields.get("encoding"),
                                        crs=fields.get("crs"), mapping=fields.get("mapping"))
    try:
        return pipeline.check_upload(data, filename, loaded.dataset, options)
    except UnreadableFile as exc:
        return exc


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def compound_choices(loaded: Loaded, subdistrict: str | None) -> dict[str, str]:
    """compound_id -> label for the progress page's chooser (``geo.audit.compound_choices``)."""
    return choices(loaded.dataset.compounds, subdistrict)


# --- construction: the /schedule page, the explorer's record chart and alert layer ----------------------
def _scope(loaded: Loaded, area: str | None, subdistrict: str | None) -> Any:
    return metrics.filter_dataset(loaded.dataset, area=area, subdistrict=subdistrict)


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def construction_stats(loaded: Loaded, as_of: dt.date, area: str | None = None,
                       subdistrict: str | None = None) -> dict[str, Any]:
    """``geo.metrics.construction_stats`` (sequencing, issues, daily) of an area or subdistrict on ``as_of``."""
    return metrics.construction_stats(_scope(loaded, area, subdistrict), as_of)


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def findings(loaded: Loaded, as_of: dt.date, area: str | None = None, subdistrict: str | None = None) -> pd.DataFrame:
    """``geo.schedule.rules.check_sequence`` of an area or subdistrict (all when both None) on ``as_of``."""
    return check_sequence(_scope(loaded, area, subdistrict), as_of)


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def daily(loaded: Loaded, day: dt.date, as_of: dt.date, area: str | None = None,
          subdistrict: str | None = None) -> pd.DataFrame:
    """``geo.schedule.daily.daily_table`` of ``day`` as known on ``as_of`` for an area or subdistrict."""
    return daily_table(_scope(loaded, area, subdistrict), day, as_of=as_of)


@st.cache_data(ttl=_TTL, max_entries=32, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def area_phases(loaded: Loaded, as_of: dt.date, area: str | None, subdistrict: str | None, lang: str, sort: str,
                everything: bool) -> pd.DataFrame:
    """``geo.schedule.chart.area_phases`` of an area or subdistrict (``everything``: all compounds, not only
    those on site around ``as_of``)."""
    return chart.area_phases(_scope(loaded, area, subdistrict), as_of, lang=lang, sort=sort,
                             window_days=None if everything else 56)


@st.cache_data(ttl=_TTL, max_entries=64, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def compound_chart(loaded: Loaded, compound_id: str, as_of: dt.date, lang: str) -> dict[str, Any]:
    """The handover timing chart of one compound (a Vega-Lite spec) and its findings, on ``as_of``."""
    timeline = chart.compound_timeline(loaded.dataset, compound_id, as_of, lang=lang)
    return {"spec": chart.compound_chart(timeline, lang), "findings": timeline["findings"],
            "rows": len(timeline["order"])}


@st.cache_data(ttl=_TTL, max_entries=16, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def issues(loaded: Loaded, as_of: dt.date, area: str | None = None, subdistrict: str | None = None) -> pd.DataFrame:
    """The issue log of an area or subdistrict as known on ``as_of`` (``geo.asof.issues_known_on``)."""
    return issues_known_on(_scope(loaded, area, subdistrict).issue_log, as_of)


@st.cache_data(ttl=_TTL, max_entries=8, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def dispatch_report(loaded: Loaded, day: dt.date, lang: str, fmt: str, area: str | None = None,
                    subdistrict: str | None = None) -> bytes:
    """The next-morning dispatch report (``geo.reports.daily.report_bytes``) as PDF or XLSX bytes.

    Also called from a deferred download (no script context): no st.* calls.
    """
    return daily_report.report_bytes(loaded.dataset, day, area=area, subdistrict=subdistrict, lang=lang, fmt=fmt)


@st.cache_data(ttl=_TTL, max_entries=8, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def daily_sheet(loaded: Loaded, day: dt.date, as_of: dt.date, lang: str, area: str | None = None,
                subdistrict: str | None = None) -> bytes:
    """The contractors' daily sheet of ``day`` (``geo.schedule.sheet.sheet_xlsx``) as XLSX bytes (deferred download)."""
    return sheet_xlsx(_scope(loaded, area, subdistrict), day, as_of=as_of, lang=lang)


@st.cache_resource(ttl=_TTL, max_entries=2, show_spinner=False, hash_funcs=_BY_FINGERPRINT)
def sheet_checked(loaded: Loaded, data: bytes, filename: str) -> Any:
    """A contractor's daily sheet read and checked (``geo.schedule.sheet.read_sheet``) against the loaded data.

    Raises geo.imports.issues.UnreadableFile. Read-only result: never mutate it.
    """
    return read_sheet(pipeline.read_upload(data, filename), loaded.dataset)
