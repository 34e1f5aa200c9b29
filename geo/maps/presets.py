"""How each page's map looks: the :class:`geo.maps.webmap.MapOptions` of the briefing and
the exhibition screen (the explorer's map is :func:`geo.maps.filter_layer.explorer_map`).

Pure (no Streamlit). A preset is only options; the page builds the map from them with
``webmap.map_from_dataset`` (through its cache), so a cached map and its options never
part ways. Settings (basemap keys, 审图号) come from ``settings`` or the environment.
"""
from __future__ import annotations

from collections.abc import Mapping

from geo import schema
from geo.maps.webmap import MapOptions
from geo.settings import Settings

#: Layers on the exhibition screen: no elevator or charger dots (aggregates only).
SCREEN_LAYERS: tuple[str, ...] = ("district", "subdistricts", "areas", "greenways", "compounds")
#: Drawn small and faint: compounds that are not part of the programme.
BRIEFING_MUTED: tuple[str, ...] = (schema.STATUS_NOT_OLD, schema.STATUS_NO_NEED)
SCREEN_MUTED: tuple[str, ...] = (schema.STATUS_NOT_OLD, schema.STATUS_NO_NEED, schema.STATUS_REDEVELOPED)


def briefing_options(lang: str, basemap: str, area_values: Mapping[str, float], *,
                     settings: Settings | None = None) -> MapOptions:
    """The briefing's map: the areas coloured by ``area_values`` (area name -> % completed) and
    labelled, zoomed to the areas, legend bottom left, on ``basemap``.

    No popups: records live on the explorer, and the map is lighter (~0.6 MB less for the
    browser to parse).
    """
    return MapOptions(lang=lang, basemap=basemap, area_values=dict(area_values), area_labels=True, fit="areas",
                      legend_position="bottomleft", mute_statuses=BRIEFING_MUTED, popups=False, settings=settings)


def screen_options(lang: str, *, settings: Settings | None = None) -> MapOptions:
    """The exhibition screen's map: dark, filling its frame, area labels, no controls, and
    anonymous compound dots (status only: no id, name, tooltip or popup)."""
    return MapOptions(lang=lang, theme="dark", layers=SCREEN_LAYERS, popups=False, tooltips=False, anonymous=True,
                      layer_control=False, zoom_control=False, area_labels=True, fill_frame=True,
                      legend_position="bottomleft", mute_statuses=SCREEN_MUTED, settings=settings)
