"""Checks that a text can be set in the CJK font (no tofu in the pack or the static map)."""
from __future__ import annotations

import unicodedata

from geo.fonts import CjkFont, cjk_font


def missing_glyphs(text: str, font: CjkFont | None = None) -> str:
    """The distinct printable characters of ``text`` the font has no glyph for ('' = none: no tofu)."""
    font = font or cjk_font()
    seen: dict[str, None] = {}
    for ch in text:
        if ch.isspace() or unicodedata.category(ch).startswith("C"):
            continue
        if ord(ch) not in font.codepoints:
            seen[ch] = None
    return "".join(seen)
