"""Utfordringsbilde: entry point. Page config, shared sidebar, navigation."""

from __future__ import annotations

import streamlit as st

from ui import components, data, state
from utfordringsbilde.i18n import t
from utfordringsbilde.warehouse import WarehouseMissing

st.set_page_config(page_title="Utfordringsbilde", page_icon=":material/child_care:", layout="wide")

try:
    sig = data.signature()
except WarehouseMissing as e:
    st.error(str(e))
    st.stop()

view = state.sidebar(sig)
st.session_state["_view"] = view
meta = data.meta(sig)
st.sidebar.caption(components.freshness(meta, view.lang))

pages = [
    st.Page(
        "pages/oversikt.py",
        title=t("page_overview", view.lang),
        icon=":material/grid_view:",
        url_path="oversikt",
        default=True,
    ),
    st.Page(
        "pages/distrikt.py",
        title=t("page_district", view.lang),
        icon=":material/location_on:",
        url_path="distrikt",
    ),
    st.Page(
        "pages/indikator.py",
        title=t("page_indicator", view.lang),
        icon=":material/bar_chart:",
        url_path="indikator",
    ),
    st.Page(
        "pages/kilder.py",
        title=t("page_sources", view.lang),
        icon=":material/database:",
        url_path="kilder",
    ),
]
page = st.navigation(pages, position="top")
components.banner(meta, view.lang)
page.run()
