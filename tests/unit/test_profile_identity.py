"""`profile.build` gives the same frame, dtypes included, as its per-indicator loop did."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from utfordringsbilde import overview, profile, queries, stats
from utfordringsbilde.overview import Overview
from utfordringsbilde.profile import PROFILE_COLUMNS, _spine
from utfordringsbilde.vocab import Direction, Polarity

# The implementation before issue 16 (a .loc per indicator and a frame from row dicts), kept
# here only as the reference.


def _old_build(con: queries.Con, ov: Overview, district: str) -> pd.DataFrame:
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

    rows = []
    for ind_id in ov.indicators["indicator_id"]:
        if ind_id not in mine.index:
            continue
        r = mine.loc[ind_id]
        s = spread.loc[ind_id] if ind_id in spread.index else None
        tr = trends.get(ind_id)
        rows.append(
            {
                "indicator_id": ind_id,
                "period_from": r["period_from"],
                "period_to": r["period_to"],
                "value": r["value"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "numerator": r["numerator"],
                "denominator": r["denominator"],
                "flag": r["flag"],
                "verdict": r["verdict"],
                "approximate": bool(r.get("approximate", False)),
                "kommune_value": kom.get(ind_id, np.nan),
                "landet_value": land.get(ind_id, np.nan),
                "range_min": s["min"] if s is not None else np.nan,
                "range_q25": s["25%"] if s is not None else np.nan,
                "range_q75": s["75%"] if s is not None else np.nan,
                "range_max": s["max"] if s is not None else np.nan,
                "trend_direction": tr.direction if tr else Direction.COULD_NOT_BE_CALCULATED,
                "trend_verdict": tr.verdict if tr else None,
            }
        )
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS[:-4])
    # A head count is not comparable with landet's (20 000 children vs 1.1 million).
    counts = out["indicator_id"].map(inds["unit"]).eq("count")
    out.loc[counts, "landet_value"] = np.nan
    return _spine(out, inds["polarity"])


def test_profile_is_the_old_frame_for_every_demo_district(demo_warehouse: Path) -> None:
    checked = 0
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        kommuner = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT parent_code FROM area WHERE level = 'district' ORDER BY 1"
            ).fetchall()
        ]
        for kommune in kommuner:
            for year in (None, queries.years(con, kommune)[-1]):
                ov = overview.build(con, kommune, year)
                for district in ov.districts["area_code"]:
                    new = profile.build(con, ov, district)
                    old = _old_build(con, ov, district)
                    pd.testing.assert_frame_equal(new, old, check_exact=True)
                    assert list(new.dtypes) == list(old.dtypes)
                    checked += 1
    assert checked > 20
