"""The Utfordringsbilde overview: every district and indicator compared with its benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from utfordringsbilde import queries, stats
from utfordringsbilde.districts import default_kind
from utfordringsbilde.queries import Con
from utfordringsbilde.vocab import Polarity, Verdict


@dataclass(frozen=True)
class Overview:
    """What the overview page shows for one kommune and period."""

    kommune: str
    kommune_name: str
    fylke: str | None
    indicators: pd.DataFrame  # catalog rows in display order
    districts: pd.DataFrame  # area_code, name, demo_code
    cells: pd.DataFrame  # one row per indicator × area, with `verdict` and `benchmark`
    barometer: pd.DataFrame  # one row per indicator: kommune vs landet
    # The district level of `districts` (None: the kommune has no districts).
    level: str | None = None
    # The peer group (peers.peer_codes) that has values: code → name. The barometer's
    # `peer_value` is their median in the kommune's period, `peer_n` how many it is of.
    peer_names: dict[str, str] = field(default_factory=dict)


def _compare_to(cells: pd.DataFrame, bench_area: str, polarity: pd.Series) -> pd.DataFrame:
    """Add `benchmark` (the bench area's value) and `verdict` to every row of `cells`."""
    bench = cells.loc[cells["area_code"] == bench_area].set_index("indicator_id")["value"]
    out = cells.copy()
    out["benchmark"] = out["indicator_id"].map(bench)
    pol = out["indicator_id"].map(polarity).fillna(Polarity.NONE).to_numpy()
    out["verdict"] = stats.compare(
        out["value"].to_numpy(dtype=float),
        out["ci_low"].to_numpy(dtype=float),
        out["ci_high"].to_numpy(dtype=float),
        out["benchmark"].to_numpy(dtype=float),
        pol,
    )
    # A suppressed or missing cell is not a comparison; the page shows its symbol instead.
    out.loc[out["flag"].notna(), "verdict"] = Verdict.NOT_COMPARED
    # Nor is a cell from another period than the benchmark's (a 2023 district under a 2024
    # kommune): it is shown with its own period, not judged against another year.
    bench_period = cells.loc[cells["area_code"] == bench_area].set_index("indicator_id")
    other = out["period_to"].ne(out["indicator_id"].map(bench_period["period_to"]))
    out.loc[other & out["benchmark"].notna(), "verdict"] = Verdict.NOT_COMPARED
    return out


def build(
    con: Con,
    kommune: str,
    year: int | None = None,
    level: str | None = None,
    indicators: pd.DataFrame | None = None,
    peers: Sequence[str] = (),
) -> Overview:
    """Districts of one level (default: the kommune's default level, see queries.districts)
    compared with the kommune, and the kommune compared with landet.

    `indicators` is `queries.indicators(con)`, for a caller that keeps it per warehouse;
    `peers` the kommune's peer group (peers.peer_codes), summed up in the barometer.
    """
    inds = queries.indicators(con) if indicators is None else indicators
    level = level or default_kind(queries.district_levels(con, kommune))
    dists = queries.districts(con, kommune, level)
    areas = queries.comparison_areas(con, kommune)
    info = queries.area(con, kommune)
    name = str(info["name"]) if info else kommune
    codes = [kommune, *dists["area_code"]]
    codes += [c for c in (areas["fylke"], areas["land"]) if c]
    peer_list = [c for c in dict.fromkeys(peers) if c not in codes]
    codes += peer_list
    cells = queries.latest_values(con, codes, year)
    polarity = inds.set_index("indicator_id")["polarity"]

    district_cells = cells[cells["area_code"].isin(set(dists["area_code"]) | {kommune})]
    district_cells = _compare_to(district_cells, kommune, polarity)

    land_cells = cells[cells["area_code"].isin([kommune, "0"])]
    land_cells = _compare_to(land_cells, "0", polarity)
    barometer = land_cells[land_cells["area_code"] == kommune].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        barometer["relative"] = 100.0 * barometer["value"] / barometer["benchmark"]
    fylke_vals = cells.loc[cells["area_code"] == areas["fylke"]].set_index("indicator_id")
    barometer["fylke_value"] = barometer["indicator_id"].map(fylke_vals["value"])
    peer_value, peer_n = _peer_median(cells, barometer, peer_list)
    barometer["peer_value"] = barometer["indicator_id"].map(peer_value)
    barometer["peer_n"] = barometer["indicator_id"].map(peer_n).fillna(0).astype(int)
    order = {ind: i for i, ind in enumerate(inds["indicator_id"])}
    barometer = barometer.sort_values("indicator_id", key=lambda s: s.map(order))
    return Overview(
        kommune=kommune,
        kommune_name=name,
        fylke=areas["fylke"],
        indicators=inds,
        districts=dists,
        cells=district_cells.reset_index(drop=True),
        barometer=barometer.reset_index(drop=True),
        level=level,
        peer_names=_names(con, [c for c in peer_list if c in set(cells["area_code"])]),
    )


def _peer_median(
    cells: pd.DataFrame, barometer: pd.DataFrame, peers: Sequence[str]
) -> tuple[pd.Series, pd.Series]:
    """Per indicator, the median of the peers' values in the kommune's period (suppressed and
    other-period values left out, so the group is compared over the same years) and their count."""
    rows = cells[cells["area_code"].isin(set(peers)) & cells["flag"].isna()]
    period = barometer.set_index("indicator_id")["period_to"]
    rows = rows[rows["period_to"].eq(rows["indicator_id"].map(period))]
    grouped = rows.groupby("indicator_id")["value"]
    return grouped.median(), grouped.count()


def _names(con: Con, codes: Sequence[str]) -> dict[str, str]:
    """Area code → name, in the order of `codes`."""
    if not codes:
        return {}
    marks = ", ".join("?" * len(codes))
    sql = f"SELECT area_code, name FROM area WHERE area_code IN ({marks})"
    found = dict(con.execute(sql, list(codes)).fetchall())
    return {c: str(found[c]) for c in codes if found.get(c)}


def filter_indicators(
    inds: pd.DataFrame, themes: list[str] | None = None, risk_factor: str | None = None
) -> pd.DataFrame:
    """Catalog rows limited to the chosen themes and (optionally) one risk factor."""
    out = inds
    if themes:
        out = out[out["theme_id"].isin(themes)]
    if risk_factor:
        out = out[out["risk_factors"].map(lambda rfs: risk_factor in list(rfs))]
    return out
