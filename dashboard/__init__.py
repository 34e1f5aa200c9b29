"""Streamlit app of the old-compound renovation dashboard."""
