"""Problems found in an uploaded file: one ``Issue`` per finding, and ``UnreadableFile``.

An issue names the file, the row as the user sees it (the Excel row or CSV line; the
feature number for GIS files; 0 = the whole file), the column as written in the file,
the value found, a problem code and its severity (error blocks the import, warning
does not). Texts come from ``geo.i18n`` keys ``issue.<code>`` (the problem) and
``issue.<code>.ok`` (what would be accepted), filled from ``fmt``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geo.i18n import bilingual, t

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One finding of the validation report."""

    code: str
    severity: str = ERROR
    row: int = 0
    column: str = ""
    value: str = ""
    file: str = ""
    fmt: dict[str, Any] = field(default_factory=dict)

    def problem(self, lang: str = "zh") -> str:
        """What is wrong, in ``lang``."""
        return t(f"issue.{self.code}", lang, **self._fmt(lang))

    def accepted(self, lang: str = "zh") -> str:
        """What would be accepted instead, in ``lang``."""
        return t(f"issue.{self.code}.ok", lang, **self._fmt(lang))

    def _fmt(self, lang: str) -> dict[str, Any]:
        return {"column": self.column, "value": self.value, "row": self.row, **self.fmt}


class UnreadableFile(Exception):
    """The file cannot be read at all; ``code`` names why (i18n key ``unreadable.<code>``)."""

    def __init__(self, code: str, file: str = "", **fmt: Any) -> None:
        self.code, self.file, self.fmt = code, file, {"file": file, **fmt}
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """One line: which file and why it cannot be read, in ``lang``."""
        return t(f"unreadable.{self.code}", lang, **self.fmt)

    def bilingual(self) -> str:
        """The message in Chinese and English on one line."""
        return bilingual(f"unreadable.{self.code}", **self.fmt)
