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
