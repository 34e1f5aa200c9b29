import re

import pytest

from geo import schema
from geo.i18n import TEXT, Bilingual, Reason, bilingual, both, choices, reason_of, t, vocab, vocab_both
from geo.sample.programme import QINGYANG


def test_every_key_has_both_languages_and_same_fields():
    for key, (zh, en) in TEXT.items():
        assert zh and en, key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_default_is_chinese_and_english_on_request():
    assert t("app.title", title=QINGYANG.title()) == "青羊区老旧小区连片改造“一张图”"
    assert t("app.title", "en", title=QINGYANG.title("en")) == "Qingyang Old-Compound Renovation Map"


def test_vocab_covers_every_schema_value():
    for s in schema.STATUSES:
        assert vocab("status", s) != vocab("status", s, "en")
    for w in schema.WORK_KEYS:
        assert vocab("work", w, "en") and vocab("work", w)
    for a in QINGYANG.area_names:
        assert vocab("area", a, "en", QINGYANG).isascii() and vocab("area", a, "zh", QINGYANG) == a
    assert vocab("subdistrict", "少城", "en", QINGYANG) == "Shaocheng"
    assert vocab("subdistrict", "不在其中", "en", QINGYANG) == "不在其中"  # unknown names are shown as stored
    with pytest.raises(TypeError, match="programme"):
        vocab("area", "清溪片区", "en")


def test_missing_key_raises():
    with pytest.raises(KeyError):
        t("no.such.key")


def test_bilingual_writes_chinese_then_english():
    assert bilingual("cli.user_removed", name="wang") == "已删除用户 wang / removed wang"


def test_a_bilingual_value_fills_each_text_in_its_own_language():
    msg = bilingual("error.unknown_place", what=both("place.area"), name="X", valid=choices(["甲", "乙"]))
    assert msg == "未知片区「X」，可选：甲、乙 / unknown area 'X'; valid: 甲, 乙"
    assert t("error.unknown_place", "en", what=both("place.area"), name="X", valid=choices([])) == "unknown area 'X'; valid: "


def test_a_reason_keeps_its_key_and_is_written_in_either_language():
    reason = Reason("fields.expect.one_of", valid=choices(["a", "b"]))
    assert isinstance(reason, ValueError) and str(reason) == "one of a, b"
    assert reason.text("zh") == "以下之一：a、b"
    assert reason_of(reason) == Bilingual("以下之一：a、b", "one of a, b")
    assert reason_of(ValueError("plain")) == "plain"


def test_vocab_both_gives_both_labels():
    assert vocab_both("work", "ev_chargers") == Bilingual("充电桩", "EV chargers")
