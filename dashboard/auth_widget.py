"""The sidebar login box: anonymous viewers by default; editors and admins log in.

Passwords are checked against the store's users (``geo.auth.authenticate``: argon2
hashes, the back-off after failed attempts, counted per account and per client address
in the store's sign-in log). The signed-in user is re-read from the store on every run
(:func:`current_user`, called by ``dashboard/app.py`` on every page): a user removed or
disabled, or whose password, role or rights changed since they signed in, is signed out
at once with a notice, and so is a session with no run for
``settings.session_idle_minutes``. The writes in ``geo.writes`` check the same again.
When Streamlit's OIDC login is configured (an ``[auth]`` section in
``.streamlit/secrets.toml``) the box offers ``st.login`` instead and maps the signed-in
e-mail to a user of the store (unknown e-mails stay viewers). Only data pages show the
box; the exhibition screen never.
"""
from __future__ import annotations

import time

import streamlit as st

from dashboard import cached, state
from geo import auth
from geo.i18n import t, vocab
from geo.programme import Programme
from geo.settings import get_settings
from geo.store import StoreError


def client_key() -> str:
    """The client a sign-in is counted against by the back-off: the browser's address (``web:<ip>``).

    Streamlit gives no address for a browser on this machine: those count as one client.
    """
    ip = st.context.ip_address
    return f"web:{ip}" if isinstance(ip, str) and ip else "web:localhost"


def _end_session(notice: str) -> auth.User:
    """Sign the session out with ``notice`` shown in the login box; the anonymous viewer from now on."""
    st.session_state.pop(state.USER, None)
    st.session_state.pop(state.USER_SEEN, None)
    st.session_state[state.LOGIN_NOTICE] = notice
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()  # a new OIDC sign-in maps the e-mail again, to the user as the store holds them now
    return auth.VIEWER


def current_user() -> auth.User:
    """Who is signed in, as the store holds them now (the anonymous viewer when nobody is).

    Ends the session after ``settings.session_idle_minutes`` without a run, and when the
    stored user was removed, disabled or changed (password, role, subdistricts) since
    they signed in. Call once per run before anything is drawn for the user.
    """
    user = st.session_state.get(state.USER, auth.VIEWER)
    if not user.name:
        return user
    now, idle = time.monotonic(), get_settings().session_idle_minutes
    if idle and now - st.session_state.get(state.USER_SEEN, now) > idle * 60:
        return _end_session(t("login.idle", state.lang(), n=idle))
    try:
        fresh = auth.refresh_user(cached.store(), user)
    except StoreError:
        return auth.VIEWER  # the store cannot be read this run: no rights, the session stays
    if fresh != user:
        return _end_session(t("auth.session_ended", state.lang()))
    st.session_state[state.USER_SEEN] = now
    return fresh


def oidc_configured() -> bool:
    """True when ``st.secrets`` has an ``[auth]`` section (Streamlit OIDC login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _logout() -> None:
    for key in (state.USER, state.USER_SEEN, state.LOGIN_NOTICE):
        st.session_state.pop(key, None)
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def _oidc_user() -> auth.User:
    email = st.user.get("email") if getattr(st.user, "is_logged_in", False) else None
    return (auth.user_by_name(cached.store(), str(email)) if email else None) or auth.VIEWER


def _sign_in(name: str, password: str, lang: str) -> str | None:
    """Sign the session in; the error to show when refused (wrong login, a wait, a store that cannot be written)."""
    try:
        user = auth.authenticate(cached.store(), name, password, client=client_key())
    except auth.Throttled as exc:
        return t("auth.throttled", lang, wait=auth.wait_text(exc.retry_after, lang))
    except auth.Refused:
        return t("auth.bad_login", lang)
    except StoreError as exc:
        return str(exc)
    st.session_state[state.USER] = user
    st.session_state[state.USER_SEEN] = time.monotonic()
    st.session_state.pop(state.LOGIN_NOTICE, None)
    if user.is_admin and auth.password_problem(password, role="admin", name=user.name,
                                               words=auth.place_words(cached.scale().programme)):
        st.session_state[state.LOGIN_NOTICE] = t("login.weak_admin", lang, name=user.name)
    return None


def _password_form(lang: str) -> None:
    with st.form(state.LOGIN_FORM, border=False):
        name = st.text_input(t("login.user", lang), key=f"{state.LOGIN_FORM}_name")
        password = st.text_input(t("login.password", lang), type="password", key=f"{state.LOGIN_FORM}_password")
        if st.form_submit_button(t("login.submit", lang)):
            error = _sign_in(name.strip(), password, lang)
            if error is None:
                st.rerun()
            st.error(error)


def login_box(lang: str, programme: Programme) -> auth.User:
    """Render the sidebar login box (an editor's subdistricts named by ``programme``); return the current user."""
    if oidc_configured() and state.USER not in st.session_state and getattr(st.user, "is_logged_in", False):
        st.session_state[state.USER] = _oidc_user()
        st.session_state[state.USER_SEEN] = time.monotonic()
    user = current_user()
    with st.sidebar.expander(t("login.title", lang), expanded=not user.name):
        notice = st.session_state.get(state.LOGIN_NOTICE)
        if notice:
            st.warning(notice, icon=":material/lock_clock:")
        if user.name:
            st.caption(t("login.as", lang, name=user.name, role=t(f"role.{user.role}", lang)))
            if user.role == "editor":
                subs = "、".join(vocab("subdistrict", s, lang, programme) for s in user.subdistricts) or "-"
                st.caption(t("login.scope", lang, subs=subs))
            st.button(t("login.logout", lang), on_click=_logout)
        elif oidc_configured():
            st.caption(t("login.viewer", lang))
            st.button(t("login.sso", lang), on_click=st.login)
        else:
            st.caption(t("login.viewer", lang))
            _password_form(lang)
    return user
