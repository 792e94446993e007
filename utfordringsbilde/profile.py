"""Distriktsprofil: one district across every indicator, against kommune, landet and its peers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from utfordringsbilde import queries, stats
from utfordringsbilde.overview import Overview
from utfordringsbilde.vocab import Direction, Polarity

PROFILE_COLUMNS = [
    "indicator_id",
    "period_from",
    "period_to",
    "value",
    "ci_low",
    "ci_high",
    "numerator",
    "denominator",
    "flag",
    "verdict",
    "approximate",
    "kommune_value",
    "landet_value",
    "range_min",
    "range_q25",
    "range_q75",
    "range_max",
    "trend_direction",
    "trend_verdict",
    "spine_x",
    "spine_min",
    "spine_max",
    "spine_landet",
]


def build(con: queries.Con, ov: Overview, district: str) -> pd.DataFrame:
    """One row per indicator for `district`: value, verdict, benchmarks, spread, trend, spine."""
    cells = ov.cells
    inds = ov.indicators.set_index("indicator_id")
    dist_codes = set(ov.districts["area_code"])
    mine = cells[cells["area_code"] == district].set_index("indicator_id")
    peers = cells[cells["area_code"].isin(dist_codes) & cells["flag"].isna()]
    g = peers.groupby("indicator_id")["value"]
    spread = pd.DataFrame(
        {"min": g.min(), "25%": g.quantile(0.25), "75%": g.quantile(0.75), "max": g.max()}
    )
    kom = cells[cells["area_code"] == ov.kommune].set_index("indicator_id")["value"]
    land = ov.barometer.set_index("indicator_id")["benchmark"]

    # The query returns rows ordered by indicator and period: slice plain arrays per
    # indicator rather than going through a pandas groupby (this runs on every page view).
    history = queries.series_for_area(con, district)
    ids = history["indicator_id"].to_numpy()
    values = history["value"].to_numpy(float)
    lows = history["ci_low"].to_numpy(float)
    highs = history["ci_high"].to_numpy(float)
    polarity = inds["polarity"].to_dict()
    trends: dict[str, stats.TrendResult] = {}
    if len(ids):
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], len(ids)], strict=True):
            ind_id = str(ids[a])
            trends[ind_id] = stats.trend(
                values[a:b], lows[a:b], highs[a:b], str(polarity.get(ind_id, Polarity.NONE))
            )

    # Whole columns at once, in catalog order, for the indicators the district has a row for
    # (a per-indicator .loc loop was most of this function's time).
    ids_in_order = [i for i in ov.indicators["indicator_id"] if i in mine.index]
    r = mine.loc[ids_in_order]
    s = spread.reindex(ids_in_order)
    tr = [trends.get(i) for i in ids_in_order]
    columns: dict[str, Any] = {"indicator_id": ids_in_order}
    for col in PROFILE_COLUMNS[1:8]:  # periods and numbers keep the cells' dtypes
        columns[col] = r[col].to_numpy()
    for col in ("flag", "verdict"):  # text, inferred as a list of values would be
        columns[col] = r[col].tolist()
    # A frame from before the column (or built by hand) has no approximate cells.
    approx = r["approximate"] if "approximate" in r.columns else pd.Series(False, index=r.index)
    columns["approximate"] = approx.fillna(False).astype(bool).to_numpy()
    columns["kommune_value"] = kom.reindex(ids_in_order).to_numpy(float)
    columns["landet_value"] = land.reindex(ids_in_order).to_numpy(float)
    for col, name in (("min", "range_min"), ("25%", "range_q25"), ("75%", "range_q75")):
        columns[name] = s[col].to_numpy(float)
    columns["range_max"] = s["max"].to_numpy(float)
    columns["trend_direction"] = [
        t.direction if t else Direction.COULD_NOT_BE_CALCULATED for t in tr
    ]
    columns["trend_verdict"] = [t.verdict if t else None for t in tr]
    # No rows: the untyped empty frame a list of rows gives.
    out = pd.DataFrame(columns if ids_in_order else [], columns=PROFILE_COLUMNS[:-4])
    # A head count is not comparable with landet's (20 000 children vs 1.1 million).
    counts = out["indicator_id"].map(inds["unit"]).eq("count")
    out.loc[counts, "landet_value"] = np.nan
    return _spine(out, inds["polarity"])


def _spine(frame: pd.DataFrame, polarity: pd.Series) -> pd.DataFrame:
    """Positions on a spine chart: kommune at 0, the farthest of the spread at ±1.

    Fingertips draws "better" to the right; indicators where low is good are mirrored so
    that holds for every row. Rows with no good direction keep their natural orientation.
    """
    out = frame.copy()
    cols = ["value", "range_min", "range_max", "landet_value"]
    # With no rows (a kommune or district without data) pandas infers no dtype; the spine is
    # numbers, so the columns are made float rather than left to inference.
    for col in [*cols, "kommune_value"]:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    centre = out["kommune_value"]
    dev = pd.concat([(out[c] - centre).abs() for c in cols], axis=1).max(axis=1)
    scale = dev.where(dev > 0, 1.0)
    sign = (
        out["indicator_id"].map(polarity).map({Polarity.LOW_GOOD: -1.0}).fillna(1.0).astype(float)
    )
    for col, name in (
        ("value", "spine_x"),
        ("range_min", "spine_min"),
        ("range_max", "spine_max"),
        ("landet_value", "spine_landet"),
    ):
        out[name] = sign * (out[col] - centre) / scale
    # Mirroring swaps the ends of the range.
    lo = out[["spine_min", "spine_max"]].min(axis=1)
    hi = out[["spine_min", "spine_max"]].max(axis=1)
    out["spine_min"], out["spine_max"] = lo, hi
    return out
