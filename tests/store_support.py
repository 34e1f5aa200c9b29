"""Scratch stores for tests that write: a copy of the sample with an admin and an editor."""
from __future__ import annotations

import hashlib
import resource
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo import writes
from geo.auth import User
from geo.settings import SAMPLE_GPKG
from geo.store import Store, open_store

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


#: Bytes a process may write into any file while :func:`no_room_to_write` holds (a full disk).
ROOM = 4096


@contextmanager
def no_room_to_write() -> Iterator[None]:
    """While inside, this process cannot write past the first ``ROOM`` bytes of any file (EFBIG, as on a full disk).

    Python ignores SIGXFSZ, so a write past the limit fails with an error instead of killing
    the process. Print nothing inside: pytest's capture files obey the limit too.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def limit_file_size() -> None:
    """``preexec_fn`` for a child process that runs as on a full disk (see :func:`no_room_to_write`)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
