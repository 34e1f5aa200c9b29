"""geo.imports.planning: what an import changes, counted right, before anything is written."""
from __future__ import annotations

import pandas as pd
import pytest

from geo.imports.pipeline import check_path


def _file(tmp_path, rows: list[dict], name: str = "f.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _row(sample, cid: str, **cells) -> dict:
    c = sample.compounds.set_index("compound_id").loc[cid]
    return {"小区编号": cid, "小区名称": c["name"], "经度": c.geometry.x, "纬度": c.geometry.y, **cells}


def _chargers(ds, cid: str) -> int:
    w = ds.works
    return int(w.loc[(w["compound_id"] == cid) & (w["work"] == "ev_chargers"), "quantity"].sum())


def test_two_changed_compounds_are_two_updates_and_a_lower_count_is_a_warning_naming_it(sample, tmp_path):
    assert _chargers(sample, "QY-0203") == 20
    path = _file(tmp_path, [_row(sample, "QY-0203", **{"充电桩（个）": 6}), _row(sample, "QY-0004", 户数=210),
                            _row(sample, "QY-0001")])
    plan = check_path(path, sample).plan
    assert (plan.updated, plan.unchanged, plan.added) == (["QY-0203", "QY-0004"], 1, [])
    changes = {(c.compound_id, c.field): (c.before, c.after) for c in plan.changes}
    assert changes == {("QY-0203", "ev_chargers"): (20, 6), ("QY-0004", "households"): (202, 210)}
    assert [(i.code, i.row) for i in plan.issues] == [("chargers_fewer", 2)]
    assert "QY-0203 草堂路126号院" in plan.issues[0].problem("zh") and "20" in plan.issues[0].problem("en")
    assert _chargers(plan.dataset, "QY-0203") == 6


def test_fewer_elevators_are_a_warning_naming_the_compound_and_none_is_deleted(sample, tmp_path):
    have = int((sample.elevators["compound_id"] == "QY-0004").sum())
    plan = check_path(_file(tmp_path, [_row(sample, "QY-0004", **{"加装电梯（台）": 1})]), sample).plan
    assert not plan.changed and [i.code for i in plan.issues] == ["elevators_fewer"]
    assert "QY-0004" in plan.issues[0].problem("en") and str(have) in plan.issues[0].problem("zh")
    assert int((plan.dataset.elevators["compound_id"] == "QY-0004").sum()) == have


def test_an_empty_cell_changes_nothing(sample, tmp_path):
    """Blank actual dates (a past-dated export) and blank fields never clear stored values."""
    stored = sample.compounds.set_index("compound_id").loc["QY-0113"]
    assert pd.notna(stored["actual_finish"])
    path = _file(tmp_path, [_row(sample, "QY-0113", 实际开工="", 实际竣工="", 地址="", 户数="")])
    plan = check_path(path, sample).plan
    assert not plan.changed and plan.unchanged == 1
    after = plan.dataset.compounds.set_index("compound_id").loc["QY-0113"]
    assert after["actual_finish"] == stored["actual_finish"] and after["address"] == stored["address"]


def test_money_changes_name_source_and_year(sample, tmp_path):
    path = _file(tmp_path, [_row(sample, "QY-0004", **{"政府补助（万元）": 77, "资金年度": 2022})])
    plan = check_path(path, sample).plan
    money = [c for c in plan.changes if c.field == "funding"]
    assert [(c.source, c.year, c.after) for c in money] == [("government_subsidy", 2022, 77.0)]


@pytest.mark.parametrize("moved", [0.0, 0.001])
def test_a_point_moved_is_a_change_and_one_in_place_is_not(sample, tmp_path, moved):
    row = _row(sample, "QY-0004")
    row["经度"] += moved
    plan = check_path(_file(tmp_path, [row]), sample).plan
    assert [c.field for c in plan.changes] == (["geometry"] if moved else [])


def test_names_and_addresses_are_kept_as_written_and_match_across_widths(sample, tmp_path):
    c = sample.compounds.set_index("compound_id")
    stored = c.at["QY-0004", "name"]
    wide = stored.replace("132", "１３２")  # full-width digits: the same compound
    path = _file(tmp_path, [{"小区名称": wide, "所属街道": "少城", "地址": "宽巷子132号（东门），北侧",
                             "经度": c.at["QY-0004", "geometry"].x, "纬度": c.at["QY-0004", "geometry"].y},
                            {"小区名称": "锦里西路小区（一期）", "经度": 104.05, "纬度": 30.667}])
    plan = check_path(path, sample).plan
    assert plan.updated == ["QY-0004"] and len(plan.added) == 1
    changes = {c.field: c.after for c in plan.changes}
    assert set(changes) == {"address"}  # the name's full-width digits are the stored ASCII ones
    assert changes["address"] == "宽巷子132号（东门），北侧"  # Chinese brackets and comma as written
    added = plan.dataset.compounds.set_index("compound_id").loc[plan.added[0]]
    assert added["name"] == "锦里西路小区（一期）"
