"""`numbers.number` gives exactly babel's `format_decimal` strings, from its remembered patterns."""

from __future__ import annotations

import numpy as np
from babel.numbers import format_decimal

from utfordringsbilde import numbers
from utfordringsbilde.i18n import number_locale


def _babel(x: float | int, decimals: int, lang: str) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(x, format=pattern, locale=number_locale(lang))


def test_number_is_babels_string_for_many_values() -> None:
    rng = np.random.default_rng(16)
    floats = np.concatenate(
        [
            rng.normal(0, 1, 3000),
            rng.lognormal(3, 3, 3000),
            -rng.lognormal(3, 3, 1000),
            # Halves and near-halves, where rounding rules differ.
            np.round(rng.uniform(-100, 100, 2000), 3) + 0.0005,
            np.arange(-50, 50) / 8,
            [0.0, -0.0, 0.05, 0.15, 0.25, 2.675, 1e-9, 1e15, 123456789.125],
        ]
    )
    values: list[float | int] = [*floats.tolist(), *floats[:500]]  # Python and numpy floats
    values += [int(v) for v in rng.integers(-(10**9), 10**9, 1000)]
    values += [np.int64(v) for v in rng.integers(-(10**6), 10**6, 200)]  # type: ignore[misc]
    checked = 0
    for lang in ("nb", "nn", "en", "xx"):
        for decimals in (0, 1, 2, 3):
            for x in values:
                assert numbers.number(x, decimals, lang) == _babel(x, decimals, lang), (x, decimals)
                checked += 1
    assert checked > 100_000


def test_one_and_one_point_zero_are_kept_apart() -> None:
    # Remembered by type too: an int and an equal float each give babel's own string.
    assert numbers.number(1, 2) == _babel(1, 2, "nb")
    assert numbers.number(1.0, 2) == _babel(1.0, 2, "nb")


def test_missing_is_empty() -> None:
    assert numbers.number(None) == ""
    assert numbers.number(float("nan")) == ""
