"""每日调度、次日报告: the next-morning dispatch report for day D, as PDF (A4, CJK font embedded) or XLSX.

:func:`dispatch_report` gathers what the report says, for the whole programme or one area, as
of the end of D: the day's progress by area (works on site, reported, started, finished, the
mean change), the compounds behind their daily plan, the sequencing violations and planning
warnings (the ones new since the day before first), the issues raised and resolved on D with
the same-day resolution rate, the open issues by owner and age, and what is planned to start
or be handed over on D + 1. Every number comes from ``geo.metrics`` / ``geo.schedule``
(``figures`` holds the stats blocks the headline numbers are read from).

:func:`report_pdf` lays it out on one to three A4 pages with the briefing pack's PDF plumbing
(``geo.brief.pdf_writer``: the same CJK font, paragraphs and table look); :func:`report_xlsx`
writes one sheet per section, text as string cells (never formulas). Names and notes from the
data are escaped in the PDF and written as text in the XLSX.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

from geo import metrics, schema
from geo.asof import AsOf, AsOfLike
from geo.brief.layout import text_width
from geo.brief.model import Table
from geo.brief.pdf_writer import grid_style, paragraph, register_font
from geo.colors import ACCENT, CARD_FILL, GREY, INK, WARN
from geo.dataset import Dataset
from geo.formatting import number
from geo.i18n import t, vocab
from geo.programme import slug
from geo.schedule import metrics as schedule_metrics
from geo.schedule import model
from geo.schedule.daily import compounds_behind, daily_table
from geo.schedule.issues import issues_of_day, open_by_owner
from geo.schedule.rules import RULE_BY_ID, check_sequence, mark_new
from geo.schedule.sheet import xlsx_cell
from geo.schedule.views import first_date_text
from geo.settings import get_settings

FORMATS: dict[str, str] = {"pdf": "application/pdf",
                           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: Most rows a section lists (the rest is counted in a line below it): keeps the report to 1-3 pages.
MAX_ROWS = {"areas": 10, "behind": 10, "sequence": 12, "issues_today": 12, "owners": 8, "next_starts": 8,
            "next_handovers": 8}


@dataclass(frozen=True)
class Section:
    """One part of the report: its title, a table (or none) and lines of text under it."""

    key: str
    title: str
    table: Table | None = None
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class DispatchReport:
    """The report's content: headline figures, sections, and the stats blocks its numbers come from."""

    title: str
    subtitle: str
    footer: str
    day: dt.date
    lang: str
    area: str | None
    illustrative: bool
    kpis: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    figures: dict[str, Any]


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return number(value) if float(value).is_integer() else number(value, 1)


def _percent(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else number(value, 1, unit="%")


def _pct(rate: float | None) -> str:
    return "—" if rate is None else number(100 * rate, 1, unit="%")


def _date(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _limited(rows: Sequence[tuple[str, ...]], key: str, lang: str) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    cap = MAX_ROWS[key]
    more = len(rows) - cap
    return tuple(rows[:cap]), ((t("report.more", lang, n=more),) if more > 0 else ())


def _table(columns: Sequence[str], rows: tuple[tuple[str, ...], ...], numeric: Sequence[bool], lang: str,
           highlight: tuple[int, ...] = ()) -> Table:
    return Table(tuple(t(c, lang) for c in columns), rows, tuple(numeric), highlight)


def _work(key: Any, lang: str) -> str:
    return vocab("work", key, lang) if isinstance(key, str) and key in schema.WORKS else "—"


# --- sections --------------------------------------------------------------------------------------
def _areas_section(ds: Dataset, table: pd.DataFrame, day: AsOf, lang: str) -> Section:
    present = set(ds.compounds["area"].dropna())
    names: list[str | None] = [a for a in ds.programme.area_names if a in present] + ([None] if ds.compounds["area"].isna().any() else [])
    frame = schedule_metrics.daily_by_group(ds, table, day, "area", names)
    frame = frame[(frame["works_active"] > 0) | (frame["works_started"] > 0) | (frame["works_finished"] > 0)]
    rows = [(vocab("area", n, lang, ds.programme) if n else t("briefing.other_area", lang), _num(r.works_active),
             _num(r.works_reported), _num(r.works_started), _num(r.works_finished), _num(r.percent_moved))
            for n, r in zip(frame["name"], frame.itertuples())]
    body, more = _limited(rows, "areas", lang)
    cols = ("report.col.area", "report.col.active", "report.col.reported", "report.col.started",
            "report.col.finished", "report.col.moved")
    lines = more if rows else (t("report.none_active", lang),)
    return Section("areas", t("report.section.areas", lang), _table(cols, body, (False, *[True] * 5), lang) if rows else None,
                   lines)


def _behind_section(ds: Dataset, table: pd.DataFrame, lang: str) -> Section:
    days = get_settings().lag_alert_days
    behind = compounds_behind(table, days)
    rows = [(f"{r.name}（{r.compound_id}）" if lang != "en" else f"{r.name} ({r.compound_id})",
             vocab("area", r.area, lang, ds.programme) if isinstance(r.area, str) else t("briefing.other_area", lang),
             _work(r.work, lang), _num(r.lag_days), _percent(r.planned_percent), _percent(r.percent),
             _num(r.works_behind)) for r in behind.itertuples()]
    body, more = _limited(rows, "behind", lang)
    cols = ("report.col.compound", "report.col.area", "report.col.worst_work", "report.col.lag", "report.col.planned",
            "report.col.percent", "report.col.works_behind")
    title = t("report.section.behind", lang, days=days)
    if not rows:
        return Section("behind", title, None, (t("report.none_behind", lang, days=days),))
    return Section("behind", title, _table(cols, body, (False, False, False, True, True, True, True), lang), more)


def _sequence_section(findings: pd.DataFrame, lang: str) -> Section:
    order = findings.assign(_n=~findings["new"], _k=findings["kind"] != model.VIOLATION)
    order = order.sort_values(["_n", "_k", "days"], ascending=[True, True, False], na_position="first", kind="stable")
    rows, highlight = [], []
    for i, r in enumerate(order.itertuples()):
        rule = RULE_BY_ID[r.rule]
        rows.append((("● " if r.new else "") + f"{r.rule} {rule.name(lang)}", vocab("finding", r.kind, lang),
                     f"{r.name}\n{r.compound_id}",
                     f"{_work(r.first_work, lang)}\n{first_date_text(r.first_date, bool(r.ongoing), lang, '—')}",
                     f"{_work(r.second_work, lang)}\n{_date(r.second_date)}", _num(r.days) + ("+" if r.ongoing else "")))
        if r.kind == model.VIOLATION and i < MAX_ROWS["sequence"]:
            highlight.append(i)
    body, more = _limited(rows, "sequence", lang)
    cols = ("report.col.rule", "report.col.kind", "report.col.compound", "report.col.first", "report.col.second",
            "report.col.days")
    new = int(findings["new"].sum())
    lines = (t("report.sequence_counts", lang, violations=int((findings["kind"] == model.VIOLATION).sum()),
               warnings=int((findings["kind"] != model.VIOLATION).sum()), new=new), *more, t("report.sequence_note", lang))
    if not rows:
        return Section("sequence", t("report.section.sequence", lang), None, (t("report.none_sequence", lang),))
    return Section("sequence", t("report.section.sequence", lang),
                   _table(cols, body, (False,) * 5 + (True,), lang, tuple(highlight)), lines)


def _issues_section(ds: Dataset, figures: dict[str, Any], day: AsOf, lang: str) -> Section:
    f = figures["issues"]
    line = t("report.issue_counts", lang, raised=f["raised_on_day"], resolved=f["resolved_on_day"],
             same=f["resolved_same_day_on_day"], rate=_pct(f["resolved_same_day_rate_on_day"]),
             total_rate=_pct(f["resolved_same_day_rate"]), open=f["open"], overdue=f["overdue"])
    today = issues_of_day(ds.issue_log, day)
    names = ds.compounds.set_index("compound_id")["name"]
    rows = [(str(names.get(r.compound_id, r.compound_id)), vocab("issue_category", r.category, lang),
             str(r.description), str(r.owner),
             t("report.issue_same_day", lang) if r.same_day else t("report.issue_open", lang)
             if pd.isna(r.resolved_at) else t("report.issue_resolved", lang)) for r in today.itertuples()]
    body, more = _limited(rows, "issues_today", lang)
    cols = ("report.col.compound", "report.col.category", "report.col.description", "report.col.owner",
            "report.col.state")
    table = _table(cols, body, (False,) * 5, lang) if rows else None
    return Section("issues", t("report.section.issues", lang), table, (line, *more))


def _owners_section(ds: Dataset, day: AsOf, lang: str) -> Section:
    frame = open_by_owner(ds.issue_log, day)
    ages = [k for k in frame.columns if k not in ("owner", "open", "overdue")]
    rows = [(str(r["owner"]), _num(r["open"]), _num(r["overdue"]), *(_num(r[a]) for a in ages)) for _, r in frame.iterrows()]
    body, more = _limited(rows, "owners", lang)
    cols = ("report.col.owner", "report.col.open", "report.col.overdue", *(f"report.col.age_{a}" for a in ages))
    if not rows:
        return Section("owners", t("report.section.owners", lang), None, (t("report.none_open", lang),))
    return Section("owners", t("report.section.owners", lang), _table(cols, body, (False, *[True] * (len(cols) - 1)), lang),
                   more)


def _next_day_section(ds: Dataset, day: AsOf, lang: str) -> Section:
    starts, handovers = schedule_metrics.planned_next_day(ds, day)
    names = ds.compounds.set_index("compound_id")["name"]
    rows = [(str(names.get(r.compound_id, r.compound_id)), t("report.next_start", lang), _work(r.work, lang),
             str(r.contractor) if isinstance(r.contractor, str) else "—") for r in starts.itertuples()]
    rows += [(str(names.get(r.compound_id, r.compound_id)), t("report.next_handover", lang),
              f"{_work(r.from_work, lang)} → {_work(r.to_work, lang)}", "—") for r in handovers.itertuples()]
    tomorrow = (day.date + dt.timedelta(days=1)).isoformat()
    body, more = _limited(rows, "next_starts", lang)
    cols = ("report.col.compound", "report.col.what", "report.col.work", "report.col.contractor")
    title = t("report.section.next", lang, date=tomorrow)
    if not rows:
        return Section("next", title, None, (t("report.none_next", lang, date=tomorrow),))
    return Section("next", title, _table(cols, body, (False,) * 4, lang), more)


# --- the report ---------------------------------------------------------------------------------------
def _kpis(figures: dict[str, Any], lang: str) -> tuple[tuple[str, str], ...]:
    d, s, i = figures["daily"], figures["sequencing"], figures["issues"]
    return (
        (t("report.kpi.active", lang), f"{_num(d['works_active'])} / {_num(d['works_reported'])}"),
        (t("report.kpi.started_finished", lang), f"{_num(d['works_started'])} / {_num(d['works_finished'])}"),
        (t("report.kpi.behind", lang, days=d["lag_alert_days"]), _num(d["compounds_behind"])),
        (t("report.kpi.sequence", lang), f"{_num(s['violations'])} / {_num(s['warnings'])}"),
        (t("report.kpi.issues_day", lang), f"{_num(i['raised_on_day'])} / {_num(i['resolved_on_day'])}"),
        (t("report.kpi.same_day", lang), _pct(i["resolved_same_day_rate_on_day"])),
        (t("report.kpi.open", lang), f"{_num(i['open'])} / {_num(i['overdue'])}"),
    )


def dispatch_report(ds: Dataset, day: AsOfLike = None, *, area: str | None = None, subdistrict: str | None = None,
                    lang: str = "zh") -> DispatchReport:
    """The dispatch report of ``day`` (default today) for the programme, one ``area`` or one
    ``subdistrict`` (UnknownPlace if unknown)."""
    d = AsOf.of(day)
    sub = metrics.filter_dataset(ds, area=area, subdistrict=subdistrict)
    table = daily_table(sub, d)
    figures = metrics.construction_stats(sub, d)
    findings = mark_new(check_sequence(sub, d), check_sequence(sub, AsOf(d.date - dt.timedelta(days=1))))
    programme = ds.programme
    where = vocab("area", area, lang, programme) if area else vocab("subdistrict", subdistrict, lang, programme) \
        if subdistrict else programme.full_name(lang)
    tomorrow = (d.date + dt.timedelta(days=1)).isoformat()
    footer = t("report.footer", lang, title=programme.title(lang), date=d.isoformat())
    if ds.illustrative:
        footer += " · " + t("brief.illustrative_short", lang)
    sections = (
        _areas_section(sub, table, d, lang), _behind_section(sub, table, lang), _sequence_section(findings, lang),
        _issues_section(sub, figures, d, lang), _owners_section(sub, d, lang), _next_day_section(sub, d, lang),
    )
    return DispatchReport(
        title=t("report.title", lang), subtitle=t("report.subtitle", lang, where=where, date=d.isoformat(), sent=tomorrow),
        footer=footer, day=d.date, lang=lang, area=area, illustrative=ds.illustrative, kpis=_kpis(figures, lang),
        sections=sections, figures=figures,
    )


def report_filename(programme_key: str, day: AsOfLike, fmt: str, scope_en: str | None = None) -> str:
    """``<programme>-daily-report[-<scope>]-2022-12-09.pdf`` (scope: an area's or subdistrict's English
    name): ASCII letters, digits and dashes only."""
    where = f"-{slug(scope_en, 'scope')}" if scope_en else ""
    return f"{slug(programme_key, 'programme')}-daily-report{where}-{AsOf.of(day).isoformat()}.{fmt}"


# --- PDF -------------------------------------------------------------------------------------------
_PAGE_W, _PAGE_H = A4
_MARGIN = 14 * mm


_CJK_OR_SPACE = re.compile(r"[\s\u2e80-\uffff]+")


def _unbroken(text: str, size: float) -> float:
    """Width (inches) of the longest run of ``text`` a line must not break: a word, or a code such
    as a compound id (CJK text breaks between any two characters)."""
    return max((text_width(run, size) for run in _CJK_OR_SPACE.split(text)), default=0.0)


def _col_widths(table: Table, size: float, width: float) -> list[float]:
    """Column widths (points): columns of short values (numbers, dates) get what they need; the
    text columns share the rest in proportion to what theirs need (and wrap), none narrower than
    its longest word or code."""
    need, fixed, least = [], [], []
    for i, head in enumerate(table.columns):
        cells = [row[i] for row in table.rows]
        lines = [line for c in cells for line in c.split("\n")]
        body = max((text_width(c, size) for c in lines), default=0.0)
        short = all(len(c) <= 4 or (len(c) <= 11 and not any(ord(ch) > 0x2E80 for ch in c)) for c in lines)
        need.append(max(body, text_width(head, size) / 2.2, 0.35) * 72 + 16)  # + padding and slack
        least.append(min(need[-1], max((_unbroken(c, size) for c in [*lines, head]), default=0.0) * 72 + 12))
        fixed.append(short)
    rest = width - sum(w for w, f in zip(need, fixed) if f)
    flexible = sum(w for w, f in zip(need, fixed) if not f) or 1.0
    scale = min(1.0, rest / flexible) if rest > 0 else 0.5
    widths = [w if f else max(w * scale, low) for w, f, low in zip(need, fixed, least)]
    over = sum(widths) - width
    slack = [0.0 if f else w - low for w, f, low in zip(widths, fixed, least)]
    if over > 0 and sum(slack) > 0:  # the floors took room: the other text columns give it back
        widths = [w - over * s / sum(slack) for w, s in zip(widths, slack)]
    spare = width - sum(widths)
    return [w + spare * w / sum(widths) for w in widths]


def _pdf_table(table: Table, font: str, width: float) -> RLTable:
    size = 8.5
    head = [paragraph(c, font, size, "#FFFFFF") for c in table.columns]
    body = [[[paragraph(line, font, size, WARN if (i in table.highlight and j == 0) else INK,
                        "right" if table.numeric[j] else "left") for line in v.split("\n")] for j, v in enumerate(row)]
            for i, row in enumerate(table.rows)]  # a cell's lines (name, then id or date) as paragraphs of their own
    grid = RLTable([head, *body], colWidths=_col_widths(table, size, width), repeatRows=1)
    grid.setStyle(TableStyle(grid_style(font, len(body), (), padding=2)))
    return grid


def _kpi_grid(report: DispatchReport, font: str, width: float) -> RLTable:
    cells = [[paragraph(label, font, 8, GREY, "center"), paragraph(value, font, 14, ACCENT, "center")]
             for label, value in report.kpis]
    row = [[c[0] for c in cells], [c[1] for c in cells]]
    grid = RLTable(row, colWidths=[width / len(cells)] * len(cells))
    grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(CARD_FILL)),
                              ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.white),
                              ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return grid


def report_pdf(report: DispatchReport) -> bytes:
    """The report as A4 PDF bytes (portrait; the CJK font embedded; page numbers and the footer)."""
    font = register_font()
    buffer = io.BytesIO()
    width = _PAGE_W - 2 * _MARGIN
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN,
                            bottomMargin=_MARGIN + 4 * mm, title=report.title, author=report.footer,
                            subject=report.subtitle, creator="python -m geo daily", initialFontName=font)
    story: list[Any] = [paragraph(report.title, font, 18, INK), Spacer(1, 2 * mm),
                        paragraph(report.subtitle, font, 10, GREY), Spacer(1, 3 * mm), _kpi_grid(report, font, width)]
    if report.illustrative:
        story += [Spacer(1, 1.5 * mm), paragraph(t("app.illustrative", report.lang), font, 8, WARN)]
    for section in report.sections:
        block: list[Any] = [Spacer(1, 4 * mm), paragraph(section.title, font, 12, ACCENT), Spacer(1, 1.5 * mm)]
        if section.table is not None:
            block.append(_pdf_table(section.table, font, width))
        block += [paragraph(line, font, 8.5, GREY) for line in section.lines]
        small = section.table is None or len(section.table.rows) <= 12  # a long table may break across pages
        story += [KeepTogether(block)] if small else block

    def page(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor(GREY))
        canvas.drawString(_MARGIN, 8 * mm, report.footer)
        canvas.drawRightString(_PAGE_W - _MARGIN, 8 * mm, t("brief.page", report.lang, n=canvas.getPageNumber()))
        canvas.restoreState()

    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


# --- XLSX ------------------------------------------------------------------------------------------
def report_xlsx(report: DispatchReport) -> bytes:
    """The report as an XLSX workbook: a summary sheet, then one sheet per section (text as strings)."""
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(t("report.sheet.summary", report.lang))
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 34, 30
    for line in (report.title, report.subtitle, report.footer):
        summary.append([xlsx_cell(summary, line)])
    summary.append([])
    for label, value in report.kpis:
        summary.append([xlsx_cell(summary, label), xlsx_cell(summary, value)])
    for section in report.sections:
        ws = wb.create_sheet(section.title[:31].replace("/", "·").replace(":", "·"))
        ws.append([xlsx_cell(ws, section.title, bold=True)])
        if section.table is not None:
            for i in range(len(section.table.columns)):
                ws.column_dimensions[chr(ord("A") + i)].width = 18 if i else 28
            ws.append([xlsx_cell(ws, c, bold=True, fill="DDE6F0") for c in section.table.columns])
            for row in section.table.rows:
                ws.append([xlsx_cell(ws, v.replace("\n", " ")) for v in row])  # a PDF cell's lines on one line
        for line in section.lines:
            ws.append([xlsx_cell(ws, line)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_bytes(ds: Dataset, day: AsOfLike = None, *, area: str | None = None, subdistrict: str | None = None,
                 lang: str = "zh", fmt: str = "pdf") -> bytes:
    """The dispatch report of ``day`` as ``fmt`` (pdf or xlsx) bytes, in one call (CLI and page)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; valid: {', '.join(FORMATS)} / 未知格式「{fmt}」，可选：{'、'.join(FORMATS)}")
    report = dispatch_report(ds, day, area=area, subdistrict=subdistrict, lang=lang)
    return report_pdf(report) if fmt == "pdf" else report_xlsx(report)
