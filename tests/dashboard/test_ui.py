"""dashboard.ui: HTML builders escape what they are given and write numbers with geo.formatting."""
import pandas as pd

from dashboard import ui
from geo.formatting import number


def test_table_html_formats_and_escapes():
    table = ui.table_html(pd.DataFrame({"名": ["<b>"], "n": [12345], "p": [98.25]}), {"p": lambda v: number(v, 1, unit="%")})
    assert "&lt;b&gt;" in table and "<td>12,345</td>" in table and "<td>98.2%</td>" in table


def test_facts_html_is_a_two_column_table_of_escaped_one_line_text():
    html = ui.facts_html([("名称", "**[甲](http://evil.example)**\n| x |"), ("户数", "<img src=x>")], ("字段", "内容"))
    assert html.count("<tr>") == 3 and "字段" in html and "&lt;img src=x&gt;" in html and "<img" not in html
    assert "**[甲](http://evil.example)** | x |" in html  # as text: Markdown is not read, the line break is a space
    assert "<strong>" not in ui.record_title_html("**名** QY-0001") and "**名** QY-0001" in ui.record_title_html("**名** QY-0001")


def test_title_with_a_note_is_escaped_text():
    title = ui.title_html("[链接](http://x)<b>", "截至 2022-12-09")
    assert "&lt;b&gt;" in title and "[链接](http://x)" in title and "截至 2022-12-09" in title




def test_a_breadcrumb_is_escaped_text_from_the_top_down():
    html = ui.breadcrumb_html(["全国", "<img src=x onerror=alert(1)>", "**市**\n[x](http://e.invalid)"])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.index("全国") < html.index("&lt;img") < html.index("**市** [x](http://e.invalid)")
    assert html.count(" › ") == 2 and 'font-weight:700">**市**' in html  # the current place, last and bold
