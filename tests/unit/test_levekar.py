"""The levekårsindeks view: hand-made cases and every kommune of the demo warehouse."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from utfordringsbilde import export, levekar, overview

TEXTS = {"index_name": "Levekårsindeks", "score": "Skår {score} av 10", "components": "{n} av {k}"}


def _inds(**polarity: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": list(polarity),
            "polarity": list(polarity.values()),
            "unit": ["percent"] * len(polarity),
            "decimals": [1] * len(polarity),
            "name_nb": [f"Navn {i}" for i in polarity],
            "source": ["ssb"] * len(polarity),
            "source_table": ["1"] * len(polarity),
        }
    )


def _cells(values: dict[str, list[float | None]], flags: dict[str, list[str | None]] | None = None):
    rows = []
    for ind, vals in values.items():
        for i, v in enumerate(vals):
            flag = (flags or {}).get(ind, [None] * len(vals))[i]
            rows.append(
                {
                    "indicator_id": ind,
                    "area_code": f"D{i:02d}",
                    "period_from": 2022,
                    "period_to": 2024,
                    "value": None if flag else v,
                    "flag": flag,
                }
            )
    return pd.DataFrame(rows)


def _districts(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"area_code": [f"D{i:02d}" for i in range(n)], "name": list("ABCDEFGHIJ")[:n]}
    )


def test_deciles_and_mean_by_hand() -> None:
    # Ten districts: "low" runs 1..10 (high = problems), "good" runs 10..1 with high_good, so
    # both give district i the score i + 1, and the index equals it.
    cells = _cells({"low": list(range(1, 11)), "good": list(range(10, 0, -1))})
    result = levekar.build(
        cells, _districts(10), _inds(low="low_good", good="high_good"), ["low", "good"]
    )
    table = result.table.set_index("area_code")
    assert table["low_score"].tolist() == sorted(table["low_score"], reverse=True)
    for i in range(10):
        row = table.loc[f"D{i:02d}"]
        assert row["low_score"] == row["good_score"] == row["index"] == i + 1
    # Highest index first.
    assert result.table["area_name"].iloc[0] == "J"
    assert result.periods == {"low": "2022–2024", "good": "2022–2024"}


def test_suppressed_component_is_a_symbol_and_too_few_means_no_index() -> None:
    cells = _cells(
        {"a": [1, 2, 3, 4], "b": [4, 3, 2, 1], "c": [5, 6, 7, 8]},
        flags={"a": [":", None, None, None], "b": [":", None, None, None], "c": [None] * 4},
    )
    result = levekar.build(
        cells, _districts(4), _inds(a="low_good", b="low_good", c="low_good"), "abc"
    )
    row = result.table.set_index("area_code").loc["D00"]
    assert row["a_flag"] == ":" and np.isnan(row["a"]) and np.isnan(row["a_score"])
    # One of three components: fewer than half, so no index (it would rest on one number).
    assert row["n_components"] == 1 and np.isnan(row["index"])
    assert result.hidden == {"a": ["A"], "b": ["A"]}
    out = levekar.export_rows(result, _inds(a="low_good", b="low_good", c="low_good"), TEXTS, "x")
    hidden = out[(out["area_code"] == "D00") & (out["indicator_id"] == "a")].iloc[0]
    assert hidden["value"] == ":" and hidden["flag"] == ":"
    assert list(out.columns) == export.COLUMNS


def test_component_without_a_row_is_missing_not_zero() -> None:
    cells = _cells({"a": [1, 2, 3]})
    result = levekar.build(cells, _districts(4), _inds(a="low_good"), ["a"])
    row = result.table.set_index("area_code").loc["D03"]
    assert row["a_flag"] == ".." and np.isnan(row["a_score"]) and np.isnan(row["index"])


def test_min_components() -> None:
    assert [levekar.min_components(k) for k in (1, 2, 3, 7, 8)] == [1, 1, 2, 4, 4]


def _kommuner(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT parent_code FROM area WHERE level = 'district' ORDER BY 1"
        ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.parametrize("year", [None, 2018])
def test_index_on_the_demo_warehouse(demo_warehouse: Path, year: int | None) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        for kommune in _kommuner(demo_warehouse):
            ov = overview.build(con, kommune, year)
            options = levekar.available(ov.cells, ov.indicators, ov.districts["area_code"])
            assert "barn_0_17" not in options, "a population count is not a component"
            comps = levekar.default_components(options)
            assert comps, kommune
            assert comps == [c for c in levekar.DEFAULT_COMPONENTS if c in options]
            result = levekar.build(ov.cells, ov.districts, ov.indicators, comps)
            table = result.table
            assert sorted(table["area_code"]) == sorted(ov.districts["area_code"])
            scores = table[[f"{c}_score" for c in comps]]
            shown = scores.stack().dropna()
            assert shown.between(1, 10).all() and (shown == shown.round()).all()
            # Each component's worst district scores 10.
            assert (scores.max() == 10).all()
            index = table["index"].dropna()
            assert index.between(1, 10).all()
            assert np.allclose(index, scores.loc[index.index].mean(axis=1))
            assert table["index"].is_monotonic_decreasing or table["index"].isna().any()
            assert set(result.periods) == set(comps)


def test_export_of_the_demo_index_opens_in_excel(demo_warehouse: Path) -> None:
    kommune = _kommuner(demo_warehouse)[0]
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        ov = overview.build(con, kommune)
    options = levekar.available(ov.cells, ov.indicators, ov.districts["area_code"])
    result = levekar.build(
        ov.cells, ov.districts, ov.indicators, levekar.default_components(options)
    )
    out = levekar.export_rows(result, ov.indicators, TEXTS, "2024-01-01")
    k = len(result.components)
    assert len(out) == len(ov.districts) * (k + 1)
    assert (out["indicator_id"] == "levekarsindeks").sum() == len(ov.districts)
    wb = load_workbook(io.BytesIO(export.to_xlsx(out, "Levekårsindeks", "note")))
    header = [c.value for c in wb.active[4]]
    assert header[:4] == ["Indikator-id", "Indikator", "Områdekode", "Område"]
    assert export.to_csv(out).startswith("\ufeff".encode())


def test_heat_table_numbers_are_readable_on_every_score() -> None:
    """Black or white text reaches 4.5:1 on every colour of the scale, 1 to 10."""
    from utfordringsbilde import charts

    def ratio(a: str, b: str) -> float:
        la, lb = charts._luminance(a), charts._luminance(b)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)

    for score in np.linspace(1, 10, 181):
        cell = charts._scale_colour(charts.LEVEKAR_SCALE, float(score))
        assert ratio(cell, charts._text_on(cell)) >= 4.5, (score, cell)
