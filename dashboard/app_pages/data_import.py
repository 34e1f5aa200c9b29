"""数据导入 / Data import (editors, admins): upload, validate, map unknown columns, preview, commit, versions.

Thin page: widgets -> ``cached.upload_checked`` (``geo.imports.pipeline``: the file is read in
a separate process with time and memory limits, validated and planned) -> render
(``dashboard.import_panels``). Only a signed-in editor or admin may upload
(``geo.writes.may_check_files``); nothing is written until an admin has seen what the import
changes and confirmed it (``dashboard.import_writes``). Texts from a file are shown as text.
"""
from __future__ import annotations

import json

import streamlit as st

from dashboard import cached, import_panels, import_writes, state
from dashboard.auth_widget import login_box
from dashboard.import_panels import XLSX, crs_label, note
from geo import writes
from geo.auth import AuthError
from geo.i18n import t
from geo.imports import columns
from geo.imports.issues import UnreadableFile
from geo.imports.readers import ACCEPTED
from geo.settings import get_settings
from geo.store import Loaded, StoreError


def _check(upload, loaded: Loaded, crs: str, encoding: str, mapping: dict[str, str]):
    options = {"choice": st.session_state.get(state.IMPORT_CHOICE), "encoding": encoding, "crs": crs, "mapping": mapping}
    return cached.upload_checked(loaded, upload.getvalue(), upload.name, json.dumps(options, ensure_ascii=False, sort_keys=True))


def _checked_upload(upload, loaded: Loaded, crs: str, encoding: str, user, lang: str) -> None:
    """Read and validate the upload; show choices, column mapping, the report, the preview and the commit."""
    checked = _check(upload, loaded, crs, encoding, {})
    if isinstance(checked, UnreadableFile):
        note(checked.message(lang), "error")
        return
    raw = checked.raw
    if len(raw.choices) > 1:
        st.selectbox(t("imp.sheet" if raw.kind == "xlsx" else "imp.layer", lang), raw.choices,
                     index=raw.choices.index(raw.chosen), key=state.IMPORT_CHOICE)
    mapping = import_panels.mapping(checked.report.unknown, lang)
    if mapping:
        checked = _check(upload, loaded, crs, encoding, mapping)
        if isinstance(checked, UnreadableFile):
            note(checked.message(lang), "error")
            return
    report = checked.report
    chosen = f" · {raw.chosen}" if raw.chosen else ""
    crs_used = t(f"imp.crs_from.{report.crs_from}", lang, crs=crs_label(report.crs, lang))
    note(t("imp.read_as", lang, kind=raw.kind.upper(), rows=len(report.rows), chosen=chosen) + " · " + crs_used)
    import_panels.report_panel(report, lang)
    if checked.plan is None:
        note(t("imp.errors_block", lang, errors=len(report.errors)), "error")
        return
    import_panels.preview_panel(checked.plan, loaded, lang)
    import_writes.confirmed_import(checked.plan, report, user, loaded, lang)


def main() -> None:
    lang = state.lang()
    loaded = cached.loaded_or_stop(lang)  # its fingerprint refuses the commit if the store changes after
    user = login_box(lang, loaded.dataset.programme)
    st.title(t("imp.title", lang))
    st.caption(t("imp.intro", lang))
    if state.IMPORT_DONE in st.session_state:
        st.success(st.session_state.pop(state.IMPORT_DONE))
    st.download_button(t("imp.template", lang), columns.template_xlsx(loaded.dataset, lang), mime=XLSX,
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
        crs, encoding = import_panels.options(lang)
        if upload is not None:
            _checked_upload(upload, loaded, crs, encoding, user, lang)
    st.divider()
    import_writes.history(user, lang)


main()
