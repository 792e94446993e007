"""Utfordringsbilde: entry point. The shared frame, then the chosen page drawn for its view."""

from __future__ import annotations

from pages import PAGES
from ui import frame

view = frame.render()
frame.navigation(view, PAGES).run()
