"""GIS core of the old-compound renovation dashboard (no Streamlit here); the programme's places
and targets are data (geo.programme)."""
