"""Where each block of a slide goes on the 16:9 page (inches, origin top left).

Shared by both writers (``geo.brief.pptx_writer``, ``geo.brief.pdf_writer``), so the PPTX
and the PDF show the same layout.
"""
from __future__ import annotations

from dataclasses import dataclass

from geo.brief.model import PAGE_W, Box, Picture, Placed, Slide, Table, Text
from geo.colors import GREY, INK

MARGIN, TITLE_Y, TITLE_H, BODY_Y, FOOT_Y = 0.5, 0.3, 0.75, 1.2, 7.05


def place(slide: Slide) -> list[Placed]:
    """Where each block of ``slide`` goes on the page (the title included, role 'title')."""
    if slide.key == "title":
        return _place_title(slide)
    out = [Placed(Box(MARGIN, TITLE_Y, PAGE_W - 2 * MARGIN, TITLE_H), Text(slide.title, 28, INK, True, role="title"))]
    x, y, w = MARGIN, BODY_Y, PAGE_W - 2 * MARGIN
    bottom = FOOT_Y - 0.1 - 0.32 * len(slide.notes)
    if slide.kpis:
        per_row = 5 if len(slide.kpis) > 5 else len(slide.kpis)
        n_rows = -(-len(slide.kpis) // per_row)
        card_h = 2.3 if n_rows > 1 else 1.7
        for i, kpi in enumerate(slide.kpis):
            r, c = divmod(i, per_row)
            out.append(Placed(Box(x + c * w / per_row + 0.06, y + r * (card_h + 0.15), w / per_row - 0.12, card_h), kpi))
        y += n_rows * (card_h + 0.15) + 0.1
    for line in slide.lines:
        h = line.size / 72 * 1.6
        out.append(Placed(Box(x, y, w, h), line))
        y += h + 0.1
    out += _place_media(slide, Box(x, y, w, bottom - y))
    for i, note in enumerate(slide.notes):
        out.append(Placed(Box(x, bottom + 0.05 + 0.32 * i, w, 0.3), Text(note, 12, GREY)))
    return out


def _place_title(slide: Slide) -> list[Placed]:
    out, y = [], 1.3
    for line in slide.lines:
        h = line.size / 72 * 1.9
        out.append(Placed(Box(MARGIN, y, PAGE_W - 2 * MARGIN, h), line))
        y += h + 0.25
    return out


def _place_media(slide: Slide, area: Box) -> list[Placed]:
    pics, tables = slide.pictures, slide.tables
    if pics and tables and slide.kpis:
        left, right = _split(area, 0.5)
        return _stack(tables, left) + [Placed(_fit(pics[0], right, top=True), pics[0])]
    if pics and tables:
        left, right = _split(area, 0.58)
        return [Placed(_fit(pics[0], left), pics[0])] + _stack(tables, right)
    if pics:
        return [Placed(_fit(pics[0], area), pics[0])]
    if len(tables) == 2:
        need = [sum(_natural_widths(tb, 12.0)) for tb in tables]
        left, right = _split(area, min(0.6, max(0.3, need[0] / sum(need))))
        return _stack(tables[:1], left) + _stack(tables[1:], right)
    return _stack(tables, area)


def _split(area: Box, share: float, gap: float = 0.3) -> tuple[Box, Box]:
    """``area`` cut into a left part of ``share`` of its width and the rest, ``gap`` inches apart."""
    lw = area.w * share - gap / 2
    return Box(area.x, area.y, lw, area.h), Box(area.x + lw + gap, area.y, area.w - lw - gap, area.h)


def _stack(tables: tuple[Table, ...], area: Box) -> list[Placed]:
    """Tables top-down in ``area``, each as tall as its rows need."""
    out, y = [], area.y
    for table in tables:
        room = Box(area.x, y, area.w, area.h - (y - area.y))
        geo = table_geometry(table, room)
        h = min(room.h, geo.header_h + geo.row_h * len(table.rows))
        out.append(Placed(Box(area.x, y, area.w, h), table))
        y += h + 0.2
    return out


@dataclass(frozen=True)
class TableGeometry:
    """How a table fits its box: font size (pt), column widths, header and row heights (inches)."""

    font_size: float
    widths: tuple[float, ...]
    header_h: float
    row_h: float


CELL_PAD = 0.16  # inches of left + right padding in a cell
_SIZES = (14.0, 13.0, 12.0, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)


def text_width(text: str, size: float) -> float:
    """Estimated width (inches) of one line of ``text`` at ``size`` pt: CJK 1 em, other 0.58 em."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.3 if ch == " " else 0.58 for ch in text) * size / 72


def _line_h(size: float) -> float:
    return size / 72 * 1.3


def _natural_widths(table: Table, size: float) -> list[float]:
    """Width each column needs at ``size``: its longest cell on one line, its header on up to two."""
    out = []
    for i, head in enumerate(table.columns):
        body = max((text_width(row[i], size) for row in table.rows), default=0.0)
        word = max((text_width(w, size) for w in head.split()), default=0.0)
        out.append(max(body, word, text_width(head, size) / 2 + 0.1) + CELL_PAD)
    return out


def table_geometry(table: Table, box: Box) -> TableGeometry:
    """The largest font (8-14 pt) at which ``table`` fits ``box``; columns widened to fill it."""
    n = len(table.rows)
    for size in _SIZES:
        need = _natural_widths(table, size)
        row_h = min(0.4, _line_h(size) + 0.14)
        if sum(need) <= box.w and _line_h(size) * 2 + 0.1 + n * row_h <= box.h:
            break
    spare = max(0.0, box.w - sum(need))
    widths = [w + spare * w / sum(need) for w in need]
    two_lines = any(text_width(h, size) + CELL_PAD > w for h, w in zip(table.columns, widths))
    header_h = _line_h(size) * (2 if two_lines else 1) + 0.12
    return TableGeometry(size, tuple(widths), header_h, row_h)


def _fit(pic: Picture, area: Box, *, top: bool = False) -> Box:
    """The largest box of the picture's aspect inside ``area``, centred (or at the top)."""
    scale = min(area.w / pic.width_px, area.h / pic.height_px)
    w, h = pic.width_px * scale, pic.height_px * scale
    return Box(area.x + (area.w - w) / 2, area.y if top else area.y + (area.h - h) / 2, w, h)
