"""Every write to the store, each one use case that checks the acting user's rights itself.

Pages and the command line call these and nothing lower. Each use case re-reads the
acting user from the store (role, subdistricts, active): of the :class:`geo.auth.User`
a session holds only the name counts, so a removed, disabled or demoted user can no
longer write and a role claimed by the caller gains nothing. Rights come from stored data:

- :func:`commit_import`, :func:`restore_version`: an admin; :func:`initialize_store`,
  :func:`copy_store`: an admin of the store written, once it has one;
- :func:`save_progress`: an editor of the compound's *stored* subdistrict, or an admin;
- :func:`add_user`, :func:`update_user`, :func:`remove_user`, :func:`list_users`: an admin;
  :func:`change_password`: an admin, or the user for their own password;
- :func:`create_first_admin`: anyone, only while the store has no active admin.

A refusal raises :class:`geo.auth.Refused` (bilingual) and leaves the store unchanged;
a bad value raises :class:`geo.auth.AuthError` or :class:`geo.audit.EditError`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geo import auth
from geo.audit import EditError, ProgressRecord, diff_records, record_from_rows
from geo.auth import Refused, User
from geo.dataset import Dataset
from geo.i18n import bilingual
from geo.imports.planning import ImportPlan
from geo.store import migrate
from geo.store.base import EditConflict, History, Store, StoreError, UserRecord


def acting_user(store: Store, actor: User) -> User:
    """The stored user behind ``actor`` (only its name is used); Refused when anonymous, removed or disabled."""
    if not actor.name:
        raise Refused(bilingual("auth.anonymous"))
    record = store.user(actor.name)
    if record is None or not record.active:
        raise Refused(bilingual("auth.gone", name=actor.name))
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
    (``Loaded.fingerprint``); StoreChanged when the store changed since.
    """
    user = _admin(store, actor)
    return store.commit(plan.dataset, user=user.name, kind="import", note=note, expected=expected)


def restore_version(store: Store, actor: User, version: int) -> int:
    """Make an earlier version's data current again as a new version (admins); return its number."""
    user = _admin(store, actor)
    return store.restore(version, user=user.name)


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
    store.put_user(name, role="admin", password_hash=auth.hash_password(password))
    return User(name, "admin")


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
    store.put_user(name, role=role, password_hash=auth.hash_password(password), subdistricts=subs)
    return User(name, role, subs)


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
                subdistricts: Sequence[str] | None = None, active: bool | None = None) -> User:
    """Change a user's role, subdistricts or active flag (admins); the last admin stays an active admin."""
    _admin(store, actor)
    target = _target(store, name)
    new_role = auth.check_role(role) if role is not None else target.role
    subs = (auth.check_subdistricts(subdistricts, store.load().dataset.programme) if subdistricts
            else () if subdistricts is not None else target.subdistricts)
    new_active = target.active if active is None else active
    if new_role != "admin" or not new_active:
        _keep_an_admin(store, target)
    store.put_user(name, role=new_role, password_hash=target.password_hash, subdistricts=subs, active=new_active)
    return User(name, new_role, tuple(subs))


def change_password(store: Store, actor: User, name: str, password: str) -> None:
    """Set a user's password (admins, or the user themself)."""
    user = acting_user(store, actor)
    if user.name != name:
        auth.require_admin(user)
    target = _target(store, name)
    store.put_user(name, role=target.role, password_hash=auth.hash_password(password),
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
