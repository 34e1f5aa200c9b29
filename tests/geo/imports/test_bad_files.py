"""The bad-file corpus (tests/data/corpus, made by tests/data/make_corpus.py).

Every blocking fault gives its own message (code, row, column) and `python -m geo import`
leaves the store byte for byte as it was. Files planners really send (GBK, BOM, UTF-16,
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
from geo.imports.readers import read_file
from geo.imports.validate import validate_table
from geo.settings import SAMPLE_GPKG

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"

#: file, extra options, the code that must be reported, the row it is on (0 = whole file)
ROW_FAULTS = [
    ("name_missing.csv", [], "name_missing", 3),
    ("location_missing.csv", [], "location_missing", 3),
    ("coord_text.csv", [], "coord_bad", 3),
    ("swapped.csv", [], "coord_swapped", 3),
    ("outside.csv", [], "outside_district", 3),
    ("projected.csv", [], "coord_projected", 3),
    ("mixed_crs.csv", [], "coord_projected", 4),
    ("unknown_subdistrict.csv", [], "unknown_subdistrict", 3),
    ("unknown_area.csv", [], "unknown_area", 3),
    ("unknown_status.csv", [], "unknown_status", 3),
    ("unknown_batch.csv", [], "unknown_batch", 3),
    ("bool_bad.csv", [], "bool_bad", 3),
    ("year_bad.csv", [], "year_bad", 3),
    ("negative.csv", [], "number_negative", 3),
    ("absurd_buildings.csv", [], "number_absurd", 3),
    ("per_building.csv", [], "per_building_absurd", 3),
    ("text_in_number.csv", [], "number_bad", 3),
    ("date_text.csv", [], "date_bad", 3),
    ("finish_before_start.csv", [], "finish_before_start", 3),
    ("duplicate_id.csv", [], "duplicate_id", 4),
    ("formula.xlsx", [], "formula", 3),
]
#: file, extra options, words the one-line message must contain
UNREADABLE = [
    ("empty.csv", [], ["0 字节", "0 bytes"]),
    ("really_csv.xlsx", [], ["改了扩展名的 CSV", "CSV renamed"]),
    ("legacy.xls", [], [".xls", "password"]),
    ("bad_encoding.csv", [], ["编码无法识别", "GBK/GB18030"]),
    ("gbk.csv", ["--encoding", "utf-8"], ["第 1 行", "utf-8"]),
    ("no_header.csv", [], ["找不到表头", "no header row"]),
    ("header_only.csv", [], ["没有数据行", "no data rows"]),
    ("report.docx", [], [".docx", ".xlsx"]),
    ("broken.geojson", [], ["无法作为地理数据读取", "cannot be read as geographic data"]),
    ("corrupt.zip", [], ["已损坏", "damaged"]),
    ("no_shp.zip", [], ["没有 .shp", "说明.txt"]),
    ("missing_dbf.zip", [], ["xq.dbf", "lacks"]),
    ("bomb.zip", [], ["压缩炸弹", "zip bomb"]),
    ("sheet.xlsx", ["--sheet", "不存在"], ["不存在", "小区"]),
    ("layers.gpkg", ["--layer", "compounds"], ["compounds", "xiaoqu"]),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corpus_has_at_least_30_distinct_blocking_faults():
    codes = {code for _, _, code, _ in ROW_FAULTS} | {name for name, _, _ in UNREADABLE}
    assert len(ROW_FAULTS) + len(UNREADABLE) >= 30 and len(codes) >= 30


@pytest.mark.parametrize("name, options, code, row", ROW_FAULTS, ids=[f[0] for f in ROW_FAULTS])
def test_row_fault_is_reported_and_blocks_import(name, options, code, row, store, capsys):
    path = CORPUS / "bad" / name
    before = _digest(store)
    assert main(["validate", str(path), "--json", "--store", str(store), *options]) == 1
    report = json.loads(capsys.readouterr().out)
    hits = [i for i in report["issues"] if i["code"] == code and i["severity"] == "error"]
    assert hits, report["issues"]
    assert hits[0]["row"] == row and hits[0]["file"] == name
    assert hits[0]["problem_zh"] and hits[0]["problem_en"] and hits[0]["accepted_en"]
    assert main(["import", str(path), "--store", str(store), *options]) == 1
    out = capsys.readouterr().out
    assert f"{name}:{row}" in out and "未导入任何数据" in out
    assert _digest(store) == before


@pytest.mark.parametrize("name, options, words", UNREADABLE, ids=[f[0] for f in UNREADABLE])
def test_unreadable_file_exits_2_with_one_line(name, options, words, store, capsys):
    path = CORPUS / "bad" / name
    before = _digest(store)
    assert main(["validate", str(path), "--store", str(store), *options]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and name in err
    for word in words:
        assert word in err, err
    assert main(["import", str(path), "--store", str(store), *options]) == 2
    assert _digest(store) == before


def test_200000_row_csv_is_refused_without_reading_it(tmp_path, store, capsys):
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("小区名称,经度,纬度\n")
        handle.writelines(f"院{i},104.05,30.67\n" for i in range(200_000))
    before = _digest(store)
    assert main(["import", str(big), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "200,001" in err and "20,000" in err
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
