"""Spreadsheet cells the product writes: data stays data, never a formula, never a broken file.

Every CSV and XLSX file the product writes (exports, the validation report, the import
template) puts its cells through here, following OWASP's advice on CSV injection:

- XLSX: text goes into typed string cells, so ``=HYPERLINK("http://…")`` is shown as the
  text it is and never evaluated (:func:`text_cell`, :func:`set_text`).
- CSV: text that begins with ``= + - @``, a tab or a carriage return gets a leading
  apostrophe, which spreadsheet programs show as text (:func:`csv_text`); the importer
  takes it off again (:func:`unquote_csv_text`), so an export re-imports unchanged.
- Both: characters XML cannot hold (C0 control characters other than tab and newlines)
  are removed (:func:`printable`), so one stray control character in the data can no longer
  make a workbook unwritable.
"""
from __future__ import annotations

import re
from typing import Any

from openpyxl.cell import WriteOnlyCell

#: First characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: Characters an XLSX (XML 1.0) cell cannot hold: C0 controls except tab, LF and CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def printable(text: str) -> str:
    """``text`` without the control characters a workbook cannot store."""
    return _ILLEGAL.sub("", text)


def is_formula_like(text: object) -> bool:
    """True for text a spreadsheet program would take for a formula (see ``FORMULA_START``)."""
    return isinstance(text, str) and text.startswith(FORMULA_START)


def csv_text(value: Any) -> Any:
    """A CSV cell: text made printable and, when formula-like, prefixed with an apostrophe; other values as given."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return f"'{value}" if _needs_quote(value) else value


def _needs_quote(text: str) -> bool:
    """Formula-like, or apostrophes before a formula-like text (so that unquoting gives it back as it was)."""
    return is_formula_like(text) or (text.startswith("'") and _needs_quote(text[1:]))


def unquote_csv_text(text: str) -> str:
    """Undo :func:`csv_text`: drop the apostrophe it put before a text that needed one."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def text_cell(ws: Any, value: Any) -> Any:
    """A cell for a write-only sheet: text as a typed string cell (never a formula); other values as given."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, printable(value))
    cell.data_type = "s"
    return cell


def set_text(cell: Any, value: Any) -> Any:
    """Put ``value`` into an ordinary worksheet cell; text as a typed string (never a formula). Returns the cell."""
    if isinstance(value, str):
        cell.value = printable(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell
