"""Progress edits: diff, audit trail, history, 'changes since', rights, racing editors."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import threading

import pytest

from geo.audit import (
    Change,
    EditError,
    changes_since,
    diff_records,
    history_frame,
    record_from_dataset,
    record_from_input,
    save_progress,
)
from geo.auth import AuthError, User
from geo.settings import SAMPLE_GPKG
from geo.store.gpkg import EditConflict, GpkgStore

EDITOR = User("li", "editor", ("金沙",))  # QY-0001 蜀汉路115号院 is in 金沙


@pytest.fixture()
def store(tmp_path) -> GpkgStore:
    path = tmp_path / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return GpkgStore(path)


def _edited(record, **changes):
    data = record.model_dump()
    data.update(changes)
    return record_from_input(data)


def test_diff_covers_dates_works_elevators_and_funding(sample):
    before = record_from_dataset(sample, "QY-0004")
    data = before.model_dump()
    data["actual_finish"] = dt.date(2023, 5, 1)
    data["works"] = [*data["works"], {"work": "ev_chargers", "quantity": 8}]
    data["elevators"] = [*data["elevators"], {"building": "9栋", "plan_start": dt.date(2024, 3, 1)}]
    data["funding"] = [*data["funding"], {"year": 2024, "source": "residents", "amount_wan_yuan": 12.5}]
    changes = diff_records(before, record_from_input(data))
    fields = {(c.layer, c.field) for c in changes}
    assert ("compounds", "actual_finish") in fields and ("works", "quantity") in fields
    assert ("elevators", "compound_id") in fields and ("elevators", "building") in fields
    assert ("funding", "amount_wan_yuan") in fields
    new_elevator = next(c for c in changes if c.layer == "elevators" and c.field == "compound_id")
    assert new_elevator.key == ("QY-0004-E01",) and new_elevator.before is None


def test_bad_edit_is_refused_with_bilingual_reason(sample):
    record = record_from_dataset(sample, "QY-0001")
    with pytest.raises(EditError, match="finish .* before start") as info:
        _edited(record, actual_start=dt.date(2020, 5, 1), actual_finish=dt.date(2020, 1, 1))
    assert "无效" in str(info.value)
    with pytest.raises(EditError, match="amount_wan_yuan"):
        record_from_input({**record.model_dump(), "funding": [{"year": 2024, "source": "residents", "amount_wan_yuan": -3}]})


def test_save_writes_audit_and_history(store):
    ds = store.load()
    before = record_from_dataset(ds, "QY-0001")
    after = _edited(before, actual_finish=dt.date(2016, 11, 5))
    fp = store.fingerprint()
    tag, n = save_progress(store, EDITOR, before, after, subdistrict="金沙", etag=store.etag("QY-0001"))
    assert n == 1 and tag == "v1.r1" and store.fingerprint() != fp
    assert store.load().compounds.set_index("compound_id").at["QY-0001", "actual_finish"].day == 5
    audit = store.audit(compound_id="QY-0001")
    row = audit.iloc[0]
    assert (row.user, row.field, row.before, row.after) == ("li", "actual_finish", "2016-10-29", "2016-11-05")
    table = history_frame(audit, "en")
    assert list(table.columns) == ["When", "Who", "Compound ID", "Record", "Field", "Before", "After"]
    assert table.iloc[0]["Field"] == "Actual finish"
    daily = changes_since(store.audit(), ds.compounds, dt.date.today())
    assert list(daily["compound_id"]) == ["QY-0001"] and daily.iloc[0]["name"] == "蜀汉路115号院"
    assert changes_since(store.audit(), ds.compounds, dt.date.today() + dt.timedelta(days=1)).empty


def test_rights_viewer_and_other_subdistrict_refused(store):
    ds = store.load()
    before = record_from_dataset(ds, "QY-0003")  # 少城
    after = _edited(before, actual_finish=None, actual_start=None)
    with pytest.raises(AuthError, match="少城"):
        save_progress(store, EDITOR, before, after, subdistrict="少城", etag=store.etag("QY-0003"))
    with pytest.raises(AuthError, match="viewer|只读"):
        save_progress(store, User(), before, after, subdistrict="少城", etag=store.etag("QY-0003"))
    assert store.audit().empty


def test_second_of_two_editors_is_refused_then_both_edits_kept(store):
    ds = store.load()
    opened = store.etag("QY-0001")  # both open the record now
    first = record_from_dataset(ds, "QY-0001")
    save_progress(store, EDITOR, first, _edited(first, actual_finish=dt.date(2016, 11, 5)),
                  subdistrict="金沙", etag=opened)
    second = _edited(first, plan_finish=dt.date(2016, 12, 1))
    with pytest.raises(EditConflict, match="li") as info:
        save_progress(store, User("wang", "admin"), first, second, subdistrict="金沙", etag=opened)
    assert "QY-0001" in str(info.value) and "打开" in str(info.value)
    # reopen: the second editor sees the first one's change and saves on top of it
    fresh = record_from_dataset(store.load(), "QY-0001")
    save_progress(store, User("wang", "admin"), fresh, _edited(fresh, plan_finish=dt.date(2016, 12, 1)),
                  subdistrict="金沙", etag=store.etag("QY-0001"))
    row = store.load().compounds.set_index("compound_id").loc["QY-0001"]
    assert (row["actual_finish"].day, row["plan_finish"].month) == (5, 12)


def test_racing_threads_exactly_one_wins(store):
    opened = store.etag("QY-0002")
    barrier = threading.Barrier(4)
    results: list[str] = []

    def editor(i: int) -> None:
        barrier.wait()
        try:
            store.apply_changes("QY-0002", [Change("funding", ("QY-0002", 2030, "donations"), "amount_wan_yuan",
                                                   None, float(i))], user=f"u{i}", etag=opened)
            results.append("saved")
        except EditConflict:
            results.append("refused")

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["refused", "refused", "refused", "saved"]
    assert len(store.audit(compound_id="QY-0002")) == 1
    funding = store.load().funding
    assert len(funding[(funding["compound_id"] == "QY-0002") & (funding["year"] == 2030)]) == 1


def test_versions_table_in_english(store, sample):
    from geo.audit import versions_frame
    store.commit(sample, user="wang", kind="import", note="a.xlsx")
    table = versions_frame(store.versions(), "en")
    assert list(table.columns) == ["Version", "When", "Who", "Kind", "Note", "Compounds", "Edits", "Current"]
    assert list(table["Kind"]) == ["import", "initial"] and list(table["Current"]) == [True, False]


@pytest.mark.xfail(strict=True, reason="save_progress checks the subdistrict its caller names, not the stored one")
def test_editor_cannot_edit_another_subdistrict_by_naming_their_own(store):
    before = record_from_dataset(store.load(), "QY-0001")  # stored in 金沙
    after = _edited(before, actual_finish=dt.date(2016, 11, 5))
    digest = hashlib.sha256(store.path.read_bytes()).hexdigest()
    with pytest.raises(AuthError):
        save_progress(store, User("zhao", "editor", ("光华",)), before, after, subdistrict="光华",
                      etag=store.etag("QY-0001"))
    assert hashlib.sha256(store.path.read_bytes()).hexdigest() == digest
