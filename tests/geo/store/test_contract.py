"""The store contract: what every backend of geo.store.base.Store must do, tested through the interface only.

Parametrised over backends by the ``backend`` fixture: one entry of ``BACKENDS`` per
backend (GeoPackage, PostGIS). A new backend adds an entry (how to make an empty store,
how to digest everything it holds, how to pause a child process in the middle of a
write) and must pass every test here unchanged.
"""
from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pytest

from geo.backoff import Backoff, SignInPolicy, Tally
from geo.dataset import LAYERS, parse_dates
from geo.settings import ROOT
from geo.store import EDIT_KEYS, Change, EditConflict, Store, StoreChanged, StoreError, open_store, scratch_url
from tests.geo.tiny_data import tiny_dataset
from tests.store_support import pg_digest, pg_url

MARK = "MID-WRITE"


@dataclass(frozen=True)
class Backend:
    """How the contract makes, inspects and interrupts one backend's stores."""

    name: str
    make_url: Callable[[Path], str]  # URL of a new, empty store using the scratch folder
    raw_digest: Callable[[Store], str]  # digest of everything the backend keeps (beyond the interface)
    pause_commit: str  # Python run in a child first: a commit prints MARK mid-write and waits
    pause_edit: str  # the same for a progress edit (inside its transaction)


def _gpkg_digest(store: Store) -> str:
    return hashlib.sha256(Path(store.url.removeprefix("gpkg:")).read_bytes()).hexdigest()


GPKG = Backend(
    name="gpkg",
    make_url=lambda folder: scratch_url(folder),
    raw_digest=_gpkg_digest,
    pause_commit=textwrap.dedent(f"""
        import time, geo.store.gpkg as backend
        real = backend._apply_stage
        def paused(con, layer, version):
            real(con, layer, version)
            if layer == "compounds":  # some layers are changed inside the open transaction, others not yet
                print({MARK!r}, flush=True)
                time.sleep(60)
        backend._apply_stage = paused
    """),
    pause_edit=textwrap.dedent(f"""
        import time, geo.store.gpkg as backend
        real = backend._apply_change
        def paused(con, change, version):
            real(con, change, version)  # the row is changed inside the open transaction
            print({MARK!r}, flush=True)
            time.sleep(60)
        backend._apply_change = paused
    """),
)
POSTGIS = Backend(
    name="postgis",
    make_url=lambda folder: pg_url(folder),
    raw_digest=pg_digest,
    pause_commit=textwrap.dedent(f"""
        import time, geo.store.postgis as backend
        real = backend.PostgisStore._apply_stage
        def paused(self, cur, name, columns, version):
            touched = real(self, cur, name, columns, version)
            if name == "compounds":  # some tables are changed inside the open transaction, others not yet
                print({MARK!r}, flush=True)
                time.sleep(60)
            return touched
        backend.PostgisStore._apply_stage = paused
    """),
    pause_edit=textwrap.dedent(f"""
        import time, geo.store.postgis as backend
        real = backend._apply_change
        def paused(cur, schema, change, version):
            real(cur, schema, change, version)  # the row is changed inside the open transaction
            print({MARK!r}, flush=True)
            time.sleep(60)
        backend._apply_change = paused
    """),
)
BACKENDS = [GPKG, POSTGIS]


@pytest.fixture(params=BACKENDS, ids=lambda b: b.name)
def backend(request) -> Backend:
    return request.param


@pytest.fixture()
def store(backend, tmp_path) -> Store:
    """A fresh store of the tiny data set (3 compounds QY-A/B/C, version 1, no users)."""
    store = open_store(backend.make_url(tmp_path))
    store.initialize(tiny_dataset())
    return store


def _state(store: Store) -> tuple:
    """Everything the interface shows: every layer, meta, versions, audit, users, tags."""
    loaded = store.load()
    ds = loaded.dataset
    layers = {name: getattr(ds, name).to_csv(index=False) for name in LAYERS}
    tags = {cid: store.etag(cid) for cid in ds.compounds["compound_id"]}
    return (loaded.fingerprint, layers, ds.meta, store.versions(), store.audit().to_dict("records"), store.users(), tags)


def _change(field: str = "actual_finish", value: str = "2023-06-30", cid: str = "QY-B") -> Change:
    return Change("compounds", (cid,), field, None, value)


def _amount(store: Store, cid: str = "QY-A") -> float:
    funding = store.load().dataset.funding
    row = funding[(funding["compound_id"] == cid) & (funding["year"] == 2022) & (funding["source"] == "residents")]
    return float(row["amount_wan_yuan"].iloc[0])


# --- reading -------------------------------------------------------------------------------------
def test_every_layer_round_trips_with_crs_and_dates(store):
    back, tiny = store.load().dataset, tiny_dataset()
    assert back.meta == tiny.meta
    for name, kind in LAYERS.items():
        frame, expected = getattr(back, name), getattr(tiny, name)
        assert len(frame) == len(expected), name
        if kind != "table":
            assert frame.crs.to_epsg() == 4326, name
            assert frame.geometry.equals(expected.geometry), name
        columns = [c for c in expected.columns if c != "geometry"]
        pd.testing.assert_frame_equal(pd.DataFrame(frame[columns]).reset_index(drop=True),
                                      pd.DataFrame(expected[columns]).reset_index(drop=True),
                                      check_dtype=False, obj=name)
    assert back.compounds["actual_finish"].dtype.kind == "M"


def test_load_pairs_the_data_with_the_fingerprint_they_were_read_under(store):
    loaded = store.load()
    assert loaded.fingerprint == store.fingerprint() == store.load().fingerprint  # reads change nothing
    store.apply_changes("QY-B", [_change()], user="ed", etag=store.etag("QY-B"))
    assert store.fingerprint() != loaded.fingerprint  # the old handle is stale, and says so
    assert store.load().fingerprint == store.fingerprint()


def test_a_load_racing_writers_never_pairs_data_with_another_fingerprint(store):
    seen: dict[str, float] = {}
    done = threading.Event()

    def writer() -> None:
        for i in range(25):
            change = Change("funding", ("QY-A", 2022, "residents"), "amount_wan_yuan", None, float(i))
            store.apply_changes("QY-A", [change], user="w", etag=store.etag("QY-A"))
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not done.is_set():
        loaded = store.load()
        funding = loaded.dataset.funding
        amount = float(funding[(funding["compound_id"] == "QY-A") & (funding["year"] == 2022)
                               & (funding["source"] == "residents")]["amount_wan_yuan"].iloc[0])
        assert seen.setdefault(loaded.fingerprint, amount) == amount  # one fingerprint, one content
    thread.join()
    assert _amount(store) == 24.0


def test_the_compound_count_follows_the_current_version(store):
    assert store.compound_count() == len(tiny_dataset().compounds) == 3
    full = tiny_dataset()
    smaller = replace(full, compounds=full.compounds.iloc[:2])
    store.commit(smaller, user="system", kind="import")
    assert store.compound_count() == 2
    store.restore(1, user="system")
    assert store.compound_count() == 3


def test_a_missing_store_is_a_clear_error(backend, tmp_path):
    missing = open_store(backend.make_url(tmp_path / "nothing-here"))
    for read in (missing.load, missing.fingerprint, missing.versions, missing.users):
        with pytest.raises(StoreError):
            read()


def test_compound_rows_and_tag_are_read_together(store):
    rows = store.compound("QY-A")
    assert rows.exists and rows.subdistrict == "府南" and rows.etag == store.etag("QY-A")
    assert set(rows.layers) == set(EDIT_KEYS)
    assert len(rows.layers["works"]) == 2 and len(rows.layers["elevators"]) == 2 and len(rows.layers["funding"]) == 3
    assert "geometry" not in rows.layers["compounds"].columns
    assert rows.layers["compounds"]["actual_finish"].dtype.kind == "M"
    unknown = store.compound("QY-Z")
    assert not unknown.exists and unknown.subdistrict is None


# --- versions and restore --------------------------------------------------------------------------
def test_commit_makes_a_new_version_and_restore_brings_an_old_one_back(store):
    tiny = tiny_dataset()
    assert [(v.version, v.kind, v.compounds, v.current) for v in store.versions()] == [(1, "init", 3, True)]
    fingerprint = store.fingerprint()
    assert store.commit(tiny.with_layers(compounds=tiny.compounds.iloc[:1]), user="alice", note="one") == 2
    assert store.fingerprint() != fingerprint
    assert len(store.load().dataset.compounds) == 1
    assert len(store.load_version(1).compounds) == 3 and len(store.load_version(2).compounds) == 1
    assert store.restore(1, user="bob") == 3
    assert list(store.load().dataset.compounds["compound_id"]) == ["QY-A", "QY-B", "QY-C"]
    assert [(v.version, v.kind, v.user, v.note, v.compounds, v.current) for v in store.versions()] == [
        (1, "init", "system", "", 3, False), (2, "import", "alice", "one", 1, False),
        (3, "restore", "bob", "restore 1", 3, True)]
    with pytest.raises(StoreError, match="1, 2, 3"):
        store.restore(7, user="bob")
    assert store.restore(2, user="bob", note="恢复第 2 版的数据") == 4  # a note in the user's language
    assert store.versions()[-1].note == "恢复第 2 版的数据" and len(store.load().dataset.compounds) == 1


def test_edits_are_counted_per_version_and_kept_when_superseded(store):
    store.apply_changes("QY-B", [_change()], user="ed", etag=store.etag("QY-B"))
    assert store.versions()[-1].edits == 1
    store.commit(tiny_dataset(), user="admin")  # an import replacing the edited data
    current = store.load().dataset.compounds.set_index("compound_id")
    assert pd.isna(current.at["QY-B", "actual_finish"])
    kept = store.load_version(1).compounds.set_index("compound_id")
    assert kept.at["QY-B", "actual_finish"] == pd.Timestamp("2023-06-30")  # the edit is not lost
    assert [v.edits for v in store.versions()] == [1, 0]


def test_commit_creates_a_store_that_does_not_exist(backend, tmp_path):
    store = open_store(backend.make_url(tmp_path))
    assert store.commit(tiny_dataset(), user="first", kind="import") == 1
    assert [(v.version, v.user) for v in store.versions()] == [(1, "first")]


# --- audit and optimistic concurrency ----------------------------------------------------------------
def test_an_edit_writes_rows_audit_and_a_new_tag(store):
    assert store.etag("QY-B") == "v1.r0" and store.audit().empty
    tag = store.apply_changes("QY-B", [_change(), Change("works", ("QY-B", "ev_chargers"), "quantity", None, 4)],
                              user="ed", etag="v1.r0")
    assert tag == store.etag("QY-B") != "v1.r0"
    ds = store.load().dataset
    chargers = ds.works[(ds.works["compound_id"] == "QY-B") & (ds.works["work"] == "ev_chargers")]
    assert list(chargers["quantity"]) == [4]  # a new row
    audit = store.audit(compound_id="QY-B")
    assert list(audit["field"]) == ["quantity", "actual_finish"]  # newest first
    assert set(audit["user"]) == {"ed"} and list(audit["after"]) == ["4", "2023-06-30"]
    assert audit.iloc[1]["before"] is None and audit.iloc[1]["version"] == 1
    assert store.audit(compound_id="QY-A").empty
    assert len(store.audit(since="2000-01-01")) == 2 and store.audit(since="2999-01-01").empty


def test_the_construction_layers_round_trip_and_take_edits_keyed_by_day_and_id(store):
    """handovers, daily_progress, issue_log: committed rows come back (dates and date-times), and an
    edit inserts a day's report (a date in its key, a time of day in its value) and an issue."""
    ds = store.load().dataset
    rows = {
        "handovers": [{"compound_id": "QY-B", "from_work": "gas", "to_work": "facade_roof", "plan_date": "2023-04-01",
                       "actual_date": "2023-04-03", "accepted_by": "王工"}],
        "daily_progress": [{"compound_id": "QY-B", "work": "gas", "date": "2023-03-02", "percent": 12.5, "workers": 6,
                            "note": "开挖", "reported_by": "li", "reported_at": "2023-03-02 18:45:00"}],
        "issue_log": [{"issue_id": "QY-B-I001", "compound_id": "QY-B", "work": "gas", "category": "safety",
                       "description": "临边", "raised_at": "2023-03-02 09:10:00", "raised_by": "li", "owner": "施工单位",
                       "due": "2023-03-02", "resolved_at": "2023-03-02 11:00:00", "resolution": "已整改"}],
    }
    store.commit(ds.with_layers(**{k: parse_dates(pd.DataFrame(v)) for k, v in rows.items()}), user="admin", note="site")
    back = store.load().dataset
    for name, expected in rows.items():
        got = getattr(back, name)
        assert len(got) == 1, name
        for column, value in expected[0].items():
            cell = got.iloc[0][column]
            assert (str(cell)[:len(str(value))] if hasattr(cell, "isoformat") else cell) == value, (name, column)
    changes = [Change("daily_progress", ("QY-B", "gas", pd.Timestamp("2023-03-03").date()), "percent", None, 20.0),
               Change("daily_progress", ("QY-B", "gas", pd.Timestamp("2023-03-03").date()), "reported_at", None,
                      pd.Timestamp("2023-03-03 19:05:00")),
               Change("issue_log", ("QY-B-I002",), "compound_id", None, "QY-B"),
               Change("issue_log", ("QY-B-I002",), "description", None, "噪音")]
    store.apply_changes("QY-B", changes, user="li", etag=store.etag("QY-B"))
    daily = store.load().dataset.daily_progress.sort_values("date")
    assert list(daily["percent"]) == [12.5, 20.0] and daily.iloc[1]["reported_at"] == pd.Timestamp("2023-03-03 19:05:00")
    rows_b = store.compound("QY-B").layers
    assert set(rows_b["issue_log"]["issue_id"]) == {"QY-B-I001", "QY-B-I002"} and len(rows_b["daily_progress"]) == 2
    assert set(store.audit(compound_id="QY-B")["record"]) == {"QY-B|gas|2023-03-03", "QY-B-I002"}


def test_a_stale_tag_is_refused_and_nothing_is_written(store, backend):
    opened = store.etag("QY-B")
    store.apply_changes("QY-B", [_change()], user="first", etag=opened)
    before, digest = _state(store), backend.raw_digest(store)
    with pytest.raises(EditConflict) as info:
        store.apply_changes("QY-B", [_change("plan_finish", "2023-07-31")], user="second", etag=opened)
    assert info.value.compound_id == "QY-B" and info.value.last["user"] == "first"
    assert _state(store) == before and backend.raw_digest(store) == digest


def test_an_import_or_restore_makes_every_open_tag_stale(store):
    opened = store.etag("QY-A")
    store.commit(tiny_dataset(), user="admin")
    with pytest.raises(EditConflict):
        store.apply_changes("QY-A", [_change(cid="QY-A")], user="ed", etag=opened)


def test_racing_editors_exactly_one_wins(store):
    opened = store.etag("QY-B")
    barrier = threading.Barrier(4)
    results: list[str] = []

    def editor(i: int) -> None:
        barrier.wait()
        try:
            store.apply_changes("QY-B", [Change("funding", ("QY-B", 2030, "donations"), "amount_wan_yuan", None,
                                                float(i))], user=f"u{i}", etag=opened)
            results.append("saved")
        except EditConflict:
            results.append("refused")

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["refused", "refused", "refused", "saved"]
    assert len(store.audit(compound_id="QY-B")) == 1
    funding = store.load().dataset.funding
    assert len(funding[(funding["compound_id"] == "QY-B") & (funding["year"] == 2030)]) == 1


def test_a_commit_planned_against_older_data_is_refused(store, backend):
    planned = store.load()
    store.apply_changes("QY-B", [_change()], user="ed", etag=store.etag("QY-B"))
    before, digest = _state(store), backend.raw_digest(store)
    with pytest.raises(StoreChanged):
        store.commit(planned.dataset, user="admin", expected=planned.fingerprint)
    assert _state(store) == before and backend.raw_digest(store) == digest
    assert store.commit(planned.dataset, user="admin", expected=store.load().fingerprint) == 2


# --- users -----------------------------------------------------------------------------------------
def test_users_are_added_replaced_listed_and_removed(store):
    assert store.users() == [] and store.user("li") is None
    store.put_user("wang", role="admin", password_hash="h1")
    store.put_user("li", role="editor", password_hash="h2", subdistricts=["金沙", "光华"])
    first = store.user("li")
    assert first is not None and (first.role, first.subdistricts, first.active) == ("editor", ("金沙", "光华"), True)
    store.put_user("li", role="viewer", password_hash="h3", active=False)
    again = store.user("li")
    assert again is not None and (again.role, again.subdistricts, again.password_hash, again.active) == (
        "viewer", (), "h3", False)
    assert again.created_at == first.created_at  # replacing keeps when the user was created
    assert [u.name for u in store.users()] == ["li", "wang"]
    assert store.delete_user("li") and not store.delete_user("li")
    assert [u.name for u in store.users()] == ["wang"]


def test_users_audit_and_tags_survive_commits_and_restores(store):
    store.put_user("wang", role="admin", password_hash="h")
    tag = store.apply_changes("QY-B", [_change()], user="ed", etag=store.etag("QY-B"))
    store.commit(tiny_dataset(), user="wang")
    store.restore(1, user="wang")
    assert [u.name for u in store.users()] == ["wang"]
    assert len(store.audit()) == 1
    assert store.etag("QY-B") != tag  # a new version: every tag moved on


# --- sign-ins --------------------------------------------------------------------------------------
POLICY = SignInPolicy(account=Backoff(free=3, window_s=100.0), client=Backoff(free=5, window_s=50.0))
T0 = 1_900_000_000.0


def _try(log, name: str, client: str, outcome: str, at: float) -> float:
    """One attempt settled with ``outcome``; its wait instead when it had to wait."""
    begun = log.begin(name, client, POLICY, at)
    if begun.attempt is None:
        return begun.retry_after
    log.finish(begun.attempt, outcome)
    return 0.0


def test_sign_ins_are_counted_per_account_since_its_last_success_and_per_client(store):
    log = store.sign_ins()
    for i in range(3):
        assert _try(log, "wang", f"c{i}", "wrong_password", T0 + i) == 0.0
    assert log.tally("wang", "c9", POLICY, T0 + 3) == (Tally(3, T0 + 2), Tally(0, 0.0))
    assert _try(log, "wang", "c9", "ok", T0 + 2.5) == 0.5  # 3 failures: wait 1 s after the last, right password or not
    assert _try(log, "wang", "c9", "ok", T0 + 3.5) == 0.0
    assert log.tally("wang", "c9", POLICY, T0 + 4) == (Tally(0, 0.0), Tally(0, 0.0))  # a success starts again
    for i in range(5):
        _try(log, f"name-{i}", "sprayer", "unknown_user", T0 + 10 + i)
    assert log.tally("someone", "sprayer", POLICY, T0 + 15) == (Tally(0, 0.0), Tally(5, T0 + 14))
    assert _try(log, "someone", "sprayer", "unknown_user", T0 + 15) == 0.0  # 1 s after T0 + 14 has passed
    assert log.tally("someone", "sprayer", POLICY, T0 + 70) == (Tally(1, T0 + 15), Tally(0, 0.0))  # out of the window
    assert log.tally("wang", "c0", POLICY, T0 + 200) == (Tally(0, 0.0), Tally(0, 0.0))
    names = [(a.name, a.client, a.outcome) for a in log.attempts(since=T0 + 3)]
    assert names[0] == ("someone", "sprayer", "unknown_user") and names[-1] == ("wang", "c9", "ok")
    assert len(names) == 7 and len(log.attempts()) == 10  # the attempt that waited was not recorded


def test_a_pending_sign_in_counts_as_a_failure_so_parallel_guesses_queue(store):
    log = store.sign_ins()
    results: list[int | None] = []
    lock = threading.Lock()

    def guess() -> None:
        begun = store.sign_ins().begin("target", "parallel", POLICY, T0)
        with lock:
            results.append(begun.attempt)

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == POLICY.account.free  # none of them settled yet
    assert {a.outcome for a in log.attempts()} == {"pending"}


def test_sign_ins_are_shared_by_processes_and_leave_the_data_alone(store):
    before = _state(store)
    script = "\n".join([f"import sys; sys.path.insert(0, {str(ROOT)!r})", "from geo.store import open_store",
                        "from tests.geo.store.test_contract import POLICY, T0, _try",
                        f"log = open_store({store.url!r}).sign_ins()",
                        "for i in range(3): _try(log, 'wang', 'other-process', 'wrong_password', T0 + i)"])
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, timeout=120)
    assert open_store(store.url).sign_ins().tally("wang", "here", POLICY, T0 + 3)[0] == Tally(3, T0 + 2)
    assert _state(store) == before  # fingerprint, data, audit, users: as they were


# --- atomicity when the writing process is killed --------------------------------------------------
def _killed_mid_write(pause: str, url: str, action: str) -> None:
    script = "\n".join([f"import sys; sys.path.insert(0, {str(ROOT)!r})", pause,
                        "from geo.store import open_store, Change", "from tests.geo.tiny_data import tiny_dataset",
                        f"store = open_store({url!r})", action])
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == MARK  # the write is half done now
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def test_a_commit_killed_mid_write_leaves_the_store_as_it_was(store, backend):
    before, digest = _state(store), backend.raw_digest(store)
    _killed_mid_write(backend.pause_commit, store.url,
                      "tiny = tiny_dataset(); store.commit(tiny.with_layers(compounds=tiny.compounds.iloc[:1]), user='x')")
    assert _state(store) == before and backend.raw_digest(store) == digest
    assert store.commit(tiny_dataset(), user="next") == 2  # and the next write succeeds


def test_an_edit_killed_mid_transaction_is_rolled_back(store, backend):
    before = _state(store)
    _killed_mid_write(backend.pause_edit, store.url,
                      "store.apply_changes('QY-B', [Change('compounds', ('QY-B',), 'actual_finish', None, '2023-06-30'),"
                      " Change('compounds', ('QY-B',), 'plan_finish', None, '2023-07-31')], user='x', etag='v1.r0')")
    assert _state(store) == before
    assert store.apply_changes("QY-B", [_change()], user="next", etag="v1.r0") == store.etag("QY-B")


def test_a_page_of_compounds_is_cut_counted_and_known_as_of_its_date(store):
    day = "2022-06-30"  # QY-A started (finished only in October), QY-B not yet
    page, total = store.compounds_page(day, offset=0, limit=2)
    assert total == 3 and list(page["compound_id"]) == ["QY-A", "QY-B"]
    assert list(page["status"]) == ["under_construction", "planned"]
    assert page.crs.to_epsg() == 4326 and page.geometry.iloc[0].x == pytest.approx(104.033)
    assert pd.isna(page["actual_finish"].iloc[0]) and page["actual_start"].iloc[0] == pd.Timestamp("2022-03-10")
    rest, again = store.compounds_page(day, offset=2, limit=2)
    assert again == 3 and list(rest["compound_id"]) == ["QY-C"]
    later, _ = store.compounds_page("2023-01-01", offset=0, limit=1)
    assert later["status"].iloc[0] == "completed" and later["actual_finish"].iloc[0] == pd.Timestamp("2022-10-01")
    scoped, n = store.compounds_page(day, subdistricts=["光华", "少城"], statuses=["planned"], limit=10)
    assert (n, list(scoped["compound_id"])) == (1, ["QY-B"])
    empty, none = store.compounds_page(day, subdistricts=[], limit=10)
    assert (none, len(empty)) == (0, 0) and "status" in empty.columns
    alone, uncounted = store.compounds_page(day, subdistricts=["光华", "少城"], statuses=["planned"], limit=10,
                                            count=False)
    assert uncounted == -1 and list(alone["compound_id"]) == ["QY-B"]
    for when in (day, "2021-01-01", "2023-01-01"):
        for scope in ({}, {"subdistricts": ["光华", "少城"]}, {"statuses": ["planned", "completed"]},
                      {"subdistricts": ["府南"], "statuses": ["under_construction"]}, {"subdistricts": []}):
            assert store.count_compounds(when, **scope) == store.compounds_page(when, limit=0, **scope)[1], (when, scope)


def test_the_compounds_in_a_box_filtered_by_status_as_of_a_date_match_the_in_memory_rule(store):
    from geo import asof, schema

    c = store.load().dataset.compounds
    box = (float(c.geometry.x.min()) - 0.01, float(c.geometry.y.min()) - 0.01,
           float(c.geometry.x.max()) + 0.01, float(c.geometry.y.max()) + 0.01)
    seen = set()
    for day in ("2021-01-01", "2022-06-30", "2022-12-31", "2030-01-01"):
        status = asof.derive_status(c, day)
        seen.update(status)
        for chosen in ([s] for s in schema.STATUSES):
            want = list(c.loc[status.isin(chosen).to_numpy(), "compound_id"])
            got = store.compounds_in_box(box, statuses=chosen, as_of=day)
            assert list(got["compound_id"]) == want, (day, chosen)
        both = ["planned", "completed"]
        got = store.compounds_in_box(box, statuses=both, as_of=day, subdistricts=["光华", "少城"], limit=1)
        want = list(c.loc[status.isin(both).to_numpy() & c["subdistrict"].isin(["光华", "少城"]).to_numpy(),
                          "compound_id"])[:1]
        assert list(got["compound_id"]) == want, day
    assert len(seen) >= 3  # the dates do change the statuses
    assert len(store.compounds_in_box(box, statuses=[], as_of="2022-06-30")) == 0
    assert len(store.compounds_in_box(box)) == len(c)


def test_compounds_are_found_by_id_prefix_or_name_with_wildcards_and_quotes_taken_as_text(backend, tmp_path):
    ds = tiny_dataset()
    c = ds.compounds.copy()
    c["name"] = ["50%_Off 'Quote' 甲", "5000off", "Ab_c\\d"]
    store = open_store(backend.make_url(tmp_path))
    store.initialize(ds.with_layers(compounds=c))

    def found(text: str, **kw) -> list[str]:
        hits = store.find_compounds(text, **kw)
        assert hits.crs.to_epsg() == 4326
        return list(hits["compound_id"])

    assert found("qy-") == ["QY-A", "QY-B", "QY-C"]  # id prefix, any case
    assert found("y-a") == []  # an id matches from its start only
    assert found("qy-b") == ["QY-B"] and found("5000OFF") == ["QY-B"]
    assert found("%") == ["QY-A"] and found("50%") == ["QY-A"]  # % is a character, not a wildcard
    assert found("_") == ["QY-A", "QY-C"] and found("_o") == ["QY-A"]  # so is _
    assert found("'quote'") == ["QY-A"] and found("' OR 1=1 --") == []
    assert found("\\") == ["QY-C"] and found("c\\d") == ["QY-C"]
    assert found("甲") == ["QY-A"] and found("  甲 ") == ["QY-A"]
    assert found("") == [] and found("   ") == []
    assert found("qy-", subdistricts=["光华", "少城"]) == ["QY-B", "QY-C"] and found("qy-", subdistricts=[]) == []
    assert found("qy-", limit=2) == ["QY-A", "QY-B"]


def test_the_rows_of_a_scope_are_read_chunk_by_chunk_up_to_the_limit(store):
    from geo import rollup

    day = "2022-06-30"

    def ids(**kw) -> list[str]:
        return list(rollup.compounds_of_scope(store, day, **kw)["compound_id"])

    assert ids(limit=10, chunk=1) == ids(limit=10) == ["QY-A", "QY-B", "QY-C"]
    assert ids(limit=2, chunk=1) == ["QY-A", "QY-B"] and ids(limit=0) == []
    assert ids(limit=5, chunk=2, statuses=["planned"]) == ["QY-B"]
    rows = rollup.compounds_of_scope(store, day, limit=3, chunk=2)
    assert list(rows["status"]) == list(store.compounds_page(day, limit=3)[0]["status"])
    assert list(rows.index) == [0, 1, 2] and rows.crs.to_epsg() == 4326
