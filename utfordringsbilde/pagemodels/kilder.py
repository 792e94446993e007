"""The Data og kilder page's model: the indicator catalogue and the indicators this build lacks."""

from __future__ import annotations

import json

import pandas as pd

from utfordringsbilde import numbers
from utfordringsbilde.i18n import source_label, t
from utfordringsbilde.pagemodels.common import text


def catalog(inds: pd.DataFrame, summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per indicator: name, theme, source, unit, period held and cells suppressed."""
    held = summary.set_index("indicator_id")
    rows = list(inds.itertuples(index=False))
    ids = [r.indicator_id for r in rows]
    return pd.DataFrame(
        {
            t("indicator", lang): [text(r, "name", lang) for r in rows],
            t("theme", lang): [text(r, "theme", lang) for r in rows],
            t("source", lang): [
                source_label(r.source, r.source_table, bool(r.source_verified), lang) for r in rows
            ],
            t("unit_col", lang): [numbers.unit_name(r.unit, lang) for r in rows],
            t("period_col", lang): [
                numbers.period(int(held.at[i, "first_year"]), int(held.at[i, "last_year"]))
                if i in held.index
                else ""
                for i in ids
            ],
            t("suppressed_col", lang): [
                int(held.at[i, "suppressed"]) if i in held.index else 0 for i in ids
            ],
            t("definition", lang): [text(r, "definition", lang) for r in rows],
        }
    )


def missing(meta: dict[str, str]) -> pd.DataFrame:
    """Indicators the build left out, with the reason; empty when none is missing."""
    reasons = json.loads(meta.get("missing_indicators", "{}"))
    return pd.DataFrame(reasons.items(), columns=["indicator_id", "reason"])
