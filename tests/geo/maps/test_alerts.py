"""The explorer map's layer of sequence violations and overdue issues."""
from __future__ import annotations

from geo.maps import alerts, filter_layer
from tests.geo.maps.map_html import render

DAY = "2022-12-09"


def test_the_layer_rings_the_compounds_with_violations_or_overdue_issues(sample):
    feats = alerts.alert_features(sample, DAY)["features"]
    violating = {f["properties"]["id"] for f in feats if f["properties"]["v"]}
    cases = {sample.meta[f"sample.case.{k}"] for k in ("r1_closed", "r1_open", "r2", "r3", "r4")}
    assert violating == cases
    overdue = [f for f in feats if f["properties"]["o"]]
    assert overdue and all(f["properties"]["id"] in f["properties"]["t"] for f in feats)  # a click finds the id


def test_the_explorer_map_carries_the_layer_and_its_legend(sample):
    html = render(filter_layer.explorer_map(sample, as_of=DAY, lang="en"))
    assert "Sequence violations / overdue issues" in html and "data-qy-alerts" in html
    assert "Overdue issue" in html
