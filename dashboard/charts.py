"""Altair charts for the briefing page and the exhibition screen (no Streamlit import).

Each function takes numbers already computed by :mod:`geo.metrics` and only
reshapes them for drawing; every label comes from :mod:`geo.i18n`. Vega-Lite is
bundled with Streamlit's front end, so the charts render offline.
"""
from __future__ import annotations

from typing import Any, Mapping

import altair as alt
import pandas as pd

from geo import schema
from geo.i18n import t, vocab

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
#: One colour per "4个一点" group (same as the briefing pack's geo.charts).
GROUP_COLORS: dict[str, str] = {"government": "#3a6fb0", "market": "#e08a00",
                                "residents": "#2e9e5b", "society": "#8a5fb0"}
_STAGES = schema.PROGRAMME_STATUSES  # completed, under_construction, planned


def _configure(chart: alt.TopLevelMixin, *, dark: bool = False, size: int = 14) -> alt.TopLevelMixin:
    """Fonts, sizes and (optionally) dark colours for a chart."""
    ink = "#e8f1fa" if dark else "#1f2d3d"
    grid = "#25384a" if dark else "#e6e9ed"
    return (chart.configure(font=FONT, background="transparent")
            .configure_axis(labelFontSize=size, titleFontSize=size, labelColor=ink, titleColor=ink,
                            gridColor=grid, domainColor=grid, tickColor=grid)
            .configure_legend(labelFontSize=size, titleFontSize=size, labelColor=ink, titleColor=ink,
                              orient="bottom")
            .configure_view(stroke=None))


def _status_scale(lang: str) -> alt.Scale:
    return alt.Scale(domain=[vocab("status", s, lang) for s in _STAGES],
                     range=[schema.STATUS_COLORS[s] for s in _STAGES])


def year_frame(progress: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long frame (batch label, status label, order, count, target) for the year chart.

    Batches with no compounds and no target (e.g. 2025) are left out.
    """
    rows = progress[(progress["compounds"] > 0) | (progress["target"] > 0)]
    out = []
    for _, r in rows.iterrows():
        label = t("briefing.year_label", lang, year=r["batch"])
        for order, s in enumerate(_STAGES):
            out.append({"batch": label, "status": vocab("status", s, lang), "order": order,
                        "count": int(r[s]), "target": int(r["target"])})
    return pd.DataFrame(out, columns=["batch", "status", "order", "count", "target"])


def year_chart(progress: pd.DataFrame, lang: str, *, height: int = 300) -> alt.TopLevelMixin:
    """Stacked bars per 14th-FYP batch (completed / building / planned) with the yearly target."""
    data = year_frame(progress, lang)
    x = alt.X("batch:N", title=None, axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(data).mark_bar(size=46).encode(
        x=x, y=alt.Y("sum(count):Q", title=t("briefing.chart.compounds", lang)),
        color=alt.Color("status:N", scale=_status_scale(lang), title=None),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("batch:N", title=t("briefing.chart.batch", lang)),
                 alt.Tooltip("status:N", title=t("briefing.chart.status", lang)),
                 alt.Tooltip("count:Q", title=t("briefing.chart.compounds", lang))])
    targets = data.drop_duplicates("batch")
    tick = alt.Chart(targets).mark_tick(color="#c0392b", thickness=3, size=64).encode(
        x=x, y="target:Q", tooltip=[alt.Tooltip("target:Q", title=t("briefing.chart.target", lang))])
    label = alt.Chart(targets).mark_text(dy=-12, color="#c0392b", fontWeight="bold", fontSize=14).encode(
        x=x, y="target:Q", text=alt.Text("target:Q"))
    return _configure(alt.layer(bars, tick, label).properties(height=height))


def area_frame(progress: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long frame (area label, status label, order, count, pct) for the area chart; 其他 last."""
    out = []
    for _, r in progress.iterrows():
        name = t("briefing.other_area", lang) if r["name"] == schema.NO_AREA else vocab("area", r["name"], lang)
        for order, s in enumerate(_STAGES):
            out.append({"area": name, "status": vocab("status", s, lang), "order": order,
                        "count": int(r[s]), "pct": float(r["pct_completed"])})
    return pd.DataFrame(out, columns=["area", "status", "order", "count", "pct"])


def area_chart(progress: pd.DataFrame, lang: str, *, step: int = 34, dark: bool = False,
               size: int = 14) -> alt.TopLevelMixin:
    """Horizontal 100 % bars per area (completed / building / planned), areas in table order."""
    data = area_frame(progress, lang)
    order = list(dict.fromkeys(data["area"]))
    bars = alt.Chart(data).mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        y=alt.Y("area:N", sort=order, title=None),
        x=alt.X("sum(count):Q", stack="normalize", title=t("briefing.chart.pct", lang),
                axis=alt.Axis(format="%")),
        color=alt.Color("status:N", scale=_status_scale(lang), title=None),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("area:N", title=t("briefing.chart.area", lang)),
                 alt.Tooltip("status:N", title=t("briefing.chart.status", lang)),
                 alt.Tooltip("count:Q", title=t("briefing.chart.compounds", lang)),
                 alt.Tooltip("pct:Q", title=t("briefing.chart.pct", lang))])
    return _configure(bars.properties(height=alt.Step(step)), dark=dark, size=size)


def funding_frame(funding: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """Frame (source label, group label, group key, amount in 亿元) from ``funding_summary``."""
    rows = [{"source": vocab("source", s.key, lang), "group": vocab("group", s.group, lang),
             "group_key": s.group, "amount": round(funding["by_source"].get(s.key, 0.0) / 10_000, 2)}
            for s in schema.FUNDING_SOURCES]
    return pd.DataFrame(rows, columns=["source", "group", "group_key", "amount"])


def _group_scale(lang: str) -> alt.Scale:
    return alt.Scale(domain=[vocab("group", g, lang) for g in GROUP_COLORS], range=list(GROUP_COLORS.values()))


def funding_source_chart(funding: Mapping[str, Any], lang: str, *, step: int = 30) -> alt.TopLevelMixin:
    """Horizontal bars: amount (亿元) per funding source, coloured by its "4个一点" group."""
    data = funding_frame(funding, lang)
    bars = alt.Chart(data).mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        y=alt.Y("source:N", sort=list(data["source"]), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("amount:Q", title=t("briefing.chart.amount", lang), axis=alt.Axis(tickCount=8)),
        color=alt.Color("group:N", scale=_group_scale(lang), title=None),
        tooltip=[alt.Tooltip("source:N", title=t("briefing.chart.source", lang)),
                 alt.Tooltip("group:N", title=t("briefing.chart.group", lang)),
                 alt.Tooltip("amount:Q", title=t("briefing.chart.amount", lang), format=",.2f")])
    text = bars.mark_text(align="left", dx=4, fontSize=13).encode(text=alt.Text("amount:Q", format=",.2f"),
                                                                   color=alt.value("#1f2d3d"))
    return _configure(alt.layer(bars, text).properties(height=alt.Step(step)))


def funding_group_chart(funding: Mapping[str, Any], lang: str, *, step: int = 40) -> alt.TopLevelMixin:
    """Horizontal bars: amount (亿元) and share per "4个一点" group, labelled."""
    data = pd.DataFrame([{"group": vocab("group", g, lang), "amount": round(v / 10_000, 2)}
                         for g, v in funding["by_group"].items()])
    base = alt.Chart(data).transform_joinaggregate(total="sum(amount)").transform_calculate(
        share="datum.total > 0 ? datum.amount / datum.total : 0",
        label="format(datum.amount, ',.2f') + '  (' + format(datum.share, '.0%') + ')'")
    bars = base.mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        y=alt.Y("group:N", sort=list(data["group"]), title=None),
        x=alt.X("amount:Q", title=t("briefing.chart.amount", lang), scale=alt.Scale(nice=True)),
        color=alt.Color("group:N", scale=_group_scale(lang), legend=None),
        tooltip=[alt.Tooltip("group:N", title=t("briefing.chart.group", lang)),
                 alt.Tooltip("amount:Q", title=t("briefing.chart.amount", lang), format=",.2f"),
                 alt.Tooltip("share:Q", format=".1%")])
    text = base.mark_text(align="left", dx=5, fontSize=14, color="#1f2d3d").encode(
        y=alt.Y("group:N", sort=list(data["group"])), x="amount:Q", text="label:N")
    return _configure(alt.layer(bars, text).properties(height=alt.Step(step)))
