"""Labelled tables of the construction data for a page to show as they are (no Streamlit).

Each function takes frames of ``geo.schedule`` and returns a new frame with the values in
``lang`` (works, classes, rule names, categories) and the headers of ``HEADERS``; names and
notes from the data stay plain values (a page shows them in dataframe cells, never as HTML).
"""
from __future__ import annotations

import pandas as pd

from geo import asof, schema
from geo.asof import AsOfLike
from geo.i18n import t, vocab
from geo.programme import Programme
from geo.schedule import model
from geo.schedule.rules import RULE_BY_ID


def _work(key: object, lang: str) -> str:
    return vocab("work", key, lang) if isinstance(key, str) and key in schema.WORKS else ""


def _day(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def first_date_text(value: object, ongoing: bool, lang: str, blank: str = "") -> str:
    """The earlier work's date of a finding: marked as expected while the finding still grows (the
    work not finished, or the face not handed over, by the as-of date)."""
    day = _day(value)
    if not day:
        return blank
    return t("schedule.expected_date", lang, date=day) if ongoing else day


def findings_view(findings: pd.DataFrame, lang: str, programme: Programme) -> pd.DataFrame:
    """``check_sequence`` findings as a table: rule, what it says, kind, severity, compound, the two
    works with their dates, days (a + while they still grow)."""
    rows = [{
        t("schedule.col.rule", lang): f"{r.rule} {RULE_BY_ID[r.rule].name(lang)}",
        t("schedule.col.kind", lang): vocab("finding", r.kind, lang),
        t("schedule.col.severity", lang): vocab("severity", r.severity, lang),
        t("schedule.col.compound", lang): f"{r.name}（{r.compound_id}）" if lang != "en" else f"{r.name} ({r.compound_id})",
        t("schedule.col.area", lang): vocab("area", r.area, lang, programme) if isinstance(r.area, str) else "",
        t("schedule.col.first", lang): _work(r.first_work, lang), t("schedule.col.first_date", lang):
            first_date_text(r.first_date, bool(r.ongoing), lang),
        t("schedule.col.second", lang): _work(r.second_work, lang), t("schedule.col.second_date", lang): _day(r.second_date),
        t("schedule.col.days", lang): "" if pd.isna(r.days) else f"{int(r.days)}{'+' if r.ongoing else ''}",
        t("schedule.col.text", lang): RULE_BY_ID[r.rule].text(lang),
    } for r in findings.itertuples()]
    return pd.DataFrame(rows)


def issues_view(issues: pd.DataFrame, as_of: AsOfLike, lang: str, names: pd.Series) -> pd.DataFrame:
    """Issues (as known on ``as_of``) as a table, open first, oldest first: id, compound, category,
    description, owner, raised, due, state (open / overdue / resolved), resolution."""
    open_ = asof.issues_open(issues, as_of)
    overdue = asof.issues_overdue(issues, as_of)
    state = [t("schedule.issue.overdue", lang) if o else t("schedule.issue.open", lang) if p else
             t("schedule.issue.resolved", lang) for p, o in zip(open_, overdue)]
    frame = pd.DataFrame({
        "issue_id": issues["issue_id"], "compound": issues["compound_id"].map(names).fillna(issues["compound_id"]),
        "category": [vocab("issue_category", c, lang) if c in model.ISSUE_CATEGORIES else str(c) for c in issues["category"]],
        "work": [_work(w, lang) for w in issues["work"]], "description": issues["description"], "owner": issues["owner"],
        "raised_at": issues["raised_at"], "due": issues["due"], "state": state,
        "resolved_at": issues["resolved_at"], "resolution": issues["resolution"], "_open": ~open_,
    })
    frame = frame.sort_values(["_open", "raised_at"], ascending=[True, False]).drop(columns="_open")
    return frame.rename(columns={c: t(f"schedule.issue.col.{c}", lang) for c in frame.columns}).reset_index(drop=True)
