"""Colours and symbols for comparison verdicts: colour-blind safe, never colour alone.

Based on the Okabe–Ito palette, darkened where white text must reach 4.5:1 contrast.
Every verdict also has a symbol, so the meaning survives greyscale printing and colour blindness.
"""

from __future__ import annotations

# verdict → (background, text colour, symbol)
VERDICT_STYLE: dict[str, tuple[str, str, str]] = {
    "better": ("#00785A", "#FFFFFF", "✓"),
    "similar": ("#F3E27A", "#1A1A1A", "≈"),
    "worse": ("#B34400", "#FFFFFF", "✗"),
    "higher": ("#0068A8", "#FFFFFF", "↑"),
    "lower": ("#8FCDF0", "#1A1A1A", "↓"),
    "not_compared": ("#E6E6E6", "#1A1A1A", "·"),
    "suppressed": ("#FFFFFF", "#1A1A1A", ":"),
}

# Series colours for line charts (Okabe–Ito order, black first for the main area).
SERIES = ["#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

TEXT = "#1A1A1A"  # body text on charts
PAPER = "#FFFFFF"  # chart background
BENCHMARK = "#888888"  # a comparison line drawn behind the main series


def background(verdict: str) -> str:
    """Cell colour for a verdict."""
    return VERDICT_STYLE.get(verdict, VERDICT_STYLE["not_compared"])[0]


def foreground(verdict: str) -> str:
    """Text colour that keeps ≥ 4.5:1 contrast on the verdict's background."""
    return VERDICT_STYLE.get(verdict, VERDICT_STYLE["not_compared"])[1]


def symbol(verdict: str) -> str:
    """The symbol that carries the verdict without colour."""
    return VERDICT_STYLE.get(verdict, VERDICT_STYLE["not_compared"])[2]
