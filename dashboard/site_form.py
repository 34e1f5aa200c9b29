"""The site schedule's forms in session state: the scope a link names, the daily table as opened
(each compound's tag is the concurrency check), the saves through ``geo.writes`` and the message
each leaves for the next run.

No widgets here (the panels draw them): functions take the session state (``st.session_state``,
or a dict in tests) and the store.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any

import pandas as pd

from dashboard import state
from geo import writes
from geo.audit import EditError, HandoverProgress
from geo.auth import AuthError, User
from geo.i18n import t
from geo.programme import Programme
from geo.schedule.daily import EDITABLE, reports_from_edit
from geo.store import EditConflict, Store, StoreError

Session = MutableMapping[Any, Any]
Message = tuple[str, str]  # (success | error, text)
REFUSED = (EditConflict, EditError, AuthError, StoreError, ValueError)
EDIT_DAYS = 7  # how far back a day's progress may still be reported


def link_scope(session: Session, params: Mapping[str, Any], programme: Programme) -> None:
    """Apply a link's scope (``?area=NAME`` or ``?subdistrict=NAME``) once: later choices stand."""
    for kind in ("area", "subdistrict"):
        named = params.get(kind)
        valid = programme.area_names if kind == "area" else programme.subdistrict_names
        if named in valid and session.get(state.SCHEDULE_LINKED) != (kind, named):
            session[state.SCHEDULE_SCOPE_KIND], session[state.SCHEDULE_SCOPE] = kind, named
            session[state.SCHEDULE_LINKED] = (kind, named)
    session.setdefault(state.SCHEDULE_SCOPE_KIND, "area")


def follow_as_of(session: Session, as_of: dt.date) -> None:
    """The day shown follows the sidebar's as-of date whenever that changes."""
    if session.get(state.SCHEDULE_DAY_FOR) != as_of:
        session[state.SCHEDULE_DAY], session[state.SCHEDULE_DAY_FOR] = as_of, as_of


def say(session: Session, message: Message) -> None:
    """Leave a message for the next run."""
    session[state.SCHEDULE_MESSAGE] = message


def pop_message(session: Session) -> Message | None:
    """The message the last save left, once."""
    return session.pop(state.SCHEDULE_MESSAGE, None)


def refusal(exc: Exception, lang: str) -> str:
    """Why a save was refused, for a person."""
    if isinstance(exc, EditConflict):
        return t("edit.conflict", lang, compound=exc.compound_id, user=exc.last.get("user", ""), at=exc.last.get("at", ""))
    return str(exc)


def opened_daily(session: Session, key: tuple[Any, ...], table: Callable[[], pd.DataFrame],
                 store: Store) -> tuple[pd.DataFrame, dict[str, str]]:
    """The daily table as opened for ``key`` (scope and days) with each compound's tag; opened now if not yet."""
    opened = session.get(state.SCHEDULE_OPENED)
    if opened is None or opened[0] != key:
        frame = table()
        opened = (key, frame, {cid: store.etag(cid) for cid in frame["compound_id"].unique()})
        session[state.SCHEDULE_OPENED] = opened
    return opened[1], opened[2]


def sheet_tags(session: Session, upload_id: str, compounds: Iterable[str], store: Store) -> dict[str, str]:
    """The tags of a daily sheet's compounds as they were when the sheet was first checked and shown.

    Kept per upload, so an import clicked later writes at those tags: a compound someone saved in
    between is refused (EditConflict), never overwritten by the sheet.
    """
    held = session.get(state.SCHEDULE_SHEET_TAGS)
    if held is None or held[0] != upload_id:
        held = (upload_id, {cid: store.etag(cid) for cid in compounds})
        session[state.SCHEDULE_SHEET_TAGS] = held
    return dict(held[1])


def reopen(session: Session) -> None:
    """Forget the opened daily table: the next run opens the latest one."""
    session.pop(state.SCHEDULE_OPENED, None)


def daily_editable(user: User, table: pd.DataFrame, day: dt.date, as_of: dt.date) -> bool:
    """Whether the user may fill in the table: today's data, a day of the last week, and every
    compound's subdistrict theirs (the write use case checks again from stored data)."""
    return as_of == dt.date.today() and day >= as_of - dt.timedelta(days=EDIT_DAYS) and user.can_write \
        and all(user.can_edit(s) for s in table["subdistrict"].dropna().unique())


def save_daily(store: Store, user: User, table: pd.DataFrame, edited: pd.DataFrame, etags: Mapping[str, str],
               day: dt.date, lang: str) -> Message:
    """Save the rows of the daily table the user changed, per compound at its opened tag."""
    reports = reports_from_edit(table, edited[list(EDITABLE)], day)
    if not reports:
        return "success", t("edit.nothing", lang)
    by_compound: dict[str, list[Any]] = {}
    for r in reports:
        by_compound.setdefault(r.compound_id, []).append(r)
    saved, refused = 0, []
    for cid, rows in by_compound.items():
        try:
            writes.save_daily_progress(store, user, cid, rows, etag=etags[cid])
            saved += 1
        except (EditConflict, EditError, AuthError, StoreError) as exc:
            refused.append(refusal(exc, lang))
    if refused:
        return "error", t("schedule.daily.partly", lang, saved=saved, detail="；".join(refused))
    return "success", t("schedule.daily.saved", lang, n=len(reports), compounds=saved)


def import_sheet(store: Store, user: User, reports: Mapping[str, Any], etags: Mapping[str, str], lang: str) -> Message:
    """Save a checked contractors' sheet (``geo.writes.save_daily_sheet``) at the tags it was checked at."""
    try:
        outcome = writes.save_daily_sheet(store, user, reports, etags=etags)
    except (AuthError, EditError, StoreError) as exc:
        return "error", str(exc)
    refused = [refusal(r, lang) for r in outcome.values() if isinstance(r, Exception)]
    if refused:
        return "error", "；".join(refused)
    changes = sum(r.changes for r in outcome.values() if isinstance(r, writes.Saved))
    return "success", t("schedule.import.saved", lang, compounds=len(outcome), changes=changes)


def record_handover(store: Store, user: User, opened: writes.OpenedRecord, source: str, target: str,
                    actual: dt.date, accepted_by: str, lang: str, label: Callable[[str], str]) -> Message:
    """Record the handover of a face from ``source`` to ``target`` on ``actual`` (its plan date kept)."""
    current = next((h for h in opened.record.handovers if (h.from_work, h.to_work) == (source, target)), None)
    try:
        handover = HandoverProgress(from_work=source, to_work=target, actual_date=actual,
                                    plan_date=current.plan_date if current else None, accepted_by=accepted_by or None)
        writes.save_handover(store, user, handover, compound_id=opened.record.compound_id, etag=opened.etag)
    except REFUSED as exc:
        return "error", refusal(exc, lang)
    return "success", t("schedule.handover.saved", lang, source=label(source), target=label(target))


def raise_issue(store: Store, user: User, compound_id: str, category: str, description: str, owner: str,
                lang: str) -> Message:
    """Raise an issue now (``geo.writes.raise_issue``)."""
    try:
        issue, _ = writes.raise_issue(store, user, compound_id, category=category, description=description,
                                      owner=owner, etag=store.etag(compound_id))
    except REFUSED as exc:
        return "error", refusal(exc, lang)
    return "success", t("schedule.issue.raised", lang, issue=issue)


def resolve_issue(store: Store, user: User, compound_id: str, issue: str, resolution: str, lang: str) -> Message:
    """Resolve an open issue now (``geo.writes.resolve_issue``)."""
    try:
        writes.resolve_issue(store, user, compound_id, issue, resolution, etag=store.etag(compound_id))
    except REFUSED as exc:
        return "error", refusal(exc, lang)
    return "success", t("schedule.issue.resolved_saved", lang, issue=issue)
