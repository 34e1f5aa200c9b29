"""Run an app under ``streamlit run`` and look at it in a real headless browser.

Plain helpers (no fixtures); ``tests/conftest.py`` wraps them in fixtures.
The browser is Debian's ``/usr/bin/chromium`` driven by Playwright's Python
package (never ``playwright install``). Every request to a host other than
localhost is aborted and recorded, so a test can assert the page is offline.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from geo.settings import streamlit_flags

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, FrameLocator, Page, Request, Route

REPO_ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_STATIC = REPO_ROOT / "dashboard" / "static"
ARTIFACTS = REPO_ROOT / "artifacts"
SCREENSHOT_DIR = ARTIFACTS / "screenshots"
LOG_DIR = ARTIFACTS / "logs"
CHROMIUM = Path(os.environ.get("QY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: streamlit-folium's component iframe (Streamlit titles it with the component name).
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def in_ci() -> bool:
    """True when the CI environment variable says so (CI=true, as CI services set)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip the test locally, but fail it in CI, where skipping would hide a gap."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def staged_app(script: Path, workdir: Path, static_dir: Path = DASHBOARD_STATIC) -> Path:
    """Copy ``script`` into ``workdir`` next to a ``static`` link to ``static_dir``.

    Streamlit serves ``<main script folder>/static`` at ``/app/static``, so a test
    app kept under ``tests/apps/`` gets the dashboard's static files (Leaflet under
    ``vendor/``) without a committed symlink or a probe file inside ``dashboard/``.
    The script is copied, not linked, because Streamlit may resolve a link back.
    """
    if not (static_dir / "vendor" / "leaflet.js").is_file():
        pytest.fail(f"{static_dir}/vendor is empty: run bash scripts/setup.sh", pytrace=False)
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / script.name
    shutil.copyfile(script, target)
    link = workdir / "static"
    if not link.exists():
        link.symlink_to(static_dir, target_is_directory=True)
    return target


def _healthy(url: str) -> bool:
    """True if Streamlit's health endpoint under ``url`` answers "ok"."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll the health endpoint until it answers; raise with the log tail if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if _healthy(url):
            return
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    state = f"exited with {proc.returncode}" if proc.poll() is not None else "not healthy"
    raise RuntimeError(f"streamlit at {url} {state} after {timeout:.0f}s; log {log}:\n{tail}")


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server we started, then kill it if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def streamlit_server(
    script: Path,
    *,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run ``streamlit run script`` on 127.0.0.1 and yield its base URL.

    Runs from the repo root (so ``.streamlit/config.toml`` applies) with the repo
    root on PYTHONPATH and the options scripts/run.sh takes from the settings
    (``geo.settings.streamlit_flags``); ``env`` adds variables such as ``QY_STORE``. Binding to
    127.0.0.1 also stops Streamlit from looking up the machine's external IP.
    The server log goes to ``artifacts/logs/``.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"streamlit-{Path(script).stem}-{port}.log"
    child_env = {**os.environ, **(env or {})}
    paths = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), *streamlit_flags(),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            command, cwd=REPO_ROOT, env=child_env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        _wait_healthy(url, proc, log, timeout)
        yield url
    finally:
        _stop(proc)


@contextmanager
def run_script_server(*, env: Mapping[str, str] | None = None, timeout: float = 60.0) -> Iterator[tuple[str, int, Path]]:
    """Start the dashboard as people do, with ``scripts/run.sh`` (setup skipped), on a free port.

    Yields (base URL, the server's pid, its log); ``env`` adds variables (e.g. ``QY_IMPORT_MAX_MB``).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"run-sh-{port}.log"
    child_env = {**os.environ, **(env or {}), "QY_SKIP_SETUP": "1"}
    command = ["bash", str(REPO_ROOT / "scripts" / "run.sh"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]
    with log.open("w") as log_file:
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env=child_env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, proc, log, timeout)
        yield url, proc.pid, log
    finally:
        _stop(proc)


@contextmanager
def chromium_browser() -> Iterator[Browser]:
    """Launch Debian's chromium headless through Playwright (skip/fail if absent)."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} not found: run bash scripts/setup.sh --test (as root) "
                     "or sudo apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed in this environment: run scripts/setup.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageVisit:
    """A page opened by :func:`offline_page` and what happened while it was open."""

    page: Page
    blocked: list[str] = field(default_factory=list)  # non-local requests, aborted
    local: list[str] = field(default_factory=list)  # local requests, let through
    errors: list[str] = field(default_factory=list)  # uncaught JS exceptions
    console_errors: list[str] = field(default_factory=list)  # console.error messages
    failed: list[str] = field(default_factory=list)  # local HTTP >= 400 / network failures


def _is_local(url: str) -> bool:
    """True for URLs that need no network: localhost, data:, blob:, about:."""
    parsed = urlparse(url)
    return parsed.scheme in {"data", "blob", "about"} or parsed.hostname in LOCAL_HOSTS


def _route_offline(visit: PageVisit):
    """A Playwright route handler that lets local requests through and aborts the rest."""

    def handle(route: Route) -> None:
        url = route.request.url
        if _is_local(url):
            visit.local.append(url)
            route.continue_()
        else:
            visit.blocked.append(url)
            route.abort("blockedbyclient")

    return handle


def _record_failure(visit: PageVisit, request: Request) -> None:
    """Record a local request that failed at the network level."""
    if _is_local(request.url):
        visit.failed.append(f"{request.failure} {request.url}")


@contextmanager
def offline_page(
    browser: Browser, url: str, *, width: int = 1280, height: int = 900
) -> Iterator[PageVisit]:
    """Open ``url`` in a fresh context where only localhost is reachable.

    Non-local requests (any frame, including component iframes) are aborted and
    listed in ``blocked``; JS exceptions go to ``errors``, console errors to
    ``console_errors``, local 4xx/5xx and network failures to ``failed``.
    Wait with Playwright (``wait_for``, ``page.wait_for_timeout``), never
    ``time.sleep``: the route handler only runs while Playwright is called, so a
    sleep stalls every request.
    """
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    visit = PageVisit(page=context.new_page())
    context.route("**/*", _route_offline(visit))
    page = visit.page
    page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("requestfailed", lambda request: _record_failure(visit, request))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.status} {r.url}"))
    try:
        page.goto(url, wait_until="domcontentloaded")
        yield visit
    finally:
        context.close()


#: Chromium flag: every host name but localhost fails to resolve (no network, HTTP cache on).
LOCAL_ONLY_RESOLVER = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


def local_only_browser(browser: Browser) -> Browser:
    """Another headless chromium (same Playwright) in which only localhost resolves. Close it.

    For timings: Playwright's request routing (:func:`offline_page`) sends every request
    through Python, adds ~0.3-0.5 s to a page of ~100 files and switches the HTTP cache off.
    """
    return browser.browser_type.launch(executable_path=str(CHROMIUM), headless=True,
                                       args=[*CHROMIUM_ARGS, LOCAL_ONLY_RESOLVER])


def timed_visit(context: BrowserContext, url: str, ready: Callable[[Page], None],
                page: Page | None = None, reload: bool = False) -> float:
    """Seconds from navigation to ``url`` until ``ready(page)`` returns.

    In a new tab of ``context`` (closed afterwards), or in ``page`` (kept open; ``reload``
    reloads it instead of navigating). A request to another host or an uncaught script
    error raises RuntimeError. Use a context of :func:`local_only_browser`.
    """
    own = page is None
    tab = context.new_page() if own else page
    outside: list[str] = []
    errors: list[str] = []
    on_request = lambda r: None if _is_local(r.url) else outside.append(r.url)  # noqa: E731
    on_error = lambda exc: errors.append(str(exc))  # noqa: E731
    tab.on("request", on_request)
    tab.on("pageerror", on_error)
    try:
        start = time.perf_counter()
        if reload:
            tab.reload(wait_until="commit")
        else:
            tab.goto(url, wait_until="commit")
        ready(tab)
        elapsed = time.perf_counter() - start
    finally:
        if own:
            tab.close()
        else:
            tab.remove_listener("request", on_request)
            tab.remove_listener("pageerror", on_error)
    if outside or errors:
        raise RuntimeError(f"{url}: requests to other hosts {outside[:3]} / page errors {errors[:3]}")
    return elapsed


def wait_for_map(
    page: Page, *, min_features: int = 1, timeout_ms: int = 30_000
) -> FrameLocator:
    """Wait until a streamlit-folium map has drawn ``min_features`` vector features, or
    (a programme map, whose shapes and dots are on a canvas) its compounds layer.

    Features are Leaflet's ``.leaflet-interactive`` SVG paths and markers inside the
    component iframe; a programme map says it has drawn its compounds with
    ``data-qy-compounds`` on its container. Returns the iframe's FrameLocator.
    """
    frame = page.frame_locator(FOLIUM_IFRAME).first
    svg = frame.locator(".leaflet-interactive").nth(min_features - 1)
    svg.or_(frame.locator("[data-qy-compounds]")).first.wait_for(state="attached", timeout=timeout_ms)
    return frame


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to ``artifacts/screenshots/<name>.png``."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def script_finished_kind(payload: object) -> str | None:
    """Decode one websocket frame from Streamlit: when it says a script run finished, return
    'fragment' (a fragment rerun), 'full' (the whole page) or the status name; else None."""
    if not isinstance(payload, (bytes, bytearray)):
        return None
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    msg = ForwardMsg()
    try:
        msg.ParseFromString(bytes(payload))
    except Exception:
        return None
    if msg.WhichOneof("type") != "script_finished":
        return None
    name = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
    return "fragment" if "FRAGMENT" in name else "full" if name == "FINISHED_SUCCESSFULLY" else name


def is_rerun_request(payload: object) -> bool:
    """True when a websocket frame sent by the browser asks Streamlit to rerun the script."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    msg = BackMsg()
    try:
        msg.ParseFromString(bytes(payload))  # type: ignore[arg-type]
    except Exception:
        return False
    return msg.WhichOneof("type") == "rerun_script"


def sign_in(page: Page, name: str, password: str) -> None:
    """Sign in through the sidebar's box of a Chinese page and wait until it names the user."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(name)
    sidebar.get_by_label("密码").fill(password)
    sidebar.get_by_role("button", name="登录").click()
    sidebar.get_by_text(f"当前用户：{name}").wait_for(state="attached", timeout=30_000)  # the box may fold
