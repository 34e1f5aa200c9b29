"""scripts/run.sh starts Streamlit with the options the settings give (its config file is static)."""
from __future__ import annotations

import time
from pathlib import Path

from dashboard import warmup
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


def test_run_sh_warms_the_pages_before_the_first_visitor(tmp_path):
    """The warm-up (dashboard/warmup.py) opens each page once in its own session and says how each run ended."""
    with run_script_server(env={"QY_WARMUP_PAGES": "briefing,screen,no-such-page"}) as (_, _pid, log):
        deadline = time.monotonic() + 180
        while "warm-up:" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        line = next(x for x in log.read_text().splitlines() if x.startswith("warm-up:"))
    assert "briefing" in line and "screen" in line, line
    assert line.count("(FINISHED_SUCCESSFULLY)") == 2, line
    assert "no-such-page" in line and "(not served)" in line, line


def test_the_warm_up_finds_the_port_streamlit_is_given():
    assert warmup.server_url([]) == "http://127.0.0.1:8501"
    assert warmup.server_url(["--server.port", "8600", "--server.headless", "true"]) == "http://127.0.0.1:8600"
    assert warmup.server_url(["--server.port=8700"]) == "http://127.0.0.1:8700"
