"""Scratch stores for tests that write: a copy of the sample with an admin and an editor.

``ADMIN_USER`` and ``EDITOR_USER`` are those two as a session signed in to such a store
holds them, credential stamp included: their password hashes are made with a fixed salt,
so the stamp (``geo.auth.credential_stamp``) is the same in every scratch store. A test
that changes one of them (password, role, subdistricts, active) ends that "session":
sign in again with ``signed_in``.
"""
from __future__ import annotations

import hashlib
import resource
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from argon2 import PasswordHasher

from geo import auth
from geo.auth import User
from geo.settings import SAMPLE_GPKG
from geo.store import Store, UserRecord, open_store

ADMIN = ("admin", "tea-lantern-harbor-42")
EDITOR = ("li", "editor-pass-1", "金沙")
_SALT = b"qy-test-fixtures"  # 16 bytes; a fixed salt only for these test users


def _record(name: str, password: str, role: str, subdistricts: tuple[str, ...] = ()) -> UserRecord:
    return UserRecord(name, role, subdistricts, PasswordHasher().hash(password, salt=_SALT), "", True)


_FIXTURE_USERS = (_record(ADMIN[0], ADMIN[1], "admin"), _record(EDITOR[0], EDITOR[1], "editor", (EDITOR[2],)))
ADMIN_USER, EDITOR_USER = (auth.user_from_record(r) for r in _FIXTURE_USERS)


def scratch_sample(folder: Path) -> Store:
    """A byte-for-byte copy of the committed sample in ``folder``/store.gpkg (no users)."""
    path = Path(folder) / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return open_store(path)


def scratch_store_with_users(folder: Path) -> Store:
    """Copy the sample into ``folder``/store.gpkg and add the test admin and 金沙 editor."""
    store = scratch_sample(folder)
    for record in _FIXTURE_USERS:
        store.put_user(record.name, role=record.role, password_hash=record.password_hash,
                       subdistricts=record.subdistricts)
    return store


def signed_in(store: Store, name: str) -> User:
    """``name`` as a session that signs in to ``store`` now holds them (no password check, no sign-in log)."""
    user = auth.user_by_name(store, name)
    assert user is not None, f"no active user {name}"
    return user


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
