"""The planners' filter: a typed model, the filtered compound table, and the URL form.

``CompoundFilter`` says which compounds a planner wants (areas, subdistricts,
derived statuses, batches, works, ranges). Areas and subdistricts are the programme's
(``Dataset.programme``): their options and order come from it. The as-of date is not
part of a filter: it is the shell's (``dashboard.state``) and is passed beside it.
``summarize_compounds`` gives every compound as known on one as-of date, with the
per-compound columns the explorer shows (status, days late, elevators, EV chargers,
funding, works), all from the rules of ``geo.asof``; ``apply_filters`` keeps the
rows the filter selects.
``to_query_params`` / ``from_query_params`` turn a filter into URL query parameters
and back, dropping anything malformed, so a copied link reopens the same view.
Geometries stay WGS-84 (EPSG:4326); money is in 万元.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from shapely.geometry.base import BaseGeometry

from geo import asof, schema
from geo.asof import AsOf, AsOfLike
from geo.dataset import Dataset
from geo.i18n import bilingual, choices, t, vocab, with_unit
from geo.programme import Programme
from geo.spatial import select_within

#: Work filter key for "has added elevators" (elevators are their own table, not a work).
ELEVATOR = "elevator"
#: Everything the works filter accepts, in display order.
WORK_FILTER_KEYS: tuple[str, ...] = (ELEVATOR, *schema.WORK_KEYS)


def area_options(programme: Programme) -> tuple[str, ...]:
    """Area filter values: the programme's areas, then NO_AREA (compounds outside every area)."""
    return (*programme.area_names, schema.NO_AREA)


def subdistrict_options(programme: Programme) -> tuple[str, ...]:
    """Subdistrict filter values, the key subdistricts first."""
    keys = programme.key_subdistricts
    return (*keys, *(s for s in programme.subdistrict_names if s not in keys))


#: Columns ``summarize_compounds`` adds to the compound layer.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "status", "days_late", "elevators", "elevators_planned", "ev_chargers", "funding_wan_yuan", "works",
)

#: URL key -> (model field, allowed values in canonical order). None: the programme's places,
#: kept sorted in the model and checked against the programme by ``from_query_params``.
_LIST_PARAMS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "area": ("areas", None),
    "subdistrict": ("subdistricts", None),
    "status": ("statuses", schema.STATUSES),
    "batch": ("batches", schema.BATCHES),
    "work": ("works", WORK_FILTER_KEYS),
}
_RANGE_PARAMS = {  # URL key -> (model field, int?)
    "built_min": ("year_built_min", True), "built_max": ("year_built_max", True),
    "hh_min": ("households_min", True), "hh_max": ("households_max", True),
    "fund_min": ("funding_min", False), "fund_max": ("funding_max", False),
}
#: Every query parameter this module reads or writes (others, e.g. ``lang`` and ``as_of``,
#: are the shell's and left alone).
QUERY_KEYS: tuple[str, ...] = (*_LIST_PARAMS, *_RANGE_PARAMS, "works_all")
_MAX_BOUND = 1e12
_Count = Annotated[int | None, Field(ge=0, le=_MAX_BOUND)]
_Money = Annotated[float | None, Field(ge=0, le=_MAX_BOUND, allow_inf_nan=False)]


def _canonical(values: Iterable[str], allowed: tuple[str, ...] | None, what: str) -> tuple[str, ...]:
    chosen = set(values)
    if allowed is None:
        return tuple(sorted(chosen))
    unknown = chosen - set(allowed)
    if unknown:
        raise ValueError(bilingual("error.unknown_values", what=what, values=choices(sorted(unknown)), valid=choices(allowed)))
    return tuple(v for v in allowed if v in chosen)


class CompoundFilter(BaseModel):
    """Which compounds to show. Empty tuples / None mean "no restriction".

    Lists are kept unique and in canonical (display) order, so equal filters compare
    equal and hash equal (usable as a cache key). A range whose min exceeds its max
    is swapped. Areas and subdistricts are names of the programme's places, kept sorted
    (the model does not know the programme: :func:`from_query_params` drops unknown ones;
    unknown names match no compound). ``works``: compounds with ANY of the listed works (ALL with
    ``works_all``); ``elevator`` = has added elevators (any stage). Funding is the
    compound's total in 万元 counted by the as-of date (``geo.asof.funding_to_date``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    areas: tuple[str, ...] = ()
    subdistricts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    batches: tuple[str, ...] = ()
    works: tuple[str, ...] = ()
    works_all: bool = False
    year_built_min: _Count = None
    year_built_max: _Count = None
    households_min: _Count = None
    households_max: _Count = None
    funding_min: _Money = None
    funding_max: _Money = None

    @field_validator("areas", "subdistricts", "statuses", "batches", "works", mode="after")
    @classmethod
    def _known(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        allowed = {f: a for f, a in _LIST_PARAMS.values()}[info.field_name]
        return _canonical(value, allowed, info.field_name)

    @model_validator(mode="after")
    def _ordered_ranges(self) -> CompoundFilter:
        for lo, hi in (("year_built_min", "year_built_max"), ("households_min", "households_max"),
                       ("funding_min", "funding_max")):
            a, b = getattr(self, lo), getattr(self, hi)
            if a is not None and b is not None and a > b:
                object.__setattr__(self, lo, b)
                object.__setattr__(self, hi, a)
        return self

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return self == CompoundFilter()


# --- per-compound summary --------------------------------------------------------------
def _count_by(frame: pd.DataFrame, mask: pd.Series, ids: pd.Series, value: str | None = None) -> np.ndarray:
    """Per compound in ``ids`` (order kept): number of rows, or sum of ``value``, where mask."""
    rows = frame[mask]
    grouped = rows.groupby("compound_id").size() if value is None else rows.groupby("compound_id")[value].sum()
    return grouped.reindex(ids).fillna(0).to_numpy()


def _works_per_compound(ds: Dataset, ids: pd.Series) -> list[tuple[str, ...]]:
    """Work keys of each compound (canonical order), 'elevator' first when it has any."""
    order = {k: i for i, k in enumerate(WORK_FILTER_KEYS)}
    pairs = pd.concat([ds.works[["compound_id", "work"]],
                       ds.elevators[["compound_id"]].assign(work=ELEVATOR)], ignore_index=True)
    pairs = pairs[pairs["work"].isin(order)].drop_duplicates()
    pairs = pairs.assign(_o=pairs["work"].map(order)).sort_values(["compound_id", "_o"])
    grouped = pairs.groupby("compound_id")["work"].agg(tuple)
    return [grouped.get(cid, ()) for cid in ids]


def summarize_compounds(ds: Dataset, as_of: AsOfLike = None) -> gpd.GeoDataFrame:
    """All compounds as known on ``as_of`` (new frame, 0..n-1 index, WGS-84) plus ``SUMMARY_COLUMNS``.

    Actual dates after as_of are blank (``geo.asof.known_on``). status: derived status;
    days_late: days behind plan; elevators: added (completed + under construction) by
    as_of, elevators_planned: not yet started; ev_chargers: chargers installed by as_of
    (quantity of finished ev_chargers works); funding_wan_yuan: 万元 counted by as_of;
    works: tuple of WORK_FILTER_KEYS the compound has (any date).
    """
    day = AsOf.of(as_of)
    c = ds.compounds.reset_index(drop=True)
    ids = c["compound_id"]
    added = asof.elevators_added(ds.elevators, day)
    out = asof.known_on(c, day)
    out["status"] = asof.derive_status(c, day)
    out["days_late"] = asof.days_late(c, day)
    out["elevators"] = _count_by(ds.elevators, added, ids).astype(int)
    out["elevators_planned"] = _count_by(ds.elevators, ~added, ids).astype(int)
    out["ev_chargers"] = _count_by(ds.works, asof.chargers_installed(ds.works, day), ids, "quantity").astype(int)
    money = asof.funding_to_date(ds.funding, day)
    out["funding_wan_yuan"] = np.round(_count_by(ds.funding, money, ids, "amount_wan_yuan").astype(float), 2)
    out["works"] = _works_per_compound(ds, ids)
    return out


# --- filtering --------------------------------------------------------------------------
def _in_range(values: pd.Series, lo: float | None, hi: float | None) -> pd.Series:
    mask = pd.Series(True, index=values.index)
    if lo is not None:
        mask &= values >= lo
    if hi is not None:
        mask &= values <= hi
    return mask


def _works_mask(works: pd.Series, wanted: tuple[str, ...], require_all: bool) -> pd.Series:
    want = set(wanted)
    test = (lambda have: want.issubset(have)) if require_all else (lambda have: not want.isdisjoint(have))
    return pd.Series([test(w) for w in works], index=works.index, dtype=bool)


def filter_mask(summary: pd.DataFrame, flt: CompoundFilter) -> pd.Series:
    """Boolean mask over a ``summarize_compounds`` frame: rows the filter keeps."""
    mask = pd.Series(True, index=summary.index)
    if flt.areas:  # NO_AREA selects the compounds outside every area
        mask &= summary["area"].fillna(schema.NO_AREA).replace("", schema.NO_AREA).isin(flt.areas)
    if flt.subdistricts:
        mask &= summary["subdistrict"].isin(flt.subdistricts)
    if flt.statuses:
        mask &= summary["status"].isin(flt.statuses)
    if flt.batches:
        mask &= summary["batch"].isin(flt.batches)
    if flt.works:
        mask &= _works_mask(summary["works"], flt.works, flt.works_all)
    mask &= _in_range(summary["year_built"], flt.year_built_min, flt.year_built_max)
    mask &= _in_range(summary["households"], flt.households_min, flt.households_max)
    mask &= _in_range(summary["funding_wan_yuan"], flt.funding_min, flt.funding_max)
    return mask


def apply_filters(ds: Dataset, flt: CompoundFilter, as_of: AsOfLike) -> gpd.GeoDataFrame:
    """Compounds the filter selects, as known on ``as_of`` with ``SUMMARY_COLUMNS`` (new frame).

    ``as_of`` (None = today) is the shell's date; see :func:`summarize_compounds`.
    """
    summary = summarize_compounds(ds, as_of)
    return summary[filter_mask(summary, flt)].reset_index(drop=True)


def selection_totals(frame: pd.DataFrame) -> dict[str, float | int]:
    """Counts and sums of a summarized selection: compounds, households, elevators
    (added), EV chargers (installed) and funding (万元)."""
    return {
        "compounds": int(len(frame)),
        "households": int(frame["households"].sum()),
        "elevators": int(frame["elevators"].sum()),
        "ev_chargers": int(frame["ev_chargers"].sum()),
        "funding_wan_yuan": round(float(frame["funding_wan_yuan"].sum()), 2),
    }


# --- URL query parameters ------------------------------------------------------------------
def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def to_query_params(flt: CompoundFilter) -> dict[str, str]:
    """The filter as URL query parameters (defaults left out; lists comma-separated)."""
    params: dict[str, str] = {}
    for key, (name, _) in _LIST_PARAMS.items():
        if getattr(flt, name):
            params[key] = ",".join(getattr(flt, name))
    if flt.works_all:
        params["works_all"] = "1"
    for key, (name, _) in _RANGE_PARAMS.items():
        if getattr(flt, name) is not None:
            params[key] = _number(getattr(flt, name))
    return params


def _values(raw: Any) -> list[str]:
    """A query value (str, or list of str for repeated keys) as a flat list of items."""
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    return [part.strip() for item in items if isinstance(item, str) for part in item.split(",")]


def _parse_number(raw: Any, integer: bool) -> float | int | None:
    text = (_values(raw) or [""])[-1]
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or not 0 <= value <= _MAX_BOUND:
        return None
    if integer:
        return int(value) if value.is_integer() else None
    return value


def filter_from_url(params: Mapping[str, Any], programme: Programme,
                    default: CompoundFilter | None = None) -> CompoundFilter:
    """The URL's filter when ``params`` name one (any of ``QUERY_KEYS``), else ``default`` (else none)."""
    if any(key in params for key in QUERY_KEYS):
        return from_query_params(params, programme)
    return default or CompoundFilter()


def from_query_params(params: Mapping[str, Any], programme: Programme) -> CompoundFilter:
    """A filter from URL query parameters; unknown keys and malformed values are dropped
    (:func:`parse_query_params` says which), and so are areas and subdistricts that are not ``programme``'s.

    Values may be strings (comma-separated lists) or lists of strings (repeated keys).
    Never raises for bad input: the worst case is the empty filter.
    """
    return parse_query_params(params, programme)[0]


def parse_query_params(params: Mapping[str, Any], programme: Programme) -> tuple[CompoundFilter, list[tuple[str, str]]]:
    """The filter of the URL's query ``params`` and the (key, value) pairs of ``QUERY_KEYS`` it
    ignored because they are malformed or unknown (an unknown area, ``hh_min=lots``), in URL order."""
    places = {"area": area_options(programme), "subdistrict": programme.subdistrict_names}
    fields: dict[str, Any] = {}
    ignored: list[tuple[str, str]] = []
    for key, (name, allowed) in _LIST_PARAMS.items():
        if key in params:
            items = [v for v in _values(params[key]) if v]
            fields[name] = tuple(v for v in items if v in (allowed or places[key]))
            ignored += [(key, v) for v in items if v not in fields[name]]
    if key_value := _values(params.get("works_all", "")):
        fields["works_all"] = key_value[-1].lower() in ("1", "true", "yes")
        if key_value[-1].lower() not in ("", "0", "1", "true", "false", "yes", "no"):
            ignored.append(("works_all", key_value[-1]))
    for key, (name, integer) in _RANGE_PARAMS.items():
        if key in params:
            fields[name] = _parse_number(params[key], integer)
            if fields[name] is None:
                ignored.append((key, ",".join(_values(params[key]))))
    return CompoundFilter(**fields), ignored


# --- spatial selection (map drawings and the map view) -------------------------------------
def shape_from_drawing(drawing: Any) -> BaseGeometry | None:
    """A Leaflet.draw result (GeoJSON Feature or geometry, WGS-84) as a shapely polygon.

    Rectangles and polygons give a Polygon; a list of drawings (``all_drawings``) gives
    their union; anything else (lines, markers, garbage) gives None.
    """
    if isinstance(drawing, (list, tuple)):
        shapes = [s for s in (shape_from_drawing(d) for d in drawing) if s is not None]
        return shapely.union_all(shapes) if shapes else None
    if not isinstance(drawing, Mapping):
        return None
    geometry = drawing.get("geometry", drawing) if drawing.get("type") == "Feature" else drawing
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception:
        return None
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
        return None
    return shape if shape.is_valid else shapely.make_valid(shape)


def shape_from_bounds(bounds: Any) -> BaseGeometry | None:
    """The box of an ``st_folium`` ``bounds`` dict ({_southWest: {lat, lng}, _northEast: ...})."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        west, south, east, north = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (KeyError, TypeError, ValueError):
        return None
    if not all(map(math.isfinite, (west, south, east, north))) or west >= east or south >= north:
        return None
    return shapely.box(west, south, east, north)


#: What the explorer's table lists: every filtered compound, those in the drawn shape, those in the map's view.
SCOPES: tuple[str, ...] = ("all", "drawn", "view")


def scope_shape(scope: str, drawings: Any, bounds: Any) -> BaseGeometry | None:
    """The shape that narrows the selection for ``scope``: the drawings (``all_drawings``) for
    "drawn", the map's ``bounds`` for "view", None (no narrowing) otherwise or when unusable."""
    if scope == "drawn":
        return shape_from_drawing(drawings)
    if scope == "view":
        return shape_from_bounds(bounds)
    return None


def select_in(frame: gpd.GeoDataFrame, shape: BaseGeometry | None) -> gpd.GeoDataFrame:
    """Rows of a WGS-84 frame inside ``shape`` (boundary included); all rows when None."""
    if shape is None:
        return frame
    return select_within(frame, shape).reset_index(drop=True)


# --- the filter form (widgets) -------------------------------------------------------------------
#: List filters: (option kind for :func:`option_label`, CompoundFilter field, label key).
FORM_LISTS: tuple[tuple[str, str, str], ...] = (
    ("area", "areas", "explorer.area"), ("subdistrict", "subdistricts", "explorer.subdistrict"),
    ("status", "statuses", "explorer.status"), ("batch", "batches", "explorer.batch"), ("work", "works", "explorer.works"),
)
#: Range filters: (name, i.e. extent key of :func:`range_extents`, label key, slider step).
FORM_RANGES: tuple[tuple[str, str, float | int], ...] = (
    ("year_built", "explorer.year_built", 1), ("households", "explorer.households", 1), ("funding", "explorer.funding", 1.0),
)
#: Every value of the form (the keys of :func:`form_values`).
FORM_FIELDS: tuple[str, ...] = (*(name for _, name, _ in FORM_LISTS), "works_all", *(name for name, _, _ in FORM_RANGES))
_RANGE_FIELDS = {"year_built": ("year_built_min", "year_built_max", int), "households": ("households_min", "households_max", int),
                 "funding": ("funding_min", "funding_max", float)}


def form_options(kind: str, programme: Programme) -> tuple[str, ...]:
    """The options of a list filter (``FORM_LISTS`` kind), in display order."""
    return {"area": area_options(programme), "subdistrict": subdistrict_options(programme), "status": schema.STATUSES,
            "batch": schema.BATCHES, "work": WORK_FILTER_KEYS}[kind]


def form_values(flt: CompoundFilter, extents: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """The filter form's values for ``flt``: a list per list filter, ``works_all``, and a
    (low, high) slider value per range filter (clamped to ``extents``; funding as floats)."""
    values: dict[str, Any] = {name: list(getattr(flt, name)) for _, name, _ in FORM_LISTS}
    values["works_all"] = flt.works_all
    for name, (lo, hi, kind) in _RANGE_FIELDS.items():
        low, high = range_from_bounds(getattr(flt, lo), getattr(flt, hi), extents[name])
        values[name] = (kind(low), kind(high))
    return values


def filter_from_form(values: Mapping[str, Any], extents: Mapping[str, tuple[float, float]]) -> CompoundFilter:
    """The filter the form's ``values`` say (see :func:`form_values`); a slider end at its extent is open."""
    fields: dict[str, Any] = {name: tuple(values[name]) for _, name, _ in FORM_LISTS}
    fields["works_all"] = bool(values["works_all"])
    for name, (lo, hi, kind) in _RANGE_FIELDS.items():
        low, high = bounds_from_range(values[name], extents[name])
        fields[lo], fields[hi] = (None if low is None else kind(low)), (None if high is None else kind(high))
    return CompoundFilter(**fields)


def range_extents(summary: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Slider extents for the range filters: year built, households and funding (万元, whole)."""
    def ext(col: str) -> tuple[float, float]:
        values = summary[col].dropna()
        if values.empty:
            return (0, 0)
        return (int(math.floor(values.min())), int(math.ceil(values.max())))
    return {"year_built": ext("year_built"), "households": ext("households"), "funding": ext("funding_wan_yuan")}


def bounds_from_range(value: tuple[float, float], extent: tuple[float, float]) -> tuple[float | None, float | None]:
    """A slider value as (min, max) filter bounds: an end at the extent means "open" (None)."""
    lo, hi = value
    return (None if lo <= extent[0] else lo, None if hi >= extent[1] else hi)


def range_from_bounds(lo: float | None, hi: float | None, extent: tuple[float, float]) -> tuple[float, float]:
    """Filter bounds as a slider value, clamped to the extent (None = the extent's end)."""
    low = extent[0] if lo is None else min(max(lo, extent[0]), extent[1])
    high = extent[1] if hi is None else min(max(hi, extent[0]), extent[1])
    return (min(low, high), max(low, high))


def option_label(kind: str, key: str, lang: str, programme: Programme) -> str:
    """Label of a filter option: kind is area, subdistrict, status, batch or work."""
    if kind == "area" and key == schema.NO_AREA:
        return t("explorer.no_area", lang)
    if kind == "work":
        return t("work.elevator", lang) if key == ELEVATOR else vocab("work", key, lang)
    if kind == "subdistrict" and key in programme.key_subdistricts:
        return f"{vocab('subdistrict', key, lang, programme)} ★"
    return vocab(kind, key, lang, programme)


#: Columns of the explorer's table, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "compound_id", "name", "subdistrict", "area", "status", "batch", "year_built", "households",
    "floor_area_m2", "elevators", "ev_chargers", "funding_wan_yuan", "days_late",
)
#: The roll-up explorer's table pages (``Store.compounds_page``: the compounds layer and the status).
PAGE_COLUMNS: tuple[str, ...] = (
    "compound_id", "name", "subdistrict", "area", "status", "batch", "year_built", "households",
    "floor_area_m2", "actual_finish",
)
#: Units in the table's headers (``geo.i18n`` keys): every one in Chinese, in English those a
#: count word does not already say (m², 10k yuan).
_TABLE_UNITS = {"households": "unit.households", "floor_area_m2": "unit.m2_symbol", "elevators": "unit.elevators",
                "ev_chargers": "unit.chargers", "funding_wan_yuan": "unit.wan_yuan", "days_late": "unit.days"}
_EN_UNITS = frozenset({"floor_area_m2", "funding_wan_yuan"})
#: What an empty place or batch means, as the table says it (never a blank or ``None``).
_NONE_LABELS = {"subdistrict": "explorer.none", "area": "explorer.no_area", "batch": "explorer.no_batch"}


def table_header(column: str, lang: str) -> str:
    """The explorer table's header of ``column`` in ``lang``, with its unit: 累计资金（万元）."""
    unit = _TABLE_UNITS.get(column) if lang != "en" or column in _EN_UNITS else None
    return with_unit(t(f"field.{column}", lang), t(unit, lang) if unit else "", lang)


def _labels(values: pd.Series, kind: str, lang: str, programme: Programme) -> pd.Series:
    """Codes as labels in ``lang``; empty ones (no area, no batch) as what they mean."""
    empty = t(_NONE_LABELS[kind], lang)
    return values.map(lambda v: vocab(kind, v, lang, programme) if isinstance(v, str) and v else empty)


def table_view(frame: pd.DataFrame, lang: str, programme: Programme,
               columns: tuple[str, ...] = TABLE_COLUMNS) -> pd.DataFrame:
    """The explorer's table: ``columns`` (default ``TABLE_COLUMNS``; the roll-up's pages:
    ``PAGE_COLUMNS``) with labelled values and headers (with units) in ``lang``.

    Same row order as ``frame`` (row i of the view is row i of the frame). No cell is blank: a
    compound outside every area says so (片区以外), one with no batch is no renovation target
    (非改造对象). Floor area in m² (1 decimal), funding in 万元.
    """
    out = pd.DataFrame(frame[list(columns)]).reset_index(drop=True)
    labelled = [kind for kind in ("subdistrict", "area", "batch") if kind in out.columns]
    for kind in labelled:
        out[kind] = _labels(out[kind], kind, lang, programme)
    if "status" in out.columns:
        out["status"] = out["status"].map(lambda v: vocab("status", v, lang))
        labelled.append("status")
    if "floor_area_m2" in out.columns:
        out["floor_area_m2"] = out["floor_area_m2"].astype(float).round(1)
    for c in [c for c in out.columns if pd.api.types.is_datetime64_any_dtype(out[c])]:
        out[c] = out[c].dt.strftime("%Y-%m-%d").fillna("—")  # a date not reached (or not known yet): —
    # Sent to the browser as Arrow: labels with few distinct values as categories (dictionary-
    # encoded) and counts as int32 take 1.41 MB down to 0.75 MB at 10,000 rows.
    out = out.astype({c: "category" for c in labelled})
    out = out.astype({c: "int32" for c in out.columns if pd.api.types.is_integer_dtype(out[c])})
    return out.rename(columns={c: table_header(c, lang) for c in columns})
