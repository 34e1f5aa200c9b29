"""The CJK font stack, and the font file for Chinese text in static maps, charts and the PDF.

One stack (:data:`CJK_FONT_STACK`) names the faces every output asks for: web pages and
maps list them all (:func:`css_font_family`), the PPTX names :data:`OFFICE_FONT`
(present on office PCs; other viewers substitute). Images and the PDF embed a font file,
found explicitly, never left to whatever the system happens to have: the file is
``QY_CJK_FONT`` when set, otherwise the one Debian's ``fonts-wqy-microhei`` installs
(``scripts/setup.sh`` installs it). The font must have TrueType outlines (a ``glyf``
table): matplotlib's and reportlab's PDF writers can embed those, but not the
CFF-flavoured OpenType of e.g. Noto Sans CJK.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fontTools.ttLib import TTCollection, TTFont, TTLibError

from geo.i18n import bilingual, both
from geo.settings import get_settings

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: CJK faces in order of preference: Noto / Source Han (Linux, Android), Microsoft YaHei (office PCs).
CJK_FONT_STACK: tuple[str, ...] = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei")
#: The face the PPTX names for Latin and East Asian text (the last of the stack: office PCs have it).
OFFICE_FONT = CJK_FONT_STACK[-1]
#: matplotlib's face for characters the CJK font lacks.
LATIN_FALLBACK = "DejaVu Sans"
#: The Debian package that provides the default font (named in every error).
CJK_FONT_PACKAGE = "fonts-wqy-microhei"
#: Where that package puts it.
CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
#: Face in a .ttc collection: 0 is "WenQuanYi Micro Hei" (1 is its Mono face).
CJK_FONT_INDEX = 0
#: A few characters the briefing cannot do without; a font lacking them is refused.
_PROBE = "区街道片区老旧小区改造示意数据"


class FontMissing(RuntimeError):
    """No usable CJK font: the message says which file and which package to install."""


@dataclass(frozen=True)
class CjkFont:
    """A TrueType-outline CJK font: file, face index within a .ttc, family name, cmap."""

    path: Path
    index: int
    family: str
    codepoints: frozenset[int]


def css_font_family() -> str:
    """The stack as a CSS ``font-family`` value, ending in the generic ``sans-serif``."""
    return ", ".join(f'"{face}"' for face in CJK_FONT_STACK) + ", sans-serif"


def _missing(key: str, **fmt: object) -> FontMissing:
    """The font problem ``key`` (``font.*``), with how to install the default font, in both languages."""
    return FontMissing(bilingual(key, install=both("font.install", package=CJK_FONT_PACKAGE), **fmt))


def _open_face(path: Path, index: int) -> TTFont:
    if path.suffix.lower() in (".ttc", ".otc"):
        return TTCollection(str(path), lazy=True).fonts[index]
    return TTFont(str(path), lazy=True)


@lru_cache(maxsize=4)
def _load(path: Path, index: int) -> CjkFont:
    if not path.is_file():
        raise _missing("font.not_found", path=path)
    try:
        face = _open_face(path, index)
        outlines_ok = "glyf" in face
        family = str(face["name"].getDebugName(1))
        codepoints = frozenset(face.getBestCmap())
    except (TTLibError, OSError, IndexError, KeyError) as exc:
        raise _missing("font.unreadable", path=path, face=index, error=exc) from None
    if not outlines_ok:
        raise _missing("font.cff", path=path)
    lacking = [ch for ch in _PROBE if ord(ch) not in codepoints]
    if lacking:
        raise _missing("font.no_glyphs", path=path, chars="".join(lacking))
    return CjkFont(path=path, index=index, family=family, codepoints=codepoints)


def cjk_font(path: str | Path | None = None) -> CjkFont:
    """The CJK font to use: ``path``, else QY_CJK_FONT, else Debian's fonts-wqy-microhei.

    Raises FontMissing (naming the package to install) when it is absent or unusable.
    """
    chosen = path or get_settings().cjk_font or CJK_FONT_FILE
    return _load(Path(chosen), CJK_FONT_INDEX if Path(chosen).suffix.lower() in (".ttc", ".otc") else 0)


def mpl_rc(font: CjkFont | None = None) -> dict[RcKeyType, Any]:
    """matplotlib rcParams that set text in the CJK font (use with ``matplotlib.rc_context``).

    Registers the font file with matplotlib's font manager once; :data:`LATIN_FALLBACK` is the fallback.
    """
    font = font or cjk_font()
    _register_mpl(str(font.path))
    return {"font.family": [font.family, LATIN_FALLBACK], "axes.unicode_minus": False,
            "pdf.fonttype": 42}


#: matplotlib's rcParams are process-wide: charts drawn in two threads at once (e.g. two
#: deferred downloads) must not swap fonts under each other.
_MPL_LOCK = threading.RLock()


@contextmanager
def mpl_context(font: CjkFont | None = None) -> Iterator[None]:
    """Draw with matplotlib in the CJK font: ``rc_context(mpl_rc())`` held under a process-wide lock."""
    import matplotlib  # imported on first use: web maps and the CLI read the stack without it (~0.5 s at start-up)

    rc = mpl_rc(font)
    with _MPL_LOCK, matplotlib.rc_context(rc):
        yield


@lru_cache(maxsize=4)
def _register_mpl(path: str) -> None:
    from matplotlib import font_manager  # on first use, as in mpl_context

    font_manager.fontManager.addfont(path)
