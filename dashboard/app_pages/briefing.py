"""总览 / Briefing (leadership group) — first version (shell)."""
import streamlit as st

from dashboard import cached, state
from geo.i18n import t

lang = state.lang()
st.title(t("page.briefing", lang))
ds = cached.dataset_or_stop(lang)
day = state.as_of()
s = cached.stats(cached.store_fingerprint(), day, _ds=ds)
st.metric(t("app.as_of", lang), day.isoformat())
st.metric("十四五", f"{s['fyp14']['completed']} / {s['fyp14']['target']}")
