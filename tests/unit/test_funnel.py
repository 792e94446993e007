"""Funnel-plot control limits, against values worked by hand from the formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from utfordringsbilde import funnel, stats

Z95 = 1.959964
Z998 = 3.090232


def test_proportion_limits_by_hand() -> None:
    # p0 = 20 %, n = 400: sd = sqrt(0.2 · 0.8 / 400) = 0.02.
    lo, hi = funnel.limits(20.0, [400], "wilson", 100.0, 0.95)
    assert lo[0] == pytest.approx(100 * (0.2 - Z95 * 0.02), abs=1e-4)  # 16.0801
    assert hi[0] == pytest.approx(100 * (0.2 + Z95 * 0.02), abs=1e-4)  # 23.9199
    lo, hi = funnel.limits(20.0, [400], "wilson", 100.0, 0.998)
    assert lo[0] == pytest.approx(13.8195, abs=1e-3)
    assert hi[0] == pytest.approx(26.1805, abs=1e-3)


def test_proportion_limits_stay_within_0_and_100() -> None:
    lo, hi = funnel.limits(2.0, [5, 10, 20], "wilson", 100.0, 0.998)
    assert (lo >= 0).all() and (hi <= 100).all()
    assert lo[0] == 0.0


def test_rate_limits_by_hand_byar() -> None:
    # r0 = 10 per 1 000, n = 5 000 → E = 50 expected events (Byar, E ≥ 10).
    e = 50.0
    lower = e * (1 - 1 / (9 * e) - Z95 / (3 * math.sqrt(e))) ** 3
    upper = (e + 1) * (1 - 1 / (9 * (e + 1)) + Z95 / (3 * math.sqrt(e + 1))) ** 3
    lo, hi = funnel.limits(10.0, [5000], "byar", 1000.0, 0.95)
    assert lo[0] == pytest.approx(lower / 5000 * 1000, rel=1e-5)  # 7.4216
    assert hi[0] == pytest.approx(upper / 5000 * 1000, rel=1e-5)  # 13.1840
    assert lo[0] == pytest.approx(7.4216, abs=1e-3)
    assert hi[0] == pytest.approx(13.1840, abs=1e-3)


def test_rate_limits_small_counts_are_exact_poisson() -> None:
    # E = 2: the exact Poisson interval for 2 events is 0.2422–7.2247 (Garwood tables).
    lo, hi = funnel.limits(2.0, [1000], "byar", 1000.0, 0.95)
    assert lo[0] == pytest.approx(0.2422, abs=1e-3)
    assert hi[0] == pytest.approx(7.2247, abs=1e-3)


def test_position_by_hand() -> None:
    # Around 20 % with n = 400: 95 % limits 16.08–23.92, 99.8 % limits 13.82–26.18.
    pos = funnel.position(
        [20.0, 16.5, 15.0, 25.0, 27.0, 12.0, math.nan], [400] * 7, 20.0, "wilson", 100.0
    )
    assert pos.tolist() == [
        funnel.WITHIN,
        funnel.WITHIN,
        funnel.BELOW_95,
        funnel.ABOVE_95,
        funnel.ABOVE_998,
        funnel.BELOW_998,
        funnel.NO_POSITION,
    ]


@pytest.mark.parametrize("n", [30, 200, 1500])
@pytest.mark.parametrize("p0", [0.05, 0.2, 0.5, 0.9])
def test_funnel_agrees_with_wilson_verdict(n: int, p0: float) -> None:
    """Outside the 95 % funnel exactly when the district's Wilson interval excludes p0."""
    x = np.arange(n + 1, dtype=float)
    value = x / n * 100
    lo, hi = stats.wilson(x, np.full_like(x, n), 0.95, 100.0)
    excluded = (lo > p0 * 100) | (hi < p0 * 100)
    outside = funnel.position(value, np.full_like(x, n), p0 * 100, "wilson", 100.0)
    outside = outside != funnel.WITHIN
    # Values that sit on a limit (within rounding) may go either way.
    l95, h95 = funnel.limits(p0 * 100, [n], "wilson", 100.0)
    edge = np.isclose(value, l95[0], atol=1e-9) | np.isclose(value, h95[0], atol=1e-9)
    assert (excluded == outside)[~edge].all()


def test_curve_narrows_with_size() -> None:
    c = funnel.curve(20.0, 10, 5000, "wilson", 100.0)
    assert list(c.columns) == ["n", "lo_95", "hi_95", "lo_998", "hi_998"]
    width = c["hi_95"] - c["lo_95"]
    assert (width.diff().dropna() <= 1e-12).all()
    assert (c["hi_998"] >= c["hi_95"]).all() and (c["lo_998"] <= c["lo_95"]).all()


def test_supported_and_unknown_method() -> None:
    assert funnel.supported("wilson", "percent")
    assert funnel.supported("byar", "per_1000")
    assert not funnel.supported("none", "score")
    assert not funnel.supported("wilson", "count")
    with pytest.raises(ValueError, match="no funnel"):
        funnel.limits(1.0, [10], "none", 1.0)
