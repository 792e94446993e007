"""Finding sentences: agreement, number formats, significance and suppression, nb/nn/en."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from utfordringsbilde import grammar, narrative
from utfordringsbilde.config import load_catalog

NAN = math.nan


def _inds() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": ["vedvarende_lavinntekt", "familievold", "eget_tall"],
            "name_nb": ["Vedvarende lavinntekt", "Familievold", "Eget tall"],
            "name_nn": ["Vedvarande låginntekt", "Familievald", None],
            "name_en": ["Persistent low income", "Family violence", "Own figure"],
            "unit": ["percent", "per_1000", "score"],
            "decimals": [1, 1, 1],
            "period_years": [3, 1, 1],
        }
    )


def _profile(**over: list) -> pd.DataFrame:
    base = {
        "indicator_id": ["vedvarende_lavinntekt", "familievold", "eget_tall"],
        "value": [31.04, 1.2, 40.0],
        "flag": [None, None, None],
        "verdict": ["worse", "similar", "better"],
        "kommune_value": [19.0, 1.1, 38.0],
        "trend_direction": ["increasing", "no_change", "could_not_be_calculated"],
        "trend_verdict": ["worse", "neutral", None],
    }
    base.update(over)
    return pd.DataFrame(base)


# ---------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("n", "total", "lemma", "lang", "expected"),
    [
        (1, 10, "bydel", "nb", "én av ti bydeler"),
        (3, 10, "bydel", "nb", "tre av ti bydeler"),
        (1, 8, "mål", "nb", "ett av åtte mål"),
        (1, 4, "levekårssone", "nn", "ei av fire levekårssoner"),
        (2, 9, "kommunedel", "nn", "to av ni kommunedelar"),
        (1, 13, "indikator", "nb", "én av 13 indikatorer"),
        (2, 3, "bydel", "en", "two of three districts"),
    ],
)
def test_of_total_agrees_in_gender_and_number(
    n: int, total: int, lemma: str, lang: str, expected: str
) -> None:
    assert grammar.of_total(n, total, lemma, lang) == expected


@pytest.mark.parametrize(
    ("n", "lemma", "lang", "expected"),
    [
        (0, "mål", "nb", "ingen mål"),
        (1, "rødt flagg", "nb", "ett rødt flagg"),
        (2, "rødt flagg", "nb", "to røde flagg"),
        (1, "rødt flagg", "nn", "eitt raudt flagg"),
        (3, "rødt flagg", "nn", "tre raude flagg"),
        (1, "indikator", "nn", "ein indikator"),
        (12, "indikator", "nb", "tolv indikatorer"),
        (1600, "barn", "nb", "1\u00a0600 barn"),
    ],
)
def test_count(n: int, lemma: str, lang: str, expected: str) -> None:
    assert grammar.count(n, lemma, lang) == expected


def test_join_and_predicative() -> None:
    assert grammar.join(["A"], "nb") == "A"
    assert grammar.join(["A", "B", "C"], "nn") == "A, B og C"
    assert grammar.join(["A", "B"], "en") == "A and B"
    assert grammar.predicative("stabil", "n") == "stabilt"
    assert grammar.predicative("stabil", "m") == "stabil"
    assert grammar.predicative("stabil", "m", plural=True) == "stabile"


# ---------------------------------------------------------------------------- trends


@pytest.mark.parametrize(
    ("unit", "direction", "years", "lang", "expected"),
    [
        ("percent", "increasing", 1, "nb", "Andelen har økt de siste fem årene."),
        ("percent", "decreasing", 3, "nb", "Andelen har gått ned de siste fem måleperiodene."),
        ("per_1000", "no_change", 1, "nb", "Tallet har vært stabilt de siste fem årene."),
        ("percent", "no_change", 1, "nb", "Andelen har vært stabil de siste fem årene."),
        ("per_1000", "increasing", 1, "nn", "Talet har auka dei siste fem åra."),
        ("per_1000", "no_change", 1, "nn", "Talet har vore stabilt dei siste fem åra."),
        ("percent", "increasing", 1, "en", "The share has risen over the last five years."),
        ("percent", "could_not_be_calculated", 1, "nb", ""),
    ],
)
def test_trend_sentence(unit: str, direction: str, years: int, lang: str, expected: str) -> None:
    assert narrative.trend_sentence(unit, direction, 5, years, lang) == expected


# ---------------------------------------------------------------------------- districts


def test_district_finding_in_words_with_norwegian_numbers() -> None:
    found = narrative.district_finding_list(_profile(), _inds(), "D1", "Strømsø", "nb")
    assert [f.indicator_id for f in found] == ["vedvarende_lavinntekt", "eget_tall"]
    assert found[0].text == (
        "I Strømsø bor 31,0\u00a0% av barna i husholdninger med vedvarende lavinntekt, "
        "signifikant høyere enn i kommunen (19,0\u00a0%). "
        "Andelen har økt de siste fem måleperiodene."
    )
    # No catalog clause: the fallback still names the indicator, area and value.
    assert found[1].text.startswith("Eget tall i Strømsø er 40,0, signifikant høyere")


def test_district_findings_in_nynorsk_and_english() -> None:
    nn = narrative.district_findings(_profile(), _inds(), "Strømsø", "nn")
    assert nn[0].startswith("I Strømsø bur 31,0\u00a0% av barna i hushald med vedvarande")
    assert "signifikant høgare enn i kommunen (19,0\u00a0%)" in nn[0]
    assert nn[0].endswith("Andelen har auka dei siste fem måleperiodane.")
    en = narrative.district_findings(_profile(), _inds(), "Strømsø", "en")
    assert "significantly higher than in the municipality (19.0\u00a0%)" in en[0]


def test_lower_is_lower() -> None:
    prof = _profile(value=[12.0, 1.2, 40.0], verdict=["better", "similar", "similar"])
    (found,) = narrative.district_findings(prof, _inds(), "Konnerud", "nb")
    assert "signifikant lavere enn i kommunen" in found


def test_no_sentence_without_a_significant_difference() -> None:
    prof = _profile(verdict=["similar", "similar", "not_compared"])
    assert narrative.district_findings(prof, _inds(), "Strømsø", "nb") == []


def test_suppressed_values_are_never_put_into_words() -> None:
    # The value is hidden; even a (stale) verdict on it must not produce a sentence.
    prof = _profile(value=[NAN, 1.2, 40.0], flag=[":", None, None])
    texts = narrative.district_findings(prof, _inds(), "Strømsø", "nb")
    assert len(texts) == 1 and "lavinntekt" not in texts[0]
    # A suppressed benchmark is not a comparison either.
    prof = _profile(kommune_value=[NAN, 1.1, NAN])
    assert narrative.district_findings(prof, _inds(), "Strømsø", "nb") == []


# ---------------------------------------------------------------------------- kommune


def _kommune_case(**over: list) -> dict:
    barometer = pd.DataFrame(
        {
            "indicator_id": ["vedvarende_lavinntekt", "familievold"],
            "value": [19.9, 1.2],
            "flag": [None, None],
            "benchmark": [11.4, 1.1],
            "verdict": ["worse", "similar"],
        }
    )
    for k, v in over.items():
        barometer[k] = v
    cells = pd.DataFrame(
        {
            "indicator_id": ["vedvarende_lavinntekt"] * 3 + ["familievold"] * 3,
            "area_code": ["D1", "D2", "D3"] * 2,
            "value": [30.0, 28.0, 10.0, 2.0, NAN, 1.0],
            "flag": [None, None, None, None, ":", None],
            "benchmark": [19.9] * 3 + [1.2] * 3,
            "verdict": ["worse", "worse", "better", "worse", "worse", "similar"],
        }
    )
    trends = pd.DataFrame(
        {
            "indicator_id": ["vedvarende_lavinntekt", "familievold"],
            "trend_direction": ["increasing", "no_change"],
            "trend_verdict": ["worse", "neutral"],
        }
    )
    names = {"D1": "Strømsø", "D2": "Fjell", "D3": "Konnerud"}
    return {
        "barometer": barometer,
        "trends": trends,
        "cells": cells,
        "inds": _inds(),
        "kommune": "3301",
        "kommune_name": "Drammen",
        "district_names": names,
        "level_lemma": "bydel",
    }


def test_kommune_findings_compare_with_landet_and_name_the_districts() -> None:
    found = narrative.kommune_finding_list(**_kommune_case(), lang="nb")
    assert found[0].text == (
        "I Drammen bor 19,9\u00a0% av barna i husholdninger med vedvarende lavinntekt, "
        "signifikant høyere enn i landet (11,4\u00a0%). "
        "Andelen har økt de siste fem måleperiodene. "
        "I to av tre bydeler er andelen signifikant høyere enn i kommunen: Strømsø og Fjell."
    )
    # Not different from landet, but one district is significantly worse; the suppressed
    # district (D2) is neither counted nor named.
    assert found[1].indicator_id == "familievold"
    assert "ikke signifikant forskjellig fra landet (1,1\u00a0per 1\u00a0000)" in found[1].text
    assert "I én av tre bydeler er tallet signifikant høyere enn i kommunen: Strømsø." in (
        found[1].text
    )
    assert "Fjell" not in found[1].text


def test_kommune_findings_in_nynorsk() -> None:
    case = _kommune_case()
    case["level_lemma"] = "levekårssone"
    found = narrative.kommune_finding_list(**case, lang="nn")
    assert "I to av tre levekårssoner er andelen signifikant høgare enn i kommunen" in (
        found[0].text
    )
    assert "I ei av tre levekårssoner er talet signifikant høgare" in found[1].text


def test_suppressed_kommune_value_is_not_a_finding() -> None:
    found = narrative.kommune_finding_list(
        **_kommune_case(value=[NAN, 1.2], flag=[":", None]), lang="nb"
    )
    assert all(f.indicator_id != "vedvarende_lavinntekt" for f in found)


# ---------------------------------------------------------------------------- catalog


def test_every_catalog_indicator_has_a_clause_in_every_language() -> None:
    for ind in load_catalog().indicators:
        assert ind.sentence is not None, ind.id
        for lang in ("nb", "nn", "en"):
            text = ind.sentence[lang]
            assert text and "{area}" in text and "{value}" in text, (ind.id, lang)
            assert not text.rstrip().endswith("."), (ind.id, lang, "the program ends it")


# ---------------------------------------------------------------------------- plan


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_evaluation_findings_count_every_indicator(demo_warehouse, lang: str) -> None:
    import duckdb

    from utfordringsbilde import evaluation
    from utfordringsbilde.plan import load_plans

    words = {grammar.number_word(n, "m", lang): n for n in range(13)}
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        for kommune, plan in load_plans().items():
            ev = evaluation.build(con, plan, lang=lang)
            first, second, *flags = narrative.evaluation_findings(ev, lang)
            head, clauses = first.split(": ", 1)
            assert head.endswith(grammar.count(len(ev.targets), "indikator", lang)), kommune
            # "én går i riktig retning, sju viser … og fire mangler data." adds up.
            parts = clauses.rstrip(".").replace(" og ", ", ").replace(" and ", ", ").split(", ")
            assert sum(words[p.split()[0]] for p in parts) == len(ev.targets), first
            n = len(ev.red_flags)
            assert (grammar.count(n, "rødt flagg", lang) in second) or n == 0, second
            assert len(flags) == n
            assert narrative.evaluation_findings(ev, lang, each_flag=False)[-1].endswith(".")
