import subprocess
import sys

import pytest

from geo import fonts
from geo.cli.main import main
from geo.sample.programme import QINGYANG
from geo.settings import ROOT


def test_unknown_area_exits_2_and_lists_the_valid_areas(tmp_path):
    out = tmp_path / "x.pptx"
    proc = subprocess.run([sys.executable, "-m", "geo", "brief", "--area", "不存在片区", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    for area in QINGYANG.area_names:
        assert area in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, words", [
    (["-o", "{tmp}/x.docx"], [".pptx", ".pdf"]),
    (["--as-of", "2022-13-40", "-o", "{tmp}/x.pdf"], ["YYYY-MM-DD"]),
    (["--lang", "fr", "-o", "{tmp}/x.pdf"], ["zh", "en"]),
    (["-o", "{tmp}/no/such/dir/x.pdf"], ["does not exist"]),
])
def test_bad_input_exits_2_with_one_line(args, words, tmp_path, capsys):
    assert main(["brief", *(a.format(tmp=tmp_path) for a in args)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err


def test_writes_an_area_pdf(tmp_path, capsys):
    out = tmp_path / "qingxi.pdf"
    assert main(["brief", "--as-of", "2022-12-09", "--area", "清溪片区", "--lang", "en", "-o", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert str(out) in capsys.readouterr().out
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_font_exits_1_naming_the_package(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QY_CJK_FONT", str(tmp_path / "none.ttf"))
    assert main(["brief", "-o", str(tmp_path / "x.pptx")]) == 1
    assert fonts.CJK_FONT_PACKAGE in capsys.readouterr().err
    assert not (tmp_path / "x.pptx").exists()
