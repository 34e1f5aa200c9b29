"""The map layer "sequence violations / overdue issues": a ring around each compound that breaks a
sequencing rule (red) or has an issue open past its due date (orange), as of a date.

Pure (no Streamlit). The rings are canvas circle markers of the compounds' own positions (WGS-84)
carrying the compound id, so the explorer's filter shows and hides them with the compound dots and
a click on one opens the compound's record (the tooltip names the id).
"""
from __future__ import annotations

from typing import Any

import folium
import numpy as np
import pandas as pd

from geo import asof, colors
from geo.asof import AsOfLike
from geo.dataset import Dataset
from geo.i18n import t
from geo.maps import webmap
from geo.schedule import model
from geo.schedule.rules import RULE_BY_ID, check_sequence

VIOLATION_COLOR, OVERDUE_COLOR = colors.VIOLATION, colors.OVERDUE
#: Key of the layer's feature count on the map container (``data-qy-alerts``).
COUNT_KEY = "alerts"


def alert_features(ds: Dataset, as_of: AsOfLike = None, *, lang: str = "zh") -> dict[str, Any]:
    """GeoJSON points of the compounds with sequencing violations or overdue issues on ``as_of``:
    id, v (violations), o (overdue issues), t (tooltip: name, id, the rules broken, the overdue count)."""
    findings = check_sequence(ds, as_of)
    violations = findings[findings["kind"] == model.VIOLATION]
    issues = asof.issues_known_on(ds.issue_log, as_of)
    overdue = issues[asof.issues_overdue(issues, as_of)].groupby("compound_id").size()
    rules = violations.groupby("compound_id")["rule"].agg(lambda r: sorted(set(r)))
    ids = sorted(set(rules.index) | set(overdue.index))
    rows = ds.compounds.set_index("compound_id").loc[[i for i in ids if i in set(ds.compounds["compound_id"])]]
    props = []
    for cid, row in rows.iterrows():
        lines = [f"{row['name']} {cid}"]
        lines += [f"{r} {RULE_BY_ID[r].name(lang)}" for r in rules.get(cid, [])]
        n_over = int(overdue.get(cid, 0))
        if n_over:
            lines.append(t("map.alerts.overdue", lang, n=n_over))
        props.append({"id": cid, "v": len(rules.get(cid, [])), "o": n_over, "t": "\n".join(lines)})
    lon = np.asarray(rows.geometry.x, dtype=float) if len(rows) else np.array([])
    lat = np.asarray(rows.geometry.y, dtype=float) if len(rows) else np.array([])
    return webmap._point_collection(lon, lat, props)


def alert_layer(ds: Dataset, as_of: AsOfLike = None, *, lang: str = "zh", show: bool = True) -> folium.GeoJson:
    """The layer of :func:`alert_features` (rings: red for a violation, orange for overdue issues only)."""
    style = (f"function (f) {{ var p = f.properties, k = window.qyK || 1; return {{radius: k * 8.5, weight: 2.5, "
             f"color: p.v ? '{VIOLATION_COLOR}' : '{OVERDUE_COLOR}', opacity: 1, fillOpacity: 0}}; }}")
    layer = webmap._geojson(alert_features(ds, as_of, lang=lang), t("map.layer.alerts", lang), style=style,
                            point=webmap._CANVAS_POINT, show=show)
    webmap._bind_tooltip(layer)
    webmap._count_attr(layer, COUNT_KEY)
    return layer


def alert_legend(lang: str = "zh") -> list[str]:
    """The legend rows of the layer."""
    return [webmap.legend_row(VIOLATION_COLOR, t("map.legend.violation", lang), "ring"),
            webmap.legend_row(OVERDUE_COLOR, t("map.legend.overdue", lang), "ring")]


def alert_ids(ds: Dataset, as_of: AsOfLike = None) -> pd.Series:
    """Ids of the compounds the layer rings on ``as_of`` (for tests and counts)."""
    return pd.Series([f["properties"]["id"] for f in alert_features(ds, as_of)["features"]], dtype=object)
