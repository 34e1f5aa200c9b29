"""The store: the only code that touches a file or a database.

``open_store(url)`` returns a :class:`Store` (the interface, ``geo.store.base``) for a
store URL; without one it opens the configured store (``QY_STORE``, see geo.settings):

- ``gpkg:PATH`` or a plain file path: one GeoPackage file (``geo.store.gpkg``);
- ``postgresql://USER@HOST:PORT/DATABASE?schema=NAME``: one schema of a PostgreSQL +
  PostGIS database (``geo.store.postgis``; schema default ``qy``).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from geo.settings import get_settings
from geo.store.base import (
    AUDIT_COLUMNS,
    EDIT_KEYS,
    Change,
    CompoundRows,
    EditConflict,
    History,
    Loaded,
    Store,
    StoreBusy,
    StoreChanged,
    StoreError,
    StoreUnavailable,
    UserRecord,
    Version,
    bilingual,
)
from geo.store.gpkg import open_gpkg

__all__ = [
    "AUDIT_COLUMNS", "EDIT_KEYS", "Change", "CompoundRows", "EditConflict", "History", "Loaded", "Store", "StoreBusy",
    "StoreChanged", "StoreError", "StoreUnavailable", "UserRecord", "Version", "display_url", "open_store",
    "scratch_url",
]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")  # two letters at least: "C:\\..." is a path
_SERVER_SCHEMES = ("postgresql", "postgres")


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """The store at ``url`` (default: ``QY_STORE``, else the working copy of the sample).

    StoreUnavailable when the PostgreSQL driver is not installed, StoreError for an
    unknown scheme or a bad schema name; all bilingual. Nothing is connected yet.
    """
    text = os.fspath(url) if url is not None else get_settings().store_url
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else ""
    if scheme == "gpkg":
        rest = text[match.end():] if match else text
        return open_gpkg(rest[2:] if rest.startswith("//") else rest)
    if not scheme:
        return open_gpkg(text)
    if scheme in _SERVER_SCHEMES:
        try:
            from geo.store.postgis import open_postgis
        except ImportError:  # psycopg missing: the GeoPackage store still works
            raise StoreUnavailable(bilingual("store.unavailable", scheme=scheme, url=display_url(text))) from None
        return open_postgis(text)
    raise StoreError(bilingual("store.bad_url", url=text))


def scratch_url(folder: str | os.PathLike[str], name: str = "store") -> str:
    """URL of a new store called ``name`` in a scratch ``folder`` (benchmarks, screenshots, tests)."""
    return f"gpkg:{Path(folder) / name}.gpkg"


def display_url(url: str) -> str:
    """The URL with any ``user:password@`` reduced to ``user@`` (for messages)."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1@", url)
