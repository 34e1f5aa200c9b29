"""A second programme (锦江区, tests/second_programme.py) works with no code change: its names,
its targets, its places accepted and Qingyang's refused, in every core module and the CLI."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from geo import auth, filters, metrics, record, schema, writes
from geo.brief import render
from geo.cli.main import main
from geo.imports import columns
from geo.imports.planning import plan_import
from geo.imports.readers import read_file
from geo.imports.validate import report_frame, validate_table
from geo.maps import staticmap, webmap
from geo.sample.programme import QINGYANG
from tests.second_programme import ADMIN, FYP14_TARGET, HOUSEHOLDS_TARGET, JINJIANG, YEAR_TARGETS, second_store

DAY = "2022-12-09"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return second_store(tmp_path_factory.mktemp("jinjiang"))


@pytest.fixture(scope="module")
def ds(store):
    return store.load().dataset


def _qingyang_names() -> set[str]:
    return {"青羊", *QINGYANG.subdistrict_names, *QINGYANG.area_names}


def test_the_store_carries_the_second_programme(ds):
    assert ds.programme == JINJIANG
    assert ds.programme.full_name("zh") == "成都市锦江区" and ds.programme.full_name("en") == "Jinjiang District, Chengdu"


def test_stats_json_reports_its_programme_and_targets(store, capsys):
    assert main(["stats", "--json", "--as-of", DAY, "--store", store.url]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["programme"]["name"] == "锦江区老旧小区改造" and out["programme"]["key"] == "jinjiang"
    assert out["programme"]["targets"] == {"compounds": {"fyp14": FYP14_TARGET, **YEAR_TARGETS},
                                           "households": {"fyp14": HOUSEHOLDS_TARGET}}
    assert out["fyp14"]["target"] == FYP14_TARGET and out["compounds"]["surveyed"] == 12
    assert [r["target"] for r in out["year_progress"]] == list(YEAR_TARGETS.values())


def test_stats_by_place_accept_its_names_and_refuse_qingyangs(ds, store, capsys):
    assert metrics.stats(ds, DAY, area="大慈寺片区")["compounds"]["surveyed"] == 3
    assert metrics.stats(ds, DAY, subdistrict="水井坊")["compounds"]["surveyed"] == 4
    assert main(["stats", "--area", "清溪片区", "--store", store.url]) == 2
    err = capsys.readouterr().err
    assert "大慈寺片区" in err and "水井坊片区" in err and "送仙桥片区" not in err


def test_per_area_and_subdistrict_tables_follow_the_programme(ds):
    assert list(metrics.progress_by_area(ds, DAY)["name"]) == ["大慈寺片区", "水井坊片区", schema.NO_AREA]
    late = metrics.behind_plan_by_area(ds.compounds, "2024-06-30", programme=ds.programme)
    assert set(late["area"]) <= {"大慈寺片区", "水井坊片区"} and len(late) > 0
    assert set(late["subdistrict"]) <= {"书院街", "水井坊"}


def _csv(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "upload.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    return path


ROWS = [
    {"小区名称": "新锦小区", "所属街道": "春熙路街道", "片区": "", "经度": 104.10, "纬度": 30.625},
    {"小区名称": "大慈寺院落", "所属街道": "Shuyuanjie", "片区": "Dacisi", "经度": 104.12, "纬度": 30.645},
    {"小区名称": "草堂院落", "所属街道": "草堂", "片区": "", "经度": 104.10, "纬度": 30.625},
    {"小区名称": "清溪院落", "所属街道": "书院街", "片区": "清溪片区", "经度": 104.12, "纬度": 30.645},
    {"小区名称": "青羊的院落", "所属街道": "春熙路", "片区": "", "经度": 104.036, "纬度": 30.662},
]


def test_validation_accepts_its_places_and_refuses_qingyangs(ds, tmp_path):
    report = validate_table(read_file(_csv(tmp_path, ROWS)), ds)
    rows = report.rows
    assert rows.loc[2, "subdistrict"] == "春熙路" and rows.loc[3, ["subdistrict", "area"]].tolist() == ["书院街", "大慈寺片区"]
    codes = {(i.row, i.code) for i in report.errors}
    assert codes == {(4, "unknown_subdistrict"), (5, "unknown_area"), (6, "outside_district")}
    table = report_frame(report, "zh")
    accepted = " ".join(table["可接受的值"])
    assert "锦江区的 3 个街道之一：春熙路、书院街、水井坊" in accepted and "2 个片区之一：大慈寺片区、水井坊片区" in accepted
    assert "位置在锦江区外" in " ".join(table["问题"])
    english = " ".join(report_frame(report, "en")["Problem"])
    assert "outside Jinjiang District" in english
    assert not _qingyang_names() & set(re.findall(r"\w+", accepted))


def test_qingyang_refuses_the_second_programmes_places(sample, tmp_path):
    report = validate_table(read_file(_csv(tmp_path, ROWS[:2])), sample)
    assert {i.code for i in report.errors} >= {"unknown_subdistrict", "unknown_area"}


def test_an_import_adds_compounds_in_its_places(ds, tmp_path):
    report = validate_table(read_file(_csv(tmp_path, ROWS[:2])), ds)
    assert report.ok, [i.problem("en") for i in report.issues]
    plan = plan_import(ds, report)
    added = plan.dataset.compounds.iloc[-2:]
    assert len(plan.added) == 2 and list(added["subdistrict"]) == ["春熙路", "书院街"]
    assert plan.dataset.programme == JINJIANG


def test_template_example_is_in_its_places_and_validates_clean(ds, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(columns.template_xlsx(ds.programme, "zh"))
    example = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))[1]
    assert "书院街" in example and "大慈寺片区" in example
    report = validate_table(read_file(path), ds)
    assert report.ok and not report.issues


def test_editors_rights_use_the_stored_programme(store):
    admin = auth.User(ADMIN[0], "admin")
    assert writes.add_user(store, admin, "zhao", "editor-pass-2", "editor", ["书院街"]).subdistricts == ("书院街",)
    with pytest.raises(auth.AuthError, match="春熙路、书院街、水井坊") as refused:
        writes.add_user(store, admin, "qian", "editor-pass-3", "editor", ["草堂"])
    assert "草堂" in str(refused.value)
    assert "qian" not in {u.name for u in store.users()}
    with pytest.raises(auth.AuthError):
        auth.check_subdistricts(["春熙路"], QINGYANG)


def test_filters_offer_its_places_and_drop_qingyangs(ds):
    p = ds.programme
    assert filters.area_options(p) == ("大慈寺片区", "水井坊片区", schema.NO_AREA)
    assert filters.subdistrict_options(p) == ("春熙路", "书院街", "水井坊")
    assert filters.option_label("subdistrict", "书院街", "en", p) == "Shuyuanjie ★"
    flt = filters.from_query_params({"area": "清溪片区,大慈寺片区", "subdistrict": "草堂"}, p)
    assert flt == filters.CompoundFilter(areas=("大慈寺片区",))
    view = filters.table_view(filters.apply_filters(ds, flt, DAY), "en", p)
    assert set(view["Renovation area"]) == {"Dacisi"} and set(view["Subdistrict"]) == {"Shuyuanjie"}


def test_record_is_labelled_with_its_names(ds):
    view = record.record_view(record.compound_record(ds, "JJ-0004", DAY), "en", ds.programme)
    facts = dict(view.facts)
    assert facts["Subdistrict"] == "Shuyuanjie" and facts["Renovation area"] == "Dacisi"


def test_web_map_names_its_places(ds):
    html = webmap.map_from_dataset(ds, as_of=DAY, options=webmap.MapOptions(lang="en", area_labels=True)) \
        .get_root().render()
    for name in ("Jinjiang District, Chengdu", "Chunxilu", "Dacisi", "Shuijingfang"):
        assert name in html
    assert "Qingyang" not in html
    fmap = webmap.map_from_dataset(ds, options=webmap.MapOptions(layers=("district",)))
    webmap.area_highlight_group(ds, "水井坊片区", options=webmap.MapOptions()).add_to(fmap)
    assert json.dumps("水井坊片区")[1:-1] in fmap.get_root().render()  # the label, JSON-escaped


def test_static_map_and_briefing_pack(ds):
    assert staticmap.progress_map_png(ds, DAY, width_px=800, height_px=400).startswith(b"\x89PNG")
    deck = Presentation(io.BytesIO(render.pack_bytes(ds, DAY, lang="zh", fmt="pptx")))
    text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    text += " ".join(c.text for s in deck.slides for sh in s.shapes if sh.has_table
                     for row in sh.table.rows for c in row.cells)
    assert "成都市锦江区" in text and "锦江区老旧小区改造工作领导小组" in text and "大慈寺片区" in text
    assert "10" in text and not any(n in text for n in _qingyang_names())
    assert render.pack_filename(ds.programme, DAY) == "jinjiang-brief-2022-12-09.pptx"
    assert render.pack_filename(ds.programme, DAY, area="大慈寺片区", fmt="pdf") == "jinjiang-brief-dacisi-2022-12-09.pdf"
