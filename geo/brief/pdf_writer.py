"""Write a :class:`geo.brief.Brief` as a 16:9 PDF (reportlab), one page per slide.

Same layout as the deck (``geo.brief.layout.place``). All text is set in the TrueType CJK
font found by :mod:`geo.fonts` and the font is embedded (subset), so the PDF shows
Chinese correctly on any machine; ``pdffonts`` lists it with emb = yes.
"""
from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, TableStyle
from reportlab.platypus import Table as RLTable

from geo import fonts
from geo.brief.layout import place, table_geometry
from geo.brief.model import PAGE_H, PAGE_W, Box, Brief, Picture, Placed, Table, Text
from geo.colors import ACCENT, BAND_FILL, CARD_FILL, GREY, HIGHLIGHT_FILL, INK, RULE
from geo.kpis import Kpi

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def pdf_bytes(brief: Brief) -> bytes:
    """The pack as PDF bytes, 960 x 540 pt pages, CJK font embedded."""
    font = _register_font()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_W * 72, PAGE_H * 72), pageCompression=1, initialFontName=font)
    canvas.setTitle(brief.title)
    canvas.setAuthor(brief.district)
    canvas.setSubject(brief.footer)
    canvas.setCreator("python -m geo brief")
    for number, content in enumerate(brief.slides, start=1):
        for placed in place(content):
            _draw(canvas, placed, font)
        if content.key != "title":
            _footer(canvas, brief.footer, number, font)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


@lru_cache(maxsize=1)
def _register_font() -> str:
    """Register the CJK TrueType font with reportlab once; returns its name there."""
    cjk = fonts.cjk_font()
    name = "QYCJK-" + "".join(ch for ch in cjk.family if ch.isalnum())
    pdfmetrics.registerFont(TTFont(name, str(cjk.path), subfontIndex=cjk.index))
    return name


def _top(box: Box) -> float:
    """PDF y (points, from the bottom) of the box's top edge."""
    return (PAGE_H - box.y) * 72


def _para(text: str, font: str, size: float, color: str, align: str = "left") -> Paragraph:
    style = ParagraphStyle("b", fontName=font, fontSize=size, leading=size * 1.3, textColor=colors.HexColor(color),
                           alignment=_ALIGN[align], wordWrap="CJK" if any(ord(ch) > 0x2E80 for ch in text) else None)
    return Paragraph(escape(text), style)


def _draw(canvas: Canvas, placed: Placed, font: str) -> None:
    block, box = placed.block, placed.box
    if isinstance(block, Text):
        para = _para(block.text, font, block.size, block.color, block.align)
        _, h = para.wrap(box.w * 72, box.h * 72)
        offset = (box.h * 72 - h) / 2 if block.role == "title" else 0
        para.drawOn(canvas, box.x * 72, _top(box) - offset - h)
    elif isinstance(block, Kpi):
        _kpi(canvas, block, box, font)
    elif isinstance(block, Table):
        _table(canvas, block, box, font)
    elif isinstance(block, Picture):
        canvas.drawImage(ImageReader(io.BytesIO(block.png)), box.x * 72, _top(box) - box.h * 72,
                         box.w * 72, box.h * 72)


def _kpi(canvas: Canvas, kpi: Kpi, box: Box, font: str) -> None:
    canvas.setFillColor(colors.HexColor(CARD_FILL))
    canvas.roundRect(box.x * 72, _top(box) - box.h * 72, box.w * 72, box.h * 72, 8, stroke=0, fill=1)
    parts = [_para(kpi.label, font, 12, GREY), _para(kpi.value, font, 26 if len(kpi.value) < 12 else 20, INK)]
    if kpi.ref:
        parts.append(_para(kpi.ref, font, 10.5, GREY))
    inner = (box.w - 0.24) * 72
    heights = [p.wrap(inner, box.h * 72)[1] for p in parts]
    y = _top(box) - (box.h * 72 - sum(heights) - 6 * (len(parts) - 1)) / 2
    for para, h in zip(parts, heights):
        para.drawOn(canvas, (box.x + 0.12) * 72, y - h)
        y -= h + 6


def _table(canvas: Canvas, table: Table, box: Box, font: str) -> None:
    geo = table_geometry(table, box)
    size, widths = geo.font_size, [w * 72 for w in geo.widths]
    head = [_para(c, font, size, "#FFFFFF", "left") for c in table.columns]
    body = [[_para(v, font, size, INK, "right" if table.numeric[i] else "left") for i, v in enumerate(row)]
            for row in table.rows]
    style = [("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(ACCENT)),
             ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor(RULE)),
             ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
             ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    style += [("BACKGROUND", (0, r), (-1, r), colors.HexColor(BAND_FILL)) for r in range(2, len(body) + 1, 2)]
    style += [("BACKGROUND", (0, r + 1), (-1, r + 1), colors.HexColor(HIGHLIGHT_FILL)) for r in table.highlight]
    grid = RLTable([head, *body], colWidths=widths, rowHeights=[geo.header_h * 72] + [geo.row_h * 72] * len(body))
    grid.setStyle(TableStyle(style))
    _, h = grid.wrap(box.w * 72, box.h * 72)
    grid.drawOn(canvas, box.x * 72, _top(box) - h)


def _footer(canvas: Canvas, text: str, number: int, font: str) -> None:
    canvas.setFont(font, 10)
    canvas.setFillColor(colors.HexColor(GREY))
    canvas.drawString(0.5 * 72, 0.25 * 72, text)
    canvas.drawRightString((PAGE_W - 0.5) * 72, 0.25 * 72, str(number))
