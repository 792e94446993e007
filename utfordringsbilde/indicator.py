"""The Indikator page's data in display form: funnel positions and the tables beside charts.

Every table here is the "table alternative" of a chart: the same numbers as text, formatted
the Norwegian way, with flagged cells as their symbol and never as a number.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from utfordringsbilde import funnel, numbers
from utfordringsbilde.config import UNIT_MULTIPLIER
from utfordringsbilde.i18n import flag_meaning, t, verdict_label
from utfordringsbilde.numbers import approximate, is_approximate
from utfordringsbilde.vocab import Flag

SEXES = ("all", "male", "female")


def _flag(f: object) -> str | None:
    return f if isinstance(f, str) else None


def with_funnel(frame: pd.DataFrame, benchmark: float, method: str, unit: str) -> pd.DataFrame:
    """`frame` (district cells) plus `position` (see funnel.position); flagged rows get none."""
    out = frame.copy()
    pos = funnel.position(
        out["value"].where(out["flag"].isna()).to_numpy(dtype=float),
        out["denominator"].to_numpy(dtype=float),
        benchmark,
        method,
        UNIT_MULTIPLIER[unit],
    )
    out["position"] = pos
    return out


def funnel_limits(frame: pd.DataFrame, benchmark: float, method: str, unit: str) -> pd.DataFrame:
    """The funnel's curve over the districts' denominators (a little beyond on each side)."""
    den = frame.loc[frame["flag"].isna(), "denominator"].dropna()
    if den.empty:
        den = frame["denominator"].dropna()
    # From near zero, so the funnel's shape shows; the chart cuts its exploding tip.
    n_min = float(den.min()) * 0.05 if len(den) else 1.0
    n_max = float(den.max()) * 1.1 if len(den) else 100.0
    return funnel.curve(benchmark, n_min, n_max, method, UNIT_MULTIPLIER[unit])


def district_table(
    frame: pd.DataFrame, unit: str, decimals: int, kommune_name: str, lang: str
) -> pd.DataFrame:
    """One row per district: value, 95 % interval, count, denominator, comparison (and the
    funnel position when `frame` has one)."""
    flags = [_flag(f) for f in frame["flag"]]
    table = pd.DataFrame(
        {
            t("areas_col", lang): frame["area_name"].tolist(),
            t("value", lang): [
                approximate(numbers.value(v, unit, decimals, lang, f), not f and is_approximate(r))
                for v, f, r in zip(frame["value"], flags, frame.itertuples(), strict=True)
            ],
            t("interval", lang): [
                "" if f else numbers.interval(a, b, decimals, lang)
                for a, b, f in zip(frame["ci_low"], frame["ci_high"], flags, strict=True)
            ],
            t("count", lang): [
                (f or "") if f == Flag.SUPPRESSED or pd.isna(x) else numbers.number(x)
                for x, f in zip(frame["numerator"], flags, strict=True)
            ],
            t("denominator", lang): [numbers.number(x) for x in frame["denominator"]],
            t("compared_with", lang) + " " + kommune_name: [
                flag_meaning(f, lang) if f else verdict_label(str(v), lang)
                for v, f in zip(frame["verdict"], flags, strict=True)
            ],
        }
    )
    if "position" in frame.columns:
        table[t("funnel_position", lang)] = [
            t(f"funnel_{p}", lang) for p in frame["position"].fillna(funnel.NO_POSITION)
        ]
    return table


def sex_table(frame: pd.DataFrame, unit: str, decimals: int, lang: str) -> pd.DataFrame:
    """Areas (rows) × sex (columns), each cell the value with its interval in brackets."""
    cols = [s for s in SEXES if s in set(frame["sex"])]
    rows = []
    for area, group in frame.groupby("area_name", sort=False):
        by_sex = group.set_index("sex")
        row: dict[str, str] = {t("areas_col", lang): str(area)}
        for s in cols:
            if s not in by_sex.index:
                row[t(f"sex_{s}", lang)] = Flag.MISSING
                continue
            r = by_sex.loc[s]
            text = numbers.value(r["value"], unit, decimals, lang, _flag(r["flag"]))
            ci = numbers.interval(r["ci_low"], r["ci_high"], decimals, lang)
            row[t(f"sex_{s}", lang)] = f"{text} ({ci})" if ci and not _flag(r["flag"]) else text
        rows.append(row)
    return pd.DataFrame(rows)


def trend_table(frame: pd.DataFrame, unit: str, decimals: int, lang: str) -> pd.DataFrame:
    """Periods (rows, oldest first) × areas (columns, in the order given), values as text."""
    frame = frame.assign(
        period=[
            numbers.period(int(a), int(b))
            for a, b in zip(frame["period_from"], frame["period_to"], strict=True)
        ],
        text=[
            numbers.value(v, unit, decimals, lang, _flag(f))
            for v, f in zip(frame["value"], frame["flag"], strict=True)
        ],
    )
    areas = list(dict.fromkeys(frame["area_name"]))
    order = list(dict.fromkeys(frame.sort_values("period_to")["period"]))
    wide = frame.pivot_table(index="period", columns="area_name", values="text", aggfunc="first")
    wide = wide.reindex(index=order, columns=areas).fillna(Flag.MISSING)
    wide.index.name = t("period_col", lang)
    wide.columns.name = None
    return wide.reset_index()


def caption(definition: str, source: str, period: str, lang: str, note: str = "") -> str:
    """The line under a chart: an optional note, then definition, source and period."""
    line = t("chart_caption", lang, definition=definition.rstrip(), source=source, period=period)
    return f"{note} {line}" if note else line


def hidden_areas(frame: pd.DataFrame, lang: str) -> str:
    """A sentence naming the districts whose value is suppressed; '' when none is."""
    names = frame.loc[frame["flag"] == Flag.SUPPRESSED, "area_name"].tolist()
    return t("hidden_areas", lang, areas=", ".join(names)) if names else ""


def area_names(frame: pd.DataFrame, names: Mapping[str, str], landet: str) -> pd.DataFrame:
    """`frame` with area_name set from `names`, and landet ('0') in the interface language."""
    out = frame.copy()
    if "area_name" not in out.columns:
        out["area_name"] = out["area_code"].map(names)
    out["area_name"] = out["area_name"].where(out["area_code"] != "0", landet)
    return out
