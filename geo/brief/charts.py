"""Static charts (matplotlib -> PNG bytes) for the briefing pack.

Each function takes numbers already computed by :mod:`geo.metrics` (the JSON of
``metrics.stats``) and only draws them; text is set in the CJK font of :mod:`geo.fonts`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

from geo import colors, fonts, schema
from geo.formatting import number
from geo.i18n import t, vocab
from geo.maps.staticmap import figure_png, figure_px


def _tidy(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=colors.GREY, labelsize=10)


def year_progress_png(rows: Sequence[Mapping[str, Any]], lang: str = "zh", *, against_target: bool = True,
                      width_in: float = 7.0, height_in: float = 5.2, dpi: int = 200) -> bytes:
    """Stacked bars per 14th-FYP batch (completed / under construction / planned).

    ``rows`` are ``stats()["year_progress"]``; batches with neither target nor compounds
    are left out. With ``against_target`` each bar carries its yearly target mark.
    """
    rows = [r for r in rows if r["target"] or r["compounds"]]
    with fonts.mpl_context():
        fig = figure_px(round(width_in * dpi), round(height_in * dpi), width_in)
        ax = fig.add_axes((0.1, 0.08, 0.88, 0.8))
        x = list(range(len(rows)))
        bottom = [0] * len(rows)
        for s in schema.PROGRAMME_STATUSES:
            values = [r[s] for r in rows]
            ax.bar(x, values, bottom=bottom, width=0.6, color=colors.STATUS[s], label=vocab("status", s, lang))
            bottom = [b + v for b, v in zip(bottom, values)]
        top = max([r["target"] for r in rows if against_target] + bottom + [1])
        for i, r in enumerate(rows):
            ax.text(i, bottom[i] + top * 0.015, f"{number(r['completed'])}/{number(r['compounds'])}", ha="center", va="bottom",
                    fontsize=11, color=colors.INK)
            if against_target and r["target"]:
                ax.hlines(r["target"], i - 0.38, i + 0.38, colors=colors.INK, linewidth=2.5, linestyles="--")
        if against_target:
            ax.plot([], [], color=colors.INK, linestyle="--", linewidth=2.5, label=t("brief.target", lang))
        ax.set_xticks(x, [vocab("batch", r["batch"], lang) for r in rows])
        ax.set_ylabel(t("brief.col.compounds", lang), fontsize=10, color=colors.GREY)
        ax.set_ylim(0, top * 1.15)
        _tidy(ax)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 1.13), ncol=4, frameon=False, fontsize=10)
    return figure_png(fig)


def funding_png(funding: Mapping[str, Any], year: int, lang: str = "zh", *,
                width_in: float = 7.2, height_in: float = 5.0, dpi: int = 200) -> bytes:
    """Funding (万元): bars by source for ``year`` and to date, and a donut by "4个一点" group.

    ``funding`` is ``stats()["funding_wan_yuan"]``.
    """
    in_year = funding["by_year"].get(str(year), {})
    with fonts.mpl_context():
        fig = figure_px(round(width_in * dpi), round(height_in * dpi), width_in)
        ax = fig.add_axes((0.25, 0.07, 0.4, 0.84))
        keys = list(schema.FUNDING_KEYS)[::-1]
        y = list(range(len(keys)))
        fills = [colors.GROUP[schema.SOURCE_GROUP[k]] for k in keys]
        ax.barh([v + 0.2 for v in y], [funding["by_source"][k] for k in keys], height=0.38, color=fills, alpha=0.45,
                label=t("brief.funding.cumulative", lang))
        ax.barh([v - 0.2 for v in y], [in_year.get(k, 0.0) for k in keys], height=0.38, color=fills,
                label=t("brief.funding.year", lang, year=year))
        ax.set_yticks(y, [vocab("source", k, lang) for k in keys])
        ax.set_title(t("brief.funding.chart_source", lang), fontsize=11, color=colors.INK, loc="left")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _pos: number(x)))
        _tidy(ax)
        ax.tick_params(axis="x", labelsize=8)
        ax.legend(loc="lower right", frameon=False, fontsize=9)
        _group_donut(fig.add_axes((0.69, 0.2, 0.3, 0.7)), funding["by_group"], lang)
    return figure_png(fig)


def _group_donut(ax, by_group: Mapping[str, float], lang: str) -> None:
    groups = [g for g in schema.FUNDING_GROUPS if by_group.get(g, 0) > 0]
    values = [by_group[g] for g in groups]
    ax.pie(values, colors=[colors.GROUP[g] for g in groups], startangle=90, counterclock=False,
           wedgeprops={"width": 0.38, "edgecolor": "white"})
    total = sum(values) or 1.0
    labels = [f"{vocab('group', g, lang)}  {number(100 * v / total, 1, unit='%')}" for g, v in zip(groups, values)]
    ax.legend(labels=labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=1, frameon=False, fontsize=9)
    ax.set_title(t("brief.funding.chart_group", lang), fontsize=11, color=colors.INK)
    ax.set_aspect("equal")


def elevators_png(elevators: Mapping[str, int], lang: str = "zh", *, width_in: float = 6.0,
                  height_in: float = 2.6, dpi: int = 200) -> bytes:
    """One stacked bar of added elevators by stage (completed, under construction, planned).

    ``elevators`` is ``stats()["elevators"]``.
    """
    with fonts.mpl_context():
        fig = figure_px(round(width_in * dpi), round(height_in * dpi), width_in)
        ax = fig.add_axes((0.03, 0.38, 0.94, 0.4))
        left = 0
        for stage in schema.ELEVATOR_STAGES:
            value = elevators[stage]
            ax.barh([0], [value], left=left, height=0.6, color=colors.STATUS[stage],
                    label=f"{vocab('elevator_stage', stage, lang)} {number(value)}")
            if value:
                ax.text(left + value / 2, 0, number(value), ha="center", va="center", fontsize=11, color="white")
            left += value
        ax.set_xlim(0, max(left, 1))
        ax.set_axis_off()
        ax.set_title(t("brief.facilities.elevators", lang), fontsize=11, color=colors.INK, loc="left")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=3, frameon=False, fontsize=10)
    return figure_png(fig)
