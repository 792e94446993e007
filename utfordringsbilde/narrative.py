"""Findings as short sentences, generated from the comparison and trend results.

A difference is only put into words when the test found it; a suppressed value is never
turned into words.
"""

from __future__ import annotations

import pandas as pd

from utfordringsbilde import numbers

_HIGHER = {"nb": "høyere", "nn": "høgare", "en": "higher"}
_LOWER = {"nb": "lavere", "nn": "lågare", "en": "lower"}

_TEMPLATE = {
    "nb": "{name}: {value} i {area}, signifikant {direction} enn i {bench} ({bench_value}).",
    "nn": "{name}: {value} i {area}, signifikant {direction} enn i {bench} ({bench_value}).",
    "en": "{name}: {value} in {area}, significantly {direction} than in {bench} ({bench_value}).",
}
_TREND = {
    "better": {
        "nb": " Utviklingen de siste fem periodene går i riktig retning.",
        "nn": " Utviklinga dei siste fem periodane går i rett retning.",
        "en": " The last five periods show a significant improvement.",
    },
    "worse": {
        "nb": " Utviklingen de siste fem periodene går i feil retning.",
        "nn": " Utviklinga dei siste fem periodane går i feil retning.",
        "en": " The last five periods show a significant worsening.",
    },
}

# Worse before better: a leader reads the problems first.
_RANK = {"worse": 0, "better": 1, "higher": 2, "lower": 3}


def district_findings(
    profile: pd.DataFrame,
    inds: pd.DataFrame,
    district: str,
    kommune: str,
    lang: str = "nb",
    limit: int = 5,
) -> list[str]:
    """The most important significant differences between a district and its kommune."""
    info = inds.set_index("indicator_id")
    rows = profile[profile["flag"].isna() & profile["verdict"].isin(list(_RANK))].copy()
    if rows.empty:
        return []
    rel = (rows["value"] - rows["kommune_value"]).abs() / rows["kommune_value"].abs()
    rows["_rank"] = rows["verdict"].map(_RANK)
    rows["_size"] = -rel.fillna(0)
    out = []
    for r in rows.sort_values(["_rank", "_size"]).head(limit).itertuples(index=False):
        unit = str(info.at[r.indicator_id, "unit"])
        dec = int(info.at[r.indicator_id, "decimals"])
        name = info.at[r.indicator_id, f"name_{lang}"] or info.at[r.indicator_id, "name_nb"]
        direction = (_HIGHER if r.value > r.kommune_value else _LOWER)[lang]
        text = _TEMPLATE[lang].format(
            name=name,
            value=numbers.value(r.value, unit, dec, lang),
            area=district,
            direction=direction,
            bench=kommune,
            bench_value=numbers.value(r.kommune_value, unit, dec, lang),
        )
        if r.trend_verdict in _TREND:
            text += _TREND[str(r.trend_verdict)][lang]
        out.append(text)
    return out
