"""The /import and /edit pages and the login box under streamlit.testing.v1.AppTest (no browser)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from geo import writes
from geo.audit import Change
from geo.settings import ROOT, get_settings
from tests.page_support import log_in as _login
from tests.store_support import ADMIN, ADMIN_USER, EDITOR, scratch_store_with_users

APP = str(ROOT / "dashboard" / "app.py")
CORPUS = ROOT / "tests" / "data" / "corpus"
IMPORT, EDIT, SCREEN = "app_pages/data_import.py", "app_pages/data_edit.py", "app_pages/screen.py"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return scratch_store_with_users(tmp_path_factory.mktemp("pages"))


@pytest.fixture(autouse=True)
def _store_env(store, monkeypatch):
    monkeypatch.setenv("QY_STORE", store.url)


def _page(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()  # st.navigation registers the pages (their URL paths differ from the file names)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_import_page_for_a_viewer_offers_no_upload():
    at = _page(IMPORT)
    assert [t.value for t in at.title] == ["数据导入"]
    assert "当前为只读浏览" in [c.value for c in at.sidebar.caption]
    assert not at.get("file_uploader") and not at.selectbox  # reading a file costs the server: strangers may not
    assert any("需要登录编辑或管理员账号" in i.value for i in at.info)
    assert not [b for b in at.button if b.label in ("提交导入", "恢复")]
    assert len(at.get("download_button")) == 1  # the template
    assert len(at.dataframe) == 1  # the versions table


def _notices(at: AppTest) -> list[str]:
    return [e.proto.body for e in at.get("html") if "qy-notice" in e.proto.body]


def _upload(at: AppTest, path: Path, name: str | None = None) -> AppTest:
    at.get("file_uploader")[0].set_value((name or path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_an_editor_uploads_and_sees_the_report_with_the_settings_limit():
    at = _login(_page(IMPORT), "li", "editor-pass-1")
    uploader = at.get("file_uploader")[0]
    assert uploader.proto.max_upload_size_mb == get_settings().import_max_mb == 50
    assert "50 MB" in uploader.proto.label
    assert [s.label for s in at.selectbox][:2] == ["坐标系", "文字编码（CSV）"]
    _upload(at, CORPUS / "bad" / "swapped.csv")
    assert any("swapped.csv：3 行，1 个错误" in n for n in _notices(at))
    assert not [b for b in at.button if b.label == "提交导入"]


def test_markdown_in_a_header_and_a_file_name_is_shown_as_text():
    at = _login(_page(IMPORT), "li", "editor-pass-1")
    _upload(at, CORPUS / "hostile" / "markdown_header.csv", name="**[点我](evil.example)**.csv")
    header = "**[补贴申领](http://evil.example/phish)** ![t](http://127.0.0.1:9/pixel.png)"
    assert header in [t.value for t in at.text]  # plain text
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.label for s in at.selectbox]
    assert not any("evil.example" in r for r in rendered)  # never as Markdown (a link, an image)
    assert any("**[点我](evil.example)**.csv" in n for n in _notices(at))  # escaped HTML, no link
    assert not any("<a " in n for n in _notices(at))


def test_at_most_thirty_unknown_columns_are_offered_for_mapping(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["小区名称", "经度", "纬度", *(f"列{i}" for i in range(45))]) + "\n"
                    + ",".join(["宽巷子新院", "104.05", "30.667", *("甲" * 45)]) + "\n", encoding="utf-8")
    at = _upload(_login(_page(IMPORT), "li", "editor-pass-1"), path)
    mapping = [s for s in at.selectbox if s.key and s.key.startswith(state.IMPORT_MAP)]
    assert len(mapping) == 30 and any("其余 15 列将被忽略" in c.value for c in at.caption)


def test_the_admin_sees_every_change_then_confirms_the_import(store, tmp_path):
    c = store.load().dataset.compounds.set_index("compound_id")
    rows = [{"小区编号": "QY-0203", "小区名称": c.at["QY-0203", "name"], "经度": c.at["QY-0203", "geometry"].x,
             "纬度": c.at["QY-0203", "geometry"].y, "充电桩（个）": 6},
            {"小区编号": "QY-0004", "小区名称": c.at["QY-0004", "name"], "经度": c.at["QY-0004", "geometry"].x,
             "纬度": c.at["QY-0004", "geometry"].y, "户数": 210}]
    path = tmp_path / "two.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    at = _upload(_login(_page(IMPORT), *ADMIN), path)
    notices = _notices(at)
    assert any("新增 0 个小区，更新 2 个，未变 0 个" in n for n in notices), notices
    assert any("QY-0203" in n and "充电桩由 20 个减为 6 个" in n for n in notices)
    changes = at.dataframe[-2].value  # the preview, above the versions table
    assert changes[["小区编号", "字段", "原值", "新值"]].values.tolist() == [
        ["QY-0203", "充电桩（个）", "20", "6"], ["QY-0004", "户数（户）", "202", "210"]]
    versions = len(store.versions())
    next(b for b in at.button if b.label == "提交导入").click().run()
    assert len(store.versions()) == versions  # asked first, nothing written
    question = [n for n in _notices(at) if "确认导入" in n]
    assert question and f"第 {versions + 1} 版" in question[0] and "第 1 版 · " in question[0] and "system" in question[0]
    next(b for b in at.button if b.label == "确认").click().run()
    assert any(f"已导入为第 {versions + 1} 版" in s.value for s in at.success)
    assert store.versions()[-1].note == "two.csv" and len(store.versions()) == versions + 1


def test_import_page_in_english_and_admin_login():
    at = _page(IMPORT, {"lang": "en"})
    assert [t.value for t in at.title] == ["Data import"]
    _login(at, "admin", "wrong-password")
    assert any("wrong user name or password" in e.value for e in at.sidebar.error)
    _login(at, *ADMIN)
    assert any("Signed in: admin (Admin)" in c.value for c in at.sidebar.caption)
    assert [b.label for b in at.sidebar.button] == ["Log out"]


def test_restore_is_confirmed_with_the_versions_date_user_and_note(store):
    ds = store.load().dataset
    store.commit(ds.with_layers(compounds=ds.compounds.iloc[:5]), user="admin", note="five")
    first = store.versions()[0]
    at = _login(_page(IMPORT, {"lang": "en"}), *ADMIN)
    chooser = at.selectbox(key=state.RESTORE_VERSION)
    assert f"version 1 · {first.created_at} · system" in chooser.format_func(1)
    chooser.select(1).run()
    versions = len(store.versions())
    next(b for b in at.button if b.label == "Restore").click().run()
    assert len(store.versions()) == versions and any("Restore the data of version 1" in n for n in _notices(at))
    next(b for b in at.button if b.label == "Confirm").click().run()
    assert any("restored the data of version 1" in s.value for s in at.success)
    assert len(store.load().dataset.compounds) == 1891 and store.versions()[-1].kind == "restore"
    assert store.versions()[-1].note == "restore of version 1"  # in the user's language


def _open(at: AppTest, subdistrict: str, compound: str) -> AppTest:
    at.selectbox(key=state.EDIT_SUBDISTRICT).select(subdistrict).run()
    at.selectbox(key=state.EDIT_COMPOUND).select(compound).run()
    assert not at.exception, at.exception
    return at


def _save(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    return at


def test_viewer_cannot_edit():
    at = _open(_page(EDIT), "金沙", "QY-0001")
    assert any("只读" in i.value for i in at.info)
    assert next(b for b in at.button if b.label == "保存").disabled


def test_editor_saves_progress_and_sees_history(store):
    at = _login(_page(EDIT), *EDITOR[:2])
    _open(at, "金沙", "QY-0001")
    assert not at.info  # may edit 金沙
    finish = next(d for d in at.date_input if d.label == "实际竣工")
    finish.set_value(dt.date(2016, 11, 20))
    _save(at)
    assert any("已保存 1 项修改" in s.value for s in at.success)
    assert store.load().dataset.compounds.set_index("compound_id").at["QY-0001", "actual_finish"].day == 20
    row = store.audit(compound_id="QY-0001").iloc[0]
    assert (row.user, row.field, row.after) == ("li", "actual_finish", "2016-11-20")
    assert len(at.dataframe) >= 2  # the compound's history and the daily dispatch list


def test_second_save_after_someone_else_is_refused(store):
    at = _login(_page(EDIT), *EDITOR[:2])
    _open(at, "金沙", "QY-0001")  # the record is opened now (its tag is kept)
    store.apply_changes("QY-0001", [Change("compounds", ("QY-0001",), "plan_finish", None, "2016-12-24")],
                        user="wang", etag=store.etag("QY-0001"))
    next(d for d in at.date_input if d.label == "实际开工").set_value(dt.date(2016, 6, 2))
    _save(at)
    errors = [e.value for e in at.error]
    assert any("保存被拒绝" in e and "wang" in e for e in errors), errors
    row = store.load().dataset.compounds.set_index("compound_id").loc["QY-0001"]
    assert row["plan_finish"].day == 24 and row["actual_start"].day == 1  # wang's edit kept, li's refused


def test_a_removed_editor_is_a_viewer_at_once_and_cannot_save(store):
    writes.add_user(store, ADMIN_USER, "zhou", "editor-pass-2", "editor", ["金沙"])
    at = _login(_page(EDIT), "zhou", "editor-pass-2")
    _open(at, "金沙", "QY-0007")
    assert not at.info  # may edit now
    next(d for d in at.date_input if d.label == "计划竣工").set_value(dt.date(2030, 1, 1))
    writes.remove_user(store, ADMIN_USER, "zhou")  # an admin removes the account meanwhile
    before = (store.fingerprint(), len(store.audit()))
    _save(at)
    assert (store.fingerprint(), len(store.audit())) == before
    assert "当前为只读浏览" in [c.value for c in at.sidebar.caption]  # the session is signed out
    assert any("只读" in i.value for i in at.info)


def test_editor_cannot_edit_another_subdistrict():
    at = _login(_page(EDIT), *EDITOR[:2])
    _open(at, "少城", "QY-0003")
    assert any("只读" in i.value for i in at.info)


def test_screen_offers_no_login_or_editing():
    at = _page(SCREEN)
    assert not at.text_input and not [b for b in at.button if b.label in ("登录", "保存", "提交导入")]
    assert not at.sidebar.expander


def test_single_sign_on_not_offered_when_not_configured():
    at = _page(IMPORT)
    labels = [b.label for b in at.sidebar.button]
    assert "统一身份认证登录" not in labels and "登录" in labels


def test_a_save_on_a_full_disk_says_so_and_changes_nothing(store, monkeypatch):
    at = _login(_page(EDIT), *EDITOR[:2])
    _open(at, "金沙", "QY-0001")
    next(d for d in at.date_input if d.label == "计划竣工").set_value(dt.date(2031, 1, 1))
    import psycopg

    import geo.store.gpkg
    import geo.store.postgis

    def full(*args):  # what each backend raises when its disk is full
        if store.url.startswith("gpkg:"):
            raise OSError(28, "No space left on device", "/srv/data/qingyang.gpkg-journal")
        raise psycopg.errors.DiskFull('could not extend file "base/16384/2619": No space left on device')

    monkeypatch.setattr(geo.store.gpkg, "_apply_change", full)
    monkeypatch.setattr(geo.store.postgis, "_apply_change", full)
    before = (store.fingerprint(), len(store.audit()))
    _save(at)
    assert (store.fingerprint(), len(store.audit())) == before
    (error,) = [e.value for e in at.error]
    assert "磁盘已满" in error and "/srv/" not in error
