"""Utfordringsbilde: entry point. Page config, the shared frame, then the chosen page."""

from __future__ import annotations

import streamlit as st

from ui import frame

view, page = frame.render()
st.session_state["_view"] = view
page.run()
