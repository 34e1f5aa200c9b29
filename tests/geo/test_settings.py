"""geo.settings: values from the environment, defaults for what is missing or unreadable."""
import datetime as dt

import pytest

from geo.settings import Settings, get_settings


@pytest.mark.parametrize(("value", "expected"), [
    ("", Settings.screen_reload_at), ("03:15", dt.time(3, 15)), ("off", None), ("OFF", None),
    ("25:00", Settings.screen_reload_at), ("soon", Settings.screen_reload_at),
])
def test_screen_reload_time(monkeypatch, value, expected):
    monkeypatch.setenv("QY_SCREEN_RELOAD_AT", value)
    assert get_settings().screen_reload_at == expected
