"""The Planevaluering page's model: the table alternative to the measures matrix."""

from __future__ import annotations

import pandas as pd

from utfordringsbilde.evaluation import Evaluation
from utfordringsbilde.i18n import t


def measures_table(ev: Evaluation, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """Every measure as a row: the table alternative to the matrix."""
    strategies = {s.id: s.name.get(lang) for s in ev.plan.strategies}
    return pd.DataFrame(
        {
            t("measure_number_col", lang): list(range(1, len(ev.plan.tiltak) + 1)),
            t("eval_measure", lang): [" ".join(x.name.get(lang).split()) for x in ev.plan.tiltak],
            t("eval_strategy", lang): [
                strategies.get(x.strategy or "", "") for x in ev.plan.tiltak
            ],
            t("eval_levels", lang): [
                ", ".join(t(f"eval_level_{lv}", lang) for lv in x.prevention_level)
                for x in ev.plan.tiltak
            ],
            t("eval_risk_factors", lang): [
                "; ".join(names[rf] for rf in x.risk_factors) for x in ev.plan.tiltak
            ],
            t("eval_responsible", lang): [x.responsible or "" for x in ev.plan.tiltak],
            t("eval_measure_status", lang): [
                t(f"eval_mstatus_{x.status}", lang) for x in ev.plan.tiltak
            ],
            t("eval_priority", lang): [
                t("eval_yes", lang) if x.priority else "" for x in ev.plan.tiltak
            ],
            t("eval_mapped", lang): [", ".join(x.mapped) for x in ev.plan.tiltak],
        }
    )
