"""The Data og kilder page's model: the indicator catalogue and the indicators this build lacks."""

from __future__ import annotations

import json

import pandas as pd

from utfordringsbilde import numbers
from utfordringsbilde.i18n import STRINGS, source_label, t
from utfordringsbilde.pagemodels.common import provider_name, text


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
            # The catalogue's definitions are written in bokmål only; the header says so
            # rather than passing them off as the screen's language.
            t("definition" if lang == "nb" else "definition_nb_only", lang): inds[
                "definition_nb"
            ].tolist(),
        }
    )


def missing(meta: dict[str, str], lang: str = "nb") -> pd.DataFrame:
    """Indicators the build left out, with the reason; empty when none is missing."""
    reasons = json.loads(meta.get("missing_indicators", "{}"))
    columns = [t("missing_col_indicator", lang), t("missing_col_reason", lang)]
    return pd.DataFrame(reasons.items(), columns=columns)


def _status(status: object, lang: str) -> str:
    key = f"run_status_{status}"
    return t(key, lang) if key in STRINGS else str(status or "")


def runs(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ETL runs for people: translated columns, Oslo times, provider names, grouped
    row counts, and nothing where the log has no value (never `None`)."""
    return pd.DataFrame(
        {
            t("run_col_started", lang): [numbers.oslo_time(x) for x in frame["started_at"]],
            t("run_col_finished", lang): [numbers.oslo_time(x) for x in frame["finished_at"]],
            t("run_col_source", lang): [provider_name(str(x), lang) for x in frame["source"]],
            t("run_col_status", lang): [_status(x, lang) for x in frame["status"]],
            t("run_col_rows", lang): [
                "" if pd.isna(x) else numbers.number(int(x), 0, lang) for x in frame["rows"]
            ],
            t("run_col_message", lang): [
                "" if x is None or pd.isna(x) else str(x) for x in frame["message"]
            ],
            t("run_col_id", lang): [str(x) for x in frame["run_id"]],
        }
    )
