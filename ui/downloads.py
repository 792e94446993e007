"""Download buttons for a view: CSV, XLSX, and the chart as PNG and SVG, made on click."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import data
from ui.state import View
from utfordringsbilde import export
from utfordringsbilde.i18n import t


def buttons(
    table: Callable[[], pd.DataFrame],
    title: str,
    note: str,
    key: str,
    lang: str,
    fig: go.Figure | None = None,
    built_at: str = "",
    marker: str = "",
) -> None:
    """A row of download buttons; tables and images are made only when their button is
    clicked. `marker` (the demo note) heads the CSV, whose only note it is."""
    cols = st.columns(4 if fig is not None else 2)
    cols[0].download_button(
        "CSV",
        data=lambda: export.to_csv(table(), lang, marker),
        file_name=export.filename(title, "csv"),
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    cols[1].download_button(
        "Excel",
        data=lambda: export.to_xlsx(table(), title, note, lang),
        file_name=export.filename(title, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    if fig is not None:
        for col, fmt, mime in ((cols[2], "png", "image/png"), (cols[3], "svg", "image/svg+xml")):
            col.download_button(
                fmt.upper(),
                data=partial(export.chart_image, fig, fmt, note, built_at),
                file_name=export.filename(title, fmt),
                mime=mime,
                key=f"{key}_{fmt}",
                icon=":material/image:",
                on_click="ignore",
            )


def built_at(view: View) -> str:
    """The day the warehouse was built (`2026-11-22`), for exports and image notes."""
    return data.meta(view.sig).get("built_at", "")[:10]


def block(
    view: View,
    table: Callable[[str], pd.DataFrame],
    title: str,
    sources: str,
    key: str,
    fig: go.Figure | None = None,
) -> None:
    """The downloads under a view: `table(built_at)` and `fig`, noted with their sources.

    The note names the sources (and says so when the figures are simulated); it goes into
    the spreadsheet and under the exported image.
    """
    lang = view.lang
    built = built_at(view)
    note = f"{t('source', lang)}: {sources}"
    marker = t("demo_note", lang) if data.meta(view.sig).get("mode") == "demo" else ""
    if marker:
        note += " · " + marker
    buttons(
        partial(table, built), title, note, key, lang, fig=fig, built_at=built, marker=marker
    )


def report_buttons(view: View, key: str) -> None:
    """The PDF status report and the PowerPoint deck, built on click (several seconds each)."""
    lang = view.lang

    def make(fmt: str) -> bytes:
        # fpdf2 and python-pptx are ~40 MB of a server process's memory: loaded on the first
        # click, not by every replica at start (issue 16's memory budget).
        from utfordringsbilde import report

        return report.build(
            data.cursor(), view.kommune, fmt, view.district, view.year, lang, view.level
        )

    left, right = st.columns(2)
    for col, fmt, label, mime in (
        (left, "pdf", t("report_pdf", lang), "application/pdf"),
        (
            right,
            "pptx",
            t("report_pptx", lang),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    ):
        col.download_button(
            label,
            data=partial(make, fmt),
            file_name=export.report_filename(view.kommune_name, fmt, view.district),
            mime=mime,
            key=f"{key}_{fmt}",
            icon=":material/description:" if fmt == "pdf" else ":material/slideshow:",
            on_click="ignore",
            width="stretch",
        )
