import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from geo import filters as F
from geo import metrics, schema
from geo.sample.programme import QINGYANG
from tests.geo.tiny_data import tiny_dataset

AS_OF = "2022-12-09"


@pytest.fixture(scope="module")
def tiny():
    return tiny_dataset()


def ids(frame):
    return list(frame["compound_id"])


# --- the model -------------------------------------------------------------------------
def test_lists_are_canonical_and_hashable():
    a = F.CompoundFilter(statuses=("planned", "completed", "planned"), subdistricts=("光华", "府南"))
    b = F.CompoundFilter(statuses=("completed", "planned"), subdistricts=("府南", "光华"))
    assert a == b and hash(a) == hash(b)
    assert a.statuses == ("completed", "planned")
    assert a.subdistricts == tuple(sorted(("府南", "光华")))  # places: the model keeps them sorted


def test_unknown_values_are_rejected_by_the_model():
    with pytest.raises(ValidationError):
        F.CompoundFilter(statuses=("finished",))
    with pytest.raises(ValidationError):
        F.CompoundFilter(households_min=-1)


def test_inverted_range_is_swapped():
    f = F.CompoundFilter(year_built_min=2000, year_built_max=1980)
    assert (f.year_built_min, f.year_built_max) == (1980, 2000)


def test_options_put_key_subdistricts_first():
    options = F.subdistrict_options(QINGYANG)
    assert options[:5] == QINGYANG.key_subdistricts == ("西御河", "草市街", "少城", "草堂", "府南")
    assert set(options) == set(QINGYANG.subdistrict_names) and len(options) == 12
    areas = F.area_options(QINGYANG)
    assert areas[:-1] == QINGYANG.area_names and areas[-1] == schema.NO_AREA and F.WORK_FILTER_KEYS[0] == F.ELEVATOR


def test_is_empty():
    assert F.CompoundFilter().is_empty()
    assert not F.CompoundFilter(works=("gas",)).is_empty()


def test_the_as_of_date_is_not_part_of_the_filter():
    with pytest.raises(ValidationError):
        F.CompoundFilter(as_of=dt.date(2020, 1, 1))
    assert "as_of" not in F.QUERY_KEYS  # the shell's (dashboard.state)
    assert F.from_query_params({"as_of": "2022-12-09", "status": "planned"}, QINGYANG) == F.CompoundFilter(statuses=("planned",))


# --- per-compound summary (tiny data) ----------------------------------------------------
def test_summary_columns_on_tiny(tiny):
    s = F.summarize_compounds(tiny, AS_OF).set_index("compound_id")
    assert s.loc["QY-A", "status"] == "completed"
    assert s.loc["QY-B", "status"] == "planned"  # starts 2023
    assert s.loc["QY-C", "status"] == "not_old"
    assert s.loc["QY-A", "elevators"] == 1 and s.loc["QY-A", "elevators_planned"] == 1
    assert s.loc["QY-A", "ev_chargers"] == 12
    assert s.loc["QY-A", "funding_wan_yuan"] == 120.5  # 2023 money not yet counted
    assert s.loc["QY-B", "funding_wan_yuan"] == 0
    assert s.loc["QY-A", "works"] == ("elevator", "facade_roof", "ev_chargers")
    assert s.loc["QY-C", "works"] == ()


def test_summary_replays_the_as_of_date(tiny):
    s = F.summarize_compounds(tiny, "2023-12-31").set_index("compound_id")
    assert s.loc["QY-B", "status"] == "under_construction"
    assert s.loc["QY-A", "funding_wan_yuan"] == 170.5
    assert s.loc["QY-B", "days_late"] > 0


def test_summary_shows_only_what_was_known_on_the_as_of_date(tiny):
    s = F.summarize_compounds(tiny, "2022-06-01").set_index("compound_id")
    assert s.loc["QY-A", "status"] == "under_construction"
    assert pd.isna(s.loc["QY-A", "actual_finish"]) and s.loc["QY-A", "actual_start"] == pd.Timestamp("2022-03-10")
    assert s.loc["QY-A", "plan_finish"] == pd.Timestamp("2022-09-30")  # plans are known in advance
    assert s.loc["QY-A", "elevators"] == 1 and s.loc["QY-A", "ev_chargers"] == 0  # chargers done 2022-07-20


def test_summary_does_not_mutate_input(tiny):
    before = tiny.compounds.copy()
    F.summarize_compounds(tiny, AS_OF)
    assert tiny.compounds.equals(before) and "status" not in tiny.compounds


# --- filtering (tiny data) ---------------------------------------------------------------
@pytest.mark.parametrize("flt, expected", [
    (F.CompoundFilter(), ["QY-A", "QY-B", "QY-C"]),
    (F.CompoundFilter(areas=("清溪片区",)), ["QY-A"]),
    (F.CompoundFilter(areas=(schema.NO_AREA,)), ["QY-B", "QY-C"]),
    (F.CompoundFilter(subdistricts=("光华", "少城")), ["QY-B", "QY-C"]),
    (F.CompoundFilter(statuses=("planned", "not_old")), ["QY-B", "QY-C"]),
    (F.CompoundFilter(batches=("2022",)), ["QY-A"]),
    (F.CompoundFilter(works=("elevator",)), ["QY-A"]),
    (F.CompoundFilter(works=("gas", "ev_chargers")), ["QY-A", "QY-B"]),
    (F.CompoundFilter(works=("gas", "ev_chargers"), works_all=True), []),
    (F.CompoundFilter(works=("elevator", "ev_chargers"), works_all=True), ["QY-A"]),
    (F.CompoundFilter(year_built_min=1990, year_built_max=2000), ["QY-B"]),
    (F.CompoundFilter(households_min=100), ["QY-A", "QY-B"]),
    (F.CompoundFilter(households_max=120), ["QY-A", "QY-C"]),
    (F.CompoundFilter(funding_min=0.01), ["QY-A"]),
    (F.CompoundFilter(funding_max=0), ["QY-B", "QY-C"]),
    (F.CompoundFilter(statuses=("completed",), areas=(schema.NO_AREA,)), []),
])
def test_apply_filters_on_tiny(tiny, flt, expected):
    assert ids(F.apply_filters(tiny, flt, dt.date(2022, 12, 9))) == expected


def test_selection_totals_on_tiny(tiny):
    got = F.selection_totals(F.apply_filters(tiny, F.CompoundFilter(), dt.date(2022, 12, 9)))
    assert got == {"compounds": 3, "households": 500, "elevators": 1, "ev_chargers": 12,
                   "funding_wan_yuan": 120.5}


# --- the sample agrees with geo.metrics ------------------------------------------------------
def test_unfiltered_totals_equal_metrics(sample):
    got = F.selection_totals(F.apply_filters(sample, F.CompoundFilter(), dt.date(2022, 12, 9)))
    s = metrics.stats(sample, AS_OF)
    assert got["compounds"] == s["compounds"]["surveyed"]
    assert got["households"] == s["households"]["surveyed"]
    assert got["elevators"] == s["elevators"]["total"]
    assert got["ev_chargers"] == s["ev_chargers"]
    assert got["funding_wan_yuan"] == pytest.approx(s["funding_wan_yuan"]["total"], abs=0.05)


@pytest.mark.parametrize("area", ["清溪片区", "骡马市片区"])
def test_area_filter_equals_metrics(sample, area):
    frame = F.apply_filters(sample, F.CompoundFilter(areas=(area,)), dt.date(2022, 12, 9))
    s = metrics.stats(sample, AS_OF, area=area)
    assert len(frame) == s["compounds"]["surveyed"]
    assert (frame["status"] == "completed").sum() == s["compounds"]["completed"]
    assert F.selection_totals(frame)["elevators"] == s["elevators"]["total"]


def test_status_filter_partitions_the_sample(sample):
    day = dt.date(2022, 12, 9)
    counts = metrics.compound_counts(sample.compounds, day)
    for status in schema.STATUSES:
        assert len(F.apply_filters(sample, F.CompoundFilter(statuses=(status,)), day)) == counts[status]


def test_elevator_work_filter_matches_elevator_table(sample):
    frame = F.apply_filters(sample, F.CompoundFilter(works=("elevator",)), AS_OF)
    assert set(frame["compound_id"]) == set(sample.elevators["compound_id"])


# --- URL query params ------------------------------------------------------------------------
def test_query_params_omit_defaults_and_join_lists():
    assert F.to_query_params(F.CompoundFilter()) == {}
    p = F.to_query_params(F.CompoundFilter(areas=("清溪片区", schema.NO_AREA), funding_max=12.5,
                                           households_min=100))
    assert p == {"area": "其他,清溪片区", "fund_max": "12.5", "hh_min": "100"}  # places sorted
    assert set(p) <= set(F.QUERY_KEYS)


def test_query_params_accept_repeated_keys():
    f = F.from_query_params({"status": ["completed", "planned"], "area": "清溪片区"}, QINGYANG)
    assert f.statuses == ("completed", "planned") and f.areas == ("清溪片区",)


@pytest.mark.parametrize("params", [
    {"status": "finished"}, {"area": ""}, {"hh_min": "abc"}, {"hh_min": "-5"}, {"hh_max": "1.5"},
    {"fund_min": "nan"}, {"fund_max": "inf"}, {"fund_max": "1e400"}, {"built_min": "1e30"}, {"work": ",,,"},
    {"lang": "en"}, {"status": 5}, {"area": [None, 3]}, {"works_all": ["maybe"]}, {"area": "不存在片区"},
    {"subdistrict": "春熙路"},
])
def test_garbage_query_params_are_dropped(params):
    assert F.from_query_params(params, QINGYANG) == F.CompoundFilter()


def test_garbage_next_to_good_values_keeps_the_good():
    f = F.from_query_params({"status": "completed,bogus", "hh_min": "x", "hh_max": "400", "foo": "bar"}, QINGYANG)
    assert f == F.CompoundFilter(statuses=("completed",), households_max=400)


def _subset(options):
    return st.lists(st.sampled_from(options), unique=True).map(tuple)


_bound = st.one_of(st.none(), st.integers(min_value=0, max_value=10**6))
filters_strategy = st.builds(
    F.CompoundFilter,
    areas=_subset(F.area_options(QINGYANG)), subdistricts=_subset(F.subdistrict_options(QINGYANG)),
    statuses=_subset(schema.STATUSES), batches=_subset(schema.BATCHES),
    works=_subset(F.WORK_FILTER_KEYS), works_all=st.booleans(),
    year_built_min=_bound, year_built_max=_bound, households_min=_bound, households_max=_bound,
    funding_min=st.one_of(st.none(), st.floats(min_value=0, max_value=1e9, allow_nan=False)),
    funding_max=st.one_of(st.none(), st.floats(min_value=0, max_value=1e9, allow_nan=False)),
)


@settings(max_examples=200, deadline=None)
@given(filters_strategy)
def test_query_params_round_trip(flt):
    params = F.to_query_params(flt)
    assert all(isinstance(v, str) for v in params.values())
    assert F.from_query_params(params, QINGYANG) == flt


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*F.QUERY_KEYS, "x"]),
                       st.one_of(st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3))))
def test_from_query_params_never_raises(params):
    assert isinstance(F.from_query_params(params, QINGYANG), F.CompoundFilter)


# --- spatial selection and widget helpers ----------------------------------------------------
SQUARE = {"type": "Polygon", "coordinates": [[[104.03, 30.67], [104.04, 30.67], [104.04, 30.68],
                                              [104.03, 30.68], [104.03, 30.67]]]}


def test_shape_from_drawing_accepts_features_geometries_and_lists(tiny):
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    assert F.shape_from_drawing(feature).bounds == (104.03, 30.67, 104.04, 30.68)
    assert F.shape_from_drawing(SQUARE).area == pytest.approx(1e-4)
    far = {"type": "Polygon", "coordinates": [[[104.0, 30.66], [104.01, 30.66], [104.01, 30.67], [104.0, 30.66]]]}
    union = F.shape_from_drawing([feature, {"type": "Feature", "geometry": far}])
    assert union.geom_type == "MultiPolygon"
    s = F.summarize_compounds(tiny, AS_OF)
    assert ids(F.select_in(s, F.shape_from_drawing(feature))) == ["QY-A"]
    assert ids(F.select_in(s, union)) == ["QY-A", "QY-B"]


@pytest.mark.parametrize("garbage", [
    None, 5, "polygon", {}, [], {"type": "Point", "coordinates": [104.0, 30.6]},
    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
    {"type": "Polygon", "coordinates": "x"}, {"type": "Feature", "geometry": None},
])
def test_shape_from_drawing_garbage_is_none(garbage):
    assert F.shape_from_drawing(garbage) is None


def test_bounds_box_selects_what_is_in_view(tiny):
    s = F.summarize_compounds(tiny, AS_OF)
    view = {"_southWest": {"lat": 30.66, "lng": 104.03}, "_northEast": {"lat": 30.68, "lng": 104.06}}
    assert ids(F.select_in(s, F.shape_from_bounds(view))) == ["QY-A", "QY-C"]
    assert ids(F.select_in(s, None)) == ["QY-A", "QY-B", "QY-C"]
    for bad in (None, {}, {"_southWest": {"lat": "x"}}, {"_southWest": {"lat": 1, "lng": 2}, "_northEast": {"lat": 0, "lng": 3}}):
        assert F.shape_from_bounds(bad) is None


def test_slider_helpers_round_trip_open_ends():
    extent = (1978, 2022)
    assert F.bounds_from_range((1978, 2022), extent) == (None, None)
    assert F.bounds_from_range((1990, 2022), extent) == (1990, None)
    assert F.range_from_bounds(None, 2000, extent) == (1978, 2000)
    assert F.range_from_bounds(1900, 3000, extent) == extent  # clamped
    assert F.range_from_bounds(2010, 1990, extent) == (1990, 2010)


def test_range_extents_and_table_view(tiny):
    s = F.summarize_compounds(tiny, AS_OF)
    assert F.range_extents(s) == {"year_built": (1985, 2010), "households": (80, 300), "funding": (0, 121)}
    view = F.table_view(s, "zh", tiny.programme)
    assert list(view.columns)[:3] == ["小区编号", "小区名称", "所属街道"]
    assert list(view["状态"]) == ["已完工", "计划", "非老旧小区"] and list(view["片区"]) == ["清溪片区", "片区以外", "片区以外"]
    en = F.table_view(s, "en", tiny.programme)
    assert en["Status"].iloc[0] == "Completed" and list(en["Subdistrict"]) == ["Funan", "Guanghua", "Shaocheng"]


def test_table_view_has_no_blank_cell_and_units_in_its_headers(tiny):
    """Outside every area and without a batch say so (a blank category shows as 'None' in the grid)."""
    s = F.summarize_compounds(tiny, AS_OF)
    view = F.table_view(s, "zh", tiny.programme)
    not_old = s.index[s["batch"].isna() | (s["batch"] == "")]
    assert len(not_old) and set(view.loc[not_old, "改造批次"]) == {"非改造对象"}
    for col in view.columns:
        assert not view[col].isna().any() and not (view[col].astype(str).str.strip() == "").any(), col
    assert {"累计资金（万元）", "建筑面积（m²）", "户数（户）"} <= set(view.columns)
    assert view["建筑面积（m²）"].tolist() == s["floor_area_m2"].round(1).tolist()
    en = F.table_view(s, "en", tiny.programme)
    assert {"Funding to date (10k yuan)", "Floor area (m²)"} <= set(en.columns)
    assert set(en.loc[not_old, "Programme batch"]) == {"Not a renovation target"}


def test_parse_query_params_names_what_it_ignored():
    flt, ignored = F.parse_query_params(
        {"area": "nowhere,清溪片区", "status": "finished,,completed", "hh_min": "lots", "built_max": "2000",
         "works_all": "maybe", "lang": "xx"}, QINGYANG)
    assert flt == F.CompoundFilter(areas=("清溪片区",), statuses=("completed",), year_built_max=2000)
    assert ignored == [("area", "nowhere"), ("status", "finished"), ("works_all", "maybe"), ("hh_min", "lots")]
    assert F.parse_query_params(F.to_query_params(flt), QINGYANG) == (flt, [])


def test_option_labels():
    assert F.option_label("area", schema.NO_AREA, "en", QINGYANG) == "Outside the areas"
    assert F.option_label("work", "elevator", "zh", QINGYANG) == "加装电梯"
    assert F.option_label("subdistrict", "少城", "en", QINGYANG) == "Shaocheng ★"
    assert F.option_label("subdistrict", "光华", "zh", QINGYANG) == "光华"
    assert F.option_label("status", "completed", "en", QINGYANG) == "Completed"


# --- the filter form --------------------------------------------------------------------------
EXTENTS = {"year_built": (1950, 2010), "households": (10, 5000), "funding": (0, 2000)}


@settings(max_examples=100, deadline=None)
@given(filters_strategy)
def test_form_values_give_back_the_filter_within_the_extents(flt):
    values = F.form_values(flt, EXTENTS)
    assert set(values) == set(F.FORM_FIELDS)
    back = F.filter_from_form(values, EXTENTS)
    assert back.model_dump(exclude={f"{r}_{e}" for r in ("year_built", "households", "funding") for e in ("min", "max")}) \
        == flt.model_dump(exclude={f"{r}_{e}" for r in ("year_built", "households", "funding") for e in ("min", "max")})
    assert F.filter_from_form(F.form_values(back, EXTENTS), EXTENTS) == back  # stable once clamped


def test_form_ranges_are_open_at_their_extents_and_typed():
    flt = F.filter_from_form({**F.form_values(F.CompoundFilter(), EXTENTS), "year_built": (1980, 2010),
                              "funding": (100.0, 2000.0)}, EXTENTS)
    assert (flt.year_built_min, flt.year_built_max, flt.funding_min, flt.funding_max) == (1980, None, 100.0, None)
    assert isinstance(flt.year_built_min, int)
    assert F.form_values(F.CompoundFilter(funding_min=5), EXTENTS)["funding"] == (5.0, 2000.0)
    assert F.form_options("work", QINGYANG)[0] == F.ELEVATOR and F.form_options("area", QINGYANG)[-1] == schema.NO_AREA


def test_the_url_filter_wins_over_the_default():
    last = F.CompoundFilter(statuses=("planned",))
    assert F.filter_from_url({"lang": "en"}, QINGYANG, last) == last
    assert F.filter_from_url({}, QINGYANG) == F.CompoundFilter()
    assert F.filter_from_url({"status": "completed"}, QINGYANG, last) == F.CompoundFilter(statuses=("completed",))


def test_scope_shape(tiny):
    view = {"_southWest": {"lat": 30.66, "lng": 104.03}, "_northEast": {"lat": 30.68, "lng": 104.06}}
    assert F.scope_shape("all", [SQUARE], view) is None
    assert F.scope_shape("drawn", [SQUARE], view).equals(F.shape_from_drawing([SQUARE]))
    assert F.scope_shape("view", [SQUARE], view).equals(F.shape_from_bounds(view))
    assert F.scope_shape("drawn", None, view) is None and set(F.SCOPES) == {"all", "drawn", "view"}
