"""The Distriktsprofil page's model: the district's table beside the spine chart, and the export."""

from __future__ import annotations

import pandas as pd

from utfordringsbilde import export
from utfordringsbilde.i18n import flag_meaning, t, trend_label, verdict_label
from utfordringsbilde.numbers import approximate
from utfordringsbilde.overview import Overview
from utfordringsbilde.pagemodels.common import any_approximate, flag, formatter, names


def chosen(ov: Overview, district: str | None) -> tuple[str, str]:
    """The district shown (code, name): the one chosen, else the kommune's first."""
    names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
    code = district or str(ov.districts["area_code"].iloc[0])
    return code, names[code]


def choices(ov: Overview) -> list[tuple[str, str]]:
    """The kommune's districts to choose from (code, name), in the kommune's order."""
    return list(zip(ov.districts["area_code"], ov.districts["name"], strict=True))


def spine_rows(prof: pd.DataFrame) -> pd.DataFrame:
    """The profile rows the spine chart can place: a position, or a symbol to show."""
    return prof[prof["spine_x"].notna() | prof["flag"].notna()]


def _approx(prof: pd.DataFrame) -> list[bool]:
    if "approximate" not in prof.columns:
        return [False] * len(prof)
    return prof["approximate"].fillna(False).astype(bool).tolist()


def has_approximate(prof: pd.DataFrame) -> bool:
    """Whether any figure of the profile is approximate (the page then explains the marker)."""
    return any_approximate(prof)


def table(
    prof: pd.DataFrame, inds: pd.DataFrame, name: str, kommune_name: str, lang: str
) -> pd.DataFrame:
    """One row per indicator: the district, the kommune, landet, the comparison, the trend."""
    fmt = formatter(inds, lang)
    short = names(inds, "short", lang)
    ids = prof["indicator_id"]
    return pd.DataFrame(
        {
            t("indicator", lang): [short[i] for i in ids],
            name: [
                approximate(fmt(i, v, f), a)
                for i, v, f, a in zip(ids, prof["value"], prof["flag"], _approx(prof), strict=True)
            ],
            kommune_name: [fmt(i, v) for i, v in zip(ids, prof["kommune_value"], strict=True)],
            t("landet", lang): [fmt(i, v) for i, v in zip(ids, prof["landet_value"], strict=True)],
            t("compared_with", lang) + " " + kommune_name: [
                flag_meaning(f, lang) if flag(f) else verdict_label(str(v), lang)
                for v, f in zip(prof["verdict"], prof["flag"], strict=True)
            ],
            t("trend", lang): [trend_label(d, lang) for d in prof["trend_direction"]],
        }
    )


def export_rows(
    prof: pd.DataFrame,
    inds: pd.DataFrame,
    district: str,
    name: str,
    kommune_name: str,
    built: str,
    lang: str,
) -> pd.DataFrame:
    """The profile for analysts: one row per indicator, compared with the kommune."""
    return export.export_table(
        prof.assign(area_code=district), inds, {district: name}, kommune_name, built, lang
    )
