"""The one number formatter: how figures and dates are written for people.

Every page, map tooltip, chart label, table and slide writes its numbers with
:func:`number` (thousands separators, fixed or trimmed decimals, a unit after the
figure), shares with :func:`percent`, money in 亿元 via :func:`yi_yuan`, and the
screen's date with :func:`long_date`. Unit words come from ``geo.i18n`` (``unit.*``).
"""
from __future__ import annotations

import datetime as dt

from geo.i18n import t

#: Units written straight after the figure (no space): '98.1%'.
_TIGHT_UNITS = frozenset({"%", "‰"})


def number(value: float | int, decimals: int = 0, *, unit: str = "", trim: bool = False) -> str:
    """``value`` with thousands separators and ``decimals`` places: '57,800', '23.80'.

    ``trim`` drops trailing zeros of the decimals ('30.5', '607' for 607.00); ``unit``
    follows after a space ('23.80 亿元'), '%' directly ('98.1%').
    """
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):  # -0.0, or -0.4 rounded: no minus sign
        text = text[1:]
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if not unit:
        return text
    return f"{text}{unit}" if unit in _TIGHT_UNITS else f"{text} {unit}"


def percent(part: float, whole: float, decimals: int = 1) -> str:
    """``part`` / ``whole`` in % as text without the sign ('98.1', '100'); '0' when ``whole`` is 0."""
    if not whole:
        return "0"
    return number(100.0 * part / whole, decimals, trim=True)


def yi_yuan(wan_yuan: float) -> float:
    """万元 -> 亿元 (money is stored in 万元; large totals are shown in 亿元)."""
    return wan_yuan / 10_000


def long_date(day: dt.date, lang: str) -> str:
    """'2026年11月24日 星期二' / 'Tuesday, 24 November 2026' (words from the translation table)."""
    weekday = t("screen.weekdays", lang).split(",")[day.weekday()]
    month = t("screen.months", lang).split(",")[day.month - 1]
    return t("screen.date", lang, y=day.year, m=month, d=day.day, w=weekday)


#: Characters Markdown (and Streamlit's ``:color[...]`` / ``:emoji:`` directives) give a meaning to.
_MARKDOWN_CHARS = frozenset("\\`*_{}[]()#+-.!|<>~$:=&^")


def markdown_literal(text: str) -> str:
    """``text`` escaped so that a widget label that reads Markdown (a button, a pill) shows it as
    written: every ASCII punctuation character Markdown gives a meaning to gets a backslash."""
    return "".join(f"\\{c}" if c in _MARKDOWN_CHARS else c for c in text)
