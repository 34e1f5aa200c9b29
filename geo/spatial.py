"""Spatial operations: assignment by location, selection by polygon, metric lengths/areas.

Inputs and outputs are WGS-84 (EPSG:4326); measurements go through ``settings.METRIC_CRS``
(UTM 48N) and come back in metres / square metres.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.i18n import bilingual
from geo.settings import METRIC_CRS, STORAGE_CRS


def _require_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> None:
    if frame.crs is None:
        raise ValueError(bilingual("error.no_crs"))


def locate(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, name_col: str) -> pd.Series:
    """Name (``name_col``) of the polygon containing each point; None where none does.

    Where polygons overlap, the first polygon in ``polygons`` order wins.
    """
    _require_crs(points)
    _require_crs(polygons)
    polys = polygons.to_crs(points.crs)[[name_col, polygons.geometry.name]].reset_index(drop=True)
    joined = gpd.sjoin(points[[points.geometry.name]], polys, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined[name_col].reindex(points.index).astype(object).where(lambda s: s.notna(), None)


def assign_by_location(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, *,
                       name_col: str, target_col: str, only_missing: bool = True) -> gpd.GeoDataFrame:
    """Return a copy of ``points`` with ``target_col`` filled from the containing polygon.

    With ``only_missing`` (default) stated values are kept and only empty ones filled.
    """
    out = points.copy()
    found = locate(points, polygons, name_col)
    if target_col not in out.columns:
        out[target_col] = None
    if only_missing:
        current = out[target_col].astype(object)
        missing = current.isna() | (current.astype(str).str.strip() == "")
        out[target_col] = current.where(~missing, found)
    else:
        out[target_col] = found
    return out


def select_within(frame: gpd.GeoDataFrame, polygon: BaseGeometry,
                  polygon_crs: str = STORAGE_CRS) -> gpd.GeoDataFrame:
    """Rows of ``frame`` whose geometry lies inside ``polygon`` (boundary included)."""
    _require_crs(frame)
    poly = gpd.GeoSeries([polygon], crs=polygon_crs).to_crs(frame.crs).iloc[0]
    shapely.prepare(poly)
    mask = shapely.covers(poly, frame.geometry.values)
    return frame[mask]


def length_m(geoms: gpd.GeoSeries) -> pd.Series:
    """Length of each geometry in metres (measured in UTM 48N)."""
    _require_crs(geoms)
    return geoms.to_crs(METRIC_CRS).length
