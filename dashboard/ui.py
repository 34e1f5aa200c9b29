"""Page-level CSS and small HTML builders (tiles, headers) shared by the pages.

Pure string builders, no Streamlit import: pages pass the result to ``st.html`` (not
``st.markdown(..., unsafe_allow_html=True)``, which puts every block through a Markdown
and an HTML parser in the browser: ~0.3 s on the briefing). ``st.html`` sanitizes: keep to
plain HTML, classes, ``style`` and ``data-*`` attributes (scripts are removed).
Every text shown comes in already translated; values
are HTML-escaped here. The exhibition screen scales with the viewport (``vw``/
``clamp``) so the same layout reads at 1920×1080 and 3840×2160.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from geo import colors, fonts
from geo.formatting import number
from geo.kpis import AreaPanel, Kpi

if TYPE_CHECKING:
    import pandas as pd

FONT_STACK = fonts.css_font_family()
#: What a table cell shows for a missing value (``placeholder=`` of st.dataframe / st.data_editor), as the record does.
NO_VALUE = "—"

BRIEFING_CSS = f"""<style>
.stApp, .stMarkdown, .stDataFrame {{ font-family: {FONT_STACK}; }}
.block-container {{ padding-top: 1.6rem; padding-bottom: 1rem; max-width: 100%; }}
.qy-head h1 {{ font-size: clamp(1.6rem, 2.2vw, 2.6rem); margin: 0; padding: 0; font-weight: 800; color: #1f2d3d; }}
.qy-sub {{ color: #5f6b78; font-size: clamp(.95rem, 1vw, 1.2rem); margin-top: .2rem; }}
.qy-badge {{ display: inline-block; background: #fff4e5; color: #a15c00; border: 1px solid #ffd8a8;
  border-radius: 999px; padding: .05rem .7rem; font-size: .85rem; margin-left: .6rem; vertical-align: middle; }}
.qy-tiles {{ display: grid; grid-template-columns: repeat(6, 1fr); gap: .9rem; margin: .6rem 0 1rem; }}
@media (max-width: 1750px) {{ .qy-tiles {{ grid-template-columns: repeat(3, 1fr); }} }}
@media (max-width: 900px) {{ .qy-tiles {{ grid-template-columns: repeat(2, 1fr); }} }}
.qy-tile {{ background: #ffffff; border: 1px solid #e3e8ee; border-left: 6px solid #2c6fbb; border-radius: 10px;
  padding: .8rem 1rem .7rem; box-shadow: 0 1px 3px rgba(31,45,61,.06); }}
.qy-tile .lbl {{ color: #4a5663; font-size: clamp(.9rem, .95vw, 1.15rem); font-weight: 600; }}
.qy-tile .val {{ color: #1f2d3d; font-size: clamp(2rem, 2.6vw, 3.2rem); font-weight: 800; line-height: 1.1;
  display: flex; flex-wrap: wrap; align-items: baseline; column-gap: .2em; }}
.qy-tile .unit {{ font-size: .42em; font-weight: 600; color: #4a5663; line-height: 1.2; white-space: nowrap; }}
.qy-tile .ref {{ color: #5f6b78; font-size: clamp(.8rem, .85vw, 1.05rem); }}
.qy-tile.fyp14 {{ border-left-color: {colors.STATUS["completed"]}; }} .qy-tile.eligible {{ border-left-color: {colors.STATUS["planned"]}; }}
.qy-tile.households {{ border-left-color: {colors.STATUS["under_construction"]}; }} .qy-tile.elevators {{ border-left-color: {colors.ELEVATOR}; }}
.qy-tile.greenways {{ border-left-color: {colors.GREENWAY["tianfu"]}; }} .qy-tile.funding {{ border-left-color: {colors.TARGET}; }}
.qy-section {{ font-size: clamp(1.1rem, 1.25vw, 1.5rem); font-weight: 700; color: #1f2d3d;
  border-bottom: 2px solid #e3e8ee; padding-bottom: .2rem; margin: .4rem 0 .5rem; }}
.qy-note {{ color: #6b7785; font-size: .85rem; }}
.qy-alert {{ color: {colors.TARGET}; font-weight: 700; }}
.qy-ok {{ color: {colors.STATUS["completed"]}; font-weight: 700; }}
.qy-foot {{ color: #8a96a3; font-size: .8rem; margin-top: 1rem; border-top: 1px solid #e3e8ee; padding-top: .4rem; }}
/* charts (dashboard/html_charts.py) */
.qc-years {{ display: flex; align-items: stretch; gap: 6%; height: 260px; padding: 22px 4% 0; border-bottom: 1px solid #c9d1da; }}
.qc-col {{ flex: 1; position: relative; display: flex; flex-direction: column; justify-content: flex-end; }}
.qc-stack {{ display: flex; flex-direction: column; justify-content: flex-end; height: 100%; }}
.qc-stack div {{ width: 100%; }}
.qc-stack div:first-child {{ border-radius: 4px 4px 0 0; }}
.qc-target {{ position: absolute; left: -8%; right: -8%; border-top: 3px solid {colors.TARGET}; }}
.qc-target span {{ position: absolute; top: -1.45em; left: 0; right: 0; text-align: center; color: {colors.TARGET}; font-weight: 800; font-size: 1rem; }}
.qc-x {{ position: absolute; bottom: -1.6em; left: 0; right: 0; text-align: center; color: #4a5663; font-size: .95rem; }}
.qc-legend {{ display: flex; flex-wrap: wrap; gap: .3rem 1rem; color: #4a5663; font-size: .85rem; margin: 2.1rem 0 .3rem; }}
.qc-bars + .qc-legend {{ margin-top: .6rem; }}
.qc-legend i {{ display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .35em; vertical-align: -.05em; }}
.qc-bars {{ display: flex; flex-direction: column; gap: .45rem; }}
.qc-row {{ display: grid; grid-template-columns: minmax(7em, 30%) 1fr 5.2em; align-items: center; gap: .6rem; font-size: .95rem; color: #1f2d3d; }}
.qc-bars.wide .qc-row {{ grid-template-columns: minmax(6em, 28%) 1fr 8.5em; }}
.qc-label {{ text-align: right; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.qc-track {{ display: flex; height: 1.15rem; background: #eef1f4; border-radius: 3px; overflow: hidden; }}
.qc-track div {{ height: 100%; }}
.qc-val {{ font-variant-numeric: tabular-nums; font-weight: 700; }}
.qc-unit {{ color: #6b7785; font-size: .8rem; text-align: right; margin-bottom: .2rem; }}
.qc-money .qc-row {{ grid-template-columns: minmax(6em, 26%) 1fr 6.5em 11em; }}
.qc-money.wide .qc-row {{ grid-template-columns: minmax(6.5em, 30%) 1fr 7.4em 5.4em; }}
.qc-money .qc-head {{ color: #6b7785; font-size: .8rem; font-weight: 600; align-items: end; }}
.qc-money .qc-val {{ text-align: right; white-space: nowrap; }}
.qc-money .qc-total {{ color: #5f6b78; font-weight: 600; }}
.qc-money.wide .qc-head .qc-val {{ white-space: normal; }}
.qy-table {{ width: 100%; border-collapse: collapse; font-size: .95rem; font-variant-numeric: tabular-nums; }}
.qy-table th {{ background: #f4f6f8; color: #4a5663; font-weight: 600; text-align: right; padding: .4rem .5rem; border-bottom: 2px solid #dde3e9; vertical-align: bottom; }}
.qy-table td {{ text-align: right; padding: .35rem .5rem; border-bottom: 1px solid #eef1f4; }}
.qy-table th:first-child, .qy-table td:first-child {{ text-align: left; white-space: nowrap; }}
.qy-table tr:last-child td {{ color: #5f6b78; }}
@media (max-width: 1500px) {{ .qy-table {{ font-size: .88rem; }} .qy-table th, .qy-table td {{ padding-left: .35rem; padding-right: .35rem; }} }}
.qc-areas {{ max-width: 62rem; }}
.qy-late {{ max-height: 24rem; overflow-y: auto; }}
.qy-late .qy-table td, .qy-late .qy-table th {{ text-align: left; white-space: nowrap; }}
.qy-late .qy-table tr:last-child td {{ color: inherit; }}
/* print (Ctrl+P): A4 landscape, the page alone (no sidebar, header or controls), nothing cut */
@page {{ size: A4 landscape; margin: 10mm; }}
@media print {{
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stPopover"],
  [data-testid="stSelectbox"], [data-testid="stStatusWidget"], [data-testid="stBottom"] {{ display: none !important; }}
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {{
    height: auto !important; min-height: 0 !important; overflow: visible !important; position: static !important; }}
  [data-testid="stMain"] {{ margin-left: 0 !important; width: 100% !important; }}
  .block-container {{ padding: 0 !important; max-width: 100% !important; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  .qy-tiles {{ grid-template-columns: repeat(3, 1fr); }}
  .qy-table {{ font-size: 9pt; }} .qy-table, .qy-table tr, .qy-tile, .qc-row {{ break-inside: avoid; }}
  .qy-section {{ break-after: avoid; }}
  [data-testid="stHorizontalBlock"] {{ display: block !important; }}
  [data-testid="stColumn"] {{ width: 100% !important; max-width: 100% !important; }}
  iframe, [data-testid="stElementContainer"]:has(iframe) {{ break-inside: avoid; }}
}}
</style>"""


def tiles_html(kpis: Sequence[Kpi], css_class: str = "qy-tiles") -> str:
    """A responsive grid of big-number tiles."""
    cells = []
    for k in kpis:
        unit = f'<span class="unit">{escape(k.unit)}</span>' if k.unit else ""
        ref = f'<div class="ref">{escape(k.ref)}</div>' if k.ref else ""
        cells.append(f'<div class="qy-tile {escape(k.key)}" data-kpi="{escape(k.key)}">'
                     f'<div class="lbl">{escape(k.label)}</div><div class="val">{escape(k.value)}{unit}</div>{ref}</div>')
    return f'<div class="{css_class}">' + "".join(cells) + "</div>"


def header_html(title: str, subtitle: str, badge: str | None = None) -> str:
    """Page header: big title, one line of context, optional badge (e.g. 示意数据)."""
    tag = f'<span class="qy-badge">{escape(badge)}</span>' if badge else ""
    return f'<div class="qy-head"><h1>{escape(title)}{tag}</h1><div class="qy-sub">{escape(subtitle)}</div></div>'


#: Hides Streamlit's own chrome on full-screen pages (no sidebar, header or toolbar).
NO_CHROME_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {display: none !important;}
</style>"""


#: Enter in a date field applies the typed date. Streamlit's date input sends its value when the
#: field loses focus with its calendar closed (focusing the field opens the calendar, and a blur
#: while it is open is ignored), so Enter closes the calendar (Escape, which keeps the typed date)
#: and then takes the focus away. Installed once per browser tab.
DATE_ENTER_JS = """<script>
(function () {
  if (window.qyDateEnter) { return; }
  window.qyDateEnter = true;
  window.addEventListener('keydown', function (e) {
    var target = e.target;
    if (!e.isTrusted || e.key !== 'Enter' || !target.closest || !target.closest('[data-testid="stDateInput"]')) { return; }
    e.preventDefault(); e.stopPropagation();
    target.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', code: 'Escape', bubbles: true, cancelable: true}));
    setTimeout(function () { target.blur(); }, 0);
  }, true);
})();
</script>"""


def sidebar_title_html(title: str) -> str:
    """The app's title at the top of the sidebar (the programme's title is data: escaped)."""
    return f'<div class="qy-side-title" style="font-size:1.1rem;font-weight:600;line-height:1.35;margin:0.2rem 0 0.6rem">{escape(title)}</div>'


def section_html(title: str) -> str:
    """A section heading."""
    return f'<div class="qy-section">{escape(title)}</div>'


_NOTICE_COLORS = {  # text, background, border: as Streamlit's own alerts
    "info": ("#004280", "#e8f2fc", "#a9cdf3"), "success": ("#0e6631", "#e6f4ea", "#a8d8b9"),
    "warning": ("#7a4d00", "#fff8e6", "#ffd88a"), "error": ("#8a1c1c", "#fdecec", "#f3b1b1"),
}


def notice_html(text: str, kind: str = "info") -> str:
    """A message box (info / success / warning / error) for text that holds data (file names,
    headers, values): HTML-escaped and never read as Markdown, so nothing in it becomes a link,
    an image or a format. Line breaks in ``text`` are kept."""
    color, background, border = _NOTICE_COLORS.get(kind, _NOTICE_COLORS["info"])
    lines = "<br>".join(escape(line) for line in text.splitlines())
    return (f'<div class="qy-notice qy-notice-{escape(kind)}" style="color:{color};background:{background};'
            f'border:1px solid {border};border-radius:.5rem;padding:.75rem 1rem;line-height:1.5">{lines}</div>')


def _one_line(text: object) -> str:
    return escape(" ".join(str(text).split()))


def record_title_html(title: str) -> str:
    """A compound's title (its name and ID): data, so HTML-escaped and on one line, never Markdown."""
    return f'<div class="qy-record-title" style="font-weight:700;font-size:1.1rem">{_one_line(title)}</div>'


def facts_html(facts: Sequence[tuple[str, str]], head: tuple[str, str]) -> str:
    """(label, value) rows as a two-column table. Values (names, addresses, communities) are
    data: HTML-escaped, never Markdown, line breaks shown as spaces."""
    th = 'style="text-align:left;padding:.3rem .5rem;border-bottom:2px solid #dde3e9;white-space:nowrap"'
    td = 'style="text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eef1f4"'
    rows = "".join(f"<tr><td {td}>{_one_line(k)}</td><td {td}>{_one_line(v)}</td></tr>" for k, v in facts)
    return (f'<table class="qy-facts" style="width:100%;border-collapse:collapse;font-size:.95rem">'
            f'<thead><tr><th {th}>{_one_line(head[0])}</th><th {th}>{_one_line(head[1])}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def note_html(text: str, css_class: str = "qy-note") -> str:
    """A small note line."""
    return f'<div class="{css_class}">{escape(text)}</div>'


#: The exhibition screen: dark, everything sized in vw/vh so 1920×1080 and 3840×2160 match.
SCREEN_CSS = f"""<style>
.stApp {{ background: radial-gradient(ellipse at top, #10263b 0%, #06101a 70%); color: #e8f1fa; font-family: {FONT_STACK}; }}
.block-container {{ padding: 1.2vh 1.6vw 0 1.6vw !important; max-width: 100% !important; }}
[data-testid="stVerticalBlock"] {{ gap: 1.1vh; }}
.qs-head {{ display: flex; justify-content: space-between; align-items: flex-end;
  border-bottom: .2vh solid #1f4a6e; padding-bottom: .8vh; }}
.qs-title {{ font-size: clamp(26px, 2.5vw, 120px); font-weight: 800; letter-spacing: .08em; color: #ffffff;
  text-shadow: 0 0 1.2vw rgba(79,195,247,.45); line-height: 1.3; }}
.qs-title small {{ display: block; font-size: .42em; letter-spacing: .02em; font-weight: 500; color: #7fd3ff;
  line-height: 1.3; margin-top: .35em; }}
.qs-when {{ text-align: right; line-height: 1.15; }}
.qs-date {{ font-size: clamp(14px, 1.05vw, 50px); color: #a9c7e0; }}
.qs-clock {{ font-size: clamp(24px, 2.1vw, 100px); font-weight: 700; color: #ffd54f; font-variant-numeric: tabular-nums; }}
iframe[title="streamlit_folium.st_folium"] {{ height: 64vh !important; border-radius: .6vw;
  border: .12vw solid #1f4a6e !important; background: #0b1622; }}
.qs-panel {{ background: rgba(16,38,59,.75); border: .12vw solid #1f4a6e; border-radius: .6vw; padding: 1.4vh 1.2vw;
  height: 64vh; box-sizing: border-box; display: flex; flex-direction: column; gap: 1vh; overflow: hidden; }}
.qs-no {{ font-size: clamp(12px, .95vw, 46px); color: #7fd3ff; letter-spacing: .1em; }}
.qs-area {{ font-size: clamp(24px, 2.2vw, 106px); font-weight: 800; color: #ffd54f; line-height: 1.1; }}
.qs-pct {{ display: flex; align-items: baseline; gap: .6vw; }}
.qs-pct .v {{ font-size: clamp(44px, 4.6vw, 220px); font-weight: 800; color: #4cd47f; line-height: 1; font-variant-numeric: tabular-nums; }}
.qs-pct .v span {{ font-size: .45em; }}
.qs-pct .l {{ font-size: clamp(12px, .95vw, 46px); color: #a9c7e0; }}
.qs-bar {{ height: 1vh; background: #1b3348; border-radius: 1vh; overflow: hidden; }}
.qs-bar div {{ height: 100%; background: linear-gradient(90deg, #2e9e5b, #4cd47f); }}
.qs-grid {{ display: grid; grid-template-columns: 1fr 1fr 1fr; gap: .9vh .6vw; }}
.qs-kpi {{ background: rgba(6,16,26,.55); border-radius: .4vw; padding: .9vh .7vw; }}
.qs-kpi .l {{ font-size: clamp(11px, .82vw, 40px); color: #a9c7e0; }}
.qs-kpi .v {{ font-size: clamp(18px, 1.6vw, 78px); font-weight: 800; color: #ffffff; font-variant-numeric: tabular-nums; }}
.qs-list {{ display: flex; flex-direction: column; gap: .45vh; margin-top: auto; }}
.qs-row {{ display: grid; grid-template-columns: 9.5vw 1fr 3.2vw; align-items: center; gap: .5vw;
  font-size: clamp(11px, .78vw, 38px); color: #a9c7e0; }}
.qs-row.on {{ color: #ffd54f; font-weight: 700; }}
.qs-row .track {{ height: .8vh; background: #1b3348; border-radius: .8vh; overflow: hidden; }}
.qs-row .track div {{ height: 100%; background: #4fc3f7; }}
.qs-row.on .track div {{ background: #ffd54f; }}
.qs-row .p {{ text-align: right; font-variant-numeric: tabular-nums; }}
.qs-strip {{ display: grid; grid-template-columns: repeat(5, 1fr); gap: .8vw; }}
.qs-strip .qs-kpi {{ background: rgba(16,38,59,.75); border: .12vw solid #1f4a6e; padding: 1vh 1vw; }}
.qs-strip .qs-kpi .v {{ font-size: clamp(24px, 2.3vw, 110px); color: #7fd3ff; }}
.qs-strip .qs-kpi .r {{ font-size: clamp(11px, .8vw, 38px); color: #a9c7e0; }}
.qs-foot {{ display: flex; justify-content: space-between; gap: 1vw; font-size: max(16px, .86vw);
  color: #9fb6ca; padding: .4vh 0 .8vh; }}
</style>"""


def screen_header_html(title: str, subtitle: str, date_text: str, clock_text: str) -> str:
    """Screen header: title (with district) left; date and the live clock right."""
    return (f'<div class="qs-head"><div class="qs-title">{escape(title)}<small>{escape(subtitle)}</small></div>'
            f'<div class="qs-when"><div class="qs-date">{escape(date_text)}</div>'
            f'<div class="qs-clock" id="qs-clock">{escape(clock_text)}</div></div></div>')


#: Ticks every .qs-clock once a second (installed once per browser tab).
CLOCK_JS = """<script>
(function () {
  if (window.qsClock) { return; }
  var pad = function (n) { return (n < 10 ? '0' : '') + n; };
  window.qsClock = setInterval(function () {
    var d = new Date(), text = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    document.querySelectorAll('.qs-clock').forEach(function (el) { el.textContent = text; });
  }, 1000);
})();
</script>"""


_RELOAD_JS = """<script>
(function () {
  if (window.qsReload) { return; }
  var next = function () {
    var now = new Date(), at = new Date(now.getTime());
    at.setHours(__H__, __M__, 0, 0);
    if (at <= now) { at.setDate(at.getDate() + 1); }
    return at.getTime(); };
  var retry = function () { window.qsReload = setTimeout(attempt, 60000); };
  var attempt = function () {
    fetch('_stcore/health', {cache: 'no-store'}).then(function (r) { if (r.status < 500) { location.reload(); } else { retry(); } }, retry); };
  window.qsReloadAt = next();
  window.qsReload = setTimeout(attempt, window.qsReloadAt - Date.now());
})();
</script>"""


def screen_reload_js(at: dt.time | None) -> str:
    """A script that reloads the screen once a day at local time ``at`` ('' for None).

    A safety net for a browser that runs all day: a reload starts the tab afresh. It waits
    until the server answers (retrying each minute while it cannot be reached or answers 5xx),
    so a server that is down never leaves an error page on the screen. Installed once per
    browser tab; ``window.qsReloadAt`` is when (ms since the epoch).
    """
    if at is None:
        return ""
    return _RELOAD_JS.replace("__H__", str(at.hour)).replace("__M__", str(at.minute))


def screen_panel_html(panel: AreaPanel) -> str:
    """The current area: its ordinal ("1 / 8"), name, % completed with a bar, tiles, and all areas' bars."""
    tiles = "".join(f'<div class="qs-kpi" data-kpi="{escape(k.key)}"><div class="l">{escape(k.label)}</div>'
                    f'<div class="v">{escape(k.value)}</div></div>' for k in panel.kpis)
    bars = "".join(f'<div class="qs-row{" on" if on else ""}"><span>{escape(name)}</span>'
                   f'<div class="track"><div style="width:{max(0.0, min(p, 100.0)):.1f}%"></div></div>'
                   f'<span class="p">{number(p, unit="%")}</span></div>' for name, p, on in panel.bars)
    pct, area = panel.pct, panel.area
    return (f'<div class="qs-panel"><div class="qs-no">{escape(panel.ordinal)}</div>'
            f'<div class="qs-area" data-area="{escape(area)}">{escape(area)}</div>'
            f'<div class="qs-pct"><div class="v">{number(pct)}<span>%</span></div><div class="l">{escape(panel.pct_label)}</div></div>'
            f'<div class="qs-bar"><div style="width:{max(0.0, min(pct, 100.0)):.1f}%"></div></div>'
            f'<div class="qs-grid">{tiles}</div><div class="qs-list">{bars}</div></div>')


def screen_strip_html(kpis: Sequence[Kpi]) -> str:
    """The district-wide figures along the bottom of the screen."""
    cells = "".join(f'<div class="qs-kpi" data-kpi="{escape(k.key)}"><div class="l">{escape(k.label)}</div>'
                    f'<div class="v">{escape(k.value)}</div>'
                    + (f'<div class="r">{escape(k.ref)}</div>' if k.ref else "") + "</div>" for k in kpis)
    return f'<div class="qs-strip">{cells}</div>'


def screen_footer_html(left: str, right: str) -> str:
    """Source / review number on the left, data time on the right."""
    return f'<div class="qs-foot"><span>{escape(left)}</span><span>{escape(right)}</span></div>'


def _cell_text(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value, 2, trim=True)
    return str(value)


def title_html(title: str, note: str) -> str:
    """A compound's title (data: escaped, on one line) with a small grey note after it (e.g. the as-of date)."""
    return (f'<div class="qy-record-title" style="font-weight:700;font-size:1.05rem;line-height:1.4">'
            f'{_one_line(title)} <span style="font-weight:400;font-size:.85rem;color:#6b7785">{_one_line(note)}</span>'
            f'</div>')


def table_html(frame: pd.DataFrame, formats: Mapping[str, Callable[[Any], str]] | None = None) -> str:
    """A plain HTML table (first column left-aligned, numbers right); ``formats``: column ->
    text of a value, e.g. ``{"完成率": lambda v: number(v, 1, unit="%")}`` (default: numbers by
    ``geo.formatting.number``, up to two decimals)."""
    formats = formats or {}
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for col, v in zip(frame.columns, values):
            cells.append(f"<td>{escape(formats.get(col, _cell_text)(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="qy-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
