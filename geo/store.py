"""The embedded store: one GeoPackage file holding every layer (see data/README.md).

This module is the only code that reads or writes the data files. Pages and the
command line go through :func:`open_store`; a server database can replace
:class:`GpkgStore` later by offering the same methods.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
import warnings
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.dataset import LAYERS, Dataset, format_dates, parse_dates
from geo.settings import STORAGE_CRS, get_settings

META_TABLE = "meta"


class Store(Protocol):
    """What the app needs from a store."""

    def load(self) -> Dataset: ...
    def fingerprint(self) -> str: ...


class StoreError(RuntimeError):
    """The store cannot be read; the message says which file and why."""


class GpkgStore:
    """A data set kept in one GeoPackage (SQLite) file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def fingerprint(self) -> str:
        """Changes whenever the file changes (for cache keys)."""
        st = self.path.stat()
        return f"{self.path}:{st.st_mtime_ns}:{st.st_size}"

    def load(self) -> Dataset:
        """Read every layer; dates parsed, CRS EPSG:4326."""
        if not self.path.exists():
            raise StoreError(f"data store not found: {self.path} / 找不到数据文件 (set QY_STORE or run `python -m geo build-sample`)")
        present = {name for name, _ in pyogrio.list_layers(self.path)}
        missing = [name for name in LAYERS if name not in present]
        if missing:
            raise StoreError(f"{self.path}: missing layers {missing} / 数据文件缺少图层")
        layers = {name: self._read(name, kind) for name, kind in LAYERS.items()}
        return Dataset(**layers, meta=self._read_meta())

    def _read(self, name: str, kind: str) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            frame = pyogrio.read_dataframe(self.path, layer=name, read_geometry=kind != "table",
                                           use_arrow=True)
        if kind != "table":
            frame = frame.set_crs(STORAGE_CRS, allow_override=True) if frame.crs is None else frame.to_crs(STORAGE_CRS)
        elif "geometry" in frame.columns:
            frame = pd.DataFrame(frame.drop(columns="geometry"))
        return parse_dates(frame)

    def _read_meta(self) -> dict[str, str]:
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as con:
            rows = con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall()
        return {k: v for k, v in rows}

    def save(self, dataset: Dataset) -> None:
        """Write the whole data set to a new file, then atomically replace the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".gpkg", dir=self.path.parent)
        os.close(fd)
        os.unlink(tmp)
        try:
            for name, kind in LAYERS.items():
                _write_layer(Path(tmp), name, kind, getattr(dataset, name))
            with sqlite3.connect(tmp) as con:
                con.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                con.executemany(f"INSERT INTO {META_TABLE} VALUES (?, ?)", sorted(dataset.meta.items()))
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _write_layer(path: Path, name: str, kind: str, frame: pd.DataFrame) -> None:
    frame = format_dates(frame)
    if kind == "table":
        pyogrio.write_dataframe(pd.DataFrame(frame), path, layer=name, driver="GPKG")
        return
    gdf = gpd.GeoDataFrame(frame, geometry=frame.geometry.name, crs=frame.crs).to_crs(STORAGE_CRS)
    pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG", promote_to_multi=kind == "polygon")


def open_store(path: str | os.PathLike[str] | None = None) -> GpkgStore:
    """The configured store (``QY_STORE``, default the bundled sample)."""
    return GpkgStore(path or get_settings().store_path)
