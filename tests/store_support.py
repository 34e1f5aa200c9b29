"""Scratch stores for tests that write: a copy of the sample with an admin and an editor."""
from __future__ import annotations

import shutil
from pathlib import Path

from geo import auth
from geo.settings import SAMPLE_GPKG
from geo.store.gpkg import GpkgStore

ADMIN = ("admin", "admin-pass-1")
EDITOR = ("li", "editor-pass-1", "金沙")


def scratch_store_with_users(folder: Path) -> GpkgStore:
    """Copy the sample into ``folder``/store.gpkg and add the test admin and 金沙 editor."""
    path = Path(folder) / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    store = GpkgStore(path)
    auth.add_user(store, ADMIN[0], ADMIN[1], "admin")
    auth.add_user(store, EDITOR[0], EDITOR[1], "editor", [EDITOR[2]])
    return store
