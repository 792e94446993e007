"""Colours and symbols for comparison verdicts: colour-blind safe, never colour alone.

Based on the Okabe–Ito palette, darkened where white text must reach 4.5:1 contrast.
Every verdict also has a symbol, so the meaning survives greyscale printing and colour blindness.
"""

from __future__ import annotations

from typing import Final

from utfordringsbilde.vocab import Verdict

# verdict → (background, text colour, symbol, Plotly marker); one table for tiles, badges and
# chart markers. "suppressed" is a cell state, not a verdict: it is drawn, never compared.
SUPPRESSED: Final = "suppressed"
VERDICT_STYLE: Final[dict[str, tuple[str, str, str, str]]] = {
    Verdict.BETTER: ("#00785A", "#FFFFFF", "✓", "circle"),
    Verdict.SIMILAR: ("#F3E27A", "#1A1A1A", "≈", "diamond"),
    Verdict.WORSE: ("#B34400", "#FFFFFF", "✗", "x"),
    Verdict.HIGHER: ("#0068A8", "#FFFFFF", "↑", "triangle-up"),
    Verdict.LOWER: ("#8FCDF0", "#1A1A1A", "↓", "triangle-down"),
    Verdict.NOT_COMPARED: ("#E6E6E6", "#1A1A1A", "·", "circle-open"),
    SUPPRESSED: ("#FFFFFF", "#1A1A1A", ":", "circle-open"),
}

# Series colours for line charts (Okabe–Ito order, black first for the main area).
SERIES = ["#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

TEXT = "#1A1A1A"  # body text on charts
PAPER = "#FFFFFF"  # chart background
BENCHMARK = "#888888"  # a comparison line drawn behind the main series


def background(verdict: str) -> str:
    """Cell colour for a verdict."""
    return VERDICT_STYLE.get(verdict, VERDICT_STYLE[Verdict.NOT_COMPARED])[0]


def foreground(verdict: str) -> str:
    """Text colour that keeps ≥ 4.5:1 contrast on the verdict's background."""
    return VERDICT_STYLE.get(verdict, VERDICT_STYLE[Verdict.NOT_COMPARED])[1]


def symbol(verdict: str) -> str:
    """The symbol that carries the verdict without colour."""
    return VERDICT_STYLE.get(verdict, VERDICT_STYLE[Verdict.NOT_COMPARED])[2]


def marker(verdict: str) -> str:
    """The Plotly marker symbol for a verdict in charts (circle for anything unknown)."""
    return VERDICT_STYLE[verdict][3] if verdict in VERDICT_STYLE else "circle"
