"""Confidence intervals, benchmark comparison, trends and composite indices.

Everything numeric here is vectorised: functions accept scalars or array-likes and
return floats for scalar input and numpy arrays otherwise, because they are applied to
millions of rows at load time. Missing data (NaN) never raises; it propagates as NaN
(or as ``NOT_COMPARED`` / ``could_not_be_calculated`` for the categorical results).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from utfordringsbilde.vocab import Direction, Polarity, Verdict

FloatArray = NDArray[np.float64]
StrArray = NDArray[np.object_]

# Fingertips trend rule: the last 5 points, tested against chi-square(1) at 99.8 %.
TREND_POINTS: Final = 5
TREND_CHI2_THRESHOLD: Final = 9.5495
# Width of a 95 % CI in standard errors (2 * 1.96), used to recover SE from the CI.
_CI95_WIDTH_IN_SE: Final = 3.92
# Two-sided 95 % critical value of the standard normal, for the baseline-vs-latest test.
Z95: Final = 1.959963984540054
# Below this many events the Byar approximation is poor, so use the exact interval.
BYAR_MIN_COUNT: Final = 10

# The verdict a trend implies: better/worse (Verdict values), neutral for polarity none.
TrendVerdict = Literal[Verdict.BETTER, Verdict.WORSE, "neutral"]


def _out(a: FloatArray) -> Any:
    """Return a numpy float for 0-d input and the array itself otherwise."""
    # a[()] unwraps a 0-d array to a scalar and is a no-op view for n-d arrays.
    return a[()]


def _alpha(level: float) -> float:
    """Return 1 - level, raising ValueError unless 0 < level < 1."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    return 1.0 - level


def z_for(level: float) -> float:
    """Return the two-sided standard normal quantile for a confidence level (0.95 -> 1.96)."""
    return float(special.ndtri(1.0 - _alpha(level) / 2.0))


@overload
def wilson(
    numerator: float, denominator: float, level: float = ..., multiplier: float = ...
) -> tuple[float, float]: ...
@overload
def wilson(
    numerator: ArrayLike, denominator: ArrayLike, level: float = ..., multiplier: float = ...
) -> tuple[FloatArray, FloatArray]: ...
def wilson(
    numerator: ArrayLike,
    denominator: ArrayLike,
    level: float = 0.95,
    multiplier: float = 100.0,
) -> tuple[Any, Any]:
    """Return the Wilson score interval for numerator/denominator, scaled by multiplier.

    NaN when denominator <= 0, numerator < 0, numerator > denominator or either is NaN.
    """
    z = z_for(level)
    x = np.asarray(numerator, dtype=np.float64)
    n = np.asarray(denominator, dtype=np.float64)
    x, n = np.broadcast_arrays(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z2n = z * z / n
        centre = (p + z2n / 2.0) / (1.0 + z2n)
        half = z / (1.0 + z2n) * np.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
        lo = centre - half
        hi = centre + half
    # The formula gives exactly 0 / 1 at the edges only in exact arithmetic; pin them
    # so that 0 events never shows a tiny negative lower bound.
    lo = np.where(x == 0, 0.0, np.clip(lo, 0.0, 1.0))
    hi = np.where(x == n, 1.0, np.clip(hi, 0.0, 1.0))
    # Comparisons with NaN are False, so NaN inputs end up invalid here too.
    valid = (n > 0) & (x >= 0) & (x <= n)
    lo = np.where(valid, lo * multiplier, np.nan)
    hi = np.where(valid, hi * multiplier, np.nan)
    return _out(lo), _out(hi)


def _exact_poisson(k: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Return the exact (Garwood) Poisson interval for counts k as arrays; NaN for k < 0."""
    alpha = _alpha(level)
    with np.errstate(invalid="ignore"):
        # chi2.ppf(q, 2k) / 2 is the gamma(k) quantile; gammaincinv is that inverse
        # and is undefined for shape 0 (NaN even for subnormal shapes, where the quantile
        # underflows to 0 anyway), so substitute 1 there and pin the result to 0.
        positive = k >= np.finfo(np.float64).tiny
        lo = np.where(positive, special.gammaincinv(np.where(positive, k, 1.0), alpha / 2), 0.0)
        hi = special.gammaincinv(k + 1.0, 1.0 - alpha / 2)
    valid = k >= 0
    return np.where(valid, lo, np.nan), np.where(valid, hi, np.nan)


@overload
def exact_poisson(count: float, level: float = ...) -> tuple[float, float]: ...
@overload
def exact_poisson(count: ArrayLike, level: float = ...) -> tuple[FloatArray, FloatArray]: ...
def exact_poisson(count: ArrayLike, level: float = 0.95) -> tuple[Any, Any]:
    """Return the exact Poisson interval for an event count, on the count scale.

    Lower bound is 0 for a count of 0; NaN for negative or NaN counts.
    """
    lo, hi = _exact_poisson(np.asarray(count, dtype=np.float64), level)
    return _out(lo), _out(hi)


@overload
def byar(
    count: float, denominator: float, level: float = ..., multiplier: float = ...
) -> tuple[float, float]: ...
@overload
def byar(
    count: ArrayLike, denominator: ArrayLike, level: float = ..., multiplier: float = ...
) -> tuple[FloatArray, FloatArray]: ...
def byar(
    count: ArrayLike,
    denominator: ArrayLike,
    level: float = 0.95,
    multiplier: float = 1000.0,
) -> tuple[Any, Any]:
    """Return a rate interval for count/denominator * multiplier.

    Uses Byar's approximation for count >= 10 and the exact Poisson interval below.
    NaN when denominator <= 0, count < 0 or either is NaN.
    """
    z = z_for(level)
    o = np.asarray(count, dtype=np.float64)
    d = np.asarray(denominator, dtype=np.float64)
    o, d = np.broadcast_arrays(o, d)
    # Both formulas are evaluated everywhere and then selected, so silence the warnings
    # Byar raises for small counts whose result is discarded anyway.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        o1 = o + 1.0
        lo_byar = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))) ** 3
        hi_byar = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * np.sqrt(o1))) ** 3
        lo = np.array(lo_byar, dtype=np.float64)
        hi = np.array(hi_byar, dtype=np.float64)
        # gammaincinv is slow, so only evaluate it where the exact interval is used.
        small = ~(o >= BYAR_MIN_COUNT)
        lo[small], hi[small] = _exact_poisson(o[small], level)
        scale = multiplier / d
    valid = (d > 0) & (o >= 0)
    lo = np.where(valid, lo * scale, np.nan)
    hi = np.where(valid, hi * scale, np.nan)
    return _out(lo), _out(hi)


def _polarity_array(polarity: object) -> StrArray:
    """Return polarity as an object array, missing values mapped to "none".

    Raises ValueError on a value that is not a Polarity.
    """
    pol = np.asarray(polarity, dtype=object)
    missing = np.asarray(pd.isna(pol)) | (pol == "")
    pol = np.where(missing, Polarity.NONE, pol)
    known = (pol == Polarity.HIGH_GOOD) | (pol == Polarity.LOW_GOOD) | (pol == Polarity.NONE)
    if not np.all(known):
        bad = sorted({str(v) for v in np.ravel(pol[~known])})
        raise ValueError(f"unknown polarity {bad}; expected one of {', '.join(Polarity)}")
    return pol


@overload
def compare(
    value: float, ci_low: float, ci_high: float, benchmark: float, polarity: str | None
) -> str: ...
@overload
def compare(
    value: ArrayLike,
    ci_low: ArrayLike,
    ci_high: ArrayLike,
    benchmark: ArrayLike,
    polarity: ArrayLike | None,
) -> StrArray: ...
def compare(
    value: ArrayLike,
    ci_low: ArrayLike,
    ci_high: ArrayLike,
    benchmark: ArrayLike,
    polarity: ArrayLike | None,
) -> Any:
    """Return the Fingertips/FHI verdict of each value against its benchmark.

    One of better, similar, worse (polarity high_good/low_good), higher, lower (polarity
    "none"; missing polarity counts as "none") or not_compared (any NaN input). Similar
    when the benchmark lies in [ci_low, ci_high] or equals the value.
    """
    v = np.asarray(value, dtype=np.float64)
    lo = np.asarray(ci_low, dtype=np.float64)
    hi = np.asarray(ci_high, dtype=np.float64)
    b = np.asarray(benchmark, dtype=np.float64)
    pol = _polarity_array(polarity)
    v, lo, hi, b, pol = np.broadcast_arrays(v, lo, hi, b, pol)
    # Tolerate swapped bounds rather than misclassify (minimum/maximum keep NaN).
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)

    missing = np.isnan(v) | np.isnan(lo) | np.isnan(hi) | np.isnan(b)
    similar = ~missing & (((lo <= b) & (b <= hi)) | (v == b))
    # Not similar means the whole CI lies on one side of the benchmark; judge by the CI
    # (as Fingertips does) so a value inconsistent with its own CI cannot flip it.
    decided = ~missing & ~similar
    above = decided & (lo > b)
    below = decided & (hi < b)

    high_good = pol == Polarity.HIGH_GOOD
    low_good = pol == Polarity.LOW_GOOD
    neutral = pol == Polarity.NONE
    out = np.full(v.shape, Verdict.NOT_COMPARED, dtype=object)
    out[similar] = Verdict.SIMILAR
    out[(above & high_good) | (below & low_good)] = Verdict.BETTER
    out[(above & low_good) | (below & high_good)] = Verdict.WORSE
    out[above & neutral] = Verdict.HIGHER
    out[below & neutral] = Verdict.LOWER
    if out.ndim == 0:
        return str(out[()])
    return out


@dataclass(frozen=True)
class TrendResult:
    """Outcome of the Fingertips trend test on one series."""

    direction: Direction
    verdict: TrendVerdict | None
    slope: float
    chi2: float
    n_points: int


def _wls_slope(t: FloatArray, y: FloatArray, w: FloatArray) -> tuple[float, float]:
    """Return the weighted least squares slope of y on t and its standard error."""
    t_bar = np.sum(w * t) / np.sum(w)
    y_bar = np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (t - t_bar) ** 2)
    slope = np.sum(w * (t - t_bar) * (y - y_bar)) / sxx
    return float(slope), float(np.sqrt(1.0 / sxx))


def _trend_verdict(direction: Direction, polarity: str) -> TrendVerdict | None:
    """Return the verdict a trend direction implies for an indicator polarity."""
    if direction not in (Direction.INCREASING, Direction.DECREASING):
        return None
    if polarity == Polarity.NONE:
        return "neutral"
    good = (direction == Direction.INCREASING) == (polarity == Polarity.HIGH_GOOD)
    return Verdict.BETTER if good else Verdict.WORSE


def trend(
    values: ArrayLike,
    ci_low: ArrayLike,
    ci_high: ArrayLike,
    polarity: str | None,
) -> TrendResult:
    """Return the Fingertips trend of one time-ordered series over its last 5 valid points.

    Significant when chi-square of the weighted slope exceeds 9.5495 (99.8 %) and the slope
    keeps its sign with each point left out; SEs are recovered from 95 % CIs.
    """
    pol = str(_polarity_array(polarity)[()])
    y_all = np.asarray(values, dtype=np.float64).ravel()
    lo_all = np.asarray(ci_low, dtype=np.float64).ravel()
    hi_all = np.asarray(ci_high, dtype=np.float64).ravel()
    if not y_all.shape == lo_all.shape == hi_all.shape:
        raise ValueError("values, ci_low and ci_high must have the same length")

    valid = np.isfinite(y_all) & np.isfinite(lo_all) & np.isfinite(hi_all)
    n_valid = int(np.count_nonzero(valid))
    if n_valid < TREND_POINTS:
        return TrendResult(Direction.COULD_NOT_BE_CALCULATED, None, math.nan, math.nan, n_valid)

    y = y_all[valid][-TREND_POINTS:]
    se = (hi_all[valid][-TREND_POINTS:] - lo_all[valid][-TREND_POINTS:]) / _CI95_WIDTH_IN_SE
    with np.errstate(divide="ignore", over="ignore"):
        w = 1.0 / se**2
    if np.any(se <= 0) or not np.all(np.isfinite(w)):
        # Weights 1/SE^2 would be infinite: the test is undefined, not "significant".
        return TrendResult(
            Direction.COULD_NOT_BE_CALCULATED, None, math.nan, math.nan, TREND_POINTS
        )

    t = np.arange(TREND_POINTS, dtype=np.float64)
    slope, se_slope = _wls_slope(t, y, w)
    chi2 = (slope / se_slope) ** 2

    direction: Direction = Direction.NO_CHANGE
    if chi2 > TREND_CHI2_THRESHOLD:
        sign = np.sign(slope)
        keep = np.ones(TREND_POINTS, dtype=bool)
        stable = True
        for i in range(TREND_POINTS):
            keep[:] = True
            keep[i] = False
            if np.sign(_wls_slope(t[keep], y[keep], w[keep])[0]) != sign:
                stable = False
                break
        if stable:
            direction = Direction.INCREASING if slope > 0 else Direction.DECREASING

    return TrendResult(direction, _trend_verdict(direction, pol), slope, chi2, TREND_POINTS)


def levekarsindeks(components: pd.DataFrame, polarity: Mapping[str, str]) -> pd.DataFrame:
    """Return SSB-style decile scores (1-10, 10 = most problems) per component and their mean.

    Each column of `components` (rows = areas) is ranked across the areas with a non-NaN
    value, ties sharing their average rank, and scored ceil(10 * rank / n); so scores stay
    in 1..10 even with fewer than 10 areas, and equal values always get equal scores.
    A high value counts as more problems unless the component's polarity is "high_good",
    in which case the ranking is reversed; "none" is treated like "low_good".
    Output columns are `<component>_score` plus `index`, the mean of the available scores
    (NaN if an area has none); the row index is that of `components`.
    Raises KeyError if a component has no entry in `polarity`.
    """
    missing = [c for c in components.columns if c not in polarity]
    if missing:
        raise KeyError(f"no polarity given for components {missing}")

    scores: dict[str, FloatArray] = {}
    for name in components.columns:
        pol = str(_polarity_array(polarity[name])[()])
        col = pd.to_numeric(components[name], errors="coerce").astype("float64")
        ranks = col.rank(method="average", ascending=pol != Polarity.HIGH_GOOD, na_option="keep")
        n = int(col.notna().sum())
        # Ranks are (half-)integers, and a quotient that is exactly an integer is exact in
        # floating point, so ceil never nudges an area over a decile boundary.
        with np.errstate(invalid="ignore", divide="ignore"):
            scores[f"{name}_score"] = np.ceil(10.0 * ranks.to_numpy(dtype=np.float64) / n)
    result = pd.DataFrame(scores, index=components.index, dtype="float64")
    result["index"] = result.mean(axis=1, skipna=True)
    return result


@overload
def progress(baseline: float, latest: float, target: float) -> float: ...
@overload
def progress(baseline: ArrayLike, latest: ArrayLike, target: ArrayLike) -> FloatArray: ...
def progress(baseline: ArrayLike, latest: ArrayLike, target: ArrayLike) -> Any:
    """Return the % of the targeted change achieved, (latest - baseline) / (target - baseline).

    NaN when target == baseline or any input is NaN.
    """
    b = np.asarray(baseline, dtype=np.float64)
    latest_arr = np.asarray(latest, dtype=np.float64)
    gap = np.asarray(target, dtype=np.float64) - b
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(gap != 0, (latest_arr - b) / gap * 100.0, np.nan)
    return _out(pct)


def difference_z(
    value_a: float, lo_a: float, hi_a: float, value_b: float, lo_b: float, hi_b: float
) -> float:
    """z of the difference b − a of two independent estimates, SEs recovered from their 95 % CIs.

    The intervals are the indicator's own (Wilson for shares, Byar for rates), so the test fits
    its kind; NaN when an interval is missing or has no width.
    """
    se_a = (hi_a - lo_a) / _CI95_WIDTH_IN_SE
    se_b = (hi_b - lo_b) / _CI95_WIDTH_IN_SE
    se = math.hypot(se_a, se_b)
    if not (math.isfinite(se) and se > 0 and math.isfinite(value_a) and math.isfinite(value_b)):
        return math.nan
    return (value_b - value_a) / se
