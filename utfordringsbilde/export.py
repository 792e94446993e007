"""Exports of any view: CSV for Norwegian Excel, XLSX, and charts as PNG or SVG.

Suppressed and missing cells are written as their symbol (`:`, `..`, `.`) in the value
column, never as a number, and their count and interval columns stay empty.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from utfordringsbilde import numbers, stats
from utfordringsbilde.i18n import flag_meaning, label, source_label, t, trend_label, verdict_label
from utfordringsbilde.vocab import Direction, Flag, Polarity

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
    "value_exact",
    # Last, so the columns before it keep their places in existing spreadsheets.
    "approximate",
]

# The decimals each row's value is shown with: not a column of the file, it sets the
# CSV's digits and the XLSX number format (absent: the number as it is).
DECIMALS = "_decimals"


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
        dec = _decimals(ind)
        rows.append(
            {
                "indicator_id": r.indicator_id,
                "indicator": label(ind, "name", lang),
                "area_code": r.area_code,
                "area_name": area_names.get(r.area_code, r.area_code),
                "period": numbers.period(int(r.period_from), int(r.period_to)),
                "value": flag if flag else _round(_num(r.value), dec),
                "unit": numbers.unit_name(str(ind["unit"]), lang),
                "ci_low": None if flag else _round(_num(r.ci_low), dec),
                "ci_high": None if flag else _round(_num(r.ci_high), dec),
                "numerator": None if flag == Flag.SUPPRESSED else _num(r.numerator),
                "denominator": _num(r.denominator),
                "flag": flag or "",
                "flag_meaning": flag_meaning(flag, lang) if flag else "",
                # A sum of cells the source perturbs (SSB 04362): near, not exact.
                "approximate": t("approximate_value", lang) if _approximate(r) else "",
                "compared_with": benchmark_name,
                "comparison": "" if flag else verdict_label(str(r.verdict), lang),
                "trend": trend_label(str(trend), lang) if isinstance(trend, str) else "",
                "source": cell_source(r, ind, lang),
                "fetched_at": fetched_at,
                "value_exact": None if flag else _num(r.value),
                DECIMALS: dec,
            }
        )
    return pd.DataFrame(rows, columns=[*COLUMNS, DECIMALS])


def _approximate(row: Any) -> bool:
    """Whether an observation row is marked approximate (absent or missing: not)."""
    v = getattr(row, "approximate", False)
    return isinstance(v, bool | np.bool_) and bool(v)


def _decimals(ind: pd.Series) -> int | None:
    """The decimals the page shows the indicator with (counts none); None if not known."""
    if str(ind.get("unit")) == "count":
        return 0
    dec = _num(ind.get("decimals"))
    return None if dec is None else int(dec)


def _round(x: float | None, decimals: int | None) -> float | None:
    return x if x is None or decimals is None else round(x, decimals)


def _row_decimals(table: pd.DataFrame) -> list[int | None]:
    if DECIMALS not in table.columns:
        return [None] * len(table)
    return [None if _num(d) is None else int(d) for d in table[DECIMALS]]


# Columns shown at the row's display precision; the counts are whole numbers.
_ROUNDED = ("value", "ci_low", "ci_high")
_WHOLE = ("numerator", "denominator")


# Anything but letters (æ, ø, å included), digits, `_` and `.`: what Windows, macOS or a
# shell would refuse or misread in a file name, and spaces and punctuation besides.
_UNSAFE = re.compile(r"[^\w.]+")
_NAME_BYTES = 200  # below the 255-byte limit of common file systems, with room for a suffix


def filename(title: str, ext: str) -> str:
    """A file-system-safe name for `title` that keeps æ, ø, å and the whole title when it fits:
    `vedvarende-lavinntekt-strømsø.csv` (other characters become `-`)."""
    stem = _UNSAFE.sub("-", unicodedata.normalize("NFC", title).lower()).strip("-.")
    stem = re.sub(r"-{2,}", "-", stem)
    while len(stem.encode("utf-8")) > _NAME_BYTES:
        cut = stem.rfind("-", 0, len(stem) - 1)
        stem = stem[:cut] if cut > 20 else stem[:-1]
    return f"{stem or 'utfordringsbilde'}.{ext}"


def report_filename(kommune_name: str, fmt: str, district: str | None = None) -> str:
    """A report's file name people recognise: utfordringsbilde-drammen-2026-11-30.pdf."""
    slug = "".join(c if c.isalnum() else "-" for c in kommune_name.lower()).strip("-")
    part = f"-{district.lower()}" if district else ""
    return f"utfordringsbilde-{slug}{part}-{date.today().isoformat()}.{fmt}"


def with_trends(cells: pd.DataFrame, history: pd.DataFrame, inds: pd.DataFrame) -> pd.DataFrame:
    """`cells` with `trend_direction`: each area × indicator's trend over `history`
    (its series oldest first, as `queries.series_for_areas` returns it)."""
    polarity = inds.set_index("indicator_id")["polarity"].to_dict()
    found: dict[tuple[str, str], str] = {}
    for (area, ind_id), ser in history.groupby(["area_code", "indicator_id"], sort=False):
        found[(str(area), str(ind_id))] = stats.trend(
            ser["value"].to_numpy(float),
            ser["ci_low"].to_numpy(float),
            ser["ci_high"].to_numpy(float),
            str(polarity.get(ind_id, Polarity.NONE)),
        ).direction
    return cells.assign(
        trend_direction=[
            found.get((str(a), str(i)), Direction.COULD_NOT_BE_CALCULATED)
            for a, i in zip(cells["area_code"], cells["indicator_id"], strict=True)
        ]
    )


def _headers(lang: str) -> list[str]:
    return [t(f"export_col_{c}", lang) for c in COLUMNS]


# A text cell starting with one of these is a formula to Excel and LibreOffice (OWASP CSV
# injection); a leading ' makes it text again. Only text: numbers are written as numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(x: str) -> str:
    """Text that a spreadsheet shows as typed, never runs as a formula."""
    return "'" + x if x.startswith(_FORMULA_START) else x


def _csv_cell(x: object, decimals: int | None = None) -> str:
    """A cell as Norwegian Excel reads it: decimal comma, no grouping, symbols as text;
    with `decimals`, a number has exactly that many (`12,0` as the page shows it)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, int | float) and not isinstance(x, bool) and decimals is not None:
        return f"{x:.{decimals}f}".replace(".", ",")
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


def to_csv(table: pd.DataFrame, lang: str = "nb", marker: str = "") -> bytes:
    """CSV in UTF-8 with BOM, `;` separator and decimal comma, as Norwegian Excel expects.

    Values and intervals have the decimals the page shows. A `marker` (the demo note) is a
    line of its own above the header, so simulated figures cannot pass for real ones.
    """
    decs = _row_decimals(table)
    out = table[COLUMNS].copy().astype(object)
    for col in COLUMNS:
        digits = decs if col in _ROUNDED else [0] * len(table) if col in _WHOLE else None
        out[col] = [
            _csv_cell(x, digits[i] if digits else None) for i, x in enumerate(table[col])
        ]
    out.columns = _headers(lang)
    text = out.to_csv(sep=";", index=False, lineterminator="\r\n")
    if marker:
        text = _text(marker).replace(";", ",") + "\r\n" + text
    return text.encode("utf-8-sig")


def _number_format(decimals: int | None) -> str:
    """An Excel number format with grouping and `decimals` places; General if unknown."""
    if decimals is None:
        return "General"
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


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
    decs = _row_decimals(table)
    formats = {
        i: (lambda d: _number_format(d)) if col in _ROUNDED else (lambda d: "#,##0")
        for i, col in enumerate(COLUMNS)
        if col in _ROUNDED or col in _WHOLE
    }
    for r, row in enumerate(table[COLUMNS].itertuples(index=False)):
        ws.append([_xlsx_cell(x) for x in row])
        for i, fmt in formats.items():
            cell = ws.cell(row=ws.max_row, column=i + 1)
            if cell.data_type == "n" and cell.value is not None:
                cell.number_format = fmt(decs[r])
    for i, header in enumerate(_headers(lang), start=1):
        width = max(len(header), 10)
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 40)
    ws.freeze_panes = "A5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# Average glyph width as a share of the font size in the sans fonts Chromium falls back to
# (Arial, Liberation Sans, DejaVu Sans is wider): an estimate that errs on the wide side.
_GLYPH = 0.6
_TAG = re.compile(r"<[^>]+>")
EXPORT_WIDTH = 1200
_EDGE = 16  # pixels kept free at each side of the canvas


def _text_width(text: object, size: float) -> float:
    """Estimated pixel width of a plotly label (its longest `<br>` line, tags dropped)."""
    lines = _TAG.sub("", str(text).replace("<br>", "\n")).split("\n")
    return max((len(line) for line in lines), default=0) * size * _GLYPH


def _font_size(font: object, default: float = 14.0) -> float:
    size = getattr(font, "size", None)
    return float(size) if size else default


def _category_labels(fig: go.Figure, axis: str) -> list[object]:
    """The text labels on the figure's `axis` ("x" or "y"): tick texts, else string data."""
    labels: list[object] = []
    for name in [n for n in fig.layout if n.startswith(f"{axis}axis")]:
        labels += list(fig.layout[name].ticktext or ())
    if labels:
        return labels
    for trace in fig.data:
        values = getattr(trace, axis, None)
        if values is not None and getattr(trace, "type", "") in ("bar", "scatter", "box"):
            labels += [v for v in values if isinstance(v, str)]
    return labels


def _legend_rows(fig: go.Figure, width: int, size: float) -> int:
    """How many rows a horizontal legend of the figure's named traces takes at `width`."""
    items = [
        _text_width(tr.name, size) + 45
        for tr in fig.data
        if tr.name and tr.showlegend is not False
    ]
    if not items or fig.layout.showlegend is False:
        return 0
    rows, used = 1, 0.0
    for w in items:
        if used and used + w > width - 2 * _EDGE:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def export_layout(fig: go.Figure, note: str, width: int = EXPORT_WIDTH) -> go.Figure:
    """The figure laid out for a file: margins from its own label widths, the title wrapped
    to the canvas, the legend and then the note (`note`) in rows of their own at the bottom,
    so no text leaves the canvas or lies over other text."""
    out = go.Figure(fig)
    base = _font_size(out.layout.font)
    margin = dict(out.layout.margin.to_plotly_json()) if out.layout.margin else {}
    height = int(out.layout.height or 600)
    old_b = int(margin.get("b") or 0)

    # Left: the longest category label on the y axis, plus the tick gap.
    y_labels = _category_labels(out, "y")
    left = max((_text_width(x, base) for x in y_labels), default=0.0) + 24
    margin["l"] = int(max(float(margin.get("l") or 0), left, _EDGE))
    margin["r"] = int(max(float(margin.get("r") or 0), 40))

    # Title: from the canvas edge plus _EDGE, wrapped to the width it has.
    title_size = _font_size(out.layout.title.font, 18) if out.layout.title else 18
    title = out.layout.title.text if out.layout.title else None
    if title:
        chars = max(20, int((width - 2 * _EDGE) / (title_size * _GLYPH)))
        lines = textwrap.wrap(_TAG.sub("", str(title).replace("<br>", " ")), chars)
        extra = (len(lines) - 1) * int(title_size * 1.3)
        out.update_layout(
            title={
                "text": "<br>".join(lines),
                "x": _EDGE / width,
                "xref": "container",
                "xanchor": "left",
            }
        )
        margin["t"] = int(margin.get("t") or 60) + extra
        height += extra

    # Bottom: the axis' own room, then the legend's rows, then one line for the note.
    legend_size = _font_size(out.layout.legend.font, base) if out.layout.legend else base
    rows = _legend_rows(out, width, legend_size)
    has_x_title = bool(out.layout.xaxis.title.text) if out.layout.xaxis else False
    axis_room = max(old_b, 40 + (35 if has_x_title else 0))
    note_room = 34
    legend_room = int(rows * legend_size * 1.9)
    margin["b"] = axis_room + legend_room + note_room
    height += margin["b"] - old_b
    if rows:
        out.update_layout(
            legend={
                "orientation": "h",
                "yref": "container",
                "y": note_room / height,
                "yanchor": "bottom",
                "xref": "container",
                "x": _EDGE / width,
                "xanchor": "left",
            }
        )
    plot_height = height - margin["t"] - margin["b"]
    out.add_annotation(
        text=note,
        xref="paper",
        yref="paper",
        x=0,
        y=-(margin["b"] - 8) / plot_height,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 11, "color": "#444444"},
    )
    out.update_layout(margin=margin, height=height, width=width)
    return out


def chart_image(fig: go.Figure, fmt: str, source: str, built_at: str) -> bytes:
    """The figure as PNG or SVG, with source and date written into the image itself."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}; use png or svg")
    out = export_layout(fig, f"{source} · {built_at}")
    return bytes(
        out.to_image(
            format=fmt,
            width=EXPORT_WIDTH,
            height=int(out.layout.height),
            scale=1 if fmt == "svg" else 2,
        )
    )
