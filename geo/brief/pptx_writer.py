"""Write a :class:`geo.brief.Brief` as a 16:9 PowerPoint deck (python-pptx).

Real text boxes, KPI cards and tables (not one image per slide); charts and the map
are pictures. Each slide keeps its title in the layout's title placeholder, so
outline views and screen readers see it. Text is set in ``geo.fonts.OFFICE_FONT`` (Microsoft
YaHei, Latin and East Asian), which PowerPoint and WPS on office machines have; other viewers substitute.
"""
from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from geo import fonts
from geo.brief.layout import place, table_geometry
from geo.brief.model import PAGE_H, PAGE_W, Box, Brief, Picture, Placed, Table, Text
from geo.colors import ACCENT, BAND_FILL, CARD_FILL, GREY, HIGHLIGHT_FILL, INK
from geo.kpis import Kpi

_EMU = 914400
_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
_TITLE_ONLY = 5  # layout index in python-pptx's default template


def pptx_bytes(brief: Brief) -> bytes:
    """The deck as .pptx bytes: one slide per ``brief.slides`` item, 13.333 x 7.5 in."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(round(PAGE_W * _EMU)), Emu(round(PAGE_H * _EMU))
    prs.core_properties.title = brief.title
    prs.core_properties.subject = brief.footer
    prs.core_properties.author = brief.district
    prs.core_properties.language = "zh-CN" if brief.lang == "zh" else "en-GB"
    for number, content in enumerate(brief.slides, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY])
        for placed in place(content):
            _draw(slide, placed)
        if content.key != "title":
            _footer(slide, brief.footer, number)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _emu(inches: float) -> Emu:
    return Emu(round(inches * _EMU))


def _draw(slide, placed: Placed) -> None:
    block, box = placed.block, placed.box
    if isinstance(block, Text):
        _text(slide, block, box)
    elif isinstance(block, Kpi):
        _kpi(slide, block, box)
    elif isinstance(block, Table):
        _table(slide, block, box)
    elif isinstance(block, Picture):
        pic = slide.shapes.add_picture(io.BytesIO(block.png), _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
        pic.name = f"Picture {block.alt}".strip()


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _style(run, size: float, color: str, bold: bool = False) -> None:
    """Size, colour, weight and typeface (Latin and East Asian) of a run."""
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = _rgb(color)
    font.name = fonts.OFFICE_FONT
    latin = run._r.get_or_add_rPr().find(qn("a:latin"))
    latin.addnext(etree.SubElement(latin.getparent(), qn("a:ea"), typeface=fonts.OFFICE_FONT))


def _paragraph(frame, text: str, size: float, color: str, *, bold: bool = False, align: str = "left",
               first: bool = False) -> None:
    para = frame.paragraphs[0] if first else frame.add_paragraph()
    para.alignment = _ALIGN[align]
    run = para.add_run()
    run.text = text
    _style(run, size, color, bold)


def _frame(shape, anchor=MSO_ANCHOR.TOP, margin: float = 0.05):
    frame = shape.text_frame
    frame.clear()
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, _emu(margin))
    return frame


def _text(slide, block: Text, box: Box) -> None:
    if block.role == "title":
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h)
    else:
        shape = slide.shapes.add_textbox(_emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
    frame = _frame(shape, MSO_ANCHOR.MIDDLE if block.role == "title" else MSO_ANCHOR.TOP)
    _paragraph(frame, block.text, block.size, block.color, bold=block.bold, align=block.align, first=True)


def _kpi(slide, kpi: Kpi, box: Box) -> None:
    card = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
    card.name = "KPI " + "|".join(kpi.sources)
    card.adjustments[0] = 0.08
    card.fill.solid()
    card.fill.fore_color.rgb = _rgb(CARD_FILL)
    card.line.fill.background()
    card.shadow.inherit = False
    frame = _frame(card, MSO_ANCHOR.MIDDLE, margin=0.12)
    _paragraph(frame, kpi.label, 12, GREY, first=True)
    _paragraph(frame, kpi.value, _fit_size(kpi.value, box.w - 0.24, 26.0), INK, bold=True)
    if kpi.ref:
        _paragraph(frame, kpi.ref, 10.5, GREY)


def _fit_size(text: str, width_in: float, largest: float) -> float:
    """Largest point size (<= ``largest``) at which ``text`` fits on one line of ``width_in`` inches.

    Assumes 0.72 em per Latin character (bold digits of a wide fallback face) and 1 em per CJK one, so a viewer that substitutes a
    wider face (LibreOffice, WPS without Microsoft YaHei) still keeps a number on one line.
    """
    ems = sum(1.0 if ord(ch) > 0x2E80 else 0.72 for ch in text) or 1.0
    return max(10.0, min(largest, round(width_in * 72 / ems, 1)))


def _table(slide, table: Table, box: Box) -> None:
    n_rows, n_cols = len(table.rows) + 1, len(table.columns)
    geo = table_geometry(table, box)
    height = geo.header_h + geo.row_h * len(table.rows)
    frame = slide.shapes.add_table(n_rows, n_cols, _emu(box.x), _emu(box.y), _emu(box.w), _emu(height))
    frame.name = "Table " + (table.caption or table.columns[0])
    grid = frame.table
    for i, w in enumerate(geo.widths):
        grid.columns[i].width = _emu(w)
    for r in range(n_rows):
        grid.rows[r].height = _emu(geo.header_h if r == 0 else geo.row_h)
        cells = table.columns if r == 0 else table.rows[r - 1]
        for c, text in enumerate(cells):
            _cell(grid.cell(r, c), text, geo.font_size, header=r == 0, numeric=table.numeric[c],
                  fill=ACCENT if r == 0 else HIGHLIGHT_FILL if r - 1 in table.highlight
                  else BAND_FILL if r % 2 == 0 else "#ffffff")


def _cell(cell, text: str, size: float, *, header: bool, numeric: bool, fill: str) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = _rgb(fill)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.margin_left = cell.margin_right = _emu(0.06)
    cell.margin_top = cell.margin_bottom = _emu(0.02)
    frame = cell.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.RIGHT if numeric and not header else PP_ALIGN.LEFT
    run = para.add_run()
    _style(run, size, "#FFFFFF" if header else INK, bold=header)
    run.text = text


def _footer(slide, text: str, number: int) -> None:
    for x, w, value, align in ((0.5, 10.0, text, "left"), (PAGE_W - 1.5, 1.0, str(number), "right")):
        box = slide.shapes.add_textbox(_emu(x), _emu(7.08), _emu(w), _emu(0.3))
        box.name = "Footer"
        _paragraph(_frame(box), value, 10, GREY, align=align, first=True)
