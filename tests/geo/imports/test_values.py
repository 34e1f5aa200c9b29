"""Cell parsing (geo.imports.values) and the header alias table (geo.imports.columns)."""
import datetime as dt

import pandas as pd
import pytest

from geo.imports import columns, values
from geo.sample.programme import QINGYANG


@pytest.mark.parametrize("cell, expected", [
    ("2023-03-01", ("2023-03-01", "day")), ("2023/3/1", ("2023-03-01", "day")), ("2023.3.1", ("2023-03-01", "day")),
    ("2023年3月1日", ("2023-03-01", "day")), ("2023年3月", ("2023-03-01", "month")), ("20230301", ("2023-03-01", "day")),
    (44986, ("2023-03-01", "day")), ("44986", ("2023-03-01", "day")), (dt.datetime(2023, 3, 1, 8), ("2023-03-01", "day")),
    ("２０２３年３月１日", ("2023-03-01", "day")),
])
def test_dates(cell, expected):
    day, precision = values.parse_date(cell)
    assert (day.strftime("%Y-%m-%d"), precision) == expected


@pytest.mark.parametrize("cell", ["明年", "2023-13-01", "3/1/2023x", 10])
def test_bad_dates(cell):
    with pytest.raises(ValueError):
        values.parse_date(cell)


def test_numbers_and_years():
    assert values.parse_number("1,234") == 1234 and values.parse_number("１２３") == 123
    assert values.parse_number("2,000户") == 2000 and values.parse_number(" 12.5 ") == 12.5
    assert values.parse_int(12.0) == 12 and values.parse_year_built("80年代") == 1980
    assert values.parse_number("") is None and values.parse_number(float("nan")) is None
    assert values.is_blank(pd.NaT)
    for bad in ("很多", "1.2.3", True):
        with pytest.raises(ValueError):
            values.parse_number(bad)
    with pytest.raises(ValueError):
        values.parse_int("12.5")


def test_places_and_vocabularies():
    parse_subdistrict, parse_area = values.subdistrict_parser(QINGYANG), values.area_parser(QINGYANG)
    assert parse_subdistrict("草堂街道") == "草堂" == parse_subdistrict("Caotang") == parse_subdistrict("青羊区草堂街道")
    assert parse_subdistrict("510105007") == "草堂"
    assert parse_area("方池街-包家巷") == "方池街—包家巷片区" == parse_area("Fangchijie-Baojiaxiang")
    assert values.parse_status("已完工") == "completed" == values.parse_status("Completed")
    assert values.parse_batch("十三五") == "2015-2020" and values.parse_batch(2023) == "2023"
    assert values.parse_decision("符合改造标准") == "eligible"
    assert values.parse_bool("是") is True and values.parse_bool("0") is False
    with pytest.raises(ValueError):
        parse_subdistrict("春熙路")


def test_header_aliases_and_units():
    m = columns.match_header
    assert m("小区名称").field == m("名称").field == m("name").field == "name"
    assert m("经度").field == m("lng").field == m("X").field == "lon"
    assert m("所属街道").field == m("街道").field == "subdistrict"
    assert m("建成年代").field == "year_built" and m("改造年度").field == "batch"
    assert m("户数（户）").field == "households"
    assert m("政府补助（万元）") == columns.HeaderMatch("funding:government_subsidy", 1.0)
    assert m("居民出资(元)") == columns.HeaderMatch("funding:residents", 1e-4)
    assert m("加装电梯(台)").field == "elevators" and m("充电桩（个）").field == "ev_chargers"
    assert m("备注") is None
    mapped, unknown = columns.map_columns(["小区名称", "备注", "滞后天数", "名称"], {"备注": "address"})
    assert mapped["备注"].field == "address" and unknown == ["名称"]  # second header for one field


def test_clean_text_makes_one_line_of_plain_text():
    from geo.imports.values import clean_text

    assert clean_text("宽巷子132号院") == ("宽巷子132号院", ())
    assert clean_text("群和街\u202e院号581\u202c小区") == ("群和街院号581小区", ("bidi",))
    assert clean_text("蜀汉路\x07115号院\x1b[31m") == ("蜀汉路115号院[31m", ("control",))
    assert clean_text("第一行\r\n第二行\t尾") == ("第一行 第二行 尾", ("break",))


def test_plain_text_turns_wide_digits_and_letters_to_ascii_and_keeps_chinese_punctuation():
    assert values.plain_text("  锦里　西路１３２号（一期），Ａ栋 ") == "锦里 西路132号（一期），A栋"
    assert values.plain_text(12.0) == "12" and values.plain_text(None) == ""
