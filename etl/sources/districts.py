"""Public district sources: the district levels from KLASS, population per grunnkrets (SSB 04317)
rolled up to every level, and the GEO codes below a kommune that an FHI table lists.

Everything here works for any kommune without a kommune file, and in the fewest requests the
APIs allow: KLASS answers the whole country in one request per classification or
correspondence, and 04317 is asked for as many kommuner at once as the cell limit lets through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from etl import jsonstat
from etl.http import ApiError, Client, base_url
from etl.sources import klass, ssb
from utfordringsbilde import districts
from utfordringsbilde.districts import Level

# KLASS classifications below the kommune. 1 (delområder and grunnkretser) and 103 (bydeler of
# Oslo, Bergen, Stavanger, Trondheim) are V-primary/V-secondary; the grunnkrets → bydel
# correspondence (1 → 103) is V-secondary. The levekårssone classification id (745, as
# helseprofil/norgeo names it) is NOT verified from here: a refresh that finds no such
# correspondence says so and goes on without levekårssoner.
GRUNNKRETSER = klass.GRUNNKRETSER
BYDELER = 103
LEVEKARSSONER = 745

# SSB 04317 "Grunnkretsenes befolkning (G)": Grunnkretser (8 digits, not eliminable; also
# KKKK0000 "Ikke koblet" and KKKK9999 "Uoppgitt"), ContentsCode (one value), Tid.
POPULATION_TABLE = "04317"
POPULATION_INDICATOR = "befolkning"
MAX_CELLS = ssb.MAX_CELLS


# ------------------------------------------------------------------------------ KLASS


def corresponds_at(
    client: Client, source: int, target: int, at: date
) -> list[dict[str, Any]] | None:
    """Correspondence items source → target valid on `at`; [] when KLASS has no such table
    (404); None in a dry run."""
    url = f"{base_url('klass')}/classifications/{source}/correspondsAt"
    params = {"targetClassificationId": str(target), "date": at.isoformat()}
    try:
        found = client.get_json(url, params=params, headers=klass.HEADERS)
    except ApiError as e:
        if e.status == 404:
            return []
        raise
    if found is None:
        return None
    items = found.get("correspondenceItems") if isinstance(found, dict) else None
    if not isinstance(items, list):
        raise klass.KlassError(f"KLASS {source}→{target}: no 'correspondenceItems' in the answer")
    return items


@dataclass
class KlassDistricts:
    """The whole country's district classifications on one date (three requests, any kommune)."""

    codes: pd.DataFrame  # KLASS 1: code, name, level, parent_code
    bydeler: pd.DataFrame  # grunnkrets, code, name
    levekarssoner: pd.DataFrame  # grunnkrets, code, name
    notes: list[str] = field(default_factory=list)


def _items(items: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    rows = [
        (str(i["sourceCode"]), str(i["targetCode"]), str(i.get("targetName") or i["targetCode"]))
        for i in items
        if i.get("sourceCode") and i.get("targetCode")
    ]
    return pd.DataFrame(rows, columns=["grunnkrets", "code", "name"]).drop_duplicates("grunnkrets")


def fetch_klass(
    client: Client, at: date, levekarssoner: int = LEVEKARSSONER
) -> KlassDistricts | None:
    """Delområder and grunnkretser with names (KLASS 1), and grunnkrets → bydel and → levekårssone
    correspondences, for the whole country; None in a dry run."""
    codes = klass.codes_at(client, GRUNNKRETSER, at)
    by = corresponds_at(client, GRUNNKRETSER, BYDELER, at)
    lks = corresponds_at(client, GRUNNKRETSER, levekarssoner, at)
    if codes is None or by is None or lks is None:
        return None
    notes = []
    if not lks:
        notes.append(
            f"klass: no grunnkrets → levekårssone correspondence ({GRUNNKRETSER}→{levekarssoner})"
        )
    return KlassDistricts(klass.frame(codes), _items(by), _items(lks), notes)


def grunnkrets_table(tables: KlassDistricts, kommune: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """One kommune's grunnkretser with their delområde, bydel and levekårssone (the columns of
    data/areas), and the delområder's names."""
    codes = tables.codes[tables.codes["code"].str.startswith(kommune)]
    level2 = codes[codes["level"] == "2"]
    level1 = codes[codes["level"] == "1"]
    # Delområder are level 1 as KKKKDD00; the warehouse uses their 6-digit form KKKKDD.
    names = {str(c)[:6]: str(n) for c, n in zip(level1["code"], level1["name"], strict=True)}
    table = pd.DataFrame(
        {
            "grunnkrets": level2["code"].astype(str).to_numpy(),
            "grunnkrets_navn": level2["name"].astype(str).to_numpy(),
        }
    )
    table["delomrade"] = table["grunnkrets"].str[:6]
    for column, frame in (("levekarssone", tables.levekarssoner), ("bydel", tables.bydeler)):
        part = frame.set_index("grunnkrets")
        table[column] = table["grunnkrets"].map(part["code"]).fillna("")
        table[f"{column}_navn"] = table["grunnkrets"].map(part["name"]).fillna("")
    return table, names


def public_levels(tables: KlassDistricts, kommune: str) -> list[Level]:
    """The district levels KLASS has for a kommune: levekårssoner, bydeler, delområder."""
    table, names = grunnkrets_table(tables, kommune)
    return districts.levels_from_table(kommune, table, names)


def level_areas(levels: Sequence[Level], demo: bool = False) -> pd.DataFrame:
    """Area rows (AREA_COLUMNS of etl.load) for the districts of `levels` and their grunnkretser."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for lv in levels:
        for d in lv.districts:
            rows.append(
                {
                    "area_code": d.code,
                    "name": d.name,
                    "level": lv.kind,
                    "parent_code": lv.kommune,
                    "kommune_code": lv.kommune,
                    "demo_code": demo,
                }
            )
    for lv in sorted(levels, key=lambda x: districts.KINDS.index(x.kind)):
        for d in lv.districts:
            for g in d.grunnkretser:
                if g not in seen:
                    seen.add(g)
                    rows.append(
                        {
                            "area_code": g,
                            "name": f"Grunnkrets {g}",
                            "level": "grunnkrets",
                            "parent_code": d.code,
                            "kommune_code": lv.kommune,
                            "demo_code": demo,
                        }
                    )
    return pd.DataFrame(rows)


def level_members(levels: Sequence[Level]) -> pd.DataFrame:
    """district_member rows for `levels`."""
    frames = [lv.members() for lv in levels]
    if not frames:
        return pd.DataFrame(columns=["area_code", "grunnkrets_code"])
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------------------------ SSB 04317


def population_batches(meta: Mapping[str, Any] | None, kommuner: Sequence[str]) -> list[list[str]]:
    """Kommuner packed into as few 04317 queries as the cell limit allows (grunnkrets codes ×
    years per kommune, read from the metadata); one query per kommune without metadata."""
    if meta is None:
        return [[k] for k in kommuner]
    gks = jsonstat.categories(meta, "Grunnkretser")
    years = max(len(jsonstat.categories(meta, "Tid")), 1)
    per = {k: sum(1 for g in gks if g.startswith(k)) * years for k in kommuner}
    batches: list[list[str]] = []
    cells = 0
    for k in kommuner:
        if batches and cells + per[k] <= MAX_CELLS:
            batches[-1].append(k)
            cells += per[k]
        else:
            batches.append([k])
            cells = per[k]
    return batches


@dataclass
class Population:
    """Population per grunnkrets and per kommune (sum of all its grunnkrets codes)."""

    grunnkretser: pd.DataFrame  # area_code, period_from, period_to, sex, age_group, numerator, …
    updated: Any = None
    requests: int = 0


def population(client: Client, kommuner: Sequence[str], years: int = 5) -> Population | None:
    """SSB 04317 for the kommuner, the last `years` years; None in a dry run."""
    meta = ssb.metadata(client, POPULATION_TABLE, {})
    batches = population_batches(meta, kommuner)
    frames = []
    updated = None
    # The newest years spelled out from the metadata, as the other SSB queries do.
    tid = [f"top({years})"]
    if meta is not None:
        tid = ssb.expand(tid, jsonstat.categories(meta, "Tid")) or tid
    for batch in batches:
        selection = [
            {"variableCode": "Grunnkretser", "valueCodes": [f"{k}*" for k in batch]},
            {"variableCode": "ContentsCode", "valueCodes": ["*"]},
            {"variableCode": "Tid", "valueCodes": tid},
        ]
        ds = ssb.data(client, POPULATION_TABLE, selection)
        if ds is None:
            continue
        updated = jsonstat.dataset_updated(ds) or updated
        cells = jsonstat.flatten(ds, name=f"ssb {POPULATION_TABLE}", categorical=False)
        frames.append(cells)
    if client.dry_run:
        return None
    cells = pd.concat(frames, ignore_index=True)
    year = cells["Tid"].astype(int)
    out = pd.DataFrame(
        {
            "area_code": cells["Grunnkretser"].astype(str),
            "period_from": year,
            "period_to": year,
            "sex": "all",
            "age_group": "all",
            "numerator": cells["value"],
            "denominator": float("nan"),
            "flag": cells["flag"].where(cells["flag"].notna(), None),
        }
    )
    return Population(out, updated, len(batches) + 1)


def population_observations(
    pop: Population, kommuner: Sequence[str], levels: Sequence[Level]
) -> pd.DataFrame:
    """Observation rows of `befolkning`: each kommune (sum of all its grunnkrets codes, so it
    equals SSB's kommune total) and each district of every level (sum of its grunnkretser)."""
    gk = pop.grunnkretser
    key = ["period_from", "period_to", "sex", "age_group"]
    frames = []
    valid = gk[gk["flag"].isna()]
    for k in kommuner:
        part = valid[valid["area_code"].str.startswith(k)]
        if part.empty:
            continue
        total = part.groupby(key, as_index=False)["numerator"].sum()
        total["area_code"] = k
        total["value"] = total["numerator"]
        total["flag"] = None
        frames.append(total)
    members = level_members(levels)
    if not members.empty:
        rolled = districts.roll_up(gk, members, "count")
        frames.append(rolled)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out["indicator_id"] = POPULATION_INDICATOR
    out["source"] = "ssb"
    out["source_updated"] = pop.updated
    out["denominator"] = float("nan")
    return out


# ------------------------------------------------------------------------------ FHI


def geo_children(dims: Sequence[Mapping[str, Any]] | None, kommuner: Iterable[str]) -> list[str]:
    """The GEO codes below the kommuner that an FHI table's /dimension lists: bydeler (6 digits)
    and levekårssoner (10 digits), wherever they sit in the category tree."""
    if not dims:
        return []
    geo = next((d for d in dims if str(d.get("code", "")).upper() == "GEO"), None)
    if geo is None:
        return []
    wanted = tuple(kommuner)
    out: list[str] = []

    def walk(items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            code = str(item.get("value", ""))
            if code.startswith(wanted) and districts.kind_of_geo(code) in ("bydel", "levekarssone"):
                out.append(code)
            walk(item.get("children") or [])

    walk(geo.get("categories") or [])
    return list(dict.fromkeys(out))


def geo_area(code: str) -> str | None:
    """The warehouse area code of an FHI GEO code below the kommune (bydel → 'B' + code)."""
    kind = districts.kind_of_geo(code)
    if kind in ("bydel", "levekarssone"):
        return districts.area_code(kind, code)
    return None
