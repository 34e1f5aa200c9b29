"""Every write to the store, each one use case that checks the acting user's rights itself.

Pages and the command line call these and nothing lower. Each use case re-reads the
acting user from the store (role, subdistricts, active): of the :class:`geo.auth.User`
a session holds only the name and the credential stamp count, so a removed, disabled or
demoted user can no longer write, a role claimed by the caller gains nothing, and a
session signed in before the user's password, role, subdistricts or active flag changed
is refused (:func:`acting_user`). Rights come from stored data:

- :func:`commit_import`, :func:`restore_version`: an admin; :func:`initialize_store`,
  :func:`copy_store`: an admin of the store written, once it has one;
  :func:`may_check_files` (upload and validate a file): an editor or an admin;
- :func:`save_progress`, :func:`save_handover`, :func:`save_daily_progress`, :func:`raise_issue`,
  :func:`resolve_issue`: an editor of the compound's *stored* subdistrict, or an admin (each one
  transaction of that compound, audited, refused when someone saved it since its tag);
- :func:`add_user`, :func:`update_user`, :func:`remove_user`, :func:`list_users`: an admin;
  :func:`change_password`: an admin, or the user for their own password;
- :func:`create_first_admin`: anyone, only while the store has no active admin;
- :func:`sign_in_log`: the sign-in attempts, for an admin.

New passwords must meet the rule of the user's role (``geo.auth.check_password``);
making a user an admin takes a new password that meets the admin rule.

A refusal raises :class:`geo.auth.Refused` (bilingual) and leaves the store unchanged;
a bad value raises :class:`geo.auth.AuthError` or :class:`geo.audit.EditError`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from geo import auth
from geo.audit import EditError, HandoverProgress, ProgressRecord, diff_records, record_from_input, record_from_rows
from geo.auth import Refused, User
from geo.dataset import Dataset
from geo.i18n import bilingual, t
from geo.imports.planning import ImportPlan
from geo.schedule import model as schedule_model
from geo.schedule.daily import DailyReport
from geo.store import migrate
from geo.store.base import Change, CompoundRows, EditConflict, History, SignInAttempt, Store, StoreError, UserRecord

MAX_NOTE = 200  # characters of a daily report's note
MAX_TEXT = 500  # characters of an issue's description or resolution


def acting_user(store: Store, actor: User) -> User:
    """The stored user behind ``actor`` (its name and credential stamp are used).

    Refused when anonymous, removed or disabled, or when the stored user's password,
    role, subdistricts or active flag changed since ``actor`` signed in.
    """
    if not actor.name:
        raise Refused(bilingual("auth.anonymous"))
    record = store.user(actor.name)
    if record is None or not record.active:
        raise Refused(bilingual("auth.gone", name=actor.name))
    if actor.stamp != auth.credential_stamp(record):
        raise Refused(bilingual("auth.session_ended"))
    return auth.user_from_record(record)


def _admin(store: Store, actor: User) -> User:
    user = acting_user(store, actor)
    auth.require_admin(user)
    return user


# --- imports and versions -------------------------------------------------------------------------
def initialize_store(store: Store, actor: User, dataset: Dataset) -> None:
    """Replace everything (data, history, users) with a fresh store of ``dataset``.

    Anyone may build a store that does not exist yet or has no active admin (the bundled
    sample); replacing one that has an admin takes an admin.
    """
    try:
        guarded = admin_exists(store)
    except StoreError:  # nothing there yet
        guarded = False
    if guarded:
        _admin(store, actor)
    store.initialize(dataset)


def may_check_files(store: Store, actor: User) -> User:
    """The stored user behind ``actor`` if they may upload and validate files (an editor or an
    admin); Refused otherwise. Reading a file costs the server: strangers may not."""
    user = acting_user(store, actor)
    if not user.can_write:
        raise Refused(bilingual("imp.login_to_upload"))
    return user


def copy_store(source: Store, target: Store, actor: User) -> History:
    """Replace everything in ``target`` with a copy of ``source`` (``python -m geo migrate``); return what was copied.

    Like :func:`initialize_store`: anyone may fill a target that does not exist yet or has
    no active admin; replacing one that has an admin takes one of its admins.
    """
    try:
        guarded = admin_exists(target)
    except StoreError:  # nothing there yet
        guarded = False
    if guarded:
        _admin(target, actor)
    return migrate.copy_store(source, target)


def commit_import(store: Store, actor: User, plan: ImportPlan, *, expected: str, note: str = "") -> int:
    """Commit a planned import as a new version (admins); return its number.

    ``expected``: the fingerprint of the data the plan was made against
    (``Loaded.fingerprint``); StoreChanged when the store changed since. A write that
    fails (a full disk) raises StoreError saying so; the store is left as it was.
    """
    user = _admin(store, actor)
    with _write_failures():
        return store.commit(plan.dataset, user=user.name, kind="import", note=note, expected=expected)


def restore_version(store: Store, actor: User, version: int, *, lang: str = "zh") -> int:
    """Make an earlier version's data current again as a new version (admins); return its number.

    The new version's note says which version it restores, in ``lang``.
    """
    user = _admin(store, actor)
    with _write_failures():
        return store.restore(version, user=user.name, note=t("store.restore_note", lang, version=int(version)))


@contextmanager
def _write_failures() -> Iterator[None]:
    """Turn a failed write (disk full, permissions, a database error) into a StoreError people can read.

    Every store write is all-or-nothing, so whatever failed, nothing was written.
    """
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:  # OSError, sqlite3 / GDAL errors: the backend's, whatever they are
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:120] or type(exc).__name__
        raise StoreError(bilingual("store.write_failed", reason=reason)) from exc


# --- progress edits -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenedRecord:
    """A compound's editable record as stored, its tag (the concurrency check) and stored subdistrict."""

    record: ProgressRecord
    etag: str
    subdistrict: str | None


@dataclass(frozen=True)
class Saved:
    """A saved progress edit: the record's new tag and the number of fields changed."""

    etag: str
    changes: int


def open_progress(store: Store, compound_id: str) -> OpenedRecord:
    """The record an edit starts from, read with its tag in one go (EditError for an unknown compound)."""
    rows = store.compound(compound_id)
    return OpenedRecord(record_from_rows(rows), rows.etag, rows.subdistrict)


def save_progress(store: Store, actor: User, after: ProgressRecord, *, etag: str) -> Saved:
    """Save ``after`` as the compound's record if the actor may edit it and it is still at ``etag``.

    The rights are checked against the compound's stored subdistrict; the changes are the
    difference between the stored record and ``after``. Refused, EditConflict (someone
    saved since ``etag``), EditError (unknown compound).
    """
    user = acting_user(store, actor)
    if not user.can_write:
        raise Refused(bilingual("edit.viewer"))
    rows = store.compound(after.compound_id)
    if not rows.exists:
        raise EditError(bilingual("edit.unknown_compound", compound=after.compound_id))
    auth.require_edit(user, rows.subdistrict)
    if rows.etag != etag:
        raise EditConflict(after.compound_id, _last_change(store, after.compound_id))
    changes = diff_records(record_from_rows(rows), after)
    if not changes:
        return Saved(etag, 0)
    return Saved(store.apply_changes(after.compound_id, changes, user=user.name, etag=etag), len(changes))


def _last_change(store: Store, compound_id: str) -> dict[str, str]:
    """Who changed the compound last and when (its last edit, else the current version)."""
    rows = store.audit(compound_id=compound_id)
    if not rows.empty:
        return {"user": str(rows.iloc[0]["user"]), "at": str(rows.iloc[0]["at"])}
    current = store.versions()[-1]
    return {"user": current.user, "at": current.created_at}


# --- users ------------------------------------------------------------------------------------------
def _active_admins(store: Store) -> list[UserRecord]:
    return [u for u in store.users() if u.role == "admin" and u.active]


def admin_exists(store: Store) -> bool:
    """True once the store has an active admin (then only an admin manages users)."""
    return bool(_active_admins(store))


def create_first_admin(store: Store, name: str, password: str) -> User:
    """Create the first admin without signing in; Refused once the store has an active admin."""
    if admin_exists(store):
        raise Refused(bilingual("auth.admin_exists"))
    if store.user(name) is not None:
        raise auth.AuthError(bilingual("auth.user_exists", name=name))
    store.put_user(name, role="admin", password_hash=_password_hash(store, password, role="admin", name=name))
    return _stored(store, name)


def _password_hash(store: Store, password: str, *, role: str, name: str) -> str:
    """The hash of a new password that meets the rule for ``role``, not built from the stored programme's places."""
    try:
        words = auth.place_words(store.load().dataset.programme)
    except StoreError:  # a store without data yet: the rule without the place names
        words = ()
    return auth.hash_password(password, role=role, name=name, words=words)


def _stored(store: Store, name: str) -> User:
    """The user just written, as a session signed in now would hold them (with their stamp)."""
    record = store.user(name)
    if record is None:  # written a moment ago: only a concurrent removal gets here
        raise auth.AuthError(bilingual("auth.no_user", name=name))
    return auth.user_from_record(record)


def add_user(store: Store, actor: User, name: str, password: str, role: str,
             subdistricts: Sequence[str] = ()) -> User:
    """Create a user (admins); AuthError if the name is taken or the role/subdistricts/password are bad."""
    _admin(store, actor)
    auth.check_role(role)
    subs = auth.check_subdistricts(subdistricts, store.load().dataset.programme) if subdistricts else ()
    if not name.strip():
        raise auth.AuthError(bilingual("auth.bad_name"))
    if store.user(name) is not None:
        raise auth.AuthError(bilingual("auth.user_exists", name=name))
    store.put_user(name, role=role, password_hash=_password_hash(store, password, role=role, name=name),
                   subdistricts=subs)
    return _stored(store, name)


def _target(store: Store, name: str) -> UserRecord:
    record = store.user(name)
    if record is None:
        raise auth.AuthError(bilingual("auth.no_user", name=name))
    return record


def _keep_an_admin(store: Store, target: UserRecord) -> None:
    """Refused when ``target`` is the only active admin (the change would leave none)."""
    if target.role == "admin" and target.active and [u.name for u in _active_admins(store)] == [target.name]:
        raise Refused(bilingual("auth.last_admin", name=target.name))


def update_user(store: Store, actor: User, name: str, *, role: str | None = None,
                subdistricts: Sequence[str] | None = None, active: bool | None = None,
                password: str | None = None) -> User:
    """Change a user's role, subdistricts, active flag or password (admins); the last admin stays an active admin.

    Making someone an admin needs ``password``, a new one that meets the admin rule (the
    old one was only checked against the rule of the old role). Any change ends the
    user's sessions (their credential stamp changes).
    """
    _admin(store, actor)
    target = _target(store, name)
    new_role = auth.check_role(role) if role is not None else target.role
    if new_role == "admin" and target.role != "admin" and password is None:
        raise auth.AuthError(bilingual("auth.promote_needs_password", n=auth.MIN_ADMIN_PASSWORD))
    subs = (auth.check_subdistricts(subdistricts, store.load().dataset.programme) if subdistricts
            else () if subdistricts is not None else target.subdistricts)
    new_active = target.active if active is None else active
    if new_role != "admin" or not new_active:
        _keep_an_admin(store, target)
    password_hash = (target.password_hash if password is None
                     else _password_hash(store, password, role=new_role, name=name))
    store.put_user(name, role=new_role, password_hash=password_hash, subdistricts=subs, active=new_active)
    return _stored(store, name)


def change_password(store: Store, actor: User, name: str, password: str) -> None:
    """Set a user's password (admins, or the user themself); it must meet the rule of the user's role.

    Every session of the user, the one changing it included, ends.
    """
    user = acting_user(store, actor)
    if user.name != name:
        auth.require_admin(user)
    target = _target(store, name)
    store.put_user(name, role=target.role, password_hash=_password_hash(store, password, role=target.role, name=name),
                   subdistricts=target.subdistricts, active=target.active)


def remove_user(store: Store, actor: User, name: str) -> None:
    """Remove a user (admins); AuthError when there is none; the last admin cannot be removed."""
    _admin(store, actor)
    _keep_an_admin(store, _target(store, name))
    store.delete_user(name)


def list_users(store: Store, actor: User) -> list[UserRecord]:
    """Every user (admins; anyone while the store has no active admin, to see what there is)."""
    if admin_exists(store):
        _admin(store, actor)
    return store.users()


# --- construction: daily progress, handovers, issues ----------------------------------------------------
def _site(store: Store, actor: User, compound_id: str, etag: str) -> tuple[User, CompoundRows]:
    """The stored user and the compound's rows, once the user may edit the compound (its stored
    subdistrict) and nobody saved it since ``etag``."""
    user = acting_user(store, actor)
    if not user.can_write:
        raise Refused(bilingual("edit.viewer"))
    rows = store.compound(compound_id)
    if not rows.exists:
        raise EditError(bilingual("edit.unknown_compound", compound=compound_id))
    auth.require_edit(user, rows.subdistrict)
    if rows.etag != etag:
        raise EditConflict(compound_id, _last_change(store, compound_id))
    return user, rows


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


def _bad(problems: list[str]) -> EditError:
    return EditError("; ".join(problems))


def _daily_problems(reports: Sequence[DailyReport], works: set[str], compound_id: str, today: dt.date) -> list[str]:
    problems = []
    for r in reports:
        if r.work not in works:
            problems.append(bilingual("schedule.daily.unknown_work", compound=compound_id, work=r.work,
                                      known=", ".join(sorted(works)) or "-"))
        if not 0 <= r.percent <= 100:
            problems.append(bilingual("schedule.daily.bad_percent", work=r.work, value=r.percent))
        if r.workers is not None and not 0 <= r.workers <= 2000:
            problems.append(bilingual("schedule.daily.bad_workers", work=r.work, value=r.workers))
        if r.note is not None and len(r.note) > MAX_NOTE:
            problems.append(bilingual("schedule.daily.long_note", work=r.work, n=MAX_NOTE))
        if r.date > today:
            problems.append(bilingual("schedule.daily.future", date=r.date.isoformat(), today=today.isoformat()))
    return problems


def save_daily_progress(store: Store, actor: User, compound_id: str, reports: Sequence[DailyReport], *,
                        etag: str, now: dt.datetime | None = None) -> Saved:
    """Save a compound's daily progress reports (one per work and day) in one transaction, audited.

    An editor of the compound's stored subdistrict, or an admin, while the compound is still at
    ``etag``. A report of a work and day already reported replaces it (the audit trail keeps the
    earlier one); one that changes nothing is skipped. ``reported_by`` is the stored user,
    ``reported_at`` the server's time. Refused, EditConflict, EditError (every bad value listed:
    unknown work, percent outside 0-100, a day after today, ...).
    """
    user, rows = _site(store, actor, compound_id, etag)
    stamp = _now(now)
    problems = _daily_problems(reports, set(rows.layers["works"]["work"]), compound_id, stamp.date())
    if problems:
        raise _bad(problems)
    stored = rows.layers["daily_progress"]
    changes: list[Change] = []
    for r in reports:
        key = (compound_id, r.work, r.date)
        old = stored[(stored["work"] == r.work) & (stored["date"].dt.date == r.date)]
        before = old.iloc[0] if len(old) else None
        new = {"percent": float(r.percent), "workers": r.workers, "note": r.note}
        if before is not None and all(_same(before[k], v) for k, v in new.items()):
            continue
        for field, value in (*new.items(), ("reported_by", user.name), ("reported_at", stamp)):
            old_value = None if before is None else _plain(before[field])
            if (before is None and value is None) or (before is not None and field in new and _same(old_value, value)):
                continue
            changes.append(Change("daily_progress", key, field, old_value, value))
    if not changes:
        return Saved(etag, 0)
    return Saved(store.apply_changes(compound_id, changes, user=user.name, etag=etag), len(changes))


def save_daily_sheet(store: Store, actor: User, reports: Mapping[str, Sequence[DailyReport]], *,
                     etags: Mapping[str, str], now: dt.datetime | None = None) -> dict[str, Saved | StoreError]:
    """Save a checked daily sheet (``geo.schedule.sheet.read_sheet``): each compound's reports with
    :func:`save_daily_progress`, at the tag it had when the sheet was checked (``etags``).

    The rights to every compound are checked first, from the stored data: Refused (naming the
    compounds) and nothing written when the user may not edit one of them. Returns, per
    compound, its Saved or the EditConflict that refused it (someone saved it since).
    """
    user = acting_user(store, actor)
    if not user.can_write:
        raise Refused(bilingual("edit.viewer"))
    forbidden = [cid for cid in reports if not user.can_edit(store.compound(cid).subdistrict)]
    if forbidden:
        raise Refused(bilingual("schedule.import.forbidden", compounds=", ".join(sorted(forbidden))))
    out: dict[str, Saved | StoreError] = {}
    for cid, rows in reports.items():
        try:
            out[cid] = save_daily_progress(store, user, cid, rows, etag=etags[cid], now=now)
        except EditConflict as exc:
            out[cid] = exc
    return out


def save_handover(store: Store, actor: User, handover: HandoverProgress, *, compound_id: str, etag: str) -> Saved:
    """Record or change one work-face handover of a compound (a progress edit: same rights, tag and audit).

    A handover given an actual date without ``accepted_by`` is accepted by the acting user.
    """
    user = acting_user(store, actor)
    opened = open_progress(store, compound_id)
    if handover.actual_date is not None and not handover.accepted_by:
        handover = handover.model_copy(update={"accepted_by": user.name})
    kept = [h for h in opened.record.handovers if (h.from_work, h.to_work) != (handover.from_work, handover.to_work)]
    after = record_from_input({**opened.record.model_dump(), "handovers": [*(h.model_dump() for h in kept),
                                                                            handover.model_dump()]})
    return save_progress(store, user, after, etag=etag)


def raise_issue(store: Store, actor: User, compound_id: str, *, category: str, description: str, owner: str,
                etag: str, due: dt.date | None = None, work: str | None = None,
                now: dt.datetime | None = None) -> tuple[str, Saved]:
    """Raise an issue on a compound (editors of its stored subdistrict, admins); return its id and the save.

    ``due`` defaults to the category's days after today (geo.schedule.model.ISSUE_DUE_DAYS);
    ``raised_by`` is the stored user, ``raised_at`` the server's time.
    """
    user, rows = _site(store, actor, compound_id, etag)
    stamp = _now(now)
    works = set(rows.layers["works"]["work"])
    problems = []
    if category not in schedule_model.ISSUE_CATEGORIES:
        problems.append(bilingual("schedule.issue.bad_category", value=category,
                                  valid=", ".join(schedule_model.ISSUE_CATEGORIES)))
    if not description.strip() or len(description) > MAX_TEXT:
        problems.append(bilingual("schedule.issue.bad_description", n=MAX_TEXT))
    if not owner.strip() or len(owner) > 100:
        problems.append(bilingual("schedule.issue.bad_owner"))
    if work is not None and work not in works:
        problems.append(bilingual("schedule.daily.unknown_work", compound=compound_id, work=work,
                                  known=", ".join(sorted(works)) or "-"))
    if problems:
        raise _bad(problems)
    due = due or stamp.date() + dt.timedelta(days=schedule_model.ISSUE_DUE_DAYS[category])
    issue = schedule_model.issue_id(compound_id, set(rows.layers["issue_log"]["issue_id"]))
    fields = {"compound_id": compound_id, "work": work, "category": category, "description": description.strip(),
              "raised_at": stamp, "raised_by": user.name, "owner": owner.strip(), "due": due}
    changes = [Change("issue_log", (issue,), k, None, v) for k, v in fields.items() if v is not None]
    return issue, Saved(store.apply_changes(compound_id, changes, user=user.name, etag=etag), len(changes))


def resolve_issue(store: Store, actor: User, compound_id: str, issue_id: str, resolution: str, *, etag: str,
                  now: dt.datetime | None = None) -> Saved:
    """Mark an open issue of a compound resolved now, with what was done (editors of its stored
    subdistrict, admins). EditError for an unknown or already resolved issue or an empty resolution."""
    user, rows = _site(store, actor, compound_id, etag)
    issues = rows.layers["issue_log"]
    found = issues[issues["issue_id"] == issue_id]
    if found.empty:
        raise EditError(bilingual("schedule.issue.unknown", issue=issue_id, compound=compound_id))
    if pd.notna(found.iloc[0]["resolved_at"]):
        raise EditError(bilingual("schedule.issue.resolved_already", issue=issue_id))
    if not resolution.strip() or len(resolution) > MAX_TEXT:
        raise EditError(bilingual("schedule.issue.bad_resolution", n=MAX_TEXT))
    changes = [Change("issue_log", (issue_id,), "resolved_at", None, _now(now)),
               Change("issue_log", (issue_id,), "resolution", None, resolution.strip())]
    return Saved(store.apply_changes(compound_id, changes, user=user.name, etag=etag), len(changes))


def _plain(value: object) -> object:
    """A stored cell as a plain value (None for a blank)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _same(stored: object, new: object) -> bool:
    stored = _plain(stored)
    if stored is None or new is None:
        return stored is None and new is None
    if isinstance(new, (int, float)):
        return float(stored) == float(new)  # type: ignore[arg-type]
    return str(stored) == str(new)
def sign_in_log(store: Store, actor: User, *, since: float = 0.0, limit: int = 1000) -> list[SignInAttempt]:
    """Sign-in attempts at or after ``since`` (epoch seconds), newest first (admins)."""
    _admin(store, actor)
    return store.sign_ins().attempts(since=since, limit=limit)
