"""Session-state keys and URL query parameters: the one home for both.

Pages never spell a session key or a query parameter themselves; they use the
constants and helpers here. Two values are shared by every page:

- the UI language (``zh`` default, ``en``): from ``?lang=`` in the URL, kept in
  the session and written back to the URL so a copied link keeps it;
- the as-of date (default today, range 2015-01-01 → today) every figure is
  computed for; ``?as_of=YYYY-MM-DD`` opens a past date directly.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import streamlit as st

from geo.i18n import DEFAULT_LANG, LANGS, t

# --- session keys -------------------------------------------------------------------
LANG = "lang"  # current UI language, "zh" | "en"
LANG_WIDGET = "lang_switch"  # the sidebar language switch
AS_OF = "as_of"  # datetime.date every figure is computed for
AS_OF_WIDGET = "as_of_input"  # the sidebar as-of date input
SHELL_IGNORED = "shell_url_ignored"  # (key, value) of a ?lang= / ?as_of= the shell could not use
SCREEN_AREA_INDEX = "screen_area_index"  # exhibition screen: area shown now (0..7)
SCREEN_DATA = "screen_data"  # exhibition screen: (monotonic time read, geo.store.Loaded), re-read every M minutes
SCREEN_SCALE = "screen_scale"  # roll-up screen: (monotonic time read, dashboard.cached.Scale), re-read every M minutes
SCREEN_SLIDE = "screen_slide"  # roll-up screen: (place shown, index of the child shown now)
ROLLUP_DRILL = "rollup_drill"  # roll-up briefing: the child chosen to drill down to
BRIEFING_BASEMAP = "briefing_basemap"  # briefing map basemap key
BRIEFING_FUNDING_YEAR = "briefing_funding_year_"  # prefix of the funding year choice (+ the as-of date)
BRIEFING_PACK_AREA = "briefing_pack_area"  # the area a briefing pack covers ("" = the whole district)
# explorer (dashboard/app_pages/explorer.py); its filter lives in the URL (geo.filters.QUERY_KEYS)
EXPLORER_FILTER = "explorer_filter"  # last geo.filters.CompoundFilter (restores the view on return)
EXPLORER_WIDGET = "explorer_f_"  # prefix of the filter widgets' keys (+ field name)
EXPLORER_MAP = "explorer_map"  # st_folium key of the explorer map
EXPLORER_TABLE = "explorer_table"  # prefix of the table's key (+ a digest of the rows shown)
EXPLORER_SCOPE = "explorer_scope"  # what the table lists: all | drawn | view
EXPLORER_DRAWN = "explorer_drawn"  # last shape drawn on the map (GeoJSON), kept across map reloads
EXPLORER_RECORD = "explorer_record"  # compound id whose record is open
EXPLORER_CLICK = "explorer_click"  # the map click already handled (so a closed record stays closed)
EXPLORER_EXPORT_CRS = "explorer_export_crs"  # wgs84 | gcj02 for exports
EXPLORER_SEARCH = "explorer_search"  # the find-a-compound box (a compound id; emptied once taken)
EXPLORER_VIEW = "explorer_view"  # geo.links.MapView the map last reported (or was asked for): the link's view
EXPLORER_VIEW_SEEN = "explorer_view_seen"  # the map's last (center, zoom) report already taken
EXPLORER_VIEW_ASK = "explorer_view_ask"  # geo.links.ViewRequest: a view the map is to take once
EXPLORER_LINK_READ = "explorer_link_read"  # True once this session has read the URL's view and record
EXPLORER_URL_IGNORED = "explorer_url_ignored"  # (key, value) pairs of the URL the explorer ignored
# the explorer at scale (dashboard/rollup_workspace.py; cached.scale().rollup); its place lives in the URL (?place=)
EXPLORER_PLACE = "explorer_place"  # code of the place shown (programme place or one below it, to the subdistricts)
EXPLORER_PLACE_DOWN = "explorer_place_down"  # the "go down a level" chooser
EXPLORER_ROLLUP_MAP = "explorer_rollup_map"  # st_folium key of the roll-up map
EXPLORER_ROLLUP_CLICK = "explorer_rollup_click"  # the roll-up map click already handled
EXPLORER_ROLLUP_RECORD = "explorer_rollup_record"  # (compound id, lon, lat) whose record is open
EXPLORER_ROLLUP_STATUS = "explorer_rollup_status"  # statuses the table lists (empty: any)
EXPLORER_ROLLUP_PAGE = "explorer_rollup_page"  # the table's page (0-based)
EXPLORER_ROLLUP_TABLE = "explorer_rollup_table"  # prefix of the table page's key (+ what it shows)
EXPLORER_ROLLUP_SEARCH = "explorer_rollup_search"  # the roll-up explorer's search text
EXPLORER_ROLLUP_FOUND = "explorer_rollup_found"  # the chooser of the search's hits (a compound id)
EXPLORER_ROLLUP_FOCUS = "explorer_rollup_focus"  # (lat, lon) the roll-up map was asked to centre on
Q_PLACE = "place"
# data import and progress edits (dashboard/auth_widget.py, app_pages/data_import.py, data_edit.py)
USER = "user"  # geo.auth.User signed in; absent = anonymous viewer
USER_SEEN = "user_seen"  # time.monotonic() of the signed-in session's last run (the idle timeout)
LOGIN_NOTICE = "login_notice"  # why the session was signed out (idle, account changed), shown in the login box
LOGIN_FORM = "login_form"  # the sidebar login form (its name and password widgets: + "_name" / "_password")
IMPORT_UPLOAD = "import_upload"  # the file uploader
IMPORT_CRS = "import_crs"  # declared CRS of lon/lat: wgs84 | cgcs2000 | gcj02 | bd09
IMPORT_ENCODING = "import_encoding"  # CSV encoding override ("" = detect)
IMPORT_CHOICE = "import_choice"  # sheet / layer chosen
IMPORT_MAP = "import_map_"  # prefix of the unknown-column mapping widgets (+ column index)
IMPORT_DONE = "import_done"  # message shown after a commit or restore
IMPORT_CONFIRM = "import_confirm"  # the import waiting for confirmation: (file, fingerprint)
RESTORE_VERSION = "restore_version"  # the version chosen for restore
RESTORE_CONFIRM = "restore_confirm"  # the version waiting for the restore's confirmation
EDIT_SUBDISTRICT = "edit_subdistrict"  # subdistrict whose compounds are listed
EDIT_SUBDISTRICT_FOR = "edit_subdistrict_for"  # user name the subdistrict was last defaulted for
EDIT_COMPOUND = "edit_compound"  # compound id being edited
EDIT_OPENED = "edit_opened"  # (compound id, geo.writes.OpenedRecord) as opened: its tag is the concurrency check
EDIT_MESSAGE = "edit_message"  # (kind, text) shown after a save
EDIT_SINCE = "edit_since"  # the "changes since" date
# construction (dashboard/app_pages/schedule.py)
SCHEDULE_SCOPE_KIND = "schedule_scope_kind"  # area | subdistrict
SCHEDULE_SCOPE = "schedule_scope"  # the area's or subdistrict's name
SCHEDULE_LINKED = "schedule_linked"  # the (kind, name) a ?area= / ?subdistrict= link set the scope to (applied once)
SCHEDULE_VIEW = "schedule_view"  # chart | table | issues | findings
SCHEDULE_SORT = "schedule_sort"  # the area chart's row order: lag | name | start
SCHEDULE_ALL = "schedule_all"  # the area chart shows every compound (not only those on site around the date)
SCHEDULE_COMPOUND = "schedule_compound"  # compound id of the timing chart
SCHEDULE_DAY = "schedule_day"  # the day the page shows (at most the as-of date)
SCHEDULE_DAY_FOR = "schedule_day_for"  # the as-of date the day was last set to follow
SCHEDULE_OPENED = "schedule_opened"  # (key, table, {compound id: tag}) of the daily table as opened: the concurrency check
SCHEDULE_EDITOR = "schedule_editor"  # prefix of the daily table editor's key
SCHEDULE_MESSAGE = "schedule_message"  # (kind, text) shown after a save
SCHEDULE_UPLOAD = "schedule_upload"  # the daily sheet uploader
SCHEDULE_SHEET_TAGS = "schedule_sheet_tags"  # (upload id, {compound id: tag}) when the sheet was checked: its import's concurrency check
SCHEDULE_HANDOVER = "schedule_handover_"  # prefix of the handover form's widgets
SCHEDULE_ISSUE = "schedule_issue_"  # prefix of the issue forms' widgets
EXPLORER_ALERTS = "explorer_alerts"  # the explorer map shows the sequence violations / overdue issues layer

# --- URL query parameters -------------------------------------------------------------
Q_LANG = "lang"
Q_AS_OF = "as_of"
Q_PLACE = "place"  # the place a roll-up page shows (a place code of the programme)

#: First date the as-of control offers (start of the 13th FYP programme).
AS_OF_MIN = dt.date(2015, 1, 1)


def today() -> dt.date:
    """Today's date (the as-of default and the control's upper bound)."""
    return dt.date.today()


def _valid_lang(value: object) -> str | None:
    return value if isinstance(value, str) and value in LANGS else None


def _parse_date(value: object) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return None
    return day if AS_OF_MIN <= day <= today() else None


def init_session(default_lang: str = DEFAULT_LANG) -> None:
    """Set session defaults from the URL (first) or the settings; keep the URL in sync.

    Call once at the top of every run (``dashboard/app.py`` does).
    """
    bad = [(k, str(st.query_params.get(k))) for k, ok in ((Q_LANG, _valid_lang), (Q_AS_OF, _parse_date))
           if k in st.query_params and ok(st.query_params.get(k)) is None]
    if bad:  # pages say so (the explorer names what a shared link had that it ignored)
        st.session_state[SHELL_IGNORED] = bad
    url_lang = _valid_lang(st.query_params.get(Q_LANG))
    if url_lang:
        st.session_state[LANG] = url_lang
    elif LANG not in st.session_state:
        st.session_state[LANG] = _valid_lang(default_lang) or DEFAULT_LANG
    if st.query_params.get(Q_LANG) != st.session_state[LANG]:
        st.query_params[Q_LANG] = st.session_state[LANG]
    url_day = _parse_date(st.query_params.get(Q_AS_OF)) if Q_AS_OF in st.query_params else None
    if url_day is not None:
        st.session_state[AS_OF] = url_day
    elif AS_OF not in st.session_state:
        st.session_state[AS_OF] = today()
    _sync_as_of_param()


def _sync_as_of_param() -> None:
    """Keep ``?as_of=`` in the URL only when it is not today (links stay short)."""
    day = st.session_state[AS_OF]
    if day == today():
        if Q_AS_OF in st.query_params:
            del st.query_params[Q_AS_OF]
    elif st.query_params.get(Q_AS_OF) != day.isoformat():
        st.query_params[Q_AS_OF] = day.isoformat()


def write_query(params: Mapping[str, str], owned: Iterable[str]) -> None:
    """Make the URL's ``owned`` query parameters exactly ``params``: the changed ones set at
    once, the others deleted; the rest (``lang``, ``as_of``) are left alone."""
    changed = {key: value for key, value in params.items() if st.query_params.get(key) != value}
    if changed:
        st.query_params.update(changed)
    for key in owned:
        if key not in params and key in st.query_params:
            del st.query_params[key]


def lang() -> str:
    """The current UI language ("zh" or "en")."""
    return st.session_state.get(LANG, DEFAULT_LANG)


def set_lang(value: str) -> None:
    """Switch the UI language and write it to the URL."""
    if _valid_lang(value):
        st.session_state[LANG] = value
        st.query_params[Q_LANG] = value


def as_of() -> dt.date:
    """The as-of date every figure is computed for (default today)."""
    return st.session_state.get(AS_OF, today())


def set_as_of(value: dt.date) -> None:
    """Set the as-of date (clamped to 2015-01-01 → today) and sync the URL."""
    st.session_state[AS_OF] = min(max(value, AS_OF_MIN), today())
    _sync_as_of_param()


def _on_lang_widget() -> None:
    set_lang(st.session_state[LANG_WIDGET])


def _on_as_of_widget() -> None:
    value = st.session_state.get(AS_OF_WIDGET)
    set_as_of(value if isinstance(value, dt.date) else today())


def lang_switch(label: str) -> None:
    """The visible language switch (中文 | English); keeps ``?lang=`` in sync."""
    st.session_state[LANG_WIDGET] = lang()
    st.segmented_control(
        label, options=list(LANGS), key=LANG_WIDGET, on_change=_on_lang_widget,
        format_func=lambda code: t(f"app.lang.{code}", code),
        selection_mode="single",
    )


def as_of_input(label: str, help_text: str | None = None) -> dt.date:
    """The as-of date control (2015-01-01 → today); returns the current as-of date."""
    st.session_state[AS_OF_WIDGET] = as_of()
    st.date_input(
        label, key=AS_OF_WIDGET, min_value=AS_OF_MIN, max_value=today(),
        on_change=_on_as_of_widget, help=help_text, format="YYYY-MM-DD",
    )
    return as_of()


def place_param() -> str | None:
    """The ``?place=`` of the URL (a roll-up page's place code, unchecked), or None."""
    value = st.query_params.get(Q_PLACE)
    return None if value is None else str(value)


def set_place(code: str) -> None:
    """Show ``code`` on a roll-up page: written to the URL, so a copied link opens the same place."""
    st.query_params[Q_PLACE] = code
