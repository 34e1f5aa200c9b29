import re

import pytest

from geo import schema
from geo.i18n import TEXT, t, vocab
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
