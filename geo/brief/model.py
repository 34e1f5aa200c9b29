"""The briefing pack's content model: one neutral list of slides for two writers.

A :class:`Brief` holds titles, KPI cards (``geo.kpis.Kpi``), tables and charts (PNG bytes);
``geo.brief.layout`` places each block on a 16:9 page (inches, origin top left), so
``geo.brief.pptx_writer`` and ``geo.brief.pdf_writer`` draw the same thing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo.colors import INK
from geo.kpis import Kpi

#: Page size (16:9), inches.
PAGE_W, PAGE_H = 40 / 3, 7.5  # 12,192,000 x 6,858,000 EMU in PowerPoint
#: Output formats and their MIME types.
FORMATS: dict[str, str] = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
#: Slide keys in order.
SLIDE_KEYS: tuple[str, ...] = ("title", "summary", "map", "years", "areas", "funding", "facilities", "decisions")
#: Most late compounds listed on the decisions slide.
MAX_LATE_ROWS = 14



@dataclass(frozen=True)
class Text:
    """A text block: size in points; role 'title' is the slide title."""

    text: str
    size: float = 14
    color: str = INK
    bold: bool = False
    align: str = "left"  # left | center | right
    role: str = "body"


@dataclass(frozen=True)
class Table:
    """A table of display strings; ``numeric`` columns are right-aligned, ``highlight`` rows emphasised."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    highlight: tuple[int, ...] = ()
    caption: str = ""


@dataclass(frozen=True)
class Picture:
    """A PNG image and its pixel size."""

    png: bytes
    width_px: int
    height_px: int
    alt: str = ""


Block = Text | Kpi | Table | Picture


@dataclass(frozen=True)
class Slide:
    """One slide: key (see SLIDE_KEYS), title, and its blocks in reading order."""

    key: str
    title: str
    kpis: tuple[Kpi, ...] = ()
    pictures: tuple[Picture, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    lines: tuple[Text, ...] = ()  # text lines: the title slide's, or a message above the body


@dataclass(frozen=True)
class Brief:
    """A whole pack: what it covers and its slides."""

    title: str
    district: str
    as_of: dt.date
    lang: str
    area: str | None
    illustrative: bool
    footer: str
    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, inches from the top left."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Placed:
    """A block at its place on the page."""

    box: Box
    block: Block
