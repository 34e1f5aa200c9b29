"""The dashboard shell: page list and URLs, language switch, as-of date, no legacy pages/ folder."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
DASHBOARD = Path(APP).parent


def test_no_legacy_pages_folder():
    # A dashboard/pages/ folder makes Streamlit run /<page> URLs without app.py after a restart.
    assert not (DASHBOARD / "pages").exists(), "page files belong in dashboard/app_pages/, see dashboard/app.py"
