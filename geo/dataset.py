"""The in-memory data set: every layer of the store in one immutable container.

Layers that declare their columns (:data:`LAYER_FIELDS`) are conformed whatever their
source: a layer a store does not have yet (a store written before the layer existed)
is an empty frame with those columns (:func:`empty_layer`), and a declared column a
stored layer lacks is added, empty (:func:`conform_layer`). So a store of any age loads.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

import geopandas as gpd
import pandas as pd

from geo import schema
from geo.programme import PROGRAMME_TABLES, Programme, programme_from_tables
from geo.schedule import model as schedule_model
from geo.settings import STORAGE_CRS

DATE_COLUMNS = ("plan_start", "plan_finish", "actual_start", "actual_finish", "completed_date",
                "date", "plan_date", "actual_date", "due")
#: Columns holding a date and a time (stored as 'YYYY-MM-DD HH:MM:SS' text).
DATETIME_COLUMNS = ("reported_at", "raised_at", "resolved_at")
#: Layer name -> kind; the order is the order written to the GeoPackage.
LAYERS: dict[str, str] = {
    "district": "polygon",
    "subdistricts": "polygon",
    "areas": "polygon",
    "compounds": "point",
    "footprints": "polygon",
    "greenways": "line",
    "sites": "point",
    "works": "table",
    "elevators": "table",
    "funding": "table",
    **{name: "table" for name in PROGRAMME_TABLES},  # the programme: places, areas, targets
    "handovers": "table",  # work-face handovers (geo.schedule.model)
    "daily_progress": "table",  # daily progress reports
    "issue_log": "table",  # issues raised on the sites
}
#: Layers that declare their columns: a store without the layer loads it empty with these
#: columns, and a declared column the stored layer lacks is added (empty).
LAYER_FIELDS: dict[str, tuple[schema.Field, ...]] = {
    "works": schema.WORK_FIELDS,
    "elevators": schema.ELEVATOR_FIELDS,
    "funding": schema.FUNDING_FIELDS,
    "handovers": schedule_model.HANDOVER_FIELDS,
    "daily_progress": schedule_model.DAILY_FIELDS,
    "issue_log": schedule_model.ISSUE_FIELDS,
}
_EMPTY_DTYPES = {"text": "object", "integer": "Int64", "real": "float64", "boolean": "object",
                 "date": "datetime64[ns]", "datetime": "datetime64[ns]"}


def empty_layer(name: str) -> pd.DataFrame:
    """The layer ``name`` with no rows and its declared columns (KeyError for a layer that declares none)."""
    specs = LAYER_FIELDS[name]
    frame = pd.DataFrame({f.name: pd.Series(dtype=_EMPTY_DTYPES.get(f.dtype, "object")) for f in specs})
    if LAYERS[name] != "table":
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=STORAGE_CRS), crs=STORAGE_CRS)
    return frame


def conform_layer(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with every column the layer declares (missing ones added empty); the empty layer
    for None. Frames that have all their columns are returned as they are (no copy)."""
    if frame is None:
        return empty_layer(name)
    specs = LAYER_FIELDS.get(name, ())
    missing = [f for f in specs if f.name not in frame.columns]
    if not missing:
        return frame
    out = frame.copy()
    for f in missing:
        dtype = _EMPTY_DTYPES.get(f.dtype, "object")
        blank = [None] * len(out) if dtype == "object" else None  # object: None, as a store reads it back
        out[f.name] = pd.Series(blank, index=out.index, dtype=dtype)
    return out


@dataclass(frozen=True)
class Dataset:
    """All layers, in WGS-84 (EPSG:4326). Dates are pandas datetime64 (NaT = none).

    Treat it as read-only: functions return new frames rather than mutate these.
    """

    district: gpd.GeoDataFrame
    subdistricts: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    compounds: gpd.GeoDataFrame
    footprints: gpd.GeoDataFrame
    greenways: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    works: pd.DataFrame
    elevators: pd.DataFrame
    funding: pd.DataFrame
    programme_info: pd.DataFrame
    programme_places: pd.DataFrame
    programme_areas: pd.DataFrame
    programme_targets: pd.DataFrame
    meta: dict[str, str] = field(default_factory=dict)
    #: Construction layers (geo.schedule.model); None = empty (e.g. a store written before they existed).
    handovers: pd.DataFrame = None
    daily_progress: pd.DataFrame = None
    issue_log: pd.DataFrame = None
    #: The programme the four ``programme_*`` tables define (checked when the data set is made).
    programme: Programme = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in LAYER_FIELDS:
            object.__setattr__(self, name, conform_layer(name, getattr(self, name)))
        object.__setattr__(self, "programme", programme_from_tables(
            self.programme_info, self.programme_places, self.programme_areas, self.programme_targets))

    @classmethod
    def from_layers(cls, layers: Mapping[str, pd.DataFrame | None], meta: Mapping[str, str]) -> Dataset:
        """A data set of the layers a store holds: a missing layer that declares its columns is
        empty (:func:`empty_layer`); any other missing layer is a KeyError naming it."""
        names = {f.name for f in fields(cls) if f.init and f.name != "meta"}
        lacking = [n for n in names if layers.get(n) is None and n not in LAYER_FIELDS]
        if lacking:
            raise KeyError(", ".join(sorted(lacking)))
        return cls(**{n: layers.get(n) for n in names}, meta=dict(meta))

    @property
    def illustrative(self) -> bool:
        """True while the data are the generated sample (label the UI '示意数据')."""
        return self.meta.get("illustrative", "false") == "true"

    def with_layers(self, **layers: pd.DataFrame) -> Dataset:
        """A copy with some layers replaced (its programme is read from the programme tables again
        when one of them is replaced, and shared otherwise)."""
        if PROGRAMME_TABLES.keys() & layers.keys():
            return replace(self, **layers)
        unknown = layers.keys() - {f.name for f in fields(self) if f.init}
        if unknown:
            raise TypeError(f"not layers of a data set: {', '.join(sorted(unknown))}")
        out = copy.copy(self)
        for name, frame in layers.items():
            object.__setattr__(out, name, frame)
        return out


def parse_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with the known date and date-time columns as datetime64 (ISO text or empty in)."""
    out = frame.copy()
    for col in (*DATE_COLUMNS, *DATETIME_COLUMNS):
        if col in out.columns:
            out[col] = pd.to_datetime(out[col].replace("", None), errors="raise", format="ISO8601")
    return out


def format_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with the known date columns as 'YYYY-MM-DD' text and the date-time columns as
    'YYYY-MM-DD HH:MM:SS' text (None for NaT)."""
    out = frame.copy()
    for columns, fmt in ((DATE_COLUMNS, "%Y-%m-%d"), (DATETIME_COLUMNS, "%Y-%m-%d %H:%M:%S")):
        for col in columns:
            if col in out.columns:
                values = pd.to_datetime(out[col])
                out[col] = values.dt.strftime(fmt).where(values.notna(), None)
    return out
