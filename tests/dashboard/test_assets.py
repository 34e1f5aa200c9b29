"""dashboard/assets.py: vendor files copied from django-leaflet, idempotently."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import assets


def test_sync_copies_leaflet_draw_and_shim_then_does_nothing(tmp_path: Path) -> None:
    copied, removed, unchanged = assets.sync_assets(tmp_path)
    expected = {"leaflet.js", "leaflet.css", "images/marker-icon.png",
                "draw/leaflet.draw.js", "draw/images/spritesheet.svg", "folium-offline.js"}
    assert expected <= set(copied) and removed == [] and unchanged == 0
    assert "Leaflet 1.9" in (tmp_path / "leaflet.js").read_text()[:200]
    assert assets.sync_assets(tmp_path) == ([], [], len(copied))


def test_sync_replaces_changed_and_removes_stale_files(tmp_path: Path) -> None:
    assets.sync_assets(tmp_path)
    (tmp_path / "leaflet.css").write_text("tampered")
    (tmp_path / "old.js").write_text("stale")
    copied, removed, _ = assets.sync_assets(tmp_path)
    assert copied == ["leaflet.css"] and removed == ["old.js"]


def test_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(assets.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(assets.AssetsError, match="requirements-assets.txt"):
        assets.leaflet_static_dir()
    assert assets.main() == 1
    assert "django-leaflet is not installed" in capsys.readouterr().err


def test_served_shims_are_the_current_ones() -> None:
    """The browser gets dashboard/shims/ as they are now, not a copy from before a change."""
    for name in assets.SHIM_FILES:
        served = assets.VENDOR_DIR / name
        if not served.is_file():
            pytest.skip(f"{assets.VENDOR_DIR} is not set up (bash scripts/setup.sh)")
        assert served.read_bytes() == (assets.SHIM_DIR / name).read_bytes(), (
            f"{served} is older than dashboard/shims/{name}: run .venv/bin/python -m dashboard.assets")
