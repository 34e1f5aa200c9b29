"""Every write as a use case: rights checked from stored data, each refusal leaves the store byte-for-byte unchanged."""
from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys

import pytest

from geo import auth, writes
from geo.audit import EditError, changes_since, history_frame, record_from_input
from geo.auth import VIEWER, AuthError, Refused, User
from geo.imports.planning import plan_import
from geo.imports.readers import read_file
from geo.imports.validate import validate_table
from geo.settings import ROOT
from geo.store import EditConflict, StoreChanged, open_store, scratch_url
from tests.geo.tiny_data import tiny_dataset
from tests.store_support import ADMIN, ADMIN_USER, EDITOR, EDITOR_USER, scratch_store_with_users, signed_in, store_digest

# QY-0001 蜀汉路115号院 is in 金沙 (the test editor's), QY-0003 in 少城, QY-0004 has elevators EL-0001..4.


@pytest.fixture()
def store(tmp_path):
    return scratch_store_with_users(tmp_path)


def _edited(record, **changes):
    return record_from_input({**record.model_dump(), **changes})


def _edit(store, compound_id="QY-0001", **changes):
    opened = writes.open_progress(store, compound_id)
    return opened, _edited(opened.record, **(changes or {"actual_finish": dt.date(2016, 11, 5)}))


def _refused(store, call, *args, error=Refused, match=None, **kwargs):
    """Assert ``call`` raises ``error`` and the store's file is unchanged; return the message."""
    before = store_digest(store)
    with pytest.raises(error, match=match) as info:
        call(*args, **kwargs)
    assert store_digest(store) == before
    return str(info.value)


# --- progress edits ------------------------------------------------------------------------------
def test_an_editor_saves_a_compound_of_their_stored_subdistrict(store):
    opened, after = _edit(store)
    assert opened.subdistrict == "金沙" and opened.etag == "v1.r0"
    saved = writes.save_progress(store, EDITOR_USER, after, etag=opened.etag)
    assert saved == writes.Saved("v1.r1", 1)
    assert store.load().dataset.compounds.set_index("compound_id").at["QY-0001", "actual_finish"].day == 5
    audit = store.audit(compound_id="QY-0001")
    row = audit.iloc[0]
    assert (row.user, row.field, row.before, row.after) == ("li", "actual_finish", "2016-10-29", "2016-11-05")
    assert history_frame(audit, "en").iloc[0]["Field"] == "Actual finish"
    daily = changes_since(store.audit(), store.load().dataset.compounds, dt.date.today())
    assert list(daily["compound_id"]) == ["QY-0001"] and daily.iloc[0]["name"] == "蜀汉路115号院"


def test_an_editor_of_another_subdistrict_is_refused_whatever_they_claim(store):
    writes.add_user(store, ADMIN_USER, "zhao", "guanghua-pass", "editor", ["光华"])
    opened, after = _edit(store)  # a 金沙 compound
    claimed = dataclasses.replace(signed_in(store, "zhao"), subdistricts=("光华", "金沙"))
    message = _refused(store, writes.save_progress, store, claimed, after, etag=opened.etag)
    assert "金沙" in message  # refused by the compound's stored subdistrict, not the one the caller holds
    _, shaocheng = _edit(store, "QY-0003", actual_finish=None, actual_start=None)
    claimed = dataclasses.replace(EDITOR_USER, role="admin")
    assert "少城" in _refused(store, writes.save_progress, store, claimed, shaocheng, etag="v1.r0")  # a claimed role
    assert "sign in" in _refused(store, writes.save_progress, store, User("li", "admin"), shaocheng, etag="v1.r0")


def test_viewers_anonymous_removed_disabled_and_demoted_users_are_refused(store):
    writes.add_user(store, ADMIN_USER, "kan", "viewer-pass", "viewer")
    opened, after = _edit(store)
    claimed = dataclasses.replace(signed_in(store, "kan"), role="editor", subdistricts=("金沙",))
    assert "只读" in _refused(store, writes.save_progress, store, claimed, after, etag="v1.r0")
    assert "sign in" in _refused(store, writes.save_progress, store, VIEWER, after, etag="v1.r0")
    writes.update_user(store, ADMIN_USER, "li", subdistricts=["少城"])  # moved to another subdistrict
    _refused(store, writes.save_progress, store, EDITOR_USER, after, etag="v1.r0")
    writes.update_user(store, ADMIN_USER, "li", subdistricts=["金沙"], active=False)  # disabled
    assert "disabled" in _refused(store, writes.save_progress, store, EDITOR_USER, after, etag="v1.r0")
    writes.update_user(store, ADMIN_USER, "li", active=True, role="viewer")  # demoted
    _refused(store, writes.save_progress, store, EDITOR_USER, after, etag="v1.r0")
    writes.remove_user(store, ADMIN_USER, "li")  # removed: the session's User object is all that is left
    assert "removed" in _refused(store, writes.save_progress, store, EDITOR_USER, after, etag="v1.r0")


def test_a_stale_tag_is_a_conflict_and_both_editors_keep_their_work(store):
    opened, first = _edit(store)
    writes.save_progress(store, EDITOR_USER, first, etag=opened.etag)
    second = _edited(opened.record, plan_finish=dt.date(2016, 12, 1))  # made from the record as first opened
    message = _refused(store, writes.save_progress, store, ADMIN_USER, second, etag=opened.etag, error=EditConflict)
    assert "QY-0001" in message and "li" in message and "打开" in message
    fresh, again = _edit(store, plan_finish=dt.date(2016, 12, 1))  # reopen: the first edit is there
    writes.save_progress(store, ADMIN_USER, again, etag=fresh.etag)
    row = store.load().dataset.compounds.set_index("compound_id").loc["QY-0001"]
    assert (row["actual_finish"].day, row["plan_finish"].month) == (5, 12)


def test_nothing_to_change_writes_nothing_and_an_unknown_compound_is_an_error(store):
    opened = writes.open_progress(store, "QY-0001")
    before = store_digest(store)
    assert writes.save_progress(store, EDITOR_USER, opened.record, etag=opened.etag) == writes.Saved("v1.r0", 0)
    assert store_digest(store) == before
    with pytest.raises(EditError, match="QY-9999"):
        writes.open_progress(store, "QY-9999")
    ghost = opened.record.model_copy(update={"compound_id": "QY-9999"})
    _refused(store, writes.save_progress, store, ADMIN_USER, ghost, etag="v1.r0", error=EditError)


def test_an_elevator_of_another_compound_cannot_be_reached_through_this_one(store):
    opened = writes.open_progress(store, "QY-0001")
    foreign = {"elevator_id": "EL-0001", "building": "9栋", "actual_start": dt.date(2030, 1, 1)}  # QY-0004's
    after = _edited(opened.record, elevators=[*opened.record.model_dump()["elevators"], foreign])
    writes.save_progress(store, EDITOR_USER, after, etag=opened.etag)
    elevators = store.load().dataset.elevators.set_index("elevator_id")
    assert elevators.at["EL-0001", "compound_id"] == "QY-0004" and elevators.at["EL-0001", "building"] != "9栋"
    assert elevators.loc[elevators["compound_id"] == "QY-0001", "building"].tolist()[-1] == "9栋"  # a new one here


# --- imports and versions --------------------------------------------------------------------------
def _plan(store, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("小区名称,经度,纬度,所属街道\n宽巷子新院,104.05373,30.66784,少城\n", encoding="utf-8")
    loaded = store.load()
    return loaded, plan_import(loaded.dataset, validate_table(read_file(source), loaded.dataset))


def test_only_an_admin_commits_an_import_and_only_against_the_data_planned_on(store, tmp_path):
    loaded, plan = _plan(store, tmp_path)
    assert "admin" in _refused(store, writes.commit_import, store, EDITOR_USER, plan, expected=loaded.fingerprint)
    _refused(store, writes.commit_import, store, User("li", "admin"), plan, expected=loaded.fingerprint)
    opened, after = _edit(store)
    writes.save_progress(store, EDITOR_USER, after, etag=opened.etag)  # the store moves on after planning
    _refused(store, writes.commit_import, store, ADMIN_USER, plan, expected=loaded.fingerprint, error=StoreChanged)
    loaded, plan = _plan(store, tmp_path)
    assert writes.commit_import(store, ADMIN_USER, plan, expected=loaded.fingerprint, note="new.csv") == 2
    assert store.versions()[-1].user == "admin" and len(store.load().dataset.compounds) == 1892


def test_only_an_admin_restores(store):
    ds = store.load().dataset
    store.commit(ds.with_layers(compounds=ds.compounds.iloc[:5]), user="admin")
    _refused(store, writes.restore_version, store, EDITOR_USER, 1)
    _refused(store, writes.restore_version, store, VIEWER, 1)
    assert writes.restore_version(store, ADMIN_USER, 1) == 3
    assert len(store.load().dataset.compounds) == 1891


def test_a_password_change_ends_every_session_signed_in_before(store):
    opened, after = _edit(store)
    assert writes.save_progress(store, EDITOR_USER, after, etag=opened.etag).changes == 1
    writes.change_password(store, ADMIN_USER, "li", "new-editor-pass")  # e.g. the password leaked
    opened, after = _edit(store, actual_finish=dt.date(2016, 11, 9))
    assert "sign in again" in _refused(store, writes.save_progress, store, EDITOR_USER, after, etag=opened.etag)
    assert writes.save_progress(store, signed_in(store, "li"), after, etag=opened.etag).changes == 1


def test_a_removed_user_added_again_does_not_revive_old_sessions(store):
    writes.remove_user(store, ADMIN_USER, "li")
    writes.add_user(store, ADMIN_USER, "li", EDITOR[1], "editor", ["金沙"])  # the same name, role and password
    opened, after = _edit(store)
    _refused(store, writes.save_progress, store, EDITOR_USER, after, etag=opened.etag)
    assert store.audit().empty


def test_replacing_a_store_that_has_an_admin_takes_an_admin(store, tmp_path):
    _refused(store, writes.initialize_store, store, EDITOR_USER, tiny_dataset())
    fresh = open_store(scratch_url(tmp_path, "fresh"))
    writes.initialize_store(fresh, VIEWER, tiny_dataset())  # nothing there yet: anyone
    assert len(fresh.load().dataset.compounds) == 3
    writes.initialize_store(store, ADMIN_USER, tiny_dataset())
    assert store.users() == []  # a fresh store: history and users restart


# --- users --------------------------------------------------------------------------------------------
def test_the_first_admin_needs_no_sign_in_and_only_while_there_is_none(store, tmp_path):
    assert "admin" in _refused(store, writes.create_first_admin, store, "mallory", "take-over-123")
    fresh = open_store(scratch_url(tmp_path, "fresh"))
    fresh.initialize(tiny_dataset())
    assert not writes.admin_exists(fresh)
    _refused(fresh, writes.create_first_admin, fresh, "wang", "aaaaaaaa", error=AuthError, match="15")
    assert writes.create_first_admin(fresh, "wang", "plum-river-cobalt-88").is_admin
    assert writes.admin_exists(fresh)


def test_user_management_is_for_admins(store):
    _refused(store, writes.add_user, store, EDITOR_USER, "x", "some-password", "admin")
    _refused(store, writes.add_user, store, dataclasses.replace(EDITOR_USER, role="admin"), "x", "some-password", "admin")
    _refused(store, writes.update_user, store, EDITOR_USER, "li", role="admin")
    _refused(store, writes.remove_user, store, EDITOR_USER, "admin")
    _refused(store, writes.change_password, store, EDITOR_USER, "admin", "new-password-1")
    _refused(store, writes.list_users, store, EDITOR_USER)
    _refused(store, writes.add_user, store, ADMIN_USER, "li", "some-password", "viewer", error=AuthError, match="exists")
    _refused(store, writes.add_user, store, ADMIN_USER, "x", "short", "viewer", error=AuthError, match="8")
    _refused(store, writes.add_user, store, ADMIN_USER, "x", "some-password", "boss", error=AuthError)
    _refused(store, writes.remove_user, store, ADMIN_USER, "nobody", error=AuthError, match="nobody")
    assert [u.name for u in writes.list_users(store, ADMIN_USER)] == ["admin", "li"]


def test_users_change_their_own_password_and_the_last_admin_stays(store):
    writes.change_password(store, EDITOR_USER, "li", "new-editor-pass")
    from geo.auth import authenticate
    assert authenticate(store, "li", "new-editor-pass").name == "li"
    assert "last admin" in _refused(store, writes.remove_user, store, ADMIN_USER, "admin")
    _refused(store, writes.update_user, store, ADMIN_USER, "admin", role="editor")
    _refused(store, writes.update_user, store, ADMIN_USER, "admin", active=False)
    writes.add_user(store, ADMIN_USER, "wang", "plum-river-cobalt-88", "admin")
    writes.remove_user(store, ADMIN_USER, "admin")  # another admin remains
    assert [u.name for u in store.users()] == ["li", "wang"]


def test_a_restore_says_what_it_restores_in_the_users_language(store):
    ds = store.load().dataset
    store.commit(ds.with_layers(compounds=ds.compounds.iloc[:5]), user="admin", note="five")
    writes.restore_version(store, ADMIN_USER, 1, lang="en")
    writes.restore_version(store, ADMIN_USER, 2)
    assert [v.note for v in store.versions()[-2:]] == ["restore of version 1", "恢复第 2 版"]


def test_only_editors_and_admins_may_upload_files(store):
    assert writes.may_check_files(store, EDITOR_USER).name == "li"
    assert writes.may_check_files(store, ADMIN_USER).is_admin
    for actor in (VIEWER, User("li", "viewer"), User("ghost", "admin")):
        if actor.name == "li":
            continue  # the stored role counts, not the claimed one: li is an editor
        with pytest.raises(Refused):
            writes.may_check_files(store, actor)
    writes.update_user(store, ADMIN_USER, "li", role="viewer")
    with pytest.raises(Refused, match="sign in again"):  # li's session ended with the change
        writes.may_check_files(store, EDITOR_USER)
    with pytest.raises(Refused, match="editor"):  # and signed in again, li is a viewer now
        writes.may_check_files(store, signed_in(store, "li"))


_FULL_DISK_IMPORT = """
import resource, sys
sys.path.insert(0, {root!r})
resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))  # files may grow to 256 KB: the disk is full
from geo.cli.main import main
sys.exit(main(["import", {file!r}, "--store", {store!r}, "--user", "admin"]))
"""


@pytest.mark.gpkg_only  # the full disk is a file-size limit on the importing process; a PostGIS server writes its own files
def test_a_full_disk_on_import_is_a_clear_message_and_the_store_is_unchanged(store, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("小区名称,经度,纬度,所属街道\n宽巷子新院,104.05373,30.66784,少城\n", encoding="utf-8")
    before = store_digest(store)
    script = _FULL_DISK_IMPORT.format(root=str(ROOT), file=str(source), store=store.url)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "QY_PASSWORD": ADMIN[1]})
    assert done.returncode == 2, done.stderr
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "无法写入数据" in err and "could not be written" in err and "nothing was saved" in err
    assert store_digest(store) == before and len(store.versions()) == 1
def test_a_password_built_from_the_programmes_place_names_is_refused(store):
    password = "qingyangcaotangshaocheng"  # zxcvbn alone scores it 4: its own lists know no district
    assert auth.password_problem(password, role="admin", name="boss") is None
    with pytest.raises(AuthError, match="an admin password must be very hard to guess"):
        writes.add_user(store, ADMIN_USER, "boss", password, "admin")
    assert store.user("boss") is None
