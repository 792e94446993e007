"""Exports: the promised columns, Norwegian CSV conventions, symbols never numbers."""

from __future__ import annotations

import csv
import io
import shutil

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from utfordringsbilde import export

INDS = pd.DataFrame(
    {
        "indicator_id": ["lavinntekt"],
        "name_nb": ["Vedvarende lavinntekt"],
        "name_nn": [None],
        "name_en": ["Persistent low income"],
        "unit": ["percent"],
        "source": ["fhi"],
        "source_table": ["403"],
    }
)
CELLS = pd.DataFrame(
    {
        "indicator_id": ["lavinntekt"] * 3,
        "area_code": ["3301-D01", "3301-D02", "3301-D03"],
        "period_from": [2022, 2022, 2022],
        "period_to": [2024, 2024, 2024],
        "value": [31.25, None, 12.0],
        "ci_low": [28.5, None, 10.0],
        "ci_high": [34.1, None, 14.2],
        "numerator": [500.0, None, 120.0],
        "denominator": [1600.0, 40.0, 1000.0],
        "flag": [None, ":", None],
        "verdict": ["worse", "not_compared", "better"],
        "trend_direction": ["increasing", None, "no_change"],
    }
)
NAMES = {"3301-D01": "Strømsø", "3301-D02": "Liten", "3301-D03": "Konnerud"}


@pytest.fixture()
def table() -> pd.DataFrame:
    return export.export_table(CELLS, INDS, NAMES, "Drammen", "2026-11-22", "nb")


def test_columns_analysts_need(table: pd.DataFrame) -> None:
    # Besides the file's columns, only the private display decimals (`_decimals`).
    assert [c for c in table.columns if not c.startswith("_")] == export.COLUMNS
    for col in ("indicator", "area_code", "area_name", "period", "value", "ci_low", "ci_high",
                "numerator", "denominator", "flag", "flag_meaning", "comparison", "trend",
                "source", "fetched_at"):
        assert col in table.columns
    assert table.loc[0, "period"] == "2022–2024"
    assert table.loc[0, "comparison"] == "Dårligere"


def test_suppressed_row_is_a_symbol_with_no_numbers(table: pd.DataFrame) -> None:
    row = table.loc[1]
    assert row["value"] == ":"
    assert row["numerator"] is None or pd.isna(row["numerator"])
    assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])
    assert "personvern" in row["flag_meaning"]
    assert row["comparison"] == ""


def test_csv_for_norwegian_excel(table: pd.DataFrame) -> None:
    raw = export.to_csv(table, "nb")
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    text = raw.decode("utf-8-sig")
    lines = text.split("\r\n")
    header = lines[0].split(";")
    assert header[:6] == ["Indikator-id", "Indikator", "Områdekode", "Område", "Periode", "Verdi"]
    first = lines[1].split(";")
    assert first[5] == "31,25" and first[7] == "28,5" and first[9] == "500"
    second = lines[2].split(";")
    assert second[5] == ":" and second[9] == "" and second[7] == ""
    assert "Strømsø" in text


def test_csv_golden(table: pd.DataFrame) -> None:
    text = export.to_csv(table, "nb").decode("utf-8-sig")
    assert text.split("\r\n")[3] == (
        "lavinntekt;Vedvarende lavinntekt;3301-D03;Konnerud;2022–2024;12;prosent;10;14,2;120;"
        "1000;;;Drammen;Bedre;→ Ingen sikker endring;FHI 403;2026-11-22;12;"
    )


def test_approximate_rows_say_so_in_csv_and_xlsx() -> None:
    cells = CELLS.assign(approximate=[True, False, False])
    table = export.export_table(cells, INDS, NAMES, "Drammen", "2026-11-22", "en")
    assert table["approximate"].tolist()[0].startswith("approximate")
    assert table["approximate"].tolist()[1:] == ["", ""]
    lines = export.to_csv(table, "en").decode("utf-8-sig").split("\r\n")
    col = lines[0].split(";").index("Approximate")
    assert lines[1].split(";")[col].startswith("approximate") and lines[2].split(";")[col] == ""
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(table, "t", "n", "en")))
    rows = [[c.value for c in r] for r in wb.active.iter_rows()]
    head = next(i for i, r in enumerate(rows) if "Approximate" in r)
    at = rows[head].index("Approximate")
    assert str(rows[head + 1][at]).startswith("approximate") and not rows[head + 2][at]


def _with_decimals(decimals: int) -> pd.DataFrame:
    inds = INDS.assign(decimals=decimals)
    cells = CELLS.assign(value=[21.908127, None, 12.0], ci_low=[20.04, None, 10.0])
    return export.export_table(cells, inds, NAMES, "Drammen", "2026-11-22", "nb")


def test_csv_numbers_at_display_precision_with_the_unrounded_value_beside() -> None:
    text = export.to_csv(_with_decimals(1), "nb").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    first, third = rows[1], rows[3]
    assert first[5] == "21,9" and first[7] == "20,0" and third[5] == "12,0"
    exact = header.index("Verdi uten avrunding")  # before the approximate marker, the last
    assert exact == len(header) - 2 and first[exact] == "21,908127"
    assert first[9] == "500" and rows[2][exact] == ""


def test_csv_marks_demo_data_above_the_header(table: pd.DataFrame) -> None:
    text = export.to_csv(table, "nb", "DEMODATA (simulerte tall)").decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "DEMODATA (simulerte tall)"
    assert lines[1].startswith("Indikator-id;")
    assert not export.to_csv(table, "nb").decode("utf-8-sig").startswith("DEMO")


def test_xlsx_cells_have_number_formats() -> None:
    raw = export.to_xlsx(_with_decimals(2), "T", "Kilde", "nb")
    ws = openpyxl.load_workbook(io.BytesIO(raw))["Data"]
    assert ws.cell(row=5, column=6).value == pytest.approx(21.91)
    assert ws.cell(row=5, column=6).number_format == "#,##0.00"
    assert ws.cell(row=5, column=8).number_format == "#,##0.00"
    assert ws.cell(row=5, column=10).number_format == "#,##0"
    assert ws.cell(row=5, column=19).value == pytest.approx(21.908127)
    assert ws.cell(row=6, column=6).value == ":"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Vedvarende lavinntekt – Strømsø", "vedvarende-lavinntekt-strømsø.csv"),
        ("Bål/Ærø: 2022–2024?", "bål-ærø-2022-2024.csv"),
        ("../../etc/passwd", "etc-passwd.csv"),
    ],
)
def test_file_names_keep_norwegian_letters_and_are_safe(title: str, name: str) -> None:
    assert export.filename(title, "csv") == name


def test_file_names_are_not_cut_at_sixty_characters() -> None:
    title = "Andel barn som bor i husholdninger med vedvarende lavinntekt – Åssiden og Fjell"
    name = export.filename(title, "xlsx")
    assert name.endswith("åssiden-og-fjell.xlsx") and len(name) > 60
    assert len(export.filename("ø" * 400, "csv").encode()) <= 255


def test_trends_fill_every_row() -> None:
    history = pd.DataFrame(
        {
            "area_code": ["3301-D01"] * 5,
            "indicator_id": ["lavinntekt"] * 5,
            "value": [10.0, 12.0, 14.0, 16.0, 18.0],
            "ci_low": [9.5, 11.5, 13.5, 15.5, 17.5],
            "ci_high": [10.5, 12.5, 14.5, 16.5, 18.5],
        }
    )
    cells = export.with_trends(
        CELLS.drop(columns="trend_direction"), history, INDS.assign(polarity="low_good")
    )
    assert list(cells["trend_direction"]) == [
        "increasing", "could_not_be_calculated", "could_not_be_calculated"
    ]


def test_xlsx_opens_with_columns_and_symbols(table: pd.DataFrame) -> None:
    raw = export.to_xlsx(table, "Vedvarende lavinntekt", "Kilde: FHI 403", "nb")
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    ws = wb["Data"]
    assert ws["A1"].value == "Vedvarende lavinntekt"
    headers = [c.value for c in ws[4]]
    assert headers[5] == "Verdi" and headers[11] == "Symbol"
    assert ws.cell(row=5, column=6).value == pytest.approx(31.25)
    assert ws.cell(row=6, column=6).value == ":"
    assert ws.cell(row=6, column=10).value is None


@pytest.mark.skipif(not shutil.which("chromium"), reason="chart images need Chromium (kaleido)")
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_chart_image_has_source_and_date(fmt: str) -> None:
    fig = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    fig.update_layout(title="Tittel", height=400)
    raw = export.chart_image(fig, fmt, "Kilde: FHI 403", "2026-11-22")
    if fmt == "png":
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        svg = raw.decode("utf-8")
        assert "Kilde: FHI 403 · 2026-11-22" in svg and "Tittel" in svg


HOSTILE = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _hostile_table() -> pd.DataFrame:
    names = {"3301-D01": HOSTILE[0], "3301-D02": HOSTILE[1], "3301-D03": HOSTILE[2]}
    cells = CELLS.assign(value=[-31.25, None, -12.0], indicator_id="lavinntekt")
    table = export.export_table(cells, INDS, names, HOSTILE[3], HOSTILE[4], "nb")
    table.loc[0, "fetched_at"] = HOSTILE[5]
    return table


def test_csv_text_cannot_become_a_formula() -> None:
    """OWASP CSV injection: a text cell starting = + - @ tab or CR gets a leading '."""
    text = export.to_csv(_hostile_table(), "nb").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:4]
    assert [r[3] for r in rows] == ["'" + h for h in HOSTILE[:3]]
    assert {r[13] for r in rows} == {"'" + HOSTILE[3]}
    assert rows[1][17] == "'" + HOSTILE[4]
    assert "'" + HOSTILE[5] in text
    # Numbers stay numbers, negative ones too.
    assert rows[0][5] == "-31,25" and rows[2][5] == "-12"


def test_xlsx_text_cannot_become_a_formula() -> None:
    raw = export.to_xlsx(_hostile_table(), "=1+1", "@note\x1b", "nb")
    ws = openpyxl.load_workbook(io.BytesIO(raw))["Data"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert ws["A1"].value == "'=1+1" and ws["A2"].value == "'@note"
    assert [ws.cell(row=r, column=4).value for r in (5, 6, 7)] == ["'" + h for h in HOSTILE[:3]]
    assert ws.cell(row=5, column=6).value == pytest.approx(-31.25)
    assert ws.cell(row=5, column=6).data_type == "n"


def test_each_row_is_credited_to_its_own_source() -> None:
    # An imported row names the kommune's file; a row from the API its table.
    cells = CELLS.assign(
        source=["local", "fhi", "fhi"], source_table=["Ungdata Drammen.csv", "403", "403"]
    )
    table = export.export_table(cells, INDS, NAMES, "Drammen", "2026-11-22", "nb")
    assert table["source"].tolist()[0].startswith("Ungdata Drammen.csv (")
    assert table["source"].tolist()[1:] == ["FHI 403", "FHI 403"]


def _page_figures(warehouse_path: object) -> dict[str, go.Figure]:
    """The figures each page offers as PNG/SVG, built as the pages build them (demo data)."""
    from pathlib import Path

    import duckdb

    from utfordringsbilde import charts, levekar, overview, profile, queries
    from utfordringsbilde.pagemodels import distrikt, indikator, oversikt

    with duckdb.connect(str(Path(str(warehouse_path))), read_only=True) as con:
        ov = overview.build(con, "3301")
        inds = ov.indicators
        figs = {
            "oversikt": charts.barometer(oversikt.barometer(ov, inds), inds, ov.kommune_name, "nb")
        }
        code, name = distrikt.chosen(ov, None)
        prof = profile.build(con, ov, code)
        rows = distrikt.spine_rows(prof)
        figs["distrikt"] = charts.spine(rows, inds, name, ov.kommune_name, "nb")
        ind_id = str(inds.loc[inds["unit"] == "percent", "indicator_id"].iloc[0])
        ind = indikator.describe(inds, ind_id, "nb")
        d = indikator.districts(ov, ind_id)
        for mode in indikator.MODES:
            chart = indikator.main_chart(ind, d, mode, ov.kommune_name, "nb")
            figs[f"indikator_{mode}"] = chart.fig
        codes = indikator.areas(ov.kommune, ov.fylke, list(d.names)[:3])
        trend = indikator.trend_chart(ind, queries.series(con, ind_id, codes), codes, "nb")
        assert trend is not None
        figs["indikator_trend"] = trend.fig
        options = levekar.available(ov.cells, inds, ov.districts["area_code"].tolist())
        result = levekar.build(ov.cells, ov.districts, inds, levekar.default_components(options))
        figs["levekar"] = charts.levekar_bars(result.table, "Levekårsindeks i Drammen", "nb", "")
    return figs


@pytest.mark.skipif(not shutil.which("chromium"), reason="chart images need Chromium (kaleido)")
def test_exported_figures_keep_all_text_on_the_canvas(demo_warehouse: object) -> None:
    """Each page's PNG: the outermost pixel columns and rows are background, so no label,
    title or note runs off the edge (the names of Fjell and Strømsø were cut to `ell`, `ø`)."""
    from PIL import Image

    note = "Kilde: SSB, FHI · DEMODATA (simulerte tall)"
    clipped = {}
    for page, fig in _page_figures(demo_warehouse).items():
        img = Image.open(io.BytesIO(export.chart_image(fig, "png", note, "2026-11-22")))
        px = img.convert("RGB").load()
        w, h = img.size
        edge = 6  # pixels at scale 2
        border = [(x, y) for x in (*range(edge), *range(w - edge, w)) for y in range(h)]
        border += [(x, y) for y in (*range(edge), *range(h - edge, h)) for x in range(w)]
        dark = [p for p in border if sum(px[p]) < 600]
        if dark:
            clipped[page] = dark[:3]
    assert not clipped
