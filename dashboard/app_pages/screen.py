"""大屏 / Exhibition screen — first version (shell); filled in by geo.maps + screen layout."""
import streamlit as st

from dashboard import cached, state
from geo.i18n import t

lang = state.lang()
st.title(t("app.title", lang))
ds = cached.dataset_or_stop(lang)
