"""Utfordringsbilde: entry point. The shared frame, then the chosen page drawn for its view."""

from __future__ import annotations

from pages import DISTRICT_PAGES, PAGES, WITHOUT_DATA
from ui import frame

view = frame.render()
frame.navigation(view, PAGES, WITHOUT_DATA, DISTRICT_PAGES).run()
