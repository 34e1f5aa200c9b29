"""geo.formatting: the one way figures and dates are written."""
import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from geo.formatting import long_date, number, percent, yi_yuan


def test_thousands_decimals_and_units():
    assert number(57800) == "57,800" and number(23.8, 2) == "23.80"
    assert number(607.0, 2, trim=True) == "607" and number(30.5, 2, trim=True) == "30.5"
    assert number(23.8, 2, unit="亿元") == "23.80 亿元" and number(98.1, 1, unit="%") == "98.1%"
    assert number(-0.0, 1) == "0.0" and number(np.int64(1891)) == "1,891"


def test_shares_and_money():
    assert percent(607, 619) == "98.1" and percent(1, 0) == "0" and percent(50, 50) == "100"
    assert percent(1, 3, 0) == "33"
    assert yi_yuan(238_000) == 23.8


def test_long_dates_in_both_languages():
    assert long_date(dt.date(2026, 11, 24), "zh") == "2026年11月24日 星期二"
    assert long_date(dt.date(2026, 11, 24), "en") == "Tuesday, 24 November 2026"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_the_text_reads_back_as_the_rounded_value(value, decimals):
    text = number(value, decimals, trim=True)
    assert float(text.replace(",", "")) == float(f"{value:.{decimals}f}")
    assert not text.startswith("-0") or float(text.replace(",", "")) != 0


def test_a_markdown_literal_shows_every_character_as_written():
    from geo.formatting import markdown_literal
    assert markdown_literal("锦江区") == "锦江区"
    assert markdown_literal("**x** :red[y] [a](http://b) <b>") == r"\*\*x\*\* \:red\[y\] \[a\]\(http\://b\) \<b\>"
