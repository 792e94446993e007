"""Small lookups every page model shares: names in the chosen language, formatted values."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from utfordringsbilde import numbers
from utfordringsbilde.config import Districts, Text
from utfordringsbilde.i18n import label, publisher, t


def text(row: object, field: str, lang: str) -> str:
    """A catalog row's `field` text in `lang`, bokmål where the language has none."""
    return label(row, field, lang)


def names(inds: pd.DataFrame, field: str, lang: str) -> dict[str, str]:
    """Indicator id → its `field` (name, short, theme) in `lang`."""
    return {r.indicator_id: text(r, field, lang) for r in inds.itertuples(index=False)}


def flag(f: object) -> str | None:
    """A source symbol, or None for a missing (NaN) one."""
    return f if isinstance(f, str) else None


def formatter(inds: pd.DataFrame, lang: str) -> Callable[..., str]:
    """A function (indicator id, value, flag) → the value in the indicator's unit and decimals."""
    info = inds.set_index("indicator_id")

    def fmt(indicator_id: str, value: float | None, f: object = None) -> str:
        unit, dec = str(info.at[indicator_id, "unit"]), int(info.at[indicator_id, "decimals"])
        return numbers.value(value, unit, dec, lang, flag(f))

    return fmt


def provider_name(provider: str, lang: str) -> str:
    """A data provider as people know it: `Statistisk sentralbyrå (SSB)`, never `LOCAL`."""
    try:
        return t(f"provider_{publisher(provider)}", lang)
    except KeyError:  # a source without a name of its own (e.g. one added outside)
        return provider.upper()


def provider_names(providers: object, lang: str) -> str:
    """The distinct providers named in `providers`, in a fixed order, joined by commas."""
    unique = sorted({publisher(str(p)) for p in providers})  # type: ignore[attr-defined]
    return ", ".join(provider_name(p, lang) for p in unique)


# Norwegian alphabet order: æ, ø, å after z (Unicode puts å first).
_NORWEGIAN_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}"})


def kommune_options(with_data: pd.DataFrame, national: Mapping[str, str]) -> dict[str, str]:
    """Kommune number → "Name (number)" for the picker: the kommuner with data in the
    warehouse first, then every other kommune of the country, each group by name."""

    def by_name(item: tuple[str, str]) -> tuple[str, str]:
        return item[1].casefold().translate(_NORWEGIAN_ORDER), item[0]

    own = dict(zip(with_data["area_code"], with_data["name"], strict=True))
    rest = {c: n for c, n in national.items() if c not in own}
    ordered = sorted(own.items(), key=by_name) + sorted(rest.items(), key=by_name)
    return {code: name for code, name in ordered}


def level_label(level: str, lang: str, own_name: Text | None = None) -> str:
    """A district level as the sidebar names it; the kommune's own districts with the name its
    file gives them (`districts.level_name`) when it gives one other than the default."""
    words = t(f"level_{level}", lang)
    # Only a name that says more than the default in this language ("district" adds nothing).
    if level == "district" and own_name is not None:
        own = own_name.get(lang)
        if own != Districts().level_name.get(lang):
            return f"{words} ({own})"
    return words


def any_approximate(cells: pd.DataFrame) -> bool:
    """Whether any row of `cells` is marked approximate (the page then explains the marker)."""
    return "approximate" in cells.columns and bool(cells["approximate"].fillna(False).any())
