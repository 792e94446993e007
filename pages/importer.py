"""Importer egne data: template downloads for everyone; upload, check and load when signed in."""

from __future__ import annotations

import hashlib

import streamlit as st

from etl.load import LoadError
from etl.sources import local, sandbox
from ui import access, frame
from ui.state import View
from utfordringsbilde import template
from utfordringsbilde.i18n import t
from utfordringsbilde.paths import warehouse_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = ["indicator_id", "area_code", "period_to", "sex", "numerator", "denominator", "value"]


@frame.page
def render(view: View) -> None:
    """The template; then sign-in, upload, the check's report and the load button."""
    lang = view.lang
    st.title(t("page_import", lang))
    st.markdown(t("import_intro", lang))

    st.subheader(t("import_template", lang))
    left, right = st.columns(2)
    left.download_button(
        "CSV", template.csv_bytes(), file_name=template.CSV_NAME, mime="text/csv", key="tpl_csv"
    )
    right.download_button(
        "Excel (XLSX)", template.xlsx_bytes(), file_name=template.XLSX_NAME, mime=XLSX,
        key="tpl_xlsx",
    )  # fmt: skip

    st.divider()
    if not access.auth_configured():
        st.info(t("import_no_auth", lang))
        command = f".venv/bin/python -m etl import lokale-data.csv --kommune {view.kommune}"
        st.code(command, language="bash")
        st.caption(t("import_auth_hint", lang))
        return
    user = access.signed_in_user()
    if user is None:
        st.info(t("import_login_needed", lang))
        if st.button(t("import_login", lang), key="login"):
            st.login()
        return
    st.caption(t("import_signed_in", lang, user=user))
    if st.button(t("import_logout", lang), key="logout"):
        st.logout()
    _upload(user, lang)


def _upload(user: str, lang: str) -> None:
    """Upload a file, show every problem found, or the rows and a button that loads them."""
    upload = st.file_uploader(t("import_upload", lang), type=["csv", "xlsx"], key="upload")
    if upload is None:
        return
    if upload.size > local.MAX_BYTES:
        # Refuse before reading the bytes: the limit protects the server's memory.
        size, limit = f"{upload.size / 1e6:.1f}", str(local.MAX_BYTES // 2**20)
        st.error(t("import_too_large", lang, name=upload.name, size=size, limit=limit))
        return
    checked = _checked(upload.getvalue(), upload.name)
    if not checked.ok:
        st.error(t("import_errors", lang, n=len(checked.problems)))
        report = checked.report()[["row", "column", "message"]]
        st.dataframe(report, hide_index=True, width="stretch")
        return
    st.success(t("import_valid", lang, rows=len(checked.observations), kommune=checked.kommune))
    if checked.warnings:
        lines = "\n".join(f"- {w}" for w in checked.warnings)
        st.warning(t("import_warnings", lang) + ":\n\n" + lines)
    st.dataframe(checked.observations[SHOWN], hide_index=True)
    if st.button(t("import_load", lang), key="load", type="primary"):
        try:
            run = local.load(checked, who=user)
        except LoadError as e:
            st.error(str(e))
            return
        st.success(t("import_done", lang, rows=len(checked.observations), run=run.run_id))
        st.caption(run.message or "")


def _checked(data: bytes, name: str) -> local.Checked:
    """The file checked in a worker process (a hostile file stalls no other session), once per
    file: the page's reruns (the load button) reuse the result."""
    key = f"{name}:{hashlib.sha256(data).hexdigest()}"
    kept = st.session_state.get("import_checked")
    if kept is not None and kept[0] == key:
        return kept[1]
    checked = sandbox.check(data, name, warehouse=warehouse_path())
    st.session_state["import_checked"] = (key, checked)
    return checked
