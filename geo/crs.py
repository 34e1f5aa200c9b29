"""Coordinate conversions between WGS-84, CGCS2000, GCJ-02 (AMap, Tencent) and BD-09 (Baidu).

CGCS2000 is treated as equal to WGS-84 (they differ by centimetres at this scale).
GCJ-02 is the obfuscated datum every basemap licensed in China uses; BD-09 is
Baidu's further shift of it. All functions are vectorised over numpy arrays; points
outside China's rough bounding box pass unchanged, as the official algorithm does.
Inverse conversions iterate until the forward conversion reproduces the input to
better than 1e-10 degrees (about 0.01 mm).
"""
from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely

from geo.i18n import bilingual, choices

CRS_NAMES: tuple[str, ...] = ("wgs84", "cgcs2000", "gcj02", "bd09")
_ALIASES = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84",
    "cgcs2000": "wgs84", "epsg:4490": "wgs84", "4490": "wgs84",
    "gcj02": "gcj02", "gcj-02": "gcj02", "amap": "gcj02", "gaode": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "baidu": "bd09",
}
_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
_TOL_DEG = 1e-10
_MAX_ITER = 30

Array = np.ndarray


def normalize_crs_name(name: str) -> str:
    """Return the canonical name ('wgs84', 'gcj02' or 'bd09') for a CRS name or alias.

    Raises ValueError naming the valid choices for anything else.
    """
    key = str(name).strip().lower()
    if key not in _ALIASES:
        raise ValueError(bilingual("error.unknown_crs", name=name, valid=choices(CRS_NAMES)))
    return _ALIASES[key]


def out_of_china(lon: Array, lat: Array) -> Array:
    """Boolean mask of points outside China's rough box (the conversions leave them unchanged)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: Array, lat: Array) -> tuple[Array, Array]:
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: Array, lat: Array) -> tuple[Array, Array]:
    """WGS-84 degrees -> GCJ-02 degrees (arrays or scalars)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    outside = out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def gcj02_to_bd09(lon: Array, lat: Array) -> tuple[Array, Array]:
    """GCJ-02 degrees -> BD-09 degrees."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    outside = out_of_china(x, y)
    return (np.where(outside, x, z * np.cos(theta) + 0.0065),
            np.where(outside, y, z * np.sin(theta) + 0.006))


def _invert(forward: Callable[[Array, Array], tuple[Array, Array]],
            lon: Array, lat: Array) -> tuple[Array, Array]:
    """Invert a near-identity forward conversion by fixed-point iteration."""
    tlon, tlat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    glon, glat = tlon.copy(), tlat.copy()
    for _ in range(_MAX_ITER):
        flon, flat = forward(glon, glat)
        elon, elat = flon - tlon, flat - tlat
        glon, glat = glon - elon, glat - elat
        if np.all(np.abs(elon) < _TOL_DEG) and np.all(np.abs(elat) < _TOL_DEG):
            break
    return glon, glat


def gcj02_to_wgs84(lon: Array, lat: Array) -> tuple[Array, Array]:
    """GCJ-02 degrees -> WGS-84 degrees, iterated to < 1e-10 degree residual."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon: Array, lat: Array) -> tuple[Array, Array]:
    """BD-09 degrees -> GCJ-02 degrees, iterated to < 1e-10 degree residual."""
    return _invert(gcj02_to_bd09, lon, lat)


def convert(lon: Array, lat: Array, src: str, dst: str) -> tuple[Array, Array]:
    """Convert coordinates between any two of wgs84 / cgcs2000 / gcj02 / bd09 (degrees)."""
    src, dst = normalize_crs_name(src), normalize_crs_name(dst)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if src == dst:
        return lon.copy(), lat.copy()
    if src == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    elif src == "wgs84":
        lon, lat = wgs84_to_gcj02(lon, lat)
    # now in GCJ-02
    if dst == "bd09":
        return gcj02_to_bd09(lon, lat)
    if dst == "wgs84":
        return gcj02_to_wgs84(lon, lat)
    return lon, lat


def convert_geometries(geoms: Array, src: str, dst: str) -> Array:
    """Convert an array of shapely geometries (any type) between the named CRSs."""
    def _fn(coords: Array) -> Array:
        x, y = convert(coords[:, 0], coords[:, 1], src, dst)
        return np.column_stack([x, y])
    return shapely.transform(np.asarray(geoms, dtype=object), _fn)


def convert_geoseries(series: gpd.GeoSeries, src: str, dst: str) -> gpd.GeoSeries:
    """Return a new GeoSeries converted between the named CRSs; its CRS stays EPSG:4326.

    A GeoSeries in GCJ-02 or BD-09 is labelled EPSG:4326 by convention (its numbers
    are degrees); the caller names what the numbers really are with ``src``.
    """
    out = convert_geometries(series.values, src, dst)
    return gpd.GeoSeries(out, index=series.index, crs=series.crs or "EPSG:4326")


def convert_frame(frame: gpd.GeoDataFrame, src: str, dst: str) -> gpd.GeoDataFrame:
    """Return a copy of a GeoDataFrame with its active geometry converted."""
    out = frame.copy()
    out[frame.geometry.name] = convert_geoseries(frame.geometry, src, dst)
    return out
