"""筛选 / Explorer (planners) — STUB from the shell; the explorer engineer owns and replaces it."""
import streamlit as st

from dashboard import cached, state
from geo.i18n import t

lang = state.lang()
st.title(t("page.explorer", lang))
ds = cached.dataset_or_stop(lang)
st.info(t("shell.coming_soon", lang))
