"""数据导入 / Data import (editors, admins): upload, validate, map unknown columns, preview, commit, versions.

Thin page: widgets -> ``cached.upload_checked`` (``geo.imports.pipeline``: the file is read in
a separate process with time and memory limits, validated and planned) -> render. Only a
signed-in editor or admin may upload (``geo.writes.may_check_files``); nothing is written
until an admin has seen what the import changes, compound by compound, and confirmed it
(``geo.writes.commit_import``). A restore is confirmed the same way. Texts from a file
(its name, headers, sheets, values) are shown as text, never as Markdown.
"""
from __future__ import annotations

import json

import streamlit as st

from dashboard import cached, state
from dashboard.auth_widget import login_box
from dashboard.ui import NO_VALUE, notice_html
from geo import audit, writes
from geo import crs as geo_crs
from geo.auth import AuthError
from geo.i18n import TEXT, t
from geo.imports import columns, preview, validate
from geo.imports.issues import UnreadableFile
from geo.imports.readers import ACCEPTED, ENCODINGS
from geo.settings import get_settings
from geo.store import Loaded, StoreError

CRS_CHOICES = ("", *geo_crs.CRS_NAMES)  # "": from the headers (e.g. 百度经度), else WGS-84
MAX_MAPPED = 30  # unknown columns offered for mapping; the others are ignored (with a note)
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _note(text: str, kind: str = "info") -> None:
    st.html(notice_html(text, kind))


def _options(lang: str) -> tuple[str, str]:
    left, right = st.columns(2)
    crs = left.selectbox(t("imp.crs", lang), CRS_CHOICES, key=state.IMPORT_CRS, help=t("imp.crs_help", lang),
                         format_func=lambda c: _crs_label(c, lang) if c else t("imp.crs_auto", lang))
    encodings = ["", "utf-8", "gbk", "gb18030", *[e for e in ENCODINGS if e not in ("utf-8", "gb18030")]]
    encoding = right.selectbox(t("imp.encoding", lang), encodings, key=state.IMPORT_ENCODING,
                               format_func=lambda e: e or t("imp.encoding_auto", lang))
    return crs, encoding


def _crs_label(crs: str, lang: str) -> str:
    """A coordinate system's label (GCJ-02（高德）); any other CRS (EPSG:nnnn) as given."""
    return t(f"imp.crs.{crs}", lang) if f"imp.crs.{crs}" in TEXT else crs


def _mapping(unknown: list[str], lang: str) -> dict[str, str]:
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


def _report(report, lang: str) -> None:
    st.subheader(t("imp.report_title", lang))
    _note(t("validate.summary", lang, file=report.source, rows=len(report.rows), errors=len(report.errors),
            warnings=len(report.warnings)), "error" if report.errors else "info")
    if report.issues:
        st.dataframe(validate.report_frame(report, lang), hide_index=True, width="stretch")
        st.download_button(t("imp.download_report", lang), validate.report_xlsx(report, lang), mime=_XLSX,
                           file_name=f"{report.source}.report.xlsx", icon=":material/download:")


def _preview(plan, loaded: Loaded, lang: str) -> None:
    st.subheader(t("imp.preview_title", lang))
    _note(t("imp.ready", lang, summary=preview.summary(plan, lang)) if plan.changed else t("imp.nothing", lang))
    for issue in plan.issues:
        _note(issue.problem(lang), "warning")
    frame = preview.changes_frame(plan, lang, loaded.dataset.programme)
    if not frame.empty:
        st.dataframe(frame, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(frame)), placeholder=NO_VALUE)


def _ask(key: str, value: object) -> None:
    st.session_state[key] = value


def _confirmed(key: str, value: object, ask: str, question: str, lang: str) -> bool:
    """A button that asks first, then the question with confirm / cancel; True once confirmed."""
    if st.session_state.get(key) != value:
        st.button(ask, type="primary", on_click=_ask, args=(key, value), icon=":material/upload:")
        return False
    _note(question, "warning")
    yes, no, _ = st.columns([1, 1, 4])  # confirm and cancel side by side
    no.button(t("imp.cancel", lang), on_click=_ask, args=(key, None))
    return yes.button(t("imp.confirm", lang), type="primary", icon=":material/check:")


def _commit(plan, report, user, loaded: Loaded, lang: str) -> None:
    if not plan.changed:
        return
    if not user.is_admin:
        st.warning(t("imp.admin_only", lang))
        return
    current = cached.store().versions()[-1]
    question = t("imp.confirm_import", lang, summary=preview.summary(plan, lang), new=current.version + 1,
                 current=audit.version_label(current, lang))
    if _confirmed(state.IMPORT_CONFIRM, (report.source, loaded.fingerprint), t("imp.commit", lang), question, lang):
        try:
            version = writes.commit_import(cached.store(), user, plan, expected=loaded.fingerprint, note=report.source)
        except (StoreError, AuthError) as exc:
            _note(str(exc), "error")
            return
        st.session_state.pop(state.IMPORT_CONFIRM, None)
        st.session_state[state.IMPORT_DONE] = t("import.committed", lang, version=version, summary=preview.summary(plan, lang))
        st.rerun()


def _history(user, lang: str) -> None:
    st.subheader(t("imp.history_title", lang))
    versions = cached.store().versions()
    st.dataframe(audit.versions_frame(versions, lang), hide_index=True, width="stretch")
    earlier = {v.version: v for v in reversed(versions) if not v.current}
    if not user.is_admin or not earlier:
        return
    chosen = st.selectbox(t("imp.restore", lang), list(earlier), key=state.RESTORE_VERSION,
                          format_func=lambda n: audit.version_label(earlier[n], lang))
    question = t("imp.confirm_restore", lang, version=audit.version_label(earlier[chosen], lang), new=versions[-1].version + 1)
    if _confirmed(state.RESTORE_CONFIRM, chosen, t("imp.restore_button", lang), question, lang):
        try:
            new = writes.restore_version(cached.store(), user, chosen, lang=lang)
        except (StoreError, AuthError) as exc:
            _note(str(exc), "error")
            return
        st.session_state.pop(state.RESTORE_CONFIRM, None)
        st.session_state[state.IMPORT_DONE] = t("store.restored", lang, version=chosen, new=new)
        st.rerun()


def _check(upload, loaded: Loaded, crs: str, encoding: str, mapping: dict[str, str]):
    options = {"choice": st.session_state.get(state.IMPORT_CHOICE), "encoding": encoding, "crs": crs, "mapping": mapping}
    return cached.upload_checked(loaded, upload.getvalue(), upload.name, json.dumps(options, ensure_ascii=False, sort_keys=True))


def _checked_upload(upload, loaded: Loaded, crs: str, encoding: str, user, lang: str) -> None:
    """Read and validate the upload; show choices, column mapping, the report, the preview and the commit."""
    checked = _check(upload, loaded, crs, encoding, {})
    if isinstance(checked, UnreadableFile):
        _note(checked.message(lang), "error")
        return
    raw = checked.raw
    if len(raw.choices) > 1:
        st.selectbox(t("imp.sheet" if raw.kind == "xlsx" else "imp.layer", lang), raw.choices,
                     index=raw.choices.index(raw.chosen), key=state.IMPORT_CHOICE)
    mapping = _mapping(checked.report.unknown, lang)
    if mapping:
        checked = _check(upload, loaded, crs, encoding, mapping)
        if isinstance(checked, UnreadableFile):
            _note(checked.message(lang), "error")
            return
    report = checked.report
    chosen = f" · {raw.chosen}" if raw.chosen else ""
    crs_used = t(f"imp.crs_from.{report.crs_from}", lang, crs=_crs_label(report.crs, lang))
    _note(t("imp.read_as", lang, kind=raw.kind.upper(), rows=len(report.rows), chosen=chosen) + " · " + crs_used)
    _report(report, lang)
    if checked.plan is None:
        _note(t("imp.errors_block", lang, errors=len(report.errors)), "error")
        return
    _preview(checked.plan, loaded, lang)
    _commit(checked.plan, report, user, loaded, lang)


def main() -> None:
    lang = state.lang()
    loaded = cached.loaded_or_stop(lang)  # its fingerprint refuses the commit if the store changes after
    user = login_box(lang, loaded.dataset.programme)
    st.title(t("imp.title", lang))
    st.caption(t("imp.intro", lang))
    if state.IMPORT_DONE in st.session_state:
        st.success(st.session_state.pop(state.IMPORT_DONE))
    st.download_button(t("imp.template", lang), columns.template_xlsx(loaded.dataset, lang), mime=_XLSX,
                       file_name=f"import_template_{lang}.xlsx", icon=":material/download:")
    try:
        writes.may_check_files(cached.store(), user)
    except (AuthError, StoreError):
        st.info(t("imp.login_to_upload", lang), icon=":material/login:")
    else:
        limit = get_settings().import_max_mb
        cached.upload_limit_checked(limit, int(st.get_option("server.maxUploadSize")))
        upload = st.file_uploader(t("imp.upload", lang, mb=limit), type=[s.lstrip(".") for s in ACCEPTED],
                                  key=state.IMPORT_UPLOAD, max_upload_size=limit)
        crs, encoding = _options(lang)
        if upload is not None:
            _checked_upload(upload, loaded, crs, encoding, user, lang)
    st.divider()
    _history(user, lang)


main()
