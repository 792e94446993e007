"""Data og kilder: the catalog, where each indicator comes from, and the ETL runs."""

from __future__ import annotations

import streamlit as st

from ui import access, data, frame
from ui.state import View
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import kilder as model


@frame.page
def render(view: View) -> None:
    """Where the numbers come from, the catalogue, what this build lacks, the ETL runs."""
    lang = view.lang
    info = data.sources(view.sig)

    st.title(t("page_sources", lang))
    st.markdown(t("sources_intro", lang))

    st.subheader(t("catalog", lang))
    catalog = model.catalog(data.indicators(view.sig), info["summary"], lang)
    # A table that wraps, not a grid: the grid hid unit, period and definition to the right.
    st.table(catalog.set_index(catalog.columns[0]))

    missing = model.missing(data.meta(view.sig), lang)
    if not missing.empty:
        st.subheader(t("missing_indicators", lang))
        st.dataframe(missing, hide_index=True)

    st.subheader(t("etl_runs", lang))
    # Who imported and the file's contact persons are for colleagues, not the public.
    signed_in = access.signed_in_user() is not None
    runs = model.runs(data.run_history(view.sig), lang, signed_in)
    st.table(runs.set_index(runs.columns[0]))
    st.caption(t("times_note", lang))
    if not signed_in:
        st.caption(t("sources_contact_signed_in_only", lang))
