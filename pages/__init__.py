"""The dashboard's pages in navigation order; each module's `render(view)` draws one page."""

from __future__ import annotations

from pages import distrikt, evaluering, importer, indikator, kilder, levekar, mote, oversikt
from ui.frame import Page

# Labels are short so that every page fits in the top bar at 1366 px; each page's own heading
# carries its full name. The URL path must be the module's name: Streamlit's legacy pages/
# mode finds a page by its file name (see ui.frame.page).
PAGES = [
    Page(oversikt.render, "nav_overview", ":material/grid_view:", "oversikt"),
    Page(distrikt.render, "nav_district", ":material/location_on:", "distrikt"),
    Page(indikator.render, "page_indicator", ":material/bar_chart:", "indikator"),
    Page(levekar.render, "nav_levekar", ":material/stacked_bar_chart:", "levekar"),
    Page(evaluering.render, "nav_evaluation", ":material/fact_check:", "evaluering"),
    Page(mote.render, "nav_meeting", ":material/slideshow:", "mote"),
    Page(kilder.render, "nav_sources", ":material/database:", "kilder"),
    Page(importer.render, "nav_import", ":material/upload_file:", "importer"),
]

# Pages that work without the kommune's data (for one without, they show the empty state above).
WITHOUT_DATA = frozenset({"kilder", "importer"})

# Pages about districts only: for a kommune with kommune-level data but no districts, they say
# so and how to get them (the overview, Indikator and the rest show the kommune-level figures).
DISTRICT_PAGES = frozenset({"distrikt", "levekar"})
