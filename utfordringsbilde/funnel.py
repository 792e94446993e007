"""Funnel plots: control limits around a benchmark, for districts of unequal size.

A district of size n (the denominator) whose true value equals the benchmark would still
scatter around it by chance, more the smaller it is. The limits at 95 % and 99.8 % draw that
scatter as a funnel, so a small district is not singled out for noise (Spiegelhalter 2005).

- Proportions (ci_method "wilson"): p0 ± z·sqrt(p0(1 − p0)/n), the score test's null variance.
  A value lies outside these limits exactly when its Wilson interval excludes p0, so the funnel
  agrees with the colours the rest of the app gives (which are Wilson-based).
- Rates (ci_method "byar"): the Byar interval (exact Poisson below 10) around the expected
  count E = r0·n/multiplier, as Fingertips draws rate funnels.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from utfordringsbilde import stats
from utfordringsbilde.config import UNIT_MULTIPLIER

FloatArray = NDArray[np.float64]

LEVELS: Final = (0.95, 0.998)
METHODS: Final = ("wilson", "byar")

# Where a value lies against the funnel; ordered from the centre outwards.
WITHIN: Final = "within"
ABOVE_95: Final = "above_95"
BELOW_95: Final = "below_95"
ABOVE_998: Final = "above_998"
BELOW_998: Final = "below_998"
NO_POSITION: Final = "none"


def supported(ci_method: str, unit: str) -> bool:
    """Whether an indicator can have a funnel: a count over a denominator, as a share or rate."""
    return ci_method in METHODS and UNIT_MULTIPLIER.get(unit, 1.0) > 1.0


def limits(
    benchmark: float,
    denominator: ArrayLike,
    method: str,
    multiplier: float,
    level: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper control limits at `level` for each denominator, on the value's scale.

    NaN where the denominator is not positive or the benchmark is NaN; ValueError for an
    unknown method.
    """
    n = np.atleast_1d(np.asarray(denominator, dtype=np.float64))
    if method == "wilson":
        p0 = benchmark / multiplier
        z = stats.z_for(level)
        with np.errstate(divide="ignore", invalid="ignore"):
            half = z * np.sqrt(p0 * (1.0 - p0) / n)
        lo = np.clip(p0 - half, 0.0, 1.0) * multiplier
        hi = np.clip(p0 + half, 0.0, 1.0) * multiplier
        valid = (n > 0) & np.isfinite(p0) & (p0 >= 0) & (p0 <= 1)
        return np.where(valid, lo, np.nan), np.where(valid, hi, np.nan)
    if method == "byar":
        expected = benchmark * n / multiplier
        lo, hi = stats.byar(expected, n, level, multiplier)
        return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    raise ValueError(f"no funnel for ci_method {method!r}; expected one of {METHODS}")


def curve(
    benchmark: float,
    n_min: float,
    n_max: float,
    method: str,
    multiplier: float,
    points: int = 160,
) -> pd.DataFrame:
    """The funnel over denominators n_min..n_max: columns n, lo_95, hi_95, lo_998, hi_998.

    Points are spaced geometrically, because the limits change fastest at small n.
    """
    lo_n = max(float(n_min), 1.0)
    hi_n = max(float(n_max), lo_n * 1.01)
    n = np.geomspace(lo_n, hi_n, points)
    out = pd.DataFrame({"n": n})
    for level in LEVELS:
        tag = _tag(level)
        out[f"lo_{tag}"], out[f"hi_{tag}"] = limits(benchmark, n, method, multiplier, level)
    return out


def position(
    value: ArrayLike,
    denominator: ArrayLike,
    benchmark: float,
    method: str,
    multiplier: float,
) -> NDArray[np.object_]:
    """Where each value lies: WITHIN, ABOVE_95/BELOW_95 (outside 95 % only) or ABOVE_998/
    BELOW_998 (outside 99.8 % too); NO_POSITION when value or denominator is missing."""
    v = np.atleast_1d(np.asarray(value, dtype=np.float64))
    lo95, hi95 = limits(benchmark, denominator, method, multiplier, LEVELS[0])
    lo998, hi998 = limits(benchmark, denominator, method, multiplier, LEVELS[1])
    out = np.full(v.shape, NO_POSITION, dtype=object)
    known = np.isfinite(v) & np.isfinite(lo95) & np.isfinite(hi95)
    out[known] = WITHIN
    out[known & (v > hi95)] = ABOVE_95
    out[known & (v < lo95)] = BELOW_95
    out[known & (v > hi998)] = ABOVE_998
    out[known & (v < lo998)] = BELOW_998
    return out


def _tag(level: float) -> str:
    """The column suffix of a level: 95 for 0.95, 998 for 0.998."""
    return f"{level * 100:g}".replace(".", "")
