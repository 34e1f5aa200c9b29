"""geo.programme: the programme's places, areas and targets as tables and as a checked, typed model."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo import schema
from geo.dataset import LAYERS
from geo.programme import (
    PROGRAMME_TABLES,
    Area,
    Place,
    Programme,
    ProgrammeError,
    Target,
    programme_from_tables,
    slug,
    tables_from_programme,
)
from geo.sample.programme import QINGYANG
from geo.store import open_store
from geo.store.gpkg import dataset_from_snapshot, snapshot_bytes


def _read(tables: dict[str, pd.DataFrame]) -> Programme:
    return programme_from_tables(*(tables[name] for name in PROGRAMME_TABLES))


def test_tables_round_trip():
    tables = tables_from_programme(QINGYANG)
    assert list(tables) == list(PROGRAMME_TABLES)
    for name, frame in tables.items():
        assert tuple(frame.columns) == PROGRAMME_TABLES[name]
    assert _read(tables) == QINGYANG


def test_programme_tables_are_layers_of_the_store(sample, tmp_path):
    assert all(LAYERS[name] == "table" for name in PROGRAMME_TABLES)
    assert sample.programme == QINGYANG  # the committed sample carries its programme
    store = open_store(tmp_path / "copy.gpkg")
    store.initialize(sample)
    assert store.load().dataset.programme == QINGYANG
    assert dataset_from_snapshot(snapshot_bytes(sample)).programme == QINGYANG


def test_qingyang_places():
    p = QINGYANG
    assert p.full_name("zh") == "成都市青羊区" and p.full_name("en") == "Qingyang District, Chengdu"
    assert p.root.code == "510105" and p.root.level == "district"
    assert len(p.subdistricts) == 12 and p.key_subdistricts == ("西御河", "草市街", "少城", "草堂", "府南")
    assert p.subdistrict("草堂").code == "510105007" and p.subdistrict("春熙路") is None
    assert [c.name for c in p.communities("文家")] == ["文家社区", "大石社区"]
    assert all(c.parent == p.subdistrict("文家").code for c in p.communities("文家"))
    assert len(p.area_names) == 8 and p.area("红光片区").subdistrict == "金沙" and not p.area("红光片区").located
    assert p.label("subdistrict", "少城", "en") == "Shaocheng" and p.label("area", "清溪片区", "en") == "Qingxi"
    assert p.label("area", "不存在片区", "en") == "不存在片区"


def test_qingyang_targets():
    p = QINGYANG
    assert p.target("compounds", "fyp14") == 619 and p.target("households", "fyp14") == 57_800
    assert p.batch_targets() == {"2021": 50, "2022": 162, "2023": 186, "2024": 221, "2025": 0}
    assert p.target("compounds", "fyp13") is None and p.target("compounds", "fyp14", place="510105007") is None
    assert p.targets_json() == {"compounds": {"fyp14": 619, "2021": 50, "2022": 162, "2023": 186, "2024": 221,
                                              "2025": 0},
                                "households": {"fyp14": 57_800}}
    summary = p.summary()
    assert summary["name"] == "青羊区老旧小区连片改造" and summary["place"]["code"] == "510105"


def test_period_target_defaults_to_the_sum_of_its_batches():
    targets = tuple(t for t in QINGYANG.targets if not (t.measure == "compounds" and not t.batch))
    p = dataclasses.replace(QINGYANG, targets=targets)
    assert p.target("compounds", "fyp14") == 619


def test_targets_at_any_level():
    sub = Target("510105007", "compounds", schema.PERIOD_FYP14, 40, "2023")
    p = _read(tables_from_programme(dataclasses.replace(QINGYANG, targets=(*QINGYANG.targets, sub))))
    assert p.target("compounds", "fyp14", "2023", place="510105007") == 40
    assert p.target("compounds", "fyp14", place="510105007") == 40
    assert p.target("compounds", "fyp14", "2023") == 186  # the district's own target is unchanged


def _broken(**changes) -> dict[str, pd.DataFrame]:
    return tables_from_programme(dataclasses.replace(QINGYANG, **changes))


@pytest.mark.parametrize("changes, expected", [
    ({"key": "Qing Yang"}, "programme key 'Qing Yang'"),
    ({"place": "999"}, "programme's place 999"),
    ({"places": (*QINGYANG.places, Place("510105099", "street", "某街", parent="510105"))}, "unknown level 'street'"),
    ({"places": (*QINGYANG.places, Place("510105099", "subdistrict", "某街道", parent="999"))}, "parent 999"),
    ({"places": (*QINGYANG.places, Place("510105099", "district", "某区", parent="510105007"))}, "parent 510105007"),
    ({"places": (*QINGYANG.places, Place("510105099", "subdistrict", "草堂", parent="510105"))},
     "duplicate subdistrict: 草堂"),
    ({"places": (*QINGYANG.places, Place("510105", "district", "又一区"))}, "duplicate code: 510105"),
    ({"places": (QINGYANG.places[0], QINGYANG.places[1])}, "no subdistrict"),
    ({"areas": (*QINGYANG.areas, Area("新片区", "New", "春熙路"))}, "its subdistrict '春熙路'"),
    ({"areas": (*QINGYANG.areas, Area(schema.NO_AREA, "Other", "草堂"))}, f"'{schema.NO_AREA}'"),
    ({"areas": (*QINGYANG.areas, QINGYANG.areas[0])}, "duplicate area: 清溪片区"),
    ({"targets": (Target("510105", "compounds", "fyp15", 3),)}, "period fyp15"),
    ({"targets": (Target("510105", "compounds", "fyp14", 3, "2019"),)}, "batch 2019"),
    ({"targets": (Target("510105", "buildings", "fyp14", 3),)}, "measure buildings"),
    ({"targets": (Target("999", "compounds", "fyp14", 3),)}, "place 999"),
    ({"targets": (Target("510105", "compounds", "fyp14", -1),)}, "value -1"),
    ({"targets": (Target("510105", "compounds", "fyp14", 3),) * 2}, "duplicate target"),
])
def test_inconsistent_tables_are_refused_naming_the_problem(changes, expected):
    with pytest.raises(ProgrammeError, match=expected) as caught:
        _read(_broken(**changes))
    assert " / " in str(caught.value)  # Chinese / English


def test_every_problem_is_listed_at_once():
    tables = _broken(key="BAD", areas=(Area("新片区", "New", "春熙路"),))
    with pytest.raises(ProgrammeError) as caught:
        _read(tables)
    assert "BAD" in str(caught.value) and "春熙路" in str(caught.value)


def test_missing_columns_and_rows_are_refused():
    tables = tables_from_programme(QINGYANG)
    with pytest.raises(ProgrammeError, match="programme_places lacks columns: is_key"):
        _read({**tables, "programme_places": tables["programme_places"].drop(columns="is_key")})
    with pytest.raises(ProgrammeError, match="exactly 1 row, not 2"):
        _read({**tables, "programme_info": pd.concat([tables["programme_info"]] * 2)})


def test_text_cells_from_a_file_are_read_leniently():
    tables = tables_from_programme(QINGYANG)
    places = tables["programme_places"].astype({"is_key": str}).replace({"True": "是", "False": ""})
    places["parent"] = places["parent"].replace("", None)
    targets = tables["programme_targets"].astype({"value": float})
    assert _read({**tables, "programme_places": places, "programme_targets": targets}) == QINGYANG


def test_slug_makes_safe_file_name_parts():
    assert slug("Fangchijie-Baojiaxiang") == "fangchijie-baojiaxiang"
    assert slug("../../etc passwd") == "etc-passwd" and slug("清溪", "area") == "area"


# --- the hierarchy below the programme's place (roll-up) ------------------------------------
def _national() -> Programme:
    """Nation > 2 provinces > cities > districts > subdistricts (> a community); targets at districts and one province."""
    places = [Place("N", "nation", "全国", "Nation"),
              Place("P1", "province", "甲省", "Province 1", "N"), Place("P2", "province", "乙省", "Province 2", "N"),
              Place("C1", "city", "子市", "City 1", "P1"), Place("C2", "city", "丑市", "City 2", "P1"),
              Place("C3", "city", "寅市", "City 3", "P2"),
              Place("D1", "district", "一区", parent="C1"), Place("D2", "district", "二区", parent="C1"),
              Place("D3", "district", "三区", parent="C2"), Place("D4", "district", "四区", parent="C3")]
    for i, d in enumerate(("D1", "D1", "D2", "D3", "D4", "D4")):
        places.append(Place(f"S{i}", "subdistrict", f"街{i}", parent=d, key=i == 0))
    places.append(Place("S0-01", "community", "社区", parent="S0"))
    targets = [Target(d, "compounds", schema.PERIOD_FYP14, n, "2022") for d, n in (("D1", 5), ("D2", 3), ("D3", 2))]
    targets.append(Target("P2", "compounds", schema.PERIOD_FYP14, 7))
    return Programme("nation", "全国", "Nation", "N", tuple(places), targets=tuple(targets))


def test_places_below_the_programme_place():
    p = _read(tables_from_programme(_national()))
    assert [c.code for c in p.children("N")] == ["P1", "P2"] and p.get_place("C2").name == "丑市"
    assert p.subdistricts_under("N") == ("街0", "街1", "街2", "街3", "街4", "街5")
    assert p.subdistricts_under("C1") == ("街0", "街1", "街2") and p.subdistricts_under("S3") == ("街3",)
    assert p.subdistricts_under("nowhere") == ()
    assert p.child_units("P1") == {"街0": "C1", "街1": "C1", "街2": "C1", "街3": "C2"}
    assert p.unit_codes("N", "district") == {"街0": "D1", "街1": "D1", "街2": "D2", "街3": "D3", "街4": "D4", "街5": "D4"}
    assert p.levels_below("N") == ("province", "city", "district", "subdistrict")
    assert p.levels_below("D1") == ("subdistrict",) and p.levels_below("S0") == ()
    assert p.is_scope("N") and p.is_scope("S2") and not p.is_scope("S0-01") and not p.is_scope("X")
    assert [c.code for c in p.scope_children("S0")] == [] and p.communities("街0")[0].code == "S0-01"
    assert p.place_name("D3") == "全国甲省丑市三区" and p.place_name("C3", "en") == "City 3, Province 2, Nation"


def test_targets_roll_up_from_children_only_when_every_child_has_one():
    p = _national()
    assert p.target("compounds", "fyp14", "2022", place="C1") == 8  # D1 + D2
    assert p.target("compounds", "fyp14", place="C1") == 8 and p.target("compounds", "fyp14", place="P1") == 10
    assert p.target("compounds", "fyp14", place="P2") == 7  # its own
    assert p.target("compounds", "fyp14", place="N") == 17 and p.target("compounds", "fyp14", "2022", place="N") is None
    assert p.target("compounds", "fyp14", place="D4") is None and p.target("households", "fyp14", place="N") is None
    assert p.has_targets("C1") and not p.has_targets("D4")
    assert p.batch_targets(place="C2") == {"2021": 0, "2022": 2, "2023": 0, "2024": 0, "2025": 0}
