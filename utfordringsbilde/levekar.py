"""The levekårsindeks view: an SSB-style composite index of living-conditions challenges.

Each component indicator is scored 1–10 by decile across the kommune's own districts
(10 = most challenges; indicators where a high value is good are turned round), and a
district's index is the mean of its scores (`stats.levekarsindeks`). The scores are relative
within the kommune: they say where the challenges are largest here, not how large they are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from utfordringsbilde import numbers, stats
from utfordringsbilde.i18n import flag_meaning, label, source_label
from utfordringsbilde.vocab import Flag, Polarity

# SSB's levekårsindeks for cities uses low income, crowding, young people outside work and
# education, and family and school indicators; these are the catalog's nearest equivalents.
DEFAULT_COMPONENTS: Final = (
    "vedvarende_lavinntekt",
    "trangboddhet",
    "unge_utenfor",
    "barn_enslige_forsorgere",
    "barnevernstiltak",
    "lesing_5",
    "mobbing_7",
)

# A component needs values in this many districts to be scored at all.
MIN_DISTRICTS: Final = 3

# Units that are not a level of anything (a population count) cannot be a component.
NOT_COMPONENT_UNITS: Final = ("count",)


@dataclass(frozen=True)
class Levekar:
    """The index of one kommune's districts over the chosen components."""

    components: list[str]  # indicator ids, in the order chosen
    table: pd.DataFrame  # one row per district, see `build`
    periods: dict[str, str]  # component → period label
    hidden: dict[str, list[str]]  # component → districts whose value is suppressed (:)


def available(cells: pd.DataFrame, inds: pd.DataFrame, districts: Sequence[str]) -> list[str]:
    """Indicators that can be components: unflagged values in ≥ MIN_DISTRICTS districts and a
    unit that is a level (not a count), in catalog order."""
    shown = cells[cells["area_code"].isin(list(districts)) & cells["flag"].isna()]
    per = shown.dropna(subset=["value"]).groupby("indicator_id")["area_code"].nunique()
    ok = set(per[per >= MIN_DISTRICTS].index)
    return [
        str(r.indicator_id)
        for r in inds.itertuples(index=False)
        if r.indicator_id in ok and r.unit not in NOT_COMPONENT_UNITS
    ]


def default_components(options: Sequence[str]) -> list[str]:
    """The default components that are among `options`, in the default order."""
    return [c for c in DEFAULT_COMPONENTS if c in options]


def min_components(k: int) -> int:
    """How many of k components a district needs for an index: at least half, at least one."""
    return max(1, math.ceil(k / 2))


def build(
    cells: pd.DataFrame,
    districts: pd.DataFrame,
    inds: pd.DataFrame,
    components: Sequence[str],
) -> Levekar:
    """The index per district over `components`.

    `cells` holds observation rows (indicator_id, area_code, period_from, period_to, value,
    flag); `districts` holds area_code and name. The table has area_code, area_name, per
    component its value `<c>`, `<c>_score` and `<c>_flag` (the source symbol, '..' when
    there is no row, missing when there is a value), `n_components` (how many were scored),
    and `index` (mean score; NaN when fewer than `min_components`).
    Rows are in index order, highest (most challenges) first, then by name.
    """
    comps = list(dict.fromkeys(components))
    codes = districts["area_code"].tolist()
    names = dict(zip(districts["area_code"], districts["name"], strict=True))
    mine = cells[cells["area_code"].isin(codes) & cells["indicator_id"].isin(comps)]
    # A handful of districts × components: plain dicts are several times faster than
    # pivot_table here, and the page builds this on every change of components.
    found: dict[tuple[str, str], tuple[float, str | None]] = {}
    periods_seen: dict[str, tuple[int, int]] = {}
    hidden: dict[str, list[str]] = {}
    for ind, area, p_from, p_to, value, flag in zip(
        mine["indicator_id"],
        mine["area_code"],
        mine["period_from"],
        mine["period_to"],
        mine["value"],
        mine["flag"],
        strict=True,
    ):
        flag = flag if isinstance(flag, str) else None
        found[(ind, area)] = (float("nan") if flag or value is None else float(value), flag)
        lo, hi = periods_seen.get(ind, (int(p_from), int(p_to)))
        periods_seen[ind] = (min(lo, int(p_from)), max(hi, int(p_to)))
        if flag == Flag.SUPPRESSED:
            hidden.setdefault(ind, []).append(names[area])
    missing = (float("nan"), Flag.MISSING)
    columns: dict[str, object] = {"area_code": codes, "area_name": [names[a] for a in codes]}
    values = pd.DataFrame(
        {c: [found.get((c, a), missing)[0] for a in codes] for c in comps},
        index=codes,
        dtype="float64",
    )
    polarity = inds.set_index("indicator_id")["polarity"].to_dict()
    scored = stats.levekarsindeks(values, {c: polarity.get(c) or Polarity.NONE for c in comps})
    for c in comps:
        columns[c] = values[c].to_numpy()
        columns[f"{c}_score"] = scored[f"{c}_score"].to_numpy()
        columns[f"{c}_flag"] = [
            None if not math.isnan(v) else (found.get((c, a), missing)[1] or Flag.MISSING)
            for a, v in zip(codes, values[c], strict=True)
        ]
    n = scored[[f"{c}_score" for c in comps]].notna().sum(axis=1).to_numpy()
    enough = n >= min_components(len(comps))
    columns["n_components"] = n.tolist()
    columns["index"] = [
        float(v) if ok else float("nan")
        for v, ok in zip(scored["index"].to_numpy(), enough, strict=True)
    ]
    table = pd.DataFrame(columns).sort_values(
        ["index", "area_name"], ascending=[False, True], na_position="last"
    )
    periods = {c: numbers.period(lo, hi) for c, (lo, hi) in periods_seen.items()}
    return Levekar(comps, table.reset_index(drop=True), periods, hidden)


def export_rows(
    result: Levekar,
    inds: pd.DataFrame,
    texts: Mapping[str, str],
    fetched_at: str,
    lang: str = "nb",
) -> pd.DataFrame:
    """The index and its components as rows with `export.COLUMNS`, for CSV and XLSX.

    Component rows carry the value and, in the comparison column, the score; the index rows
    carry the index as their value. Flagged components keep their symbol. `texts` holds
    `index_name`, `score` (formatted with score=) and `components` (with n= and k=).
    """
    from utfordringsbilde import export  # export imports plotly; keep this module light

    info = inds.set_index("indicator_id")
    rows: list[dict[str, object]] = []
    for _, row in result.table.iterrows():
        for c in result.components:
            ind = info.loc[c]
            score = row[f"{c}_score"]
            flag = row[f"{c}_flag"] if isinstance(row[f"{c}_flag"], str) else None
            rows.append(
                {
                    "indicator_id": c,
                    "indicator": label(ind, "name", lang),
                    "area_code": row["area_code"],
                    "area_name": row["area_name"],
                    "period": result.periods.get(c, ""),
                    "value": flag or _num(row[c]),
                    "unit": numbers.unit_name(str(ind["unit"]), lang),
                    "flag": flag or "",
                    "flag_meaning": flag_meaning(flag, lang) if flag else "",
                    "comparison": "" if pd.isna(score) else texts["score"].format(score=int(score)),
                    "source": source_label(str(ind["source"]), str(ind["source_table"]), lang=lang),
                    "fetched_at": fetched_at,
                }
            )
        rows.append(
            {
                "indicator_id": "levekarsindeks",
                "indicator": texts["index_name"],
                "area_code": row["area_code"],
                "area_name": row["area_name"],
                "period": ", ".join(sorted(set(result.periods.values()))),
                "value": _num(row["index"]),
                "unit": "1–10",
                "comparison": texts["components"].format(
                    n=int(row["n_components"]), k=len(result.components)
                ),
                "source": ", ".join(result.components),
                "fetched_at": fetched_at,
            }
        )
    return pd.DataFrame(rows).reindex(columns=export.COLUMNS)


def _num(x: object) -> float | None:
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round(f, 6)
