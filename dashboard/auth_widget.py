"""The sidebar login box: anonymous viewers by default; editors and admins log in.

Passwords are checked against the store's users (``geo.auth``, argon2 hashes). The
signed-in user is re-read from the store on every run, so a user removed, disabled or
given another role meanwhile is a viewer (or has the new role) at once. When
Streamlit's OIDC login is configured (an ``[auth]`` section in ``.streamlit/secrets.toml``)
the box offers ``st.login`` instead and maps the signed-in e-mail to a user of the
store (unknown e-mails stay viewers). Only data pages show it; the exhibition screen never.
"""
from __future__ import annotations

import streamlit as st

from dashboard import cached, state
from geo import auth
from geo.i18n import t, vocab
from geo.programme import Programme
from geo.store import StoreError


def current_user() -> auth.User:
    """Who is signed in, as the store holds them now (the anonymous viewer when nobody is)."""
    user = st.session_state.get(state.USER, auth.VIEWER)
    if not user.name:
        return user
    try:
        fresh = auth.refresh_user(cached.store(), user)
    except StoreError:
        fresh = auth.VIEWER
    if fresh != user:
        st.session_state[state.USER] = fresh
    return fresh


def oidc_configured() -> bool:
    """True when ``st.secrets`` has an ``[auth]`` section (Streamlit OIDC login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _logout() -> None:
    st.session_state.pop(state.USER, None)
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def _oidc_user() -> auth.User:
    email = st.user.get("email") if getattr(st.user, "is_logged_in", False) else None
    return (auth.user_by_name(cached.store(), str(email)) if email else None) or auth.VIEWER


def _password_form(lang: str) -> None:
    with st.form(state.LOGIN_FORM, border=False):
        name = st.text_input(t("login.user", lang), key=f"{state.LOGIN_FORM}_name")
        password = st.text_input(t("login.password", lang), type="password", key=f"{state.LOGIN_FORM}_password")
        if st.form_submit_button(t("login.submit", lang)):
            try:
                st.session_state[state.USER] = auth.authenticate(cached.store(), name.strip(), password)
                st.rerun()
            except (auth.AuthError, StoreError):
                st.error(t("auth.bad_login", lang))


def login_box(lang: str, programme: Programme) -> auth.User:
    """Render the sidebar login box (an editor's subdistricts named by ``programme``); return the current user."""
    if oidc_configured() and state.USER not in st.session_state and getattr(st.user, "is_logged_in", False):
        st.session_state[state.USER] = _oidc_user()
    user = current_user()
    with st.sidebar.expander(t("login.title", lang), expanded=not user.name):
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
    return current_user()

