"""Copy a whole store between backends (GeoPackage ⇄ PostGIS): every version's data, audit, tags and users.

Used by ``python -m geo migrate`` through ``geo.writes.copy_store`` (which checks the rights).
"""
from __future__ import annotations

from geo.i18n import bilingual
from geo.store.base import History, Store, StoreError


def copy_store(source: Store, target: Store) -> History:
    """Replace everything in ``target`` with a copy of ``source``; return what was copied.

    One write on the target (all or nothing). Afterwards ``target.load_version(n)`` equals
    ``source.load_version(n)`` for every version, and the audit, the tags (revisions) and
    the users are the source's. StoreError when both name the same store.
    """
    if source.url == target.url:
        raise StoreError(bilingual("store.same", store=source.url))
    history = source.history()
    target.replace_with(history, source.load_version)
    return history
