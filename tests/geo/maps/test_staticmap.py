import io
import warnings

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_rgb
from matplotlib.text import Text
from PIL import Image

from geo import colors, fonts, metrics, schema
from geo.asof import derive_status
from geo.maps import staticmap
from geo.settings import METRIC_CRS, REPORT_DATE
from tests.font_support import missing_glyphs

W, H = 2000, 920


@pytest.fixture(scope="module")
def drawn(sample):
    """The whole-district map at the report date: (figure, RGB pixel array, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = staticmap.progress_map_figure(sample, REPORT_DATE, width_px=W, height_px=H)
        png = staticmap.figure_png(fig)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return fig, pixels, [str(w.message) for w in caught]


def _rgb(hex_color):
    return tuple(round(255 * c) for c in to_rgb(hex_color))


def test_exact_size_and_not_blank(drawn):
    _, pixels, _ = drawn
    assert pixels.shape == (H, W, 3)
    not_white = (pixels < 245).any(axis=2).mean()
    assert not_white > 0.05
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50


def test_png_wrapper_returns_a_png_of_the_asked_size(sample):
    png = staticmap.progress_map_png(sample, REPORT_DATE, width_px=640, height_px=300)
    assert Image.open(io.BytesIO(png)).size == (640, 300)


def test_legend_patches_have_the_status_colours_and_counts(drawn, sample):
    fig, pixels, _ = drawn
    legend = next(leg for leg in fig.legends if leg.get_label() == "status-legend")
    renderer = fig.canvas.get_renderer()
    counts = metrics.compound_counts(sample.compounds, REPORT_DATE)
    for status, patch, text in zip(schema.STATUSES, legend.get_patches(), legend.get_texts()):
        box = patch.get_window_extent(renderer)
        x, y = int((box.x0 + box.x1) / 2), int(H - (box.y0 + box.y1) / 2)
        assert tuple(pixels[y, x]) == _rgb(colors.STATUS[status]), status
        assert text.get_text().endswith(f"{counts[status]:,}")


def test_isolated_compounds_are_drawn_in_their_status_colour(drawn, sample):
    fig, pixels, _ = drawn
    ax = next(a for a in fig.axes if a.get_label() == "map")
    pts = sample.compounds.to_crs(METRIC_CRS).geometry
    xy = ax.transData.transform(np.column_stack([pts.x, pts.y]))
    gap = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(gap, np.inf)
    status = derive_status(sample.compounds, REPORT_DATE).to_numpy()
    programme = np.isin(status, schema.PROGRAMME_STATUSES)
    renderer = fig.canvas.get_renderer()
    labels = [t.get_window_extent(renderer).expanded(1.2, 1.5) for t in ax.texts]
    unlabelled = np.array([not any(box.contains(*p) for box in labels) for p in xy])
    lonely = np.flatnonzero(programme & unlabelled & (gap.min(axis=1) > 12))
    assert len(lonely) >= 8
    for i in lonely:
        x, y = int(np.floor(xy[i, 0])), int(np.floor(H - xy[i, 1]))
        assert tuple(pixels[y, x]) == _rgb(colors.STATUS[status[i]]), sample.compounds.iloc[i]["compound_id"]


def test_chinese_text_uses_the_cjk_font_and_no_glyph_is_missing(drawn):
    fig, _, caught = drawn
    assert not [m for m in caught if "missing from" in m], caught
    texts = [t for t in fig.findobj(Text) if any(ord(ch) > 0x2E80 for ch in t.get_text())]
    assert any("青羊" in t.get_text() or "改造" in t.get_text() for t in texts)
    cjk = fonts.cjk_font()
    for t in texts:
        assert font_manager.findfont(t.get_fontproperties()) == str(cjk.path), t.get_text()
        assert missing_glyphs(t.get_text(), cjk) == "", t.get_text()


def test_area_zooms_in_and_unknown_area_lists_valid_ones(sample, drawn):
    fig, _, _ = drawn
    whole = np.diff(next(a for a in fig.axes if a.get_label() == "map").get_xlim())[0]
    zoomed = staticmap.progress_map_figure(sample, REPORT_DATE, area="清溪片区", lang="en", width_px=W, height_px=H)
    ax = next(a for a in zoomed.axes if a.get_label() == "map")
    assert np.diff(ax.get_xlim())[0] < whole / 4
    assert any(t.get_text().startswith("Qingxi") for t in ax.texts)
    with pytest.raises(metrics.UnknownPlace, match="上翔街片区"):
        staticmap.progress_map_figure(sample, REPORT_DATE, area="不存在片区")
