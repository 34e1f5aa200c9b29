"""The bad-file corpus (tests/data/corpus, made by tests/data/make_corpus.py; cases in
tests/data/corpus_cases.py, also the attack table of docs/security.md).

Every blocking fault gives its own message (code, row, column) and `python -m geo import`
leaves the store byte for byte as it was; hostile values are read neutralised, with a warning. Files planners really send (GBK, BOM, UTF-16,
merged title rows, totals, hidden rows, full-width digits, shapefiles without .cpg or
.prj, projected CRSs, KML) are read correctly.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from geo.cli.main import main
from geo.imports.issues import UnreadableFile
from geo.imports.pipeline import UploadOptions, check_path
from geo.imports.readers import read_file
from geo.imports.validate import validate_table
from geo.settings import SAMPLE_GPKG
from tests.data.corpus_cases import CASES, GENERATED, HOSTILE, ROW_FAULTS, UNREADABLE

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
UNREADABLE_IDS = [c.name for c in UNREADABLE]
ROW_IDS = [c.name for c in ROW_FAULTS]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corpus_has_at_least_30_distinct_blocking_faults():
    codes = {c.code for c in ROW_FAULTS} | {c.name for c in UNREADABLE}
    assert len(ROW_FAULTS) + len(UNREADABLE) >= 30 and len(codes) >= 30


def test_every_corpus_file_has_a_case():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()}
    listed = {c.file for c in CASES} | {f"ok/{p.name}" for p in (CORPUS / "ok").iterdir()}
    assert files - listed == set()


@pytest.mark.parametrize("case", ROW_FAULTS, ids=ROW_IDS)
def test_row_fault_is_reported_and_blocks_import(case, store, capsys, monkeypatch):
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    before = _digest(store)
    assert main(["validate", str(case.path), "--json", "--store", str(store), *case.options]) == 1
    report = json.loads(capsys.readouterr().out)
    hits = [i for i in report["issues"] if i["code"] == case.code and i["severity"] == "error"]
    assert hits, report["issues"]
    assert hits[0]["row"] == case.row and hits[0]["file"] == case.name
    assert hits[0]["problem_zh"] and hits[0]["problem_en"] and hits[0]["accepted_en"]
    assert main(["import", str(case.path), "--store", str(store), *case.options]) == 1
    out = capsys.readouterr().out
    where = f"{case.name}:{case.row}" if case.row else case.name
    assert where in out and "未导入任何数据" in out and "Traceback" not in out
    assert _digest(store) == before


@pytest.mark.parametrize("case", UNREADABLE, ids=UNREADABLE_IDS)
def test_unreadable_file_exits_2_with_one_line(case, store, capsys, monkeypatch):
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    before = _digest(store)
    assert main(["validate", str(case.path), "--store", str(store), *case.options]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and case.name in err
    for word in case.words:
        assert word in err, err
    assert main(["import", str(case.path), "--store", str(store), *case.options]) == 2
    assert _digest(store) == before


@pytest.mark.parametrize("case", UNREADABLE, ids=UNREADABLE_IDS)
def test_unreadable_file_names_its_code(case, sample, monkeypatch):
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    options = dict(zip(case.options[::2], case.options[1::2]))
    with pytest.raises(UnreadableFile) as refused:
        check_path(case.path, sample, UploadOptions.of(choice=options.get("--sheet") or options.get("--layer"),
                                                       encoding=options.get("--encoding")))
    assert refused.value.code == case.code
    assert refused.value.message("zh") != refused.value.message("en")


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_hostile_values_are_read_neutralised_and_reported(case, sample):
    checked = check_path(case.path, sample)
    hits = [i for i in checked.report.issues if i.code == case.code]
    assert hits and hits[0].row == case.row and hits[0].severity == "warning", checked.report.issues
    assert checked.report.ok and checked.plan is not None
    for name in checked.report.rows["name"]:
        assert not any(ch in name for ch in "\x07\x1b\n\r\u202e\u202c"), repr(name)


@pytest.mark.parametrize("big", GENERATED, ids=[g.name for g in GENERATED])
def test_big_generated_files_are_refused_early(big, tmp_path, store, capsys):
    path = big.make(tmp_path / big.name)
    before = _digest(store)
    assert main(["import", str(path), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    for word in big.words:
        assert word in err, err
    assert _digest(store) == before


def test_oversized_file_is_refused(tmp_path, store, monkeypatch, capsys):
    monkeypatch.setenv("QY_IMPORT_MAX_MB", "1")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (2 * 2**20))
    assert main(["validate", str(big), "--store", str(store)]) == 2
    assert "MB" in capsys.readouterr().err


# --- files planners really have -----------------------------------------------------------------
def _report(name: str, sample, **options):
    return validate_table(read_file(CORPUS / "ok" / name, **options), sample, crs=options.pop("crs", "wgs84"))


@pytest.mark.parametrize("name", ["gbk.csv", "gb18030.csv", "utf8_bom.csv", "utf16_tab.txt", "shp_utf8.zip",
                                  "shp_gbk_no_cpg.zip", "shp_cgcs2000_gk.zip", "points.kml"])
def test_real_world_encodings_and_formats_read_clean(name, sample):
    report = _report(name, sample)
    assert report.ok and not report.warnings, [(i.code, i.row) for i in report.issues]
    names = list(report.rows["name"])
    assert names[2] == "宽巷子132号院" or names[2].endswith("宽巷子132号院")
    assert report.rows.geometry.iloc[2].distance(__import__("shapely").Point(104.05373, 30.66784)) < 1e-5


def test_messy_values_are_understood(sample):
    report = _report("messy.csv", sample)
    assert report.ok
    codes = {(i.code, i.row) for i in report.warnings}
    assert codes == {("name_spaces", 2), ("date_month", 2)}
    rows = report.rows
    assert list(rows["households"]) == [60, 123, 1202]  # full-width digits, thousands separator
    assert rows.at[2, "name"] == "蜀汉路115号院"
    assert [d.strftime("%Y-%m-%d") for d in rows["plan_start"]] == ["2016-05-01", "2024-03-08", "2022-02-28"]


def test_title_row_total_row_and_hidden_row(sample):
    report = _report("title_total_hidden.xlsx", sample)
    assert report.ok and len(report.rows) == 3
    assert {(i.code, i.row) for i in report.warnings} == {("hidden_row", 4), ("total_row", 7)}
    assert list(report.rows.index) == [3, 4, 5]  # the Excel row numbers


def test_shapefile_without_prj_warns_and_uses_declared_crs(sample):
    report = _report("shp_no_prj.zip", sample)
    assert report.ok and [i.code for i in report.warnings] == ["no_crs"]


def test_units_in_headers_and_extra_columns(sample):
    report = _report("extras.csv", sample)
    assert report.ok and report.unknown == ["备注"]
    extras = report.extras
    assert list(extras["funding:government_subsidy"]) == [30, 30, 30]
    assert list(extras["funding:residents"]) == [5.0, 5.0, 5.0]  # 50,000 元 = 5 万元
    assert list(extras["elevators"]) == [2, 2, 2] and list(extras["ev_chargers"]) == [6, 6, 6]


def test_the_security_doc_lists_every_case():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "security.md").read_text(encoding="utf-8")
    assert "<!-- BEGIN attacks:files" in doc and "<!-- END attacks:files -->" in doc
    missing = [c.file for c in CASES if f"`{c.file}`" not in doc] + [g.name for g in GENERATED if g.name not in doc]
    assert missing == [], "run .venv/bin/python docs/make_security.py"
