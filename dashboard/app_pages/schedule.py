"""施工调度 / Site schedule (site management): 一图一表 for an area or subdistrict.

一图: the handover timing chart, compounds as rows (sortable by lag) and one compound's works
grouped underground / special / above-ground with planned and actual bars, handovers and the
rules' findings in red. 一表: the daily progress table of a day, filled in place by editors of
the compounds' subdistricts (saved through ``geo.writes.save_daily_progress``: rights, tags and
audit live there), the contractors' Excel template and its import. Also the issue log and the
next-morning dispatch report. Thin page: widgets -> dashboard.cached / geo.writes -> render.

The page shows day D (default: the sidebar's as-of date); the daily table shows the reports
known on the sidebar's date. Editing is offered on today's data only.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import cached, state, ui
from dashboard.auth_widget import login_box
from geo import schema, writes
from geo.audit import EditError, HandoverProgress
from geo.auth import AuthError, User
from geo.i18n import t, vocab
from geo.imports.issues import UnreadableFile
from geo.imports.validate import report_frame, report_xlsx
from geo.programme import Programme
from geo.reports import daily as daily_report
from geo.schedule import model, views
from geo.schedule.chart import area_chart
from geo.schedule.daily import EDITABLE, reports_from_edit
from geo.schedule.sheet import sheet_filename
from geo.store import EditConflict, Loaded, StoreError

VIEWS = ("chart", "table", "issues", "findings")
EDIT_DAYS = 7  # how far back a day's progress may still be reported


# --- scope and headline figures --------------------------------------------------------------------
def _scope(programme: Programme, lang: str, left: Any, right: Any) -> tuple[str | None, str | None, str]:
    """(area, subdistrict, its label) chosen at the top of the page (in the columns ``left``, ``right``)."""
    kinds = ("area", "subdistrict")
    for kind in kinds:  # a link may name the scope: /schedule?area=NAME or ?subdistrict=NAME (read once)
        named = st.query_params.get(kind)
        valid = programme.area_names if kind == "area" else programme.subdistrict_names
        if named in valid and st.session_state.get(state.SCHEDULE_LINKED) != (kind, named):
            st.session_state[state.SCHEDULE_SCOPE_KIND], st.session_state[state.SCHEDULE_SCOPE] = kind, named
            st.session_state[state.SCHEDULE_LINKED] = (kind, named)
    st.session_state.setdefault(state.SCHEDULE_SCOPE_KIND, "area")
    with left:
        kind = st.segmented_control(t("schedule.scope", lang), kinds, key=state.SCHEDULE_SCOPE_KIND, required=True,
                                    format_func=lambda k: t(f"schedule.scope.{k}", lang)) or "area"
    names = list(programme.area_names if kind == "area" else programme.subdistrict_names)
    if st.session_state.get(state.SCHEDULE_SCOPE) not in names:
        st.session_state[state.SCHEDULE_SCOPE] = names[0]
    with right:
        name = st.selectbox(t(f"schedule.scope.{kind}", lang), names, key=state.SCHEDULE_SCOPE,
                            format_func=lambda n: vocab(kind, n, lang, programme))
    label = vocab(kind, name, lang, programme)
    return (name, None, label) if kind == "area" else (None, name, label)


def _kpis(figures: dict[str, Any], lang: str) -> None:
    d, s, i = figures["daily"], figures["sequencing"], figures["issues"]
    rate = i["resolved_same_day_rate"]
    cols = st.columns(5)
    cols[0].metric(t("schedule.kpi.active", lang), f"{d['works_active']:,}", help=t("schedule.kpi.active_help", lang))
    cols[1].metric(t("schedule.kpi.reported", lang), f"{d['works_reported']:,}")
    cols[2].metric(t("schedule.kpi.behind", lang, days=d["lag_alert_days"]), f"{d['compounds_behind']:,}")
    cols[3].metric(t("schedule.kpi.sequence", lang), f"{s['violations']:,} / {s['warnings']:,}",
                   help=t("schedule.kpi.sequence_help", lang, n=s["compounds_with_violations"]))
    cols[4].metric(t("schedule.kpi.issues", lang), f"{i['open']:,} / {i['overdue']:,}",
                   help=t("schedule.kpi.issues_help", lang, rate="—" if rate is None else f"{100 * rate:.1f}%"))


def _message() -> None:
    kind, text = st.session_state.pop(state.SCHEDULE_MESSAGE, (None, None))
    if kind == "error":
        st.error(text, icon=":material/block:")
    elif kind == "success":
        st.success(text)


def _say(kind: str, text: str) -> None:
    st.session_state[state.SCHEDULE_MESSAGE] = (kind, text)


def _refusal(exc: Exception, lang: str) -> str:
    if isinstance(exc, EditConflict):
        return t("edit.conflict", lang, compound=exc.compound_id, user=exc.last.get("user", ""), at=exc.last.get("at", ""))
    return str(exc)


# --- 一图 -------------------------------------------------------------------------------------------
def _chart_view(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, user: User, lang: str) -> None:
    left, right = st.columns([2, 1])
    sort = left.segmented_control(t("schedule.sort", lang), ("lag", "name", "start"), key=state.SCHEDULE_SORT,
                                  required=True, default="lag", format_func=lambda s: t(f"schedule.sort.{s}", lang))
    everything = right.toggle(t("schedule.all", lang), key=state.SCHEDULE_ALL, help=t("schedule.all_help", lang))
    phases = cached.area_phases(loaded, day, area, subdistrict, lang, sort or "lag", everything)
    if phases.empty:
        st.info(t("schedule.none_near", lang), icon=":material/event_busy:")
    else:
        st.vega_lite_chart(area_chart(phases, day, lang), width="stretch", key="schedule_area_chart")
        st.caption(t("schedule.area_note", lang))
    _compound_panel(loaded, day, phases, area, subdistrict, user, lang)


def _compound_panel(loaded: Loaded, day: dt.date, phases: pd.DataFrame, area: str | None, subdistrict: str | None,
                    user: User, lang: str) -> None:
    scope = cached.findings(loaded, day, area, subdistrict)
    ids = list(dict.fromkeys([*phases["compound_id"], *scope["compound_id"]]))
    if not ids:
        return
    names = loaded.dataset.compounds.set_index("compound_id")["name"]
    if st.session_state.get(state.SCHEDULE_COMPOUND) not in ids:
        st.session_state[state.SCHEDULE_COMPOUND] = ids[0]
    cid = st.selectbox(t("schedule.compound", lang), ids, key=state.SCHEDULE_COMPOUND,
                       format_func=lambda c: f"{names.get(c, c)}（{c}）" if lang != "en" else f"{names.get(c, c)} ({c})")
    drawn = cached.compound_chart(loaded, cid, day, lang)
    st.html(ui.section_html(t("schedule.chart_title", lang, name=str(names.get(cid, cid)), date=day.isoformat())))
    if not drawn["rows"]:
        st.caption(t("schedule.no_works", lang))
        return
    st.vega_lite_chart(drawn["spec"], width="stretch", key=f"schedule_chart_{cid}")
    st.caption(t("schedule.chart_note", lang))
    if len(drawn["findings"]):
        st.dataframe(views.findings_view(drawn["findings"], lang, loaded.dataset.programme), hide_index=True,
                     width="stretch")
    _handover_form(loaded, cid, user, lang)


def _handover_form(loaded: Loaded, cid: str, user: User, lang: str) -> None:
    """Record a work-face handover of the compound (editors of its subdistrict)."""
    works = loaded.dataset.works
    keys = [w for w in schema.WORK_KEYS if w in set(works.loc[works["compound_id"] == cid, "work"])]
    opened = writes.open_progress(cached.store(), cid)
    if len(keys) < 2 or not user.can_edit(opened.subdistrict):
        return
    with st.expander(t("schedule.handover.title", lang), icon=":material/swap_horiz:"), \
            st.form(f"{state.SCHEDULE_HANDOVER}{cid}", border=False):
        label = lambda w: vocab("work", w, lang)  # noqa: E731
        cols = st.columns(4)
        source = cols[0].selectbox(t("schedule.handover.from", lang), keys, format_func=label, key=f"{state.SCHEDULE_HANDOVER}from")
        target = cols[1].selectbox(t("schedule.handover.to", lang), keys, index=len(keys) - 1, format_func=label,
                                   key=f"{state.SCHEDULE_HANDOVER}to")
        actual = cols[2].date_input(t("schedule.handover.date", lang), value=dt.date.today(), max_value=dt.date.today(),
                                    format="YYYY-MM-DD", key=f"{state.SCHEDULE_HANDOVER}date")
        accepted = cols[3].text_input(t("field.accepted_by", lang), max_chars=100, key=f"{state.SCHEDULE_HANDOVER}by")
        if st.form_submit_button(t("schedule.handover.save", lang), icon=":material/save:"):
            current = next((h for h in opened.record.handovers if (h.from_work, h.to_work) == (source, target)), None)
            try:
                handover = HandoverProgress(from_work=source, to_work=target, actual_date=actual,
                                            plan_date=current.plan_date if current else None, accepted_by=accepted or None)
                writes.save_handover(cached.store(), user, handover, compound_id=cid, etag=opened.etag)
            except (EditConflict, EditError, AuthError, StoreError, ValueError) as exc:
                _say("error", _refusal(exc, lang))
            else:
                _say("success", t("schedule.handover.saved", lang, source=label(source), target=label(target)))
            st.rerun()


# --- 一表 -------------------------------------------------------------------------------------------
def _opened(loaded: Loaded, day: dt.date, as_of: dt.date, area: str | None, subdistrict: str | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The daily table as opened (with each compound's tag, the concurrency check); opened now if not yet."""
    key = (area, subdistrict, day.isoformat(), as_of.isoformat())
    opened = st.session_state.get(state.SCHEDULE_OPENED)
    if opened is None or opened[0] != key:
        table = cached.daily(loaded, day, as_of, area, subdistrict)
        store = cached.store()
        opened = (key, table, {cid: store.etag(cid) for cid in table["compound_id"].unique()})
        st.session_state[state.SCHEDULE_OPENED] = opened
    return opened[1], opened[2]


def _reopen() -> None:
    st.session_state.pop(state.SCHEDULE_OPENED, None)


def _editor_frame(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table[["name", "compound_id", "work", "contractor", "planned_percent", "percent", "previous", "change",
                 "lag_days", "workers", "note", "reported_by"]].copy()
    out["work"] = [vocab("work", w, lang) for w in out["work"]]
    return out


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
    return st.data_editor(_editor_frame(table, lang), column_config=config, hide_index=True, width="stretch",
                          height=min(38 + 35 * len(table), 560), key=f"{state.SCHEDULE_EDITOR}_{id(table)}")


def _save_daily(user: User, table: pd.DataFrame, edited: pd.DataFrame, etags: dict[str, str], day: dt.date,
                lang: str) -> None:
    reports = reports_from_edit(table, edited[list(EDITABLE)], day)
    if not reports:
        _say("success", t("edit.nothing", lang))
        return
    by_compound: dict[str, list[Any]] = {}
    for r in reports:
        by_compound.setdefault(r.compound_id, []).append(r)
    saved, refused = 0, []
    for cid, rows in by_compound.items():
        try:
            writes.save_daily_progress(cached.store(), user, cid, rows, etag=etags[cid])
            saved += 1
        except (EditConflict, EditError, AuthError, StoreError) as exc:
            refused.append(_refusal(exc, lang))
    _reopen()
    if refused:
        _say("error", t("schedule.daily.partly", lang, saved=saved, detail="；".join(refused)))
    else:
        _say("success", t("schedule.daily.saved", lang, n=len(reports), compounds=saved))


def _table_view(loaded: Loaded, day: dt.date, as_of: dt.date, area: str | None, subdistrict: str | None,
                label: str, user: User, lang: str) -> None:
    table, etags = _opened(loaded, day, as_of, area, subdistrict)
    editable = as_of == dt.date.today() and day >= as_of - dt.timedelta(days=EDIT_DAYS) and user.can_write \
        and all(user.can_edit(s) for s in table["subdistrict"].dropna().unique())
    st.html(ui.section_html(t("schedule.daily.title", lang, scope=label, date=day.isoformat())))
    if table.empty:
        st.info(t("schedule.daily.empty", lang), icon=":material/event_busy:")
    else:
        st.caption(t("schedule.daily.hint" if editable else "schedule.daily.readonly", lang))
        edited = _editor(table, editable, lang)
        cols = st.columns([1, 1, 3])
        if cols[0].button(t("schedule.daily.save", lang), type="primary", disabled=not editable, icon=":material/save:"):
            _save_daily(user, table, edited, etags, day, lang)
            st.rerun()
        cols[1].button(t("edit.reopen", lang), on_click=_reopen, icon=":material/refresh:")
    _sheet_io(loaded, day, as_of, area, subdistrict, editable, user, lang)


def _sheet_io(loaded: Loaded, day: dt.date, as_of: dt.date, area: str | None, subdistrict: str | None, editable: bool,
              user: User, lang: str) -> None:
    """The contractors' Excel template of the day and the import of a filled one."""
    programme = loaded.dataset.programme
    scope = (programme.area(area).en if area and programme.area(area) else subdistrict or "")
    st.download_button(t("schedule.sheet.download", lang), data=partial(cached.daily_sheet, loaded, day, as_of, lang, area,
                                                                         subdistrict),
                       file_name=sheet_filename(programme.key, day.isoformat(), (scope,)), on_click="ignore",
                       mime=daily_report.FORMATS["xlsx"], icon=":material/download:")
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
        st.dataframe(report_frame(report, lang), hide_index=True, width="stretch")
        st.download_button(t("imp.download_report", lang), data=partial(report_xlsx, report, lang), on_click="ignore",
                           file_name="daily-sheet-report.xlsx", mime=daily_report.FORMATS["xlsx"])
    if not check.ok:
        st.warning(t("schedule.import.blocked", lang, errors=len(report.errors)))
        return
    st.info(t("schedule.import.ready", lang, n=check.count, compounds=len(check.reports)))
    if st.button(t("schedule.sheet.import", lang), disabled=not user.can_write or not check.count, icon=":material/upload:"):
        store = cached.store()
        try:
            outcome = writes.save_daily_sheet(store, user, check.reports, etags={c: store.etag(c) for c in check.reports})
        except (AuthError, EditError, StoreError) as exc:
            _say("error", str(exc))
        else:
            refused = [_refusal(r, lang) for r in outcome.values() if isinstance(r, Exception)]
            changes = sum(r.changes for r in outcome.values() if isinstance(r, writes.Saved))
            _say("error" if refused else "success", "；".join(refused) if refused else
                 t("schedule.import.saved", lang, compounds=len(outcome), changes=changes))
        _reopen()
        st.rerun()


# --- issues and findings ----------------------------------------------------------------------------------
def _issues_view(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, user: User, lang: str) -> None:
    ds = loaded.dataset
    rows = cached.issues(loaded, day, area, subdistrict)
    names = ds.compounds.set_index("compound_id")["name"]
    if rows.empty:
        st.caption(t("schedule.issue.none", lang))
    else:
        st.dataframe(views.issues_view(rows, day, lang, names), hide_index=True, width="stretch", height=420)
    if not user.can_write or day != dt.date.today():
        st.caption(t("schedule.issue.readonly", lang))
        return
    scope = cached.daily(loaded, day, day, area, subdistrict)
    ids = sorted(set(scope["compound_id"]) | set(rows["compound_id"]))
    home = ds.compounds.set_index("compound_id")["subdistrict"]
    editable = [c for c in ids if user.can_edit(home.get(c))]
    if not editable:
        return
    label = lambda c: f"{names.get(c, c)}（{c}）"  # noqa: E731
    left, right = st.columns(2)
    with left, st.form(f"{state.SCHEDULE_ISSUE}raise"):
        st.markdown(f"**{t('schedule.issue.raise', lang)}**")
        cid = st.selectbox(t("schedule.compound", lang), editable, format_func=label)
        category = st.selectbox(t("field.category", lang), list(model.ISSUE_CATEGORIES),
                                format_func=lambda c: vocab("issue_category", c, lang))
        description = st.text_area(t("field.description", lang), max_chars=500)
        owner = st.text_input(t("field.owner", lang), max_chars=100)
        if st.form_submit_button(t("schedule.issue.raise_button", lang), icon=":material/add_alert:"):
            try:
                issue, _ = writes.raise_issue(cached.store(), user, cid, category=category, description=description,
                                              owner=owner, etag=cached.store().etag(cid))
            except (EditConflict, EditError, AuthError, StoreError) as exc:
                _say("error", _refusal(exc, lang))
            else:
                _say("success", t("schedule.issue.raised", lang, issue=issue))
            st.rerun()
    open_rows = rows[rows["resolved_at"].isna() & rows["compound_id"].isin(editable)]
    if open_rows.empty:
        return
    with right, st.form(f"{state.SCHEDULE_ISSUE}resolve"):
        st.markdown(f"**{t('schedule.issue.resolve', lang)}**")
        texts = dict(zip(open_rows["issue_id"], open_rows["description"]))
        issue = st.selectbox(t("field.issue_id", lang), list(texts), format_func=lambda i: f"{i} {texts[i]}")
        resolution = st.text_area(t("field.resolution", lang), max_chars=500)
        if st.form_submit_button(t("schedule.issue.resolve_button", lang), icon=":material/task_alt:"):
            cid = str(open_rows.loc[open_rows["issue_id"] == issue, "compound_id"].iloc[0])
            try:
                writes.resolve_issue(cached.store(), user, cid, issue, resolution, etag=cached.store().etag(cid))
            except (EditConflict, EditError, AuthError, StoreError) as exc:
                _say("error", _refusal(exc, lang))
            else:
                _say("success", t("schedule.issue.resolved_saved", lang, issue=issue))
            st.rerun()


def _findings_view(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, lang: str) -> None:
    found = cached.findings(loaded, day, area, subdistrict)
    if found.empty:
        st.success(t("schedule.findings.none", lang))
        return
    st.dataframe(views.findings_view(found, lang, loaded.dataset.programme), hide_index=True, width="stretch")
    st.caption(t("schedule.findings.note", lang))


# --- the dispatch report -------------------------------------------------------------------------------
def _report_control(loaded: Loaded, day: dt.date, area: str | None, subdistrict: str | None, lang: str) -> None:
    programme = loaded.dataset.programme
    scope = programme.area(area).en if area and programme.area(area) else None
    with st.popover(t("schedule.report.button", lang), icon=":material/summarize:", width="stretch"):
        st.caption(t("schedule.report.help", lang, date=day.isoformat()))
        for fmt, mime in daily_report.FORMATS.items():
            st.download_button(t("brief.download", lang, fmt=fmt.upper()),
                               data=partial(cached.dispatch_report, loaded, day, lang, fmt, area, subdistrict),
                               file_name=daily_report.report_filename(programme.key, day, fmt, scope or subdistrict),
                               mime=mime, on_click="ignore", width="stretch", key=f"schedule_report_{fmt}")


def main() -> None:
    """Scope, day and view; headline figures; the view."""
    lang, as_of = state.lang(), state.as_of()
    loaded = cached.loaded_or_stop(lang)
    programme = loaded.dataset.programme
    user = login_box(lang, programme)
    head, side = st.columns([4, 1.3], vertical_alignment="bottom")
    head.title(t("schedule.title", lang))
    if loaded.dataset.illustrative:
        st.caption(t("app.illustrative", lang))
    controls = st.columns([1.45, 1.5, 1.2, 3.0], vertical_alignment="bottom")
    area, subdistrict, label = _scope(programme, lang, controls[0], controls[1])
    if st.session_state.get(state.SCHEDULE_DAY_FOR) != as_of:  # a new as-of date: the day follows it
        st.session_state[state.SCHEDULE_DAY], st.session_state[state.SCHEDULE_DAY_FOR] = as_of, as_of
    day = controls[2].date_input(t("schedule.day", lang), max_value=as_of, min_value=state.AS_OF_MIN,
                                 format="YYYY-MM-DD", key=state.SCHEDULE_DAY, help=t("schedule.day_help", lang))
    with controls[3]:
        view = st.segmented_control(t("schedule.view", lang), VIEWS, key=state.SCHEDULE_VIEW, required=True,
                                    default="chart", format_func=lambda v: t(f"schedule.view.{v}", lang)) or "chart"
    with side:
        _report_control(loaded, day, area, subdistrict, lang)
    _kpis(cached.construction_stats(loaded, day, area, subdistrict), lang)
    _message()
    if view == "chart":
        _chart_view(loaded, day, area, subdistrict, user, lang)
    elif view == "table":
        _table_view(loaded, day, as_of, area, subdistrict, label, user, lang)
    elif view == "issues":
        _issues_view(loaded, day, area, subdistrict, user, lang)
    else:
        _findings_view(loaded, day, area, subdistrict, lang)


main()
