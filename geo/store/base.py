"""The store interface: everything the app and the command line ask of a store, for every backend.

A backend (``geo.store.gpkg`` today; a server database later) subclasses :class:`Store`
and passes the contract suite (tests/geo/store/test_contract.py). Callers get a store
from :func:`geo.store.open_store` and never learn where or how it keeps the data.

Reads: :meth:`Store.load` returns a :class:`Loaded` handle, the data set together with
the fingerprint it was read under, so anything cached from the data is keyed by the
data's own fingerprint. Writes are all-or-nothing (a killed process leaves the store as
it was): :meth:`Store.commit` and :meth:`Store.restore` make a new version,
:meth:`Store.apply_changes` writes one compound's progress edit guarded by its tag
(optimistic concurrency), :meth:`Store.put_user` / :meth:`Store.delete_user` change one
user. Rights are not checked here: every write goes through ``geo.writes``.
"""
from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.dataset import Dataset
from geo.i18n import bilingual

#: Layers a progress edit may change and the columns that key one row of each.
EDIT_KEYS: dict[str, tuple[str, ...]] = {
    "compounds": ("compound_id",), "works": ("compound_id", "work"),
    "elevators": ("elevator_id",), "funding": ("compound_id", "year", "source"),
}


def now_text() -> str:
    """The local time as ISO text to the second (audit and version stamps)."""
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


# --- errors -------------------------------------------------------------------------------------
class StoreError(RuntimeError):
    """The store cannot be read or written; the message says which store and why (bilingual)."""


class StoreUnavailable(StoreError):
    """The store URL names a backend this build does not include."""


class StoreBusy(StoreError):
    """Another writer holds the store for too long; try again."""


class StoreChanged(StoreError):
    """The store changed after an import was validated; validate it again."""


class EditConflict(StoreError):
    """The record changed since the editor opened it; ``last`` says who changed it, when."""

    def __init__(self, compound_id: str, last: Mapping[str, str]) -> None:
        self.compound_id, self.last = compound_id, dict(last)
        super().__init__(bilingual("edit.conflict", compound=compound_id, user=self.last.get("user", ""),
                                   at=self.last.get("at", "")))


# --- what reads return and writes take ---------------------------------------------------------------
@dataclass(frozen=True)
class Loaded:
    """The data set and the fingerprint of the store it was read from, read together.

    Key every cache of values computed from ``dataset`` by this ``fingerprint`` (never by
    a fingerprint read later: the store may have changed in between). An import planned
    against ``dataset`` is committed with ``expected=fingerprint``.
    """

    dataset: Dataset
    fingerprint: str


@dataclass(frozen=True)
class Version:
    """One version of the data (see :meth:`Store.versions`)."""

    version: int
    created_at: str
    user: str
    kind: str  # init | import | restore
    note: str
    compounds: int
    edits: int  # progress edits made while it was current
    current: bool
    superseded_at: str | None = None  # when the next version replaced it (None: current)


@dataclass(frozen=True)
class UserRecord:
    """One stored user (see geo.auth for roles); ``password_hash`` is argon2id."""

    name: str
    role: str
    subdistricts: tuple[str, ...]
    password_hash: str
    created_at: str
    active: bool


@dataclass(frozen=True)
class Change:
    """One changed field of one row of an edit layer; ``before`` None = the row is new.

    ``key`` holds the values of ``EDIT_KEYS[layer]`` for the row.
    """

    layer: str  # compounds | works | elevators | funding
    key: tuple[Any, ...]
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class CompoundRows:
    """One compound's rows of every edit layer and its tag, read in one transaction.

    ``layers`` maps each layer of ``EDIT_KEYS`` to its rows for this compound (attributes
    only, no geometry; dates as datetime64). ``compounds`` is empty for an unknown id.
    """

    compound_id: str
    etag: str
    layers: Mapping[str, pd.DataFrame]

    @property
    def exists(self) -> bool:
        return not self.layers["compounds"].empty

    @property
    def subdistrict(self) -> str | None:
        """The compound's stored subdistrict (None for an unknown compound)."""
        rows = self.layers["compounds"]
        return None if rows.empty or pd.isna(rows["subdistrict"].iloc[0]) else str(rows["subdistrict"].iloc[0])


AUDIT_COLUMNS = ["id", "at", "user", "version", "compound_id", "layer", "record", "field", "before", "after"]
REVISION_COLUMNS = ["compound_id", "revision", "at", "user"]


@dataclass(frozen=True)
class History:
    """Everything a store keeps besides the data: what :func:`geo.store.migrate.copy_store` carries over.

    ``audit`` has ``AUDIT_COLUMNS`` (oldest first), ``revisions`` ``REVISION_COLUMNS``
    (the counters the edit tags are made of).
    """

    versions: tuple[Version, ...]
    audit: pd.DataFrame
    revisions: pd.DataFrame
    users: tuple[UserRecord, ...]


def audit_text(value: Any) -> str | None:
    """How an audit row writes a value: dates as YYYY-MM-DD, booleans as 1/0, None stays None."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return str(int(value))
    return None if value is None else str(value)


class Store(ABC):
    """A versioned data set with an audit trail, edit tags and users (one backend per subclass)."""

    #: Where the store is, as a store URL (``gpkg:/path/to/file.gpkg``); for messages and cache keys.
    url: str

    # --- reading ---------------------------------------------------------------------------------
    @abstractmethod
    def load(self) -> Loaded:
        """Every layer of ``geo.dataset.LAYERS`` and the meta, with the fingerprint they belong to.

        Dates parsed, CRS EPSG:4326. StoreError when the store is missing or unreadable.
        """

    @abstractmethod
    def fingerprint(self) -> str:
        """A cheap token that changes whenever the data, versions or audit change (cache keys)."""

    @abstractmethod
    def versions(self) -> list[Version]:
        """Every version, oldest first; the last is current (its edits counted so far)."""

    @abstractmethod
    def load_version(self, version: int) -> Dataset:
        """The data of one version (StoreError naming the valid versions for an unknown one)."""

    @abstractmethod
    def audit(self, *, compound_id: str | None = None, since: str | None = None) -> pd.DataFrame:
        """Audit rows (``AUDIT_COLUMNS``), newest first; optionally one compound's or since an ISO date/time."""

    @abstractmethod
    def etag(self, compound_id: str) -> str:
        """The compound's tag: changes with every edit of it and every import or restore."""

    @abstractmethod
    def compound(self, compound_id: str) -> CompoundRows:
        """One compound's edit-layer rows and its tag, read together (what a progress edit starts from)."""

    @abstractmethod
    def users(self) -> list[UserRecord]:
        """Every user, by name."""

    def user(self, name: str) -> UserRecord | None:
        """The user called ``name`` (active or not), or None."""
        return next((u for u in self.users() if u.name == name), None)

    @abstractmethod
    def size_bytes(self) -> int:
        """Space the store takes (bytes), for benchmarks and backup advice."""

    # --- writing (rights are checked by geo.writes, not here) --------------------------------------
    @abstractmethod
    def initialize(self, dataset: Dataset, *, user: str = "system", note: str = "") -> None:
        """Replace everything with a fresh store of ``dataset``: version 1, no audit, no users."""

    @abstractmethod
    def commit(self, dataset: Dataset, *, user: str, kind: str = "import", note: str = "",
               expected: str | None = None) -> int:
        """Make ``dataset`` the new current version (all layers or nothing); return its number.

        The data it replaces (with the edits made since) stays available as the previous
        version; users, audit and tags are kept. ``expected``: the fingerprint the dataset
        was planned against; if the store changed since, StoreChanged and nothing is written.
        A store that does not exist yet is created with ``dataset`` as version 1.
        """

    def restore(self, version: int, *, user: str) -> int:
        """Make the data of ``version`` current again, as a new version; return its number."""
        return self.commit(self.load_version(version), user=user, kind="restore", note=f"restore {int(version)}")

    @abstractmethod
    def apply_changes(self, compound_id: str, changes: Sequence[Change], *, user: str, etag: str) -> str:
        """Write one compound's ``changes`` and their audit rows in one transaction; return the new tag.

        EditConflict (nothing written) when the compound's tag is no longer ``etag``.
        """

    @abstractmethod
    def put_user(self, name: str, *, role: str, password_hash: str, subdistricts: Sequence[str] = (),
                 active: bool = True) -> None:
        """Add or replace one user (``created_at`` is kept when replacing)."""

    @abstractmethod
    def delete_user(self, name: str) -> bool:
        """Remove one user; False when there was none."""

    # --- copying a whole store (python -m geo migrate) ---------------------------------------------
    @abstractmethod
    def history(self) -> History:
        """Versions, audit, revisions and users, read together."""

    @abstractmethod
    def replace_with(self, history: History, data: Callable[[int], Dataset]) -> None:
        """Replace everything with a copy of another store: ``history`` and, per version, ``data(version)``.

        One write (all or nothing); afterwards every version's data, the audit, the tags
        and the users are those of the source.
        """
