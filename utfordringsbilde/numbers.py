"""Norwegian (and English) number formats: `1 600`, `20,5 %`, `3,2 per 1 000`."""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from utfordringsbilde.i18n import number_locale, t
from utfordringsbilde.vocab import Flag


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: float | int | None, decimals: int = 0, lang: str = "nb") -> str:
    """`x` with grouping and a fixed number of decimals in the language's format; '' for None."""
    if x is None or _missing(x):
        return ""
    # Keyed by the locale, not the language code: a code's meaning is its catalog's header.
    code = number_locale(lang)
    if x == 0:
        # 0.0 and -0.0 are equal keys to a cache but babel writes them "0" and "-0".
        pattern, locale = _pattern(decimals, code)
        return pattern.apply(x, locale)
    return _formatted(x, decimals, code)


@lru_cache(maxsize=1 << 16, typed=True)
def _formatted(x: float | int, decimals: int, code: str) -> str:
    # A page shows some thousand numbers on every rerun, mostly the same ones: remember them
    # (typed, so 1 and 1.0 are kept apart) rather than going through babel each time.
    pattern, locale = _pattern(decimals, code)
    return pattern.apply(x, locale)


@lru_cache(maxsize=64)
def _pattern(decimals: int, code: str) -> tuple[NumberPattern, Locale]:
    """babel's parsed pattern and locale; `format_decimal` would parse both on every call."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return parse_pattern(pattern), Locale.parse(code)


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
    text = number(x, dec, lang)
    return t(f"unit_value_{unit}", lang, value=text) if with_unit else text


def interval(lo: float | None, hi: float | None, decimals: int = 1, lang: str = "nb") -> str:
    """A confidence interval as `10,1–14,6`; '' when either end is missing."""
    if _missing(lo) or _missing(hi):
        return ""
    return f"{number(lo, decimals, lang)}–{number(hi, decimals, lang)}"


def unit_name(unit: str, lang: str = "nb") -> str:
    """The unit in words (prosent, per 1 000, …)."""
    return t(f"unit_{unit}", lang)


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


# Before a figure that is a sum of cells the source perturbs (SSB 04362): near, not exact.
# Not "≈": that is the symbol of the verdict "no certain difference" in the same tables.
APPROXIMATE_MARK = "~"


def is_approximate(row: object) -> bool:
    """Whether a frame row (namedtuple) is marked approximate; a missing column or NaN: not."""
    v = getattr(row, "approximate", False)
    try:
        return bool(v) and v == v  # NaN is truthy but not equal to itself
    except TypeError:  # pd.NA
        return False


def approximate(text: str, is_approximate: bool) -> str:
    """A formatted value with the approximate marker in front when it is approximate."""
    return f"{APPROXIMATE_MARK} {text}" if is_approximate and text else text
