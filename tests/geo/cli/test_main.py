import json
import subprocess
import sys

import pytest

from geo import metrics
from geo.cli.main import main
from geo.store import open_store
from tests.store_support import scratch_store_url


def run(*args):
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True)


def test_stats_json_matches_metrics(sample):
    r = run("stats", "--as-of", "2022-12-09", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data == json.loads(json.dumps(metrics.stats(sample, "2022-12-09")))
    for key in ("as_of", "compounds", "batches", "households", "elevators", "greenways", "funding_wan_yuan"):
        assert key in data
    assert data["funding_wan_yuan"]["by_year"]["2022"]["special_bonds"] == 16000


def test_convert_prints_nine_decimals():
    r = run("convert", "--from", "wgs84", "--to", "gcj02", "120", "40")
    assert r.returncode == 0
    assert r.stdout.strip() == "120.005675684 40.001304790"


@pytest.mark.parametrize("args, words", [
    (["stats", "--area", "nowhere"], ["清溪片区", "玉泉片区"]),
    (["stats", "--subdistrict", "nowhere"], ["草堂", "康河"]),
    (["stats", "--as-of", "2022-13-40"], ["YYYY-MM-DD"]),
    (["convert", "--from", "mercator", "--to", "gcj02", "1", "2"], ["wgs84", "bd09"]),
    (["frobnicate"], ["stats"]),
])
def test_bad_input_exits_2_with_one_line(args, words, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for w in words:
        assert w in err


def test_build_sample_to_other_path(tmp_path):
    out = tmp_path / "s.gpkg"
    assert main(["build-sample", "-o", str(out)]) == 0
    assert out.stat().st_size > 100_000


def test_build_synthetic_then_stats_of_a_province(tmp_path, capsys):
    url = scratch_store_url(tmp_path)
    assert main(["build-synthetic", "--compounds", "600", "--provinces", "3", "--store", url]) == 0
    assert "600 compounds in 3 provinces" in capsys.readouterr().out
    ds = open_store(url).load().dataset
    province = ds.programme.at_level("province")[1].code
    assert main(["stats", "--store", url, "--place", province, "--as-of", "2024-06-30", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == json.loads(json.dumps(metrics.stats(ds, "2024-06-30", place=province)))
    assert got["place"]["level"] == "province" and 0 < got["compounds"]["surveyed"] < 600


@pytest.mark.parametrize("args, words", [
    (["build-synthetic", "--compounds", "2", "--store", "x.gpkg"], ["--compounds", "31"]),
    (["stats", "--place", "nowhere"], ["510105"]),
])
def test_rollup_bad_input_exits_2_with_one_line(args, words, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and all(w in err for w in words)
