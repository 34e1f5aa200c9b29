"""One home for settings: paths, store URL, language, basemap keys, screen timing.

Every value can be overridden by an environment variable (named in each field's
``env``). Nothing else in the project reads ``os.environ`` for configuration.
"""
from __future__ import annotations

import datetime as dt
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
    data_source: str = "示意数据：据人民日报四川频道2022年12月报道生成 / Illustrative data generated from the People's Daily Sichuan reports, Dec 2022"  # QY_DATA_SOURCE
    screen_rotate_seconds: int = 15  # QY_SCREEN_ROTATE_SECONDS
    screen_refresh_minutes: int = 10  # QY_SCREEN_REFRESH_MINUTES
    # the screen reloads itself once a day at this local time (a quiet moment), "off" never
    screen_reload_at: dt.time | None = dt.time(4, 30)  # QY_SCREEN_RELOAD_AT: HH:MM | off
    asset_base: str = "/app/static/vendor"  # QY_ASSET_BASE: where Leaflet is served from
    cache_ttl_seconds: int = 300  # QY_CACHE_TTL
    import_max_rows: int = 20_000  # QY_IMPORT_MAX_ROWS: rows one imported file may hold
    import_max_mb: int = 50  # QY_IMPORT_MAX_MB: largest file accepted for import (MB)
    cjk_font: str = ""  # QY_CJK_FONT: TrueType-outline CJK .ttf/.ttc (default: Debian fonts-wqy-microhei)


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
        import_max_rows=_env_int("QY_IMPORT_MAX_ROWS", 20_000),
        import_max_mb=_env_int("QY_IMPORT_MAX_MB", 50),
        cjk_font=_env("QY_CJK_FONT", ""),
    )


def cli_password() -> str | None:
    """The password the command line signs in with (``QY_PASSWORD``), or None when unset.

    Kept out of :class:`Settings` so a secret never shows in a settings repr or log.
    """
    value = os.environ.get("QY_PASSWORD")
    return value if value else None
