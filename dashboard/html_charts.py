"""Briefing charts and the area table as plain HTML/CSS (no Streamlit import, no Vega in the browser).

Each ``*_frame`` / ``*_table`` function reshapes numbers already computed by :mod:`geo.metrics`;
each ``*_html`` function draws them as bars with CSS (styles in
``dashboard.ui.BRIEFING_CSS``, classes ``qc-*``). Plain HTML draws in a few
milliseconds, reads well projected, and spares the page the Vega-Lite chunks and
their compile step (about a second of browser time per page on the target PC).
Every label comes from :mod:`geo.i18n`; hovering a bar shows its figures (``title``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from dashboard.ui import table_html
from geo import colors, schema
from geo.formatting import number, yi_yuan
from geo.i18n import t, vocab
from geo.programme import Programme

_STAGES = schema.PROGRAMME_STATUSES  # completed, under_construction, planned


# --- data ----------------------------------------------------------------------------------
def year_frame(progress: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per 14th-FYP batch: label, target, and the count per stage (completed, building, planned).

    Batches with no compounds and no target (e.g. 2025) are left out.
    """
    rows = progress[(progress["compounds"] > 0) | (progress["target"] > 0)]
    out = [{"batch": t("briefing.year_label", lang, year=r["batch"]), "target": int(r["target"]),
            **{s: int(r[s]) for s in _STAGES}} for _, r in rows.iterrows()]
    return pd.DataFrame(out, columns=["batch", "target", *_STAGES])


def _area_name(name: str, lang: str, programme: Programme) -> str:
    return t("briefing.other_area", lang) if name == schema.NO_AREA else vocab("area", name, lang, programme)


def area_frame(progress: pd.DataFrame, lang: str, programme: Programme) -> pd.DataFrame:
    """Per area (其他 last, translated): count per stage and % completed."""
    out = [{"area": _area_name(r["name"], lang, programme), **{s: int(r[s]) for s in _STAGES},
            "pct": float(r["pct_completed"])} for _, r in progress.iterrows()]
    return pd.DataFrame(out, columns=["area", *_STAGES, "pct"])


#: progress_by_area columns shown in the briefing's area table, with their header keys.
AREA_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "briefing.col.area"), ("compounds", "briefing.col.compounds"),
    ("completed", "briefing.col.completed"), ("under_construction", "briefing.col.under_construction"),
    ("planned", "briefing.col.planned"), ("pct_completed", "briefing.col.pct"),
    ("households", "briefing.col.households"), ("elevators", "briefing.col.elevators"),
    ("ev_chargers", "briefing.col.ev_chargers"), ("funding_wan_yuan", "briefing.col.funding"),
)


def area_table(progress: pd.DataFrame, lang: str, programme: Programme) -> pd.DataFrame:
    """``progress_by_area`` with translated area names and column headers (a new frame)."""
    out = progress[[c for c, _ in AREA_TABLE_COLUMNS]].copy()
    out["name"] = [_area_name(n, lang, programme) for n in out["name"]]
    return out.rename(columns={c: t(key, lang) for c, key in AREA_TABLE_COLUMNS})


def area_table_html(progress: pd.DataFrame, lang: str, programme: Programme) -> str:
    """:func:`area_table` as an HTML table: % completed with one decimal, funding (万元) in whole numbers."""
    formats = {t("briefing.col.pct", lang): lambda v: number(v, 1, unit="%"), t("briefing.col.funding", lang): number}
    return table_html(area_table(progress, lang, programme), formats)


def funding_frame(funding: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """Per funding source: label, group label and key, amount in 亿元 (from ``funding_summary``)."""
    rows = [{"source": vocab("source", s.key, lang), "group": vocab("group", s.group, lang),
             "group_key": s.group, "amount": round(yi_yuan(funding["by_source"].get(s.key, 0.0)), 2)}
            for s in schema.FUNDING_SOURCES]
    return pd.DataFrame(rows, columns=["source", "group", "group_key", "amount"])


def group_frame(funding: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """Per "4个一点" group: label, key, amount in 亿元 and share of the total (0-1)."""
    total = sum(funding["by_group"].values())
    rows = [{"group": vocab("group", g, lang), "group_key": g, "amount": round(yi_yuan(v), 2),
             "share": v / total if total else 0.0} for g, v in funding["by_group"].items()]
    return pd.DataFrame(rows, columns=["group", "group_key", "amount", "share"])


# --- drawing ------------------------------------------------------------------------------
def _legend(items: Sequence[tuple[str, str]]) -> str:
    return '<div class="qc-legend">' + "".join(
        f'<span><i style="background:{c}"></i>{escape(label)}</span>' for label, c in items) + "</div>"


def _status_legend(lang: str) -> list[tuple[str, str]]:
    return [(vocab("status", s, lang), colors.STATUS[s]) for s in _STAGES]


def year_html(progress: pd.DataFrame, lang: str) -> str:
    """Columns per batch stacked completed / building / planned, the yearly target as a red mark."""
    data = year_frame(progress, lang)
    top = max([1, *data["target"], *data[list(_STAGES)].sum(axis=1)]) * 1.12
    cols = []
    for _, r in data.iterrows():
        segs = "".join(f'<div style="height:{100 * r[s] / top:.2f}%;background:{colors.STATUS[s]}"></div>'
                       for s in reversed(_STAGES) if r[s])
        tip = " · ".join(f"{vocab('status', s, lang)} {number(r[s])}" for s in _STAGES)
        tip += f" · {t('briefing.chart.target', lang)} {number(r['target'])}"
        mark = (f'<div class="qc-target" style="bottom:{100 * r["target"] / top:.2f}%">'
                f'<span>{number(r["target"])}</span></div>') if r["target"] else ""
        cols.append(f'<div class="qc-col" title="{escape(r["batch"])}: {escape(tip)}"><div class="qc-stack">{segs}</div>'
                    f'{mark}<div class="qc-x">{escape(r["batch"])}</div></div>')
    legend = _legend([*_status_legend(lang), (t("briefing.chart.target", lang), colors.TARGET)])
    return f'<div class="qc-years">{"".join(cols)}</div>{legend}'


def _bar_row(label: str, segments: str, value: str, tip: str, on: bool = False) -> str:
    return (f'<div class="qc-row{" on" if on else ""}" title="{escape(tip)}"><span class="qc-label">{escape(label)}</span>'
            f'<div class="qc-track">{segments}</div><span class="qc-val">{escape(value)}</span></div>')


def area_html(progress: pd.DataFrame, lang: str, programme: Programme) -> str:
    """One 100 % bar per area (completed / building / planned) with its % completed."""
    rows = []
    for _, r in area_frame(progress, lang, programme).iterrows():
        total = max(1, sum(r[s] for s in _STAGES))
        segs = "".join(f'<div style="width:{100 * r[s] / total:.2f}%;background:{colors.STATUS[s]}"></div>'
                       for s in _STAGES if r[s])
        tip = f"{r['area']}: " + " · ".join(f"{vocab('status', s, lang)} {number(r[s])}" for s in _STAGES)
        rows.append(_bar_row(r["area"], segs, number(r["pct"], 1, unit="%"), tip))
    return '<div class="qc-bars">' + "".join(rows) + "</div>" + _legend(_status_legend(lang))


def funding_source_html(funding: Mapping[str, Any], lang: str) -> str:
    """One bar per funding source (亿元), coloured by its "4个一点" group."""
    data = funding_frame(funding, lang)
    top = max(0.01, float(data["amount"].max()))
    rows = [_bar_row(r["source"], f'<div style="width:{100 * r["amount"] / top:.2f}%;'
                     f'background:{colors.GROUP[r["group_key"]]}"></div>', number(r["amount"], 2),
                     f"{r['source']} · {r['group']}: {number(r['amount'], 2, unit=t('unit.yi_yuan', lang))}")
            for _, r in data.iterrows()]
    legend = _legend([(vocab("group", g, lang), c) for g, c in colors.GROUP.items()])
    unit = f'<div class="qc-unit">{escape(t("briefing.chart.amount", lang))}</div>'
    return unit + '<div class="qc-bars">' + "".join(rows) + "</div>" + legend


def funding_group_html(funding: Mapping[str, Any], lang: str) -> str:
    """One bar per "4个一点" group: amount (亿元) and share of the total."""
    data = group_frame(funding, lang)
    top = max(0.01, float(data["amount"].max()))
    rows = [_bar_row(r["group"], f'<div style="width:{100 * r["amount"] / top:.2f}%;'
                     f'background:{colors.GROUP[r["group_key"]]}"></div>',
                     f"{number(r['amount'], 2)} ({number(100 * r['share'], unit='%')})",
                     f"{r['group']}: {number(r['amount'], 2, unit=t('unit.yi_yuan', lang))}")
            for _, r in data.iterrows()]
    unit = f'<div class="qc-unit">{escape(t("briefing.chart.amount", lang))}</div>'
    return unit + '<div class="qc-bars wide">' + "".join(rows) + "</div>"
