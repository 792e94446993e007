"""Exports of any view: CSV for Norwegian Excel, XLSX, and charts as PNG or SVG.

Suppressed and missing cells are written as their symbol (`:`, `..`, `.`) in the value
column, never as a number, and their count and interval columns stay empty.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from utfordringsbilde import numbers
from utfordringsbilde.i18n import flag_meaning, label, source_label, t, trend_label, verdict_label
from utfordringsbilde.vocab import Flag

# Column ids in export order; each header is the text `export_col_<id>` in the chosen language.
COLUMNS = [
    "indicator_id",
    "indicator",
    "area_code",
    "area_name",
    "period",
    "value",
    "unit",
    "ci_low",
    "ci_high",
    "numerator",
    "denominator",
    "flag",
    "flag_meaning",
    "compared_with",
    "comparison",
    "trend",
    "source",
    "fetched_at",
]


def _num(x: object) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def cell_source(row: Any, ind: pd.Series, lang: str = "nb") -> str:
    """The cell's own source when the frame carries it (an imported row names its file),
    else the indicator's."""
    provider = getattr(row, "source", None)
    table = getattr(row, "source_table", None)
    if isinstance(provider, str) and isinstance(table, str) and table:
        return source_label(provider, table, lang=lang)
    return source_label(str(ind["source"]), str(ind["source_table"]), lang=lang)


def export_table(
    cells: pd.DataFrame,
    inds: pd.DataFrame,
    area_names: Mapping[str, str],
    benchmark_name: str,
    fetched_at: str,
    lang: str = "nb",
) -> pd.DataFrame:
    """The analyst's table for a view: one row per indicator × area × period.

    `cells` has the observation columns plus `verdict` (and optionally `trend_direction`).
    Flagged rows keep their symbol in `value` and nothing in count or interval.
    """
    info = inds.set_index("indicator_id")
    rows = []
    for r in cells.itertuples(index=False):
        ind = info.loc[r.indicator_id]
        flag = r.flag if isinstance(r.flag, str) else None
        trend = getattr(r, "trend_direction", None)
        rows.append(
            {
                "indicator_id": r.indicator_id,
                "indicator": label(ind, "name", lang),
                "area_code": r.area_code,
                "area_name": area_names.get(r.area_code, r.area_code),
                "period": numbers.period(int(r.period_from), int(r.period_to)),
                "value": flag if flag else _num(r.value),
                "unit": numbers.unit_name(str(ind["unit"]), lang),
                "ci_low": None if flag else _num(r.ci_low),
                "ci_high": None if flag else _num(r.ci_high),
                "numerator": None if flag == Flag.SUPPRESSED else _num(r.numerator),
                "denominator": _num(r.denominator),
                "flag": flag or "",
                "flag_meaning": flag_meaning(flag, lang) if flag else "",
                "compared_with": benchmark_name,
                "comparison": "" if flag else verdict_label(str(r.verdict), lang),
                "trend": trend_label(str(trend), lang) if isinstance(trend, str) else "",
                "source": cell_source(r, ind, lang),
                "fetched_at": fetched_at,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _headers(lang: str) -> list[str]:
    return [t(f"export_col_{c}", lang) for c in COLUMNS]


# A text cell starting with one of these is a formula to Excel and LibreOffice (OWASP CSV
# injection); a leading ' makes it text again. Only text: numbers are written as numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(x: str) -> str:
    """Text that a spreadsheet shows as typed, never runs as a formula."""
    return "'" + x if x.startswith(_FORMULA_START) else x


def _csv_cell(x: object) -> str:
    """A cell as Norwegian Excel reads it: decimal comma, no grouping, symbols as text."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float):
        text = repr(round(x, 6))
        return text[:-2] if text.endswith(".0") else text.replace(".", ",")
    return _text(x) if isinstance(x, str) else str(x)


def _xlsx_cell(x: object) -> object:
    """A cell for openpyxl: NaN empty; text escaped, without the control characters XML
    cannot hold (openpyxl would raise on them)."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, str):
        return _text(ILLEGAL_CHARACTERS_RE.sub("", x))
    return x


def to_csv(table: pd.DataFrame, lang: str = "nb") -> bytes:
    """CSV in UTF-8 with BOM, `;` separator and decimal comma, as Norwegian Excel expects."""
    out = table.map(_csv_cell)
    out.columns = _headers(lang)
    text = out.to_csv(sep=";", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx(table: pd.DataFrame, title: str, note: str, lang: str = "nb") -> bytes:
    """An XLSX workbook: a title row, a source note, then the table with numbers as numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append([_xlsx_cell(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_xlsx_cell(note)])
    ws.append([])
    ws.append(_headers(lang))
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        ws.append([_xlsx_cell(x) for x in row])
    for i, header in enumerate(_headers(lang), start=1):
        width = max(len(header), 10)
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 40)
    ws.freeze_panes = "A5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def chart_image(fig: go.Figure, fmt: str, source: str, built_at: str) -> bytes:
    """The figure as PNG or SVG, with source and date written into the image itself."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}; use png or svg")
    out = go.Figure(fig)
    out.add_annotation(
        text=f"{source} · {built_at}",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        # Below the axis title and the legend: a fixed distance in pixels, whatever the height.
        yshift=-95,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 11, "color": "#444444"},
    )
    margin = dict(out.layout.margin.to_plotly_json()) if out.layout.margin else {}
    out.update_layout(margin={**margin, "b": max(int(margin.get("b") or 0), 125)})
    width = 1200
    height = int(out.layout.height or 600)
    return bytes(
        out.to_image(format=fmt, width=width, height=height, scale=1 if fmt == "svg" else 2)
    )
