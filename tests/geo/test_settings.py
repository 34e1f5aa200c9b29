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


def test_sign_in_and_session_settings(monkeypatch):
    assert (Settings.session_idle_minutes, Settings.login_free_failures, Settings.login_max_wait_seconds) == (30, 5, 900)
    monkeypatch.setenv("QY_SESSION_IDLE_MINUTES", "0")
    monkeypatch.setenv("QY_LOGIN_FREE_FAILURES", "-3")
    monkeypatch.setenv("QY_LOGIN_MAX_WAIT_SECONDS", "soon")
    s = get_settings()
    assert (s.session_idle_minutes, s.login_free_failures, s.login_max_wait_seconds) == (0, 1, 900)


@pytest.mark.parametrize(("value", "expected"), [
    ("", ()), ("screen", ("screen",)), (" /screen/ , briefing,", ("screen", "briefing")),
])
def test_pages_served(monkeypatch, value, expected):
    monkeypatch.setenv("QY_PAGES", value)
    assert get_settings().pages == expected


def test_warns_once_per_page_without_a_review_number(monkeypatch, caplog):
    import dataclasses

    from geo import settings as module

    monkeypatch.setattr(module, "_WARNED_NO_REVIEW", set())
    bare = dataclasses.replace(module.get_settings(), map_review_no="")
    with caplog.at_level("WARNING", logger="geo.settings"):
        assert module.warn_if_no_review_no(bare, "screen") is False
        module.warn_if_no_review_no(bare, "screen")
        assert module.warn_if_no_review_no(dataclasses.replace(bare, map_review_no="川S(2099)001号"), "screen")
    assert len([r for r in caplog.records if "审图号" in r.getMessage()]) == 1
