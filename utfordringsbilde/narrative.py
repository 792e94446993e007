"""Findings as short sentences, generated from the comparison and trend results.

A difference is only put into words when the test found it (`stats.compare` for values,
the Fingertips trend test for change over time); a suppressed value is never turned into
words, and neither is a comparison with a suppressed benchmark. Sentences come in bokmål,
nynorsk and English, with Norwegian number formats and agreement from `grammar`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

import pandas as pd

from utfordringsbilde import evaluation, grammar, numbers, profile, stats
from utfordringsbilde.config import load_catalog, load_kommuner
from utfordringsbilde.i18n import label, t
from utfordringsbilde.overview import Overview
from utfordringsbilde.queries import Con
from utfordringsbilde.vocab import Direction, Verdict

SIGNIFICANT: Final = (Verdict.WORSE, Verdict.BETTER, Verdict.HIGHER, Verdict.LOWER)
# Worse before better: a leader reads the problems first.
_RANK: Final[dict[str, int]] = {v: i for i, v in enumerate(SIGNIFICANT)}
# Trend directions the test decided (it ran), and those that are a change.
_TESTED: Final = (Direction.INCREASING, Direction.DECREASING, Direction.NO_CHANGE)
_CHANGED: Final = (Direction.INCREASING, Direction.DECREASING)
# The problem side of a comparison: worse, or higher where no direction is good.
_PROBLEM_SIDE: Final = [Verdict.WORSE, Verdict.HIGHER]

# The measure an indicator's unit counts, as a noun lemma (see grammar.NOUNS): the subject
# of "Andelen har økt" and of "I tre av ti bydeler er andelen signifikant høyere …".
MEASURE_NOUN: Final = {
    "percent": "andel",
    "per_1000": "tall",
    "per_10000": "tall",
    "count": "antall",
    "score": "snitt",
    "ratio": "forholdstall",
    "years": "alder",
}


@dataclass(frozen=True)
class Finding:
    """One finding: the indicator it is about, its sentences and what the test found."""

    indicator_id: str
    sentences: tuple[str, ...]  # the comparison first, then trend and districts
    verdict: str  # better | worse | higher | lower | similar (only with district differences)
    trend_verdict: str | None
    area_code: str

    @property
    def text(self) -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences)


@cache
def _sentences() -> dict[str, dict[str, str]]:
    """Indicator id → lang → the catalog's clause ("I {area} bor {value} av barna …")."""
    out: dict[str, dict[str, str]] = {}
    for ind in load_catalog().indicators:
        if ind.sentence is not None:
            out[ind.id] = dict(ind.sentence.root)  # a language without one gets the fallback
    return out


def _name(info: pd.DataFrame, ind_id: str, lang: str) -> str:
    return label(info.loc[ind_id], "name", lang)


def statement(info: pd.DataFrame, ind_id: str, area: str, value: str, lang: str) -> str:
    """The value as a clause: "I Strømsø bor 31,2 % av barna i husholdninger med …"."""
    template = _sentences().get(ind_id, {}).get(lang)
    if template:
        return template.format(area=area, value=value)
    return grammar.capitalise(
        t("find_fallback", lang, name=_name(info, ind_id, lang), area=area, value=value)
    )


def _fmt(info: pd.DataFrame, ind_id: str, x: float, lang: str) -> str:
    return numbers.value(x, str(info.at[ind_id, "unit"]), int(info.at[ind_id, "decimals"]), lang)


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def comparison(
    info: pd.DataFrame, ind_id: str, value: float, bench_value: float, bench: str, lang: str
) -> str:
    """ ", signifikant høyere enn i kommunen (19,0 %)" — only call it for a significant verdict."""
    direction = t("find_higher" if value > bench_value else "find_lower", lang)
    return (
        f", {t('find_significantly', lang)} {direction} {t('find_than_in', lang)} {bench} "
        f"({_fmt(info, ind_id, bench_value, lang)})"
    )


def subject(unit: str, lang: str) -> grammar.Noun:
    """The noun for what a unit measures: andelen, tallet, snittet …"""
    return grammar.noun(MEASURE_NOUN.get(unit, "tall"), lang)


def trend_sentence(
    unit: str, direction: str | None, n_points: int, period_years: int, lang: str
) -> str:
    """ "Andelen har økt de siste fem årene." — empty unless the trend test could be run."""
    if direction not in _TESTED or n_points < 2:
        return ""
    s = subject(unit, lang)
    n = grammar.number_word(n_points, "n", lang)
    span = t("find_last_years" if period_years == 1 else "find_last_periods", lang, n=n)
    if direction == Direction.INCREASING:
        verb = t("find_increased", lang)
    elif direction == Direction.DECREASING:
        verb = t("find_decreased", lang)
    else:
        adj = grammar.predicative(t("find_stable_adj", lang), s.gender, lang=lang)
        verb = t("find_stable", lang, adj=adj)
    return f"{grammar.capitalise(s.definite)} {verb} {span}."


def _n_points(direction: object) -> int:
    # The trend test uses the last TREND_POINTS valid points; fewer means it was not run.
    return stats.TREND_POINTS if direction in _TESTED else 0


def district_sentence(
    unit: str,
    verdict_direction: str,
    district_names: Sequence[str],
    total: int,
    level_lemma: str,
    lang: str,
) -> str:
    """ "I tre av ti bydeler er andelen signifikant høyere enn i kommunen: A, B og C."."""
    s = subject(unit, lang)
    return t(
        "find_in_districts",
        lang,
        count=grammar.of_total(len(district_names), total, level_lemma, lang),
        subject=s.definite,
        sig=t("find_significantly", lang),
        direction=t(f"find_{verdict_direction}", lang),
        names=grammar.join(list(district_names), lang),
    )


def _rank_rows(rows: pd.DataFrame, value: str, bench: str) -> pd.DataFrame:
    rel = (rows[value] - rows[bench]).abs() / rows[bench].abs()
    return rows.assign(_rank=rows["verdict"].map(_RANK), _size=-rel.fillna(0)).sort_values(
        ["_rank", "_size"], kind="stable"
    )


def district_finding_list(
    profile: pd.DataFrame,
    inds: pd.DataFrame,
    district_code: str,
    district: str,
    lang: str = "nb",
    limit: int = 5,
) -> list[Finding]:
    """The most important significant differences between a district and its kommune."""
    info = inds.set_index("indicator_id")
    rows = profile[
        profile["flag"].isna()
        & profile["verdict"].isin(SIGNIFICANT)
        & profile["kommune_value"].notna()
        & profile["value"].notna()
    ]
    if rows.empty:
        return []
    out = []
    for r in _rank_rows(rows, "value", "kommune_value").head(limit).itertuples(index=False):
        ind = str(r.indicator_id)
        text = statement(info, ind, district, _fmt(info, ind, r.value, lang), lang)
        text += (
            comparison(info, ind, r.value, r.kommune_value, t("find_kommunen", lang), lang) + "."
        )
        sentences = [text]
        if r.trend_direction in _CHANGED:
            sentences.append(
                trend_sentence(
                    str(info.at[ind, "unit"]),
                    str(r.trend_direction),
                    _n_points(r.trend_direction),
                    int(info.at[ind, "period_years"]),
                    lang,
                )
            )
        out.append(Finding(ind, tuple(sentences), str(r.verdict), r.trend_verdict, district_code))
    return out


def district_findings(
    profile: pd.DataFrame,
    inds: pd.DataFrame,
    district: str,
    lang: str = "nb",
    limit: int = 5,
) -> list[str]:
    """The sentences of `district_finding_list`; they name the kommune "kommunen"."""
    return [f.text for f in district_finding_list(profile, inds, "", district, lang, limit)]


def kommune_finding_list(
    barometer: pd.DataFrame,
    trends: pd.DataFrame,
    cells: pd.DataFrame,
    inds: pd.DataFrame,
    kommune: str,
    kommune_name: str,
    district_names: Mapping[str, str],
    level_lemma: str = "bydel",
    lang: str = "nb",
    limit: int = 5,
) -> list[Finding]:
    """The kommune's most important findings: against landet, over time, across districts.

    `barometer` is `Overview.barometer` (the kommune against landet), `trends` one row per
    indicator with trend_direction and trend_verdict for the kommune, `cells` the district
    cells with their verdict against the kommune (`Overview.cells`).
    """
    info = inds.set_index("indicator_id")
    trend = trends.set_index("indicator_id") if not trends.empty else trends
    dist = cells[
        cells["area_code"].isin(list(district_names))
        & cells["flag"].isna()
        & cells["verdict"].isin(SIGNIFICANT)
    ]
    n_districts = len(district_names)
    order = {code: i for i, code in enumerate(district_names)}
    candidates = []
    for r in barometer.itertuples(index=False):
        ind = str(r.indicator_id)
        if isinstance(r.flag, str) or _missing(r.value) or ind not in info.index:
            continue
        unit = str(info.at[ind, "unit"])
        mine = dist[dist["indicator_id"] == ind]
        kommune_sig = r.verdict in SIGNIFICANT and not _missing(r.benchmark)
        if not kommune_sig and not mine["verdict"].isin(_PROBLEM_SIDE).any():
            continue
        text = statement(info, ind, kommune_name, _fmt(info, ind, r.value, lang), lang)
        if kommune_sig:
            text += comparison(info, ind, r.value, r.benchmark, t("find_landet", lang), lang)
        elif not _missing(r.benchmark):
            bench = f"{t('find_landet', lang)} ({_fmt(info, ind, r.benchmark, lang)})"
            text += ", " + t("find_not_different", lang, bench=bench)
        sentences = [text + "."]
        tv, td = None, None
        if ind in getattr(trend, "index", ()):
            tv, td = trend.at[ind, "trend_verdict"], str(trend.at[ind, "trend_direction"])
            if td in _CHANGED:
                sentences.append(
                    trend_sentence(unit, td, _n_points(td), int(info.at[ind, "period_years"]), lang)
                )
        # Only the districts that stand out on the problem side: worse, or higher where the
        # indicator has no good direction. A sentence listing every district helps nobody.
        part = mine[mine["verdict"].isin(_PROBLEM_SIDE)]
        part = part.sort_values("area_code", key=lambda s: s.map(order))
        worse_districts = int((part["verdict"] == Verdict.WORSE).sum())
        if not part.empty:
            higher = bool((part["value"] > part["benchmark"]).iloc[0])
            names = [district_names[c] for c in part["area_code"]]
            sentences.append(
                district_sentence(
                    unit,
                    Verdict.HIGHER if higher else Verdict.LOWER,
                    names,
                    n_districts,
                    level_lemma,
                    lang,
                )
            )
        verdict = str(r.verdict) if kommune_sig else Verdict.SIMILAR
        rank: float = _RANK.get(verdict, 4)
        if rank > 0 and worse_districts:
            rank = 0.5  # the kommune is fine, but some districts are significantly worse
        rel = abs(r.value - r.benchmark) / abs(r.benchmark) if kommune_sig else 0.0
        candidates.append(
            (rank, -worse_districts, -rel, Finding(ind, tuple(sentences), verdict, tv, kommune))
        )
    candidates.sort(key=lambda c: c[:3])
    return [c[3] for c in candidates[:limit]]


# The public district levels' own words; the kommune's own districts take their file's word.
_LEVEL_LEMMAS = {"levekarssone": "levekårssone", "bydel": "bydel", "delomrade": "delområde"}


def level_lemma(kommune: str, level: str | None = None) -> str:
    """The word for the kommune's districts at `level` (bydel, levekårssone, kommunedel …) as a
    grammar lemma; its own districts (`district` or None) by its file's name for them."""
    if level in _LEVEL_LEMMAS:
        return _LEVEL_LEMMAS[level]
    k = load_kommuner().get(kommune)
    return k.districts.level_name["nb"].lower() if k is not None else "distrikt"


def kommune_findings(con: Con, ov: Overview, lang: str = "nb", limit: int = 5) -> list[Finding]:
    """`kommune_finding_list` for an overview, with the kommune's own trends computed."""
    trends = profile.build(con, ov, ov.kommune)[
        ["indicator_id", "trend_direction", "trend_verdict"]
    ]
    names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
    return kommune_finding_list(
        ov.barometer,
        trends,
        ov.cells,
        ov.indicators,
        ov.kommune,
        ov.kommune_name,
        names,
        level_lemma(ov.kommune, ov.level),
        lang,
        limit,
    )


def evaluation_findings(
    ev: evaluation.Evaluation, lang: str = "nb", each_flag: bool = True
) -> list[str]:
    """The plan evaluation in sentences: status counts, then the red flags (each, if asked)."""
    counts = ev.counts()
    clauses = [
        f"{grammar.number_word(n, grammar.noun('indikator', lang).gender, lang)} "
        f"{t(f'find_status_{status}', lang)}"
        for status, n in counts.items()
        if n
    ]
    out = []
    if clauses:
        out.append(
            t(
                "find_plan_has",
                lang,
                count=grammar.count(len(ev.targets), "indikator", lang),
                clauses=grammar.join(clauses, lang),
            )
        )
    n_flags = len(ev.red_flags)
    if n_flags:
        out.append(
            t("find_red_flags", lang, count=grammar.count(n_flags, "rødt flagg", lang))
            + (":" if each_flag else ".")
        )
        if each_flag:
            out += [evaluation.red_flag_sentence(f, lang) for f in ev.red_flags]
    elif ev.targets:
        out.append(t("find_no_red_flags", lang))
    return out
