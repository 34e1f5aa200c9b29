"""The dispatch report: its numbers are the stats' numbers, it is 1-3 A4 pages with the CJK font
embedded, the XLSX has text cells only where text is, and names from the data are escaped."""
from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from geo import metrics
from geo.reports.daily import dispatch_report, report_bytes, report_pdf, report_xlsx
from geo.schedule.rules import check_sequence

DAY = "2022-12-09"
pytest.importorskip("reportlab")


@pytest.fixture(scope="module")
def report(sample):
    return dispatch_report(sample, DAY)


def test_the_reports_numbers_are_the_stats(sample, report):
    stats = metrics.stats(sample, DAY)
    assert report.figures == {k: stats[k] for k in ("sequencing", "issues", "daily")}
    kpis = dict(report.kpis)
    d, s, i = stats["daily"], stats["sequencing"], stats["issues"]
    assert kpis["在施工程 / 已填报（项）"] == f"{d['works_active']} / {d['works_reported']}"
    assert kpis["顺序违规 / 计划预警（处）"] == f"{s['violations']} / {s['warnings']}"
    assert kpis["未解决 / 逾期（件）"] == f"{i['open']} / {i['overdue']}"
    assert kpis["当日解决率"] == f"{100 * i['resolved_same_day_rate_on_day']:.1f}%"


def test_the_sections_follow_the_brief(report, sample):
    assert [s.key for s in report.sections] == ["areas", "behind", "sequence", "issues", "owners", "next"]
    sections = {s.key: s for s in report.sections}
    assert len(sections["sequence"].table.rows) == len(check_sequence(sample, DAY))
    assert len(sections["behind"].table.rows) == min(10, report.figures["daily"]["compounds_behind"])
    areas = [r[0] for r in sections["areas"].table.rows]
    assert areas[0] == "清溪片区" and areas[-1] == "其他（片区外）"
    assert sum(int(r[1]) for r in sections["areas"].table.rows) == report.figures["daily"]["works_active"]


def test_an_area_report_counts_only_its_area(sample):
    one = dispatch_report(sample, DAY, area="清溪片区", lang="en")
    assert one.figures == metrics.construction_stats(metrics.filter_dataset(sample, area="清溪片区"), DAY)
    assert one.subtitle.startswith("Qingxi") and one.sections[0].title.startswith("1.")


def _pdf_facts(data: bytes, tmp_path) -> tuple[int, str, str]:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    return pages, size, fonts


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) not installed")
@pytest.mark.parametrize("lang, area", [("zh", None), ("en", None), ("zh", "清溪片区")])
def test_the_pdf_is_one_to_three_a4_pages_with_the_cjk_font_embedded(sample, tmp_path, lang, area):
    pages, size, fonts = _pdf_facts(report_bytes(sample, DAY, area=area, lang=lang, fmt="pdf"), tmp_path)
    assert 1 <= pages <= 3
    assert "595.276 x 841.89" in size  # A4 portrait, points
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines and all(" yes " in line for line in lines)  # every font embedded (no Helvetica)
    assert any("WenQuanYi" in line for line in lines)


def test_names_from_the_data_are_escaped_in_the_pdf_and_text_in_the_xlsx(sample):
    hostile = sample.compounds.assign(name=sample.compounds["name"].where(
        sample.compounds["compound_id"] != "QY-0657", "<b>=HYPERLINK(\"x\")</b>"))
    report = dispatch_report(sample.with_layers(compounds=hostile), DAY)
    assert report_pdf(report).startswith(b"%PDF")  # reportlab would fail on an unescaped tag
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
