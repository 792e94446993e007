"""The shared frame around every page: sidebar, freshness, demo banner and navigation."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as st_components
from streamlit.navigation.page import StreamlitPage

from ui import components, data, state
from utfordringsbilde.i18n import t
from utfordringsbilde.warehouse import WarehouseMissing

# (file, navigation label key, icon, URL path). Labels are short so that every page fits in
# the top bar at 1366 px; each page's own heading carries its full name.
# Streamlit fades captions (grey text at reduced opacity, 2.9:1 on white) and colours code
# tokens below WCAG's 4.5:1 for body text; solid darker shades keep them readable.
# `.ub-sr` is text for screen readers only (chart descriptions, words behind symbols).
ACCESSIBLE_CSS = """
<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #5c5a56; }
[data-testid="stCode"] .token { color: #1a1a1a !important; }
.ub-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
</style>
"""

PAGES = [
    ("pages/oversikt.py", "page_overview", ":material/grid_view:", "oversikt"),
    ("pages/distrikt.py", "nav_district", ":material/location_on:", "distrikt"),
    ("pages/indikator.py", "page_indicator", ":material/bar_chart:", "indikator"),
    ("pages/levekar.py", "nav_levekar", ":material/stacked_bar_chart:", "levekar"),
    ("pages/evaluering.py", "nav_evaluation", ":material/fact_check:", "evaluering"),
    ("pages/mote.py", "nav_meeting", ":material/slideshow:", "mote"),
    ("pages/kilder.py", "nav_sources", ":material/database:", "kilder"),
    ("pages/importer.py", "nav_import", ":material/upload_file:", "importer"),
]


def render() -> tuple[state.View, StreamlitPage]:
    """Draw the frame and return the view and the page the URL asks for."""
    st.set_page_config(
        page_title="Utfordringsbilde", page_icon=":material/child_care:", layout="wide"
    )
    try:
        sig = data.signature()
    except WarehouseMissing as e:
        st.error(str(e))
        st.stop()
    view = state.sidebar(sig)
    meta = data.meta(sig)
    st.sidebar.caption(components.freshness(meta, view.lang))
    pages = [
        st.Page(path, title=t(title, view.lang), icon=icon, url_path=url, default=(i == 0))
        for i, (path, title, icon, url) in enumerate(PAGES)
    ]
    page = st.navigation(pages, position="top")
    st.html(ACCESSIBLE_CSS)
    # Screen readers pick pronunciation from the document language; Streamlit sets "en".
    st_components.html(
        f"<script>window.parent.document.documentElement.lang = '{view.lang}';</script>",
        height=0,
    )
    components.banner(meta, view.lang)
    return view, page
