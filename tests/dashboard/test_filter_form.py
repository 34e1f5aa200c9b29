"""dashboard.filter_form: the explorer's filter widgets in session state (a dict here)."""
from dashboard import filter_form, state
from geo import filters as F
from geo.sample.programme import QINGYANG

EXTENTS = {"year_built": (1950, 2010), "households": (10, 5000), "funding": (0, 2000)}


def test_the_url_seeds_the_widgets_and_the_widgets_give_the_filter():
    session: dict = {}
    filter_form.seed(session, {"area": "清溪片区", "built_min": "1980", "lang": "en"}, QINGYANG, EXTENTS)
    assert session[filter_form.widget_key("areas")] == ["清溪片区"]
    assert session[filter_form.widget_key("year_built")] == (1980, 2010)
    flt = filter_form.current(session, EXTENTS)
    assert flt == F.CompoundFilter(areas=("清溪片区",), year_built_min=1980) == session[state.EXPLORER_FILTER]


def test_a_user_value_is_kept_over_the_seed_and_a_reset_forgets_it():
    session: dict = {filter_form.widget_key("statuses"): ["planned"]}
    filter_form.seed(session, {"status": "completed"}, QINGYANG, EXTENTS)
    assert filter_form.current(session, EXTENTS).statuses == ("planned",)
    filter_form.clear(session)
    assert not any(str(k).startswith(state.EXPLORER_WIDGET) for k in session)
    filter_form.seed(session, {}, QINGYANG, EXTENTS)  # the last filter (cleared) seeds the widgets again
    assert filter_form.current(session, EXTENTS) == F.CompoundFilter()


def test_without_a_filter_in_the_url_the_last_one_of_the_session_comes_back():
    session: dict = {state.EXPLORER_FILTER: F.CompoundFilter(batches=("2022",))}
    filter_form.seed(session, {"lang": "zh"}, QINGYANG, EXTENTS)
    assert filter_form.current(session, EXTENTS).batches == ("2022",)
