"""Users and roles: viewer (default, read-only), editor (own subdistricts), admin; signing in.

Passwords are hashed with Argon2id (argon2-cffi); users live in the store
(``Store.users`` / ``Store.user``). This module holds the pure checks on a :class:`User`,
the password rules and :func:`authenticate`; the writes that change users, and every
check against the stored user, are in ``geo.writes``. The first admin is created from
the command line (``python -m geo users add NAME --role admin`` while the store has no
admin). When Streamlit OIDC is configured, the dashboard logs people in with ``st.login``
instead and maps the e-mail to a user of this table (see dashboard/auth_widget.py).

Password rules (:func:`check_password`): every password has at least 8 characters and
is not easy to guess (zxcvbn score 2 or more: not a common password, word, name,
keyboard pattern, date or repeat, nor built from the user name); an admin's has at least
15 characters (NIST SP 800-63B-4's minimum for a password used without a second factor,
which is how admins sign in here) and zxcvbn's top score, 4 (more than 10^10 guesses).
zxcvbn's word lists come with its package; nothing is fetched at run time.

Signing in (:func:`authenticate`) costs the same whether the name exists or not (an
unknown or disabled name is checked against a dummy Argon2 hash), and is slowed after
failures per account and per client (``geo.backoff``), counted in the store's sign-in
log so that every session and process sees the same count.

A signed-in :class:`User` carries the ``stamp`` of the stored record it was made from
(:func:`credential_stamp`: password hash, role, subdistricts, active flag). Changing
any of them, or removing and re-adding the user, changes the stamp, which ends every
session signed in before: ``geo.writes.acting_user`` refuses a stale stamp and
:func:`refresh_user` turns it into the anonymous viewer.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from geo.backoff import SignInPolicy, policy_from_settings
from geo.i18n import Bilingual, bilingual, choices, t
from geo.programme import Programme
from geo.settings import get_settings
from geo.store.base import Store, StoreError, UserRecord

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
MIN_PASSWORD = 8
MIN_ADMIN_PASSWORD = 15
#: Least zxcvbn score (0-4) a password needs: everyone / admins.
MIN_SCORE, MIN_ADMIN_SCORE = 2, 4
#: Words a password must not be built from besides the user's own name.
_APP_WORDS = ("admin", "editor", "viewer", "password", "gis", "dashboard")
_HASHER = PasswordHasher()


class AuthError(ValueError):
    """A bad user change (role, name, password rule) or a refusal; the message is bilingual."""


class Refused(AuthError):
    """The acting user may not do this: not signed in, wrong password, removed, or no right."""


class Throttled(Refused):
    """Too many failed sign-ins for this account or client: ``retry_after`` seconds to wait (bilingual)."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(bilingual("auth.throttled", wait=Bilingual(wait_text(retry_after, "zh"), wait_text(retry_after, "en"))))


def wait_text(seconds: float, lang: str) -> str:
    """A wait as people read it: whole seconds below two minutes, else whole minutes (rounded up)."""
    whole = max(1, int(-(-seconds // 1)))
    return t("auth.wait_s", lang, n=whole) if whole < 120 else t("auth.wait_min", lang, n=-(-whole // 60))


@dataclass(frozen=True)
class User:
    """Who is using the app; the anonymous default is a viewer.

    ``stamp``: the credential stamp of the stored record the user signed in with (see
    :func:`credential_stamp`); empty for the anonymous viewer.
    """

    name: str = ""
    role: str = "viewer"
    subdistricts: tuple[str, ...] = ()
    stamp: str = field(default="", repr=False)

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


def place_words(programme: Programme) -> tuple[str, ...]:
    """The programme's place names (Chinese and English, each English word too): a password must not be built from them."""
    names = [n for p in programme.places for n in (p.name, p.en) if n]
    return tuple(dict.fromkeys([*names, *(w for n in names for w in n.replace("-", " ").split())]))


def password_problem(password: str, *, role: str = "viewer", name: str = "", words: Sequence[str] = ()) -> str | None:
    """Why ``password`` does not meet the rule for ``role`` (bilingual), or None when it does; ``words``: more
    words it must not be built from (:func:`place_words`) besides the user name and the app's own."""
    admin = role == "admin"
    least = MIN_ADMIN_PASSWORD if admin else MIN_PASSWORD
    if len(password) < least:
        return bilingual("auth.short_admin_password" if admin else "auth.short_password", n=least)
    inputs = [w for w in (name, *name.replace("@", " ").replace(".", " ").split(), *_APP_WORDS, *words) if w]
    if zxcvbn(password, user_inputs=inputs)["score"] < (MIN_ADMIN_SCORE if admin else MIN_SCORE):
        return bilingual("auth.guessable_admin_password" if admin else "auth.guessable_password")
    return None


def check_password(password: str, *, role: str = "viewer", name: str = "", words: Sequence[str] = ()) -> str:
    """The password, or AuthError saying why it does not meet the rule for ``role`` (see :func:`password_problem`)."""
    problem = password_problem(password, role=role, name=name, words=words)
    if problem:
        raise AuthError(problem)
    return password


def hash_password(password: str, *, role: str = "viewer", name: str = "", words: Sequence[str] = ()) -> str:
    """Argon2id hash of ``password``, which must meet the rule for ``role`` (AuthError otherwise)."""
    return _HASHER.hash(check_password(password, role=role, name=name, words=words))


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """An Argon2id hash of a random secret, with the parameters of real ones (made once per process)."""
    return _HASHER.hash(secrets.token_urlsafe(24))


def credential_stamp(record: UserRecord) -> str:
    """A digest of what a session's rights rest on: password hash, role, subdistricts, active flag."""
    text = json.dumps([record.name, record.password_hash, record.role, list(record.subdistricts), record.active])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


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
    """The session's view of a stored user (name, role, subdistricts, credential stamp)."""
    return User(record.name, record.role, tuple(record.subdistricts), credential_stamp(record))


def sign_in_policy() -> SignInPolicy:
    """The back-off the settings ask for (``QY_LOGIN_FREE_FAILURES`` and friends)."""
    s = get_settings()
    return policy_from_settings(free_failures=s.login_free_failures, client_free_failures=s.login_client_free_failures,
                                max_wait_s=s.login_max_wait_seconds)


def authenticate(store: Store, name: str, password: str, *, client: str = "",
                 policy: SignInPolicy | None = None) -> User:
    """The active user with this name and password, signed in from ``client``.

    Refused (same message whether the name exists or not) for a wrong password or an
    unknown or disabled name; Throttled while the account or the client must wait; both
    bilingual. Every checked attempt is recorded in ``store.sign_ins()``. StoreError when
    the log cannot be written (nobody signs in unrecorded).
    """
    log = store.sign_ins()
    begun = log.begin(name, client, policy or sign_in_policy(), time.time())
    if begun.attempt is None:
        raise Throttled(begun.retry_after)
    outcome = "unknown_user"
    try:
        record = store.user(name) if name else None
        if record is not None and record.active:
            outcome = "ok" if verify_password(record.password_hash, password) else "wrong_password"
        else:
            verify_password(_dummy_hash(), password)  # the same cost as a real check
    finally:
        try:
            log.finish(begun.attempt, outcome)
        except StoreError:
            if outcome == "ok":
                raise
    if outcome != "ok" or record is None:
        raise Refused(bilingual("auth.bad_login"))
    return user_from_record(record)


def user_by_name(store: Store, name: str) -> User | None:
    """The active user called ``name`` (e.g. the e-mail from an OIDC login), or None."""
    record = store.user(name) if name else None
    return user_from_record(record) if record is not None and record.active else None


def refresh_user(store: Store, user: User) -> User:
    """``user`` as the store holds it now: the anonymous viewer once removed or disabled, or once the
    password, role, subdistricts or active flag changed since they signed in (their stamp is stale)."""
    fresh = user_by_name(store, user.name) if user.name else None
    return fresh if fresh is not None and fresh.stamp == user.stamp else VIEWER


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
