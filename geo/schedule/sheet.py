"""The contractors' daily sheet (施工日报): an Excel template / export of a day's table, and its import.

:func:`sheet_xlsx` writes the daily table of a day (``geo.schedule.daily.daily_table``) as a
workbook: one row per work on site, the planned % for reference, the % reported so far (blank
where not yet), and a sheet of instructions with the accepted values. The same file is the
template a contractor fills in and the export (``python -m geo progress export``): an export
read back changes nothing.

:func:`read_sheet` checks a filled sheet (read by ``geo.imports.readers``: XLSX or CSV) against
the data set and returns the validation report (``geo.imports.validate.Report``: the same
report, table and Excel download as for compounds) and the reports to save, per compound.
Rows with a blank percent are not reported and are skipped. Nothing is written here: the
caller saves each compound's reports with ``geo.writes.save_daily_progress``.

Text cells are written as strings, never as formulas (a note starting with "=" stays text).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from geo import schema
from geo.asof import AsOfLike
from geo.dataset import Dataset
from geo.i18n import t, vocab
from geo.imports import values
from geo.imports.issues import ERROR, WARNING, Issue
from geo.imports.readers import RawTable
from geo.imports.validate import Report
from geo.programme import slug
from geo.schedule.daily import DailyReport, daily_table
from geo.schedule.model import DAILY_FIELDS

MAX_NOTE = 200
#: Sheet columns in order: (field, width). ``name``, ``subdistrict`` and ``planned_percent`` are for reading only.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("compound_id", 12), ("name", 22), ("subdistrict", 10), ("work", 18), ("date", 12), ("planned_percent", 12),
    ("percent", 14), ("workers", 12), ("note", 40),
)
_LABELS = {f.name: (f.zh, f.en) for f in DAILY_FIELDS}
_LABELS.update({"name": ("小区名称", "Name"), "subdistrict": ("所属街道", "Subdistrict"),
                "planned_percent": ("计划进度", "Planned")})
_UNITS = {"planned_percent": "%", "percent": "%"}
#: Header texts accepted on import per field (besides the field name and both labels).
ALIASES: dict[str, tuple[str, ...]] = {
    "compound_id": ("编号", "小区编号", "小区id", "院落编号", "id"),
    "work": ("改造内容", "工程", "工程名称", "施工内容", "分项工程", "work item"),
    "date": ("日期", "填报日期", "施工日期", "day", "report date"),
    "percent": ("累计完成", "累计进度", "完成进度", "完成比例", "进度", "形象进度", "percent", "progress"),
    "workers": ("在场人数", "施工人数", "人数", "作业人数", "workers"),
    "note": ("备注", "说明", "情况说明", "note", "remarks"),
}
_IGNORED = ("name", "subdistrict", "planned_percent")
REQUIRED = ("compound_id", "work", "date", "percent")


def header(name: str, lang: str = "zh") -> str:
    """The sheet's header for a column, with its unit (e.g. 累计完成（%）)."""
    zh, en = _LABELS[name]
    text = en if lang == "en" else zh
    unit = _UNITS.get(name)
    return f"{text}（{unit}）" if unit and lang != "en" else f"{text} ({unit})" if unit else text


def _norm(text: object) -> str:
    raw = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    raw = re.sub(r"[(\[（【].*?[)\]）】]$", "", raw)
    return re.sub(r"\s+", "", raw)


def _header_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, (zh, en) in _LABELS.items():
        for text in (name, zh, en, *ALIASES.get(name, ())):
            table.setdefault(_norm(text), name)
    return table


# --- writing ---------------------------------------------------------------------------------------
def xlsx_cell(ws: Any, value: Any, *, bold: bool = False, fill: str | None = None) -> WriteOnlyCell:
    """A cell holding ``value``; text is a string cell whatever it starts with (never a formula)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return WriteOnlyCell(ws, None)
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, None)
        cell.value, cell.data_type = value, "s"  # assigned after: a leading "=" must not make a formula
    elif isinstance(value, (pd.Timestamp, dt.date)):
        cell = WriteOnlyCell(ws, pd.Timestamp(value).date())
        cell.number_format = "yyyy-mm-dd"
    else:
        cell = WriteOnlyCell(ws, value.item() if hasattr(value, "item") else value)
    if bold:
        cell.font = Font(bold=True)
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    return cell


def table_xlsx(frame: pd.DataFrame, title: str) -> bytes:
    """A labelled table (``geo.schedule.views``: headers already in the reader's language) as an
    XLSX workbook of one sheet named ``title``: bold headers, text as strings (never a formula),
    dates as dates and times of day kept."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for i, column in enumerate(frame.columns[:26]):
        ws.column_dimensions[chr(ord("A") + i)].width = 30 if frame[column].dtype == object else 18
    ws.freeze_panes = "A2"
    ws.append([xlsx_cell(ws, str(c), bold=True, fill="DDE6F0") for c in frame.columns])
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            if isinstance(value, pd.Timestamp) and value != value.normalize():
                cell = WriteOnlyCell(ws, value.to_pydatetime())
                cell.number_format = "yyyy-mm-dd hh:mm"
            else:
                cell = xlsx_cell(ws, value)
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_rows(table: pd.DataFrame, day: AsOfLike, lang: str = "zh") -> list[list[Any]]:
    """The rows of the sheet for a daily table (values as written, the work as its label)."""
    date = pd.Timestamp(str(day)).date() if day is not None else dt.date.today()
    rows = []
    for r in table.to_dict(orient="records"):
        cells = {"compound_id": r["compound_id"], "name": r["name"], "subdistrict": r["subdistrict"],
                 "work": vocab("work", r["work"], lang), "date": date, "planned_percent": r["planned_percent"],
                 "percent": r["percent"], "workers": r["workers"], "note": r["note"]}
        rows.append([cells[c] for c, _ in COLUMNS])
    return rows


def sheet_xlsx(ds: Dataset, day: AsOfLike = None, *, as_of: AsOfLike = None, lang: str = "zh") -> bytes:
    """The daily sheet of ``day`` for the compounds of ``ds`` (filter it first) as XLSX bytes."""
    table = daily_table(ds, day, as_of=as_of)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t("schedule.sheet.name", lang))
    for i, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    n = len(table) + 1
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                             showErrorMessage=True, error=t("schedule.sheet.percent_rule", lang))
    workers = DataValidation(type="whole", operator="between", formula1="0", formula2="2000", allow_blank=True,
                             showErrorMessage=True, error=t("schedule.sheet.workers_rule", lang))
    percent.add(f"G2:G{max(n, 2)}")
    workers.add(f"H2:H{max(n, 2)}")
    ws.data_validations.append(percent)
    ws.data_validations.append(workers)
    ws.append([xlsx_cell(ws, header(c, lang), bold=True, fill="DDE6F0") for c, _ in COLUMNS])
    for row in sheet_rows(table, day if day is not None else dt.date.today(), lang):
        ws.append([xlsx_cell(ws, v) for v in row])
    notes = wb.create_sheet(t("template.notes", lang))
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 18, 90
    for line in _instructions(lang):
        notes.append([xlsx_cell(notes, line[0], bold=True), xlsx_cell(notes, line[1])])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _instructions(lang: str) -> list[tuple[str, str]]:
    works = "、".join(vocab("work", w, lang) for w in schema.WORK_KEYS) if lang != "en" else \
        ", ".join(vocab("work", w, lang) for w in schema.WORK_KEYS)
    return [(t("schedule.sheet.how", lang), t("schedule.sheet.how_text", lang)),
            (header("compound_id", lang), t("schedule.sheet.compound_rule", lang)),
            (header("work", lang), t("schedule.sheet.work_rule", lang, works=works)),
            (header("date", lang), t("schedule.sheet.date_rule", lang)),
            (header("percent", lang), t("schedule.sheet.percent_rule", lang)),
            (header("workers", lang), t("schedule.sheet.workers_rule", lang)),
            (header("note", lang), t("schedule.sheet.note_rule", lang, n=MAX_NOTE)),
            (header("planned_percent", lang), t("schedule.sheet.planned_rule", lang))]


# --- reading -----------------------------------------------------------------------------------------
@dataclass
class SheetCheck:
    """A checked daily sheet: the validation report and, when it has no errors, the reports per compound."""

    report: Report
    reports: dict[str, list[DailyReport]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def count(self) -> int:
        """How many work-day reports the sheet holds."""
        return sum(len(v) for v in self.reports.values())


def _work_table() -> dict[str, str]:
    out = {}
    for w in schema.WORK_TYPES:
        for text in (w.key, w.zh, w.en):
            out[_norm(text)] = w.key
    return out


class _Rows:
    """Collects issues while the rows of one sheet are read."""

    def __init__(self, raw: RawTable, mapped: dict[str, str]) -> None:
        self.raw, self.issues = raw, list(raw.issues)
        self.column = {f: h for h, f in mapped.items()}

    def add(self, code: str, row: int, field_name: str, value: object = "", severity: str = ERROR, **fmt: Any) -> None:
        self.issues.append(Issue(code, severity, int(row), self.column.get(field_name, field_name),
                                 values.text(value)[:80], self.raw.source, fmt))

    def cell(self, row: int, field_name: str) -> object:
        return self.raw.cells.at[row, self.column[field_name]] if field_name in self.column else None


def _mapping(raw: RawTable) -> tuple[dict[str, str], list[str]]:
    table = _header_table()
    mapped: dict[str, str] = {}
    unknown: list[str] = []
    for head in raw.cells.columns:
        name = table.get(_norm(head))
        if name is not None and name not in mapped.values():
            mapped[head] = name
        else:
            unknown.append(str(head))
    return mapped, unknown


def _parse_row(chk: _Rows, row: int, works_of: dict[str, set[str]], work_names: dict[str, str],
               today: dt.date) -> DailyReport | None:
    """One row as a report (None when it reports nothing or has an error, which is recorded)."""
    percent_cell = chk.cell(row, "percent")
    if values.is_blank(percent_cell):
        return None
    cid, bad = values.text(chk.cell(row, "compound_id")), len(chk.issues)
    if cid not in works_of:
        chk.add("daily_unknown_compound", row, "compound_id", cid)
    work = work_names.get(_norm(chk.cell(row, "work")))
    if work is None:
        chk.add("daily_unknown_work", row, "work", chk.cell(row, "work"), valid="、".join(schema.WORK_KEYS))
    elif cid in works_of and work not in works_of[cid]:
        chk.add("daily_work_not_in_compound", row, "work", chk.cell(row, "work"), compound=cid,
                known="、".join(sorted(works_of[cid])))
    try:
        day, _ = values.parse_date(chk.cell(row, "date"))
    except ValueError:
        day = None
        chk.add("date_bad", row, "date", chk.cell(row, "date"))
    if day is None and len(chk.issues) == bad:
        chk.add("daily_no_date", row, "date")
    elif day is not None and day.date() > today:
        chk.add("daily_future", row, "date", day.date().isoformat(), today=today.isoformat())
    percent = _number(chk, row, "percent", (0, 100), "daily_bad_percent")
    workers = _number(chk, row, "workers", (0, 2000), "number_absurd")
    note = values.text(chk.cell(row, "note")) or None
    if note is not None and len(note) > MAX_NOTE:
        chk.add("daily_long_note", row, "note", note, n=MAX_NOTE)
    if len(chk.issues) > bad or day is None or work is None or percent is None:
        return None
    return DailyReport(cid, work, day.date(), percent, None if workers is None else int(workers), note)


def _number(chk: _Rows, row: int, name: str, bounds: tuple[float, float], code: str) -> float | None:
    lo, hi = bounds
    cell = chk.cell(row, name)
    try:
        number = values.parse_number(str(cell).rstrip("%％") if isinstance(cell, str) else cell)
    except ValueError:
        chk.add("number_bad", row, name, cell)
        return None
    if number is not None and not lo <= number <= hi:
        chk.add(code, row, name, cell, lo=f"{lo:g}", hi=f"{hi:g}")
        return None
    return number


def _check_duplicates(chk: _Rows, parsed: dict[int, DailyReport]) -> None:
    first: dict[tuple[str, str, dt.date], int] = {}
    for row, r in parsed.items():
        key = (r.compound_id, r.work, r.date)
        if key in first:
            chk.add("daily_duplicate", row, "work", r.work, first=first[key])
        else:
            first[key] = row


def _check_decreases(chk: _Rows, parsed: dict[int, DailyReport], ds: Dataset) -> None:
    """Warn where a % is lower than the last one reported before its day."""
    daily = ds.daily_progress
    for row, r in parsed.items():
        earlier = daily[(daily["compound_id"] == r.compound_id) & (daily["work"] == r.work)
                        & (daily["date"].dt.date < r.date)]
        if len(earlier) and r.percent < float(earlier.sort_values("date")["percent"].iloc[-1]):
            last = float(earlier.sort_values("date")["percent"].iloc[-1])
            chk.add("daily_percent_down", row, "percent", r.percent, WARNING, last=f"{last:g}")


def read_sheet(raw: RawTable, ds: Dataset, *, today: dt.date | None = None) -> SheetCheck:
    """Check a daily sheet against ``ds`` (see the module doc): every problem with file, row,
    column, value and what would be accepted; the reports per compound when there is no error."""
    today = today or dt.date.today()
    mapped, unknown = _mapping(raw)
    chk = _Rows(raw, mapped)
    missing = [f for f in REQUIRED if f not in mapped.values()]
    for name in missing:
        chk.add("daily_column_missing", 0, name, "", header=header(name))
    parsed: dict[int, DailyReport] = {}
    if not missing:
        works_of = {cid: set(w) for cid, w in ds.works.groupby("compound_id")["work"]}
        works_of.update({cid: set() for cid in ds.compounds["compound_id"] if cid not in works_of})
        names = _work_table()
        for row in raw.cells.index:
            parsed_row = _parse_row(chk, int(row), works_of, names, today)
            if parsed_row is not None:
                parsed[int(row)] = parsed_row
        _check_duplicates(chk, parsed)
        _check_decreases(chk, parsed, ds)
    frame = pd.DataFrame([vars(r) for r in parsed.values()], index=list(parsed),
                         columns=["compound_id", "work", "date", "percent", "workers", "note"])
    report = Report(raw.source, chk.issues, gpd.GeoDataFrame(frame), pd.DataFrame(index=frame.index),
                    mapping=mapped, unknown=[u for u in unknown if not u.startswith("#")],
                    fields=[f for f in mapped.values() if f not in _IGNORED])
    out = SheetCheck(report)
    if report.ok:
        for r in parsed.values():
            out.reports.setdefault(r.compound_id, []).append(r)
    return out


def sheet_filename(programme_key: str, day: AsOfLike, scope: Sequence[str] = ()) -> str:
    """``<programme>-daily-2022-12-09.xlsx`` (ASCII scope parts, e.g. an area's English name, added)."""
    parts = "".join(f"-{slug(p, 'scope')}" for p in scope if p)
    return f"{slug(programme_key, 'programme')}-daily{parts}-{day}.xlsx"
