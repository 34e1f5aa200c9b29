import datetime as dt

import pandas as pd
import pytest

from geo import filters as F
from geo import schema
from geo.record import UnknownCompound, compound_record, finder_from_compounds, record_from_rows, record_view
from geo.store import open_store
from tests.geo.tiny_data import tiny_dataset
from tests.store_support import scratch_store_url


@pytest.fixture(scope="module")
def tiny():
    return tiny_dataset()


def test_record_of_a_finished_compound(tiny):
    rec = compound_record(tiny, "QY-A", "2022-12-09")
    assert rec.name == "甲小区" and rec.status == "completed" and rec.days_late == 0
    assert rec.attributes["actual_finish"] == dt.date(2022, 10, 1)
    assert rec.attributes["households"] == 120 and isinstance(rec.attributes["households"], int)
    assert (rec.lon, rec.lat) == pytest.approx((104.033, 30.675))
    assert list(rec.works["work"]) == ["facade_roof", "ev_chargers"]  # schema order
    assert rec.works["done"].all()
    assert list(rec.works["underground"]) == [False, False]
    assert list(rec.elevators["stage"]) == ["completed", "planned"]
    assert list(rec.funding.index) == ["government_subsidy", "residents"]  # 2023 money not yet
    assert list(rec.funding.columns) == [2022, "total"]
    assert rec.funding_total == 120.5
    assert rec.funding_by_group == {"government": 100.0, "market": 0.0, "residents": 20.5, "society": 0.0}


def test_record_hides_what_was_not_known_on_the_as_of_date(tiny):
    rec = compound_record(tiny, "QY-A", "2022-06-01")
    assert rec.status == "under_construction"
    assert rec.attributes["actual_finish"] is None and rec.attributes["actual_start"] == dt.date(2022, 3, 10)
    assert rec.attributes["plan_finish"] == dt.date(2022, 9, 30)  # plans are always shown
    assert not rec.works["done"].any() and rec.works["actual_finish"].isna().all()
    assert list(rec.elevators["stage"]) == ["under_construction", "planned"]
    assert rec.elevators["actual_finish"].isna().all()


def test_record_days_late_and_funding_by_year(tiny):
    rec = compound_record(tiny, "QY-B", "2023-12-31")
    assert rec.status == "under_construction" and rec.days_late == (dt.date(2023, 12, 31) - dt.date(2023, 6, 30)).days
    assert rec.works.loc[0, "work"] == "gas" and bool(rec.works.loc[0, "underground"])
    assert rec.elevators.empty and rec.funding.loc["special_bonds", 2023] == 80.0


def test_record_of_a_compound_with_nothing(tiny):
    rec = compound_record(tiny, "QY-C", "2022-12-09")
    assert rec.status == "not_old" and rec.works.empty and rec.elevators.empty
    assert rec.funding.empty and rec.funding_total == 0.0


def test_unknown_compound_is_a_bilingual_error(tiny):
    with pytest.raises(UnknownCompound, match="没有编号为 QY-Z 的小区 / no compound with ID QY-Z"):
        compound_record(tiny, "QY-Z")


def test_record_agrees_with_the_filter_summary(sample):
    day = dt.date(2022, 12, 9)
    summary = F.summarize_compounds(sample, day).set_index("compound_id")
    for cid in summary.index[summary["elevators"] > 0][:5].tolist() + ["QY-0001"]:
        rec = compound_record(sample, cid, day)
        row = summary.loc[cid]
        assert rec.status == row["status"] and rec.days_late == row["days_late"]
        assert (rec.elevators["stage"] != "planned").sum() == row["elevators"]
        assert rec.funding_total == pytest.approx(row["funding_wan_yuan"], abs=0.01)


def test_view_is_labelled_in_chinese(tiny):
    view = record_view(compound_record(tiny, "QY-A", "2022-12-09"), "zh", tiny.programme)
    facts = dict(view.facts)
    assert view.title == "甲小区（QY-A）"
    assert facts["状态"] == "已完工" and facts["片区"] == "清溪片区" and facts["改造认定"] == "符合改造标准"
    assert facts["是否老旧小区"] == "是" and facts["累计资金"] == "120.50 万元" and facts["建成年份"] == "1985"
    assert list(view.works.columns)[:2] == ["改造内容", "地上/地下"]
    assert list(view.works["改造内容"]) == ["外立面及屋面", "充电桩"] and set(view.works["地上/地下"]) == {"地上"}
    assert list(view.elevators["阶段"]) == ["已完工", "计划"]
    assert list(view.funding.index) == ["政府补助", "居民出资"] and "合计" in view.funding.columns


def test_view_is_labelled_in_english(tiny):
    view = record_view(compound_record(tiny, "QY-B", "2023-12-31"), "en", tiny.programme)
    facts = dict(view.facts)
    assert facts["Subdistrict"] == "Guanghua" and facts["Status"] == "Under construction"
    assert facts["Renovation area"] == "—" and facts["Actual finish"] == "—"
    assert view.works.iloc[0]["Work"] == schema.WORKS["gas"].en and view.works.iloc[0]["Above/below ground"] == "Underground"


def test_view_gives_units_and_its_date(tiny):
    rec = compound_record(tiny, "QY-A", "2022-12-09")
    view = record_view(rec, "zh", tiny.programme)
    facts = dict(view.facts)
    assert facts["建筑面积"].endswith(" m²") and facts["户数"].endswith(" 户") and facts["累计资金"].endswith(" 万元")
    assert view.as_of == dt.date(2022, 12, 9)
    assert dict(record_view(rec, "en", tiny.programme).facts)["Floor area"].endswith(" m²")


def test_finder_labels_name_address_and_id(tiny):
    finder = finder_from_compounds(tiny.compounds)
    assert set(finder.labels) == set(tiny.compounds["compound_id"]) == set(finder.points)
    row = tiny.compounds.iloc[0]
    assert finder.labels[row["compound_id"]].startswith(str(row["name"]))
    assert finder.labels[row["compound_id"]].endswith(row["compound_id"])
    assert finder.points[row["compound_id"]] == (row.geometry.y, row.geometry.x)


@pytest.mark.parametrize("day", ["2022-06-01", "2022-12-09", "2024-01-01"])
def test_a_record_from_the_stores_rows_equals_the_one_from_the_data_set(tiny, tmp_path, day):
    store = open_store(scratch_store_url(tmp_path))
    store.initialize(tiny)
    for cid in tiny.compounds["compound_id"]:
        want = compound_record(tiny, cid, day)
        got = record_from_rows(store.compound(cid), day, lon=want.lon, lat=want.lat)
        assert (got.attributes, got.status, got.days_late, got.funding_total) == \
            (want.attributes, want.status, want.days_late, want.funding_total)
        for name in ("works", "elevators", "funding"):
            pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), check_dtype=False, obj=name)
        assert record_view(got, "en", tiny.programme).facts == record_view(want, "en", tiny.programme).facts
    with pytest.raises(UnknownCompound):
        record_from_rows(store.compound("QY-NONE"), day, lon=0.0, lat=0.0)
