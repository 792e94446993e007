"""The kommune's prevention plan as data, and the status of each evaluation indicator.

A plan file (`data/plans/<kommune>.yaml`) holds what the kommune's plan for forebygging av
omsorgssvikt og atferdsvansker (barnevernsloven § 15-1) says: strategies, goals, the indicators
it is evaluated on (`targets`) and the measures (`tiltak`). The models follow Results-Based
Accountability: a *population* target follows a catalog indicator for all children in the
kommune; a *performance* target is a measure the kommune reports about its own services (how
much / how well / is anyone better off).

`goal_status` turns one indicator's series into a Healthy People-style status (target met /
improving / little or no change / getting worse / not tested), measured from the plan's
baseline, and returns the basis of the judgement as data (`Basis`), so the evaluation page never
shows a verdict without saying what it rests on. The method is written down in docs/status.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BeforeValidator, Field, field_validator

from utfordringsbilde import stats
from utfordringsbilde.config import (
    ConfigError,
    Strict,
    Text,
    Unit,
    load_catalog,
    load_yaml_model,
)
from utfordringsbilde.paths import DATA_DIR
from utfordringsbilde.vocab import Direction, PlanStatus, Polarity, RiskFactor, TestKind

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

    def resolved_polarity(self) -> Polarity:
        """The good direction: the catalog's for a population target, its own otherwise."""
        if self.kind == "population" and self.indicator is not None:
            return load_catalog().get(self.indicator).polarity
        return self.polarity or Polarity.NONE


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
    document_type: TextIn | None = None  # what kind of document the plan is, per language
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

    # ------------------------------------------------------------------ cross-references
    def references(self) -> list[tuple[Loc, str]]:
        """Checks a field validator cannot make: ids, references, catalog ids, target rules."""
        indicators = {ind.id: ind for ind in load_catalog().indicators}
        risk_ids: set[str] = set(RiskFactor)
        problems: list[tuple[Loc, str]] = []
        strategy_ids = _unique(self.strategies, "strategies", problems)
        goal_ids = _unique(self.goals, "goals", problems)
        _unique(self.targets, "targets", problems)
        _unique(self.tiltak, "tiltak", problems)
        if self.period.to is not None and self.period.to < self.period.from_:
            problems.append((("period", "to"), "the plan ends before it starts"))
        for j, rf in enumerate(self.risk_factors):
            if rf not in risk_ids:
                problems.append((("risk_factors", j), _unknown("risk factor", rf, risk_ids)))
        goal_level = {g.id: g.level for g in self.goals}
        for i, g in enumerate(self.goals):
            problems.extend(
                (("goals", i, *loc), msg)
                for loc, msg in _goal_problems(g, strategy_ids, goal_ids, goal_level)
            )
        for i, t in enumerate(self.targets):
            problems.extend(
                (("targets", i, *loc), msg)
                for loc, msg in _target_problems(t, goal_ids, indicators)
            )
        for i, m in enumerate(self.tiltak):
            problems.extend(
                (("tiltak", i, *loc), msg)
                for loc, msg in _tiltak_problems(m, strategy_ids, goal_ids, risk_ids)
            )
        return problems


def _unique(
    items: Sequence[Strategy | Goal | Target | Tiltak], key: str, problems: list[tuple[Loc, str]]
) -> set[str]:
    """The ids of `items`; each id used twice is added to `problems`."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(((key, i, "id"), f"id {item.id!r} is used twice"))
        seen.add(item.id)
    return seen


def _goal_problems(
    g: Goal, strategy_ids: set[str], goal_ids: set[str], goal_level: Mapping[str, str]
) -> list[tuple[Loc, str]]:
    """The rules one goal must follow: known strategies, a main goal as parent."""
    out: list[tuple[Loc, str]] = [
        (("strategies", j), _unknown("strategy", s, strategy_ids))
        for j, s in enumerate(g.strategies)
        if s not in strategy_ids
    ]
    if g.parent is None:
        return out
    if g.parent not in goal_ids:
        out.append((("parent",), _unknown("goal", g.parent, goal_ids)))
    elif g.parent == g.id:
        out.append((("parent",), "a goal cannot be its own parent"))
    elif goal_level[g.parent] != "main":
        out.append((("parent",), f"parent {g.parent!r} is not a main goal"))
    if g.level != "sub":
        out.append((("level",), "a goal with a parent must be 'sub'"))
    return out


def _tiltak_problems(
    m: Tiltak, strategy_ids: set[str], goal_ids: set[str], risk_ids: set[str]
) -> list[tuple[Loc, str]]:
    """The rules one measure must follow: known ids, levels of its system, start before end."""
    out: list[tuple[Loc, str]] = []
    if m.strategy is not None and m.strategy not in strategy_ids:
        out.append((("strategy",), _unknown("strategy", m.strategy, strategy_ids)))
    out += [
        (("goals", j), _unknown("goal", gid, goal_ids))
        for j, gid in enumerate(m.goals)
        if gid not in goal_ids
    ]
    allowed = LEVELS[m.level_system]
    out += [
        (
            ("prevention_level", j),
            f"{lv!r} is not a level of level_system {m.level_system!r}"
            f" (use one of {', '.join(allowed)})",
        )
        for j, lv in enumerate(m.prevention_level)
        if lv not in allowed
    ]
    out += [
        (("risk_factors", j), _unknown("risk factor", rf, risk_ids))
        for j, rf in enumerate(m.risk_factors)
        if rf not in risk_ids
    ]
    out += [
        (
            ("mapped", j),
            f"{name!r} is not a field that can be mapped (use one of {', '.join(MAPPABLE_FIELDS)})",
        )
        for j, name in enumerate(m.mapped)
        if name not in MAPPABLE_FIELDS
    ]
    if (
        _year(m.start) is not None
        and _year(m.end) is not None
        and (_as_date(m.end) < _as_date(m.start))
    ):
        out.append((("end",), "end is before start"))
    return out


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
        out += _population_problems(t, indicators)
    else:
        out += _performance_problems(t)
    return out + _number_problems(t)


def _population_problems(t: Target, indicators: dict[str, Any]) -> list[tuple[Loc, str]]:
    """A population target names a catalog indicator and takes unit and polarity from it."""
    out: list[tuple[Loc, str]] = []
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
    return out


def _performance_problems(t: Target) -> list[tuple[Loc, str]]:
    """A performance target is the kommune's own measure, with its own name, unit and polarity."""
    out: list[tuple[Loc, str]] = []
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
    return out


def _number_problems(t: Target) -> list[tuple[Loc, str]]:
    """A target value, `quantified` and a range must agree."""
    out: list[tuple[Loc, str]] = []
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
# Without intervals, a change smaller than this share of the baseline counts as no change.
DIRECTION_TOLERANCE: Final = 0.02


@dataclass(frozen=True)
class Basis:
    """What a status rests on: the two points compared, the test, its inputs and its outcome.

    `test` names the test (docs/status.md); `z` is its statistic for DIFFERENCE,
    `latest_interval` (and `baseline_interval`) the 95 % intervals it used, `significant` its
    outcome (None when no test ran), `tolerance` the ±2 % band of the untested DIRECTION.
    """

    test: TestKind
    polarity: Polarity
    n_points: int
    target: float | None = None
    baseline: float | None = None
    baseline_period: Any = None
    baseline_from_plan: bool = False  # a figure the plan states, with no interval of ours
    latest: float | None = None
    latest_period: Any = None
    good_direction: Polarity = Polarity.NONE  # the polarity, or for "none" the target's side
    good_direction_from_target: bool = False
    direction: Direction | None = None  # of latest − baseline; None with nothing to compare
    baseline_interval: tuple[float, float] | None = None
    latest_interval: tuple[float, float] | None = None
    z: float | None = None
    significant: bool | None = None
    tolerance: float | None = None

    @property
    def change(self) -> float | None:
        """Latest minus baseline, None when either is missing."""
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline


@dataclass(frozen=True)
class Status:
    """How one evaluation indicator stands against its goal, and what that judgement rests on.

    `pct_of_target` is Healthy People's percent of targeted change achieved,
    (latest − baseline) / (target − baseline) × 100.
    """

    category: PlanStatus
    basis: Basis = field(hash=False)
    pct_of_target: float | None = None


def _num(x: object) -> float:
    """A float, NaN for None or anything that is not a number."""
    try:
        return float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _interval(lo: float, hi: float) -> tuple[float, float] | None:
    """A usable 95 % interval, None when a bound is missing or they are swapped."""
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) and hi >= lo else None


@dataclass(frozen=True)
class _Series:
    """The finite points of one series from the baseline period on, oldest first."""

    y: list[float]
    lo: list[float]
    hi: list[float]
    per: list[Any]


def _series(
    values: Sequence[float | None],
    ci_low: Sequence[float | None] | None,
    ci_high: Sequence[float | None] | None,
    periods: Sequence[object] | None,
    baseline_period: object | None,
) -> _Series:
    """Drop missing points and, when the baseline period is in the series, those before it."""
    n_all = len(values)
    lo_in = list(ci_low) if ci_low is not None else [None] * n_all
    hi_in = list(ci_high) if ci_high is not None else [None] * n_all
    per_in = list(periods) if periods is not None else list(range(n_all))
    if not len(lo_in) == len(hi_in) == len(per_in) == n_all:
        raise ValueError("values, ci_low, ci_high and periods must have the same length")
    keep = [i for i in range(n_all) if math.isfinite(_num(values[i]))]
    per = [per_in[i] for i in keep]
    # Judge change from the baseline period on: earlier points are history, not the plan's.
    start = (
        per.index(baseline_period) if baseline_period is not None and baseline_period in per else 0
    )
    keep = keep[start:]
    return _Series(
        y=[_num(values[i]) for i in keep],
        lo=[_num(lo_in[i]) for i in keep],
        hi=[_num(hi_in[i]) for i in keep],
        per=per[start:],
    )


def _good_direction(pol: Polarity, base: float, target: float | None) -> tuple[Polarity, bool]:
    """The good direction, and whether the target gave it (polarity none with a target)."""
    if pol == Polarity.NONE and target is not None and target != base:
        return (Polarity.HIGH_GOOD if target > base else Polarity.LOW_GOOD), True
    return pol, False


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
    """Status of one indicator series (oldest first), measured from the plan's baseline.

    The baseline is `baseline` when given (a figure the plan states), else the series point at
    `baseline_period`, else the first point; points before `baseline_period` are left out. In
    order: no points → no_data; latest reaches the target in the good direction → target_met;
    nothing after the baseline → too_few_points; then baseline vs latest (`_test`), and a
    significant change is improving or getting_worse by the good direction, an insignificant one
    little_or_no_change, an untested one not_tested (or little_or_no_change within ±2 % of the
    baseline). Polarity "none" takes its good direction from the target, if there is one, and
    files a change it cannot judge under little_or_no_change. The recent trend is a separate
    signal (`stats.trend`), never part of this status. See docs/status.md.
    """
    try:
        pol = Polarity(polarity or Polarity.NONE)
    except ValueError:
        raise ValueError(
            f"unknown polarity {polarity!r}; expected one of {', '.join(Polarity)}"
        ) from None
    s = _series(values, ci_low, ci_high, periods, baseline_period)
    target_f = _num(target) if target is not None and math.isfinite(_num(target)) else None
    if not s.y:
        return Status(PlanStatus.NO_DATA, Basis(TestKind.NO_DATA, pol, 0, target=target_f))

    fixed = baseline is not None and math.isfinite(_num(baseline))
    base = _num(baseline) if fixed else s.y[0]
    good, from_target = _good_direction(pol, base, target_f)
    common = Basis(
        test=TestKind.NO_DATA,
        polarity=pol,
        n_points=len(s.y),
        target=target_f,
        baseline=base,
        baseline_period=baseline_period if fixed else s.per[0],
        baseline_from_plan=fixed,
        latest=s.y[-1],
        latest_period=s.per[-1],
        good_direction=good,
        good_direction_from_target=from_target,
        direction=_direction(s.y[-1] - base),
    )
    pct = None
    if target_f is not None and target_f != base:
        pct = float(stats.progress(base, s.y[-1], target_f))
        pct = pct if math.isfinite(pct) else None

    if target_f is not None and good != Polarity.NONE:
        met = s.y[-1] >= target_f if good == Polarity.HIGH_GOOD else s.y[-1] <= target_f
        if met:
            return Status(PlanStatus.TARGET_MET, replace(common, test=TestKind.TARGET), pct)
    # A baseline figure the plan states counts as a point of its own, unless it is for the
    # latest period (then there is nothing after it to compare).
    if fixed and s.per[-1] == baseline_period:
        basis = replace(common, test=TestKind.BASELINE_IS_LATEST, direction=None)
        return Status(PlanStatus.TOO_FEW_POINTS, basis, pct)
    if not fixed and len(s.y) < 2:
        basis = replace(common, test=TestKind.TOO_FEW, direction=None)
        return Status(PlanStatus.TOO_FEW_POINTS, basis, pct)

    basis = _test(common, s)
    return Status(_category(basis), basis, pct)


def _test(common: Basis, s: _Series) -> Basis:
    """Baseline vs latest with the test the data allow, as a finished basis.

    Both points with 95 % intervals: z test of the difference (SEs from the intervals);
    a baseline figure or point without interval and a latest interval: is the baseline inside
    it; otherwise direction only, untested, with a ±2 % band for "no change".
    """
    assert common.baseline is not None and common.latest is not None
    base, latest = common.baseline, common.latest
    l_ci = _interval(s.lo[-1], s.hi[-1])
    b_ci = None if common.baseline_from_plan else _interval(s.lo[0], s.hi[0])
    if l_ci is not None and b_ci is not None:
        z = stats.difference_z(base, *b_ci, latest, *l_ci)
        if math.isfinite(z):
            return replace(
                common,
                test=TestKind.DIFFERENCE,
                baseline_interval=b_ci,
                latest_interval=l_ci,
                z=z,
                significant=abs(z) > stats.Z95,
            )
    if l_ci is not None and l_ci[1] > l_ci[0]:
        inside = l_ci[0] <= base <= l_ci[1]
        return replace(common, test=TestKind.FIGURE, latest_interval=l_ci, significant=not inside)
    tol = DIRECTION_TOLERANCE * abs(base)
    return replace(common, test=TestKind.DIRECTION, tolerance=tol)


def _category(b: Basis) -> PlanStatus:
    """The status a finished baseline-vs-latest basis stands for."""
    change = b.change or 0.0
    if b.significant is None:  # not tested: a small change is none, a larger one stays open
        tol = b.tolerance or 0.0
        return PlanStatus.LITTLE_OR_NO_CHANGE if abs(change) <= tol else PlanStatus.NOT_TESTED
    if not b.significant or change == 0 or b.good_direction == Polarity.NONE:
        return PlanStatus.LITTLE_OR_NO_CHANGE
    better = (change > 0) == (b.good_direction == Polarity.HIGH_GOOD)
    return PlanStatus.IMPROVING if better else PlanStatus.GETTING_WORSE


def _direction(delta: float) -> Direction:
    """Increasing, decreasing or no_change for a difference."""
    if delta > 0:
        return Direction.INCREASING
    return Direction.DECREASING if delta < 0 else Direction.NO_CHANGE
