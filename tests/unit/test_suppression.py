"""Suppression: small counts are hidden, and no hidden count can be recovered by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from utfordringsbilde.config import Suppression
from utfordringsbilde.suppression import primary, suppress

RULES = {"x": Suppression(min_numerator=4, min_complement=4, min_denominator=10)}


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {"indicator_id": "x", "period_from": 2024, "period_to": 2024, "age_group": "all",
            "sex": "all", "flag": None, "ci_low": np.nan, "ci_high": np.nan}
    out = pd.DataFrame([{**base, **r} for r in rows])
    out["value"] = 100 * out["numerator"] / out["denominator"]
    return out


def test_primary_limits() -> None:
    f = _frame([
        {"area_code": "a", "numerator": 4, "denominator": 100},   # count too small
        {"area_code": "b", "numerator": 5, "denominator": 100},   # fine
        {"area_code": "c", "numerator": 96, "denominator": 100},  # complement too small
        {"area_code": "d", "numerator": 5, "denominator": 9},     # denominator too small
        {"area_code": "e", "numerator": 0, "denominator": 100},   # zero is a small count
    ])
    assert primary(f, RULES).tolist() == [True, False, True, True, True]


def test_single_hidden_district_gets_a_neighbour() -> None:
    f = _frame([
        {"area_code": "d1", "numerator": 2, "denominator": 100},
        {"area_code": "d2", "numerator": 50, "denominator": 400},
        {"area_code": "d3", "numerator": 30, "denominator": 300},
    ])
    out = suppress(f, RULES, {"d1": "k", "d2": "k", "d3": "k"})
    assert out["flag"].tolist() == [":", None, ":"]  # d3 is the smallest visible one
    assert out.loc[out["flag"] == ":", ["value", "numerator", "ci_low"]].isna().all().all()
    assert out["denominator"].notna().all()


def test_sex_split_cannot_reveal_the_total() -> None:
    f = _frame([
        {"area_code": "d1", "sex": "all", "numerator": 40, "denominator": 200},
        {"area_code": "d1", "sex": "male", "numerator": 3, "denominator": 100},
        {"area_code": "d1", "sex": "female", "numerator": 37, "denominator": 100},
    ])
    out = suppress(f, RULES, {"d1": "k"})
    assert out["flag"].eq(":").sum() >= 2
    assert out.loc[out["sex"] == "male", "flag"].item() == ":"


def _recoverable(raw: pd.DataFrame, out: pd.DataFrame) -> set[int]:
    """Hidden rows an attacker can compute from published totals, by repeated subtraction.

    Published: every visible numerator, each kommune total per sex (sum over districts), and
    for each district 'all' = male + female.
    """
    known = {i: raw.at[i, "numerator"] for i in out.index if out.at[i, "flag"] != ":"}
    equations: list[tuple[list[int], float]] = []
    for _, g in raw.groupby("sex"):
        equations.append((list(g.index), float(g["numerator"].sum())))
    for _, g in raw.groupby("area_code"):
        if len(g) == 3:
            total = g.index[g["sex"] == "all"][0]
            parts = list(g.index[g["sex"] != "all"])
            # all − male − female = 0
            equations.append(([total, *parts], 0.0))
    changed = True
    while changed:
        changed = False
        for members, _ in equations:
            unknown = [m for m in members if m not in known]
            if len(unknown) == 1:
                known[unknown[0]] = -1  # value irrelevant: it is now derivable
                changed = True
    return {i for i in out.index if out.at[i, "flag"] == ":" and i in known}


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 300)),
        min_size=2, max_size=8,
    ),
    with_sex=st.booleans(),
)
def test_no_hidden_count_is_recoverable(
    counts: list[tuple[int, int, int]], with_sex: bool
) -> None:
    rows = []
    for i, (m, f, extra) in enumerate(counts):
        code = f"d{i}"
        den_m, den_f = m + extra // 2 + 1, f + extra - extra // 2 + 1
        rows.append({"area_code": code, "sex": "all", "numerator": m + f,
                     "denominator": den_m + den_f})
        if with_sex:
            rows.append({"area_code": code, "sex": "male", "numerator": m, "denominator": den_m})
            rows.append({"area_code": code, "sex": "female", "numerator": f,
                         "denominator": den_f})
    raw = _frame(rows)
    out = suppress(raw, RULES, {f"d{i}": "k" for i in range(len(counts))})
    # Primary rule holds: nothing at or below the limit is shown.
    shown = out[out["flag"].isna()]
    assert (shown["numerator"] > 4).all()
    assert ((shown["denominator"] - shown["numerator"]) > 4).all()
    assert not _recoverable(raw, out)
