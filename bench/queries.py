"""The page queries `python -m bench` times: name → callable(con, kommune=...)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from utfordringsbilde import queries as q

Con = duckdb.DuckDBPyConnection


def _overview(con: Con, kommune: str) -> pd.DataFrame:
    areas = q.comparison_areas(con, kommune)
    codes = [kommune, *q.districts(con, kommune)["area_code"], areas["fylke"] or "", "0"]
    return q.latest_values(con, codes)


def _indicator(con: Con, kommune: str) -> pd.DataFrame:
    first = con.execute("SELECT min(indicator_id) FROM indicator").fetchone()
    ind = first[0] if first else ""
    codes = [kommune, *q.districts(con, kommune)["area_code"]]
    return q.series(con, ind, codes)


def _sex(con: Con, kommune: str) -> pd.DataFrame:
    row = con.execute(
        "SELECT min(indicator_id) FROM observation WHERE sex = 'male' AND area_code = ?",
        [kommune],
    ).fetchone()
    areas = q.comparison_areas(con, kommune)
    codes = [kommune, *(c for c in (areas["fylke"], areas["land"]) if c)]
    return q.sex_breakdown(con, row[0] if row and row[0] else "", codes)


def _shapes(con: Con, kommune: str) -> pd.DataFrame:
    return pd.DataFrame(list(q.district_shapes(con, kommune).items()), columns=["code", "geojson"])


def _levekar(con: Con, kommune: str) -> pd.DataFrame:
    from utfordringsbilde import levekar

    inds = q.indicators(con)
    dists = q.districts(con, kommune)
    cells = q.latest_values(con, [kommune, *dists["area_code"]])
    options = levekar.available(cells, inds, dists["area_code"].tolist())
    return levekar.build(cells, dists, inds, levekar.default_components(options)).table


# The Indikator page's sex breakdown and map, and the Levekårsindeks page (its index is
# computed in Python over the overview's values, so the whole build is timed).
BENCH_QUERIES: list[tuple[str, Callable[..., pd.DataFrame]]] = [
    ("kommuner", lambda con, kommune: q.kommuner(con)),
    ("overview_latest_values", _overview),
    ("indicator_series_districts", _indicator),
    ("indicator_sex_breakdown", _sex),
    ("indicator_district_shapes", _shapes),
    ("levekar_index", _levekar),
]
