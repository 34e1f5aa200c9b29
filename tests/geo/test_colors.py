"""geo.colors: one colour for every status, group and greenway level, in a form every writer takes."""
import re

from geo import colors, schema

HEX = re.compile(r"#[0-9a-f]{6}")


def _all() -> list[str]:
    return [*colors.STATUS.values(), *colors.GROUP.values(), *colors.GREENWAY.values(), *colors.PROGRESS_RAMP,
            colors.TARGET, colors.ELEVATOR, colors.EV_CHARGER, colors.NO_DATA, colors.HIGHLIGHT, colors.RULE,
            colors.CARD_FILL, colors.HIGHLIGHT_FILL, colors.BAND_FILL,
            colors.KEY_FILL, colors.KEY_EDGE, colors.INK, colors.GREY, colors.ACCENT, colors.WARN]


def test_every_vocabulary_value_has_its_own_colour():
    assert set(colors.STATUS) == set(schema.STATUSES)
    assert set(schema.ELEVATOR_STAGES) <= set(colors.STATUS)  # elevator stages are drawn in the status colours
    assert set(colors.GROUP) == set(schema.FUNDING_GROUPS)
    assert set(colors.GREENWAY) == set(schema.GREENWAY_LEVELS)
    assert len(set(colors.STATUS.values())) == len(colors.STATUS)
    assert len(set(colors.GROUP.values())) == len(colors.GROUP)


def test_colours_are_plain_hex_for_css_matplotlib_and_pptx():
    assert all(HEX.fullmatch(c) for c in _all())
