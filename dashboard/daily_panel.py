"""一表 on the site schedule page: the daily progress table of a day, filled in place by editors of
the compounds' subdistricts, the contractors' Excel sheet of the day and the import of a filled one.

Widgets -> dashboard.cached (the table, the sheet, its check) -> dashboard.site_form (opened table,
saves through ``geo.writes``: rights, tags and audit live there) -> render.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import cached, site_form, state, ui
from geo.auth import User
from geo.i18n import t, vocab
from geo.imports.issues import UnreadableFile
from geo.imports.validate import report_frame, report_xlsx
from geo.reports.daily import FORMATS
from geo.schedule.sheet import sheet_filename
from geo.store import Loaded

ss = st.session_state
COLUMNS = ("name", "compound_id", "work", "contractor", "planned_percent", "percent", "previous", "change", "lag_days",
           "workers", "note", "reported_by")


def _editor(table: pd.DataFrame, editable: bool, lang: str) -> pd.DataFrame:
    col = lambda key: t(f"schedule.daily.col.{key}", lang)  # noqa: E731
    pct = lambda key, **kw: st.column_config.NumberColumn(col(key), format="%.1f%%", **kw)  # noqa: E731
    config = {
        "name": st.column_config.TextColumn(col("name"), disabled=True, width="medium"),
        "compound_id": st.column_config.TextColumn(col("compound_id"), disabled=True, width="small"),
        "work": st.column_config.TextColumn(col("work"), disabled=True),
        "contractor": st.column_config.TextColumn(col("contractor"), disabled=True),
        "planned_percent": pct("planned_percent", disabled=True),
        "percent": pct("percent", min_value=0.0, max_value=100.0, step=0.5, disabled=not editable),
        "previous": pct("previous", disabled=True), "change": pct("change", disabled=True),
        "lag_days": st.column_config.NumberColumn(col("lag_days"), format="%d", disabled=True),
        "workers": st.column_config.NumberColumn(col("workers"), min_value=0, max_value=2000, step=1, format="%d",
                                                 disabled=not editable),
        "note": st.column_config.TextColumn(col("note"), max_chars=200, disabled=not editable, width="large"),
        "reported_by": st.column_config.TextColumn(col("reported_by"), disabled=True),
    }
    shown = table[list(COLUMNS)].assign(work=[vocab("work", w, lang) for w in table["work"]])
    return st.data_editor(shown, column_config=config, hide_index=True, width="stretch", placeholder=ui.NO_VALUE,
                          height=min(38 + 35 * len(table), 560), key=f"{state.SCHEDULE_EDITOR}_{id(table)}")


def table_view(loaded: Loaded, day: dt.date, as_of: dt.date, area: str | None, subdistrict: str | None,
               label: str, user: User, lang: str) -> None:
    """The day's table (editable for its editors on today's data), then the sheet's download and import."""
    key = (area, subdistrict, day.isoformat(), as_of.isoformat())
    table, etags = site_form.opened_daily(ss, key, partial(cached.daily, loaded, day, as_of, area, subdistrict),
                                          cached.store())
    editable = site_form.daily_editable(user, table, day, as_of)
    st.html(ui.section_html(t("schedule.daily.title", lang, scope=label, date=day.isoformat())))
    if table.empty:
        st.info(t("schedule.daily.empty", lang), icon=":material/event_busy:")
    else:
        st.caption(t("schedule.daily.hint" if editable else "schedule.daily.readonly", lang))
        edited = _editor(table, editable, lang)
        cols = st.columns([1, 1, 3])
        if cols[0].button(t("schedule.daily.save", lang), type="primary", disabled=not editable, icon=":material/save:"):
            site_form.say(ss, site_form.save_daily(cached.store(), user, table, edited, etags, day, lang))
            site_form.reopen(ss)
            st.rerun()
        cols[1].button(t("edit.reopen", lang), on_click=site_form.reopen, args=(ss,), icon=":material/refresh:")
    _sheet_io(loaded, day, as_of, area, subdistrict, user, lang)


def _sheet_io(loaded: Loaded, day: dt.date, as_of: dt.date, area: str | None, subdistrict: str | None,
              user: User, lang: str) -> None:
    """The contractors' Excel template of the day and the import of a filled one."""
    programme = loaded.dataset.programme
    place = programme.area(area) if area else None
    scope = place.en if place else subdistrict or ""
    st.download_button(t("schedule.sheet.download", lang),
                       data=partial(cached.daily_sheet, loaded, day, as_of, lang, area, subdistrict),
                       file_name=sheet_filename(programme.key, day.isoformat(), (scope,)), on_click="ignore",
                       mime=FORMATS["xlsx"], icon=":material/download:")
    upload = st.file_uploader(t("schedule.sheet.upload", lang), type=["xlsx", "csv"], key=state.SCHEDULE_UPLOAD)
    if upload is None:
        return
    try:
        check = cached.sheet_checked(loaded, upload.getvalue(), upload.name)
    except UnreadableFile as exc:
        st.error(exc.message(lang))
        return
    report = check.report
    st.caption(t("validate.summary", lang, file=report.source, rows=len(report.rows), errors=len(report.errors),
                 warnings=len(report.warnings)))
    if report.issues:
        st.dataframe(report_frame(report, lang), hide_index=True, width="stretch", placeholder=ui.NO_VALUE)
        st.download_button(t("imp.download_report", lang), data=partial(report_xlsx, report, lang), on_click="ignore",
                           file_name="daily-sheet-report.xlsx", mime=FORMATS["xlsx"])
    if not check.ok:
        st.warning(t("schedule.import.blocked", lang, errors=len(report.errors)))
        return
    st.info(t("schedule.import.ready", lang, n=check.count, compounds=len(check.reports)))
    tags = site_form.sheet_tags(ss, upload.file_id, check.reports, cached.store())
    if st.button(t("schedule.sheet.import", lang), disabled=not user.can_write or not check.count, icon=":material/upload:"):
        site_form.say(ss, site_form.import_sheet(cached.store(), user, check.reports, tags, lang))
        site_form.reopen(ss)
        st.rerun()
