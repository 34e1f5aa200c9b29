"""The place a page shows in roll-up mode (``cached.scale().rollup``): read from ``?place=CODE``, kept
in the session, and chosen on one line: the path from the top (text), a button per level above to go
back up, and a chooser of the places one level down.

Used by the roll-up explorer (any place) and by the pages that work on compounds one by one
(import, progress, site schedule), which open one place of a store too large to load whole
(``cached.place_loaded``). Each page passes its own session keys (:class:`PlaceKeys`), so a page's
place is its own; the URL carries it between pages. Names are data: shown as escaped text only.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import state, ui
from geo.i18n import t, vocab
from geo.programme import Programme

ss = st.session_state


@dataclass(frozen=True)
class PlaceKeys:
    """A page's session keys: ``place`` the code shown, ``down`` its go-down chooser; ``reset``: keys
    dropped whenever the place changes (the map view, the open record, the table's page, ...)."""

    place: str
    down: str
    reset: tuple[str, ...] = ()


def go(code: str, programme: Programme, keys: PlaceKeys) -> None:
    """Show the place ``code``: in the URL and the session, with the page's ``reset`` keys dropped."""
    ss[keys.place] = code
    if code == programme.place:
        st.query_params.pop(state.Q_PLACE, None)
    else:
        st.query_params[state.Q_PLACE] = code
    for key in (*keys.reset, keys.down):
        ss.pop(key, None)


def _go_down(programme: Programme, keys: PlaceKeys) -> None:
    code = ss.get(keys.down)
    if isinstance(code, str) and programme.is_scope(code):
        go(code, programme, keys)


def current_place(programme: Programme, lang: str, keys: PlaceKeys, default: str | None = None) -> str:
    """The place shown: the URL's (``?place=``) when it is one of the programme's scopes, else the
    session's, else ``default`` (a scope; None: the programme's own place). A place the URL names
    that is none is said (as text)."""
    asked = st.query_params.get(state.Q_PLACE)
    if asked is not None and programme.is_scope(asked):
        ss[keys.place] = asked
    elif asked is not None:
        shown = "".join(c for c in asked[:40] if c.isprintable())
        st.text(t("explorer.url_ignored", lang, items=f"{state.Q_PLACE}={shown}"))
    code = ss.get(keys.place)
    fallback = default if default is not None and programme.is_scope(default) else programme.place
    place = code if isinstance(code, str) and programme.is_scope(code) else fallback
    state.write_query({} if place == programme.place else {state.Q_PLACE: place}, (state.Q_PLACE,))
    return place


def place_picker(programme: Programme, place: str, lang: str, keys: PlaceKeys) -> None:
    """On one line: the path from the top (text), a button per level above to go back up, a chooser
    of the places one level down."""
    chain = programme.lineage(place)
    chain = chain[next((i for i, p in enumerate(chain) if p.code == programme.place), 0):]
    below = programme.scope_children(place)
    ups = list(chain[:-1])
    path, *columns = st.columns([4, *([1.3] * len(ups)), 3 if below else 0.1], vertical_alignment="bottom")
    path.html(ui.breadcrumb_html([p.label(lang) for p in chain]))
    for col, p in zip(columns, ups):  # labels name the level (fixed words), never a place name (data)
        col.button(t("explorer.rollup.up", lang, level=vocab("level", p.level, lang)), key=f"{keys.place}_up_{p.level}",
                   on_click=go, args=(p.code, programme, keys), icon=":material/arrow_upward:", width="stretch")
    if below:
        level = vocab("level", below[0].level, lang)
        labels = {p.code: p.label(lang) for p in below}
        columns[-1].selectbox(t("explorer.rollup.down", lang, level=level), list(labels), index=None,
                              key=keys.down, format_func=labels.__getitem__,
                              placeholder=t("explorer.rollup.down_placeholder", lang, level=level),
                              on_change=_go_down, args=(programme, keys))
