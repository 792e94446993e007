"""District levels below the kommune: each level is a set of districts, each a set of grunnkretser.

A kommune can have several levels at once: its own districts (its kommune file), levekårssoner,
bydeler and SSB's delområder. Grunnkrets-level counts roll up to any level by summing numerator
and denominator; figures a source publishes at one level stay at that level.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from utfordringsbilde.config import UNIT_MULTIPLIER, Kommune
from utfordringsbilde.paths import DATA_DIR

# District levels, in the order a kommune's default level is chosen: its own districts first.
# Each kind is also the `area.level` of its districts ('district' = the kommune's own).
KINDS: tuple[str, ...] = ("district", "levekarssone", "bydel", "delomrade")

AREAS_DIR = DATA_DIR / "areas"


def area_code(kind: str, code: str) -> str:
    """The warehouse area code of a district: SSB's code, except bydeler (which share delområde
    codes: 460101 is both Bergen's bydel Arna and its delområde 01) get the prefix 'B'."""
    if kind == "bydel":
        return code if code.startswith("B") else "B" + code
    return code


def source_code(kind: str, area: str) -> str:
    """The code a source uses for a district's area code (the inverse of `area_code`)."""
    return area[1:] if kind == "bydel" and area.startswith("B") else area


def kind_of_geo(code: str) -> str | None:
    """The district kind of an FHI/SSB geography code below the kommune, by its length."""
    if not code.isdigit():
        return None
    return {6: "bydel", 8: "grunnkrets", 10: "levekarssone"}.get(len(code))


@dataclass(frozen=True)
class District:
    """One district of a level: area code, name and its grunnkretser."""

    code: str
    name: str
    grunnkretser: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    """One district level of one kommune."""

    kind: str
    kommune: str
    districts: tuple[District, ...]

    def members(self) -> pd.DataFrame:
        """area_code (district), grunnkrets_code: one row per grunnkrets of each district."""
        rows = [(d.code, g) for d in self.districts for g in d.grunnkretser]
        return pd.DataFrame(rows, columns=["area_code", "grunnkrets_code"])


@cache
def area_file(kommune: str, folder: Path = AREAS_DIR) -> pd.DataFrame | None:
    """The kommune's bundled grunnkrets table (data/areas/<code>.csv), or None when it has none."""
    path = folder / f"{kommune}.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    frame = pd.DataFrame(rows, dtype=str).fillna("")
    bad = frame[~frame["grunnkrets"].str.fullmatch(rf"{kommune}\d{{4}}")]
    if not bad.empty:
        raise ValueError(f"{path}: grunnkrets {bad['grunnkrets'].iloc[0]!r} is not in {kommune}")
    return frame


def levels_from_table(
    kommune: str,
    table: pd.DataFrame,
    delomrade_names: Mapping[str, str] | None = None,
) -> list[Level]:
    """Levekårssoner, bydeler and delområder from a grunnkrets table (columns as in data/areas,
    optionally `bydel` and `bydel_navn`); a level whose column is absent or empty is left out."""
    names = delomrade_names or {}
    out: list[Level] = []
    for kind, column, label in (
        ("levekarssone", "levekarssone", "levekarssone_navn"),
        ("bydel", "bydel", "bydel_navn"),
    ):
        if column not in table:
            continue
        part = table[table[column].fillna("").astype(bool)]
        if part.empty:
            continue
        out.append(
            Level(
                kind,
                kommune,
                tuple(
                    District(
                        area_code(kind, code),
                        str(g[label].iloc[0]) if label in g and g[label].iloc[0] else code,
                        tuple(g["grunnkrets"]),
                    )
                    for code, g in part.groupby(column, sort=True)
                ),
            )
        )
    if not table.empty:
        out.append(
            Level(
                "delomrade",
                kommune,
                tuple(
                    District(code, names.get(code) or f"Delområde {code}", tuple(g["grunnkrets"]))
                    for code, g in table.groupby("delomrade", sort=True)
                ),
            )
        )
    return out


def own_level(k: Kommune) -> Level | None:
    """The kommune file's own districts as a level, or None when the file defines none."""
    return Level(
        "district",
        k.code,
        tuple(District(d.code, d.name, tuple(d.grunnkretser)) for d in k.districts.items),
    )


def config_levels(k: Kommune) -> list[Level]:
    """The levels the project's own files give a kommune: its own districts, then the bundled
    levekårssoner and delområder (data/areas), in KINDS order."""
    levels = [lv for lv in [own_level(k)] if lv is not None]
    table = area_file(k.code)
    if table is not None:
        levels += levels_from_table(k.code, table)
    return sorted(levels, key=lambda lv: KINDS.index(lv.kind))


def default_kind(kinds: Iterable[str]) -> str | None:
    """The level shown when none is chosen: own districts, else levekårssoner, bydeler,
    delområder."""
    present = set(kinds)
    return next((k for k in KINDS if k in present), None)


def head_counts(
    grunnkretser: pd.DataFrame, kommuner: Sequence[str], members: pd.DataFrame
) -> pd.DataFrame:
    """Head counts per grunnkrets summed upwards: each kommune (all its grunnkrets codes that
    have a count) and each district of `members` (`roll_up`); no columns when nothing sums."""
    key = ["period_from", "period_to", "sex", "age_group"]
    frames = []
    valid = grunnkretser[grunnkretser["flag"].isna()]
    for k in kommuner:
        part = valid[valid["area_code"].str.startswith(k)]
        if part.empty:
            continue
        total = part.groupby(key, as_index=False)["numerator"].sum()
        frames.append(total.assign(area_code=k, value=total["numerator"], flag=None))
    if not members.empty:
        frames.append(roll_up(grunnkretser, members, "count"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def roll_up(
    obs: pd.DataFrame,
    members: pd.DataFrame,
    unit: str,
) -> pd.DataFrame:
    """Grunnkrets observations summed to districts: numerator and denominator, never rates.

    `obs` has area_code (grunnkrets), period_from, period_to, sex, age_group, numerator,
    denominator, flag; `members` has area_code (district), grunnkrets_code. A district gets a
    value only when every one of its grunnkretser has a count for that period; otherwise '..'
    (a grunnkrets that changed between years, or one that is suppressed, leaves the sum unknown).
    """
    key = ["period_from", "period_to", "sex", "age_group"]
    joined = members.merge(
        obs.rename(columns={"area_code": "grunnkrets_code"}), on="grunnkrets_code", how="inner"
    )
    if joined.empty:
        columns = ["area_code", *key, "numerator", "denominator", "value", "flag"]
        return pd.DataFrame(columns=columns)
    size = members.groupby("area_code").size().rename("_n")
    joined["_ok"] = joined["flag"].isna() & joined["numerator"].notna()
    grouped = joined.groupby(["area_code", *key], dropna=False)
    out = grouped.agg(
        numerator=("numerator", "sum"),
        denominator=("denominator", lambda s: s.sum(min_count=1)),
        _ok=("_ok", "sum"),
    ).reset_index()
    out = out.join(size, on="area_code")
    complete = out["_ok"] == out["_n"]
    mult = UNIT_MULTIPLIER[unit]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = out["numerator"] / out["denominator"] * mult
    out["value"] = np.where(complete, out["numerator"] if unit == "count" else rate, np.nan)
    out["numerator"] = out["numerator"].where(complete)
    out["flag"] = pd.Series("..", index=out.index).where(~(complete & out["value"].notna()))
    return out.drop(columns=["_ok", "_n"])
