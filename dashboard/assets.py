"""Put the front-end files the maps load into ``dashboard/static/vendor/``.

Leaflet 1.9 and Leaflet.draw come from the installed django-leaflet package
(installed with ``--no-deps``; its top-level module is ``leaflet`` and Django is
never imported); our own ``folium-offline.js`` (marker icon folder and a
two-call jQuery stand-in) comes from ``dashboard/shims/``.
Streamlit serves the folder at ``/app/static/vendor/`` (``enableStaticServing``),
which is what :func:`geo.maps.offline.offline_map` points folium at.

Run ``python -m dashboard.assets`` (``scripts/setup.sh`` does). Idempotent: only
changed files are copied, stale ones removed. No Streamlit import here.
"""
from __future__ import annotations

import filecmp
import importlib.metadata
import importlib.util
import shutil
import sys
from pathlib import Path

#: Top-level module of the django-leaflet distribution (not "django_leaflet").
PACKAGE = "leaflet"
DISTRIBUTION = "django-leaflet"
DASHBOARD_DIR = Path(__file__).resolve().parent
VENDOR_DIR = DASHBOARD_DIR / "static" / "vendor"
SHIM_DIR = DASHBOARD_DIR / "shims"

#: Files (globs) under the package's ``static/leaflet/``, kept at the same relative path.
LEAFLET_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/*.png",
    "draw/leaflet.draw.js",
    "draw/leaflet.draw.css",
    "draw/images/*",
)
#: Our own files under ``dashboard/shims/``, copied to the top of the vendor folder.
SHIM_FILES = ("folium-offline.js",)


class AssetsError(RuntimeError):
    """The asset source is missing or incomplete; the message says how to fix it."""


def leaflet_static_dir() -> Path:
    """Return django-leaflet's ``static/leaflet`` folder, or raise :class:`AssetsError`."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "static" / "leaflet"
        if (folder / "leaflet.js").is_file():
            return folder
    raise AssetsError(
        f"{DISTRIBUTION} is not installed in {sys.prefix} (no module '{PACKAGE}' with "
        "static/leaflet/leaflet.js). Run: .venv/bin/pip install --no-deps "
        "-r requirements-assets.txt   (or simply: bash scripts/setup.sh)"
    )


def asset_plan(static_dir: Path) -> dict[str, Path]:
    """Map each vendor-relative path (posix) to the source file it is copied from."""
    plan: dict[str, Path] = {}
    for pattern in LEAFLET_FILES:
        matches = sorted(p for p in static_dir.glob(pattern) if p.is_file())
        if not matches:
            raise AssetsError(f"{DISTRIBUTION} has no {pattern} under {static_dir}")
        for source in matches:
            plan[source.relative_to(static_dir).as_posix()] = source
    for name in SHIM_FILES:
        plan[name] = SHIM_DIR / name
    return plan


def _sync_file(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless identical; return True if copied."""
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def _remove_stale(vendor_dir: Path, keep: set[str]) -> list[str]:
    """Delete files under ``vendor_dir`` that are not in ``keep``; return their paths."""
    stale = [
        p for p in vendor_dir.rglob("*")
        if p.is_file() and p.relative_to(vendor_dir).as_posix() not in keep
    ]
    for path in stale:
        path.unlink()
    return [p.relative_to(vendor_dir).as_posix() for p in stale]


def sync_assets(vendor_dir: Path = VENDOR_DIR) -> tuple[list[str], list[str], int]:
    """Bring ``vendor_dir`` up to date; return (copied, removed, unchanged count)."""
    plan = asset_plan(leaflet_static_dir())
    copied = [rel for rel, src in plan.items() if _sync_file(src, vendor_dir / rel)]
    removed = _remove_stale(vendor_dir, set(plan))
    return copied, removed, len(plan) - len(copied)


def main() -> int:
    """Command-line entry point: sync, print a one-line summary, return exit code."""
    try:
        copied, removed, unchanged = sync_assets()
    except AssetsError as exc:
        print(f"dashboard.assets: ERROR: {exc}", file=sys.stderr)
        return 1
    version = importlib.metadata.version(DISTRIBUTION)
    for rel in copied:
        print(f"dashboard.assets: copied {rel}")
    for rel in removed:
        print(f"dashboard.assets: removed stale {rel}")
    print(
        f"dashboard.assets: {len(copied)} copied, {len(removed)} removed, "
        f"{unchanged} up to date in {VENDOR_DIR} ({DISTRIBUTION} {version})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
