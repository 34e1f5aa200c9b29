"""The one colour table: statuses, "4个一点" funding groups, targets, map layers and ink.

Hex colours (``#rrggbb``) shared by the web map (``geo.maps.webmap``), the static map
and the briefing pack's charts (``geo.maps.staticmap``, ``geo.brief``), and the pages'
HTML charts and CSS (``dashboard.html_charts``, ``dashboard.ui``): a status, a group or
a target looks the same on every page and slide.
"""
from __future__ import annotations

from geo import schema

#: One colour per derived status (``geo.schema.STATUSES``); the elevator stages
#: (completed, under construction, planned) use the statuses' colours.
STATUS: dict[str, str] = {
    schema.STATUS_COMPLETED: "#2e9e5b",
    schema.STATUS_UNDER_CONSTRUCTION: "#f29f05",
    schema.STATUS_PLANNED: "#3a7bd5",
    schema.STATUS_NO_NEED: "#9aa0a6",
    schema.STATUS_REDEVELOPED: "#7b5ea7",
    schema.STATUS_NOT_OLD: "#d0d4d8",
}
#: One colour per "4个一点" funding group (``geo.schema.FUNDING_GROUPS``).
GROUP: dict[str, str] = {
    "government": "#3a6fb0",
    "market": "#e08a00",
    "residents": "#2e9e5b",
    "society": "#8a5fb0",
}
#: Yearly targets in charts; also a warning (behind plan) on the pages.
TARGET = "#c0392b"
#: Map additions: added elevators, installed EV chargers.
ELEVATOR = "#8e44ad"
EV_CHARGER = "#00897b"
#: Greenway lines by level (``geo.schema.GREENWAY_LEVELS``).
GREENWAY: dict[str, str] = {"tianfu": "#2e7d32", "community": "#66bb6a"}
#: Area fill for % completed, 0 -> 100 (light to dark green); ``NO_DATA`` where there is no figure.
PROGRESS_RAMP: tuple[str, ...] = ("#f1f8e9", "#c5e1a5", "#9ccc65", "#7cb342", "#558b2f", "#33691e")
NO_DATA = "#cfd8dc"
#: A selection or a drawn shape on a light map.
HIGHLIGHT = "#d81b60"
#: Key subdistricts on the static map (fill, outline).
KEY_FILL, KEY_EDGE = "#f6eedc", "#9c6b1f"
#: Text and lines of the briefing pack and static images: ink, secondary grey, accent, warning.
INK, GREY, ACCENT, WARN = "#1f2328", "#5f6368", "#1e4d8c", "#b3261e"
#: The briefing pack's fills: KPI cards, highlighted and banded table rows (headers are ``ACCENT``), rules.
CARD_FILL, HIGHLIGHT_FILL, BAND_FILL, RULE = "#eef3f8", "#fff4d6", "#f7f9fb", "#d0d7de"
