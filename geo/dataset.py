"""The in-memory data set: every layer of the store in one immutable container."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, replace

import geopandas as gpd
import pandas as pd

from geo.programme import PROGRAMME_TABLES, Programme, programme_from_tables

DATE_COLUMNS = ("plan_start", "plan_finish", "actual_start", "actual_finish", "completed_date")
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
}


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
    #: The programme the four ``programme_*`` tables define (checked when the data set is made).
    programme: Programme = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "programme", programme_from_tables(
            self.programme_info, self.programme_places, self.programme_areas, self.programme_targets))

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
    """Return a copy with the known date columns as datetime64 (ISO text or empty in)."""
    out = frame.copy()
    for col in DATE_COLUMNS:
        if col in out.columns:
            out[col] = pd.to_datetime(out[col].replace("", None), errors="raise", format="ISO8601")
    return out


def format_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with the known date columns as 'YYYY-MM-DD' text (None for NaT)."""
    out = frame.copy()
    for col in DATE_COLUMNS:
        if col in out.columns:
            values = pd.to_datetime(out[col])
            out[col] = values.dt.strftime("%Y-%m-%d").where(values.notna(), None)
    return out
