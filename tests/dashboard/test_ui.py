"""dashboard.ui: HTML builders escape what they are given and write numbers with geo.formatting."""
import pandas as pd

from dashboard import ui
from geo.formatting import number


def test_table_html_formats_and_escapes():
    table = ui.table_html(pd.DataFrame({"名": ["<b>"], "n": [12345], "p": [98.25]}), {"p": lambda v: number(v, 1, unit="%")})
    assert "&lt;b&gt;" in table and "<td>12,345</td>" in table and "<td>98.2%</td>" in table


def test_facts_markdown_is_a_two_column_table():
    text = ui.facts_markdown([("名称", "甲|乙"), ("户数", "120")], "字段", "内容")
    assert text.splitlines() == ["| 字段 | 内容 |", "|---|---|", "| 名称 | 甲/乙 |", "| 户数 | 120 |"]
