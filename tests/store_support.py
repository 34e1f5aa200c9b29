"""Scratch stores for tests that write: a copy of the sample with an admin and an editor."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from geo import writes
from geo.audit import ProgressRecord, record_from_rows
from geo.auth import User
from geo.dataset import Dataset
from geo.settings import SAMPLE_GPKG
from geo.store import CompoundRows, Store, open_store

ADMIN = ("admin", "admin-pass-1")
EDITOR = ("li", "editor-pass-1", "金沙")
ADMIN_USER, EDITOR_USER = User(ADMIN[0], "admin"), User(EDITOR[0], "editor", (EDITOR[2],))


def scratch_sample(folder: Path) -> Store:
    """A byte-for-byte copy of the committed sample in ``folder``/store.gpkg (no users)."""
    path = Path(folder) / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return open_store(path)


def scratch_store_with_users(folder: Path) -> Store:
    """Copy the sample into ``folder``/store.gpkg and add the test admin and 金沙 editor."""
    store = scratch_sample(folder)
    admin = writes.create_first_admin(store, *ADMIN)
    writes.add_user(store, admin, EDITOR[0], EDITOR[1], "editor", [EDITOR[2]])
    return store


def store_digest(store: Store) -> str:
    """SHA-256 of everything a scratch GeoPackage store holds (its file), to show a refusal changed nothing."""
    return hashlib.sha256(Path(store.url.removeprefix("gpkg:")).read_bytes()).hexdigest()


def record_in_dataset(ds: Dataset, compound_id: str) -> ProgressRecord:
    """The editable record of one compound as a loaded data set holds it (EditError if there is none):
    the reference the store's own rows (``Store.compound``) are compared with."""
    layers = {name: getattr(ds, name).drop(columns="geometry", errors="ignore") for name in ("compounds", "works",
                                                                                            "elevators", "funding")}
    return record_from_rows(CompoundRows(compound_id, "", {k: v[v["compound_id"] == compound_id] for k, v in layers.items()}))
