"""数据导入 / Data import (planners, admins): upload, validate, map unknown columns, commit, versions.

Thin page: widgets -> geo.imports.readers / geo.imports.validate / geo.imports.planning (through
``cached.upload_checked``) -> render. Nothing is written until an admin presses the
import button on a file without errors; the commit (``geo.writes.commit_import``, which
checks the admin right itself) is one new version of the store.
"""
from __future__ import annotations

import json

import streamlit as st

from dashboard import cached, state
from dashboard.auth_widget import login_box
from geo import audit, writes
from geo import crs as geo_crs
from geo.auth import AuthError
from geo.i18n import TEXT, t
from geo.imports import columns, validate
from geo.imports.issues import UnreadableFile
from geo.imports.readers import ACCEPTED, ENCODINGS
from geo.store import Loaded, StoreError

CRS_CHOICES = geo_crs.CRS_NAMES  # wgs84, cgcs2000, gcj02, bd09


def _template(ds, lang: str) -> None:
    st.download_button(t("imp.template", lang), columns.template_xlsx(ds.programme, lang),
                       file_name=f"import_template_{lang}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")


def _options(lang: str) -> tuple[str, str]:
    left, right = st.columns(2)
    with left:
        crs = st.selectbox(t("imp.crs", lang), CRS_CHOICES, format_func=lambda c: t(f"imp.crs.{c}", lang), key=state.IMPORT_CRS,
                           help=t("imp.crs_help", lang))
    with right:
        encodings = ["", "utf-8", "gbk", "gb18030", *[e for e in ENCODINGS if e not in ("utf-8", "gb18030")]]
        encoding = st.selectbox(t("imp.encoding", lang), encodings, key=state.IMPORT_ENCODING,
                                format_func=lambda e: e or t("imp.encoding_auto", lang))
    return crs or CRS_CHOICES[0], encoding or ""


def _mapping(unknown: list[str], lang: str) -> dict[str, str]:
    """Selectboxes for unknown columns; returns header -> field for the mapped ones."""
    if not unknown:
        return {}
    st.subheader(t("imp.unknown_title", lang))
    st.caption(t("imp.unknown_help", lang))
    targets = ["", *columns.import_targets()]

    def label(field: str) -> str:
        if not field:
            return t("imp.ignore", lang)
        return t(f"field.{field}", lang) if f"field.{field}" in TEXT else field

    out = {}
    cols = st.columns(min(3, len(unknown)))
    for i, header in enumerate(unknown):
        with cols[i % len(cols)]:
            out[header] = st.selectbox(header, targets, key=f"{state.IMPORT_MAP}{i}", format_func=label)
    return {h: f for h, f in out.items() if f}


def _report(report, lang: str) -> None:
    st.subheader(t("imp.report_title", lang))
    st.caption(t("validate.summary", lang, file=report.source, rows=len(report.rows), errors=len(report.errors),
                 warnings=len(report.warnings)))
    if not report.issues:
        st.success(t("imp.no_issues", lang))
        return
    st.dataframe(validate.report_frame(report, lang), hide_index=True, width="stretch")
    st.download_button(t("imp.download_report", lang), validate.report_xlsx(report, lang),
                       file_name=f"{report.source}.report.xlsx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _commit(plan, report, user, loaded: Loaded, lang: str) -> None:
    summary = t("import.summary", lang, added=len(plan.added), updated=len(plan.updated), unchanged=plan.unchanged)
    if not plan.changed:
        st.info(t("imp.nothing", lang))
        return
    st.info(t("imp.ready", lang, summary=summary))
    if not user.is_admin:
        st.warning(t("imp.admin_only", lang))
        return
    if st.button(t("imp.commit", lang), type="primary", icon=":material/upload:"):
        try:
            version = writes.commit_import(cached.store(), user, plan, expected=loaded.fingerprint, note=report.source)
        except (StoreError, AuthError) as exc:
            st.error(str(exc))
            return
        st.session_state[state.IMPORT_DONE] = t("import.committed", lang, version=version, summary=summary)
        st.rerun()


def _history(user, lang: str) -> None:
    st.subheader(t("imp.history_title", lang))
    versions = cached.store().versions()
    st.dataframe(audit.versions_frame(versions, lang), hide_index=True, width="stretch")
    if not user.is_admin or len(versions) < 2:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    earlier = [v.version for v in versions if not v.current]
    with left:
        chosen = st.selectbox(t("imp.restore", lang), list(reversed(earlier)), key=state.RESTORE_VERSION)
    with right:
        if st.button(t("imp.restore_button", lang), icon=":material/history:"):
            try:
                new = writes.restore_version(cached.store(), user, chosen)
            except (StoreError, AuthError) as exc:
                st.error(str(exc))
                return
            st.session_state[state.IMPORT_DONE] = t("store.restored", lang, version=chosen, new=new)
            st.rerun()


def _check(upload, loaded: Loaded, crs: str, encoding: str, mapping: dict[str, str]):
    choice = st.session_state.get(state.IMPORT_CHOICE)
    return cached.upload_checked(loaded, upload.getvalue(), upload.name, choice, encoding, crs,
                                 json.dumps(mapping, ensure_ascii=False, sort_keys=True))


def _checked_upload(upload, loaded: Loaded, crs: str, encoding: str, user, lang: str) -> None:
    """Read and validate the upload; show choices, column mapping, the report and the commit."""
    try:
        raw, report, plan = _check(upload, loaded, crs, encoding, {})
    except UnreadableFile as exc:
        st.error(exc.message(lang))
        return
    if len(raw.choices) > 1:
        kind = "imp.sheet" if raw.kind == "xlsx" else "imp.layer"
        st.selectbox(t(kind, lang), raw.choices, index=raw.choices.index(raw.chosen), key=state.IMPORT_CHOICE)
    mapping = _mapping(report.unknown, lang)
    if mapping:
        raw, report, plan = _check(upload, loaded, crs, encoding, mapping)
    chosen = f" · {raw.chosen}" if raw.chosen else ""
    st.caption(t("imp.read_as", lang, kind=raw.kind.upper(), rows=len(report.rows), chosen=chosen))
    _report(report, lang)
    if plan is not None:
        _commit(plan, report, user, loaded, lang)
    else:
        st.error(t("imp.errors_block", lang, errors=len(report.errors)))


def main() -> None:
    lang = state.lang()
    loaded = cached.loaded_or_stop(lang)  # its fingerprint refuses the commit if the store changes after
    user = login_box(lang, loaded.dataset.programme)
    st.title(t("imp.title", lang))
    st.caption(t("imp.intro", lang))
    if state.IMPORT_DONE in st.session_state:
        st.success(st.session_state.pop(state.IMPORT_DONE))
    _template(loaded.dataset, lang)
    upload = st.file_uploader(t("imp.upload", lang), type=[s.lstrip(".") for s in ACCEPTED], key=state.IMPORT_UPLOAD)
    crs, encoding = _options(lang)
    if upload is not None:
        _checked_upload(upload, loaded, crs, encoding, user, lang)
    st.divider()
    _history(user, lang)


main()
