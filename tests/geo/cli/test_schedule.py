"""python -m geo sequence / daily / progress import|export, and edit with the new fields."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from geo.cli.main import main
from geo.settings import ROOT
from tests.store_support import ADMIN, EDITOR, scratch_store_with_users, store_digest


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_sequence_lists_every_finding_with_the_two_works_their_dates_and_days(store):
    done = _run("sequence", "--as-of", "2022-12-09", "--json", "--store", store.url)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["as_of"] == "2022-12-09" and len(out["findings"]) == 10
    first = out["findings"][0]
    assert {"compound_id", "name", "rule", "kind", "first_work", "first_date", "second_work", "second_date", "days"} <= set(first)
    assert (first["compound_id"], first["rule"], first["days"], first["ongoing"]) == ("QY-0657", "R1", 23.0, True)
    text = _run("sequence", "--as-of", "2022-12-09", "--area", "清溪片区", "--store", store.url)
    assert text.returncode == 0 and "R1 先地下后地上" in text.stdout and "QY-0657" not in text.stdout
    bad = _run("sequence", "--area", "月球片区", "--store", store.url)
    assert bad.returncode == 2 and "清溪片区" in bad.stderr


def test_stats_json_has_the_sequencing_and_issues_blocks(store):
    done = _run("stats", "--as-of", "2022-12-09", "--json", "--store", store.url)
    stats = json.loads(done.stdout)
    assert stats["sequencing"]["violations"] == 6 and stats["sequencing"]["compounds_with_violations"] == 5
    assert set(stats["issues"]) >= {"open", "raised", "resolved_same_day_rate"}
    assert 0.6 < stats["issues"]["resolved_same_day_rate"] < 0.85


@pytest.mark.parametrize("suffix", ["pdf", "xlsx"])
def test_daily_writes_the_dispatch_report(store, tmp_path, suffix):
    out = tmp_path / f"report.{suffix}"
    done = _run("daily", "--date", "2022-12-09", "--area", "送仙桥片区", "--lang", "en", "-o", str(out), "--store", store.url)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:4] == (b"%PDF" if suffix == "pdf" else b"PK\x03\x04")
    assert _run("daily", "--date", "2022-12-09", "-o", str(tmp_path / "r.doc"), "--store", store.url).returncode == 2


def _sign_in(monkeypatch, who):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setenv("QY_PASSWORD", who[1])


def test_progress_export_then_import_saves_a_contractors_sheet(store, tmp_path, monkeypatch, capsys):
    sheet = tmp_path / "daily.xlsx"
    assert main(["progress", "export", "--date", "2022-12-09", "--subdistrict", "金沙", "-o", str(sheet),
                 "--store", store.url]) == 0
    assert main(["progress", "import", str(sheet), "--dry-run", "--store", store.url]) == 0
    assert "可以导入" in capsys.readouterr().out
    _sign_in(monkeypatch, EDITOR)  # li edits 金沙: the sheet of 金沙 is li's
    # the export has the day's reports already: importing it changes nothing but is allowed
    assert main(["progress", "import", str(sheet), "--user", EDITOR[0], "--store", store.url]) == 0
    assert "已保存" in capsys.readouterr().out


def test_progress_import_of_a_bad_sheet_prints_the_report_and_writes_nothing(store, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("小区编号,小区名称,改造内容,日期,累计完成（%）\nQY-0657,甲,充电桩,2022-12-09,130\n", encoding="utf-8")
    before = store_digest(store)
    assert main(["progress", "import", str(bad), "--store", store.url]) == 1
    out = capsys.readouterr().out
    assert "bad.csv:2 [累计完成（%）]" in out and "0 到 100" in out and "未保存任何进度" in out
    assert store_digest(store) == before


def test_progress_import_is_refused_for_an_editor_of_another_subdistrict(store, tmp_path, monkeypatch, capsys):
    sheet = tmp_path / "caotang.csv"
    sheet.write_text("小区编号,小区名称,改造内容,日期,累计完成（%）\nQY-0657,甲,充电桩,2022-12-09,99\n", encoding="utf-8")
    _sign_in(monkeypatch, EDITOR)
    before = store_digest(store)
    assert main(["progress", "import", str(sheet), "--user", EDITOR[0], "--store", store.url]) == 1
    assert "QY-0657" in capsys.readouterr().err and store_digest(store) == before


def test_edit_sets_works_dates_and_handovers_and_sequence_sees_the_change_at_once(store, monkeypatch, capsys):
    _sign_in(monkeypatch, ADMIN)
    assert main(["edit", "QY-0264", "--set", "handovers.sewage.ev_chargers.actual_date=2022-06-02",
                 "--set", "works.ev_chargers.plan_start=2022-05-25", "--user", ADMIN[0], "--store", store.url]) == 0
    capsys.readouterr()
    assert main(["sequence", "--as-of", "2022-12-09", "--json", "--store", store.url]) == 0
    found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["compound_id"] == "QY-0264"]
    assert {(f["rule"], f["days"]) for f in found} == {("R1", 9.0), ("R4", 4.0)}  # handed over 4 days after the start
