"""python -m geo migrate: a store copied between backends; stats are the same on both, as of any date."""
from __future__ import annotations

import datetime as dt
import json

from geo.cli.main import main
from geo.store import Change, open_store
from tests.store_support import ADMIN, pg_url, scratch_store_with_users


def _stats(capsys, store: str, day: str) -> dict:
    capsys.readouterr()
    assert main(["stats", "--json", "--store", store, "--as-of", day]) == 0
    return json.loads(capsys.readouterr().out)


def test_gpkg_to_postgis_and_back_with_identical_stats(tmp_path, capsys, monkeypatch):
    source = scratch_store_with_users(tmp_path)
    source.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "actual_finish", None, "2016-11-20")],
                         user="li", etag=source.etag("QY-0001"))
    server, back = pg_url(tmp_path / "server"), f"gpkg:{tmp_path / 'back.gpkg'}"
    assert main(["migrate", "--from", source.url, "--to", server]) == 0
    out = capsys.readouterr().out
    assert "1 versions, 1 audit rows and 2 users" in out and "已复制" in out
    monkeypatch.setenv("QY_PASSWORD", ADMIN[1])
    assert main(["migrate", "--from", server, "--to", back]) == 0  # an empty target: no sign-in
    for day in ("2016-11-20", "2022-12-09", dt.date.today().isoformat()):
        expected = _stats(capsys, source.url, day)
        assert _stats(capsys, server, day) == expected and _stats(capsys, back, day) == expected
    assert open_store(back).audit().equals(source.audit())


def test_replacing_a_store_with_an_admin_needs_its_admin(tmp_path, capsys, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    source, target = scratch_store_with_users(tmp_path / "a"), scratch_store_with_users(tmp_path / "b")
    target.apply_changes("QY-0002", [Change("compounds", ("QY-0002",), "plan_finish", None, "2016-12-31")],
                         user="li", etag=target.etag("QY-0002"))
    assert main(["migrate", "--from", source.url, "--to", target.url]) == 1
    assert "refused" in capsys.readouterr().err and len(target.audit()) == 1  # nothing replaced
    monkeypatch.setenv("QY_PASSWORD", ADMIN[1])
    assert main(["migrate", "--from", source.url, "--to", target.url, "--user", "admin"]) == 0
    assert target.audit().empty


def test_a_bad_url_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["migrate", "--from", "mysql://x/y", "--to", str(tmp_path / "t.gpkg")]) == 2
    assert "gpkg:PATH" in capsys.readouterr().err
