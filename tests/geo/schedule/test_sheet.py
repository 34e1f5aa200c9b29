"""The contractors' daily sheet: the template is the export, an export reads back unchanged, bad sheets
get a report naming row, column, value and what is accepted, text is never a formula."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from geo import metrics
from geo.imports.pipeline import read_upload
from geo.imports.validate import report_frame
from geo.schedule.daily import daily_table
from geo.schedule.sheet import header, read_sheet, sheet_xlsx, table_xlsx

DAY = dt.date(2022, 12, 9)


def _codes(report) -> dict[str, int]:
    """How many issues of each code the report has."""
    return dict(pd.Series([i.code for i in report.issues], dtype=object).value_counts().astype(int))


@pytest.fixture(scope="module")
def area(sample):
    return metrics.filter_dataset(sample, area="清溪片区")


@pytest.fixture(scope="module")
def workbook(area):
    return sheet_xlsx(area, DAY)


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_template_lists_the_days_works_with_headers_units_and_instructions(workbook, area):
    book = _sheet(workbook)
    ws = book["施工日报"]
    assert [c.value for c in ws[1]] == [header(n) for n in ("compound_id", "name", "subdistrict", "work", "date",
                                                              "planned_percent", "percent", "workers", "note")]
    assert ws.max_row - 1 == len(daily_table(area, DAY))
    assert "填写说明" in book.sheetnames and ws.data_validations.dataValidation  # 0-100 and whole numbers


def test_an_export_reads_back_as_the_days_reports_with_no_issue(workbook, sample, area):
    check = read_sheet(read_upload(workbook, "daily.xlsx"), sample, today=DAY)
    assert check.ok and check.report.issues == []
    reported = daily_table(area, DAY)["percent"].notna().sum()
    assert check.count == reported
    one = next(iter(check.reports.values()))[0]
    stored = sample.daily_progress
    row = stored[(stored["compound_id"] == one.compound_id) & (stored["work"] == one.work) & (stored["date"] == "2022-12-09")]
    assert float(row["percent"].iloc[0]) == one.percent


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(["小区编号,小区名称,改造内容,日期,累计完成（%）,在场人数,备注", *rows]) + "\n").encode("utf-8")


def test_a_bad_sheet_says_what_is_wrong_where_and_what_would_be_accepted(sample):
    data = _csv(["QY-9999,甲,雨污分流,2022-12-09,30,,",  # unknown compound
                 "QY-0264,乙,电梯井,2022-12-09,30,,",  # unknown work
                 "QY-0264,乙,绿化提升,2022-12-09,30,,",  # not one of its works
                 "QY-0264,乙,充电桩,2022-12-20,30,,",  # after today
                 "QY-0264,乙,充电桩,2022-12-08,120,,",  # percent
                 "QY-0264,乙,充电桩,2022-12-07,40%,-3,",  # workers
                 "QY-0264,乙,充电桩,2022-12-06,20,,",
                 "QY-0264,乙,ev_chargers,2022-12-06,21,,"])  # the same work and day again
    check = read_sheet(read_upload(data, "bad.csv"), sample, today=DAY)
    assert not check.ok and check.reports == {}
    assert _codes(check.report) == {"daily_unknown_compound": 1, "daily_unknown_work": 1,
                                            "daily_work_not_in_compound": 1, "daily_future": 1, "daily_bad_percent": 1,
                                            "number_absurd": 1, "daily_duplicate": 1}
    table = report_frame(check.report, "en")
    first = table.iloc[0]
    assert (first["Row"], first["Column"], first["Value"]) == (2, "小区编号", "QY-9999")
    assert "QY-0001" in first["What is accepted"]


def test_a_sheet_without_a_required_column_is_refused_whole(sample):
    data = "小区编号,小区名称,改造内容,日期\nQY-0264,乙,充电桩,2022-12-09\n".encode()
    check = read_sheet(read_upload(data, "short.csv"), sample, today=DAY)
    assert [i.code for i in check.report.errors] == ["daily_column_missing"]


def test_a_percent_lower_than_before_is_a_warning_and_blank_percents_report_nothing(sample):
    data = _csv(["QY-0657,丙,充电桩,2022-12-09,1,,", "QY-0657,丙,燃气管网,2022-12-09,,,"])
    check = read_sheet(read_upload(data, "down.csv"), sample, today=DAY)
    assert check.ok and [i.code for i in check.report.warnings] == ["daily_percent_down"] and check.count == 1


def test_text_is_written_as_text_never_as_a_formula(area):
    ds = area.with_layers(daily_progress=area.daily_progress.assign(note='=HYPERLINK("http://x")'))
    ws = _sheet(sheet_xlsx(ds, DAY))["施工日报"]
    notes = [row[8] for row in ws.iter_rows(min_row=2) if row[8].value]
    assert notes and all(c.data_type == "s" and c.value.startswith("=") for c in notes)


def test_a_labelled_table_as_xlsx_keeps_times_and_never_writes_a_formula():
    frame = pd.DataFrame({"问题": ["=HYPERLINK(\"http://x\")", "围挡倾斜"],
                          "提出时间": pd.to_datetime(["2022-12-09 09:30", "2022-12-08 00:00"])})
    ws = openpyxl.load_workbook(io.BytesIO(table_xlsx(frame, "问题台账"))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("问题", "提出时间") and ws.title == "问题台账"
    assert rows[1][0] == "=HYPERLINK(\"http://x\")" and ws["A2"].data_type == "s"
    assert rows[1][1].hour == 9 and rows[1][1].minute == 30 and rows[2][1].date().isoformat() == "2022-12-08"
