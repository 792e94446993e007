"""Norwegian agreement for generated sentences: number words, gender, plural, lists.

Bokmål and nynorsk write the numbers one to twelve as words in running text ("tre av ti
bydeler"); the word for one follows the noun's gender ("én bydel", "ett mål", nynorsk "ei
sone"). Nouns are looked up in `NOUNS`; an unknown noun is treated as regular masculine.
The number words and the small words (og, av, ingen) are catalog texts (`number_3`,
`grammar_and`); gender and noun forms, which gettext cannot express, stay here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from utfordringsbilde.i18n import t
from utfordringsbilde.numbers import number

Gender = Literal["m", "f", "n"]


@dataclass(frozen=True)
class Noun:
    """A noun in one language: indefinite singular and plural, definite forms and gender."""

    singular: str
    plural: str
    gender: Gender
    definite: str = ""
    definite_plural: str = ""


def _n(sg: str, pl: str, g: Gender, d: str = "", dpl: str = "") -> Noun:
    return Noun(sg, pl, g, d, dpl)


# lang → lemma → forms. Lemmas are the bokmål singular, so callers name a noun once.
NOUNS: Final[dict[str, dict[str, Noun]]] = {
    "nb": {
        "bydel": _n("bydel", "bydeler", "m", "bydelen", "bydelene"),
        "kommunedel": _n("kommunedel", "kommunedeler", "m", "kommunedelen", "kommunedelene"),
        "levekårssone": _n("levekårssone", "levekårssoner", "m", "levekårssonen", "levekårssonene"),
        "skolekrets": _n("skolekrets", "skolekretser", "m", "skolekretsen", "skolekretsene"),
        "delområde": _n("delområde", "delområder", "n", "delområdet", "delområdene"),
        "distrikt": _n("distrikt", "distrikter", "n", "distriktet", "distriktene"),
        "indikator": _n("indikator", "indikatorer", "m", "indikatoren", "indikatorene"),
        "mål": _n("mål", "mål", "n", "målet", "målene"),
        "år": _n("år", "år", "n", "året", "årene"),
        "periode": _n("periode", "perioder", "m", "perioden", "periodene"),
        "tiltak": _n("tiltak", "tiltak", "n", "tiltaket", "tiltakene"),
        "barn": _n("barn", "barn", "n", "barnet", "barna"),
        "andel": _n("andel", "andeler", "m", "andelen", "andelene"),
        "tall": _n("tall", "tall", "n", "tallet", "tallene"),
        "antall": _n("antall", "antall", "n", "antallet", "antallene"),
        "snitt": _n("snitt", "snitt", "n", "snittet", "snittene"),
        "forholdstall": _n(
            "forholdstall", "forholdstall", "n", "forholdstallet", "forholdstallene"
        ),
        "alder": _n("alder", "aldre", "m", "alderen", "aldrene"),
        "rødt flagg": _n("rødt flagg", "røde flagg", "n", "det røde flagget", "de røde flaggene"),
    },
    "nn": {
        "bydel": _n("bydel", "bydelar", "m", "bydelen", "bydelane"),
        "kommunedel": _n("kommunedel", "kommunedelar", "m", "kommunedelen", "kommunedelane"),
        "levekårssone": _n("levekårssone", "levekårssoner", "f", "levekårssona", "levekårssonene"),
        "skolekrets": _n("skulekrins", "skulekrinsar", "m", "skulekrinsen", "skulekrinsane"),
        "delområde": _n("delområde", "delområde", "n", "delområdet", "delområda"),
        "distrikt": _n("distrikt", "distrikt", "n", "distriktet", "distrikta"),
        "indikator": _n("indikator", "indikatorar", "m", "indikatoren", "indikatorane"),
        "mål": _n("mål", "mål", "n", "målet", "måla"),
        "år": _n("år", "år", "n", "året", "åra"),
        "periode": _n("periode", "periodar", "m", "perioden", "periodane"),
        "tiltak": _n("tiltak", "tiltak", "n", "tiltaket", "tiltaka"),
        "barn": _n("barn", "barn", "n", "barnet", "barna"),
        "andel": _n("andel", "andelar", "m", "andelen", "andelane"),
        "tall": _n("tal", "tal", "n", "talet", "tala"),
        "antall": _n("tal", "tal", "n", "talet", "tala"),
        "snitt": _n("snitt", "snitt", "n", "snittet", "snitta"),
        "forholdstall": _n("forholdstal", "forholdstal", "n", "forholdstalet", "forholdstala"),
        "alder": _n("alder", "aldrar", "m", "alderen", "aldrane"),
        "rødt flagg": _n(
            "raudt flagg", "raude flagg", "n", "det raude flagget", "dei raude flagga"
        ),
    },
    "en": {
        "bydel": _n("district", "districts", "n", "the district", "the districts"),
        "kommunedel": _n("district", "districts", "n", "the district", "the districts"),
        "levekårssone": _n("zone", "zones", "n", "the zone", "the zones"),
        "skolekrets": _n("school area", "school areas", "n", "the school area", "the areas"),
        "delområde": _n("sub-area", "sub-areas", "n", "the sub-area", "the sub-areas"),
        "distrikt": _n("district", "districts", "n", "the district", "the districts"),
        "indikator": _n("indicator", "indicators", "n", "the indicator", "the indicators"),
        "mål": _n("goal", "goals", "n", "the goal", "the goals"),
        "år": _n("year", "years", "n", "the year", "the years"),
        "periode": _n("period", "periods", "n", "the period", "the periods"),
        "tiltak": _n("measure", "measures", "n", "the measure", "the measures"),
        "barn": _n("child", "children", "n", "the child", "the children"),
        "andel": _n("share", "shares", "n", "the share", "the shares"),
        "tall": _n("rate", "rates", "n", "the rate", "the rates"),
        "antall": _n("number", "numbers", "n", "the number", "the numbers"),
        "snitt": _n("average", "averages", "n", "the average", "the averages"),
        "forholdstall": _n("ratio", "ratios", "n", "the ratio", "the ratios"),
        "alder": _n("age", "ages", "n", "the age", "the ages"),
        "rødt flagg": _n("red flag", "red flags", "n", "the red flag", "the red flags"),
    },
}

# Gender → the suffix of the catalog key for the word "one" (`number_1_neuter`: ett, eitt, one).
_GENDER_NAMES: Final[dict[Gender, str]] = {"m": "masculine", "f": "feminine", "n": "neuter"}
_WORDS_UP_TO: Final = 12


def noun(lemma: str, lang: str = "nb") -> Noun:
    """The forms of `lemma` (a bokmål singular) in `lang`; unknown nouns as regular masculine."""
    table = NOUNS.get(lang, NOUNS["nb"])
    if lemma in table:
        return table[lemma]
    if lang == "en":
        return Noun(lemma, lemma + "s", "n", "the " + lemma, "the " + lemma + "s")
    pl = lemma + ("ar" if lang == "nn" else "er")
    return Noun(lemma, pl, "m", lemma + "en", pl[:-1] + "ne")


def number_word(n: int, gender: Gender = "m", lang: str = "nb") -> str:
    """`n` as a word from 0 to 12 (agreeing in gender for 1), else in digits with grouping."""
    if n == 1:
        return t(f"number_1_{_GENDER_NAMES[gender]}", lang)
    if 0 <= n <= _WORDS_UP_TO:
        return t(f"number_{n}", lang)
    return number(n, 0, lang)


def count(n: int, lemma: str, lang: str = "nb") -> str:
    """ "tre bydeler", "ett mål", "ei levekårssone" (nn), "14 indikatorer", "ingen mål"."""
    w = noun(lemma, lang)
    if n == 0:
        return f"{t('grammar_no', lang)} {w.plural}"
    return f"{number_word(n, w.gender, lang)} {w.singular if n == 1 else w.plural}"


def of_total(n: int, total: int, lemma: str, lang: str = "nb") -> str:
    """ "tre av ti bydeler", "ett av åtte mål", "ei av fire levekårssoner" (nn)."""
    w = noun(lemma, lang)
    of = t("grammar_of", lang)
    plural = w.plural if total != 1 else w.singular
    return f"{number_word(n, w.gender, lang)} {of} {number_word(total, w.gender, lang)} {plural}"


def predicative(adjective: str, gender: Gender, plural: bool = False, lang: str = "nb") -> str:
    """An adjective after "er": "stabil" → "stabilt" for a neuter subject, "stabile" in plural."""
    if lang == "en" or adjective.endswith(("ende", "t", "e")):
        return adjective
    if plural:
        return adjective + "e"
    return adjective + "t" if gender == "n" else adjective


def join(items: list[str], lang: str = "nb") -> str:
    """ "A", "A og B", "A, B og C" (English: "A, B and C")."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('grammar_and', lang)} {items[-1]}"


def capitalise(text: str) -> str:
    """The first letter in upper case, the rest unchanged (unlike str.capitalize)."""
    return text[:1].upper() + text[1:]
