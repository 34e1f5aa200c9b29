"""The import page's panels (``app_pages/data_import.py``): read options, the column mapping,
the validation report and the preview of what an import changes.

Texts from a file (its name, headers, sheets, values) are shown as text, never as Markdown.
"""
from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.ui import NO_VALUE, notice_html
from geo import crs as geo_crs
from geo.i18n import TEXT, t
from geo.imports import columns, preview, validate
from geo.imports.readers import ENCODINGS
from geo.store import Loaded

CRS_CHOICES = ("", *geo_crs.CRS_NAMES)  # "": from the headers (e.g. 百度经度), else WGS-84
MAX_MAPPED = 30  # unknown columns offered for mapping; the others are ignored (with a note)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def note(text: str, kind: str = "info") -> None:
    st.html(notice_html(text, kind))


def options(lang: str) -> tuple[str, str]:
    left, right = st.columns(2)
    crs = left.selectbox(t("imp.crs", lang), CRS_CHOICES, key=state.IMPORT_CRS, help=t("imp.crs_help", lang),
                         format_func=lambda c: crs_label(c, lang) if c else t("imp.crs_auto", lang))
    encodings = ["", "utf-8", "gbk", "gb18030", *[e for e in ENCODINGS if e not in ("utf-8", "gb18030")]]
    encoding = right.selectbox(t("imp.encoding", lang), encodings, key=state.IMPORT_ENCODING,
                               format_func=lambda e: e or t("imp.encoding_auto", lang))
    return crs, encoding


def crs_label(crs: str, lang: str) -> str:
    """A coordinate system's label (GCJ-02（高德）); any other CRS (EPSG:nnnn) as given."""
    return t(f"imp.crs.{crs}", lang) if f"imp.crs.{crs}" in TEXT else crs


def mapping(unknown: list[str], lang: str) -> dict[str, str]:
    """A choice of field for each unknown column (at most MAX_MAPPED); header -> field for the mapped ones."""
    if not unknown:
        return {}
    st.subheader(t("imp.unknown_title", lang))
    st.caption(t("imp.unknown_help", lang))
    if len(unknown) > MAX_MAPPED:
        st.caption(t("imp.unknown_more", lang, shown=MAX_MAPPED, more=len(unknown) - MAX_MAPPED))
    targets = ["", *columns.import_targets()]

    def label(field: str) -> str:
        return t(f"field.{field}", lang) if f"field.{field}" in TEXT else (field or t("imp.ignore", lang))

    out = {}
    cols = st.columns(min(3, len(unknown)))
    for i, header in enumerate(unknown[:MAX_MAPPED]):
        with cols[i % len(cols)]:
            st.text(header)  # the header as written: text, never Markdown
            out[header] = st.selectbox(t("imp.map_to", lang, n=i + 1), targets, key=f"{state.IMPORT_MAP}{i}",
                                       format_func=label, label_visibility="collapsed")
    return {h: f for h, f in out.items() if f}


def report_panel(report, lang: str) -> None:
    st.subheader(t("imp.report_title", lang))
    note(t("validate.summary", lang, file=report.source, rows=len(report.rows), errors=len(report.errors),
            warnings=len(report.warnings)), "error" if report.errors else "info")
    if report.issues:
        st.dataframe(validate.report_frame(report, lang), hide_index=True, width="stretch")
        st.download_button(t("imp.download_report", lang), validate.report_xlsx(report, lang), mime=XLSX,
                           file_name=f"{report.source}.report.xlsx", icon=":material/download:")


def preview_panel(plan, loaded: Loaded, lang: str) -> None:
    st.subheader(t("imp.preview_title", lang))
    note(t("imp.ready", lang, summary=preview.summary(plan, lang)) if plan.changed else t("imp.nothing", lang))
    for issue in plan.issues:
        note(issue.problem(lang), "warning")
    frame = preview.changes_frame(plan, lang, loaded.dataset.programme)
    if not frame.empty:
        st.dataframe(frame, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(frame)), placeholder=NO_VALUE)
