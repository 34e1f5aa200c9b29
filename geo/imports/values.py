"""Cell values as planners type them -> model values (numbers, dates, booleans, vocabularies).

Each ``parse_*`` takes one cell (str, number, date or None) and returns the value, or
raises ``ValueError`` when the text cannot mean a value of that kind. Empty cells give
None. Text is NFKC-normalised first, so full-width digits (１２３) and brackets work;
free text (names, addresses) is kept as written (:func:`plain_text`).
Places are the programme's: :func:`subdistrict_parser` and :func:`area_parser` build
the parse function for one programme.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable

import pandas as pd

from geo import schema
from geo.programme import Programme

_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends): they reorder what is shown.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Line breaks and tabs: every imported field is one line.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
#: Other control characters (C0, DEL, C1): invisible, and some cannot be stored in a workbook.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
#: What :func:`clean_text` removes, by kind.
CLEANED_KINDS: tuple[str, ...] = ("bidi", "break", "control")
_ANY_CLEANED = re.compile("|".join(p.pattern for p in (_BIDI, _BREAKS, _CONTROLS)))
_UNIT_SUFFIX = re.compile(r"(万元|元|户|栋|幢|台|个|部|平方米|m²|m2|㎡|年代|年|处|座)$")
_DASHES = re.compile(r"[—–\-－~～_]+")


def is_blank(value: object) -> bool:
    """True for None, NaN and whitespace-only text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_text(value: str) -> tuple[str, tuple[str, ...]]:
    """``value`` as one line of plain text, and what was removed ("bidi", "break", "control").

    Bidi controls and other control characters are dropped; line breaks and tabs become a
    space. Used on every imported text cell, so names cannot spoof, break lines or a workbook.
    """
    if _ANY_CLEANED.search(value) is None:  # nearly every cell: one search
        return value, ()
    found = tuple(kind for kind, pattern in zip(CLEANED_KINDS, (_BIDI, _BREAKS, _CONTROLS)) if pattern.search(value))
    out = _CONTROLS.sub("", _BREAKS.sub(" ", _BIDI.sub("", value)))
    return out, found


def text(value: object) -> str:
    """The cell as trimmed, NFKC-normalised text ('' for blank)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


#: Full-width digits and Latin letters and the ideographic space -> ASCII (what NFKC does to them).
_WIDE_ALNUM = {**{c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                  for c in range(r[0], r[1] + 1)}, 0x3000: 0x20}


def plain_text(value: object) -> str:
    """The cell as trimmed text for names, addresses and communities: full-width digits and
    letters become ASCII (１３２号 -> 132号), Chinese punctuation stays as written (（一期）, ，,
    ：), which NFKC would turn into ASCII. '' for blank."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).translate(_WIDE_ALNUM).strip()


def parse_number(value: object) -> float | None:
    """A number from 1,234 / １２３ / '2,000户' / 12.5 (thousands separators and units dropped)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    raw = text(value).replace(",", "").replace("，", "").replace(" ", "")
    raw = _UNIT_SUFFIX.sub("", raw)
    number = float(raw)  # raises ValueError for text
    if math.isnan(number) or math.isinf(number):
        raise ValueError(value)
    return number


def parse_int(value: object) -> int | None:
    """A whole number (see :func:`parse_number`); 12.0 is fine, 12.5 is not."""
    number = parse_number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise ValueError(value)
    return int(number)


def parse_year_built(value: object) -> int | None:
    """Year built: 1985, '1985年', '80年代' (-> 1980), '1980年代'."""
    raw = text(value)
    m = re.fullmatch(r"(\d{2})年代", raw)
    if m:
        return 1900 + int(m.group(1))
    return parse_int(value)


_DATE_PATTERNS = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?"), "day"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"), "day"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "day"),
    (re.compile(r"(\d{4})年(\d{1,2})月(?:份|底|末|初)?"), "month"),
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "month"),
)


def parse_date(value: object) -> tuple[pd.Timestamp | None, str]:
    """(date, precision) from 2023-03-01, 2023/3/1, 2023年3月1日, 2023年3月, Excel serials.

    Precision is 'day' or 'month' ('2023年3月' -> 2023-03-01, 'month').
    """
    if is_blank(value):
        return None, "day"
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return pd.Timestamp(value).normalize(), "day"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value)), "day"
    raw = text(value).replace(" ", "")
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return _from_serial(float(raw)), "day"
    for pattern, precision in _DATE_PATTERNS:
        m = pattern.fullmatch(raw)
        if m:
            y, mo, *d = (int(g) for g in m.groups())
            return pd.Timestamp(dt.date(y, mo, d[0] if d else 1)), precision
    raise ValueError(value)


def _from_serial(serial: float) -> pd.Timestamp:
    if not 25_569 <= serial <= 55_153:  # 1970-01-01 .. 2050-12-31: anything else is not a date here
        raise ValueError(serial)
    return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=int(serial)))


_TRUE = {"是", "true", "yes", "y", "1", "√", "t", "老旧", "old"}
_FALSE = {"否", "false", "no", "n", "0", "×", "f", "x"}


def parse_bool(value: object) -> bool | None:
    """True/False from 是/否, true/false, yes/no, 1/0, √/×."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(value)


def _key(raw: str) -> str:
    return _DASHES.sub("-", text(raw)).lower().replace(" ", "")


def _lookup(value: object, table: dict[str, str]) -> str | None:
    if is_blank(value):
        return None
    found = table.get(_key(str(value)))
    if found is None:
        raise ValueError(value)
    return found


def _subdistrict_table(programme: Programme) -> dict[str, str]:
    table: dict[str, str] = {}
    district = programme.root.name
    for s in programme.subdistricts:
        aliases = [s.name, f"{s.name}街道", f"{s.name}街道办", f"{s.name}街道办事处", f"{district}{s.name}街道", s.code]
        aliases += [s.en, f"{s.en} subdistrict"] if s.en else []
        for alias in aliases:
            table[_key(alias)] = s.name
    return table


def _area_table(programme: Programme) -> dict[str, str]:
    table: dict[str, str] = {}
    for a in programme.areas:
        for alias in (a.name, a.name.removesuffix("片区"), *((a.en, f"{a.en} area") if a.en else ())):
            table[_key(alias)] = a.name
    return table


def _vocab_table(labels: dict[str, tuple[str, str]], extra: dict[str, str] | None = None) -> dict[str, str]:
    table = {_key(k): k for k in labels}
    for k, (zh, en) in labels.items():
        table[_key(zh)], table[_key(en)] = k, k
    table.update({_key(a): k for a, k in (extra or {}).items()})
    return table


_STATUSES = _vocab_table(schema.STATUS_LABELS, {"已完成": "completed", "完工": "completed", "竣工": "completed",
                                                "施工中": "under_construction", "未开工": "planned"})
_DECISIONS = _vocab_table(schema.DECISION_LABELS, {"符合": "eligible", "需改造": "eligible", "纳入改造": "eligible",
                                                   "无需改造": "no_need", "暂无需改造": "no_need", "棚改": "redeveloped",
                                                   "已棚改": "redeveloped"})
_BATCHES = _vocab_table(schema.BATCH_LABELS, {"十三五": "2015-2020", "13th fyp": "2015-2020", "2015—2020": "2015-2020",
                                              **{f"{y}年": y for y in schema.FYP14_BATCHES},
                                              **{f"{y}.0": y for y in schema.FYP14_BATCHES}})


def subdistrict_parser(programme: Programme) -> Callable[[object], str | None]:
    """A parse function for the programme's subdistricts: the name from its name, the name
    with 街道 (or the district's name before it), its English name or its statistics code."""
    table = _subdistrict_table(programme)
    return lambda value: _lookup(value, table)


def area_parser(programme: Programme) -> Callable[[object], str | None]:
    """A parse function for the programme's areas: the name from its name, the name without
    片区, or its English name (any dash, any case)."""
    table = _area_table(programme)
    return lambda value: _lookup(value, table)


def parse_status(value: object) -> str | None:
    """A status key from its key, Chinese or English label."""
    return _lookup(value, _STATUSES)


def parse_decision(value: object) -> str | None:
    """A decision key (eligible / no_need / redeveloped) from key or label."""
    return _lookup(value, _DECISIONS)


def parse_batch(value: object) -> str | None:
    """A batch ('2015-2020', '2021' .. '2025') from 十三五 / 2021 / 2021年 / labels."""
    return _lookup(text(value) if isinstance(value, (int, float)) else value, _BATCHES)
