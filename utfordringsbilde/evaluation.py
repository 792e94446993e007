"""Plan evaluation: a kommune's plan held against the warehouse, for leaders in Arena 1.

`build` turns every evaluation indicator (target) of the plan into a `TargetResult`: latest
value, baseline, target, % of the targeted change achieved and a status with its basis
(`plan.goal_status`), for the kommune and, where the warehouse has district figures, for each
district. It also finds the red flags — an area worse than its benchmark *and* significantly
getting worse (fingertipsR's "red-red") — and lays the measures (tiltak) out as risk factor ×
prevention level, so empty cells (gaps) show. No Streamlit here; texts come from `i18n`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from utfordringsbilde import numbers, palette, queries, stats
from utfordringsbilde.config import Text, load_catalog
from utfordringsbilde.i18n import t, trend_label, verdict_label
from utfordringsbilde.plan import (
    LEVELS,
    Basis,
    Goal,
    Plan,
    Status,
    Strategy,
    Target,
    Tiltak,
    goal_status,
)
from utfordringsbilde.queries import Con
from utfordringsbilde.vocab import (
    Direction,
    Flag,
    PlanStatus,
    Polarity,
    RiskFactor,
    TestKind,
    Verdict,
)

LANDET: Final = "0"
# The statuses shown on the page, in order: plan.goal_status's categories, plus NOT_JUDGED for a
# change with no good direction and no target (goal_status files it under little change).
SHOWN_ORDER: Final = tuple(PlanStatus)
# Status → (background, text colour, symbol): the verdict palette where the meaning matches
# (improving = better, getting worse = worse), so colours mean the same across pages. An
# untested change gets neither ✓ nor ✗.
STATUS_STYLE: Final[dict[str, tuple[str, str, str]]] = {
    PlanStatus.TARGET_MET: ("#004D3A", "#FFFFFF", "★"),
    PlanStatus.IMPROVING: (
        palette.background(Verdict.BETTER),
        palette.foreground(Verdict.BETTER),
        "✓",
    ),
    PlanStatus.LITTLE_OR_NO_CHANGE: (
        palette.background(Verdict.SIMILAR),
        palette.foreground(Verdict.SIMILAR),
        "≈",
    ),
    PlanStatus.GETTING_WORSE: (
        palette.background(Verdict.WORSE),
        palette.foreground(Verdict.WORSE),
        "✗",
    ),
    PlanStatus.NOT_TESTED: (palette.background(Verdict.NOT_COMPARED), "#1A1A1A", "?"),
    PlanStatus.NOT_JUDGED: (
        palette.background(Verdict.LOWER),
        palette.foreground(Verdict.LOWER),
        "↕",
    ),
    PlanStatus.TOO_FEW_POINTS: (palette.background(Verdict.NOT_COMPARED), "#1A1A1A", "·"),
    PlanStatus.NO_DATA: ("#FFFFFF", "#1A1A1A", "–"),
}
# The row for measures that name no risk factor (system-level measures such as leadership).
NO_RISK_FACTOR: Final = "_none"
# The row for general measures: those that name every risk factor. Repeating them in all eight
# rows would fill every cell and hide where the plan has nothing aimed at a risk factor.
ALL_RISK_FACTORS: Final = "_all"


@dataclass(frozen=True)
class AreaResult:
    """One target in one area (the kommune or a district): status, benchmark and trend."""

    area_code: str
    area_name: str
    level: str  # "kommune" | "district"
    status: Status
    shown: PlanStatus  # the status to show: a goal_status category or NOT_JUDGED
    latest: float | None  # newest point, even when it is suppressed (then None + flag)
    latest_period: str | None  # e.g. "2022–2024"
    latest_flag: str | None
    benchmark_name: str  # landet for the kommune, the kommune for a district
    benchmark_value: float | None  # the benchmark in the same period as `latest`
    verdict: str  # stats.compare of latest against the benchmark
    trend: stats.TrendResult  # Fingertips trend over the last 5 points
    red_flag: bool  # verdict worse and trend getting worse
    series: pd.DataFrame  # period_from, period_to, label, value, ci_low, ci_high, flag
    benchmark_series: pd.DataFrame  # the same columns for the benchmark area

    @property
    def test_key(self) -> str:
        """The test and its outcome, as a key for `t('eval_test_<key>')` and `eval_short_`."""
        return test_key(self.status.basis)


@dataclass(frozen=True)
class TargetResult:
    """One evaluation indicator of the plan, evaluated for the kommune and its districts."""

    target: Target
    name: Text  # the indicator's (or the measure's) name
    unit: str
    decimals: int
    polarity: str
    kommune: AreaResult
    districts: tuple[AreaResult, ...] = ()

    @property
    def has_data(self) -> bool:
        """True when the warehouse (or the kommune's reports) holds any value for it."""
        return not self.kommune.series["value"].dropna().empty

    @property
    def reported_by_kommune(self) -> bool:
        """A performance measure: the kommune reports it itself; no public source has it."""
        return self.target.kind == "performance"


@dataclass(frozen=True)
class RedFlag:
    """An area worse than its benchmark and significantly getting worse on one indicator."""

    target_id: str
    indicator_id: str
    name: Text
    area_code: str
    area_name: str
    level: str
    value: float
    period: str
    benchmark_name: str
    benchmark_value: float
    unit: str
    decimals: int


@dataclass(frozen=True)
class Matrix:
    """Measures by risk factor (rows) × prevention level (columns), with the gaps.

    Rows: ALL_RISK_FACTORS (general measures, when any), the 8 risk factors, then
    NO_RISK_FACTOR (when any measure names none). A risk factor's row holds only the measures
    aimed at it; a general measure counts for it too, but is listed once in its own row.
    """

    level_system: str  # "kvello3" or "tonsberg4"
    levels: tuple[str, ...]
    rows: tuple[str, ...]
    cells: dict[tuple[str, str], tuple[Tiltak, ...]]
    plan_risk_factors: frozenset[str]  # the ones the plan itself names
    without_level: tuple[Tiltak, ...]  # measures with no prevention level given

    def _specific(self) -> list[tuple[str, str]]:
        return [(rf, lv) for rf in RiskFactor for lv in self.levels]

    def gaps(self) -> list[tuple[str, str]]:
        """Risk factor × level cells with no measure at all, general ones included."""
        return [
            (rf, lv)
            for rf, lv in self._specific()
            if not self.cells.get((rf, lv)) and not self.cells.get((ALL_RISK_FACTORS, lv))
        ]

    def general_only(self) -> list[tuple[str, str]]:
        """Risk factor × level cells covered only by general measures, none aimed at it."""
        return [
            (rf, lv)
            for rf, lv in self._specific()
            if not self.cells.get((rf, lv)) and self.cells.get((ALL_RISK_FACTORS, lv))
        ]

    def lowest_level_gaps(self) -> list[str]:
        """Risk factors with no measure at the lowest (universal / Nivå 0) level."""
        return [rf for rf, lv in self.gaps() if lv == self.levels[0]]


@dataclass(frozen=True)
class Evaluation:
    """Everything the Planevaluering page shows for one kommune."""

    plan: Plan
    kommune: str
    kommune_name: str
    year: int | None
    targets: tuple[TargetResult, ...]
    red_flags: tuple[RedFlag, ...]
    matrix: Matrix
    district_names: dict[str, str] = field(default_factory=dict)

    def target(self, target_id: str) -> TargetResult:
        """The result for one target id; KeyError when the plan has none."""
        for r in self.targets:
            if r.target.id == target_id:
                return r
        raise KeyError(target_id)

    def counts(self) -> dict[str, int]:
        """How many targets show each status at kommune level, in SHOWN_ORDER."""
        out: dict[str, int] = dict.fromkeys(SHOWN_ORDER, 0)
        for r in self.targets:
            out[r.kommune.shown] += 1
        return out

    def sections(self) -> list[tuple[Strategy | None, list[Goal]]]:
        """Strategies in plan order, each with the goals whose indicators it shows.

        A goal appears once, under the first strategy it names; goals that name none come
        last under None. Goals without any target are left out (see `goals_without_targets`).
        """
        with_targets = [g for g in self.plan.goals if self.plan.targets_for(g.id)]
        out: list[tuple[Strategy | None, list[Goal]]] = []
        for s in self.plan.strategies:
            goals = [g for g in with_targets if g.strategies and g.strategies[0] == s.id]
            if goals:
                out.append((s, goals))
        rest = [g for g in with_targets if not g.strategies]
        if rest:
            out.append((None, rest))
        return out

    def goals_without_targets(self) -> list[Goal]:
        """Goals the plan file gives no evaluation indicator: nothing to measure them by."""
        return [g for g in self.plan.goals if not self.plan.targets_for(g.id)]


# ====================================================================== helpers


def _finite(x: object) -> float | None:
    """A float, or None for None/NaN/anything that is not a number."""
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _flag(x: object) -> str | None:
    return x if isinstance(x, str) and x else None


def test_key(basis: Basis) -> str:
    """The test a status rests on with its outcome: "difference_sig", "figure_inside", …"""
    if basis.test == TestKind.DIFFERENCE:
        return "difference_sig" if basis.significant else "difference_not_sig"
    if basis.test == TestKind.FIGURE:
        return "figure_outside" if basis.significant else "figure_inside"
    return str(basis.test)


def shown_status(status: Status) -> PlanStatus:
    """The status to show: NOT_JUDGED for a significant change with no good direction."""
    b = status.basis
    if (
        status.category == PlanStatus.LITTLE_OR_NO_CHANGE
        and b.good_direction == Polarity.NONE
        and b.significant
        and b.direction not in (None, Direction.NO_CHANGE)
    ):
        return PlanStatus.NOT_JUDGED
    return status.category


def _prepare(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """One area's series, oldest first, up to `year`, with a period label per point."""
    cols = ["period_from", "period_to", "value", "ci_low", "ci_high", "flag"]
    out = frame[cols].copy() if not frame.empty else pd.DataFrame(columns=cols)
    if year is not None and not out.empty:
        out = out[out["period_to"] <= year]
    out = out.sort_values("period_to").reset_index(drop=True)
    out["label"] = [
        numbers.period(int(a), int(b))
        for a, b in zip(out["period_from"], out["period_to"], strict=True)
    ]
    # A suppressed point carries no number, whatever the source put beside its symbol.
    out.loc[out["flag"].notna(), "value"] = math.nan
    return out


def value_at(series: pd.DataFrame, period_to: object) -> float | None:
    """The series' value in one period (by period end), None when missing or suppressed."""
    hit = series[series["period_to"] == period_to]
    return None if hit.empty else _finite(hit["value"].iloc[0])


def area_result(
    code: str,
    name: str,
    level: str,
    series: pd.DataFrame,
    bench_name: str,
    bench: pd.DataFrame,
    polarity: str,
    *,
    baseline: float | None = None,
    baseline_period: int | None = None,
    target: float | None = None,
) -> AreaResult:
    """Status, benchmark comparison, trend and red flag for one area's prepared series."""
    values = [_finite(v) for v in series["value"]]
    lo = [_finite(v) for v in series["ci_low"]]
    hi = [_finite(v) for v in series["ci_high"]]
    periods = [int(p) for p in series["period_to"]]
    status = goal_status(
        values,
        lo,
        hi,
        baseline,
        target,
        polarity,
        periods,
        baseline_period=baseline_period,
    )
    latest = latest_flag = latest_label = None
    verdict = str(Verdict.NOT_COMPARED)
    bench_value = None
    if not series.empty:
        last = series.iloc[-1]
        latest, latest_flag = _finite(last["value"]), _flag(last["flag"])
        latest_label = str(last["label"])
        bench_value = value_at(bench, last["period_to"])
        if latest is not None and bench_value is not None:
            verdict = str(
                stats.compare(latest, last["ci_low"], last["ci_high"], bench_value, polarity)
            )
    tr = stats.trend(
        series["value"].to_numpy(dtype=float),
        series["ci_low"].to_numpy(dtype=float),
        series["ci_high"].to_numpy(dtype=float),
        polarity,
    )
    return AreaResult(
        area_code=code,
        area_name=name,
        level=level,
        status=status,
        shown=shown_status(status),
        latest=latest,
        latest_period=latest_label,
        latest_flag=latest_flag,
        benchmark_name=bench_name,
        benchmark_value=bench_value,
        verdict=verdict,
        trend=tr,
        red_flag=verdict == Verdict.WORSE and tr.verdict == Verdict.WORSE,
        series=series,
        benchmark_series=bench,
    )


def target_value(t: Target, polarity: str) -> float | None:
    """The number to reach: the target value, or for a range the edge in the good direction."""
    if t.target is not None:
        return t.target.value
    if t.range is not None:
        return t.range.low if polarity == Polarity.HIGH_GOOD else t.range.high
    return None


def _empty_series() -> pd.DataFrame:
    return _prepare(pd.DataFrame(), None)


# ====================================================================== build


def evaluate_target(
    t: Target,
    frame: pd.DataFrame,
    kommune: str,
    kommune_name: str,
    district_names: Mapping[str, str],
    year: int | None = None,
    landet_name: str = "Landet",
) -> TargetResult:
    """One target from its series rows (`queries.series` columns) for kommune, landet, districts.

    The plan's baseline figure and target apply to the kommune; a district is judged from its
    own series from the baseline period on, and against the target only when the target's
    scope is each_district.
    """
    catalog = load_catalog()
    if t.kind == "population" and t.indicator is not None:
        ind = catalog.get(t.indicator)
        name = ind.name
        unit, decimals, polarity = str(ind.unit), int(ind.decimals), str(ind.polarity)
    else:
        assert t.name is not None  # the plan's checks require a name for performance targets
        name = t.name
        unit = str(t.unit or "count")
        decimals = 0 if unit == "count" else 1
        polarity = t.resolved_polarity()

    def prepared(code: str) -> pd.DataFrame:
        if frame.empty:
            return _empty_series()
        return _prepare(frame[frame["area_code"] == code], year)

    base = t.baseline
    goal_value = target_value(t, polarity)
    k_series, land = prepared(kommune), prepared(LANDET)
    k = area_result(
        kommune,
        kommune_name,
        "kommune",
        k_series,
        landet_name,
        land,
        polarity,
        baseline=base.value if base is not None else None,
        baseline_period=base.period if base is not None else None,
        target=goal_value,
    )
    dists: list[AreaResult] = []
    for code, dname in district_names.items():
        d_series = prepared(code)
        if d_series.empty:
            continue
        dists.append(
            area_result(
                code,
                dname,
                "district",
                d_series,
                kommune_name,
                k_series,
                polarity,
                baseline_period=base.period if base is not None else None,
                target=goal_value if t.scope == "each_district" else None,
            )
        )
    return TargetResult(
        target=t,
        name=name,
        unit=unit,
        decimals=decimals,
        polarity=polarity,
        kommune=k,
        districts=tuple(dists),
    )


def red_flags(results: Sequence[TargetResult]) -> list[RedFlag]:
    """Every area × indicator that is worse than its benchmark and getting worse, once each.

    The kommune comes before its districts; within each, the largest gap to the benchmark
    (relative) first.
    """
    seen: set[tuple[str, str]] = set()
    out: list[tuple[tuple[int, float], RedFlag]] = []
    for r in results:
        key_ind = r.target.indicator or r.target.id
        for a in (r.kommune, *r.districts):
            if not a.red_flag or (key_ind, a.area_code) in seen:
                continue
            seen.add((key_ind, a.area_code))
            assert a.latest is not None and a.benchmark_value is not None
            gap = abs(a.latest - a.benchmark_value) / (abs(a.benchmark_value) or 1.0)
            out.append(
                (
                    (0 if a.level == "kommune" else 1, -gap),
                    RedFlag(
                        target_id=r.target.id,
                        indicator_id=key_ind,
                        name=r.name,
                        area_code=a.area_code,
                        area_name=a.area_name,
                        level=a.level,
                        value=a.latest,
                        period=a.latest_period or "",
                        benchmark_name=a.benchmark_name,
                        benchmark_value=a.benchmark_value,
                        unit=r.unit,
                        decimals=r.decimals,
                    ),
                )
            )
    return [f for _, f in sorted(out, key=lambda x: x[0])]


def measures_matrix(plan: Plan) -> Matrix:
    """The plan's measures by risk factor × prevention level.

    A plan whose measures all use Tønsberg's Nivå 0–3 keeps its own four levels; any other plan
    is shown on the common three levels (Nivå mapped with `Tiltak.levels_kvello3`). A measure
    naming all eight risk factors goes in the ALL_RISK_FACTORS row.
    """
    system = (
        "tonsberg4"
        if plan.tiltak and all(m.level_system == "tonsberg4" for m in plan.tiltak)
        else "kvello3"
    )
    levels = LEVELS[system]
    cells: dict[tuple[str, str], list[Tiltak]] = {}
    without_level: list[Tiltak] = []
    for m in plan.tiltak:
        lvls = list(m.prevention_level) if system == "tonsberg4" else m.levels_kvello3
        if not lvls:
            without_level.append(m)
            continue
        if set(RiskFactor) <= set(m.risk_factors):
            rfs = [ALL_RISK_FACTORS]
        else:
            rfs = list(m.risk_factors) or [NO_RISK_FACTOR]
        for rf in rfs:
            for lv in lvls:
                cells.setdefault((rf, lv), []).append(m)
    used = {rf for rf, _ in cells}
    rows = (
        *([ALL_RISK_FACTORS] if ALL_RISK_FACTORS in used else []),
        *RiskFactor,
        *([NO_RISK_FACTOR] if NO_RISK_FACTOR in used else []),
    )
    return Matrix(
        level_system=system,
        levels=levels,
        rows=tuple(rows),
        cells={k: tuple(v) for k, v in cells.items()},
        plan_risk_factors=frozenset(plan.risk_factors),
        without_level=tuple(without_level),
    )


def build(
    con: Con,
    plan: Plan,
    year: int | None = None,
    reported: Mapping[str, pd.DataFrame] | None = None,
    lang: str = "nb",
    level: str | None = None,
) -> Evaluation:
    """The evaluation of `plan` against the warehouse, as of `year` (None: latest data), its
    district figures at `level` (None: the kommune's default level, as queries.districts).

    `reported` holds series the kommune reports for its performance targets (target id →
    rows with period_from, period_to, value, ci_low, ci_high, flag); without it those targets
    have no data. `lang` names landet in the results.
    """
    kommune = plan.kommune
    info = queries.area(con, kommune)
    kommune_name = str(info["name"]) if info else plan.short_name
    dists = queries.districts(con, kommune, level)
    district_names = dict(zip(dists["area_code"], dists["name"], strict=True))
    codes = [kommune, LANDET, *district_names]
    landet = t("landet", lang)
    results: list[TargetResult] = []
    for target in plan.targets:
        if target.kind == "population" and target.indicator is not None:
            frame = queries.series(con, target.indicator, codes)
        else:
            rows = (reported or {}).get(target.id)
            frame = (
                rows.assign(area_code=kommune)
                if rows is not None and not rows.empty
                else pd.DataFrame()
            )
        results.append(
            evaluate_target(target, frame, kommune, kommune_name, district_names, year, landet)
        )
    return Evaluation(
        plan=plan,
        kommune=kommune,
        kommune_name=kommune_name,
        year=year,
        targets=tuple(results),
        red_flags=tuple(red_flags(results)),
        matrix=measures_matrix(plan),
        district_names=district_names,
    )


# ====================================================================== sentences


def red_flag_sentence(flag: RedFlag, lang: str = "nb") -> str:
    """A red flag in one sentence, with both values and the benchmark named."""
    return t(
        "eval_red_flag_sentence",
        lang,
        area=flag.area_name,
        indicator=flag.name.get(lang),
        value=numbers.value(flag.value, flag.unit, flag.decimals, lang),
        period=flag.period,
        bench=flag.benchmark_name,
        bench_value=numbers.value(flag.benchmark_value, flag.unit, flag.decimals, lang),
    )


def gap_sentence(matrix: Matrix, lang: str, names: Mapping[str, str]) -> str | None:
    """Which of the plan's own risk factors lack a measure at the lowest level; None if none."""
    missing = [rf for rf in matrix.lowest_level_gaps() if rf in matrix.plan_risk_factors]
    if not missing:
        return None
    level = t(f"eval_level_{matrix.levels[0]}", lang).lower()
    return t("eval_gap_sentence", lang, level=level, factors=", ".join(names[rf] for rf in missing))


def general_only_sentence(matrix: Matrix, lang: str, names: Mapping[str, str]) -> str | None:
    """Which of the plan's own risk factors have only general measures at the lowest level."""
    lowest = matrix.levels[0]
    thin = [
        rf for rf, lv in matrix.general_only() if lv == lowest and rf in matrix.plan_risk_factors
    ]
    if not thin:
        return None
    level = t(f"eval_level_{lowest}", lang).lower()
    return t(
        "eval_general_sentence", lang, level=level, factors=", ".join(names[rf] for rf in thin)
    )


# ====================================================================== words for tables
# Shared by the Planevaluering page and the PDF report.


def risk_factor_names(lang: str) -> dict[str, str]:
    """Risk factor id → "1. Skadelig omsorg", plus the rows for measures without one or with all."""
    names: dict[str, str] = {
        rf.id: f"{rf.number}. {rf.name.get(lang)}" for rf in load_catalog().risk_factors
    }
    names[NO_RISK_FACTOR] = t("eval_no_risk_factor", lang)
    names[ALL_RISK_FACTORS] = t("eval_all_risk_factors", lang)
    return names


def status_word(shown: str, lang: str) -> str:
    return t(f"eval_status_{shown}", lang)


def value_text(r: TargetResult, x: float | None, lang: str, flag: str | None = None) -> str:
    return numbers.value(x, r.unit, r.decimals, lang, flag)


def signed(r: TargetResult, diff: float, lang: str) -> str:
    """A difference with its sign (+/−) and unit; percentage points for percentages."""
    sign = "+" if diff > 0 else "\u2212" if diff < 0 else ""
    if r.unit == "percent":
        return f"{sign}{numbers.number(abs(diff), r.decimals, lang)}\u00a0{t('eval_pp', lang)}"
    return sign + numbers.value(abs(diff), r.unit, r.decimals, lang)


def period_label(a: AreaResult, period: object) -> str:
    """A period end as the series labels it ("2020–2022"), else the year itself."""
    if period is None:
        return ""
    # A plain scan: a pandas filter per label cost 2 ms, and a goal card asks for dozens.
    for end, label in zip(a.series["period_to"].tolist(), a.series["label"].tolist(), strict=True):
        if end == period:
            return str(label)
    return str(period)


def trend_text(a: AreaResult, lang: str) -> str:
    text = trend_label(a.trend.direction, lang)
    if a.trend.verdict in (Verdict.BETTER, Verdict.WORSE):
        text += f" ({verdict_label(a.trend.verdict, lang).lower()})"
    return text


def target_text(r: TargetResult, lang: str) -> str:
    """The target as words: value (by year) with "demomål", a range, or "ikke tallfestet"."""
    tg = r.target
    if tg.target is not None:
        # A whole-number target ("alle" = 100 %) reads best without decimals.
        whole = float(tg.target.value).is_integer()
        out = numbers.value(tg.target.value, r.unit, 0 if whole else r.decimals, lang)
        if tg.target.year:
            out += " " + t("eval_by_year", lang, year=tg.target.year)
    elif tg.range is not None:
        out = f"{value_text(r, tg.range.low, lang)}–{value_text(r, tg.range.high, lang)}"
    else:
        return t("eval_not_quantified", lang)
    if tg.target_is_demo:
        out += f" ({t('eval_demo_target', lang)})"
    return out


def baseline_parts(r: TargetResult, a: AreaResult, lang: str, note: bool = True) -> tuple[str, str]:
    """Baseline value and period as shown: the status basis, else the plan's own figure.

    With `note`, a period standing in for the plan's baseline year (which has no value) says
    so; tables leave the note out and mark the row instead (`stand_in`).
    """
    b = a.status.basis
    base = r.target.baseline
    if b.baseline is not None:
        period = period_label(a, b.baseline_period)
        if note and base is not None and stand_in(r, a):
            period += "; " + t("eval_baseline_substitute", lang, year=base.period)
        return value_text(r, b.baseline, lang), period
    if base is not None and base.value is not None and a.level == "kommune":
        return value_text(r, base.value, lang), str(base.period or "")
    # With no data at all, the figure is one the plan would have had to state, and it does not.
    missing = t("eval_not_stated", lang) if a.series["value"].dropna().empty else Flag.MISSING
    return missing, str(base.period) if base is not None and base.period else ""


def baseline_row(r: TargetResult, a: AreaResult, lang: str) -> str:
    """The baseline as the basis box states it: `143,9 (2022), fra dataene`; a baseline that
    nobody stated is only `ikke oppgitt (2024)`: it comes neither from the plan nor the data."""
    base, period = baseline_parts(r, a, lang)
    if not period:
        return base
    from_plan = r.target.baseline is not None and r.target.baseline.value is not None
    if not from_plan and a.status.basis.baseline is None:
        return f"{base} ({period})"
    source = t("eval_basis_from_plan" if from_plan else "eval_basis_from_data", lang)
    return f"{base} ({period}), {source}"


def stand_in(r: TargetResult, a: AreaResult) -> bool:
    """True when the plan's baseline year has no value and another year stands in for it."""
    wanted = r.target.baseline.period if r.target.baseline else None
    b = a.status.basis
    return wanted is not None and b.baseline is not None and b.baseline_period != wanted


def latest_parts(r: TargetResult, a: AreaResult, lang: str) -> tuple[str, str]:
    """Latest value (a suppressed point keeps its symbol) and its period."""
    if a.latest_period is None:
        return "–", ""
    return value_text(r, a.latest, lang, a.latest_flag), a.latest_period


def no_data_text(r: TargetResult, lang: str) -> str:
    """Why there is no value: the kommune has not reported it yet, or no source has it."""
    key = "eval_no_data_reported" if r.reported_by_kommune else "eval_no_data_public"
    text = t(key, lang)
    return text[:1].upper() + text[1:]


def pct_text(a: AreaResult, lang: str) -> str:
    pct = a.status.pct_of_target
    return "–" if pct is None else f"{numbers.number(pct, 0, lang)}\u00a0%"


# ====================================================================== the basis in words


def basis_text(r: TargetResult, a: AreaResult, lang: str) -> str:
    """The status basis in `lang`: the two points, the test with its numbers, its outcome."""
    b = a.status.basis
    base, bperiod = value_text(r, b.baseline, lang), period_label(a, b.baseline_period)
    latest, lperiod = value_text(r, b.latest, lang), period_label(a, b.latest_period)
    points = {"base": base, "bperiod": bperiod, "latest": latest, "lperiod": lperiod}
    change = signed(r, b.change, lang) if b.change is not None else ""
    if b.test == TestKind.TARGET:
        text = t("eval_basis_target", lang, target=value_text(r, b.target, lang), **points)
    elif b.test == TestKind.DIFFERENCE and b.z is not None:
        limit = numbers.number(stats.Z95, 2, lang)
        outcome = t("eval_basis_sig" if b.significant else "eval_basis_not_sig", lang, limit=limit)
        z = numbers.number(b.z, 2, lang).replace("-", "\u2212")
        text = t("eval_basis_difference", lang, change=change, z=z, outcome=outcome, **points)
    elif b.test == TestKind.FIGURE and b.latest_interval is not None:
        low, high = b.latest_interval
        ci = numbers.interval(low, high, r.decimals, lang)
        outcome = t("eval_basis_outside" if b.significant else "eval_basis_inside", lang)
        text = t("eval_basis_figure", lang, interval=ci, outcome=outcome, **points)
    elif b.test == TestKind.DIRECTION:
        tol = value_text(r, b.tolerance, lang)
        text = t("eval_basis_direction", lang, change=change, tolerance=tol, **points)
    else:
        text = t(f"eval_test_{test_key(b)}", lang)
    if a.status.pct_of_target is not None:
        text += " " + t("eval_basis_pct", lang, pct=pct_text(a, lang))
    return text


def trend_basis_text(a: AreaResult, lang: str) -> str:
    """The recent trend (Fingertips, last five points) as its own signal, with χ² and outcome."""
    tr = a.trend
    if tr.direction == Direction.COULD_NOT_BE_CALCULATED:
        return t("eval_trend_not_calculated", lang, n=stats.TREND_POINTS)
    return t(
        "eval_trend_basis",
        lang,
        n=tr.n_points,
        chi2=numbers.number(tr.chi2, 2, lang),
        limit=numbers.number(stats.TREND_CHI2_THRESHOLD, 2, lang),
        outcome=trend_text(a, lang),
    )
