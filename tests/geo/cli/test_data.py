"""CLI data commands: export -> import round trips for every format, CRS handling, exit codes."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from geo import filters
from geo.cli.main import main
from geo.crs import convert
from geo.export import export_compounds
from geo.imports.planning import plan_import
from geo.imports.readers import read_file
from geo.imports.validate import validate_table
from geo.settings import SAMPLE_GPKG
from geo.spatial import locate
from tests.store_support import ADMIN, EDITOR, scratch_store_with_users, store_digest


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store.gpkg"
    shutil.copyfile(SAMPLE_GPKG, path)
    return path


ROUND_TRIPS = [(fmt, lang, crs) for fmt in ("csv", "xlsx", "geojson", "gpkg") for lang in ("zh", "en")
               for crs in ("wgs84", "gcj02") if not (fmt == "gpkg" and crs == "gcj02")]


@pytest.mark.parametrize("fmt, lang, crs", ROUND_TRIPS, ids=["-".join(r) for r in ROUND_TRIPS])
def test_export_then_import_changes_nothing(fmt, lang, crs, store, tmp_path, capsys):
    out = tmp_path / f"export.{fmt}"
    assert main(["export", "--format", fmt, "--lang", lang, "--crs", crs, "-o", str(out), "--store", str(store)]) == 0
    before = store.read_bytes()
    options = ["--crs", crs] if fmt in ("geojson", "gpkg") else []  # CSV/XLSX headers name their CRS
    assert main(["import", str(out), *options, "--store", str(store)]) == 0
    text = capsys.readouterr().out
    assert "新增 0 个小区，更新 0 个，未变 1,891 个" in text and "提示" not in text, text
    assert store.read_bytes() == before  # nothing changed: no new version written


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_a_past_dated_export_reimports_without_blanking_later_dates(fmt, store, tmp_path, capsys):
    out = tmp_path / f"past.{fmt}"
    assert main(["export", "--format", fmt, "--as-of", "2022-12-09", "-o", str(out), "--store", str(store)]) == 0
    blank = _export_rows(out)["QY-0113"]["实际竣工"] if fmt != "geojson" else ""
    assert blank == ""  # the export shows the world as of 2022-12-09: QY-0113 finished in 2025
    before = store.read_bytes()
    assert main(["import", str(out), "--store", str(store)]) == 0
    assert "更新 0 个" in capsys.readouterr().out
    assert store.read_bytes() == before


def test_the_cli_exports_the_columns_of_the_explorer(sample, store, tmp_path):
    out = tmp_path / "cli.csv"
    assert main(["export", "--format", "csv", "--as-of", "2022-12-09", "-o", str(out), "--store", str(store)]) == 0
    page = export_compounds(filters.summarize_compounds(sample, dt.date(2022, 12, 9)).iloc[:5], "csv",
                            as_of=dt.date(2022, 12, 9), programme=sample.programme)
    cli_header = out.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert cli_header == page.decode("utf-8-sig").splitlines()[0] and len(cli_header.split(",")) == 26


def test_an_old_english_xlsx_with_a_units_row_reimports(sample, tmp_path):
    path = tmp_path / "old.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Compound ID", "Name", "Households", "Elevators added (done/building)", "EV chargers installed",
                        "Longitude", "Latitude"])
    book.active.append(["", "", "households", "elevators", "chargers", "degrees (WGS-84)", "degrees (WGS-84)"])
    c = sample.compounds.iloc[0]
    book.active.append([c["compound_id"], c["name"], int(c["households"]), 9, 9, c.geometry.x, c.geometry.y])
    book.save(path)
    report = validate_table(read_file(path), sample)
    assert report.ok and not report.issues and list(report.rows.index) == [3]
    assert not plan_import(sample, report).changed  # the summary counts are not imported


def test_export_into_an_empty_store_gives_back_the_same_compounds(sample, tmp_path):
    out = tmp_path / "all.xlsx"
    assert main(["export", "--format", "xlsx", "--lang", "en", "-o", str(out), "--store", str(SAMPLE_GPKG)]) == 0
    empty = sample.with_layers(compounds=sample.compounds.iloc[0:0])
    report = validate_table(read_file(out), empty)
    assert report.ok, report.issues[:3]
    back = plan_import(empty, report).dataset.compounds
    assert len(back) == 1891
    a = pd.DataFrame(sample.compounds).drop(columns="geometry").reset_index(drop=True)
    b = pd.DataFrame(back).drop(columns="geometry").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert (_metres(sample.compounds.geometry, back.geometry) < 0.5).all()


def _metres(a: gpd.GeoSeries, b: gpd.GeoSeries) -> np.ndarray:
    return gpd.GeoSeries(a.values, crs=4326).to_crs(32648).distance(
        gpd.GeoSeries(b.values, crs=4326).to_crs(32648)).to_numpy()


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_amap_and_baidu_points_land_within_half_a_metre(crs, sample, tmp_path):
    truth = sample.compounds.iloc[::40]
    lon, lat = convert(truth.geometry.x.to_numpy(), truth.geometry.y.to_numpy(), "wgs84", crs)
    frame = pd.DataFrame({"小区名称": truth["name"], "经度": np.round(lon, 7), "纬度": np.round(lat, 7),
                          "所属街道": truth["subdistrict"]})
    path = tmp_path / f"{crs}.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    report = validate_table(read_file(path), sample, crs=crs)
    assert report.ok and not report.warnings
    assert _metres(truth.geometry, report.rows.geometry).max() < 0.5


def test_points_picked_on_amap_but_declared_wgs84_get_a_suggestion(sample, tmp_path):
    c = sample.compounds
    lon, lat = convert(c.geometry.x.to_numpy(), c.geometry.y.to_numpy(), "wgs84", "gcj02")
    shifted = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326, index=c.index)
    moved = (locate(shifted, sample.subdistricts, "name") != c["subdistrict"]).to_numpy()
    picked = c[moved].iloc[:12].index.tolist() + c[~moved].iloc[:8].index.tolist()
    frame = pd.DataFrame({"小区名称": c.loc[picked, "name"], "经度": lon[picked], "纬度": lat[picked],
                          "所属街道": c.loc[picked, "subdistrict"]})
    path = tmp_path / "amap.csv"
    frame.to_csv(path, index=False)
    report = validate_table(read_file(path), sample, crs="wgs84")
    assert report.ok
    suggestion = [i for i in report.warnings if i.code == "crs_suggest"]
    assert len(suggestion) == 1 and suggestion[0].fmt["crs"] == "gcj02"
    assert "gcj02" in suggestion[0].accepted("en") and "高德" in suggestion[0].accepted("zh")
    mismatched = sum(i.code == "subdistrict_mismatch" for i in report.warnings)
    assert 1 <= mismatched <= 12  # shifted points that left the district have no subdistrict to mismatch


def test_new_compound_gets_id_subdistrict_and_area_from_location(sample, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text("小区名称,经度,纬度,户数,楼栋数,政府补助（万元）,居民出资(元),加装电梯(台),充电桩（个）,资金年度\n"
                    "宽巷子新院,104.05373,30.66784,80,4,30,50000,2,6,2024\n", encoding="utf-8")
    report = validate_table(read_file(path), sample)
    plan = plan_import(sample, report)
    assert plan.added == ["QY-1892"] and not plan.updated
    new = plan.dataset.compounds.set_index("compound_id").loc["QY-1892"]
    assert (new["subdistrict"], new["area"]) == ("少城", "方池街—包家巷片区")
    ds = plan.dataset
    assert len(ds.elevators[ds.elevators["compound_id"] == "QY-1892"]) == 2
    chargers = ds.works[(ds.works["compound_id"] == "QY-1892") & (ds.works["work"] == "ev_chargers")]
    assert list(chargers["quantity"]) == [6]
    money = ds.funding[ds.funding["compound_id"] == "QY-1892"].set_index("source")["amount_wan_yuan"]
    assert money.to_dict() == {"government_subsidy": 30.0, "residents": 5.0}


def test_validate_exit_codes_and_json(store, capsys):
    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus"
    assert main(["validate", str(corpus / "ok" / "gbk.csv"), "--store", str(store)]) == 0
    assert main(["validate", str(corpus / "ok" / "messy.csv"), "--store", str(store)]) == 0  # warnings only
    assert main(["validate", str(corpus / "bad" / "swapped.csv"), "--store", str(store), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "swapped.csv:3 [经度] error: longitude and latitude are swapped" in out
    assert main(["validate", str(corpus / "bad" / "empty.csv"), "--store", str(store)]) == 2
    assert main(["validate", str(corpus / "ok" / "gbk.csv"), "--crs", "mercator", "--store", str(store)]) == 2
    assert "wgs84" in capsys.readouterr().err
    assert main(["validate", str(corpus / "ok" / "gbk.csv"), "--json", "--store", str(store)]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 3


def test_export_filters(store, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert main(["export", "--format", "csv", "--area", "清溪片区", "--status", "completed", "--as-of", "2022-12-09",
                 "-o", str(out), "--store", str(store)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert len(frame) > 0 and set(frame["片区"]) == {"清溪片区"} and set(frame["状态"]) == {"已完工"}
    assert main(["export", "--format", "csv", "--status", "done", "-o", str(out), "--store", str(store)]) == 2
    assert "completed" in capsys.readouterr().err
    assert main(["export", "--format", "shp", "-o", str(out), "--store", str(store)]) == 2


def _export_rows(path: Path) -> dict[str, dict[str, str]]:
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str).fillna("")
    else:
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return {r["小区编号"]: r for r in frame.to_dict(orient="records")}


def test_export_as_of_shows_the_status_then_and_no_later_dates(store, tmp_path):
    out = tmp_path / "caotang.csv"
    assert main(["export", "--format", "csv", "--as-of", "2022-12-09", "--subdistrict", "草堂",
                 "--status", "under_construction", "-o", str(out), "--store", str(store)]) == 0
    rows = _export_rows(out)
    qy77 = rows["QY-0077"]  # started 2022-04-29, finished 2023-02-17
    assert qy77["状态"] == "在建" and qy77["实际开工"] == "2022-04-29" and qy77["实际竣工"] == ""
    assert qy77["计划竣工"] == "2023-02-14"  # plans are known in advance
    assert all(r["实际竣工"] == "" and "2022-12-09" >= r["实际开工"] != "" for r in rows.values())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_as_of_blanks_the_dates_of_a_planned_compound(fmt, store, tmp_path):
    out = tmp_path / f"all.{fmt}"
    assert main(["export", "--format", fmt, "--as-of", "2022-12-09", "-o", str(out), "--store", str(store)]) == 0
    rows = _export_rows(out)
    qy113 = rows["QY-0113"]  # started 2024-03-10, finished 2025-04-25
    assert qy113["状态"] == "计划" and qy113["实际开工"] == "" and qy113["实际竣工"] == ""
    later = [(cid, h, r[h][:10]) for cid, r in rows.items() for h in ("实际开工", "实际竣工") if r[h][:10] > "2022-12-09"]
    assert later == []


def test_import_history_restore_via_cli(tmp_path, capsys, monkeypatch):
    store = scratch_store_with_users(tmp_path)
    at = ["--store", store.url]
    new = tmp_path / "new.csv"
    new.write_text("小区名称,经度,纬度\n宽巷子新院,104.05373,30.66784\n", encoding="utf-8")
    assert main(["import", str(new), "--dry-run", *at]) == 0  # writes nothing: no sign-in
    assert len(store.versions()) == 1
    monkeypatch.setenv("QY_PASSWORD", ADMIN[1])
    assert main(["import", str(new), "--user", "admin", *at]) == 0
    assert "第 2 版" in capsys.readouterr().out
    assert main(["history", "--json", *at]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(v["version"], v["kind"], v["user"], v["compounds"]) for v in history] == [
        (1, "init", "system", 1891), (2, "import", "admin", 1892)]
    assert main(["restore", "1", "--user", "admin", *at]) == 0
    assert len(store.load().dataset.compounds) == 1891
    assert main(["changes", "--since", "2020-01-01", "--json", *at]) == 0


def test_import_and_restore_are_refused_to_non_admins_with_the_store_unchanged(tmp_path, capsys, monkeypatch):
    store = scratch_store_with_users(tmp_path)
    at = ["--store", store.url]
    new = tmp_path / "new.csv"
    new.write_text("小区名称,经度,纬度\n宽巷子新院,104.05373,30.66784\n", encoding="utf-8")
    before = store_digest(store)
    monkeypatch.setenv("QY_PASSWORD", EDITOR[1])
    assert main(["import", str(new), "--user", EDITOR[0], *at]) == 1
    assert main(["restore", "1", "--user", EDITOR[0], *at]) == 1
    assert capsys.readouterr().err.count("只有管理员") == 2
    monkeypatch.setenv("QY_PASSWORD", "not-the-password")
    assert main(["import", str(new), "--user", "admin", *at]) == 1
    assert "wrong user name or password" in capsys.readouterr().err
    monkeypatch.delenv("QY_PASSWORD")
    assert main(["import", str(new), *at]) == 2  # a write needs --user
    assert "--user" in capsys.readouterr().err
    assert store_digest(store) == before
