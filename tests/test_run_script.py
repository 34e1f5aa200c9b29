"""scripts/run.sh starts Streamlit with the options the settings give (its config file is static)."""
from __future__ import annotations

from pathlib import Path

from geo.settings import Settings, streamlit_flags
from tests.browser_support import run_script_server


def test_streamlit_flags_come_from_the_settings(monkeypatch):
    assert streamlit_flags(Settings(import_max_mb=7)) == ["--server.maxUploadSize", "7"]
    monkeypatch.setenv("QY_IMPORT_MAX_MB", "12")
    assert streamlit_flags() == ["--server.maxUploadSize", "12"]


def test_run_sh_gives_streamlit_the_import_limit_as_its_upload_limit():
    with run_script_server(env={"QY_IMPORT_MAX_MB": "7"}) as (_, pid, _log):
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")  # run.sh execs streamlit: same pid
    flags = [a.decode() for a in argv]
    assert "streamlit" in " ".join(flags) and "dashboard/app.py" in flags
    at = flags.index("--server.maxUploadSize")
    assert flags[at + 1] == "7"
