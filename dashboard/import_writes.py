"""The import page's writes, each shown first and confirmed: an import's commit and a restore.

Nothing is written until an admin has seen what the import changes, compound by compound,
and confirmed it (``geo.writes.commit_import``); a restore is confirmed the same way
(``geo.writes.restore_version``). The use cases check the user's rights from the store.
"""
from __future__ import annotations

import streamlit as st

from dashboard import cached, state
from dashboard.import_panels import note
from geo import audit, writes
from geo.auth import AuthError
from geo.i18n import t
from geo.imports import preview
from geo.store import Loaded, StoreError


def _ask(key: str, value: object) -> None:
    st.session_state[key] = value


def _confirmed(key: str, value: object, ask: str, question: str, lang: str) -> bool:
    """A button that asks first, then the question with confirm / cancel; True once confirmed."""
    if st.session_state.get(key) != value:
        st.button(ask, type="primary", on_click=_ask, args=(key, value), icon=":material/upload:")
        return False
    note(question, "warning")
    yes, no, _ = st.columns([1, 1, 4])  # confirm and cancel side by side
    no.button(t("imp.cancel", lang), on_click=_ask, args=(key, None))
    return yes.button(t("imp.confirm", lang), type="primary", icon=":material/check:")


def confirmed_import(plan, report, user, loaded: Loaded, lang: str) -> None:
    if not plan.changed:
        return
    if not user.is_admin:
        st.warning(t("imp.admin_only", lang))
        return
    current = cached.store().versions()[-1]
    question = t("imp.confirm_import", lang, summary=preview.summary(plan, lang), new=current.version + 1,
                 current=audit.version_label(current, lang))
    if _confirmed(state.IMPORT_CONFIRM, (report.source, loaded.fingerprint), t("imp.commit", lang), question, lang):
        try:
            version = writes.commit_import(cached.store(), user, plan, expected=loaded.fingerprint, note=report.source)
        except (StoreError, AuthError) as exc:
            note(str(exc), "error")
            return
        st.session_state.pop(state.IMPORT_CONFIRM, None)
        st.session_state[state.IMPORT_DONE] = t("import.committed", lang, version=version, summary=preview.summary(plan, lang))
        st.rerun()


def history(user, lang: str) -> None:
    st.subheader(t("imp.history_title", lang))
    versions = cached.store().versions()
    st.dataframe(audit.versions_frame(versions, lang), hide_index=True, width="stretch")
    earlier = {v.version: v for v in reversed(versions) if not v.current}
    if not user.is_admin or not earlier:
        return
    chosen = st.selectbox(t("imp.restore", lang), list(earlier), key=state.RESTORE_VERSION,
                          format_func=lambda n: audit.version_label(earlier[n], lang))
    question = t("imp.confirm_restore", lang, version=audit.version_label(earlier[chosen], lang), new=versions[-1].version + 1)
    if _confirmed(state.RESTORE_CONFIRM, chosen, t("imp.restore_button", lang), question, lang):
        try:
            new = writes.restore_version(cached.store(), user, chosen, lang=lang)
        except (StoreError, AuthError) as exc:
            note(str(exc), "error")
            return
        st.session_state.pop(state.RESTORE_CONFIRM, None)
        st.session_state[state.IMPORT_DONE] = t("store.restored", lang, version=chosen, new=new)
        st.rerun()
