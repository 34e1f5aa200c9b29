"""GIS core of the Qingyang old-compound renovation dashboard (no Streamlit here)."""
