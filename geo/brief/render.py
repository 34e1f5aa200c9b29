"""The briefing pack as bytes: build the content and hand it to the PPTX or PDF writer."""
from __future__ import annotations

from typing import Any

import pandas as pd

from geo.asof import AsOf, AsOfLike
from geo.brief.content import brief_from_dataset, brief_from_stats
from geo.brief.model import FORMATS, Brief
from geo.brief.pdf_writer import pdf_bytes
from geo.brief.pptx_writer import pptx_bytes
from geo.dataset import Dataset
from geo.drilldown import ChildRow
from geo.i18n import bilingual, choices
from geo.programme import Programme, slug


def render(brief: Brief, fmt: str) -> bytes:
    """The pack as PPTX or PDF bytes (ValueError naming the valid formats otherwise)."""
    if fmt == "pptx":
        return pptx_bytes(brief)
    if fmt == "pdf":
        return pdf_bytes(brief)
    raise _unknown_format(fmt)


def _unknown_format(fmt: str) -> ValueError:
    return ValueError(bilingual("brief.error.format", fmt=fmt, valid=choices(FORMATS)))


def pack_bytes(ds: Dataset, as_of: AsOfLike = None, *, area: str | None = None, lang: str = "zh",
               fmt: str = "pptx", audit: pd.DataFrame | None = None) -> bytes:
    """Build and render the briefing pack in one call (what the CLI and the dashboard use)."""
    if fmt not in FORMATS:
        raise _unknown_format(fmt)
    return render(brief_from_dataset(ds, as_of, area=area, lang=lang, audit=audit), fmt)


def rollup_pack_bytes(stats: dict[str, Any], children: tuple[ChildRow, ...], programme: Programme, *, place: str,
                      level: str | None, lang: str = "zh", fmt: str = "pptx") -> bytes:
    """The briefing pack of a roll-up place from its figures (``geo.brief.content.brief_from_stats``)."""
    if fmt not in FORMATS:
        raise _unknown_format(fmt)
    return render(brief_from_stats(stats, children, programme, place=place, level=level, lang=lang), fmt)


def pack_filename(programme: Programme, as_of: AsOfLike = None, *, area: str | None = None, fmt: str = "pptx",
                  place: str | None = None) -> str:
    """A file name such as ``<programme key>-brief-2022-12-09.pptx``; an area adds its English
    name (ASCII letters, digits and dashes only), a place other than the programme's its code."""
    day = AsOf.of(as_of).isoformat()
    found = programme.area(area) if area else None
    where = f"-{slug(found.en if found else '', 'area')}" if area else ""
    where += f"-{slug(place, 'place')}" if place and place != programme.place else ""
    return f"{slug(programme.key, 'programme')}-brief{where}-{day}.{fmt}"
