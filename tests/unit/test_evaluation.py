"""Tests for utfordringsbilde.evaluation: the plans on the demo warehouse, constructed series."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from utfordringsbilde import evaluation
from utfordringsbilde.evaluation import ALL_RISK_FACTORS, NO_RISK_FACTOR
from utfordringsbilde.i18n import t as t_
from utfordringsbilde.plan import Plan, Target, Tiltak, goal_status, load_plans
from utfordringsbilde.vocab import Direction, PlanStatus, RiskFactor, TestKind, Verdict

KOMMUNER = ["3301", "1108", "3905"]


@pytest.fixture(scope="module")
def con(demo_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(demo_warehouse), read_only=True) as c:
        yield c


@pytest.fixture(scope="module")
def evaluations(con: duckdb.DuckDBPyConnection) -> dict[str, evaluation.Evaluation]:
    return {k: evaluation.build(con, load_plans()[k]) for k in KOMMUNER}


# --------------------------------------------------------------------- constructed series


def rows(
    code: str,
    years: Sequence[int],
    values: Sequence[float | None],
    half_width: float | None = 0.5,
    flags: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """Series rows as queries.series returns them, one year per point."""
    flags = flags or [None] * len(values)
    return pd.DataFrame(
        {
            "area_code": code,
            "period_from": list(years),
            "period_to": list(years),
            "value": [float("nan") if v is None else v for v in values],
            "ci_low": [None if v is None or half_width is None else v - half_width for v in values],
            "ci_high": [
                None if v is None or half_width is None else v + half_width for v in values
            ],
            "flag": list(flags),
        }
    )


def population(indicator: str = "vedvarende_lavinntekt", **kw: object) -> Target:
    fields: dict[str, object] = {
        "id": "t",
        "kind": "population",
        "goal": "g",
        "indicator": indicator,
        "quantified": False,
        "baseline": {"period": 2018},
    }
    fields.update(kw)
    return Target.model_validate(fields)


def performance(**kw: object) -> Target:
    fields: dict[str, object] = {
        "id": "p",
        "kind": "performance",
        "goal": "g",
        "name": "Ansatte med opplæring",
        "unit": "percent",
        "rba": "how_much",
        "polarity": "high_good",
        "baseline": {"period": 2020},
        "quantified": False,
    }
    fields.update(kw)
    return Target.model_validate(fields)


YEARS = list(range(2016, 2025))
DISTRICTS = {"9999-D01": "Nord", "9999-D02": "Sør"}


def evaluate(t: Target, *frames: pd.DataFrame) -> evaluation.TargetResult:
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return evaluation.evaluate_target(t, frame, "9999", "Testby", DISTRICTS)


def test_worse_and_getting_worse_is_a_red_flag() -> None:
    # Low income (lower is better) rising steadily above a flat landet: red-red.
    kommune = rows("9999", YEARS, [10 + i for i in range(len(YEARS))], 0.3)
    landet = rows("0", YEARS, [9.0] * len(YEARS), 0.05)
    r = evaluate(population(), kommune, landet)
    k = r.kommune
    assert k.verdict == Verdict.WORSE
    assert k.trend.verdict == "worse"
    assert k.red_flag
    flags = evaluation.red_flags([r])
    assert [(f.area_code, f.level) for f in flags] == [("9999", "kommune")]
    sentence = evaluation.red_flag_sentence(flags[0], "nb")
    assert "Testby" in sentence and "18,0\u00a0%" in sentence and "9,0\u00a0%" in sentence


@pytest.mark.parametrize(
    ("kommune_values", "why"),
    [
        ([12.0] * 9, "worse but flat"),
        ([20 - i for i in range(9)], "worse but improving"),
        ([1 + i * 0.5 for i in range(9)], "getting worse but better than landet"),
    ],
)
def test_only_red_red_is_flagged(kommune_values: list[float], why: str) -> None:
    landet = rows("0", YEARS, [9.0] * len(YEARS), 0.05)
    r = evaluate(population(), rows("9999", YEARS, kommune_values, 0.3), landet)
    assert not r.kommune.red_flag, why
    assert evaluation.red_flags([r]) == []


def test_districts_are_compared_with_the_kommune() -> None:
    kommune = rows("9999", YEARS, [10.0] * 9, 0.1)
    north = rows("9999-D01", YEARS, [11 + i for i in range(9)], 0.3)  # worse and worsening
    south = rows("9999-D02", YEARS, [8.0] * 9, 0.3)  # better, flat
    r = evaluate(population(), kommune, rows("0", YEARS, [10.0] * 9, 0.05), north, south)
    by_code = {d.area_code: d for d in r.districts}
    assert by_code["9999-D01"].benchmark_name == "Testby"
    assert by_code["9999-D01"].red_flag
    assert by_code["9999-D02"].verdict == Verdict.BETTER and not by_code["9999-D02"].red_flag
    assert [f.area_name for f in evaluation.red_flags([r])] == ["Nord"]


@pytest.mark.parametrize(
    ("values", "half_width", "target", "expected"),
    [
        ([40, 45, 50, 60, 70], None, 60.0, "target_met"),
        ([40, 45, 50, 52, 55], 2.0, 80.0, "improving"),  # z = 15 / (√2 · 2 / 1.96) = 10.4
        ([40, 45, 50, 52, 55], None, 80.0, "not_tested"),  # the same change, without intervals
        ([40, 40.2, 39.9, 40.1, 40.0], None, 80.0, "little_or_no_change"),
        ([40, 38, 35, 30, 25], 2.0, 80.0, "getting_worse"),
        ([40, 38, 35, 30, 25], None, 80.0, "not_tested"),
        ([None, None, None, None, 40], None, 80.0, "too_few_points"),
        ([None] * 5, None, 80.0, "no_data"),
    ],
)
def test_status_categories_on_constructed_series(
    values: list[float | None], half_width: float | None, target: float, expected: str
) -> None:
    t = performance(target={"value": target}, quantified=True)
    r = evaluate(t, rows("9999", range(2020, 2025), values, half_width=half_width))
    assert r.kommune.shown == expected
    for lang in ("nb", "nn", "en"):
        assert evaluation.basis_text(r, r.kommune, lang), "every status states its basis"
        assert t_(f"eval_test_{r.kommune.test_key}", lang)


def test_percent_of_targeted_change() -> None:
    t = performance(target={"value": 80.0}, quantified=True)
    r = evaluate(t, rows("9999", range(2020, 2025), [40, 45, 50, 55, 60], half_width=None))
    assert r.kommune.status.pct_of_target == pytest.approx(50.0)


def test_a_change_without_a_good_direction_is_not_judged() -> None:
    # barnevernstiltak has no good direction in the catalog; a steady fall is shown, not judged.
    r = evaluate(
        population("barnevernstiltak"),
        rows("9999", YEARS, [6 - 0.3 * i for i in range(9)], 0.1),
    )
    assert r.kommune.status.category == "little_or_no_change"
    assert r.kommune.shown == PlanStatus.NOT_JUDGED


def test_a_suppressed_latest_point_keeps_its_symbol() -> None:
    values = [10.0, 11.0, 12.0, 13.0, None]
    flags = [None, None, None, None, ":"]
    r = evaluate(population(), rows("9999", range(2020, 2025), values, 0.3, flags))
    assert r.kommune.latest is None
    assert r.kommune.latest_flag == ":"
    assert r.kommune.latest_period == "2024"
    assert r.kommune.verdict == Verdict.NOT_COMPARED  # never compared as if it were a number


def test_a_suppressed_value_is_never_read_as_a_number() -> None:
    frame = rows("9999", range(2020, 2025), [10.0, 11.0, 12.0, 13.0, 0.0], 0.3)
    frame.loc[4, "flag"] = ":"  # a source that writes 0 beside its symbol
    r = evaluate(population(), frame)
    assert r.kommune.latest is None
    assert r.kommune.status.basis.latest == 13.0


def test_performance_targets_without_reports_have_no_data() -> None:
    r = evaluate(performance(baseline={"period": 2023, "value": 1}))
    assert not r.has_data
    assert r.reported_by_kommune
    assert r.kommune.shown == "no_data"


def test_each_district_scope_applies_the_target_to_districts() -> None:
    t = population(scope="each_district", target={"value": 12.0}, quantified=True)
    d1 = rows("9999-D01", range(2018, 2025), [15, 14, 13, 12.5, 12.2, 12.0, 11.5], None)
    r = evaluate(t, rows("9999", range(2018, 2025), [14.0] * 7, None), d1)
    assert r.districts[0].status.basis.target == 12.0
    assert r.districts[0].shown == "target_met"
    kommune_scope = evaluate(population(), rows("9999", range(2018, 2025), [14.0] * 7), d1)
    assert kommune_scope.districts[0].status.basis.target is None


def test_test_key_names_every_test_goal_status_uses() -> None:
    """The page explains each test and outcome in words; each key has its texts."""
    cases = [
        goal_status([1, 1.5], [0.5, 1.0], [1.5, 2.0], None, None, "high_good"),  # z = 1.39
        goal_status([1, 5], [0.5, 4.5], [1.5, 5.5], None, None, "high_good"),
        goal_status([1, 5], None, None, None, None, "high_good"),
        goal_status([5], [4.5], [5.5], 5.2, None, "high_good", [2024], baseline_period=2020),
        goal_status([9], [8.5], [9.5], 5.0, None, "high_good", [2024], baseline_period=2020),
        goal_status([5, 9], None, None, None, 8.0, "high_good"),
        goal_status([5], None, None, None, None, "high_good"),
        goal_status([5], None, None, 5.0, None, "high_good", [2020], baseline_period=2020),
        goal_status([], None, None, None, None, "high_good"),
    ]
    keys = [evaluation.test_key(s.basis) for s in cases]
    assert keys == [
        "difference_not_sig",
        "difference_sig",
        "direction",
        "figure_inside",
        "figure_outside",
        "target",
        "too_few",
        "baseline_is_latest",
        "no_data",
    ]


def test_tonsberg_psykiske_symptomer_is_getting_worse_from_its_baseline(
    evaluations: dict[str, evaluation.Evaluation],
) -> None:
    """Issue 14: 89 → 132 per 1 000 from 2012 to 2024, lower is better, in the demo data."""
    r = evaluations["3905"].target("psykiske_plager")
    k = r.kommune
    assert k.status.basis.baseline == pytest.approx(89.4, abs=0.05)
    assert k.status.basis.latest == pytest.approx(132.3, abs=0.05)
    assert (k.status.basis.baseline_period, k.status.basis.latest_period) == (2012, 2024)
    assert k.shown == PlanStatus.GETTING_WORSE
    assert k.test_key == "difference_sig"
    # The recent trend is a separate signal and stays flat (χ² 8.04 ≤ 9.55).
    assert k.trend.direction == Direction.NO_CHANGE
    nb = evaluation.basis_text(r, k, "nb")
    assert "89\u00a0per 1\u00a0000 (2012)" in nb and "132\u00a0per 1\u00a0000 (2024)" in nb
    assert "z\u00a0=\u00a07,68" in nb and "statistisk sikker (|z| over 1,96)" in nb
    assert "χ²\u00a0=\u00a08,04" in evaluation.trend_basis_text(k, "nb")
    en = evaluation.basis_text(r, k, "en")
    assert "z\u00a0=\u00a07.68" in en and "significant (|z| above 1.96)" in en
    nn = evaluation.basis_text(r, k, "nn")
    assert "mot siste måling" in nn and "statistisk sikker" in nn


def test_an_untested_change_is_shown_as_such(
    evaluations: dict[str, evaluation.Evaluation],
) -> None:
    """Issue 14: helsesykepleierårsverk have no intervals; their change is not ✓ Bedring.

    11994 ended in 2022 (issue 13): Sandnes' baseline is 2022, the series' last year, so there
    is no later point and no change at all; Tønsberg's (2012) has an untested change."""
    expected = {"3905": PlanStatus.NOT_TESTED, "1108": PlanStatus.TOO_FEW_POINTS}
    for kommune, status in expected.items():
        k = evaluations[kommune].target("helsesykepleier_arsverk").kommune
        assert k.shown == status, kommune
        assert evaluation.STATUS_STYLE[k.shown][2] not in ("✓", "✗")


def test_basis_text_in_three_languages_with_norwegian_numbers() -> None:
    t = performance(target={"value": 10.0}, quantified=True, polarity="low_good")
    r = evaluate(t, rows("9999", [2022, 2024], [20.0, 15.0], half_width=None))
    assert r.kommune.shown == PlanStatus.NOT_TESTED
    nb = evaluation.basis_text(r, r.kommune, "nb")
    assert nb.startswith("Utgangspunkt 20,0\u00a0% (2022) mot siste måling 15,0\u00a0% (2024)")
    assert "\u22125,0\u00a0prosentpoeng" in nb and "±0,4\u00a0%" in nb
    assert "50\u00a0% av den planlagte endringen er oppnådd." in nb
    nn = evaluation.basis_text(r, r.kommune, "nn")
    assert "ikkje testa" in nn and "planlagde endringa" in nn
    en = evaluation.basis_text(r, r.kommune, "en")
    assert en.startswith("Baseline 20.0\u00a0% (2022) against latest 15.0\u00a0% (2024)")
    assert "not tested" in en and "50\u00a0% of the targeted change is achieved." in en


# --------------------------------------------------------------------- measures matrix


def _plan_with(tiltak: list[Tiltak], risk_factors: list[str]) -> Plan:
    return load_plans()["1108"].model_copy(update={"tiltak": tiltak, "risk_factors": risk_factors})


def test_matrix_lays_out_measures_and_finds_gaps() -> None:
    tiltak = [
        Tiltak(
            id="a",
            name="Foreldreveiledning",
            prevention_level=["selective"],
            risk_factors=["vold_overgrep"],
            source_ref="x",
        ),
        Tiltak(id="b", name="Ledelse", source_ref="x"),  # no level: listed apart
        Tiltak(id="c", name="Arena", prevention_level=["universal"], source_ref="x"),
    ]
    m = evaluation.measures_matrix(_plan_with(tiltak, ["vold_overgrep", "utviklingsvansker"]))
    assert m.levels == ("universal", "selective", "indicated")
    assert m.rows == (*RiskFactor, NO_RISK_FACTOR)
    assert [x.id for x in m.cells[("vold_overgrep", "selective")]] == ["a"]
    assert [x.id for x in m.cells[(NO_RISK_FACTOR, "universal")]] == ["c"]
    assert [x.id for x in m.without_level] == ["b"]
    assert len(m.gaps()) == 8 * 3 - 1
    assert ("vold_overgrep", "universal") in m.gaps()
    assert m.general_only() == []
    names = {rf: rf for rf in RiskFactor}
    sentence = evaluation.gap_sentence(m, "nb", names)
    assert sentence is not None
    assert "universelt" in sentence and "vold_overgrep" in sentence
    assert "skadelig_omsorg" not in sentence  # only the risk factors the plan itself names


def test_general_measures_get_their_own_row() -> None:
    everything = Tiltak(
        id="veileder",
        name="Handlingsveileder",
        prevention_level=["universal", "selective"],
        risk_factors=list(RiskFactor),
        source_ref="x",
    )
    aimed = Tiltak(
        id="tbo",
        name="TBO",
        prevention_level=["universal"],
        risk_factors=["skadelig_omsorg"],
        source_ref="x",
    )
    m = evaluation.measures_matrix(_plan_with([everything, aimed], []))
    assert m.rows[0] == ALL_RISK_FACTORS
    assert [x.id for x in m.cells[(ALL_RISK_FACTORS, "universal")]] == ["veileder"]
    assert ("skadelig_omsorg", "universal") not in m.general_only()
    assert ("vold_overgrep", "universal") in m.general_only()
    # Indicated has neither kind: a gap in every row.
    assert sorted(rf for rf, lv in m.gaps()) == sorted(RiskFactor)
    assert all(lv == "indicated" for _, lv in m.gaps())
    assert m.lowest_level_gaps() == []
    names = {rf: rf for rf in RiskFactor}
    assert evaluation.general_only_sentence(m, "nb", names) is None  # the plan names none
    m = evaluation.measures_matrix(
        _plan_with([everything, aimed], ["skadelig_omsorg", "vold_overgrep"])
    )
    sentence = evaluation.general_only_sentence(m, "nb", names)
    assert sentence is not None and "vold_overgrep" in sentence
    assert "skadelig_omsorg" not in sentence  # TBO is aimed at it


def test_tonsberg_keeps_its_own_levels() -> None:
    m = evaluation.measures_matrix(load_plans()["3905"])
    assert m.level_system == "tonsberg4"
    assert m.levels == ("niva_0", "niva_1", "niva_2", "niva_3")


# --------------------------------------------------------------------- the three plans


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_every_target_of_every_plan_is_evaluated(
    evaluations: dict[str, evaluation.Evaluation], kommune: str
) -> None:
    ev = evaluations[kommune]
    plan = ev.plan
    assert [r.target.id for r in ev.targets] == [t.id for t in plan.targets]
    for r in ev.targets:
        k = r.kommune
        assert k.shown in evaluation.SHOWN_ORDER
        # No status without its basis, in words in every language.
        for lang in ("nb", "nn", "en"):
            assert evaluation.basis_text(r, k, lang), (r.target.id, lang)
        if k.shown in (PlanStatus.IMPROVING, PlanStatus.GETTING_WORSE):
            assert k.status.basis.significant, r.target.id  # never a ✓ or ✗ without a test
        if r.target.kind == "population":
            assert r.has_data, r.target.id  # the demo warehouse covers every catalog indicator
            assert k.shown != "no_data"
            assert k.latest_period is not None
        else:
            assert not r.has_data and k.shown == "no_data"
    assert sum(ev.counts().values()) == len(plan.targets)


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_district_results_where_the_warehouse_has_districts(
    evaluations: dict[str, evaluation.Evaluation], kommune: str
) -> None:
    ev = evaluations[kommune]
    for r in ev.targets:
        if r.target.scope == "each_district":
            assert len(r.districts) == len(ev.district_names), r.target.id
        if r.target.kind == "performance":
            assert r.districts == ()
        for d in r.districts:
            assert d.level == "district" and d.benchmark_name == ev.kommune_name


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_red_flags_are_exactly_the_red_red_areas(
    evaluations: dict[str, evaluation.Evaluation], kommune: str
) -> None:
    ev = evaluations[kommune]
    expected = {
        (r.target.indicator, a.area_code)
        for r in ev.targets
        for a in (r.kommune, *r.districts)
        if a.verdict == Verdict.WORSE and a.trend.verdict == "worse"
    }
    assert {(f.indicator_id, f.area_code) for f in ev.red_flags} == expected
    for f in ev.red_flags:
        assert evaluation.red_flag_sentence(f, "nb").startswith(f"**{f.area_name}**")


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_sections_show_each_goal_with_targets_once(
    evaluations: dict[str, evaluation.Evaluation], kommune: str
) -> None:
    ev = evaluations[kommune]
    shown = [g.id for _, goals in ev.sections() for g in goals]
    assert len(shown) == len(set(shown))
    assert set(shown) == {t.goal for t in ev.plan.targets}
    without = {g.id for g in ev.goals_without_targets()}
    assert without.isdisjoint(shown)
    assert without | set(shown) == {g.id for g in ev.plan.goals}


def test_a_baseline_the_plan_states_is_used(evaluations: dict[str, evaluation.Evaluation]) -> None:
    # Sandnes: «30 % i 2022» rejected referrals.
    basis = evaluations["1108"].target("avslag_henvisning").kommune.status.basis
    assert basis.baseline == 30.0
    assert basis.baseline_period == 2022


def test_the_baseline_period_is_read_from_the_data(
    evaluations: dict[str, evaluation.Evaluation], con: duckdb.DuckDBPyConnection
) -> None:
    r = evaluations["3301"].target("lavinntekt")
    value = con.execute(
        "SELECT value FROM observation WHERE indicator_id = 'vedvarende_lavinntekt' "
        "AND area_code = '3301' AND sex = 'all' AND period_to = 2022"
    ).fetchone()[0]
    assert r.kommune.status.basis.baseline == pytest.approx(value)
    assert r.kommune.status.basis.baseline_period == 2022


def test_an_earlier_year_evaluates_as_of_that_year(con: duckdb.DuckDBPyConnection) -> None:
    ev = evaluation.build(con, load_plans()["3905"], year=2018)
    assert ev.year == 2018
    for r in ev.targets:
        if r.has_data:
            assert int(r.kommune.series["period_to"].max()) <= 2018


def test_matrices_of_the_three_plans(evaluations: dict[str, evaluation.Evaluation]) -> None:
    for kommune, ev in evaluations.items():
        m = ev.matrix
        placed = {x.id for cell in m.cells.values() for x in cell} | {x.id for x in m.without_level}
        assert placed == {x.id for x in ev.plan.tiltak}, kommune
        assert set(m.rows) >= set(RiskFactor)


def test_every_status_test_and_level_has_words_in_every_language() -> None:
    from typing import get_args

    from utfordringsbilde.i18n import languages, t
    from utfordringsbilde.plan import LEVELS, MeasureStatus

    kinds = [k for k in map(str, TestKind) if k not in ("difference", "figure")]
    kinds += ["difference_sig", "difference_not_sig", "figure_inside", "figure_outside"]
    keys = [f"eval_status_{s}" for s in evaluation.SHOWN_ORDER]
    keys += [f"eval_test_{k}" for k in kinds] + [f"eval_short_{k}" for k in kinds]
    keys += [f"eval_level_{lv}" for levels in LEVELS.values() for lv in levels]
    keys += [f"eval_mstatus_{s}" for s in get_args(MeasureStatus)]
    for key in keys:
        assert all(t(key, lang) for lang in languages()), key  # KeyError for a missing key
    assert set(evaluation.STATUS_STYLE) == set(evaluation.SHOWN_ORDER)


def test_period_label_is_the_series_label_of_that_period_end(
    evaluations: dict[str, evaluation.Evaluation],
) -> None:
    """Same labels as a pandas filter on the series gives (issue 16 made it a plain scan)."""
    checked = multi_year = 0
    for ev in evaluations.values():
        for r in ev.targets:
            for a in (r.kommune, *r.districts):
                for period in [*a.series["period_to"], None, 1900]:
                    hit = a.series[a.series["period_to"] == period]
                    if period is None:
                        expected = ""
                    else:
                        expected = str(hit["label"].iloc[0]) if not hit.empty else str(period)
                    assert evaluation.period_label(a, period) == expected
                    checked += 1
                    multi_year += "–" in expected
    assert checked > 50 and multi_year > 0


def test_a_baseline_nobody_stated_is_not_from_the_data(
    evaluations: dict[str, evaluation.Evaluation],
) -> None:
    """Not "Utgangspunkt: ikke oppgitt (2024), fra dataene": no figure, no source for it."""
    seen = 0
    for ev in evaluations.values():
        for r in ev.targets:
            for a in (r.kommune, *r.districts):
                row = evaluation.baseline_row(r, a, "nb")
                if row.startswith("ikke oppgitt"):
                    seen += 1
                    assert "fra dataene" not in row and "fra planen" not in row, row
                elif a.status.basis.baseline is not None:
                    assert row.endswith(("fra dataene", "tall fra planen")), row
    assert seen, "the demo plans have a target without a stated baseline"
