"""Static progress map (matplotlib, no tile server) for the briefing pack and image exports.

Drawn in UTM 48N (EPSG:32648) so the scale bar is true: district outline, the
subdistricts (the programme's key ones emphasised), the renovation areas shaded by their
14th-FYP completion, compounds coloured by derived status (``geo.colors.STATUS``),
a legend, scale bar, north arrow, the data source and the "示意" note.
Text is set in the CJK font from :mod:`geo.fonts`.
"""
from __future__ import annotations

import io
from typing import Any

import geopandas as gpd
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from shapely.geometry import Point

from geo import colors, fonts, metrics, schema
from geo.asof import AsOf, AsOfLike, derive_status
from geo.dataset import Dataset
from geo.formatting import number
from geo.i18n import data_source, t, vocab
from geo.programme import Programme
from geo.settings import METRIC_CRS, get_settings

#: Colour map for an area's completion share (0-100 %).
AREA_CMAP = "YlGn"
AREA_ALPHA = 0.45
#: Marker area (points²) for programme compounds and for the others.
MARKER_SIZE = {True: 13.0, False: 4.0}
#: Share of the figure width used by the map; the rest is the legend panel.
MAP_WIDTH = 0.77
#: The figure is laid out this wide (inches) whatever its pixel size, so text keeps
#: its size relative to the map: a 16:9 slide's width.
DESIGN_WIDTH_IN = 13.333
#: Area markers on the whole-district map (the legend lists them with names).
AREA_MARKS = "①②③④⑤⑥⑦⑧⑨⑩"


def progress_map_figure(ds: Dataset, as_of: AsOfLike = None, *, area: str | None = None, lang: str = "zh",
                        width_px: int = 1920, height_px: int = 880) -> Figure:
    """The progress map as a matplotlib Figure of ``width_px`` x ``height_px`` pixels.

    ``area`` zooms to one renovation area (UnknownPlace if it is not one). The map
    axes has the label "map" and plots EPSG:32648 metres.
    """
    metrics.filter_dataset(ds, area=area)  # validates the name, listing valid ones
    day = AsOf.of(as_of)
    with fonts.mpl_context():
        fig = figure_px(width_px, height_px, DESIGN_WIDTH_IN)
        ax = fig.add_axes((0.005, 0.065, MAP_WIDTH - 0.01, 0.93), label="map")
        layers = {name: getattr(ds, name).to_crs(METRIC_CRS) for name in ("district", "subdistricts", "areas", "compounds")}
        pct = _area_pct(ds, day)
        _draw_base(ax, layers, pct, lang, ds.programme, zoomed=area is not None)
        _draw_compounds(ax, layers["compounds"], day)
        counts = metrics.compound_counts(metrics.filter_dataset(ds, area=area).compounds, day)
        _set_view(ax, layers, area)
        _place_subdistrict_labels(ax, layers["subdistricts"])
        _draw_furniture(ax, lang)
        _draw_line_legend(ax, lang)
        _draw_legend(fig, counts, pct, lang, day, area, ds.programme)
        _draw_footer(fig, ds, lang)
    return fig


def progress_map_png(ds: Dataset, as_of: AsOfLike = None, *, area: str | None = None, lang: str = "zh",
                     width_px: int = 1920, height_px: int = 880) -> bytes:
    """The progress map as PNG bytes of exactly ``width_px`` x ``height_px`` pixels."""
    return figure_png(progress_map_figure(ds, as_of, area=area, lang=lang, width_px=width_px, height_px=height_px))


def figure_px(width_px: int, height_px: int, width_in: float) -> Figure:
    """An Agg Figure laid out ``width_in`` inches wide that renders to exactly width_px x height_px."""
    dpi = width_px / width_in
    # Agg truncates the pixel size: a hair over the exact size guards against 1919.9999 -> 1919
    fig = Figure(figsize=((width_px + 1e-3) / dpi, (height_px + 1e-3) / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig: Figure) -> bytes:
    """Render a Figure to PNG bytes at its own dpi (text in the CJK font), keeping its pixel size."""
    buf = io.BytesIO()
    with fonts.mpl_context():
        fig.savefig(buf, format="png", dpi=fig.dpi, facecolor=fig.get_facecolor())
    return buf.getvalue()


def _area_mark(programme: Programme, name: str) -> str:
    """The area's marker on the whole-district map: its number in the programme (①, ②, ...)."""
    names = programme.area_names
    if name not in names:
        return "?"
    i = names.index(name)
    return AREA_MARKS[i] if i < len(AREA_MARKS) else str(i + 1)


def _area_pct(ds: Dataset, day: AsOf) -> dict[str, float]:
    return metrics.area_completion(metrics.progress_by_area(ds, day), ds.programme)


def _draw_base(ax, layers: dict[str, gpd.GeoDataFrame], pct: dict[str, float], lang: str, programme: Programme, *,
               zoomed: bool) -> None:
    subs, areas = layers["subdistricts"], layers["areas"]
    key = subs["name"].isin(programme.key_subdistricts)
    subs[key].plot(ax=ax, facecolor=colors.KEY_FILL, edgecolor="none", zorder=1)
    subs.boundary.plot(ax=ax, color="#8a8f96", linewidth=0.7, zorder=2)
    cmap, norm = matplotlib.colormaps[AREA_CMAP], Normalize(0, 100)
    fills = [cmap(norm(pct.get(name, 0.0))) for name in areas["name"]]
    areas.plot(ax=ax, color=fills, alpha=AREA_ALPHA, edgecolor="none", zorder=3)
    areas.boundary.plot(ax=ax, color="#2f6b3a", linewidth=1.1, zorder=4)
    subs[key].boundary.plot(ax=ax, color=colors.KEY_EDGE, linewidth=1.8, zorder=5)
    layers["district"].boundary.plot(ax=ax, color=colors.INK, linewidth=2.4, zorder=6)
    for _, row in subs.iterrows():
        p = row.geometry.representative_point()
        is_key = row["name"] in programme.key_subdistricts
        ax.text(p.x, p.y, vocab("subdistrict", row["name"], lang, programme), ha="center", va="center", zorder=9,
                fontsize=10 if is_key else 8.5, color=colors.KEY_EDGE if is_key else colors.GREY, alpha=0.85,
                clip_on=True, gid=f"subdistrict:{row['name']}")
    for _, row in areas.iterrows():
        c = row.geometry.representative_point()
        name = row["name"]
        text = f"{vocab('area', name, lang, programme)} {number(pct.get(name, 0), unit='%')}" if zoomed else _area_mark(programme, name)
        ax.text(c.x, c.y, text, ha="center", va="center", fontsize=11 if zoomed else 9, color="#1e4d2b",
                zorder=9, clip_on=True, gid=f"area:{name}",
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8, "edgecolor": "#2f6b3a"})


def _box(text, renderer, pad_pt: float = 0.0) -> Bbox:
    """A text's extent on the canvas (pixels), grown by ``pad_pt`` points on every side."""
    box = text.get_window_extent(renderer)
    pad = pad_pt * text.figure.dpi / 72
    return Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)


def _place_subdistrict_labels(ax, subdistricts: gpd.GeoDataFrame, *, grid: int = 24) -> None:
    """Move each subdistrict label that an area marker (or an earlier label) would cover to the
    nearest free spot inside its subdistrict (a grid of candidate points); call after the view is set."""
    renderer = ax.figure.canvas.get_renderer()
    texts = {str(x.get_gid()): x for x in ax.texts if x.get_gid()}
    taken = [_box(x, renderer, 0.2 * x.get_fontsize() + 1) for g, x in texts.items() if g.startswith("area:")]
    shapes = dict(zip(subdistricts["name"], subdistricts.geometry))
    for gid, label in texts.items():
        if not gid.startswith("subdistrict:") or gid[12:] not in shapes:
            continue
        shape, (x0, y0) = shapes[gid[12:]], label.get_position()
        if any(_box(label, renderer).overlaps(b) for b in taken):
            bx0, by0, bx1, by1 = shape.bounds
            spots = [(bx0 + (bx1 - bx0) * (i + .5) / grid, by0 + (by1 - by0) * (j + .5) / grid)
                     for i in range(grid) for j in range(grid)]
            spots = sorted((p for p in spots if shape.contains(Point(p))), key=lambda p: (p[0] - x0) ** 2 + (p[1] - y0) ** 2)
            for spot in spots:
                label.set_position(spot)
                if not any(_box(label, renderer).overlaps(b) for b in taken):
                    break
            else:
                label.set_position((x0, y0))
        taken.append(_box(label, renderer))


def _draw_compounds(ax, compounds: gpd.GeoDataFrame, day: AsOf) -> None:
    """Compounds as points coloured by status; programme statuses on top."""
    status = derive_status(compounds, day)
    for s in reversed(schema.STATUSES):  # not_old first, completed last (on top)
        rows = compounds[status == s]
        if rows.empty:
            continue
        programme = s in schema.PROGRAMME_STATUSES
        ax.scatter(rows.geometry.x, rows.geometry.y, s=MARKER_SIZE[programme], c=colors.STATUS[s],
                   edgecolors="white" if programme else "none", linewidths=0.4, zorder=7 if programme else 6.5,
                   label=f"compounds-{s}")


def _set_view(ax, layers: dict[str, gpd.GeoDataFrame], area: str | None) -> None:
    frame = layers["district"] if area is None else layers["areas"][layers["areas"]["name"] == area]
    x0, y0, x1, y1 = frame.total_bounds
    pad = 0.04 * max(x1 - x0, y1 - y0) if area is None else 0.35 * max(x1 - x0, y1 - y0)
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    # fill the axes box: widen the shorter side so the aspect stays equal
    box = ax.get_position(original=True)
    fig_w, fig_h = ax.figure.get_size_inches()
    target = (box.width * fig_w) / (box.height * fig_h)
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    w, h = (h * target, h) if w / h < target else (w, w / target)
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def _nice_length(span_m: float) -> float:
    """A round scale-bar length (m) near an eighth of the map width."""
    for km in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        if km * 1000 >= span_m / 8:
            return km * 1000
    return 10_000


def _draw_furniture(ax, lang: str) -> None:
    """Scale bar (lower left) and north arrow (upper right)."""
    x0, x1 = ax.get_xlim()
    length = _nice_length(x1 - x0)
    label = number(length / 1000, 2, trim=True, unit=t("unit.km", lang))
    bar = AnchoredSizeBar(ax.transData, length, label, "lower left", pad=0.5, borderpad=0.6, sep=4,
                          color=colors.INK, frameon=True, size_vertical=(x1 - x0) / 300,
                          fontproperties={"size": 9})
    bar.patch.set_alpha(0.8)
    ax.add_artist(bar)
    ax.annotate("", xy=(0.965, 0.97), xytext=(0.965, 0.88), xycoords="axes fraction",
                arrowprops={"facecolor": colors.INK, "edgecolor": colors.INK, "width": 3.5, "headwidth": 11})
    ax.text(0.965, 0.86, t("brief.map.north", lang), transform=ax.transAxes, ha="center", va="top",
            fontsize=11, color=colors.INK)


def _draw_line_legend(ax, lang: str) -> None:
    """Boundary symbols, framed, above the scale bar."""
    lines = [Line2D([], [], color=colors.INK, linewidth=2.4, label=t("brief.map.district", lang)),
             Line2D([], [], color="#8a8f96", linewidth=0.8, label=t("brief.map.subdistrict", lang)),
             Patch(facecolor=colors.KEY_FILL, edgecolor=colors.KEY_EDGE, linewidth=1.8, label=t("brief.map.key_subdistrict", lang))]
    leg = ax.legend(handles=lines, loc="lower left", bbox_to_anchor=(0.0, 0.1), fontsize=9, frameon=True,
                    framealpha=0.85, edgecolor="none", handlelength=1.6, labelspacing=0.3)
    leg.set_zorder(20)


def _draw_legend(fig: Figure, counts: dict[str, int], pct: dict[str, float], lang: str, day: AsOf,
                 area: str | None, programme: Programme) -> None:
    """Legend panel on the right: as-of date, statuses (with counts), areas (shade = completion)."""
    lx = MAP_WIDTH + 0.005
    head = t("brief.as_of", lang, date=day.isoformat())
    fig.text(lx, 0.97, head + (f" · {vocab('area', area, lang, programme)}" if area else ""), fontsize=11, color=colors.INK,
             va="top")
    common: dict[str, Any] = {"loc": "upper left", "frameon": False, "fontsize": 9.5, "title_fontsize": 10.5,
              "handlelength": 1.5, "handleheight": 1.0, "labelspacing": 0.3, "alignment": "left", "borderaxespad": 0}
    status = [Patch(facecolor=colors.STATUS[s], edgecolor="none",
                    label=f"{vocab('status', s, lang)}  {number(counts.get(s, 0))}") for s in schema.STATUSES]
    leg = fig.legend(handles=status, title=t("brief.map.legend_status", lang), bbox_to_anchor=(lx, 0.9), **common)
    leg.set_label("status-legend")
    cmap, norm = matplotlib.colormaps[AREA_CMAP], Normalize(0, 100)
    areas = [Patch(facecolor=cmap(norm(pct.get(name, 0.0))), alpha=AREA_ALPHA, edgecolor="#2f6b3a",
                   label=f"{_area_mark(programme, name)} {vocab('area', name, lang, programme)}  {number(pct.get(name, 0), unit='%')}")
             for name in programme.area_names if area is None or name == area]
    fig.legend(handles=areas, title=t("brief.map.legend_area", lang), bbox_to_anchor=(lx, 0.52), **common)


def _draw_footer(fig: Figure, ds: Dataset, lang: str) -> None:
    """Source line and the illustrative-map note along the bottom."""
    settings = get_settings()
    parts = [t("brief.source", lang, source=data_source(settings.data_source, lang))]
    if settings.map_review_no:
        parts.append(t("brief.map.review_no", lang, no=settings.map_review_no))
    fig.text(0.005, 0.04, "  ".join(p for p in parts if p), fontsize=7.5, color=colors.GREY, va="center")
    fig.text(0.005, 0.014, t("brief.map.note", lang), fontsize=7.5, color="#9c2f1f", va="center")
