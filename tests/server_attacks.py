"""The attacks on sign-in, sessions, error pages, the shared caches and the public screen, as a table-driven list.

Each :class:`Attack` says what was tried, with which input, what happened before, and
holds a ``check`` that tries it again on a scratch store (and, for ``server`` ones, a
``streamlit run`` server it starts) through :class:`Lab`: it fails with AssertionError
when the attack works, and returns what it saw. ``tests/test_server_attacks.py`` runs
every one; ``docs/make_security_server.py`` runs them and writes the table in
docs/security.md. The file-upload attacks have their own corpus (tests/data/).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import statistics
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import geopandas as gpd
import numpy as np
import shapely

from geo import asof, auth, schema, writes
from geo.audit import record_from_input
from geo.cli.main import main
from geo.maps import coarse, webmap
from geo.settings import ROOT
from geo.store import Store, StoreError
from tests.browser_support import streamlit_server
from tests.store_support import (
    ADMIN,
    ADMIN_USER,
    EDITOR,
    EDITOR_USER,
    limit_file_size,
    no_room_to_write,
    scratch_sample,
    scratch_store_with_users,
    signed_in,
    store_digest,
)
from tests.ws_client import StreamlitSocket, element_types, widget, widget_ids

APP = ROOT / "dashboard" / "app.py"
T0 = 1_900_000_000.0  # a fixed clock for the back-off cases: no test waits for real


class Lab:
    """Scratch stores and (started on first use) local servers for the attacks; close() stops the servers."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._count = 0
        self._servers: dict[str, str] = {}
        self._stack = contextlib.ExitStack()

    def store(self, users: bool = True) -> Store:
        self._count += 1
        folder = self.folder / f"store-{self._count}"
        folder.mkdir(parents=True)
        return scratch_store_with_users(folder) if users else scratch_sample(folder)

    def server(self, pages: str = "") -> str:
        """Base URL of ``streamlit run dashboard/app.py`` on its own scratch store (``QY_PAGES=pages``)."""
        if pages not in self._servers:
            env = {"QY_STORE": self.store().url, "QY_PAGES": pages}
            self._servers[pages] = self._stack.enter_context(streamlit_server(APP, env=env))
        return self._servers[pages]

    def close(self) -> None:
        self._stack.close()


@dataclass(frozen=True)
class Attack:
    """One attack: what, with which input, what happened before; ``check(lab)`` tries it and returns what it sees now."""

    key: str
    area: str
    attack: str
    input: str
    before: str
    check: Callable[[Lab], str]
    server: bool = False


@contextlib.contextmanager
def _clock(start: float = T0) -> Iterator[list[float]]:
    """Stand the sign-in clock still at ``start`` (move it with ``now[0] += s``)."""
    now = [start]
    real = auth.time.time
    auth.time.time = lambda: now[0]  # type: ignore[assignment]
    try:
        yield now
    finally:
        auth.time.time = real  # type: ignore[assignment]


def _outcome(store: Store, name: str, password: str, client: str) -> str:
    try:
        auth.authenticate(store, name, password, client=client)
        return "ok"
    except auth.Throttled:
        return "wait"
    except auth.Refused:
        return "refused"


# --- sign-in --------------------------------------------------------------------------------------
def _forty_then_right(lab: Lab) -> str:
    store = lab.store()
    with _clock():
        outcomes = [_outcome(store, ADMIN[0], f"guess-{i}", "attacker") for i in range(40)]
        right = _outcome(store, *ADMIN, "attacker")
    assert outcomes.count("refused") == 5 and outcomes.count("wait") == 35 and right == "wait", (outcomes, right)
    return "5 guesses checked, then every try (35, and the right password) told to wait 1 s, doubling per failure"


def _many_clients(lab: Lab) -> str:
    store = lab.store()
    with _clock():
        outcomes = [_outcome(store, ADMIN[0], f"guess-{i}", f"client-{i}") for i in range(40)]
    assert outcomes.count("refused") == 5, outcomes
    return "the account waits whatever the client: 5 checked, 35 told to wait"


def _spray(lab: Lab) -> str:
    store = lab.store()
    with _clock():
        outcomes = [_outcome(store, f"user-{i}", "Password1", "sprayer") for i in range(40)]
        elsewhere = _outcome(store, *EDITOR[:2], "office-pc")
    assert outcomes.count("refused") == 20 and outcomes.count("wait") == 20 and elsewhere == "ok", outcomes
    return "20 names checked, then this client waits; other clients sign in as before"


def _parallel(lab: Lab) -> str:
    store = lab.store()
    results: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def guess(i: int) -> None:
        start.wait()
        for n in range(5):
            outcome = _outcome(store, EDITOR[0], f"guess-{i}-{n}", f"session-{i}")
            with lock:
                results.append(outcome)

    with _clock():
        threads = [threading.Thread(target=guess, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    checked = results.count("refused")
    assert checked == 5, results
    return f"40 guesses from 8 sessions at once: {checked} checked (pending ones count), {results.count('wait')} told to wait"


def _timing(lab: Lab) -> str:
    store = lab.store()
    checked: list[str] = []
    real = auth.verify_password
    auth.verify_password = lambda h, p: checked.append(h) or real(h, p)  # type: ignore[assignment]
    try:
        known, unknown = [], []
        for i in range(7):
            for name, into in ((ADMIN[0], known), (f"nobody-{i}", unknown)):
                begin = time.perf_counter()
                _outcome(store, name, "wrong-password", f"timing-{i}-{name}")
                into.append(time.perf_counter() - begin)
            auth.authenticate(store, *ADMIN, client=f"timing-{i}")  # the account's count starts again
    finally:
        auth.verify_password = real  # type: ignore[assignment]
    assert len(checked) == 21 and all(h.startswith("$argon2id$") for h in checked)  # one Argon2 check per try
    k, u = statistics.median(known) * 1000, statistics.median(unknown) * 1000
    return (f"every try runs one Argon2 check, known name or not ({len(checked)} of 21; an unknown name is checked "
            f"against a dummy hash); median of 7: existing {k:.0f} ms, unknown {u:.0f} ms")


def _weak_admin(lab: Lab) -> str:
    store = lab.store()
    refused = []
    for call in (lambda: writes.add_user(store, ADMIN_USER, "boss", "aaaaaaaa", "admin"),
                 lambda: writes.add_user(store, ADMIN_USER, "boss", "aaaaaaaaaaaaaaaaaaaa", "admin"),
                 lambda: writes.update_user(store, ADMIN_USER, EDITOR[0], role="admin"),
                 lambda: writes.add_user(store, ADMIN_USER, "x", "password123", "editor", ["金沙"])):
        try:
            call()
        except auth.AuthError as exc:
            refused.append(str(exc).split(" / ")[1])
    assert len(refused) == 4 and [u.name for u in store.users()] == ["admin", "li"], refused
    return f"refused: {refused[0]}; a 20-character repeat and 'password123' (editor): too easy to guess"


def _log_holds_no_password(lab: Lab) -> str:
    store = lab.store()
    before = store.fingerprint()
    for password in ("Secret-Guess-1", ADMIN[1]):
        _outcome(store, ADMIN[0], password, "web:192.0.2.7")
    log = store.sign_ins().attempts()
    assert [a.outcome for a in log] == ["ok", "wrong_password"]
    assert "Secret-Guess-1" not in repr(log)
    if store.url.startswith("gpkg:"):
        assert b"Secret-Guess-1" not in Path(store.url.removeprefix("gpkg:") + ".signins.sqlite").read_bytes()
    assert store.fingerprint() == before
    return "each attempt logged (time, name, client, outcome; no password); the store's fingerprint unchanged"


# --- sessions ---------------------------------------------------------------------------------------
def _edit_after(store: Store, user: auth.User) -> str:
    opened = writes.open_progress(store, "QY-0001")
    after = record_from_input({**opened.record.model_dump(), "actual_finish": dt.date(2016, 11, 20)})
    try:
        writes.save_progress(store, user, after, etag=opened.etag)
    except auth.Refused as exc:
        return str(exc).split(" / ")[1]
    raise AssertionError("the old session saved")


def _password_changed(lab: Lab) -> str:
    store = lab.store()
    writes.change_password(store, ADMIN_USER, EDITOR[0], "changed-by-admin-7")
    message = _edit_after(store, EDITOR_USER)
    assert store.audit().empty
    return f"the save is refused: {message}"


def _role_changed(lab: Lab) -> str:
    store = lab.store()
    writes.update_user(store, ADMIN_USER, EDITOR[0], subdistricts=["少城", "金沙"])
    message = _edit_after(store, EDITOR_USER)
    assert store.audit().empty and auth.refresh_user(store, EDITOR_USER) == auth.VIEWER
    return f"refused ({message}); the dashboard signs the session out on its next run"


def _re_added(lab: Lab) -> str:
    store = lab.store()
    writes.remove_user(store, ADMIN_USER, EDITOR[0])
    writes.add_user(store, ADMIN_USER, EDITOR[0], EDITOR[1], "editor", ["金沙"])
    message = _edit_after(store, EDITOR_USER)
    assert store.audit().empty
    assert writes.acting_user(store, signed_in(store, EDITOR[0])).name == EDITOR[0]
    return f"the old session is refused ({message}); a new sign-in works"


# --- errors -----------------------------------------------------------------------------------------
def _disk_full_edit(lab: Lab) -> str:
    store = lab.store()
    before = store_digest(store)
    opened = writes.open_progress(store, "QY-0001")
    after = record_from_input({**opened.record.model_dump(), "actual_finish": dt.date(2016, 11, 20)})
    try:
        with no_room_to_write():
            writes.save_progress(store, EDITOR_USER, after, etag=opened.etag)
    except StoreError as exc:
        message = str(exc)
    else:
        raise AssertionError("saved on a full disk")
    assert store_digest(store) == before and str(lab.folder) not in message and ".gpkg" not in message
    return f"one message, nothing written: {message.split(' / ')[1]}"


def _disk_full_users_add(lab: Lab) -> str:
    store = lab.store(users=False)
    proc = subprocess.run([sys.executable, "-m", "geo", "users", "add", "admin", "--role", "admin", "--store", store.url],
                          input=f"{ADMIN[1]}\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=limit_file_size)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and str(lab.folder) not in proc.stderr
    assert store.users() == []
    return f"exit 2, one line: {proc.stderr.strip().split(' / ')[1]}"


def _disk_full_import(lab: Lab) -> str:
    store = lab.store()
    source = lab.folder / "one-new-compound.csv"
    source.write_text("小区名称,经度,纬度,所属街道\n宽巷子新院,104.05373,30.66784,少城\n", encoding="utf-8")
    before = store_digest(store)
    real = writes.commit_import

    def on_a_full_disk(*args, **kwargs):  # signed in; only the commit meets the full disk
        with no_room_to_write():
            return real(*args, **kwargs)

    err = io.StringIO()
    with (mock.patch.object(writes, "commit_import", on_a_full_disk), mock.patch.dict("os.environ", {"QY_PASSWORD": ADMIN[1]}),
          contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err)):
        code = main(["import", str(source), "--store", store.url, "--user", ADMIN[0]])
    shown = err.getvalue()
    assert code == 2 and shown.count("\n") == 1 and not LEAKS.search(shown), shown
    assert store_digest(store) == before
    return f"exit 2, one line, no version added: {shown.strip().split(' / ')[1]}"


LEAKS = re.compile(r"/work/|/srv/|/tmp/|site-packages|\.py\b|File \"|Traceback|Error\b")


def _crafted_widgets(lab: Lab) -> str:
    url = lab.server()
    with StreamlitSocket(url) as probe:
        probe.run("")
        ids = widget_ids(probe.run("edit"))
    shown = []
    for wid in ids:
        for value in ({"int_value": 99999}, {"string_value": "x" * 50}):
            with StreamlitSocket(url) as visitor:
                visitor.run("")
                shown += visitor.run("edit", widgets=[widget(wid, **value)]).exceptions()
    assert shown and not [s for s in shown if LEAKS.search(s)], shown
    ours = sum("编号" in s for s in shown)
    return (f"{2 * len(ids)} crafted states for the {len(ids)} widgets of /edit: {len(shown)} errors shown, "
            f"{ours} as the page's message with a log reference, {len(shown) - ours} as Streamlit's generic one; "
            "no path, type or trace")


def _config(lab: Lab) -> str:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none" and config["server"]["address"] == "127.0.0.1"
    return "client.showErrorDetails = \"none\"; server.address = \"127.0.0.1\" (README: how to serve others)"


# --- shared caches, the public server ---------------------------------------------------------------
def _lookups(url: str) -> dict[str, int]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    text = opener.open(f"{url}/_stcore/metrics", timeout=30).read().decode()
    found = re.findall(r'cache_lookups_total\{cache="dashboard\.cached\._loaded",cache_type="\w+",result="(\w+)"\} (\d+)',
                       text)
    return {result: int(n) for result, n in found}


def _clear_cache(lab: Lab) -> str:
    url = lab.server()
    with StreamlitSocket(url) as first:
        first.run("")
        first.run("briefing")
    before = _lookups(url)
    with StreamlitSocket(url) as visitor:
        visitor.run("")
        for _ in range(20):
            visitor.clear_cache()
        visitor.run("briefing")
    with StreamlitSocket(url) as other:
        other.run("")
        other.run("briefing")
    after = _lookups(url)
    assert after.get("miss", 0) == before.get("miss", 0) and after["hit"] > before["hit"], (before, after)
    return "refused (logged): the next visitor's data load is still a cache hit (0 new misses)"


def _screen_server(lab: Lab) -> str:
    url = lab.server(pages="screen")
    with StreamlitSocket(url) as visitor:
        visitor.run("")
        assert set(visitor.page_hashes) == {"", "screen"}
        for path in ("import", "edit", "briefing", "explorer"):
            run = visitor.run(path)
            kinds = set(element_types(run))
            assert "page_not_found" in run.kinds() and "component_instance" in kinds, (path, kinds)  # the screen's map
            assert not {"file_uploader", "text_input", "button", "date_input"} & kinds, (path, kinds)
    return ("the server registers the screen only: /import, /edit, /briefing and /explorer are 'page not found' "
            "and show the screen; no upload, input or button")


def _screen_dots(lab: Lab) -> str:
    ds = lab.store().load().dataset
    today = dt.date.today()
    data = webmap.features_from_compounds(ds.compounds, today, programme=ds.programme, anonymous=True)
    sent = gpd.GeoSeries(gpd.points_from_xy(*np.array([f["geometry"]["coordinates"] for f in data["features"]]).T),
                         crs="EPSG:4326").to_crs("EPSG:32648")
    tree = shapely.STRtree(ds.compounds.to_crs("EPSG:32648").geometry.values)
    nearest = tree.query_nearest(sent.values, return_distance=True, all_matches=False)[1]
    assert nearest.min() >= coarse.CLEARANCE_M
    assert sum(f["properties"]["n"] for f in data["features"]) == len(ds.compounds)
    assert {tuple(f["properties"]) for f in data["features"]} == {("s", "n")}
    assert asof.derive_status(ds.compounds, today).isin(schema.STATUSES).all()
    return (f"{len(ds.compounds):,} compounds sent as {len(sent)} dots of {coarse.CELL_M:.0f} m cells; "
            f"the nearest compound to any dot is {nearest.min():.0f} m away (at least {coarse.CLEARANCE_M:.0f} m)")


ATTACKS: list[Attack] = [
    Attack("login-one-account", "sign-in", "guess one account's password", "40 wrong passwords for admin from one "
           "client, then the right one", "all 40 checked (~6/s over 8 sessions), the right one signed in at once",
           _forty_then_right),
    Attack("login-many-clients", "sign-in", "the same from 40 clients", "one guess from each of 40 client addresses",
           "all checked", _many_clients),
    Attack("login-spray", "sign-in", "one password against many names", "'Password1' for 40 user names from one "
           "client", "all checked", _spray),
    Attack("login-parallel", "sign-in", "guess in parallel", "8 sessions at once, 5 guesses each, for one account",
           "all checked in parallel (Argon2, 64 MiB each)", _parallel),
    Attack("login-timing", "sign-in", "find user names by timing", "a wrong password for an existing and for an "
           "unknown name", "existing 210 ms vs unknown 47 ms end to end (authenticate: 430 vs 3 ms)", _timing),
    Attack("login-weak-admin", "sign-in", "weak passwords", "admin 'aaaaaaaa', a 20-character repeat, promotion "
           "without a new password, editor 'password123'", "'aaaaaaaa' accepted for an admin (8 characters "
           "was the only rule)", _weak_admin),
    Attack("login-audit", "sign-in", "are failures recorded", "a wrong and a right password", "not recorded",
           _log_holds_no_password),
    Attack("session-password", "sessions", "keep using a session after the password changed",
           "li signed in; an admin sets a new password; li saves", "saved under li's name", _password_changed),
    Attack("session-rights", "sessions", "keep using a session after the rights changed",
           "li signed in; an admin changes li's subdistricts; li saves", "saved with the old rights", _role_changed),
    Attack("session-readded", "sessions", "a removed user's session after the name is added again",
           "li removed and added again (same password); the old session saves", "saved", _re_added),
    Attack("error-disk-full-edit", "errors", "disk full on a progress edit", "a save while no file may grow past "
           "4 KB (RLIMIT_FSIZE; on a full tmpfs the message says 'the disk is full')",
           "raw traceback with server paths", _disk_full_edit),
    Attack("error-disk-full-users", "errors", "disk full on users add", "python -m geo users add admin --role admin "
           "under the same limit", "raw traceback with server paths", _disk_full_users_add),
    Attack("error-disk-full-import", "errors", "disk full on import", "python -m geo import of a one-row CSV "
           "whose commit meets the same limit", "raw traceback with server paths", _disk_full_import),
    Attack("error-crafted-widgets", "errors", "crafted widget states", "each widget id of /edit sent with an int "
           "and with a string value over the websocket", "TypeError tracebacks with server paths", _crafted_widgets,
           server=True),
    Attack("error-config", "errors", "what Streamlit shows by default", ".streamlit/config.toml",
           "showErrorDetails left at \"full\"; bound to every interface", _config),
    Attack("cache-clear", "shared caches", "empty everyone's caches", "20 clear_cache messages from an anonymous "
           "websocket", "every cache of the process emptied for all visitors", _clear_cache, server=True),
    Attack("screen-only-pages", "public server", "reach the data pages on the screen's server",
           "QY_PAGES=screen; /import, /edit, /briefing, /explorer", "one server for all pages", _screen_server,
           server=True),
    Attack("screen-coordinates", "public screen", "locate compounds from the screen", "the screen map's data",
           "every compound's exact coordinates", _screen_dots),
]
assert len({a.key for a in ATTACKS}) == len(ATTACKS)
