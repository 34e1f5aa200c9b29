"""Users and roles: viewer (default, read-only), editor (own subdistricts), admin.

Passwords are hashed with Argon2id (argon2-cffi); users live in the store
(``Store.users`` / ``Store.user``). This module holds the pure checks on a :class:`User`;
the writes that change users, and every check against the stored user, are in
``geo.writes``. The first admin is created from the command line
(``python -m geo users add NAME --role admin`` while the store has no admin). When
Streamlit OIDC is configured, the dashboard logs people in with ``st.login`` instead and
maps the e-mail to a user of this table (see dashboard/auth_widget.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo.i18n import bilingual, choices
from geo.programme import Programme
from geo.store.base import Store, UserRecord

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
MIN_PASSWORD = 8
_HASHER = PasswordHasher()


class AuthError(ValueError):
    """A bad user change (role, name, password rule) or a refusal; the message is bilingual."""


class Refused(AuthError):
    """The acting user may not do this: not signed in, wrong password, removed, or no right."""


@dataclass(frozen=True)
class User:
    """Who is using the app; the anonymous default is a viewer."""

    name: str = ""
    role: str = "viewer"
    subdistricts: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        return self.role in ("editor", "admin")

    def can_edit(self, subdistrict: str | None) -> bool:
        """Admins edit everything; editors the compounds of their subdistricts."""
        return self.is_admin or (self.role == "editor" and subdistrict in self.subdistricts)


VIEWER = User()


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (AuthError when shorter than MIN_PASSWORD)."""
    if len(password) < MIN_PASSWORD:
        raise AuthError(bilingual("auth.short_password", n=MIN_PASSWORD))
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_role(role: str) -> str:
    """The role, or AuthError naming the valid ones."""
    if role not in ROLES:
        raise AuthError(bilingual("auth.bad_role", role=role))
    return role


def check_subdistricts(names: Sequence[str], programme: Programme) -> tuple[str, ...]:
    """Subdistrict names validated against the programme's (AuthError naming the valid ones)."""
    bad = [n for n in names if n not in programme.subdistrict_names]
    if bad:
        raise AuthError(bilingual("auth.unknown_subdistricts", names=choices(bad), valid=choices(programme.subdistrict_names)))
    return tuple(names)


def user_from_record(record: UserRecord) -> User:
    """The session's view of a stored user (name, role, subdistricts)."""
    return User(record.name, record.role, tuple(record.subdistricts))


def authenticate(store: Store, name: str, password: str) -> User:
    """The active user with this name and password (Refused otherwise; same message either way)."""
    record = store.user(name) if name else None
    if record is None or not record.active or not verify_password(record.password_hash, password):
        raise Refused(bilingual("auth.bad_login"))
    return user_from_record(record)


def user_by_name(store: Store, name: str) -> User | None:
    """The active user called ``name`` (e.g. the e-mail from an OIDC login), or None."""
    record = store.user(name) if name else None
    return user_from_record(record) if record is not None and record.active else None


def refresh_user(store: Store, user: User) -> User:
    """``user`` as the store holds it now: the anonymous viewer once removed or disabled."""
    return (user_by_name(store, user.name) if user.name else None) or VIEWER


def require_edit(user: User, subdistrict: str | None) -> None:
    """Refused unless ``user`` may edit a compound of ``subdistrict`` (pass the stored user and subdistrict)."""
    if not user.can_write:
        raise Refused(bilingual("edit.viewer"))
    if not user.can_edit(subdistrict):
        raise Refused(bilingual("edit.forbidden", subdistrict=subdistrict or "-"))


def require_admin(user: User) -> None:
    """Refused unless ``user`` is an admin (pass the stored user)."""
    if not user.is_admin:
        raise Refused(bilingual("auth.admin_only"))
