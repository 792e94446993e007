"""Tests for utfordringsbilde.stats against published values and independent formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from utfordringsbilde import stats
from utfordringsbilde.stats import (
    TrendResult,
    byar,
    compare,
    exact_poisson,
    levekarsindeks,
    progress,
    trend,
    wilson,
    z_for,
)
from utfordringsbilde.vocab import Verdict

LEVELS = st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998])


# --- z_for -------------------------------------------------------------------------------


def test_z_for_known_quantiles() -> None:
    assert z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_for(0.998) == pytest.approx(3.090232, abs=1e-6)
    assert isinstance(z_for(0.95), float)


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 95.0, math.nan])
def test_z_for_rejects_invalid_level(level: float) -> None:
    with pytest.raises(ValueError):
        z_for(level)


# --- wilson ------------------------------------------------------------------------------


def test_wilson_newcombe_worked_example() -> None:
    # Newcombe RG (1998), "Two-sided confidence intervals for the single proportion:
    # comparison of seven methods", Stat Med 17:857-872, Table I: 81/263, Wilson score
    # method without continuity correction gives 0.2553 to 0.3662.
    lo, hi = wilson(81, 263)
    assert lo == pytest.approx(25.53, abs=0.005)
    assert hi == pytest.approx(36.62, abs=0.005)


def test_wilson_matches_formula_as_proportion() -> None:
    z = sps.norm.ppf(0.975)
    x, n = 81, 263
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    lo, hi = wilson(x, n, multiplier=1.0)
    assert lo == pytest.approx(centre - half, rel=1e-12)
    assert hi == pytest.approx(centre + half, rel=1e-12)


def test_wilson_zero_numerator() -> None:
    lo, hi = wilson(0, 10)
    z2 = z_for(0.95) ** 2
    assert lo == 0.0
    # With x = 0 the upper bound reduces to z^2 / (n + z^2).
    assert hi == pytest.approx(100 * z2 / (10 + z2), rel=1e-12)


def test_wilson_all_events() -> None:
    lo, hi = wilson(10, 10)
    z2 = z_for(0.95) ** 2
    assert hi == 100.0
    assert lo == pytest.approx(100 * 10 / (10 + z2), rel=1e-12)


@pytest.mark.parametrize(
    ("x", "n"), [(1, 0), (0, 0), (1, -5), (math.nan, 10), (3, math.nan), (11, 10), (-1, 10)]
)
def test_wilson_invalid_gives_nan(x: float, n: float) -> None:
    lo, hi = wilson(x, n)
    assert math.isnan(lo) and math.isnan(hi)


def test_wilson_vectorised_and_broadcast() -> None:
    lo, hi = wilson(np.array([0, 81, 5, np.nan]), np.array([10, 263, 0, 10]))
    assert isinstance(lo, np.ndarray) and lo.shape == (4,)
    assert lo[0] == 0.0
    assert lo[1] == pytest.approx(25.53, abs=0.005)
    assert np.isnan(lo[2:]).all() and np.isnan(hi[2:]).all()
    lo2, _ = wilson([1, 2, 3], 10)
    assert lo2.shape == (3,)
    single, _ = wilson(81, 263)
    assert lo2[0] == pytest.approx(wilson(1, 10)[0])
    assert isinstance(single, float)


def test_wilson_accepts_pandas_series() -> None:
    lo, hi = wilson(pd.Series([1.0, 2.0]), pd.Series([10.0, 20.0]))
    expected_lo, expected_hi = wilson(np.array([1.0, 2.0]), np.array([10.0, 20.0]))
    np.testing.assert_array_equal(lo, expected_lo)
    np.testing.assert_array_equal(hi, expected_hi)


@given(n=st.integers(1, 1_000_000), frac=st.floats(0, 1), level=LEVELS)
def test_wilson_contains_estimate_and_stays_in_range(n: int, frac: float, level: float) -> None:
    x = round(frac * n)
    lo, hi = wilson(x, n, level=level)
    p = 100.0 * x / n
    assert 0.0 <= lo <= p <= hi <= 100.0


@given(n=st.integers(1, 1_000_000), frac=st.floats(0, 1))
def test_wilson_wider_level_contains_narrower(n: int, frac: float) -> None:
    x = round(frac * n)
    lo95, hi95 = wilson(x, n, level=0.95)
    lo998, hi998 = wilson(x, n, level=0.998)
    assert lo998 <= lo95 and hi95 <= hi998


# --- exact Poisson and Byar --------------------------------------------------------------


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_exact_poisson_matches_garwood_chi2(level: float) -> None:
    # Garwood (1936): lo = chi2(alpha/2, 2k) / 2, hi = chi2(1 - alpha/2, 2k + 2) / 2.
    alpha = 1 - level
    k = np.arange(10)
    lo, hi = exact_poisson(k, level)
    expected_lo = np.where(k > 0, sps.chi2.ppf(alpha / 2, np.maximum(2 * k, 1)) / 2, 0.0)
    expected_hi = sps.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    np.testing.assert_allclose(lo, expected_lo, rtol=1e-9)
    np.testing.assert_allclose(hi, expected_hi, rtol=1e-9)
    assert lo[0] == 0.0


def test_exact_poisson_known_zero_count_upper() -> None:
    # For k = 0 the upper bound is -ln(alpha / 2): 3.689 at 95 %.
    lo, hi = exact_poisson(0, 0.95)
    assert lo == 0.0
    assert hi == pytest.approx(-math.log(0.025), rel=1e-9)


def test_exact_poisson_nan_and_negative() -> None:
    lo, hi = exact_poisson(np.array([np.nan, -1.0]))
    assert np.isnan(lo).all() and np.isnan(hi).all()


def test_byar_worked_example() -> None:
    # 100 events in 10 000 person-years, per 1000: Byar gives about 8.14 to 12.16.
    lo, hi = byar(100, 10_000)
    z = sps.norm.ppf(0.975)
    o = 100
    by_lo = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3 / 10
    by_hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3 / 10
    assert lo == pytest.approx(by_lo, rel=1e-12)
    assert hi == pytest.approx(by_hi, rel=1e-12)
    assert lo == pytest.approx(8.136, abs=0.001)
    assert hi == pytest.approx(12.163, abs=0.001)
    # Byar approximates the exact interval closely at this count.
    assert lo == pytest.approx(sps.chi2.ppf(0.025, 200) / 2 / 10, abs=0.005)
    assert hi == pytest.approx(sps.chi2.ppf(0.975, 202) / 2 / 10, abs=0.005)


def test_byar_uses_exact_below_ten() -> None:
    counts = np.arange(0, 12)
    lo, hi = byar(counts, 500.0, multiplier=1000.0)
    ex_lo, ex_hi = exact_poisson(counts)
    np.testing.assert_allclose(lo[:10], ex_lo[:10] * 2.0)
    np.testing.assert_allclose(hi[:10], ex_hi[:10] * 2.0)
    assert lo[0] == 0.0
    # From 10 events on the Byar formula is used, which differs slightly from exact.
    assert lo[10] != pytest.approx(ex_lo[10] * 2.0, rel=1e-9)
    assert lo[10] == pytest.approx(ex_lo[10] * 2.0, rel=0.02)


@pytest.mark.parametrize(
    ("count", "denominator"), [(5, 0), (5, -1), (math.nan, 100), (5, math.nan), (-2, 100)]
)
def test_byar_invalid_gives_nan(count: float, denominator: float) -> None:
    lo, hi = byar(count, denominator)
    assert math.isnan(lo) and math.isnan(hi)


def test_byar_scalar_returns_float() -> None:
    lo, hi = byar(3, 1000)
    assert isinstance(lo, float) and isinstance(hi, float)


@given(
    count=st.integers(0, 1_000_000),
    denominator=st.floats(1.0, 1e8),
    level=LEVELS,
)
def test_byar_contains_rate(count: int, denominator: float, level: float) -> None:
    lo, hi = byar(count, denominator, level=level)
    rate = count / denominator * 1000.0
    assert 0.0 <= lo <= rate <= hi


@given(count=st.floats(0, 1e6), denominator=st.floats(1.0, 1e8))
def test_byar_wider_level_contains_narrower(count: float, denominator: float) -> None:
    lo95, hi95 = byar(count, denominator, level=0.95)
    lo998, hi998 = byar(count, denominator, level=0.998)
    assert lo998 <= lo95 and hi95 <= hi998


# --- compare -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lo", "hi", "bench", "polarity", "expected"),
    [
        (12, 11, 13, 10, "high_good", Verdict.BETTER),
        (12, 11, 13, 10, "low_good", Verdict.WORSE),
        (12, 11, 13, 10, "none", Verdict.HIGHER),
        (8, 7, 9, 10, "high_good", Verdict.WORSE),
        (8, 7, 9, 10, "low_good", Verdict.BETTER),
        (8, 7, 9, 10, "none", Verdict.LOWER),
        (10.5, 9, 12, 10, "high_good", Verdict.SIMILAR),
        # Inclusive bounds.
        (11, 10, 12, 10, "high_good", Verdict.SIMILAR),
        (9, 8, 10, 10, "low_good", Verdict.SIMILAR),
        # Equal to the benchmark is never coloured, even with a degenerate CI.
        (10, 10, 10, 10, "high_good", Verdict.SIMILAR),
        (10, 10.5, 11, 10, "low_good", Verdict.SIMILAR),
    ],
)
def test_compare_rules(
    value: float, lo: float, hi: float, bench: float, polarity: str, expected: str
) -> None:
    assert compare(value, lo, hi, bench, polarity) == expected


@pytest.mark.parametrize("position", range(4))
def test_compare_nan_is_not_compared(position: int) -> None:
    value, lo, hi, bench = (
        math.nan if i == position else x for i, x in enumerate([12, 11, 13, 10])
    )
    assert compare(value, lo, hi, bench, "high_good") == Verdict.NOT_COMPARED


def test_compare_vectorised_with_polarity_array() -> None:
    value = np.array([12, 12, 12, 8, 10, np.nan])
    lo = value - 1
    hi = value + 1
    polarity = np.array(["high_good", "low_good", "none", "none", "high_good", "low_good"])
    out = compare(value, lo, hi, 10.0, polarity)
    assert isinstance(out, np.ndarray)
    assert out.tolist() == [
        Verdict.BETTER,
        Verdict.WORSE,
        Verdict.HIGHER,
        Verdict.LOWER,
        Verdict.SIMILAR,
        Verdict.NOT_COMPARED,
    ]


def test_compare_scalar_polarity_broadcasts_over_arrays() -> None:
    out = compare([12, 8], [11, 7], [13, 9], [10, 10], "low_good")
    assert out.tolist() == [Verdict.WORSE, Verdict.BETTER]


def test_compare_missing_polarity_treated_as_none() -> None:
    out = compare([12, 8], [11, 7], [13, 9], 10, pd.Series([None, np.nan], dtype=object))
    assert out.tolist() == [Verdict.HIGHER, Verdict.LOWER]


def test_compare_unknown_polarity_raises() -> None:
    with pytest.raises(ValueError, match="unknown polarity"):
        compare(1, 0, 2, 5, "bigger_is_better")


def test_compare_swapped_bounds_tolerated() -> None:
    assert compare(12, 13, 11, 10, "high_good") == Verdict.BETTER


@given(
    value=st.floats(-1e6, 1e6),
    width_lo=st.floats(0, 1e3),
    width_hi=st.floats(0, 1e3),
    bench=st.floats(-1e6, 1e6),
)
def test_compare_polarity_swaps_better_and_worse(
    value: float, width_lo: float, width_hi: float, bench: float
) -> None:
    lo, hi = value - width_lo, value + width_hi
    high = compare(value, lo, hi, bench, "high_good")
    low = compare(value, lo, hi, bench, "low_good")
    neutral = compare(value, lo, hi, bench, "none")
    swap = {
        Verdict.BETTER: Verdict.WORSE,
        Verdict.WORSE: Verdict.BETTER,
        Verdict.SIMILAR: Verdict.SIMILAR,
    }
    assert low == swap[high]
    assert (
        neutral
        == {
            Verdict.BETTER: Verdict.HIGHER,
            Verdict.WORSE: Verdict.LOWER,
            Verdict.SIMILAR: Verdict.SIMILAR,
        }[high]
    )


# --- trend -------------------------------------------------------------------------------


def _ci(values: list[float], half_width: float) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=float)
    return v - half_width, v + half_width


def test_trend_rising_series() -> None:
    values = [10.0, 12.0, 14.0, 16.0, 18.0]
    lo, hi = _ci(values, 0.5)
    result = trend(values, lo, hi, "high_good")
    assert result == TrendResult("increasing", "better", result.slope, result.chi2, 5)
    assert result.slope == pytest.approx(2.0)
    assert result.chi2 > stats.TREND_CHI2_THRESHOLD
    assert trend(values, lo, hi, "low_good").verdict == "worse"
    assert trend(values, lo, hi, "none").verdict == "neutral"


def test_trend_falling_series() -> None:
    values = [18.0, 16.5, 14.0, 12.5, 10.0]
    lo, hi = _ci(values, 0.5)
    result = trend(values, lo, hi, "low_good")
    assert (result.direction, result.verdict) == ("decreasing", "better")
    assert trend(values, lo, hi, "high_good").verdict == "worse"


def test_trend_matches_independent_weighted_fit() -> None:
    values = np.array([10.0, 11.0, 13.5, 13.0, 15.0])
    half = np.array([1.0, 0.5, 2.0, 0.8, 1.2])
    result = trend(values, values - half, values + half, "high_good")
    se = 2 * half / 3.92
    # np.polyfit takes weights 1/sigma; cov="unscaled" gives the inverse of X'WX.
    coef, cov = np.polyfit(np.arange(5.0), values, 1, w=1 / se, cov="unscaled")
    assert result.slope == pytest.approx(coef[0], rel=1e-10)
    assert result.chi2 == pytest.approx(coef[0] ** 2 / cov[0, 0], rel=1e-10)


def test_trend_flat_noisy_series() -> None:
    values = [10.0, 11.0, 9.5, 10.5, 10.0]
    lo, hi = _ci(values, 2.0)
    result = trend(values, lo, hi, "high_good")
    assert result.direction == "no_change"
    assert result.verdict is None
    assert not math.isnan(result.slope)


def test_trend_too_few_points() -> None:
    values = [10.0, 12.0, 14.0, 16.0]
    lo, hi = _ci(values, 0.5)
    result = trend(values, lo, hi, "high_good")
    assert result.direction == "could_not_be_calculated"
    assert result.verdict is None
    assert math.isnan(result.slope) and math.isnan(result.chi2)
    assert result.n_points == 4


def test_trend_skips_invalid_points_and_uses_last_five() -> None:
    # The early steep fall and the NaN point are ignored; the last 5 valid points rise.
    values = [100.0, 50.0, 0.0, 10.0, np.nan, 12.0, 14.0, 16.0, 18.0]
    lo, hi = _ci(values, 0.5)
    hi[0] = np.nan
    result = trend(values, lo, hi, "high_good")
    assert result.direction == "increasing"
    assert result.slope == pytest.approx(2.0)
    assert result.n_points == 5
    # From the NaN point on only four valid points remain.
    short = trend(values[4:], lo[4:], hi[4:], "high_good")
    assert short.direction == "could_not_be_calculated"
    assert short.n_points == 4


def test_trend_outlier_fails_leave_one_out() -> None:
    values = [10.0, 10.0, 10.0, 10.0, 30.0]
    lo, hi = _ci(values, 0.5)
    result = trend(values, lo, hi, "high_good")
    # Highly significant on all five points, but the slope vanishes without the last one.
    assert result.chi2 > stats.TREND_CHI2_THRESHOLD
    assert result.slope > 0
    assert result.direction == "no_change"
    assert result.verdict is None


def test_trend_zero_width_ci() -> None:
    values = [10.0, 12.0, 14.0, 16.0, 18.0]
    lo, hi = _ci(values, 0.5)
    lo[2] = hi[2] = values[2]
    assert trend(values, lo, hi, "high_good").direction == "could_not_be_calculated"


def test_trend_result_is_frozen() -> None:
    result = trend([1.0] * 5, [0.0] * 5, [2.0] * 5, "none")
    with pytest.raises(AttributeError):
        result.slope = 1.0  # type: ignore[misc]


# --- levekarsindeks ----------------------------------------------------------------------


def test_levekarsindeks_hand_computed() -> None:
    components = pd.DataFrame(
        {
            # low_good: higher is more problems.
            "a": [1.0, 2.0, 3.0, 4.0, np.nan],
            # high_good: reversed, ties share the average rank.
            "b": [10.0, 20.0, 20.0, 40.0, np.nan],
            # none: treated like low_good; one NaN so only 3 areas are ranked.
            "c": [5.0, np.nan, 1.0, 3.0, np.nan],
        },
        index=pd.Index(["0301", "1103", "4601", "5001", "9999"], name="kommune"),
    )
    polarity = {"a": "low_good", "b": "high_good", "c": "none"}
    result = levekarsindeks(components, polarity)

    assert list(result.columns) == ["a_score", "b_score", "c_score", "index"]
    assert result.index.equals(components.index)
    # a: ranks 1..4 of 4 -> ceil(2.5, 5, 7.5, 10)
    np.testing.assert_array_equal(result["a_score"].iloc[:4], [3, 5, 8, 10])
    # b: reversed ranks 4, 2.5, 2.5, 1 of 4 -> ceil(10, 6.25, 6.25, 2.5)
    np.testing.assert_array_equal(result["b_score"].iloc[:4], [10, 7, 7, 3])
    # c: ranks 3, -, 1, 2 of 3 -> ceil(10, -, 3.33, 6.67)
    np.testing.assert_array_equal(result["c_score"].iloc[:4], [10, np.nan, 4, 7])
    expected_index = [23 / 3, 6.0, 19 / 3, 20 / 3, np.nan]
    np.testing.assert_allclose(result["index"], expected_index)


def test_levekarsindeks_deciles_with_ten_areas() -> None:
    components = pd.DataFrame({"x": np.arange(10.0)[::-1]})
    result = levekarsindeks(components, {"x": "low_good"})
    np.testing.assert_array_equal(result["x_score"], np.arange(10.0, 0.0, -1.0))
    high = levekarsindeks(components, {"x": "high_good"})
    np.testing.assert_array_equal(high["x_score"], np.arange(1.0, 11.0))


def test_levekarsindeks_all_nan_component() -> None:
    components = pd.DataFrame({"x": [np.nan, np.nan], "y": [1.0, 2.0]})
    result = levekarsindeks(components, {"x": "low_good", "y": "low_good"})
    assert result["x_score"].isna().all()
    np.testing.assert_array_equal(result["index"], result["y_score"])


def test_levekarsindeks_missing_polarity_raises() -> None:
    with pytest.raises(KeyError):
        levekarsindeks(pd.DataFrame({"x": [1.0]}), {})


@given(
    st.lists(
        st.one_of(st.floats(-1e9, 1e9), st.just(math.nan)),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(["high_good", "low_good", "none"]),
)
def test_levekarsindeks_scores_in_range(values: list[float], polarity: str) -> None:
    result = levekarsindeks(pd.DataFrame({"x": values}), {"x": polarity})
    scores = result["x_score"]
    present = ~np.isnan(np.asarray(values))
    assert (scores.notna().to_numpy() == present).all()
    assert scores.dropna().between(1, 10).all()
    assert (scores.dropna() % 1 == 0).all()


# --- progress ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "target", "expected"),
    [
        (10, 15, 20, 50.0),
        (10, 25, 20, 150.0),
        (10, 5, 20, -50.0),
        (20, 15, 10, 50.0),
        (10, 10, 20, 0.0),
    ],
)
def test_progress(baseline: float, latest: float, target: float, expected: float) -> None:
    assert progress(baseline, latest, target) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("baseline", "latest", "target"),
    [(10, 12, 10), (math.nan, 12, 20), (10, math.nan, 20), (10, 12, math.nan)],
)
def test_progress_undefined(baseline: float, latest: float, target: float) -> None:
    assert math.isnan(progress(baseline, latest, target))


def test_progress_vectorised() -> None:
    out = progress(np.array([10.0, 10.0]), np.array([15.0, 12.0]), np.array([20.0, 10.0]))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [50.0, np.nan])


# --- difference_z ------------------------------------------------------------------------


def test_difference_z_recovers_standard_errors_from_the_intervals() -> None:
    # Intervals ±1.96 are SE 1 each, so z = (13 − 10) / √2.
    z = stats.difference_z(10.0, 8.04, 11.96, 13.0, 11.04, 14.96)
    assert z == pytest.approx(3 / math.sqrt(2))
    assert stats.difference_z(13.0, 11.04, 14.96, 10.0, 8.04, 11.96) == pytest.approx(-z)
    assert math.isnan(stats.difference_z(10.0, math.nan, 11.0, 12.0, 11.0, 13.0))
    assert math.isnan(stats.difference_z(10.0, 10.0, 10.0, 12.0, 12.0, 12.0))  # no width
