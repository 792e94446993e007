"""Norwegian (and English) number formats: `1 600`, `20,5 %`, `3,2 per 1 000`."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from utfordringsbilde.i18n import LOCALES, pick
from utfordringsbilde.vocab import Flag

UNIT_SUFFIX: dict[str, tuple[str, str, str]] = {
    "percent": ("\u00a0%", "\u00a0%", "\u00a0%"),
    "per_1000": ("\u00a0per 1\u00a0000", "\u00a0per 1\u00a0000", "\u00a0per 1,000"),
    "per_10000": ("\u00a0per 10\u00a0000", "\u00a0per 10\u00a0000", "\u00a0per 10,000"),
    "count": ("", "", ""),
    "score": ("", "", ""),
    "years": ("\u00a0år", "\u00a0år", "\u00a0years"),
    "ratio": ("", "", ""),
}

UNIT_NAME: dict[str, tuple[str, str, str]] = {
    "percent": ("prosent", "prosent", "per cent"),
    # A no-break space in the number: "(per 1 000)" never breaks between "1" and "000".
    "per_1000": ("per 1\u00a0000", "per 1\u00a0000", "per 1,000"),
    "per_10000": ("per 10\u00a0000", "per 10\u00a0000", "per 10,000"),
    "count": ("antall", "tal", "count"),
    "score": ("poeng", "poeng", "points"),
    "years": ("år", "år", "years"),
    "ratio": ("forholdstall", "forholdstal", "ratio"),
}


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: float | int | None, decimals: int = 0, lang: str = "nb") -> str:
    """`x` with grouping and a fixed number of decimals in the language's format; '' for None."""
    if x is None or _missing(x):
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(x, format=pattern, locale=LOCALES.get(lang, "nb_NO"))


def value(
    x: float | None,
    unit: str,
    decimals: int = 1,
    lang: str = "nb",
    flag: str | None = None,
    with_unit: bool = True,
) -> str:
    """An indicator value with its unit (`20,5 %`); a flagged cell shows its symbol, never 0."""
    if flag:
        return flag
    if _missing(x):
        return Flag.MISSING
    dec = 0 if unit == "count" else decimals
    suffix = pick(UNIT_SUFFIX[unit], lang) if with_unit else ""
    return number(x, dec, lang) + suffix


def interval(lo: float | None, hi: float | None, decimals: int = 1, lang: str = "nb") -> str:
    """A confidence interval as `10,1–14,6`; '' when either end is missing."""
    if _missing(lo) or _missing(hi):
        return ""
    return f"{number(lo, decimals, lang)}–{number(hi, decimals, lang)}"


def unit_name(unit: str, lang: str = "nb") -> str:
    """The unit in words (prosent, per 1 000, …)."""
    return pick(UNIT_NAME[unit], lang)


def period(period_from: int, period_to: int) -> str:
    """A period label: `2024` for one year, `2022–2024` for a multi-year average."""
    return str(period_to) if period_from == period_to else f"{period_from}–{period_to}"


OSLO = ZoneInfo("Europe/Oslo")


def oslo_time(value: dt.datetime | str | None) -> str:
    """A UTC time (as the warehouse and the notes store it, zone-less) in Oslo local time:
    `01.12.2026 11:47`; '' when there is none. Every time on screen goes through here, so
    no page shows UTC beside local time."""
    if isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    elif isinstance(value, dt.datetime) and value == value:  # NaT is not equal to itself
        when = value
    else:
        return ""
    utc = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when
    return utc.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")
