"""Importer egne data: template downloads for everyone; upload, check and load when signed in."""

from __future__ import annotations

import streamlit as st

from etl.load import LoadError
from etl.sources import local
from ui import access, state
from utfordringsbilde import template
from utfordringsbilde.i18n import t, tn
from utfordringsbilde.paths import warehouse_path

view = state.current()
lang = view.lang

st.title(t("page_import", lang))
st.markdown(
    "Kommunens egne tall per distrikt (Ungdata, helsestasjon, PPT, barnevern, skoleresultater) "
    "lastes inn fra en CSV- eller Excel-fil etter malen. Alle rader sjekkes, og alle feil vises "
    "samtidig med rad og kolonne; en fil med feil lastes ikke. Små tall skjules før noe lagres."
)

st.subheader(t("import_template", lang))
left, right = st.columns(2)
left.download_button(
    "CSV", template.csv_bytes(), file_name=template.CSV_NAME, mime="text/csv", key="tpl_csv"
)
right.download_button(
    "Excel (XLSX)",
    template.xlsx_bytes(),
    file_name=template.XLSX_NAME,
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="tpl_xlsx",
)

st.divider()
cli = f"python -m etl import lokale-data.csv --kommune {view.kommune}"
if not access.auth_configured():
    st.info(t("import_no_auth", lang))
    st.code(cli, language="bash")
    st.caption(
        "Innlogging slås på med en [auth]-seksjon i .streamlit/secrets.toml "
        "(Microsoft Entra ID eller annen OIDC-tilbyder); "
        "se README, «Import the kommune's own data»."
    )
    st.stop()

user = access.signed_in_user()
if user is None:
    st.info(t("import_login_needed", lang))
    if st.button(t("import_login", lang), key="login"):
        st.login()
    st.stop()

st.caption(f"Innlogget som {user}")
if st.button(t("import_logout", lang), key="logout"):
    st.logout()

upload = st.file_uploader(t("import_upload", lang), type=["csv", "xlsx"], key="upload")
if upload is None:
    st.stop()
if upload.size > local.MAX_BYTES:
    # Refuse before reading the bytes: the limit protects the server's memory.
    st.error(f"{upload.name}: filen er {upload.size / 1e6:.1f} MB; grensen er 20 MB.")
    st.stop()

checked = local.check(upload.getvalue(), upload.name, warehouse=warehouse_path())
if not checked.ok:
    st.error(tn("import_errors", len(checked.problems), lang))
    report = checked.report()[["row", "column", "message"]]
    st.dataframe(report, hide_index=True, width="stretch")
    st.stop()

st.success(t("import_valid", lang, rows=len(checked.observations), kommune=checked.kommune))
if checked.warnings:
    st.warning(t("import_warnings", lang) + ":\n\n" + "\n".join(f"- {w}" for w in checked.warnings))
st.dataframe(
    checked.observations[["indicator_id", "area_code", "period_to", "sex", "numerator",
                          "denominator", "value"]],
    hide_index=True,
)  # fmt: skip
if st.button(t("import_load", lang), key="load", type="primary"):
    try:
        run = local.load(checked, who=user)
    except LoadError as e:
        st.error(str(e))
        st.stop()
    st.success(t("import_done", lang, rows=len(checked.observations), run=run.run_id))
    st.caption(run.message or "")
