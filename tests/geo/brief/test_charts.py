import io
import warnings

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from geo import colors, metrics, schema
from geo.brief import charts
from geo.settings import REPORT_DATE


@pytest.fixture(scope="module")
def stats(sample):
    return metrics.stats(sample, REPORT_DATE)


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _has(pixels, hex_color, at_least=200):
    rgb = np.array([round(255 * c) for c in to_rgb(hex_color)])
    return int((pixels == rgb).all(axis=2).sum()) >= at_least


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_have_their_size_colours_and_every_glyph(stats, lang):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        years = _pixels(charts.year_progress_png(stats["year_progress"], lang, width_in=7, height_in=5, dpi=100))
        money = _pixels(charts.funding_png(stats["funding_wan_yuan"], REPORT_DATE.year, lang))
        lifts = _pixels(charts.elevators_png(stats["elevators"], lang))
    assert not [w for w in caught if "missing from" in str(w.message)]
    assert years.shape == (500, 700, 3)
    for status in schema.PROGRAMME_STATUSES:  # 2022: completed and building; 2023-24: planned
        assert _has(years, colors.STATUS[status]), status
    for group in schema.FUNDING_GROUPS:
        assert _has(money, colors.GROUP[group], 20), group
    for stage in schema.ELEVATOR_STAGES:
        assert _has(lifts, colors.STATUS[stage]), stage
