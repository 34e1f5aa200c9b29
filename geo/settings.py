"""One home for settings: paths, store URL, language, basemap keys, screen timing.

Every value can be overridden by an environment variable (named in each field's
``env``). Nothing else in the project reads ``os.environ`` for configuration.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_GPKG = DATA_DIR / "sample" / "qingyang_sample.gpkg"
#: The working store used when QY_STORE is not set: a copy of the sample made on first use,
#: so edits and imports never change the committed sample (data/work/ is git-ignored).
WORK_STORE = DATA_DIR / "work" / "qingyang.gpkg"
#: Store URLs (``geo.store.open_store``) of the bundled sample and of the default working store.
SAMPLE_STORE_URL = f"gpkg:{SAMPLE_GPKG}"
WORK_STORE_URL = f"gpkg:{WORK_STORE}"

#: The date of the source reports; the sample reproduces the reported figures as of it.
REPORT_DATE = dt.date(2022, 12, 9)
#: Projected CRS for lengths and areas around Chengdu (UTM zone 48N).
METRIC_CRS = "EPSG:32648"
#: Storage CRS (WGS-84; CGCS2000 treated as equal at this scale).
STORAGE_CRS = "EPSG:4326"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_int(name: str, default: int) -> int:
    try:
        return int(_env(name, str(default)))
    except ValueError:
        return default


def _env_days(name: str) -> tuple[tuple[str, int], ...]:
    """``R1=0,R4=2`` -> (("R1", 0), ("R4", 2)); malformed parts are ignored."""
    out = []
    for part in _env(name, "").split(","):
        key, sep, value = part.partition("=")
        if sep and key.strip() and value.strip().lstrip("-").isdigit():
            out.append((key.strip().upper(), int(value)))
    return tuple(out)


def _env_clock(name: str, default: dt.time | None) -> dt.time | None:
    """A local time of day "HH:MM"; "off" for none; anything unreadable gives ``default``."""
    value = _env(name, "")
    if value.lower() == "off":
        return None
    try:
        return dt.time.fromisoformat(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    """Run-time settings, read from the environment by :func:`get_settings`."""

    # QY_STORE: where the data live, as a store URL: gpkg:PATH or a plain file path (postgresql:// reserved)
    store_url: str = WORK_STORE_URL
    language: str = "zh"  # QY_LANG: zh | en
    tianditu_key: str = ""  # QY_TIANDITU_KEY
    # 审图号 of online basemaps: empty unless configured from the provider's current notice
    amap_review_no: str = ""  # QY_AMAP_REVIEW_NO (shown with the AMap basemap)
    tianditu_review_no: str = ""  # QY_TIANDITU_REVIEW_NO
    map_review_no: str = ""  # QY_MAP_REVIEW_NO: 审图号 of the district's own map, if any
    data_source: str = ""  # QY_DATA_SOURCE: the data source line, one text for both languages (empty: the sample's credit, per language)
    screen_rotate_seconds: int = 15  # QY_SCREEN_ROTATE_SECONDS
    screen_refresh_minutes: int = 10  # QY_SCREEN_REFRESH_MINUTES
    # the screen reloads itself once a day at this local time (a quiet moment), "off" never
    screen_reload_at: dt.time | None = dt.time(4, 30)  # QY_SCREEN_RELOAD_AT: HH:MM | off
    asset_base: str = "/app/static/vendor"  # QY_ASSET_BASE: where Leaflet is served from
    cache_ttl_seconds: int = 300  # QY_CACHE_TTL
    # QY_ROLLUP_FROM: from this many compounds the pages read totals and the viewport's compounds
    # from the store (the roll-up) and never load every compound into the server
    rollup_from_compounds: int = 50_000
    import_max_rows: int = 20_000  # QY_IMPORT_MAX_ROWS: rows one imported file may hold
    import_max_mb: int = 50  # QY_IMPORT_MAX_MB: largest file accepted for import (MB); also Streamlit's upload limit
    import_max_columns: int = 200  # QY_IMPORT_MAX_COLUMNS: columns one imported file may hold
    import_max_cells: int = 1_000_000  # QY_IMPORT_MAX_CELLS: rows × columns one imported file may hold
    import_timeout_seconds: int = 60  # QY_IMPORT_TIMEOUT_SECONDS: time (wall clock and CPU) to read one file
    import_memory_mb: int = 1536  # QY_IMPORT_MEMORY_MB: address space of the process that reads one file
    import_workers: int = 2  # QY_IMPORT_WORKERS: files read at the same time (more wait, then are refused)
    cjk_font: str = ""  # QY_CJK_FONT: TrueType-outline CJK .ttf/.ttc (default: Debian fonts-wqy-microhei)
    # QY_RULE_TOLERANCE: days of overlap each sequencing rule tolerates, e.g. "R1=0,R2=1,R4=2"
    # (rules not named keep their default of geo.schedule.rules.RULES)
    rule_tolerance_days: tuple[tuple[str, int], ...] = ()
    lag_alert_days: int = 3  # QY_LAG_ALERT_DAYS: a compound is behind its daily plan from this many days of lag
    # sign-in and sessions (geo/auth.py, geo/backoff.py, dashboard/auth_widget.py)
    session_idle_minutes: int = 30  # QY_SESSION_IDLE_MINUTES: sign a session out after this long without a run (0: never)
    login_free_failures: int = 5  # QY_LOGIN_FREE_FAILURES: failed sign-ins of one account before it must wait
    login_client_free_failures: int = 20  # QY_LOGIN_CLIENT_FREE_FAILURES: the same for one client, any names
    login_max_wait_seconds: int = 900  # QY_LOGIN_MAX_WAIT_SECONDS: the longest wait (it doubles per failure)
    # QY_PAGES: the URL paths this server serves, comma-separated (empty: all); "screen" for a
    # read-only exhibition server with no import or edit pages
    pages: tuple[str, ...] = ()


def get_settings() -> Settings:
    """Read settings from the environment (call again to pick up changes)."""
    return Settings(
        store_url=_env("QY_STORE", WORK_STORE_URL),
        language=_env("QY_LANG", "zh") if _env("QY_LANG", "zh") in ("zh", "en") else "zh",
        tianditu_key=_env("QY_TIANDITU_KEY", ""),
        amap_review_no=_env("QY_AMAP_REVIEW_NO", Settings.amap_review_no),
        tianditu_review_no=_env("QY_TIANDITU_REVIEW_NO", Settings.tianditu_review_no),
        map_review_no=_env("QY_MAP_REVIEW_NO", ""),
        data_source=_env("QY_DATA_SOURCE", Settings.data_source),
        screen_rotate_seconds=_env_int("QY_SCREEN_ROTATE_SECONDS", 15),
        screen_refresh_minutes=_env_int("QY_SCREEN_REFRESH_MINUTES", 10),
        screen_reload_at=_env_clock("QY_SCREEN_RELOAD_AT", Settings.screen_reload_at),
        asset_base=_env("QY_ASSET_BASE", "/app/static/vendor"),
        cache_ttl_seconds=_env_int("QY_CACHE_TTL", 300),
        rollup_from_compounds=_env_int("QY_ROLLUP_FROM", 50_000),
        import_max_rows=_env_int("QY_IMPORT_MAX_ROWS", 20_000),
        import_max_mb=_env_int("QY_IMPORT_MAX_MB", 50),
        import_max_columns=_env_int("QY_IMPORT_MAX_COLUMNS", 200),
        import_max_cells=_env_int("QY_IMPORT_MAX_CELLS", 1_000_000),
        import_timeout_seconds=_env_int("QY_IMPORT_TIMEOUT_SECONDS", 60),
        import_memory_mb=_env_int("QY_IMPORT_MEMORY_MB", 1536),
        import_workers=_env_int("QY_IMPORT_WORKERS", 2),
        cjk_font=_env("QY_CJK_FONT", ""),
        rule_tolerance_days=_env_days("QY_RULE_TOLERANCE"),
        lag_alert_days=_env_int("QY_LAG_ALERT_DAYS", 3),
        session_idle_minutes=max(0, _env_int("QY_SESSION_IDLE_MINUTES", Settings.session_idle_minutes)),
        login_free_failures=max(1, _env_int("QY_LOGIN_FREE_FAILURES", Settings.login_free_failures)),
        login_client_free_failures=max(1, _env_int("QY_LOGIN_CLIENT_FREE_FAILURES", Settings.login_client_free_failures)),
        login_max_wait_seconds=max(1, _env_int("QY_LOGIN_MAX_WAIT_SECONDS", Settings.login_max_wait_seconds)),
        pages=tuple(p.strip().strip("/") for p in _env("QY_PAGES", "").split(",") if p.strip().strip("/")),
    )


def streamlit_flags(settings: Settings | None = None) -> list[str]:
    """The ``streamlit run`` options that come from these settings (``.streamlit/config.toml``
    is static): Streamlit's upload limit is the import limit, ``import_max_mb``.

    ``python -m geo.settings`` prints them; scripts/run.sh passes them on.
    """
    s = settings or get_settings()
    return ["--server.maxUploadSize", str(s.import_max_mb)]


def cli_password() -> str | None:
    """The password the command line signs in with (``QY_PASSWORD``), or None when unset.

    Kept out of :class:`Settings` so a secret never shows in a settings repr or log.
    """
    value = os.environ.get("QY_PASSWORD")
    return value if value else None


_LOG = logging.getLogger(__name__)
#: Pages already warned about a missing 审图号 in this process (one warning each).
_WARNED_NO_REVIEW: set[str] = set()


def warn_if_no_review_no(settings: Settings, page: str) -> bool:
    """Log a warning (once per ``page`` and process) when a public ``page`` runs without the
    district map's 审图号 (``QY_MAP_REVIEW_NO``); True when one is configured."""
    if settings.map_review_no:
        return True
    if page not in _WARNED_NO_REVIEW:
        _WARNED_NO_REVIEW.add(page)
        _LOG.warning("public page '%s' runs without a map review number (审图号): set QY_MAP_REVIEW_NO "
                     "to the number of the district map's approval; maps shown in public need one", page)
    return False


if __name__ == "__main__":
    print(" ".join(streamlit_flags()))
