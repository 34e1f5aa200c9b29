"""The validation report as people read it (tables, XLSX) and the import template."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from geo.imports import columns
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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_has_every_column_one_example_and_validates_clean(lang, sample, tmp_path):
    path = tmp_path / f"template_{lang}.xlsx"
    path.write_bytes(columns.template_xlsx(sample.programme, lang))
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 2 and book.worksheets[0].max_row == 2
    report = validate_table(read_file(path), sample)
    assert report.ok and not report.issues and not report.unknown
    assert set(report.mapping.values()) == {name for name, _, _ in columns.template_columns(lang)}


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
