import pandas as pd
import pytest

from geo import schema
from geo.asof import days_late, derive_status, elevator_stage


def _compounds():
    d = pd.Timestamp
    return pd.DataFrame({
        "is_old": [False, True, True, True, True, True],
        "decision": [None, "no_need", "redeveloped", "eligible", "eligible", "eligible"],
        "plan_start": [pd.NaT, pd.NaT, pd.NaT, d("2022-03-01"), d("2023-03-01"), d("2024-03-01")],
        "plan_finish": [pd.NaT, pd.NaT, pd.NaT, d("2022-11-30"), d("2023-12-31"), d("2024-12-31")],
        "actual_start": [pd.NaT, pd.NaT, pd.NaT, d("2022-03-10"), d("2023-04-01"), pd.NaT],
        "actual_finish": [pd.NaT, pd.NaT, pd.NaT, d("2022-12-09"), pd.NaT, pd.NaT],
    })


@pytest.mark.parametrize("as_of, expected", [
    ("2022-01-01", ["not_old", "no_need", "redeveloped", "planned", "planned", "planned"]),
    ("2022-12-08", ["not_old", "no_need", "redeveloped", "under_construction", "planned", "planned"]),
    ("2022-12-09", ["not_old", "no_need", "redeveloped", "completed", "planned", "planned"]),
    ("2023-06-01", ["not_old", "no_need", "redeveloped", "completed", "under_construction", "planned"]),
])
def test_status_replays_any_date(as_of, expected):
    assert list(derive_status(_compounds(), as_of)) == expected


def test_status_values_are_the_schema_vocabulary():
    assert set(derive_status(_compounds(), "2030-01-01")) <= set(schema.STATUSES)


def test_days_late_counts_missed_finish_and_missed_start():
    late = days_late(_compounds(), "2025-01-10")
    assert list(late) == [0, 0, 0, 0, (pd.Timestamp("2025-01-10") - pd.Timestamp("2023-12-31")).days,
                          (pd.Timestamp("2025-01-10") - pd.Timestamp("2024-03-01")).days]


def test_elevator_stage():
    el = pd.DataFrame({"actual_start": pd.to_datetime(["2021-01-01", "2022-05-01", None]),
                       "actual_finish": pd.to_datetime(["2021-09-01", None, None])})
    assert list(elevator_stage(el, "2022-06-01")) == ["completed", "under_construction", "planned"]
    assert list(elevator_stage(el, "2020-06-01")) == ["planned", "planned", "planned"]
