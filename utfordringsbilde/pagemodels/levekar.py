"""The Levekårsindeks page's model: component labels, the caption and the two tables."""

from __future__ import annotations

import pandas as pd

from utfordringsbilde import levekar, numbers
from utfordringsbilde.i18n import t
from utfordringsbilde.levekar import Levekar
from utfordringsbilde.pagemodels.common import formatter, text


def short_names(inds: pd.DataFrame, lang: str) -> dict[str, str]:
    """Indicator id → its short name (else its name), for the multiselect and the columns."""
    return {
        r.indicator_id: text(r, "short", lang) or text(r, "name", lang)
        for r in inds.itertuples(index=False)
    }


def labels(inds: pd.DataFrame, chosen: list[str], lang: str) -> dict[str, str]:
    """Column headings of the heat table; a component where high is good says it is reversed."""
    short = short_names(inds, lang)
    polarity = dict(zip(inds["indicator_id"], inds["polarity"], strict=True))
    reversed_note = f" ({t('levekar_reversed', lang)})"
    return {c: short[c] + (reversed_note if polarity[c] == "high_good" else "") for c in chosen}


def caption(result: Levekar, inds: pd.DataFrame, lang: str) -> str:
    """Periods of the components, hidden cells and districts left without an index."""
    short = short_names(inds, lang)
    chosen = result.components
    k = len(chosen)
    items = "; ".join(f"{short[c]} ({result.periods.get(c, '..')})" for c in chosen)
    out = t("levekar_caption", lang, items=items)
    hidden = "; ".join(
        f"{short[c]}: {', '.join(areas)}" for c, areas in result.hidden.items() if areas
    )
    if hidden:
        out += " " + t("hidden_areas", lang, areas=hidden)
    table = result.table
    missing = table.loc[table["index"].isna(), "area_name"].tolist()
    if missing:
        m = levekar.min_components(k)
        areas = ", ".join(missing)
        out += " " + t("levekar_not_computed", lang, areas=areas, m=m, k=k)
    return out


def _counts(table: pd.DataFrame, k: int) -> list[str]:
    return [f"{int(n)} / {k}" for n in table["n_components"]]


def scores_table(result: Levekar, inds: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The heat table's alternative: each component's value and score, and the index."""
    short = short_names(inds, lang)
    fmt = formatter(inds, lang)
    table = result.table
    score = t("score", lang).lower()
    out = pd.DataFrame({t("areas_col", lang): table["area_name"]})
    for c in result.components:
        values = [fmt(c, v, f) for v, f in zip(table[c], table[f"{c}_flag"], strict=True)]
        out[short[c]] = [
            f"{text_} ({score} {numbers.number(sc)})" if pd.notna(sc) else text_
            for text_, sc in zip(values, table[f"{c}_score"], strict=True)
        ]
    out[t("levekar_n_col", lang)] = _counts(table, len(result.components))
    out[t("levekar_index", lang)] = [numbers.number(v, 1, lang) for v in table["index"]]
    return out


def index_table(result: Levekar, lang: str) -> pd.DataFrame:
    """The bar chart's alternative: the index and how many components it rests on."""
    table = result.table
    return pd.DataFrame(
        {
            t("areas_col", lang): table["area_name"],
            t("levekar_index", lang): [numbers.number(v, 1, lang) for v in table["index"]],
            t("levekar_n_col", lang): _counts(table, len(result.components)),
        }
    )


def export_rows(result: Levekar, inds: pd.DataFrame, built: str, lang: str) -> pd.DataFrame:
    """The index and its scores for analysts, with the column words in `lang`."""
    texts = {
        "index_name": t("levekar_index_name", lang),
        "score": t("levekar_score", lang),
        "components": t("levekar_n", lang),
    }
    return levekar.export_rows(result, inds, texts, built, lang)
