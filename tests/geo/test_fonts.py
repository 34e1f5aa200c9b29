from pathlib import Path

import pytest

from geo import fonts
from tests.font_support import missing_glyphs


def test_default_font_is_the_debian_truetype_one():
    font = fonts.cjk_font()
    assert font.path == fonts.CJK_FONT_FILE
    assert "WenQuanYi" in font.family
    assert missing_glyphs("青羊区老旧小区连片改造“一张图” 2022年 57,800户 ①") == ""


def test_missing_glyphs_reports_what_would_be_tofu():
    assert missing_glyphs("青\U00020000\U00020000") == "\U00020000"


def test_env_override(monkeypatch):
    monkeypatch.setenv("QY_CJK_FONT", str(fonts.CJK_FONT_FILE))
    assert fonts.cjk_font().path == fonts.CJK_FONT_FILE


@pytest.mark.parametrize("path, words", [
    ("/no/such/font.ttf", ["not found", fonts.CJK_FONT_PACKAGE, "apt-get install"]),
    (__file__, ["cannot read", fonts.CJK_FONT_PACKAGE]),
])
def test_missing_or_broken_font_names_the_package(path, words):
    with pytest.raises(fonts.FontMissing) as err:
        fonts.cjk_font(path)
    for word in words:
        assert word in str(err.value)


def test_cff_font_is_refused_because_it_cannot_be_embedded():
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.is_file():
        pytest.skip("fonts-noto-cjk not installed")
    with pytest.raises(fonts.FontMissing, match="CFF"):
        fonts.cjk_font(noto)


def test_mpl_rc_puts_the_cjk_family_first():
    rc = fonts.mpl_rc()
    assert rc["font.family"][0] == fonts.cjk_font().family
    assert rc["pdf.fonttype"] == 42


def test_mpl_context_sets_the_font_and_restores_after():
    import matplotlib
    before = list(matplotlib.rcParams["font.family"])
    with fonts.mpl_context():
        assert matplotlib.rcParams["font.family"][0] == fonts.cjk_font().family
    assert list(matplotlib.rcParams["font.family"]) == before


def test_one_stack_for_css_and_the_deck():
    css = fonts.css_font_family()
    assert css.startswith('"Noto Sans CJK SC", ') and css.endswith('"Microsoft YaHei", sans-serif')
    assert all(f'"{face}"' in css for face in fonts.CJK_FONT_STACK)
    assert fonts.OFFICE_FONT in fonts.CJK_FONT_STACK
    assert fonts.mpl_rc()["font.family"][1:] == [fonts.LATIN_FALLBACK]
