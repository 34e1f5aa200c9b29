"""Streamlit app of the Qingyang old-compound renovation dashboard."""
