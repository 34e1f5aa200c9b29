"""The briefing pack's content model: one neutral list of slides for two writers.

:func:`brief_from_dataset` builds a :class:`Brief` (titles, KPI cards, tables,
charts as PNG bytes) from ``geo.metrics`` numbers only; :func:`place` lays a slide
out on a 16:9 page (inches, origin top left) so ``geo.brief_pptx`` and
``geo.brief_pdf`` draw the same thing; :func:`pack_bytes` renders either format.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Union

import pandas as pd
from PIL import Image

from geo import charts, metrics, schema, staticmap
from geo.audit import changes_since
from geo.dataset import Dataset
from geo.i18n import t, vocab
from geo.status import as_timestamp

#: Page size (16:9), inches.
PAGE_W, PAGE_H = 40 / 3, 7.5  # 12,192,000 x 6,858,000 EMU in PowerPoint
#: Output formats and their MIME types.
FORMATS: dict[str, str] = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
#: Slide keys in order.
SLIDE_KEYS: tuple[str, ...] = ("title", "summary", "map", "years", "areas", "funding", "facilities", "decisions")
#: Most late compounds listed on the decisions slide.
MAX_LATE_ROWS = 14
INK, GREY, ACCENT, WARN = "#1f2328", "#5f6368", "#1e4d8c", "#b3261e"


@dataclass(frozen=True)
class Text:
    """A text block: size in points; role 'title' is the slide title."""

    text: str
    size: float = 14
    color: str = INK
    bold: bool = False
    align: str = "left"  # left | center | right
    role: str = "body"


@dataclass(frozen=True)
class Kpi:
    """A KPI card. ``sources`` are the ``metrics.stats`` paths of every number in value+detail, in order."""

    label: str
    value: str
    detail: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of display strings; ``numeric`` columns are right-aligned, ``highlight`` rows emphasised."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    highlight: tuple[int, ...] = ()
    caption: str = ""


@dataclass(frozen=True)
class Picture:
    """A PNG image and its pixel size."""

    png: bytes
    width_px: int
    height_px: int
    alt: str = ""


Block = Union[Text, Kpi, Table, Picture]


@dataclass(frozen=True)
class Slide:
    """One slide: key (see SLIDE_KEYS), title, and its blocks in reading order."""

    key: str
    title: str
    kpis: tuple[Kpi, ...] = ()
    pictures: tuple[Picture, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    lines: tuple[Text, ...] = ()  # text lines: the title slide's, or a message above the body


@dataclass(frozen=True)
class Brief:
    """A whole pack: what it covers and its slides."""

    title: str
    district: str
    as_of: dt.date
    lang: str
    area: str | None
    illustrative: bool
    footer: str
    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, inches from the top left."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Placed:
    """A block at its place on the page."""

    box: Box
    block: Block


# --- building the content ----------------------------------------------------------------
def brief_from_dataset(ds: Dataset, as_of: Any = None, *, area: str | None = None, lang: str = "zh",
                       audit: pd.DataFrame | None = None) -> Brief:
    """The briefing content for the whole district or one ``area`` on ``as_of`` (UnknownPlace if unknown).

    ``audit`` (the store's audit rows, ``GpkgStore.audit()``) adds a "changes in the last
    week" line to the decisions slide.
    """
    day = as_timestamp(as_of)
    s = metrics.stats(ds, day, area=area)
    district = t("app.district", lang)
    title = t("brief.title_area", lang, area=vocab("area", area, lang)) if area else t("brief.title", lang)
    footer = t("brief.footer", lang, district=district, date=day.date().isoformat())
    if ds.illustrative:
        footer += " · " + t("brief.illustrative_short", lang)
    slides = (
        _title_slide(title, district, day, lang, ds.illustrative),
        _summary_slide(s, lang, area),
        _map_slide(ds, day, lang, area),
        _years_slide(s, lang, area),
        _areas_slide(ds, day, lang, area),
        _funding_slide(s, day, lang),
        _facilities_slide(s, day, lang),
        _decisions_slide(ds, day, lang, area, audit),
    )
    return Brief(title=title, district=district, as_of=day.date(), lang=lang, area=area,
                 illustrative=ds.illustrative, footer=footer, slides=slides)


def num(value: float | int) -> str:
    """A number as shown: thousands separators, at most two decimals, no trailing zeros."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def stat_value(stats: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of ``metrics.stats`` output; list items are picked by their 'batch'."""
    node: Any = stats
    for part in path.split("."):
        node = next(r for r in node if r["batch"] == part) if isinstance(node, list) else node[part]
    return node


def _kpi(s: dict[str, Any], label: str, value_paths: tuple[str, ...], detail_key: str = "", lang: str = "zh",
         **detail_paths: str) -> Kpi:
    value = " / ".join(num(stat_value(s, p)) for p in value_paths)
    detail = t(detail_key, lang, **{k: num(stat_value(s, p)) for k, p in detail_paths.items()}) if detail_key else ""
    return Kpi(label, value, detail, value_paths + tuple(detail_paths.values()))


def _title_slide(title: str, district: str, day, lang: str, illustrative: bool) -> Slide:
    lines = [Text(district, 24, GREY, align="center"), Text(title, 40, INK, bold=True, align="center", role="title"),
             Text(t("brief.audience", lang), 18, GREY, align="center"),
             Text(t("brief.as_of", lang, date=day.date().isoformat()), 20, ACCENT, align="center")]
    if illustrative:
        lines.append(Text(t("app.illustrative", lang), 16, WARN, align="center"))
    return Slide("title", title, lines=tuple(lines))


def _summary_slide(s: dict[str, Any], lang: str, area: str | None) -> Slide:
    target = "compounds" if area else "target"
    sfx = "_area" if area else ""
    batches = [r["batch"] for r in s["year_progress"] if r["target"] or r["compounds"]][:4]
    kpis = [_kpi(s, t(f"brief.kpi.fyp14{sfx}", lang), ("fyp14.completed", "fyp14.target"), "brief.kpi.fyp14_detail",
                 lang, building="fyp14.under_construction", planned="fyp14.planned")]
    kpis += [_kpi(s, t(f"brief.kpi.batch{sfx}", lang, batch=b), (f"year_progress.{b}.completed", f"year_progress.{b}.{target}"),
                  "brief.kpi.batch_detail", lang, building=f"year_progress.{b}.under_construction") for b in batches]
    kpis += [
        _kpi(s, t("brief.kpi.eligible", lang), ("compounds.eligible",), "brief.kpi.eligible_detail", lang,
             fyp13="batches.2015-2020", fyp14="fyp14.compounds"),
        _kpi(s, t("brief.kpi.households", lang), ("households.fyp14_benefited", "households.fyp14"),
             "brief.kpi.households_detail", lang, fyp13="households.fyp13"),
        _kpi(s, t("brief.kpi.elevators", lang), ("elevators.total",), "brief.kpi.elevators_detail", lang,
             done="elevators.completed", building="elevators.under_construction"),
        _kpi(s, t("brief.kpi.greenways", lang), ("greenways.tianfu_km",), "brief.kpi.greenways_detail", lang,
             count="greenways.community_count"),
        _kpi(s, t("brief.kpi.funding", lang), ("funding_wan_yuan.total",), "brief.kpi.funding_detail", lang,
             **{g: f"funding_wan_yuan.by_group.{g}" for g in schema.FUNDING_GROUPS}),
    ]
    return Slide("summary", t("brief.slide.summary", lang), kpis=tuple(kpis))


def picture(png: bytes, alt: str = "") -> Picture:
    """A Picture of PNG bytes, its pixel size read from the image."""
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    return Picture(png, width, height, alt)


def _map_slide(ds: Dataset, day, lang: str, area: str | None) -> Slide:
    png = staticmap.progress_map_png(ds, day, area=area, lang=lang, width_px=2400, height_px=1110)
    return Slide("map", t("brief.slide.map", lang), pictures=(picture(png, "map"),))


def _years_slide(s: dict[str, Any], lang: str, area: str | None) -> Slide:
    rows = [r for r in s["year_progress"] if r["target"] or r["compounds"]]
    chart = picture(charts.year_progress_png(rows, lang, against_target=area is None), "years")
    cols = ("brief.col.batch", "brief.col.target" if area is None else "brief.col.compounds", "brief.col.completed",
            "brief.col.under_construction", "brief.col.planned")
    body = tuple((vocab("batch", r["batch"], lang), num(r["target"] if area is None else r["compounds"]),
                  num(r["completed"]), num(r["under_construction"]), num(r["planned"])) for r in rows)
    table = Table(tuple(t(c, lang) for c in cols), body, (False, True, True, True, True))
    return Slide("years", t("brief.slide.years", lang), pictures=(chart,), tables=(table,),
                 notes=(t("brief.years.note", lang),))


def _areas_slide(ds: Dataset, day, lang: str, area: str | None) -> Slide:
    frame = metrics.progress_by_area(ds, day)
    keys = ("compounds", "households", "completed", "under_construction", "planned", "pct_completed",
            "elevators", "ev_chargers", "funding_wan_yuan")
    heads = ("brief.col.compounds", "brief.col.households", "brief.col.completed", "brief.col.under_construction",
             "brief.col.planned", "brief.col.pct", "brief.col.elevators", "brief.col.ev_chargers", "brief.col.funding")
    rows = []
    for r in frame.to_dict(orient="records"):
        name = t("brief.other_area", lang) if r["name"] == schema.NO_AREA else vocab("area", r["name"], lang)
        rows.append((name, *(num(r[k]) + ("%" if k == "pct_completed" else "") for k in keys)))
    highlight = tuple(i for i, r in enumerate(frame["name"]) if r == area)
    table = Table((t("brief.col.area", lang), *(t(h, lang) for h in heads)), tuple(rows),
                  (False,) + (True,) * len(keys), highlight)
    return Slide("areas", t("brief.slide.areas", lang), tables=(table,), notes=(t("brief.areas.note", lang),))


def _funding_slide(s: dict[str, Any], day, lang: str) -> Slide:
    f, year = s["funding_wan_yuan"], day.year
    chart = picture(charts.funding_png(f, year, lang), "funding")
    in_year = f["by_year"].get(str(year), {})
    rows = tuple((vocab("source", k, lang), num(in_year.get(k, 0.0)), num(f["by_source"][k]))
                 for k in schema.FUNDING_KEYS)
    rows += ((t("brief.total", lang), "", num(f["total"])),)
    table = Table((t("brief.col.source", lang), t("brief.col.year_amount", lang, year=year),
                   t("brief.col.total_amount", lang)), rows, (False, True, True), highlight=(len(rows) - 1,))
    return Slide("funding", t("brief.slide.funding", lang), pictures=(chart,), tables=(table,))


def _facilities_slide(s: dict[str, Any], day, lang: str) -> Slide:
    year = day.year
    kpis = (
        _kpi(s, t("brief.facilities.elevators", lang), ("elevators.total",), "brief.kpi.elevators_detail", lang,
             done="elevators.completed", building="elevators.under_construction"),
        _kpi(s, t("brief.facilities.completed_in_year", lang, year=year), ("elevators.completed_in_year",)),
        _kpi(s, t("brief.facilities.planned", lang), ("elevators.planned",)),
        _kpi(s, t("brief.facilities.tianfu", lang), ("greenways.tianfu_km",)),
        _kpi(s, t("brief.facilities.community", lang), ("greenways.community_count",)),
    )
    rows = ((t("brief.facilities.tianfu_in_year", lang, year=year), num(s["greenways"]["tianfu_km_in_year"])),
            (t("brief.facilities.community_in_year", lang, year=year), num(s["greenways"]["community_count_in_year"])))
    rows += tuple((vocab("site_kind", k, lang), num(v)) for k, v in s["sites"].items())
    table = Table((t("brief.col.item", lang), t("brief.col.value", lang)), rows, (False, True))
    chart = picture(charts.elevators_png(s["elevators"], lang), "elevators")
    return Slide("facilities", t("brief.slide.facilities", lang), kpis=kpis, tables=(table,), pictures=(chart,))


def week_changes(audit: pd.DataFrame, compounds: pd.DataFrame, as_of: Any) -> tuple[dt.date, int, int]:
    """(first day, compounds changed, field changes) in the audit trail over the 7 days up to ``as_of``,
    counting only ``compounds``."""
    day = as_timestamp(as_of)
    since = (day - pd.Timedelta(days=6)).date()
    upto = audit[audit["at"].astype(str) < (day + pd.Timedelta(days=1)).date().isoformat()]
    recent = changes_since(upto, compounds, since)
    recent = recent[recent["compound_id"].isin(compounds["compound_id"])]
    return since, int(len(recent)), int(recent["changes"].sum()) if len(recent) else 0


def _changes_line(audit: pd.DataFrame | None, compounds: pd.DataFrame, day, lang: str) -> tuple[Text, ...]:
    if audit is None:
        return ()
    since, n, changes = week_changes(audit, compounds, day)
    key = "brief.changes_week" if n else "brief.changes_none"
    return (Text(t(key, lang, since=since.isoformat(), date=day.date().isoformat(), n=n, changes=changes), 14, GREY),)


def _decisions_slide(ds: Dataset, day, lang: str, area: str | None, audit: pd.DataFrame | None = None) -> Slide:
    compounds = metrics.filter_dataset(ds, area=area).compounds
    late = metrics.behind_plan(compounds, day)
    title = t("brief.slide.decisions", lang)
    changes = _changes_line(audit, compounds, day, lang)
    if late.empty:
        none = Text(t("brief.decisions.none", lang, date=day.date().isoformat()), 22, ACCENT)
        return Slide("decisions", title, lines=(none, *changes), notes=(t("brief.decisions.rule", lang),))
    by_area = metrics.behind_plan_by_area(compounds, day)
    area_rows = tuple((vocab("area", r["area"], lang), vocab("subdistrict", r["subdistrict"], lang), num(r["late"]),
                       num(r["max_days_late"])) for r in by_area.to_dict(orient="records"))
    areas = Table(tuple(t(k, lang) for k in ("brief.col.area", "brief.col.subdistrict", "brief.col.late_compounds",
                                             "brief.col.max_days_late")), area_rows, (False, False, True, True))
    shown = late.head(MAX_LATE_ROWS)
    rows = tuple((r["name"], vocab("subdistrict", r["subdistrict"], lang),
                  vocab("area", r["area"], lang) if isinstance(r["area"], str) else "—",
                  str(r["batch"]), vocab("status", r["status"], lang),
                  r["plan_finish"].date().isoformat() if r["plan_finish"] == r["plan_finish"] else "—",
                  num(r["days_late"])) for r in shown.to_dict(orient="records"))
    cols = ("brief.col.name", "brief.col.subdistrict", "brief.col.area", "brief.col.batch", "brief.col.status",
            "brief.col.plan_finish", "brief.col.days_late")
    table = Table(tuple(t(c, lang) for c in cols), rows, (False,) * 6 + (True,))
    count = Text(t("brief.decisions.count", lang, n=len(late), shown=len(shown)), 16, WARN)
    return Slide("decisions", title, tables=(areas, table) if area_rows else (table,), lines=(count, *changes),
                 notes=(t("brief.decisions.rule", lang),))


# --- layout shared by both writers ---------------------------------------------------------
MARGIN, TITLE_Y, TITLE_H, BODY_Y, FOOT_Y = 0.5, 0.3, 0.75, 1.2, 7.05


def place(slide: Slide) -> list[Placed]:
    """Where each block of ``slide`` goes on the page (the title included, role 'title')."""
    if slide.key == "title":
        return _place_title(slide)
    out = [Placed(Box(MARGIN, TITLE_Y, PAGE_W - 2 * MARGIN, TITLE_H), Text(slide.title, 28, INK, True, role="title"))]
    x, y, w = MARGIN, BODY_Y, PAGE_W - 2 * MARGIN
    bottom = FOOT_Y - 0.1 - 0.32 * len(slide.notes)
    if slide.kpis:
        per_row = 5 if len(slide.kpis) > 5 else len(slide.kpis)
        n_rows = -(-len(slide.kpis) // per_row)
        card_h = 2.3 if n_rows > 1 else 1.7
        for i, kpi in enumerate(slide.kpis):
            r, c = divmod(i, per_row)
            out.append(Placed(Box(x + c * w / per_row + 0.06, y + r * (card_h + 0.15), w / per_row - 0.12, card_h), kpi))
        y += n_rows * (card_h + 0.15) + 0.1
    for line in slide.lines:
        h = line.size / 72 * 1.6
        out.append(Placed(Box(x, y, w, h), line))
        y += h + 0.1
    out += _place_media(slide, Box(x, y, w, bottom - y))
    for i, note in enumerate(slide.notes):
        out.append(Placed(Box(x, bottom + 0.05 + 0.32 * i, w, 0.3), Text(note, 12, GREY)))
    return out


def _place_title(slide: Slide) -> list[Placed]:
    out, y = [], 1.3
    for line in slide.lines:
        h = line.size / 72 * 1.9
        out.append(Placed(Box(MARGIN, y, PAGE_W - 2 * MARGIN, h), line))
        y += h + 0.25
    return out


def _place_media(slide: Slide, area: Box) -> list[Placed]:
    pics, tables = slide.pictures, slide.tables
    if pics and tables and slide.kpis:
        left, right = _split(area, 0.5)
        return _stack(tables, left) + [Placed(_fit(pics[0], right, top=True), pics[0])]
    if pics and tables:
        left, right = _split(area, 0.58)
        return [Placed(_fit(pics[0], left), pics[0])] + _stack(tables, right)
    if pics:
        return [Placed(_fit(pics[0], area), pics[0])]
    if len(tables) == 2:
        need = [sum(_natural_widths(tb, 12.0)) for tb in tables]
        left, right = _split(area, min(0.6, max(0.3, need[0] / sum(need))))
        return _stack(tables[:1], left) + _stack(tables[1:], right)
    return _stack(tables, area)


def _split(area: Box, share: float, gap: float = 0.3) -> tuple[Box, Box]:
    """``area`` cut into a left part of ``share`` of its width and the rest, ``gap`` inches apart."""
    lw = area.w * share - gap / 2
    return Box(area.x, area.y, lw, area.h), Box(area.x + lw + gap, area.y, area.w - lw - gap, area.h)


def _stack(tables: tuple[Table, ...], area: Box) -> list[Placed]:
    """Tables top-down in ``area``, each as tall as its rows need."""
    out, y = [], area.y
    for table in tables:
        room = Box(area.x, y, area.w, area.h - (y - area.y))
        geo = table_geometry(table, room)
        h = min(room.h, geo.header_h + geo.row_h * len(table.rows))
        out.append(Placed(Box(area.x, y, area.w, h), table))
        y += h + 0.2
    return out


@dataclass(frozen=True)
class TableGeometry:
    """How a table fits its box: font size (pt), column widths, header and row heights (inches)."""

    font_size: float
    widths: tuple[float, ...]
    header_h: float
    row_h: float


CELL_PAD = 0.16  # inches of left + right padding in a cell
_SIZES = (14.0, 13.0, 12.0, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)


def text_width(text: str, size: float) -> float:
    """Estimated width (inches) of one line of ``text`` at ``size`` pt: CJK 1 em, other 0.58 em."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.3 if ch == " " else 0.58 for ch in text) * size / 72


def _line_h(size: float) -> float:
    return size / 72 * 1.3


def _natural_widths(table: Table, size: float) -> list[float]:
    """Width each column needs at ``size``: its longest cell on one line, its header on up to two."""
    out = []
    for i, head in enumerate(table.columns):
        body = max((text_width(row[i], size) for row in table.rows), default=0.0)
        word = max((text_width(w, size) for w in head.split()), default=0.0)
        out.append(max(body, word, text_width(head, size) / 2 + 0.1) + CELL_PAD)
    return out


def table_geometry(table: Table, box: Box) -> TableGeometry:
    """The largest font (8-14 pt) at which ``table`` fits ``box``; columns widened to fill it."""
    n = len(table.rows)
    for size in _SIZES:
        need = _natural_widths(table, size)
        row_h = min(0.4, _line_h(size) + 0.14)
        if sum(need) <= box.w and _line_h(size) * 2 + 0.1 + n * row_h <= box.h:
            break
    spare = max(0.0, box.w - sum(need))
    widths = [w + spare * w / sum(need) for w in need]
    two_lines = any(text_width(h, size) + CELL_PAD > w for h, w in zip(table.columns, widths))
    header_h = _line_h(size) * (2 if two_lines else 1) + 0.12
    return TableGeometry(size, tuple(widths), header_h, row_h)


def _fit(pic: Picture, area: Box, *, top: bool = False) -> Box:
    """The largest box of the picture's aspect inside ``area``, centred (or at the top)."""
    scale = min(area.w / pic.width_px, area.h / pic.height_px)
    w, h = pic.width_px * scale, pic.height_px * scale
    return Box(area.x + (area.w - w) / 2, area.y if top else area.y + (area.h - h) / 2, w, h)


# --- rendering -----------------------------------------------------------------------------
def render(brief: Brief, fmt: str) -> bytes:
    """The pack as PPTX or PDF bytes (ValueError naming the valid formats otherwise)."""
    if fmt == "pptx":
        from geo.brief_pptx import pptx_bytes
        return pptx_bytes(brief)
    if fmt == "pdf":
        from geo.brief_pdf import pdf_bytes
        return pdf_bytes(brief)
    raise ValueError(f"unknown format '{fmt}'; valid: {', '.join(FORMATS)} / 未知格式「{fmt}」，可选：{'、'.join(FORMATS)}")


def pack_bytes(ds: Dataset, as_of: Any = None, *, area: str | None = None, lang: str = "zh",
               fmt: str = "pptx", audit: pd.DataFrame | None = None) -> bytes:
    """Build and render the briefing pack in one call (what the CLI and the dashboard use)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; valid: {', '.join(FORMATS)} / 未知格式「{fmt}」，可选：{'、'.join(FORMATS)}")
    return render(brief_from_dataset(ds, as_of, area=area, lang=lang, audit=audit), fmt)


def pack_filename(as_of: Any = None, *, area: str | None = None, fmt: str = "pptx") -> str:
    """A file name such as ``qingyang-brief-2022-12-09.pptx`` (area in pinyin-free English)."""
    day = as_timestamp(as_of).date().isoformat()
    where = f"-{schema.AREA_EN.get(area, 'area').lower()}" if area else ""
    return f"qingyang-brief{where}-{day}.{fmt}"
