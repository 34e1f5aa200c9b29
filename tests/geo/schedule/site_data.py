"""Hand-made construction data (WGS-84) on the tiny data set's compounds, for the rule, daily and chart tests.

``site(works, handovers=..., daily=..., issues=...)`` gives the tiny data set (QY-A in 府南,
QY-B in 光华, QY-C not old) with these rows instead of its works; dates as ISO text.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from geo import schema
from geo.dataset import Dataset, empty_layer, parse_dates
from tests.geo.tiny_data import tiny_dataset

#: Work defaults: QY-A, quantity 1, no dates, the work type's class, face unknown.
DEFAULT = {"compound_id": "QY-A", "quantity": 1, "plan_start": "", "plan_finish": "", "actual_start": "",
           "actual_finish": "", "sequence_class": None, "contractor": None, "work_face": None}


def _frame(layer: str, rows: Iterable[Mapping]) -> pd.DataFrame:
    rows = list(rows)
    if not rows:
        return empty_layer(layer)
    return parse_dates(pd.DataFrame(rows))


def work(key: str, **fields: object) -> dict[str, object]:
    """One work row (``key``: the work type) with the defaults above."""
    return {**DEFAULT, "work": key, "underground": schema.WORKS[key].underground, **fields}


def site(works: Iterable[Mapping], *, handovers: Iterable[Mapping] = (), daily: Iterable[Mapping] = (),
         issues: Iterable[Mapping] = ()) -> Dataset:
    """The tiny data set with these construction rows (see the module doc)."""
    return tiny_dataset().with_layers(works=_frame("works", works), handovers=_frame("handovers", handovers),
                                      daily_progress=_frame("daily_progress", daily), issue_log=_frame("issue_log", issues))
