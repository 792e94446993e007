"""Tests for utfordringsbilde.plan: the three plan files, their checks, and goal_status."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from tests.conftest import shared_dir
from utfordringsbilde import stats
from utfordringsbilde.config import ConfigError, load_catalog
from utfordringsbilde.paths import DATA_DIR
from utfordringsbilde.plan import Plan, goal_status, load_plan, load_plans
from utfordringsbilde.vocab import Direction, PlanStatus, Polarity, RiskFactor, TestKind

PLANS = DATA_DIR / "plans"


def norm(text: str) -> str:
    """Whitespace collapsed, so names wrapped in YAML or in the seed still compare equal."""
    return re.sub(r"\s+", " ", text).strip()


# --- what the seed texts say (read by hand from /work/shared/seeds) ----------------------------

DRAMMEN_STRATEGIES = ["Organisering", "Ledelse", "Kompetanseheving", "Medvirkning"]
DRAMMEN_GOALS = [
    # 6.1 Statens mål for oppvekstreformen: Hovedmål and Delmål
    "Flere barn skal få rett hjelp til rett tid der de bor",
    "Forebygging og tidlig innsats",
    "Helhetlig tjenestetilbud",
    "Samarbeid på tvers av sektorer",
    "Kommunal styring",
    "Samarbeid på tvers av kommuner",
]
DRAMMEN_TILTAK = [
    # 7 Tiltak — all twelve, in the plan's order
    "Det prøves ut en ny modell for tverrfaglig oppgaveløsning i et av de etablerte knutepunktene"
    " i tillegg til Strømsø",
    "Videreutvikle etablert arenasamarbeid for tverrfaglig samhandling mellom tjenester",
    "Drammen kommune prioriterer ressurser til arenaer som jobber helsefremmende og universelt",
    "Lavterskeltilbud og tjenester fra kommunale og andre aktører samles i en felles digital"
    " plattform og gjøres kjent og tilgjengelig for alle",
    "Utvikle og etablere forpliktende strukturer for tverrfaglig samarbeid internt og eksternt",
    "Innføre en modell for samordning av koordineringsressurser i organisasjonen",
    "Ansvar og rutiner for koordinering og individuell plan tydeliggjøres",
    "Tverrfaglig samhandling nedfelles i planer på flere nivåer i organisasjonen og brukes i"
    " kvalitets- og lederoppfølging",
    "God politisk forankring i videreutvikling av tjenestetilbudene",
    "Utvikle, forankre og etablere en forpliktende samhandlingskultur og et tilhørende"
    " kompetanseprogram",
    "Utarbeide felles handlingsveileder for å forebygge, fange opp og følge opp",
    "Sikre medvirkning i tråd med gjeldende lovverk",
]
SANDNES_STRATEGIES = ["Kompetanse", "Samarbeid og medvirkning", "Organisering og tjenesteutvikling"]
SANDNES_GOALS = [
    "Formålet med planen er å forebygge omsorgssvikt og utvikling av atferdsvansker.",
    # «Målene for reformen er å sikre at:»
    "Kommunen skal styrke arbeidet med tidlig innsats og forebygging i hele oppvekstsektoren.",
    "Barn og familier får helhetlige og koordinerte tjenester.",
    "Tjenestetilbudet skal tilpasses lokale behov.",
]
SANDNES_PRIORITISED = [
    # «Prioriterte tiltak i perioden er:» (prefixes: the seed runs on after each name)
    "Felles kunnskapsplattform gjennom opplæring i og implementering av traumebevisst omsorg (TBO)",
    "Felles samhandlingsmodell for bedre tverrfaglig innsats (BTI)",
    "Organisering og utnyttelse av støttetjenester i utdanningsløpet og hjelpetjenester til"
    " gravide, barn, unge og foresatte",
]
SANDNES_OTHER_TILTAK = [
    "Felles digital handlingsveileder for tidlig innsats og samarbeid",
    "alle ansatte har kunnskap om nasjonalfaglig retningslinje for tidlig oppdagelse av utsatte"
    " barn og unge",
    "relevante virksomheter har rutiner for hvordan ansatte kan handle på bakgrunn av en bekymring"
    " for barn og unge",
    "Det skal etableres avtaler om samarbeid mellom virksomheter involvert i oppfølging av barn og"
    " unge det er knyttet bekymring til.",
    "Sikre at alle barn og unge får informasjon om rettigheter, kunnskap om vold, overgrep, rus og"
    " psykisk helse",
]
TONSBERG_GOALS = [
    # «Kommuneplanens samfunnsdel – 12 år» (slide 10)
    "Vi vil sikre likeverdig og høy kvalitet på alt arbeid med barn og unge",
    "Vi vil prioritere forebygging og tidlig innsats",
    "Vi vil sikre robuste og kostnadseffektive barnehager, skoler og hjelpetjenester, tilpasset"
    " befolkningens vekst og sammensetning.",
    "Vi vil legge til rette for at barn og unge får delta i planlegging og påvirke beslutninger",
    "Vi vil sikre et godt helsetilbud til barn og unge, forankret i folkehelseperspektivet.",
    "Vi vil sikre et variert fritidstilbud hvor alle barn og unge - uavhengig av bakgrunn og kjønn"
    " – kan delta.",
]
TONSBERG_STRATEGIES = ["Tidlig innsats og forebygging", "Kvalitet i oppvekst- og læringsmiljø"]
TONSBERG_DONE = [
    # «Hva vi har gjort» (slide 11)
    "Valgt og implementert kartleggingsverktøy",
    "Valgt og implementert tiltaksmetoder",
    "Utarbeidet og implementert prosedyreperm ved bekymring for barns og unges psykososiale"
    " utvikling",
    "Gjennomført tverrfaglig kompetanseheving gjennom implementering av Kvellomodell i barnehager"
    " og skoler",
]
TONSBERG_LEVELS = {
    # slide 15, measures by Nivå 0–3 (levels are our reading: the layout is lost)
    "Info til foreldre": "niva_0",
    "Aktivitetsgrupper": "niva_0",
    "Foreldretreff": "niva_0",
    "Ettermiddagsavlastning": "niva_1",
    "TrygghetsNett": "niva_1",
    "ART": "niva_1",
    "FmB": "niva_1",
    "Støttesamtaler": "niva_1",
    "PMTO": "niva_2",
    "Forelderveiledning i hjemmet": "niva_2",
    "IP": "niva_2",
    "Døgnavlastning": "niva_3",
    "Individuell støttekontakt": "niva_3",
    "Avlastning > 14 døgn pr mnd": "niva_3",
}

SEED_ITEMS = {
    "drammen-handlingsplan-forebygging.txt": DRAMMEN_STRATEGIES + DRAMMEN_GOALS + DRAMMEN_TILTAK,
    "sandnes-plan-forebygging-2024-2032.txt": SANDNES_STRATEGIES
    + SANDNES_GOALS
    + SANDNES_PRIORITISED
    + SANDNES_OTHER_TILTAK,
    "tonsberg-oppvekstkommunen.txt": TONSBERG_GOALS
    + TONSBERG_DONE
    + list(TONSBERG_LEVELS)
    # slide 6 spells the first area «FORBYGGING»; the plan file corrects it
    + ["TIDLIG INNSATS OG FORBYGGING", "KVALITET I OPPVEKST- OG LÆRINGSMILJØ"],
}


def names(plan: Plan) -> dict[str, list[str]]:
    """The plan's strategy, goal and measure names (bokmål), whitespace-normalised."""
    return {
        "strategies": [norm(s.name["nb"]) for s in plan.strategies],
        "goals": [norm(g.text["nb"]) for g in plan.goals],
        "tiltak": [norm(m.name["nb"]) for m in plan.tiltak],
    }


def assert_named(expected: list[str], actual: list[str], what: str) -> None:
    """Every expected name is one of the actual names, or the start of or inside one."""
    missing = [e for e in expected if not any(norm(e) in a for a in actual)]
    assert not missing, f"{what} missing from the plan file: {missing}"


# --- the plan files ------------------------------------------------------------------------------


def test_every_plan_file_loads() -> None:
    plans = load_plans()
    assert set(plans) == {"3301", "1108", "3905"}
    for code, plan in plans.items():
        assert plan.kommune == code
        assert plan.targets and plan.tiltak and plan.goals and plan.strategies


@pytest.mark.parametrize("code", ["3301", "1108", "3905"])
def test_each_plan_loads_on_its_own(code: str) -> None:
    assert load_plan(PLANS / f"{code}.yaml").kommune == code


def test_drammen_has_the_seeds_strategies_goals_and_all_twelve_measures() -> None:
    plan = load_plans()["3301"]
    got = names(plan)
    assert got["strategies"] == DRAMMEN_STRATEGIES
    assert_named(DRAMMEN_GOALS, got["goals"], "Drammen goals (6.1)")
    assert [norm(m.name["nb"]) for m in plan.tiltak] == [norm(t) for t in DRAMMEN_TILTAK]
    main = plan.goal("rett_hjelp_rett_tid")
    assert main.level == "main"
    assert len(plan.subgoals(main.id)) == 5
    assert plan.evaluation.forum == "Arena 1"
    assert plan.evaluation.cycle_years == 2
    per_strategy = {s.id: len(plan.tiltak_for(s.id)) for s in plan.strategies}
    assert per_strategy == {
        "organisering": 7,
        "ledelse": 2,
        "kompetanseheving": 2,
        "medvirkning": 1,
    }


def test_sandnes_has_the_focus_areas_reform_goals_and_prioritised_measures() -> None:
    plan = load_plans()["1108"]
    got = names(plan)
    assert got["strategies"] == SANDNES_STRATEGIES
    assert_named(SANDNES_GOALS, got["goals"], "Sandnes goals")
    assert_named(SANDNES_PRIORITISED, got["tiltak"], "Sandnes prioritised measures")
    assert_named(SANDNES_OTHER_TILTAK, got["tiltak"], "Sandnes other measures")
    prioritised = [m for m in plan.tiltak if m.priority]
    assert [m.strategy for m in prioritised] == [s.id for s in plan.strategies]
    assert (plan.period.from_, plan.period.to) == (2024, 2032)
    assert (plan.evaluation.cycle_years, plan.revision.cycle_years) == (2, 4)
    assert plan.risk_factors == list(RiskFactor)


def test_sandnes_baselines_are_the_figures_the_plan_states() -> None:
    plan = load_plans()["1108"]
    targets = {t.id: t for t in plan.targets}
    avslag = targets["avslag_henvisning"].baseline
    assert avslag is not None and (avslag.period, avslag.value) == (2022, 30)
    assert "30 %" in (avslag.note or "")
    lav = targets["lavinntekt"].baseline
    assert lav is not None and lav.numerator == 1600 and lav.value is None
    assert "1600 barn" in (lav.note or "")


def test_tonsberg_has_six_goals_and_measures_by_level() -> None:
    plan = load_plans()["3905"]
    got = names(plan)
    assert got["goals"] == [norm(g) for g in TONSBERG_GOALS]
    assert all(g.level == "main" for g in plan.goals)
    assert_named(TONSBERG_STRATEGIES, got["strategies"], "Tønsberg prioritised areas")
    assert_named(TONSBERG_DONE, got["tiltak"], "Tønsberg «Hva vi har gjort»")
    by_name = {m.name["nb"]: m for m in plan.tiltak}
    for name, level in TONSBERG_LEVELS.items():
        m = by_name[name]
        assert m.level_system == "tonsberg4"
        assert m.prevention_level == [level]
        assert "prevention_level" in m.mapped, f"{name}: the level is our reading, say so"
    assert by_name["Døgnavlastning"].levels_kvello3 == ["indicated"]
    targets = {t.id: t for t in plan.targets}
    assert targets["spesialundervisning"].resolved_polarity() == "none"  # from the catalog
    assert targets["gjennomforing_vgs_ungdomsskolene"].resolved_polarity() == "high_good"
    baseline = targets["gjennomforing_vgs_ungdomsskolene"].baseline
    assert baseline is not None and (baseline.period, baseline.value) == (2012, 76)


@pytest.mark.parametrize("seed, items", list(SEED_ITEMS.items()))
def test_the_expected_names_are_really_in_the_seed_texts(seed: str, items: list[str]) -> None:
    text = norm((shared_dir("seeds") / seed).read_text(encoding="utf-8"))
    missing = [i for i in items if norm(i) not in text]
    assert not missing, f"not in {seed}: {missing}"


def test_no_invented_numbers_and_every_target_cites_its_source() -> None:
    catalog = load_catalog()
    for plan in load_plans().values():
        for t in plan.targets:
            where = f"{plan.kommune} {t.id}"
            assert not t.target_is_demo, f"{where}: a demo target in a real plan file"
            assert t.quantified == (t.target is not None or t.range is not None), where
            if t.target is not None:
                assert t.target.note, f"{where}: a target value must quote the plan"
            assert t.baseline is not None and t.baseline.note, f"{where}: baseline needs a note"
            if t.baseline.value is not None:
                assert "«" in (t.baseline.note or ""), f"{where}: quote the plan's sentence"
            if t.kind == "population":
                assert t.indicator is not None
                catalog.get(t.indicator)


def test_measures_use_known_risk_factors_and_levels() -> None:
    for plan in load_plans().values():
        for m in plan.tiltak:
            assert set(m.risk_factors) <= set(RiskFactor)
            assert m.source_ref


# --- broken files --------------------------------------------------------------------------------


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, str, ConfigError]:
    """Drammen's plan with `old` replaced by `new`, loaded; returns path, text and the error."""
    text = (PLANS / "3301.yaml").read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    text = text.replace(old, new, count)
    path = tmp_path / "3301.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    return path, text, info.value


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing `fragment`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_unknown_indicator_names_file_line_and_field(tmp_path: Path) -> None:
    path, text, err = broken(tmp_path, "indicator: unge_utenfor", "indicator: unge_utafor")
    line = line_of(text, "indicator: unge_utafor")
    assert str(err) == (
        f"{path}:{line}: targets[unge_utenfor].indicator: unknown indicator 'unge_utafor':"
        " not in data/indicators.yaml"
    )


def test_unknown_strategy_in_a_measure(tmp_path: Path) -> None:
    path, text, err = broken(
        tmp_path,
        "  - id: sikre_medvirkning\n    strategy: medvirkning",
        "  - id: sikre_medvirkning\n    strategy: medverknad",
    )
    line = line_of(text, "strategy: medverknad")
    assert str(err).startswith(
        f"{path}:{line}: tiltak[sikre_medvirkning].strategy: unknown strategy 'medverknad'"
    )
    assert "kompetanseheving" in str(err)  # the known ids are listed


def test_unknown_strategy_in_a_goal(tmp_path: Path) -> None:
    path, text, err = broken(tmp_path, "strategies: [ledelse]", "strategies: [ledelse, styring]")
    line = line_of(text, "strategies: [ledelse, styring]")
    assert f"{path}:{line}: goals[kommunal_styring].strategies[1]: unknown strategy 'styring'" in (
        str(err)
    )


def test_quantified_false_with_a_target_value(tmp_path: Path) -> None:
    path, text, err = broken(
        tmp_path,
        "    target: null\n    quantified: false\n\n  - id: psykiske_plager",
        "    target: {value: 5, year: 2026}\n    quantified: false\n\n  - id: psykiske_plager",
    )
    line = line_of(text, "target: {value: 5, year: 2026}") + 1
    assert str(err) == (
        f"{path}:{line}: targets[unge_utenfor].quantified: quantified: false, but a target value"
        " is given; remove one of them"
    )


def test_a_target_without_number_must_say_quantified_false(tmp_path: Path) -> None:
    _, _, err = broken(tmp_path, "    quantified: false\n", "", count=1)
    assert "targets[lavinntekt].quantified: no target value: write `target: null` and" in str(err)


def test_unknown_goal_risk_factor_and_level(tmp_path: Path) -> None:
    _, _, err = broken(tmp_path, "goal: hop_unge_utenfor", "goal: unge")
    assert "targets[fullfort_vgs].goal: unknown goal 'unge'" in str(err)
    _, _, err = broken(tmp_path, "risk_factors: [utviklingsvansker]", "risk_factors: [adhd]")
    assert "tiltak[koordinering_individuell_plan].risk_factors[0]: unknown risk factor 'adhd'" in (
        str(err)
    )
    _, _, err = broken(tmp_path, "prevention_level: [indicated]", "prevention_level: [niva_3]")
    assert "'niva_3' is not a level of level_system 'kvello3'" in str(err)
    _, _, err = broken(tmp_path, "prevention_level: [indicated]", "prevention_level: [indikert]")
    assert "tiltak[koordinering_individuell_plan].prevention_level[0]: Input should be" in str(err)


def test_district_scope_needs_district_figures(tmp_path: Path) -> None:
    _, _, err = broken(
        tmp_path,
        "    indicator: fullfort_vgs\n    goal: hop_unge_utenfor\n",
        "    indicator: fullfort_vgs\n    goal: hop_unge_utenfor\n    scope: each_district\n",
    )
    assert "targets[fullfort_vgs].scope: indicator 'fullfort_vgs' has no district figures" in str(
        err
    )


def test_performance_target_needs_its_own_definition(tmp_path: Path) -> None:
    _, _, err = broken(tmp_path, "    rba: how_much\n    polarity: none\n", "")
    msg = str(err)
    assert "targets[arena_3_4_saker].rba: a performance target needs `rba`" in msg
    assert "targets[arena_3_4_saker].polarity: a performance target needs `polarity`" in msg


def test_typo_in_a_key_and_a_duplicate_id(tmp_path: Path) -> None:
    path, text, err = broken(tmp_path, '    source_ref: "6.5 b)"', '    source_rf: "6.5 b)"')
    line = line_of(text, "source_rf:")
    assert f"{path}:{line}: strategies[ledelse].source_rf: Extra inputs are not permitted" in str(
        err
    )
    _, _, err = broken(tmp_path, "  - id: ledelse\n", "  - id: organisering\n")
    assert "strategies[organisering].id: id 'organisering' is used twice" in str(err)


def test_file_name_must_match_kommune(tmp_path: Path) -> None:
    path = tmp_path / "3005.yaml"
    path.write_text((PLANS / "3301.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"file name must be 3301\.yaml"):
        load_plan(path)


# --- goal_status ---------------------------------------------------------------------------------
# Every status is measured from the plan's baseline (docs/status.md); numbers worked by hand.


def ci(values: list[float], half: float) -> tuple[list[float], list[float]]:
    return [v - half for v in values], [v + half for v in values]


def se(half: float) -> float:
    """The standard error a symmetric 95 % interval of half-width `half` stands for."""
    return 2 * half / 3.92


def test_target_met_with_percent_of_targeted_change() -> None:
    v = [20.0, 19.0, 18.0, 15.0]
    lo, hi = ci(v, 1.0)
    s = goal_status(v, lo, hi, None, 16.0, "low_good", [2020, 2021, 2022, 2023])
    assert s.category == PlanStatus.TARGET_MET
    assert s.pct_of_target == pytest.approx(125.0)  # (15 − 20) / (16 − 20)
    assert s.basis.baseline == 20 and s.basis.latest == 15 and s.basis.target == 16
    assert s.basis.latest_period == 2023
    assert s.basis.test == TestKind.TARGET


def test_improving_is_a_significant_change_from_the_baseline() -> None:
    v = [20.0, 18.0, 16.0, 14.0, 12.0]
    lo, hi = ci(v, 0.5)
    s = goal_status(v, lo, hi, None, 5.0, "low_good", list(range(2019, 2024)))
    assert s.category == PlanStatus.IMPROVING
    assert s.basis.test == TestKind.DIFFERENCE and s.basis.significant
    # z = (12 − 20) / √(se² + se²) with se = 1 / 3.92 for intervals ±0.5.
    assert s.basis.z == pytest.approx(-8 / math.hypot(se(0.5), se(0.5)))
    assert s.basis.baseline_interval == (19.5, 20.5) and s.basis.latest_interval == (11.5, 12.5)
    assert s.pct_of_target == pytest.approx((12 - 20) / (5 - 20) * 100)


def test_flat_series_is_little_or_no_change() -> None:
    v = [10.0, 10.2, 9.9, 10.1, 10.0]
    lo, hi = ci(v, 2.0)
    s = goal_status(v, lo, hi, None, 8.0, "low_good", list(range(2019, 2024)))
    assert s.category == PlanStatus.LITTLE_OR_NO_CHANGE
    assert s.basis.z == pytest.approx(0.0) and s.basis.significant is False


def test_worsening_series() -> None:
    v = [10.0, 12.0, 14.0, 16.0, 18.0]
    lo, hi = ci(v, 0.5)
    s = goal_status(v, lo, hi, None, 8.0, "low_good", list(range(2019, 2024)))
    assert s.category == PlanStatus.GETTING_WORSE
    assert s.basis.direction == Direction.INCREASING
    assert s.pct_of_target is not None and s.pct_of_target < 0


def test_the_z_test_decides_at_1_96() -> None:
    # 10 → 11 with intervals ±h: z = 1 / (√2 · h / 1.96) = 1.386 / h.
    lo, hi = ci([10.0, 11.0], 0.70)
    s = goal_status([10.0, 11.0], lo, hi, None, None, "high_good", [2022, 2024])
    assert s.basis.z == pytest.approx(1.98, abs=0.005)
    assert s.category == PlanStatus.IMPROVING  # although the intervals overlap (10.7 > 10.3)
    lo, hi = ci([10.0, 11.0], 0.71)
    s = goal_status([10.0, 11.0], lo, hi, None, None, "high_good", [2022, 2024])
    assert s.basis.z == pytest.approx(1.95, abs=0.005)
    assert s.category == PlanStatus.LITTLE_OR_NO_CHANGE


# Tønsberg, Psykiske symptomer 15–24 år (per 1 000, lower is better) in the demo data, 2012–2024:
# value, ci_low, ci_high (Byar intervals, as the ETL computes them).
TONSBERG = [
    (89.422316, 82.817017, 96.414271),
    (93.177595, 86.411351, 100.332873),
    (96.313118, 89.410230, 103.607470),
    (100.161334, 93.097089, 107.619491),
    (99.188092, 92.136507, 106.636187),
    (108.947297, 101.527497, 116.765937),
    (109.237939, 101.784602, 117.092693),
    (119.050904, 111.239450, 127.266194),
    (111.481327, 103.902895, 119.466343),
    (124.353780, 116.317024, 132.799493),
    (131.908311, 123.600726, 140.627382),
    (119.320594, 111.400697, 127.654901),
    (132.336182, 123.962031, 141.127175),
]


def test_tonsberg_is_getting_worse_from_its_baseline_though_the_recent_trend_is_flat() -> None:
    v, lo, hi = (list(col) for col in zip(*TONSBERG, strict=True))
    years = list(range(2012, 2025))
    s = goal_status(v, lo, hi, None, None, "low_good", years, baseline_period=2012)
    # se 2012 = 13.597 / 3.92 = 3.469, se 2024 = 17.165 / 3.92 = 4.379,
    # z = (132.34 − 89.42) / √(3.469² + 4.379²) = 42.91 / 5.586 = 7.68 > 1.96.
    assert s.basis.z == pytest.approx(7.68, abs=0.01)
    assert s.category == PlanStatus.GETTING_WORSE
    assert s.basis.baseline_period == 2012 and s.basis.latest_period == 2024
    # The old rule tested only the last five points: χ² = 8.04 ≤ 9.55, "little or no change".
    tr = stats.trend(v, lo, hi, "low_good")
    assert tr.chi2 == pytest.approx(8.04, abs=0.01)
    assert tr.direction == Direction.NO_CHANGE


def test_too_few_points_and_no_data() -> None:
    s = goal_status([10.0], [9.0], [11.0], None, 20.0, "high_good", [2024])
    assert s.category == PlanStatus.TOO_FEW_POINTS and s.basis.test == TestKind.TOO_FEW
    s = goal_status([], [], [], None, None, "high_good", [])
    assert s.category == PlanStatus.NO_DATA and s.basis.test == TestKind.NO_DATA
    nan = math.nan
    s = goal_status([None, nan], None, None, 5.0, None, "low_good", [2023, 2024])
    assert s.category == PlanStatus.NO_DATA
    assert s.pct_of_target is None


def test_a_stated_baseline_figure_is_tested_against_the_latest_interval() -> None:
    # Sandnes: 30 % rejected referrals in 2022 (the plan's figure); one new point with its interval.
    s = goal_status([22.0], [19.0], [25.0], 30.0, None, "low_good", [2024], baseline_period=2022)
    assert s.category == PlanStatus.IMPROVING
    assert s.basis.baseline == 30 and s.basis.baseline_period == 2022
    assert s.basis.baseline_from_plan
    assert s.basis.test == TestKind.FIGURE and s.basis.significant  # 30 lies outside 19–25
    assert s.basis.latest_interval == (19.0, 25.0)
    s = goal_status([28.0], [25.0], [31.0], 30.0, None, "low_good", [2024], baseline_period=2022)
    assert s.category == PlanStatus.LITTLE_OR_NO_CHANGE  # 30 lies inside 25–31
    s = goal_status([30.0], [27.0], [33.0], 30.0, None, "low_good", [2022], baseline_period=2022)
    assert s.category == PlanStatus.TOO_FEW_POINTS
    assert s.basis.test == TestKind.BASELINE_IS_LATEST


def test_a_baseline_point_without_interval_is_tested_like_a_figure() -> None:
    s = goal_status([10.0, 14.0], [None, 13.0], [None, 15.0], None, None, "high_good", [2022, 2024])
    assert s.basis.test == TestKind.FIGURE and s.category == PlanStatus.IMPROVING


def test_an_untested_change_is_never_improving_or_getting_worse() -> None:
    # No intervals (e.g. helsesykepleierårsverk): the direction is shown, not judged.
    s = goal_status([10.0, 12.0], None, None, None, None, "high_good", [2022, 2024])
    assert s.category == PlanStatus.NOT_TESTED
    assert s.basis.test == TestKind.DIRECTION and s.basis.significant is None
    assert s.basis.direction == Direction.INCREASING
    s = goal_status([10.0, 9.0], [None, None], [None, None], None, None, "high_good", [2022, 2024])
    assert s.category == PlanStatus.NOT_TESTED
    # Within ±2 % of the baseline (±0.2 here): little or no change.
    s = goal_status([10.0, 10.1], None, None, None, None, "high_good", [2022, 2024])
    assert s.category == PlanStatus.LITTLE_OR_NO_CHANGE
    assert s.basis.tolerance == pytest.approx(0.2)


def test_polarity_none_without_target_is_not_judged() -> None:
    v = [10.0, 12.0, 14.0, 16.0, 18.0]
    lo, hi = ci(v, 0.5)
    s = goal_status(v, lo, hi, None, None, "none", list(range(2019, 2024)))
    assert s.category == PlanStatus.LITTLE_OR_NO_CHANGE
    assert s.basis.direction == Direction.INCREASING and s.basis.significant
    assert s.basis.good_direction == Polarity.NONE


def test_polarity_none_takes_its_direction_from_the_target() -> None:
    v = [10.0, 11.0, 12.0, 13.0, 14.0]
    lo, hi = ci(v, 0.2)
    s = goal_status(v, lo, hi, None, 20.0, "none", list(range(2019, 2024)))
    assert s.category == PlanStatus.IMPROVING
    assert s.basis.good_direction_from_target
    assert s.basis.good_direction == Polarity.HIGH_GOOD
    s = goal_status(v, lo, hi, None, 5.0, "none", list(range(2019, 2024)))
    assert s.category == PlanStatus.GETTING_WORSE
    s = goal_status([10.0, 4.0], None, None, None, 5.0, "none", [2022, 2024])
    assert s.category == PlanStatus.TARGET_MET


def test_baseline_period_starts_the_series() -> None:
    # Points before the baseline period are history; the change is judged from 2022 on.
    v = [30.0, 10.0, 10.1]
    s = goal_status(v, None, None, None, None, "low_good", [2020, 2022, 2024], baseline_period=2022)
    assert s.category == PlanStatus.LITTLE_OR_NO_CHANGE
    assert s.basis.baseline == 10 and s.basis.baseline_period == 2022
    assert s.basis.n_points == 2


def test_goal_status_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown polarity"):
        goal_status([1.0, 2.0], None, None, None, None, "higher_good", None)
    with pytest.raises(ValueError, match="same length"):
        goal_status([1.0, 2.0], [0.5], [1.5], None, None, "high_good", None)


def test_the_catalog_names_the_eight_risk_factors_of_the_vocabulary() -> None:
    assert [r.id for r in load_catalog().risk_factors] == list(RiskFactor)


def test_plan_file_notes_are_in_norwegian() -> None:
    """The notes on a target's baseline and target are shown under its status on a Norwegian
    screen, so they are written in bokmål like the plan ("no year" was English)."""
    english = re.compile(r"\b(the|is|no|of|and|from|without|figure|year|follows|gives)\b")
    for kommune, plan in load_plans().items():
        for target in plan.targets:
            for part in (target.baseline, target.target):
                note = getattr(part, "note", None) or ""
                plain = re.sub(r"«[^»]*»", "", note)  # quotations from the plan stay as written
                assert not english.search(plain), (kommune, target.id, note)
