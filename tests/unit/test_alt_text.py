"""Alt text read from the figures: what a screen reader hears instead of the chart."""

from __future__ import annotations

import math

import pandas as pd

from utfordringsbilde import charts


def _districts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_name": ["Strømsø", "Fjell", "Konnerud", "Skoger"],
            "value": [31.2, 24.0, 9.5, math.nan],
            "ci_low": [28.0, 21.0, 7.0, math.nan],
            "ci_high": [34.0, 27.0, 12.0, math.nan],
            "flag": [None, None, None, ":"],
            "verdict": ["worse", "worse", "better", "not_compared"],
        }
    )


def test_bars_name_the_highest_and_lowest_and_never_a_suppressed_area() -> None:
    fig = charts.district_bars(_districts(), "percent", 1, "Lavinntekt", 19.0, "Drammen", "nb")
    text = charts.alt_text(fig, "nb")
    assert text.startswith("Stolpediagram: Lavinntekt.")
    assert "Høyest: Strømsø (31,2), lavest: Konnerud (9,5)" in text
    assert "Skoger" not in text
    assert charts.alt_text(fig, "en").startswith("Bar chart: Lavinntekt. Highest: Strømsø")


def test_lines_give_each_series_latest_value() -> None:
    frame = pd.DataFrame(
        {
            "area_name": ["Drammen"] * 3 + ["Landet"] * 3,
            "period_from": [2022, 2023, 2024] * 2,
            "period_to": [2022, 2023, 2024] * 2,
            "value": [10.0, 11.0, 12.5, 9.0, 9.5, 10.0],
            "ci_low": [math.nan] * 6,
            "ci_high": [math.nan] * 6,
            "flag": [None] * 6,
        }
    )
    text = charts.alt_text(charts.trend(frame, "percent", 1, "Trend", "nn"), "nn")
    assert text == (
        "Linjediagram: Trend. 2 seriar; siste verdi: Drammen 12,5, Landet 10,0. "
        "Tala står i tabellen ved diagrammet."
    )


def test_one_line_is_one_series_not_one_serier() -> None:
    frame = pd.DataFrame(
        {
            "area_name": ["Drammen"] * 2,
            "period_from": [2023, 2024],
            "period_to": [2023, 2024],
            "value": [10.0, 11.0],
            "ci_low": [math.nan] * 2,
            "ci_high": [math.nan] * 2,
            "flag": [None] * 2,
        }
    )
    text = charts.alt_text(charts.trend(frame, "percent", 1, "Trend", "nb"), "nb")
    assert "1 serie;" in text and "serier" not in text


def test_long_titles_wrap_instead_of_being_cut() -> None:
    """Plotly never wraps a title: a long one is broken into lines, the top margin grows, and
    the alt text still reads it as one sentence."""
    title = (
        "Andel barn som bor i husholdninger med vedvarende lavinntekt: områdene i Drammen "
        "etter størrelse, 2022–2024"
    )
    frame = pd.DataFrame(
        {
            "area_name": ["Drammen"] * 2,
            "period_from": [2023, 2024],
            "period_to": [2023, 2024],
            "value": [10.0, 11.0],
            "ci_low": [math.nan] * 2,
            "ci_high": [math.nan] * 2,
            "flag": [None] * 2,
        }
    )
    fig = charts.trend(frame, "percent", 1, title, "nb")
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(x) <= charts.TITLE_CHARS for x in lines)
    assert fig.layout.margin.t > 60
    assert title in charts.alt_text(fig, "nb")
