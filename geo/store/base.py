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

Sign-ins: :meth:`Store.sign_ins` is the log of sign-in attempts (:class:`SignInLog`)
that the login back-off (``geo.backoff``) reads and ``geo.auth.authenticate`` writes.
It is shared by every process that opens the store, survives restarts, and is kept
apart from the data so that a sign-in never changes the store's fingerprint (which
would empty every session's cache).
"""
from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo import asof
from geo.asof import AsOfLike
from geo.backoff import SignInPolicy, Tally
from geo.dataset import Dataset
from geo.i18n import bilingual
from geo.metrics import By, Facts, facts_from_dataset, filter_dataset
from geo.programme import Programme

#: Layers a progress edit may change and the columns that key one row of each. Every one of
#: them has a ``compound_id`` column: :meth:`Store.compound` reads a compound's rows of each.
EDIT_KEYS: dict[str, tuple[str, ...]] = {
    "compounds": ("compound_id",), "works": ("compound_id", "work"),
    "elevators": ("elevator_id",), "funding": ("compound_id", "year", "source"),
    "handovers": ("compound_id", "from_work", "to_work"),
    "daily_progress": ("compound_id", "work", "date"),
    "issue_log": ("issue_id",),
}


def now_text() -> str:
    """The local time as ISO text to the second (audit and version stamps)."""
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


# --- errors -------------------------------------------------------------------------------------
class StoreError(RuntimeError):
    """The store cannot be read or written; the message says which store and why (bilingual)."""


def _write_failure(exc: BaseException) -> str:
    """Why the system refused a write: full, readonly, io, or "" (another reason)."""
    code = str(getattr(exc, "sqlite_errorname", "") or "")
    errno = getattr(exc, "errno", None)
    text = str(exc).lower()  # GDAL (pyogrio) passes SQLite's and the system's reasons on as text only
    if code == "SQLITE_FULL" or errno in (28, 27, 122) or any(  # ENOSPC, EFBIG, EDQUOT
            w in text for w in ("disk is full", "no space left", "file too large", "quota")):
        return "full"
    if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")) or errno in (13, 30) or any(  # EACCES, EROFS
            w in text for w in ("readonly", "read-only", "permission denied")):
        return "readonly"
    if code.startswith("SQLITE_IOERR") or errno == 5 or "i/o error" in text:  # EIO
        return "io"
    return ""


def write_error(exc: BaseException, what: str = "store.write_failed") -> StoreError:
    """A bilingual StoreError for a write the system refused (disk full, read-only, I/O); nothing was written.

    ``what``: the message family (``store.write_failed`` for the data, ``store.sign_ins_failed``
    for the sign-in log), each with a ``.full``, ``.readonly`` and ``.io`` variant. The
    message names the reason, never a path; chain the original (``raise ... from exc``) for logs.
    """
    reason = _write_failure(exc)
    return StoreError(bilingual(f"{what}.{reason}") if reason else bilingual(what, reason=type(exc).__name__))


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
    #: The place code the data were cut to (:meth:`Store.load_place`); None: the whole data set.
    #: Caches key by (fingerprint, place): two places of one store share the fingerprint.
    place: str | None = None

    @property
    def cache_key(self) -> str:
        """What caches of values computed from ``dataset`` are keyed by."""
        return self.fingerprint if self.place is None else f"{self.fingerprint}|{self.place}"


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

    layer: str  # one of EDIT_KEYS
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
    """How an audit row writes a value: dates as YYYY-MM-DD, date-times with a time of day as
    YYYY-MM-DD HH:MM:SS, booleans as 1/0, None stays None."""
    if isinstance(value, (dt.datetime, pd.Timestamp)) and pd.Timestamp(value) != pd.Timestamp(value).normalize():
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return str(int(value))
    return None if value is None else str(value)

#: Outcomes of a sign-in attempt: signed in; wrong password; no such (active) user; still being checked.
SIGN_IN_OUTCOMES = ("ok", "wrong_password", "unknown_user", "pending")


@dataclass(frozen=True)
class SignInAttempt:
    """One sign-in attempt: when (epoch seconds), the name typed, the client, the outcome."""

    id: int
    at: float
    name: str
    client: str
    outcome: str  # one of SIGN_IN_OUTCOMES

    @property
    def at_text(self) -> str:
        """``at`` as local time, ISO to the second."""
        return dt.datetime.fromtimestamp(self.at).replace(microsecond=0).isoformat(sep=" ")


@dataclass(frozen=True)
class Begun:
    """What :meth:`SignInLog.begin` decided: an attempt to check (``attempt``) or a wait (``retry_after`` s)."""

    attempt: int | None
    retry_after: float = 0.0


class SignInLog(ABC):
    """Sign-in attempts of one store, shared by every process that opens it.

    :meth:`begin` counts the failures of the account and of the client under ``policy``
    and, unless they must wait, records a pending attempt, in one transaction: parallel
    guesses each see the ones before them (a pending attempt counts as a failure until
    :meth:`finish` settles it, and for ever if its process dies).
    """

    @abstractmethod
    def begin(self, name: str, client: str, policy: SignInPolicy, now: float) -> Begun:
        """Start an attempt of ``name`` from ``client`` at ``now`` (epoch seconds), or say how long to wait."""

    @abstractmethod
    def finish(self, attempt: int, outcome: str) -> None:
        """Settle a pending attempt: ``ok``, ``wrong_password`` or ``unknown_user``."""

    @abstractmethod
    def attempts(self, *, since: float = 0.0, limit: int = 1000) -> list[SignInAttempt]:
        """Attempts at or after ``since`` (epoch seconds), newest first, at most ``limit``."""

    @abstractmethod
    def tally(self, name: str, client: str, policy: SignInPolicy, now: float) -> tuple[Tally, Tally]:
        """The failures ``begin`` would count now for the account and for the client."""


def page_known_on(compounds: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """Rows of the compounds layer (a page) with their ``status`` on ``as_of`` and their dates as known
    then (:meth:`Store.compounds_page`), in a new frame indexed 0..n-1."""
    out = asof.known_on(compounds, as_of)
    out["status"] = asof.derive_status(compounds, as_of).to_numpy()
    return out.reset_index(drop=True)


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

    def load_place(self, place: str) -> Loaded:
        """The data of one place (a programme place code) and the store's fingerprint, read together.

        Equal to ``filter_dataset(load().dataset, place=place)``: the place's compounds and what hangs
        on them, its subdistricts, areas, greenways, sites and outlines, the whole programme and meta.
        The pages that work on compounds one by one (import, progress, site schedule) open a place of
        a store too large to load whole (``Store.compound_count``) this way. UnknownPlace for a code
        that is not the programme's. Backends that can read a scope alone override it (PostGIS: SQL
        by subdistrict); by default: from :meth:`load`.
        """
        loaded = self.load()
        return Loaded(filter_dataset(loaded.dataset, place=place), loaded.fingerprint, place)

    def load_programme(self) -> tuple[Programme, dict[str, str]]:
        """The programme (places, areas, targets) and the meta, without the other layers.

        Backends that can read a few tables alone override it; by default: from :meth:`load`.
        """
        ds = self._current()
        return ds.programme, ds.meta

    def compound_count(self) -> int:
        """How many compounds the current data hold, read cheaply (pages choose the roll-up by it).

        Backends that can count alone override it; by default: from :meth:`load`.
        """
        return len(self._current().compounds)

    def _current(self) -> Dataset:
        """The loaded data set, kept while the fingerprint stays the same (the in-memory defaults read it)."""
        last: Loaded | None = getattr(self, "_last_loaded", None)
        if last is None or last.fingerprint != self.fingerprint():
            last = self.load()
            self._last_loaded = last
        return last.dataset

    def compounds_in_box(self, box: tuple[float, float, float, float], *, limit: int | None = None,
                         subdistricts: Sequence[str] | None = None, statuses: Sequence[str] | None = None,
                         as_of: AsOfLike = None) -> pd.DataFrame:
        """The compounds whose point lies in ``box`` (west, south, east, north; WGS-84 degrees), in store order.

        At most ``limit`` rows (None: all); ``subdistricts``: only those of these subdistricts;
        ``statuses``: only those whose status on ``as_of`` (``geo.asof.derive_status``) is one of them
        (None: any). A GeoDataFrame of the compounds layer's columns in EPSG:4326. Backends with a
        spatial index answer from it; by default: from :meth:`load`.
        """
        west, south, east, north = box
        c = self._current().compounds
        c = c[(c.geometry.x >= west) & (c.geometry.x <= east) & (c.geometry.y >= south) & (c.geometry.y <= north)]
        if subdistricts is not None:
            c = c[c["subdistrict"].isin(list(subdistricts))]
        if statuses is not None:
            c = c[asof.derive_status(c, as_of).isin(list(statuses)).to_numpy()]
        return c if limit is None else c.iloc[:limit]

    def compounds_page(self, as_of: AsOfLike = None, *, subdistricts: Sequence[str] | None = None,
                       statuses: Sequence[str] | None = None, offset: int = 0,
                       limit: int = 100, count: bool = True) -> tuple[pd.DataFrame, int]:
        """One page of the compounds of a scope as known on ``as_of``, and how many the scope holds
        (``count=False``: not counted, -1; a caller that keeps :meth:`count_compounds` apart).

        The scope: the compounds of ``subdistricts`` (names; None: all) whose status on
        ``as_of`` is one of ``statuses`` (None: any). The page: its rows ``offset`` to
        ``offset + limit`` in store order, a GeoDataFrame (EPSG:4326) of the compounds layer's
        columns as known on ``as_of`` (``geo.asof.known_on``) plus ``status``. Backends with a
        database count and cut the page there (PostGIS: SQL, LIMIT/OFFSET); by default: from :meth:`load`.
        """
        c = self._current().compounds
        if subdistricts is not None:
            c = c[c["subdistrict"].isin(list(subdistricts))]
        if statuses is not None:
            c = c[asof.derive_status(c, as_of).isin(list(statuses))]
        return (page_known_on(c.iloc[max(int(offset), 0):max(int(offset), 0) + max(int(limit), 0)], as_of),
                len(c) if count else -1)

    def count_compounds(self, as_of: AsOfLike = None, *, subdistricts: Sequence[str] | None = None,
                        statuses: Sequence[str] | None = None) -> int:
        """How many compounds the scope of :meth:`compounds_page` holds (its count alone, to be kept
        while the pages turn). Backends with a database count there; by default: from :meth:`load`."""
        return self.compounds_page(as_of, subdistricts=subdistricts, statuses=statuses, limit=0)[1]

    # --- roll-up explorer: search (find_compounds) ---------------------------------------------------
    def find_compounds(self, text: str, *, subdistricts: Sequence[str] | None = None,
                       limit: int = 20) -> pd.DataFrame:
        """The compounds whose id starts with ``text`` or whose name contains it (case-insensitive;
        ``text`` is plain text, no wildcards), in store order, at most ``limit``.

        ``subdistricts``: only those of these subdistricts (None: all). A GeoDataFrame of the
        compounds layer's columns in EPSG:4326; empty for a blank text. Backends with a database
        search there (PostGIS: ILIKE with the text escaped); by default: from :meth:`load`.
        """
        c = self._current().compounds
        needle = str(text).strip().casefold()
        if not needle:
            return c.iloc[:0]
        if subdistricts is not None:
            c = c[c["subdistrict"].isin(list(subdistricts))]
        ids = c["compound_id"].astype(str).str.casefold().str.startswith(needle)
        names = c["name"].fillna("").astype(str).str.casefold().str.contains(needle, regex=False)
        return c[(ids | names).to_numpy()].iloc[:max(int(limit), 0)]

    def facts(self, as_of: AsOfLike = None, *, place: str | None = None, area: str | None = None,
              subdistrict: str | None = None, by: By = None, programme: Programme | None = None,
              compounds_only: bool = False) -> Facts:
        """The :class:`geo.metrics.Facts` of the compounds of a scope on ``as_of``, grouped ``by``.

        The scope is as in :func:`geo.metrics.filter_dataset` (a place code, an area, a
        subdistrict; UnknownPlace for one that is not the programme's). Backends with a
        database compute them there (PostGIS: SQL); by default they are made in memory from
        :meth:`load`. Either way the same data give equal facts (tests/geo/store/test_facts.py).
        ``programme``: the store's programme when the caller has it already; ``compounds_only``:
        only the compounds facts are needed (the others may come empty, as on PostGIS).
        """
        ds = self._current()
        return facts_from_dataset(filter_dataset(ds, area=area, subdistrict=subdistrict, place=place), as_of, by=by)

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

    def restore(self, version: int, *, user: str, note: str | None = None) -> int:
        """Make the data of ``version`` current again, as a new version; return its number.

        ``note`` for the history (default: "restore N").
        """
        return self.commit(self.load_version(version), user=user, kind="restore",
                           note=note if note is not None else f"restore {int(version)}")

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

    # --- sign-ins (not part of the data: never changes the fingerprint) ----------------------------
    @abstractmethod
    def sign_ins(self) -> SignInLog:
        """The log of sign-in attempts every process opening this store shares."""

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
