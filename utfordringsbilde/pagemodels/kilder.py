"""The Data og kilder page's model: the indicator catalogue and the indicators this build lacks."""

from __future__ import annotations

import json
import re

import pandas as pd

from utfordringsbilde import numbers
from utfordringsbilde.i18n import source_label, t
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
                source_label(r.source, r.source_table, bool(r.source_verified), lang, notes=True)
                for r in rows
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


def missing(meta: dict[str, str], lang: str = "nb") -> pd.DataFrame:
    """Indicators the build left out, with the reason; empty when none is missing."""
    reasons = json.loads(meta.get("missing_indicators", "{}"))
    columns = [t("missing_col_indicator", lang), t("missing_col_reason", lang)]
    return pd.DataFrame(reasons.items(), columns=columns)


def _status(status: object, lang: str) -> str:
    try:
        return t(f"run_status_{status}", lang)
    except KeyError:  # a status this version does not know: shown as stored
        return str(status or "")


# An import run's message (etl/sources/local.py) names who imported ("… (sha256 …) by WHO at
# 2025-01-01T12:00:00Z: …") and the file's `kontakt` values ("; kontakt: a, b"), up to the
# next "; key: " note or the end.
_WHO = re.compile(r"(\(sha256 [0-9a-f]+\)) by .*? at (\d{4}-\d\d-\d\dT[\d:]+Z:)", re.S)
_CONTACT = re.compile(r"; kontakt: .*?(?=; [a-z_]+: |$)", re.S)


def public_message(message: str | None) -> str | None:
    """A run's message without who imported and without the file's contact persons."""
    if not message:
        return message
    return _CONTACT.sub("", _WHO.sub(r"\1 at \2", message))


def runs(frame: pd.DataFrame, lang: str, signed_in: bool) -> pd.DataFrame:
    """The ETL runs for people: translated columns, Oslo times, provider names, grouped
    row counts, and nothing where the log has no value (never `None`). For the public,
    messages leave out people's names and e-mail addresses (`public_message`). A run after
    this warehouse's build (`queries.run_history`'s `after_build`) says so in its status."""
    shown = (lambda m: m) if signed_in else public_message
    after = frame["after_build"] if "after_build" in frame else pd.Series(False, index=frame.index)
    later = f" ({t('run_after_build', lang)})"
    return pd.DataFrame(
        {
            t("run_col_started", lang): [numbers.oslo_time(x) for x in frame["started_at"]],
            t("run_col_finished", lang): [numbers.oslo_time(x) for x in frame["finished_at"]],
            t("run_col_source", lang): [provider_name(str(x), lang) for x in frame["source"]],
            t("run_col_status", lang): [
                _status(x, lang) + (later if a else "")
                for x, a in zip(frame["status"], after.eq(True), strict=True)
            ],
            t("run_col_rows", lang): [
                "" if pd.isna(x) else numbers.number(int(x), 0, lang) for x in frame["rows"]
            ],
            t("run_col_message", lang): [
                "" if x is None or pd.isna(x) else str(shown(str(x))) for x in frame["message"]
            ],
            t("run_col_id", lang): [str(x) for x in frame["run_id"]],
        }
    )
