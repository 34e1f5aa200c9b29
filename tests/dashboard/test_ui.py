"""dashboard.ui: HTML builders escape what they are given and write numbers with geo.formatting."""
import pandas as pd

from dashboard import ui
from geo.formatting import number


def test_table_html_formats_and_escapes():
    table = ui.table_html(pd.DataFrame({"名": ["<b>"], "n": [12345], "p": [98.25]}), {"p": lambda v: number(v, 1, unit="%")})
    assert "&lt;b&gt;" in table and "<td>12,345</td>" in table and "<td>98.2%</td>" in table


def test_facts_and_title_are_escaped_text():
    html = ui.facts_html([("名称", "**甲**<img src=x onerror=alert(1)>|乙"), ("户数", "120 户")], "字段", "内容")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "**甲**" in html
    assert "<th>字段</th><th>内容</th>" in html and "<td>户数</td><td>120 户</td>" in html
    title = ui.title_html("[链接](http://x)<b>", "截至 2022-12-09")
    assert "&lt;b&gt;" in title and "[链接](http://x)" in title and "截至 2022-12-09" in title


