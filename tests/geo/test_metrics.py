import pytest

from geo import metrics, schema
from geo.sample.programme import QINGYANG


def test_replay_before_programme_has_nothing_done(sample):
    s = metrics.stats(sample, "2014-12-31")
    assert s["compounds"]["completed"] == 0 and s["elevators"]["total"] == 0
    assert s["greenways"]["tianfu_km"] == 0 and s["funding_wan_yuan"]["total"] == 0


def test_status_counts_partition_the_eligible(sample):
    for day in ("2019-06-01", "2022-12-09", "2024-12-31"):
        c = metrics.stats(sample, day)["compounds"]
        assert c["completed"] + c["under_construction"] + c["planned"] == c["eligible"]


def test_completion_never_goes_backwards(sample):
    days = ["2016-01-01", "2020-12-31", "2021-12-31", "2022-12-09", "2023-12-31", "2024-12-31", "2026-01-01"]
    done = [metrics.compound_counts(sample.compounds, d)["completed"] for d in days]
    assert done == sorted(done)


def test_year_progress_against_targets(sample):
    p = metrics.progress_by_year(sample.compounds, "2022-12-09", targets=sample.programme.batch_targets())
    p = p.set_index("batch")
    assert list(p["target"]) == [50, 162, 186, 221, 0]
    assert p.at["2021", "completed"] == 50 and p.at["2021", "pct_completed"] == 100.0


def test_area_table_sums_to_programme(sample):
    t = metrics.progress_by_area(sample, "2022-12-09")
    assert list(t["name"]) == [*QINGYANG.area_names, schema.NO_AREA]
    assert t["compounds"].sum() == 619 and t["households"].sum() == 57_800


def test_funding_groups_sum_to_total(sample):
    f = metrics.funding_summary(sample.funding, "2026-01-01")
    assert sum(f["by_group"].values()) == pytest.approx(f["total"], abs=0.05)
    assert sum(f["by_source"].values()) == pytest.approx(f["total"], abs=0.05)


def test_filters_restrict_and_unknown_names_are_refused(sample):
    whole = metrics.stats(sample, "2022-12-09")
    area = metrics.stats(sample, "2022-12-09", area="清溪片区")
    assert 0 < area["compounds"]["surveyed"] < whole["compounds"]["surveyed"]
    with pytest.raises(metrics.UnknownPlace, match="清溪片区"):
        metrics.stats(sample, area="不存在片区")
    sd = metrics.stats(sample, subdistrict="草堂")
    assert sd["compounds"]["surveyed"] == int((sample.compounds["subdistrict"] == "草堂").sum())


def test_behind_plan_is_sorted_and_late(sample):
    late = metrics.behind_plan(sample.compounds, "2026-11-24")
    assert len(late) > 0 and late["days_late"].is_monotonic_decreasing
    assert (late["status"] != schema.STATUS_COMPLETED).all() or (late["days_late"] > 0).all()


def test_behind_plan_by_area_counts_the_late_compounds_of_each_area(sample):
    day = "2026-11-24"
    late = metrics.behind_plan(sample.compounds, day)
    by_area = metrics.behind_plan_by_area(sample.compounds, day, programme=QINGYANG)
    assert by_area["late"].sum() == late["area"].isin(QINGYANG.area_names).sum() > 0
    assert by_area["max_days_late"].is_monotonic_decreasing
    first = by_area.iloc[0]
    assert first["max_days_late"] == late.loc[late["area"] == first["area"], "days_late"].max()
    assert first["subdistrict"] == QINGYANG.area(first["area"]).subdistrict
    assert metrics.behind_plan_by_area(sample.compounds, "2022-12-09", programme=QINGYANG).empty


def test_area_year_targets_are_the_area_batches(sample):
    s = metrics.stats(sample, "2026-11-24", area="清溪片区")
    for row in s["year_progress"]:
        assert row["target"] == row["compounds"]
        if row["compounds"]:
            assert row["pct_completed"] == round(100.0 * row["completed"] / row["compounds"], 1)


def test_funding_of_a_year_is_what_the_yearly_report_gives(sample):
    """2022's money as of the report date: the reported 亿元 per source (figures.md), not totals since 2015."""
    f = metrics.funding_summary(sample.funding, "2022-12-09")
    year = metrics.funding_of_year(f, 2022)
    reported = {"government_subsidy": 1.59, "special_bonds": 1.60, "general_bonds": 0.77, "city_funds": 0.76,
                "policy_finance": 0.46, "property_units": 0.22, "donations": 0.24}
    assert {k: round(year["by_source"][k] / 10_000, 2) for k in reported} == reported
    assert year["total"] < f["total"] and sum(year["by_group"].values()) == pytest.approx(year["total"], abs=0.05)


def test_funding_years_stop_at_the_as_of_year(sample):
    f = metrics.funding_summary(sample.funding, "2021-06-30")
    assert metrics.funding_years(f, "2021-06-30") == [2021, 2020, 2019, 2018, 2017, 2016, 2015]
    assert metrics.funding_of_year(f, 2022)["total"] == 0  # nothing of a later year leaks in
