"""The explorer's filter form in session state: the widgets' keys, their starting values (from
the URL or the session's last filter), the filter they hold, and a reset.

No widgets here (the page draws them): functions take the session state
(``st.session_state``, or a dict in tests); the form itself is ``geo.filters``'s
(``FORM_LISTS``, ``FORM_RANGES``, ``form_values``, ``filter_from_form``).
"""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from dashboard import state
from geo import filters
from geo.programme import Programme

Extents = Mapping[str, tuple[float, float]]


def widget_key(name: str) -> str:
    """Session key of the widget for form value ``name`` (``filters.FORM_FIELDS``)."""
    return f"{state.EXPLORER_WIDGET}{name}"


def seed(session: MutableMapping[Any, Any], params: Mapping[str, Any], programme: Programme,
         extents: Extents) -> None:
    """Give the widgets their starting values where they have none yet: the filter of the URL's
    query ``params`` if they name one, else this session's last filter, else none."""
    flt = filters.filter_from_url(params, programme, session.get(state.EXPLORER_FILTER))
    for name, value in filters.form_values(flt, extents).items():
        session.setdefault(widget_key(name), value)


def current(session: MutableMapping[Any, Any], extents: Extents) -> filters.CompoundFilter:
    """The filter the widgets hold (the user's latest values, else the seeds), kept as the
    session's last filter. Readable before the widgets are drawn."""
    flt = filters.filter_from_form({name: session[widget_key(name)] for name in filters.FORM_FIELDS}, extents)
    session[state.EXPLORER_FILTER] = flt
    return flt


def clear(session: MutableMapping[Any, Any]) -> None:
    """Forget every filter widget's value and the last filter (the next run seeds them empty)."""
    for key in [k for k in session if str(k).startswith(state.EXPLORER_WIDGET)]:
        del session[key]
    session[state.EXPLORER_FILTER] = filters.CompoundFilter()
