"""The issue log (问题台账) and the rules' findings (违规预警) on the site schedule page.

Widgets -> dashboard.cached (the log and the findings as known on the day) -> dashboard.site_form
(raise and resolve through ``geo.writes``) -> render. Texts from the data are dataframe cells.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import cached, site_form, state, ui
from geo.auth import User
from geo.i18n import t, vocab
from geo.reports.daily import FORMATS
from geo.schedule import model, views
from geo.schedule.sheet import table_xlsx
from geo.store import Loaded

ss = st.session_state


def issues_view(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, user: User, lang: str) -> None:
    """The scope's issues, open first; on today's data editors raise and resolve them."""
    ds = loaded.dataset
    rows = cached.issues(loaded, day, area, subdistrict)
    names = ds.compounds.set_index("compound_id")["name"]
    if rows.empty:
        st.caption(t("schedule.issue.none", lang))
    else:
        table = views.issues_view(rows, day, lang, names)
        st.dataframe(table, hide_index=True, width="stretch", height=420, placeholder=ui.NO_VALUE)
        _download(table, "schedule.view.issues", "issues", day, lang)
    if not user.can_write or day != dt.date.today():
        st.caption(t("schedule.issue.readonly", lang))
        return
    scope = cached.daily(loaded, day, day, area, subdistrict)
    home = ds.compounds.set_index("compound_id")["subdistrict"]
    editable = [c for c in sorted(set(scope["compound_id"]) | set(rows["compound_id"])) if user.can_edit(home.get(c))]
    if editable:
        left, right = st.columns(2)
        with left:
            _raise_form(editable, names, user, lang)
        with right:
            _resolve_form(rows[rows["resolved_at"].isna() & rows["compound_id"].isin(editable)], user, lang)


def _raise_form(editable: list[str], names: pd.Series, user: User, lang: str) -> None:
    with st.form(f"{state.SCHEDULE_ISSUE}raise"):
        st.markdown(f"**{t('schedule.issue.raise', lang)}**")
        cid = st.selectbox(t("schedule.compound", lang), editable, format_func=lambda c: f"{names.get(c, c)}（{c}）")
        category = st.selectbox(t("field.category", lang), list(model.ISSUE_CATEGORIES),
                                format_func=lambda c: vocab("issue_category", c, lang))
        description = st.text_area(t("field.description", lang), max_chars=500)
        owner = st.text_input(t("field.owner", lang), max_chars=100)
        if st.form_submit_button(t("schedule.issue.raise_button", lang), icon=":material/add_alert:"):
            site_form.say(ss, site_form.raise_issue(cached.store(), user, cid, category, description, owner, lang))
            st.rerun()


def _resolve_form(open_rows: pd.DataFrame, user: User, lang: str) -> None:
    if open_rows.empty:
        return
    with st.form(f"{state.SCHEDULE_ISSUE}resolve"):
        st.markdown(f"**{t('schedule.issue.resolve', lang)}**")
        texts = dict(zip(open_rows["issue_id"], open_rows["description"]))
        issue = st.selectbox(t("field.issue_id", lang), list(texts), format_func=lambda i: f"{i} {texts[i]}")
        resolution = st.text_area(t("field.resolution", lang), max_chars=500)
        if st.form_submit_button(t("schedule.issue.resolve_button", lang), icon=":material/task_alt:"):
            cid = str(open_rows.loc[open_rows["issue_id"] == issue, "compound_id"].iloc[0])
            site_form.say(ss, site_form.resolve_issue(cached.store(), user, cid, issue, resolution, lang))
            st.rerun()


def findings_view(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, lang: str) -> None:
    """Every violation and planning warning of the scope with its rule's text."""
    found = cached.findings(loaded, day, area, subdistrict)
    if found.empty:
        st.success(t("schedule.findings.none", lang))
        return
    table = views.findings_view(found, lang, loaded.dataset.programme)
    st.dataframe(table, hide_index=True, width="stretch", placeholder=ui.NO_VALUE)
    st.caption(t("schedule.findings.note", lang))
    _download(table, "schedule.view.findings", "findings", day, lang)


def _download(table: pd.DataFrame, title: str, stem: str, day: dt.date, lang: str) -> None:
    """The table as shown, as an Excel file of the day."""
    st.download_button(t("schedule.download_xlsx", lang), data=partial(table_xlsx, table, t(title, lang)),
                       file_name=f"{stem}-{day.isoformat()}.xlsx", mime=FORMATS["xlsx"], on_click="ignore",
                       icon=":material/download:", key=f"schedule_download_{stem}")
