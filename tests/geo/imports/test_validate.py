"""The validation report as people read it (tables, XLSX) and the import template."""
from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo import schema
from geo.imports import columns
from geo.imports.planning import plan_import
from geo.imports.readers import read_file
from geo.imports.validate import report_frame, report_xlsx, validate_table

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


@pytest.fixture(scope="module")
def report(sample):
    return validate_table(read_file(CORPUS / "bad" / "swapped.csv"), sample)


def test_report_table_in_both_languages(report):
    zh, en = report_frame(report, "zh"), report_frame(report, "en")
    assert list(zh.columns) == ["文件", "行", "列", "级别", "问题", "值", "可接受的值"]
    assert list(en.columns) == ["File", "Row", "Column", "Severity", "Problem", "Value", "What is accepted"]
    assert zh.iloc[0]["问题"].startswith("经度和纬度填反了") and en.iloc[0]["Problem"].startswith("longitude and latitude")
    assert en.iloc[0]["Row"] == 3 and en.iloc[0]["Severity"] == "error" and "104.001638" in en.iloc[0]["What is accepted"]


def test_report_downloads_as_xlsx(report):
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(report, "en"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("File", "Row", "Column") and len(rows) == 1 + len(report.issues)
    assert rows[1][0] == "swapped.csv" and sheet.freeze_panes == "A2"


def named(path: Path, name: str) -> Path:
    """The template at ``path`` with its example row given a real compound's name."""
    book = openpyxl.load_workbook(path)
    book.worksheets[0].cell(row=2, column=2).value = name
    book.save(path)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_example_is_refused_and_otherwise_valid(lang, sample, tmp_path):
    path = tmp_path / f"template_{lang}.xlsx"
    path.write_bytes(columns.template_xlsx(sample, lang))
    book = openpyxl.load_workbook(path)
    assert book.worksheets[0].max_row == 2 and book.worksheets[2].sheet_state == "hidden"
    report = validate_table(read_file(path), sample)
    assert [(i.code, i.row, i.severity) for i in report.issues] == [("template_example", 2, "error")]
    assert "示例行" in report.issues[0].problem("zh") and "example row" in report.issues[0].problem("en")
    assert set(report.mapping.values()) == {name for name, _, _ in columns.template_columns(lang)}
    report = validate_table(read_file(named(path, "新华小区")), sample)
    assert report.ok and not report.issues and not report.unknown


def test_template_example_matches_no_stored_compound(sample, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(columns.template_xlsx(sample, "zh"))
    example = columns.template_example(sample, "zh")
    assert example["name"] not in set(sample.compounds["name"])
    report = validate_table(read_file(named(path, str(example["name"]) + "甲")), sample)
    plan = plan_import(sample, report)
    assert len(plan.added) == 1 and not plan.updated and not plan.changes


def test_template_speaks_the_users_language_and_lists_places_and_sources(sample):
    for lang, words in (("zh", ("填写说明", "街道（共 12 个）", "连片改造片区（共 8 个）", "资金来源（共 9 种")),
                        ("en", ("Instructions", "Subdistricts (12)", "Renovation areas (8)", "Funding sources (9"))):
        book = openpyxl.load_workbook(io.BytesIO(columns.template_xlsx(sample, lang)))
        notes = book.worksheets[1]
        text = " ".join(str(c) for row in notes.iter_rows(values_only=True) for c in row if c)
        assert notes.title == words[0] and all(w in text for w in words[1:]), text[:400]
        assert all(s.name in text for s in sample.programme.subdistricts) and all(a.name in text for a in sample.programme.areas)
        assert all(s.zh in text for s in schema.FUNDING_SOURCES)
        headers = [c.value for c in book.worksheets[0][1]]
        assert sum(1 for h in headers if "万元" in h or "10k yuan" in h) == len(schema.FUNDING_SOURCES)
        if lang == "zh":
            assert not re.search(r"[a-z]{4,}", " ".join(str(c) for row in notes.iter_rows(min_row=7, max_row=40,
                                                                                            max_col=2, values_only=True)
                                                      for c in row if c).replace("QY-", "")), "English in the Chinese notes"


def test_template_has_drop_down_lists_for_enumerated_columns(sample):
    book = openpyxl.load_workbook(io.BytesIO(columns.template_xlsx(sample, "zh")))
    ws, lists = book.worksheets[0], book.worksheets[2]
    headers = {c.value: c.column_letter for c in ws[1]}
    rules = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in ws.data_validations.dataValidation}
    for header in ("所属街道", "片区", "是否老旧小区", "改造认定", "改造批次"):
        assert headers[header] in rules, (header, rules)
    column = rules[headers["所属街道"]].split("!")[1].replace("$", "")[0]
    values = [c.value for c in lists[column][1:] if c.value]
    assert values == list(sample.programme.subdistrict_names)
    assert [c.value for c in lists[rules[headers["改造批次"]].split("!")[1].replace("$", "")[0]][1:] if c.value][-1] == "2025年批次"


def test_every_spreadsheet_keeps_formula_like_text_as_text(report, sample, tmp_path):
    raw = read_file(CORPUS / "hostile" / "formula_names.csv")
    hostile = validate_table(raw, sample)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(hostile, "zh")))
    cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=HYPERLINK") for c in cells)
    assert all(c.data_type == "s" for c in cells)
    template = openpyxl.load_workbook(io.BytesIO(columns.template_xlsx(sample, "zh")))
    assert all(c.data_type != "f" for ws in template.worksheets for row in ws.iter_rows() for c in row)


def test_sheet_choice_and_default(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为填报说明"])
    data = book.create_sheet("小区")
    data.append(["小区名称", "经度", "纬度"])
    data.append(["宽巷子132号院", 104.05373, 30.66784])
    path = tmp_path / "two.xlsx"
    book.save(path)
    table = read_file(path)
    assert table.choices == ["说明", "小区"] and table.chosen == "小区"  # the first sheet with data
    assert read_file(path, sheet="小区").cells.iloc[0, 0] == "宽巷子132号院"


def _points(tmp_path, sample, lon_head: str, lat_head: str, crs: str = "wgs84", n: int = 10):
    from geo.crs import convert

    c = sample.compounds.iloc[::150].iloc[:n]
    lon, lat = convert(c.geometry.x.to_numpy(), c.geometry.y.to_numpy(), "wgs84", crs)
    path = tmp_path / "points.csv"
    pd.DataFrame({"小区名称": c["name"].to_numpy(), lon_head: lon, lat_head: lat,
                  "所属街道": c["subdistrict"].to_numpy()}).to_csv(path, index=False)
    return path, c


def test_the_crs_comes_from_the_headers_when_none_is_declared(sample, tmp_path):
    path, truth = _points(tmp_path, sample, "百度经度", "百度纬度", "bd09")
    report = validate_table(read_file(path), sample)
    assert report.ok and not report.warnings and (report.crs, report.crs_from) == ("bd09", "header")
    moved = report.rows.geometry.to_crs(32648).distance(truth.geometry.set_axis(report.rows.index).to_crs(32648))
    assert moved.max() < 0.5


def test_a_declared_crs_wins_over_the_headers_with_a_warning(sample, tmp_path):
    path, _ = _points(tmp_path, sample, "lng_gcj02", "lat_gcj02", "gcj02")
    report = validate_table(read_file(path), sample, crs="bd09")
    assert report.crs == "bd09" and report.crs_from == "declared"
    conflict = [i for i in report.warnings if i.code == "crs_header_conflict"]
    assert len(conflict) == 1 and "GCJ-02" in conflict[0].problem("zh") and "BD-09" in conflict[0].problem("en")
    report = validate_table(read_file(path), sample, crs="gcj02")
    assert not [i for i in report.issues if i.code.startswith("crs_")]


def test_headers_naming_two_coordinate_systems_are_an_error(sample, tmp_path):
    path, _ = _points(tmp_path, sample, "百度经度", "高德纬度")
    report = validate_table(read_file(path), sample)
    assert [i.code for i in report.errors] == ["crs_header_mixed"]


def test_an_area_that_contradicts_the_location_is_warned_about(sample, tmp_path):
    c = sample.compounds.set_index("compound_id")
    rows = [("QY-0001", "红光片区"), ("QY-0004", "红光片区"), ("QY-0002", "清溪片区")]  # right, another area, none
    path = tmp_path / "areas.csv"
    pd.DataFrame([{"小区编号": cid, "小区名称": c.at[cid, "name"], "经度": c.at[cid, "geometry"].x,
                   "纬度": c.at[cid, "geometry"].y, "片区": area} for cid, area in rows]).to_csv(path, index=False)
    report = validate_table(read_file(path), sample)
    hits = {i.row: i for i in report.warnings if i.code == "area_mismatch"}
    assert set(hits) == {3, 4} and report.ok
    assert "方池街—包家巷片区" in hits[3].problem("zh") and "Fangchijie" in hits[3].problem("en")
    assert "任何片区之外" in hits[4].problem("zh") and "outside every area" in hits[4].problem("en")
