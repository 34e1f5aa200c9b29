"""Shared fixtures: a real browser and the dashboard under ``streamlit run``.

Helpers live in ``tests/browser_support.py``; only fixtures are defined here.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser_support import REPO_ROOT, chromium_browser, skip_or_fail, streamlit_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DASHBOARD_APP = REPO_ROOT / "dashboard" / "app.py"


def pytest_configure(config: pytest.Config) -> None:
    """Run the whole session on a scratch copy of the sample unless QY_STORE is given.

    Tests must never read a developer's working store (it may hold edits) nor write
    the committed sample; tests that write make their own copy in tmp_path. With
    ``QY_TEST_BACKEND=postgis`` the copy is a PostGIS store (tests/store_support.py).
    """
    if os.environ.get("QY_STORE"):
        return
    import tempfile

    from tests.store_support import backend, pg_server_problem, scratch_sample
    if backend() == "postgis" and (problem := pg_server_problem()):
        raise pytest.UsageError(f"QY_TEST_BACKEND=postgis: {problem}")
    os.environ["QY_STORE"] = scratch_sample(Path(tempfile.mkdtemp(prefix="qy-test-store-"))).url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian chromium (headless, via Playwright) for the whole session.

    Skips the test with a reason if /usr/bin/chromium is missing, unless CI=true,
    where it fails instead.
    """
    with chromium_browser() as launched:
        yield launched


@pytest.fixture(scope="session")
def app_store() -> str | None:
    """QY_STORE given to the dashboard under test (None: the app's own default).

    Defaults to the caller's QY_STORE; override this fixture to point the app at
    a temporary copy of the sample store.
    """
    return os.environ.get("QY_STORE") or None


@pytest.fixture(scope="session")
def app_url(app_store: str | None) -> Iterator[str]:
    """Base URL of ``streamlit run dashboard/app.py`` on a free port, for the session."""
    if not DASHBOARD_APP.is_file():
        skip_or_fail(f"{DASHBOARD_APP.relative_to(REPO_ROOT)} does not exist yet")
    env = {"QY_STORE": app_store} if app_store else {}
    with streamlit_server(DASHBOARD_APP, env=env) as url:
        yield url
