"""The project's shared vocabularies, each declared once; values are the strings stored and written.

Every member is a `StrEnum`, so it equals its string ("better" == Verdict.BETTER): warehouse
columns, YAML files, URL parameters and i18n keys keep working unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """Outcome of comparing a value with its benchmark (Fingertips/FHI)."""

    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    HIGHER = "higher"  # polarity none: no better or worse, only higher or lower
    LOWER = "lower"
    NOT_COMPARED = "not_compared"


class Flag(StrEnum):
    """Suppression and missing-value symbols, as SSB and FHI write them; the cell has no value."""

    SUPPRESSED = ":"
    MISSING = ".."
    NOT_APPLICABLE = "."


class Polarity(StrEnum):
    """Which direction of an indicator is good."""

    HIGH_GOOD = "high_good"
    LOW_GOOD = "low_good"
    NONE = "none"


class Direction(StrEnum):
    """Direction of a change or trend; could_not_be_calculated when the test cannot run."""

    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_CHANGE = "no_change"
    COULD_NOT_BE_CALCULATED = "could_not_be_calculated"


class PlanStatus(StrEnum):
    """Status of one evaluation indicator against its plan, as `plan.goal_status` decides it.

    NOT_TESTED: a change the data cannot test (no intervals); NOT_JUDGED: a significant change
    in an indicator with no good direction and no target (shown by `evaluation.shown_status`).
    """

    TARGET_MET = "target_met"
    IMPROVING = "improving"
    LITTLE_OR_NO_CHANGE = "little_or_no_change"
    GETTING_WORSE = "getting_worse"
    NOT_TESTED = "not_tested"
    NOT_JUDGED = "not_judged"
    TOO_FEW_POINTS = "too_few_points"
    NO_DATA = "no_data"


class TestKind(StrEnum):
    """Which test a plan status rests on (see docs/status.md)."""

    __test__ = False  # not a pytest test class, despite the name

    TARGET = "target"  # the latest point reaches the target; no test needed
    DIFFERENCE = "difference"  # baseline vs latest, z test on SEs from their 95 % intervals
    FIGURE = "figure"  # the plan's baseline figure vs the latest point's 95 % interval
    DIRECTION = "direction"  # no intervals: direction only, not tested
    TOO_FEW = "too_few"  # fewer than two points from the baseline on
    BASELINE_IS_LATEST = "baseline_is_latest"  # the plan's baseline year is the latest point
    NO_DATA = "no_data"


class RiskFactor(StrEnum):
    """The eight risk factors for neglect and behaviour problems (Kvello; Imenes 2022), in order."""

    SKADELIG_OMSORG = "skadelig_omsorg"
    VOLD_OVERGREP = "vold_overgrep"
    EMOSJONELL_UTILGJENGELIGHET = "emosjonell_utilgjengelighet"
    RUS_GRAVIDITET = "rus_graviditet"
    FORESATTE_PSYKISK_RUS = "foresatte_psykisk_rus"
    UTVIKLINGSVANSKER = "utviklingsvansker"
    PSYKOSOSIALT_MILJO = "psykososialt_miljo"
    STRUKTURELLE_BETINGELSER = "strukturelle_betingelser"
