"""What the briefing pack says: :func:`brief_from_dataset` builds a :class:`Brief`
from ``geo.metrics`` numbers only (KPI cards, tables, charts as PNG bytes).
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
from PIL import Image

from geo import metrics, schema
from geo.asof import AsOf, AsOfLike
from geo.audit import changes_since
from geo.brief import charts
from geo.brief.model import MAX_LATE_ROWS, Brief, Picture, Slide, Table, Text
from geo.colors import ACCENT, GREY, INK, WARN
from geo.dataset import Dataset
from geo.drilldown import ChildRow, children_table, level_word, place_title
from geo.formatting import number
from geo.i18n import t, vocab
from geo.kpis import pack_facilities_kpis, pack_summary_kpis
from geo.maps import staticmap
from geo.programme import Programme
from geo.schedule.rules import check_sequence


def brief_from_dataset(ds: Dataset, as_of: AsOfLike = None, *, area: str | None = None, lang: str = "zh",
                       audit: pd.DataFrame | None = None) -> Brief:
    """The briefing content for the whole district or one ``area`` on ``as_of`` (UnknownPlace if unknown).

    ``audit`` (the store's audit rows, ``Store.audit()``) adds a "changes in the last
    week" line to the decisions slide.
    """
    day = AsOf.of(as_of)
    s = metrics.stats(ds, day, area=area)
    programme = ds.programme
    district = programme.full_name(lang)
    title = t("brief.title_area", lang, area=vocab("area", area, lang, programme)) if area else t("brief.title", lang)
    footer = t("brief.footer", lang, district=district, date=day.isoformat())
    if ds.illustrative:
        footer += " · " + t("brief.illustrative_short", lang)
    slides = (
        _title_slide(title, district, t("brief.audience", lang, title=programme.title(lang)), day, lang,
                     ds.illustrative),
        _summary_slide(s, lang, area),
        _map_slide(ds, day, lang, area),
        _years_slide(s, lang, area),
        _areas_slide(ds, day, lang, area),
        _funding_slide(s, day, lang),
        _facilities_slide(s, day, lang),
        _decisions_slide(ds, day, lang, area, audit, s),
    )
    return Brief(title=title, district=district, as_of=day.date, lang=lang, area=area,
                 illustrative=ds.illustrative, footer=footer, slides=slides)


def brief_from_stats(stats: dict[str, Any], children: tuple[ChildRow, ...], programme: Programme, *,
                     place: str, level: str | None, lang: str = "zh") -> Brief:
    """The briefing of a roll-up place from its figures alone (no compound loaded): title, summary,
    years, its children (``geo.drilldown.child_rows`` of ``units_from_store``; of ``level``), funding
    and facilities. ``stats``: ``geo.rollup.stats_from_store`` of ``place``."""
    day = AsOf.of(stats["as_of"])
    where = place_title(programme, place, lang)
    title, illustrative = t("brief.title", lang), bool(stats["illustrative"])
    footer = t("brief.footer", lang, district=where, date=day.isoformat())
    if illustrative:
        footer += " · " + t("brief.illustrative_short", lang)
    slides = [_title_slide(title, where, t("brief.audience", lang, title=programme.title(lang)), day, lang, illustrative),
              _summary_slide(stats, lang, None), _years_slide(stats, lang, None)]
    if level and children:
        table = children_table(children, level, lang)
        slides.append(Slide("areas", t("rollup.section.children", lang, level=level_word(level, lang)),
                            tables=(Table(tuple(table.columns), tuple(tuple(r) for r in table.itertuples(index=False)),
                                          (False,) + (True,) * (len(table.columns) - 1)),)))
    slides += [_funding_slide(stats, day, lang), _facilities_slide(stats, day, lang)]
    return Brief(title=title, district=where, as_of=day.date, lang=lang, area=None, illustrative=illustrative,
                 footer=footer, slides=tuple(slides))


def num(value: float | int) -> str:
    """A figure on a slide: thousands separators, at most two decimals, no trailing zeros."""
    return number(value, 2, trim=True)


def _title_slide(title: str, district: str, audience: str, day: AsOf, lang: str, illustrative: bool) -> Slide:
    lines = [Text(district, 24, GREY, align="center"), Text(title, 40, INK, bold=True, align="center", role="title"),
             Text(audience, 18, GREY, align="center"),
             Text(t("brief.as_of", lang, date=day.isoformat()), 20, ACCENT, align="center")]
    if illustrative:
        lines.append(Text(t("app.illustrative", lang), 16, WARN, align="center"))
    return Slide("title", title, lines=tuple(lines))


def _summary_slide(s: dict[str, Any], lang: str, area: str | None) -> Slide:
    return Slide("summary", t("brief.slide.summary", lang), kpis=tuple(pack_summary_kpis(s, lang, area=area)))


def picture(png: bytes, alt: str = "") -> Picture:
    """A Picture of PNG bytes, its pixel size read from the image."""
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    return Picture(png, width, height, alt)


def _map_slide(ds: Dataset, day: AsOf, lang: str, area: str | None) -> Slide:
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
    untargeted = [r["batch"] for r in s["year_progress"] if area is None and not r["target"] and not r["compounds"]]
    note = (t("brief.years.no_target", lang, years="、".join(untargeted)) if untargeted else "") + t("brief.years.note", lang)
    return Slide("years", t("brief.slide.years", lang), pictures=(chart,), tables=(table,), notes=(note,))


def _areas_slide(ds: Dataset, day: AsOf, lang: str, area: str | None) -> Slide:
    frame = metrics.progress_by_area(ds, day)
    keys = ("compounds", "households", "completed", "under_construction", "planned", "pct_completed",
            "elevators", "ev_chargers", "funding_wan_yuan")
    heads = ("brief.col.compounds", "brief.col.households", "brief.col.completed", "brief.col.under_construction",
             "brief.col.planned", "brief.col.pct", "brief.col.elevators", "brief.col.ev_chargers", "brief.col.funding")
    rows = []
    for r in frame.to_dict(orient="records"):
        name = t("brief.other_area", lang) if r["name"] == schema.NO_AREA else vocab("area", r["name"], lang, ds.programme)
        rows.append((name, *(number(r[k], 2, trim=True, unit="%" if k == "pct_completed" else "") for k in keys)))
    highlight = tuple(i for i, r in enumerate(frame["name"]) if r == area)
    table = Table((t("brief.col.area", lang), *(t(h, lang) for h in heads)), tuple(rows),
                  (False,) + (True,) * len(keys), highlight)
    return Slide("areas", t("brief.slide.areas", lang), tables=(table,), notes=(t("brief.areas.note", lang),))


def _funding_slide(s: dict[str, Any], day: AsOf, lang: str) -> Slide:
    f, year = s["funding_wan_yuan"], day.year
    chart = picture(charts.funding_png(f, year, lang), "funding")
    in_year = f["by_year"].get(str(year), {})
    rows = tuple((vocab("source", k, lang), num(in_year.get(k, 0.0)), num(f["by_source"][k]))
                 for k in schema.FUNDING_KEYS)
    rows += ((t("brief.total", lang), num(metrics.funding_of_year(f, year)["total"]), num(f["total"])),)
    table = Table((t("brief.col.source", lang), t("brief.col.year_amount", lang, year=year),
                   t("brief.col.total_amount", lang)), rows, (False, True, True), highlight=(len(rows) - 1,))
    return Slide("funding", t("brief.slide.funding", lang), pictures=(chart,), tables=(table,))


def _facilities_slide(s: dict[str, Any], day: AsOf, lang: str) -> Slide:
    year = day.year
    kpis = tuple(pack_facilities_kpis(s, lang, year))
    rows: tuple[tuple[str, str], ...] = ((t("brief.facilities.tianfu_in_year", lang, year=year), num(s["greenways"]["tianfu_km_in_year"])),
            (t("brief.facilities.community_in_year", lang, year=year), num(s["greenways"]["community_count_in_year"])))
    rows += tuple((vocab("site_kind", k, lang), num(v)) for k, v in s["sites"].items())
    table = Table((t("brief.col.item", lang), t("brief.col.value", lang)), rows, (False, True))
    chart = picture(charts.elevators_png(s["elevators"], lang), "elevators")
    return Slide("facilities", t("brief.slide.facilities", lang), kpis=kpis, tables=(table,), pictures=(chart,))


def week_changes(audit: pd.DataFrame, compounds: pd.DataFrame, as_of: AsOfLike) -> tuple[dt.date, int, int]:
    """(first day, compounds changed, field changes) in the audit trail over the 7 days up to ``as_of``,
    counting only ``compounds``."""
    day = AsOf.of(as_of)
    since = day.window_start(7)
    upto = audit[day.reached(pd.to_datetime(audit["at"].astype(str), errors="coerce"))]
    recent = changes_since(upto, compounds, since)
    recent = recent[recent["compound_id"].isin(compounds["compound_id"])]
    return since, int(len(recent)), int(recent["changes"].sum()) if len(recent) else 0


def _changes_line(audit: pd.DataFrame | None, compounds: pd.DataFrame, day: AsOf, lang: str) -> tuple[Text, ...]:
    if audit is None:
        return ()
    since, n, changes = week_changes(audit, compounds, day)
    key = "brief.changes_week" if n else "brief.changes_none"
    return (Text(t(key, lang, since=since.isoformat(), date=day.isoformat(), n=n, changes=changes), 14, GREY),)


def _site_lines(ds: Dataset, day: AsOf, lang: str, s: dict[str, Any]) -> tuple[Text, ...]:
    """"Needs decision" for the compounds that break a sequencing rule (named, most days first), and
    the issue log's open and same-day figures (``stats`` blocks ``sequencing`` and ``issues``)."""
    seq, issues = s["sequencing"], s["issues"]
    rate = issues["resolved_same_day_rate"]
    log = Text(t("brief.issues_line", lang, open=num(issues["open"]), overdue=num(issues["overdue"]),
                 rate="—" if rate is None else f"{100 * rate:.1f}%"), 14, GREY)
    if not seq["compounds_with_violations"]:
        return (Text(t("brief.sequence_ok", lang, warnings=num(seq["warnings"])), 14, GREY), log)
    found = check_sequence(ds, day)
    found = found[found["kind"] == "violation"]
    names = [f"{n}（{'、'.join(sorted(set(g['rule'])))}）" for n, g in found.groupby("name", sort=False)]
    line = t("brief.sequence_line", lang, n=num(seq["compounds_with_violations"]), violations=num(seq["violations"]),
             warnings=num(seq["warnings"]))
    listed = t("brief.sequence_names", lang, names="、".join(names[:4]), more=len(names) - 4) if len(names) > 5 else \
        "、".join(names)
    return (Text(line, 14, WARN), Text(listed, 12, WARN), log)


def _decisions_slide(ds: Dataset, day: AsOf, lang: str, area: str | None, audit: pd.DataFrame | None = None,
                     s: dict[str, Any] | None = None) -> Slide:
    scoped = metrics.filter_dataset(ds, area=area)
    compounds = scoped.compounds
    late = metrics.behind_plan(compounds, day)
    title = t("brief.slide.decisions", lang)
    changes = _changes_line(audit, compounds, day, lang) + (_site_lines(scoped, day, lang, s) if s else ())
    if late.empty:
        none = Text(t("brief.decisions.none", lang, date=day.isoformat()), 22, ACCENT)
        return Slide("decisions", title, lines=(none, *changes), notes=(t("brief.decisions.rule", lang),))
    p = ds.programme
    by_area = metrics.behind_plan_by_area(compounds, day, programme=p)
    area_rows = tuple((vocab("area", r["area"], lang, p), vocab("subdistrict", r["subdistrict"], lang, p), num(r["late"]),
                       num(r["max_days_late"])) for r in by_area.to_dict(orient="records"))
    areas = Table(tuple(t(k, lang) for k in ("brief.col.area", "brief.col.subdistrict", "brief.col.late_compounds",
                                             "brief.col.max_days_late")), area_rows, (False, False, True, True))
    shown = late.head(MAX_LATE_ROWS)
    rows = tuple((r["name"], vocab("subdistrict", r["subdistrict"], lang, p),
                  vocab("area", r["area"], lang, p) if isinstance(r["area"], str) else "—",
                  str(r["batch"]), vocab("status", r["status"], lang),
                  r["plan_finish"].date().isoformat() if r["plan_finish"] == r["plan_finish"] else "—",
                  num(r["days_late"])) for r in shown.to_dict(orient="records"))
    cols = ("brief.col.name", "brief.col.subdistrict", "brief.col.area", "brief.col.batch", "brief.col.status",
            "brief.col.plan_finish", "brief.col.days_late")
    table = Table(tuple(t(c, lang) for c in cols), rows, (False,) * 6 + (True,))
    count = Text(t("brief.decisions.count", lang, n=len(late), shown=len(shown)), 16, WARN)
    return Slide("decisions", title, tables=(areas, table) if area_rows else (table,), lines=(count, *changes),
                 notes=(t("brief.decisions.rule", lang),))
