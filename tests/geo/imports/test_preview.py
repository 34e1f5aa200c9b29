"""geo.imports.preview: the changes people read before an import, in their language."""
from __future__ import annotations

import pandas as pd

from geo.imports import preview
from geo.imports.pipeline import check_path


def test_changes_frame_before_and_after_as_on_the_screen(sample, tmp_path):
    c = sample.compounds.set_index("compound_id").loc["QY-0004"]
    path = tmp_path / "f.csv"
    pd.DataFrame([{"小区编号": "QY-0004", "小区名称": c["name"], "经度": c.geometry.x, "纬度": c.geometry.y,
                   "户数": 210, "建成年份": 1990, "改造批次": "2024", "充电桩（个）": 3},
                  {"小区名称": "新华小区", "经度": 104.05, "纬度": 30.667}]).to_csv(path, index=False)
    plan = check_path(path, sample).plan
    zh = preview.changes_frame(plan, "zh", sample.programme)
    assert list(zh.columns) == ["小区编号", "小区名称", "变更", "字段", "原值", "新值"]
    rows = {r["字段"]: r for r in zh.to_dict(orient="records")}
    assert zh.iloc[0]["变更"] == "新增" and zh.iloc[0]["小区名称"] == "新华小区"
    assert (rows["户数（户）"]["原值"], rows["户数（户）"]["新值"]) == ("202", "210")  # with the unit, as exported
    assert rows["建成年份"]["新值"] == "1990"  # a year, not 1,990
    assert (rows["改造批次"]["原值"], rows["改造批次"]["新值"]) == ("2023年批次", "2024年批次") and rows["充电桩（个）"]["新值"] == "3"
    en = preview.changes_frame(plan, "en", sample.programme)
    assert "Programme batch" in set(en["Field"]) and "2024 batch" in set(en["After"])
    assert preview.summary(plan, "zh") == "新增 1 个小区，更新 1 个，未变 0 个"
    assert preview.summary(plan, "en") == "1 compounds added, 1 updated, 0 unchanged"
