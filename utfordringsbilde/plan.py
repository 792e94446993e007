"""The kommune's prevention plan as data, and the status of each evaluation indicator.

A plan file (`data/plans/<kommune>.yaml`) holds what the kommune's plan for forebygging av
omsorgssvikt og atferdsvansker (barnevernsloven § 15-1) says: strategies, goals, the indicators
it is evaluated on (`targets`) and the measures (`tiltak`). The models follow Results-Based
Accountability: a *population* target follows a catalog indicator for all children in the
kommune; a *performance* target is a measure the kommune reports about its own services (how
much / how well / is anyone better off).

`goal_status` turns one indicator's series into a Healthy People-style status (target met /
improving / little or no change / getting worse) and states the basis of the judgement, so the
evaluation page never shows a verdict without saying what it rests on.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BeforeValidator, Field, field_validator

from utfordringsbilde import stats
from utfordringsbilde.config import (
    ConfigError,
    Polarity,
    Strict,
    Text,
    Unit,
    load_catalog,
    load_yaml_model,
)
from utfordringsbilde.paths import DATA_DIR

# The eight risk factors for neglect and behaviour problems (Kvello, Imenes 2022), as in the
# catalog.
RISK_FACTOR_IDS: Final[tuple[str, ...]] = (
    "skadelig_omsorg",
    "vold_overgrep",
    "emosjonell_utilgjengelighet",
    "rus_graviditet",
    "foresatte_psykisk_rus",
    "utviklingsvansker",
    "psykososialt_miljo",
    "strukturelle_betingelser",
)

# Prevention levels in the two systems plans use: the common three levels and Tønsberg's Nivå 0–3.
LEVELS: Final[dict[str, tuple[str, ...]]] = {
    "kvello3": ("universal", "selective", "indicated"),
    "tonsberg4": ("niva_0", "niva_1", "niva_2", "niva_3"),
}
# Approximate three-level equivalent of Tønsberg's Nivå 0–3, for filtering across plans.
TONSBERG_TO_KVELLO3: Final[dict[str, str]] = {
    "niva_0": "universal",
    "niva_1": "selective",
    "niva_2": "indicated",
    "niva_3": "indicated",
}

GoalLevel = Literal["main", "sub"]
Kind = Literal["population", "performance"]
Rba = Literal["how_much", "how_well", "better_off"]
Scope = Literal["kommune", "each_district"]
Comparison = Literal["value", "range", "interval", "relative_to_landet"]
Level = Literal["universal", "selective", "indicated", "niva_0", "niva_1", "niva_2", "niva_3"]
LevelSystem = Literal["kvello3", "tonsberg4"]
MeasureStatus = Literal["planned", "ongoing", "implemented", "ended", "unknown"]
# Fields of a measure that may be our reading of the plan rather than its words (see `mapped`).
MAPPABLE_FIELDS: Final = (
    "strategy",
    "goals",
    "prevention_level",
    "risk_factors",
    "responsible",
    "status",
)

Loc = tuple[int | str, ...]


def _text_or_str(value: Any) -> Any:
    """Let a YAML author write `name: Organisering` for `name: {nb: Organisering}`."""
    return {"nb": value} if isinstance(value, str) else value


# A Text that may be written as a plain (bokmål) string.
TextIn = Annotated[Text, BeforeValidator(_text_or_str)]


class _WithId(Strict):
    """An item others refer to by `id`, a lower-case slug that survives in URLs and tables."""

    id: str

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError("must be a lower-case slug (a-z, 0-9, _), e.g. kompetanseheving")
        return v


class Source(Strict):
    """A document the plan file was transcribed from."""

    title: str
    file: str | None = None
    url: str | None = None
    note: str | None = None


class Period(Strict):
    """The years the plan covers; `to` is empty when the plan runs until revised."""

    from_: int = Field(alias="from", ge=1990, le=2100)
    to: int | None = Field(default=None, ge=1990, le=2100)
    note: str | None = None


class Adopted(Strict):
    """When the plan was adopted (a date, or only a year) and where that is stated."""

    date: dt.date | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    by: str | None = None
    note: str

    @property
    def label(self) -> str:
        """The adoption date or year as text, '' when the source gives neither."""
        if self.date is not None:
            return self.date.isoformat()
        return str(self.year) if self.year is not None else ""


class Evaluation(Strict):
    """How often and by whom the plan is evaluated (or its status reported)."""

    cycle_years: int | None = Field(default=None, ge=1, le=12)
    forum: str | None = None
    description: TextIn


class Revision(Strict):
    cycle_years: int | None = Field(default=None, ge=1, le=12)
    note: str | None = None


class Strategy(_WithId):
    """A strategy or focus area (innsatsområde) the measures are grouped under."""

    name: TextIn
    description: TextIn | None = None
    source_ref: str | None = None


class Goal(_WithId):
    """A goal: a main goal (hovedmål) or a sub-goal (delmål), with the plan's own words."""

    level: GoalLevel
    text: TextIn
    strategies: list[str] = Field(default_factory=list)
    parent: str | None = None
    source: str | None = None  # who set the goal: staten, kommuneplanen, this plan ...
    source_ref: str | None = None
    note: str | None = None


class Baseline(Strict):
    """The starting point: the data year, and the plan's own figure when it states one."""

    period: int | None = Field(default=None, ge=1990, le=2100)
    value: float | None = None
    # A count the plan states instead of a rate (e.g. "1600 barn"), comparable with numerators.
    numerator: float | None = None
    source: str | None = None
    note: str | None = None


class TargetValue(Strict):
    value: float
    year: int | None = Field(default=None, ge=1990, le=2100)
    note: str | None = None


class Range(Strict):
    low: float
    high: float


class Target(_WithId):
    """An evaluation indicator of a goal: a catalog indicator or the kommune's own measure."""

    kind: Kind
    goal: str
    indicator: str | None = None  # population: catalog id
    name: TextIn | None = None  # performance: the measure's name
    unit: Unit | None = None  # performance
    rba: Rba | None = None  # performance: how much / how well / is anyone better off
    polarity: Polarity | None = None  # performance (population takes the catalog's)
    baseline: Baseline | None = None
    target: TargetValue | None = None
    quantified: bool = True
    target_is_demo: bool = False
    scope: Scope = "kommune"
    comparison: Comparison = "value"
    range: Range | None = None
    note: str | None = None

    @property
    def has_number(self) -> bool:
        """True when the plan sets a number to reach (a target value or a range)."""
        return self.target is not None or self.range is not None

    def resolved_polarity(self) -> str:
        """The good direction: the catalog's for a population target, its own otherwise."""
        if self.kind == "population" and self.indicator is not None:
            return load_catalog().get(self.indicator).polarity
        return self.polarity or "none"


class Tiltak(_WithId):
    """A measure (tiltak): what the kommune does, at which prevention level, by whom."""

    name: TextIn
    description: TextIn | None = None
    strategy: str | None = None
    goals: list[str] = Field(default_factory=list)
    prevention_level: list[Level] = Field(default_factory=list)
    level_system: LevelSystem = "kvello3"
    risk_factors: list[str] = Field(default_factory=list)
    responsible: str | None = None
    status: MeasureStatus = "unknown"
    priority: bool = False  # the plan marks it as prioritised
    start: dt.date | int | None = None
    end: dt.date | int | None = None
    source_ref: str
    # Fields that are our reading of the plan, not its words (shown as "tolkning" on the page).
    mapped: list[str] = Field(default_factory=list)
    note: str | None = None

    @property
    def levels_kvello3(self) -> list[str]:
        """The levels on the common three-level scale (Tønsberg's Nivå mapped approximately)."""
        if self.level_system == "kvello3":
            return list(self.prevention_level)
        return sorted(
            {TONSBERG_TO_KVELLO3[lv] for lv in self.prevention_level}, key=LEVELS["kvello3"].index
        )


class Plan(Strict):
    """One kommune's plan (`data/plans/<kommune>.yaml`)."""

    kommune: str
    name: TextIn
    short_name: str
    document_type: str | None = None
    sources: list[Source] = Field(default_factory=list)
    period: Period
    adopted: Adopted
    legal_basis: str
    responsible: str | None = None
    evaluation: Evaluation
    revision: Revision = Field(default_factory=Revision)
    risk_factors: list[str] = Field(default_factory=list)
    risk_factors_note: str | None = None
    strategies: list[Strategy] = Field(min_length=1)
    goals: list[Goal] = Field(min_length=1)
    targets: list[Target] = Field(default_factory=list)
    tiltak: list[Tiltak] = Field(default_factory=list)
    note: str | None = None

    @field_validator("kommune")
    @classmethod
    def _four_digits(cls, v: str) -> str:
        if not (len(v) == 4 and v.isdigit()):
            raise ValueError("must be a 4-digit kommune number as a string, e.g. '3301'")
        return v

    # ------------------------------------------------------------------ look-ups for the page
    def strategy(self, strategy_id: str) -> Strategy:
        """The strategy with this id; KeyError when there is none."""
        for s in self.strategies:
            if s.id == strategy_id:
                return s
        raise KeyError(strategy_id)

    def goal(self, goal_id: str) -> Goal:
        """The goal with this id; KeyError when there is none."""
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise KeyError(goal_id)

    def targets_for(self, goal_id: str) -> list[Target]:
        """The evaluation indicators attached to one goal, in file order."""
        return [t for t in self.targets if t.goal == goal_id]

    def subgoals(self, goal_id: str) -> list[Goal]:
        """The sub-goals whose parent is this goal."""
        return [g for g in self.goals if g.parent == goal_id]

    def tiltak_for(self, strategy_id: str) -> list[Tiltak]:
        """The measures under one strategy, in file order."""
        return [m for m in self.tiltak if m.strategy == strategy_id]

    @property
    def indicator_ids(self) -> list[str]:
        """Catalog indicators the plan is evaluated on, each once, in file order."""
        return list(dict.fromkeys(t.indicator for t in self.targets if t.indicator))

    # ------------------------------------------------------------------ cross-references
    def references(self) -> list[tuple[Loc, str]]:
        """Checks a field validator cannot make: ids, references, catalog ids, target rules."""
        catalog = load_catalog()
        indicators = {ind.id: ind for ind in catalog.indicators}
        risk_ids = set(RISK_FACTOR_IDS)
        problems: list[tuple[Loc, str]] = []

        def unique(items: Sequence[Strategy | Goal | Target | Tiltak], key: str) -> set[str]:
            seen: set[str] = set()
            for i, item in enumerate(items):
                if item.id in seen:
                    problems.append(((key, i, "id"), f"id {item.id!r} is used twice"))
                seen.add(item.id)
            return seen

        strategy_ids = unique(self.strategies, "strategies")
        goal_ids = unique(self.goals, "goals")
        unique(self.targets, "targets")
        unique(self.tiltak, "tiltak")
        goal_level = {g.id: g.level for g in self.goals}
        if self.period.to is not None and self.period.to < self.period.from_:
            problems.append((("period", "to"), "the plan ends before it starts"))

        for j, rf in enumerate(self.risk_factors):
            if rf not in risk_ids:
                problems.append((("risk_factors", j), _unknown("risk factor", rf, risk_ids)))

        for i, g in enumerate(self.goals):
            for j, s in enumerate(g.strategies):
                if s not in strategy_ids:
                    problems.append(
                        (("goals", i, "strategies", j), _unknown("strategy", s, strategy_ids))
                    )
            if g.parent is not None:
                if g.parent not in goal_ids:
                    problems.append((("goals", i, "parent"), _unknown("goal", g.parent, goal_ids)))
                elif g.parent == g.id:
                    problems.append((("goals", i, "parent"), "a goal cannot be its own parent"))
                elif goal_level[g.parent] != "main":
                    problems.append(
                        (("goals", i, "parent"), f"parent {g.parent!r} is not a main goal")
                    )
                if g.level != "sub":
                    problems.append((("goals", i, "level"), "a goal with a parent must be 'sub'"))

        for i, t in enumerate(self.targets):
            problems.extend(
                (
                    (("targets", i, *loc), msg)
                    for loc, msg in _target_problems(t, goal_ids, indicators)
                )
            )

        for i, m in enumerate(self.tiltak):
            where: Loc = ("tiltak", i)
            if m.strategy is not None and m.strategy not in strategy_ids:
                problems.append(
                    ((*where, "strategy"), _unknown("strategy", m.strategy, strategy_ids))
                )
            for j, gid in enumerate(m.goals):
                if gid not in goal_ids:
                    problems.append(((*where, "goals", j), _unknown("goal", gid, goal_ids)))
            allowed = LEVELS[m.level_system]
            for j, lv in enumerate(m.prevention_level):
                if lv not in allowed:
                    problems.append(
                        (
                            (*where, "prevention_level", j),
                            f"{lv!r} is not a level of level_system {m.level_system!r}"
                            f" (use one of {', '.join(allowed)})",
                        )
                    )
            for j, rf in enumerate(m.risk_factors):
                if rf not in risk_ids:
                    problems.append(
                        ((*where, "risk_factors", j), _unknown("risk factor", rf, risk_ids))
                    )
            for j, name in enumerate(m.mapped):
                if name not in MAPPABLE_FIELDS:
                    problems.append(
                        (
                            (*where, "mapped", j),
                            f"{name!r} is not a field that can be mapped"
                            f" (use one of {', '.join(MAPPABLE_FIELDS)})",
                        )
                    )
            if (
                _year(m.start) is not None
                and _year(m.end) is not None
                and (_as_date(m.end) < _as_date(m.start))
            ):
                problems.append(((*where, "end"), "end is before start"))
        return problems


def _unknown(what: str, value: str, known: set[str]) -> str:
    """Message for a reference to an id that does not exist, listing the ids that do."""
    return f"unknown {what} {value!r} (known: {', '.join(sorted(known)) or 'none'})"


def _year(value: dt.date | int | None) -> int | None:
    """The year of a date or a bare year."""
    return value.year if isinstance(value, dt.date) else value


def _as_date(value: dt.date | int | None) -> dt.date:
    """A bare year as 1 January of that year, for ordering start and end."""
    if isinstance(value, dt.date):
        return value
    return dt.date(value or 1, 1, 1)


def _target_problems(
    t: Target, goal_ids: set[str], indicators: dict[str, Any]
) -> list[tuple[Loc, str]]:
    """The rules one evaluation indicator must follow, each with the field it concerns."""
    out: list[tuple[Loc, str]] = []
    if t.goal not in goal_ids:
        out.append((("goal",), _unknown("goal", t.goal, goal_ids)))
    if t.kind == "population":
        if t.indicator is None:
            out.append((("indicator",), "a population target needs `indicator` (a catalog id)"))
        elif t.indicator not in indicators:
            out.append(
                (("indicator",), f"unknown indicator {t.indicator!r}: not in data/indicators.yaml")
            )
        elif t.scope == "each_district" and not indicators[t.indicator].district_level:
            out.append(
                (
                    ("scope",),
                    f"indicator {t.indicator!r} has no district figures (district_level:"
                    " false); use scope: kommune",
                )
            )
        for name in ("unit", "rba", "polarity"):
            if getattr(t, name) is not None:
                out.append(((name,), f"`{name}` comes from the catalog for a population target"))
    else:
        if t.indicator is not None:
            out.append(
                (
                    ("indicator",),
                    "a performance target is the kommune's own measure; use kind:"
                    " population for a catalog indicator",
                )
            )
        for name in ("name", "unit", "rba", "polarity"):
            if getattr(t, name) is None:
                out.append(((name,), f"a performance target needs `{name}`"))
    if t.quantified and not t.has_number:
        out.append(
            (
                ("quantified",),
                "no target value: write `target: null` and `quantified: false` (ikke tallfestet)",
            )
        )
    if not t.quantified and t.has_number:
        out.append(
            (("quantified",), "quantified: false, but a target value is given; remove one of them")
        )
    if t.target_is_demo and not t.has_number:
        out.append((("target_is_demo",), "target_is_demo without a target value"))
    if t.comparison == "range" and t.range is None:
        out.append((("range",), "comparison: range needs range {low, high}"))
    if t.range is not None:
        if t.comparison != "range":
            out.append((("comparison",), "a range is given, so comparison must be 'range'"))
        if t.range.low > t.range.high:
            out.append((("range",), "range low is above high"))
    return out


def load_plan(path: Path) -> Plan:
    """One plan file, validated; a ConfigError names file, line and field of every problem."""
    plan = load_yaml_model(path, Plan)
    if path.stem != plan.kommune:
        raise ConfigError(path, [(None, "kommune", f"file name must be {plan.kommune}.yaml")])
    return plan


@cache
def load_plans(folder: Path = DATA_DIR / "plans") -> dict[str, Plan]:
    """Every plan file in `folder`, keyed by kommune number; cached per folder."""
    return {p.kommune: p for p in (load_plan(path) for path in sorted(folder.glob("*.yaml")))}


# ====================================================================== goal status
TARGET_MET: Final = "target_met"
IMPROVING: Final = "improving"
LITTLE_OR_NO_CHANGE: Final = "little_or_no_change"
GETTING_WORSE: Final = "getting_worse"
TOO_FEW_POINTS: Final = "too_few_points"
NO_DATA: Final = "no_data"
Category = Literal[
    "target_met", "improving", "little_or_no_change", "getting_worse", "too_few_points", "no_data"
]
CATEGORIES: Final = (
    TARGET_MET,
    IMPROVING,
    LITTLE_OR_NO_CHANGE,
    GETTING_WORSE,
    TOO_FEW_POINTS,
    NO_DATA,
)
# Without intervals, a change smaller than this share of the baseline counts as no change.
DIRECTION_TOLERANCE: Final = 0.02


@dataclass(frozen=True)
class Status:
    """How one evaluation indicator stands against its goal, and what that judgement rests on.

    `basis` holds baseline, latest, target (with periods), polarity, direction, test and a one-line
    English `text`; `pct_of_target` is (latest − baseline) / (target − baseline) × 100.
    """

    category: Category
    basis: dict[str, Any] = field(hash=False)
    pct_of_target: float | None = None


def _num(x: object) -> float:
    """A float, NaN for None or anything that is not a number."""
    try:
        return float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _fmt(x: float | None) -> str:
    """A number for the basis text: up to three significant decimals, '–' when missing."""
    return "–" if x is None or not math.isfinite(x) else f"{x:.4g}"


def _overlap(a_lo: float, a_hi: float, b_lo: float, b_hi: float) -> bool:
    """True when two intervals share at least one point."""
    return a_lo <= b_hi and b_lo <= a_hi


def goal_status(
    values: Sequence[float | None],
    ci_low: Sequence[float | None] | None,
    ci_high: Sequence[float | None] | None,
    baseline: float | None,
    target: float | None,
    polarity: str | None,
    periods: Sequence[object] | None = None,
    *,
    baseline_period: object | None = None,
) -> Status:
    """Status of one indicator series (oldest first) against its baseline and target.

    The baseline is `baseline` when given (a figure the plan states), else the series point at
    `baseline_period`, else the first point; tests use the points from `baseline_period` on
    (all points when it is not in `periods`). Rules, in order: no points → no_data; latest
    reaches the target in the good direction → target_met; < 2 points (a stated baseline counts
    as one) → too_few_points; ≥ 5 points with intervals → Fingertips trend test; fewer points
    with intervals → latest vs baseline intervals (or latest interval vs a stated baseline
    figure); no intervals → direction only, beyond ±2 % of the baseline. Polarity "none" takes
    its good direction from the target, if there is one.
    """
    pol = polarity or stats.NO_POLARITY
    if pol not in stats.POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; expected one of {stats.POLARITIES}")
    n_all = len(values)
    lo_in = list(ci_low) if ci_low is not None else [None] * n_all
    hi_in = list(ci_high) if ci_high is not None else [None] * n_all
    per_in = list(periods) if periods is not None else list(range(n_all))
    if not len(lo_in) == len(hi_in) == len(per_in) == n_all:
        raise ValueError("values, ci_low, ci_high and periods must have the same length")

    keep = [i for i in range(n_all) if math.isfinite(_num(values[i]))]
    y = [_num(values[i]) for i in keep]
    lo = [_num(lo_in[i]) for i in keep]
    hi = [_num(hi_in[i]) for i in keep]
    per = [per_in[i] for i in keep]
    target_f = _num(target) if target is not None and math.isfinite(_num(target)) else None

    basis: dict[str, Any] = {
        "baseline": None,
        "baseline_period": None,
        "latest": None,
        "latest_period": None,
        "target": target_f,
        "polarity": pol,
        "direction": None,
        "test": None,
        "n_points": len(y),
    }
    if not y:
        basis["test"] = "no values in the series"
        return _status(NO_DATA, basis, None)

    # Judge change from the baseline period on: earlier points are history, not the plan's.
    if baseline_period is not None and baseline_period in per:
        start = per.index(baseline_period)
        y, lo, hi, per = y[start:], lo[start:], hi[start:], per[start:]
        basis["n_points"] = len(y)
    # The baseline: a figure the plan states (no interval of ours), else the first point kept.
    fixed = baseline is not None and math.isfinite(_num(baseline))
    b_idx: int | None = None if fixed else 0
    base = _num(baseline) if fixed else y[0]
    b_period = baseline_period if fixed else per[0]
    latest, l_period = y[-1], per[-1]
    basis.update(baseline=base, baseline_period=b_period, latest=latest, latest_period=l_period)

    pct = None
    if target_f is not None and target_f != base:
        pct = float(stats.progress(base, latest, target_f))

    # The good direction: from the polarity, or for polarity "none" from the target.
    good = pol
    if pol == stats.NO_POLARITY and target_f is not None and target_f != base:
        good = stats.HIGH_GOOD if target_f > base else stats.LOW_GOOD
        basis["good_direction_from"] = "target"

    if target_f is not None and good != stats.NO_POLARITY:
        met = latest >= target_f if good == stats.HIGH_GOOD else latest <= target_f
        if met:
            basis["direction"] = _direction(latest - base)
            basis["test"] = (
                f"latest {_fmt(latest)} reaches the target {_fmt(target_f)}"
                f" ({'higher' if good == stats.HIGH_GOOD else 'lower'} is better)"
            )
            return _status(TARGET_MET, basis, pct)

    # A baseline figure the plan states counts as a point of its own, unless it is for the
    # latest period (then there is nothing after it to compare).
    too_few = l_period == baseline_period if fixed else len(y) < 2
    if too_few:
        basis["test"] = (
            f"{len(y)} point(s) in the series; at least 2 are needed to judge change"
            if len(y) < 2 and not fixed
            else "the latest point is the baseline itself"
        )
        return _status(TOO_FEW_POINTS, basis, pct)

    sign, test = _change(y, lo, hi, base, b_idx, pol)
    basis["direction"] = {1: stats.INCREASING, -1: stats.DECREASING, 0: stats.NO_CHANGE}[sign]
    basis["test"] = test
    if good == stats.NO_POLARITY:
        basis["test"] = (
            f"{test}; no good direction is defined for this indicator (polarity"
            " none) and no target gives one, so the change is not judged"
        )
        return _status(LITTLE_OR_NO_CHANGE, basis, pct)
    if sign == 0:
        return _status(LITTLE_OR_NO_CHANGE, basis, pct)
    better = (sign > 0) == (good == stats.HIGH_GOOD)
    return _status(IMPROVING if better else GETTING_WORSE, basis, pct)


def _direction(delta: float) -> str:
    """Increasing, decreasing or no_change for a difference."""
    return stats.INCREASING if delta > 0 else stats.DECREASING if delta < 0 else stats.NO_CHANGE


def _change(
    y: list[float], lo: list[float], hi: list[float], base: float, b_idx: int | None, pol: str
) -> tuple[int, str]:
    """Sign of a significant (or, without intervals, material) change, and the test used."""
    has_ci = [math.isfinite(a) and math.isfinite(b) and b >= a for a, b in zip(lo, hi, strict=True)]
    if sum(has_ci) >= stats.TREND_POINTS:
        tr = stats.trend(y, lo, hi, pol)
        if tr.direction != stats.COULD_NOT_BE_CALCULATED:
            thr = stats.TREND_CHI2_THRESHOLD
            if tr.direction == stats.NO_CHANGE:
                why = (
                    f"χ²={tr.chi2:.2f} > {thr:.2f} but the slope changes sign when one point"
                    " is left out"
                    if tr.chi2 > thr
                    else f"χ²={tr.chi2:.2f} ≤ {thr:.2f}"
                )
            else:
                why = f"χ²={tr.chi2:.2f} > {thr:.2f}"
            sign = {stats.INCREASING: 1, stats.DECREASING: -1}.get(tr.direction, 0)
            return sign, f"Fingertips trend test on the last {tr.n_points} points: {why}"
    if has_ci[-1]:
        l_lo, l_hi = lo[-1], hi[-1]
        if b_idx is not None and has_ci[b_idx]:
            if _overlap(lo[b_idx], hi[b_idx], l_lo, l_hi):
                return 0, "latest vs baseline 95 % intervals overlap"
            sign = 1 if y[-1] > y[b_idx] else -1
            return sign, "latest vs baseline 95 % intervals don't overlap"
        if b_idx is None:
            if l_lo <= base <= l_hi:
                return 0, "the baseline figure lies inside the latest 95 % interval"
            return (
                (1 if y[-1] > base else -1),
                "the baseline figure lies outside the latest 95 % interval",
            )
    delta = y[-1] - base
    tol = DIRECTION_TOLERANCE * abs(base)
    test = (
        f"direction only, not significance-tested (change {_fmt(delta)}, tolerance ±2 % of"
        f" baseline = {_fmt(tol)})"
    )
    if abs(delta) <= tol:
        return 0, test
    return (1 if delta > 0 else -1), test


def _status(category: Category, basis: dict[str, Any], pct: float | None) -> Status:
    """Finish the basis with a one-line text and build the Status."""
    parts = [
        f"baseline {_fmt(basis['baseline'])}"
        + (f" ({basis['baseline_period']})" if basis["baseline_period"] is not None else ""),
        f"latest {_fmt(basis['latest'])}"
        + (f" ({basis['latest_period']})" if basis["latest_period"] is not None else ""),
        f"target {_fmt(basis['target'])}" if basis["target"] is not None else "no target",
    ]
    if basis["direction"]:
        parts.append(f"direction {basis['direction']}")
    if pct is not None and math.isfinite(pct):
        parts.append(f"{pct:.0f} % of the targeted change achieved")
    basis["text"] = (
        f"{category}: "
        + "; ".join(parts)
        + (f". Basis: {basis['test']}." if basis["test"] else ".")
    )
    return Status(category, basis, pct if pct is not None and math.isfinite(pct) else None)
