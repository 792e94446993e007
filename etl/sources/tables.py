"""SSB tables below the kommune besides 04317: children 0–17 per grunnkrets (04362, perturbed,
so every sum is approximate) and households per delområde (06944, kept at that level only).

Both are read for as many kommuner per query as the cell limit allows, with the codes read from
the table's /metadata first, as the other SSB queries do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from etl import jsonstat
from etl.http import Client
from etl.sources import ssb
from etl.sources.base import Request
from utfordringsbilde import districts
from utfordringsbilde.config import Indicator
from utfordringsbilde.districts import Level

CHILDREN_TABLE = "04362"
HOUSEHOLDS_TABLE = "06944"
# 06944's Region takes delområder as KKKKDD00 through this code list (apis.md §1).
DELOMRADER = "vs_Delomraader01"
MAX_AGE = 17
YEARS = 5

_AGE = re.compile(r"^(\d{1,3})(?:\s*-\s*(\d{1,3})|(\+))?$")


class TableError(ssb.SsbError):
    """A district table's metadata does not allow the figure the catalog asks for."""


# ------------------------------------------------------------------------------ shared


def _cells_per_kommune(
    meta: Mapping[str, Any], region: str, kommuner: Sequence[str], other: int
) -> dict[str, int]:
    codes = jsonstat.categories(meta, region)
    return {k: sum(1 for c in codes if c.startswith(k)) * other for k in kommuner}


def batches(per: Mapping[str, int], max_cells: int = ssb.MAX_CELLS) -> list[list[str]]:
    """Kommuner packed in order into as few queries as `max_cells` allows (cells per kommune
    in `per`); a kommune above the limit alone gets a query of its own."""
    out: list[list[str]] = []
    cells = 0
    for k, n in per.items():
        if out and cells + n <= max_cells:
            out[-1].append(k)
            cells += n
        else:
            out.append([k])
            cells = n
    return out


def _years(meta: Mapping[str, Any], years: int) -> list[str]:
    tid = [f"top({years})"]
    return ssb.expand(tid, jsonstat.categories(meta, "Tid"), time=True) or tid


def _eliminable(meta: Mapping[str, Any], dim: str) -> bool:
    ext = meta["dimension"][dim].get("extension") or {}
    return ext.get("elimination") is not False


def _dim(meta: Mapping[str, Any], name: str) -> str | None:
    return next((str(d) for d in meta.get("id", []) if str(d).casefold() == name.casefold()), None)


# ------------------------------------------------------------------------------ 04362


def age_bounds(code: str) -> tuple[int, float] | None:
    """(lowest, highest) age of an Alder code: '005' → (5, 5), '005-009' → (5, 9), '105+' →
    (105, inf); None for a code that is not an age (e.g. a total)."""
    m = _AGE.match(code.strip())
    if not m:
        return None
    low = int(m.group(1))
    if m.group(3):
        return low, float("inf")
    return low, float(m.group(2)) if m.group(2) else float(low)


def child_ages(meta: Mapping[str, Any], age_dim: str = "Alder") -> list[str]:
    """The Alder codes that together are exactly ages 0–17; TableError when the table's bands
    cross 17 (e.g. 15–19), since no sum of them is 0–17."""
    picked, top = [], -1.0
    for code in jsonstat.categories(meta, age_dim):
        bounds = age_bounds(code)
        if bounds is None:
            continue
        low, high = bounds
        if high <= MAX_AGE:
            picked.append(code)
            top = max(top, high)
        elif low <= MAX_AGE:
            raise TableError(f"table {CHILDREN_TABLE}: age band {code!r} crosses {MAX_AGE}")
    if top != MAX_AGE:
        raise TableError(f"table {CHILDREN_TABLE}: no age codes that add up to 0–{MAX_AGE}")
    return picked


def children_selection(
    meta: Mapping[str, Any], kommuner: Sequence[str], years: int = YEARS
) -> tuple[list[dict[str, Any]], int]:
    """The 04362 POST selection for `kommuner` and its cell count: every grunnkrets (KKKK*),
    ages 0–17, both sexes (eliminated where the table allows, else both selected and summed)."""
    region = _dim(meta, "Region") or "Region"
    age = _dim(meta, "Alder") or "Alder"
    ages = child_ages(meta, age)
    tid = _years(meta, years)
    selection: list[dict[str, Any]] = [
        {"variableCode": region, "valueCodes": [f"{k}*" for k in kommuner]},
        {"variableCode": age, "valueCodes": ages},
    ]
    sexes = 1
    sex = _dim(meta, "Kjonn")
    if sex is not None and not _eliminable(meta, sex):
        codes = [c for c in jsonstat.categories(meta, sex) if c in ("1", "2")]
        selection.append({"variableCode": sex, "valueCodes": codes})
        sexes = len(codes)
    contents = _dim(meta, "ContentsCode")
    if contents is not None:
        selection.append({"variableCode": contents, "valueCodes": ["*"]})
    selection.append({"variableCode": "Tid", "valueCodes": tid})
    per = _cells_per_kommune(meta, region, kommuner, len(ages) * sexes * len(tid))
    return selection, sum(per.values())


@dataclass
class Children:
    """Children 0–17 per grunnkrets code (all codes of each kommune, incl. 'Uoppgitt')."""

    grunnkretser: pd.DataFrame  # area_code, period_from, period_to, sex, age_group, numerator, …
    updated: Any = None
    requests: int = 0


def children(
    client: Client, kommuner: Sequence[str], years: int = YEARS, max_cells: int = ssb.MAX_CELLS
) -> Children | None:
    """SSB 04362 summed over ages 0–17 (and sex) per grunnkrets; None when no kommune was
    asked for."""
    meta = ssb.metadata(client, CHILDREN_TABLE, {})
    region = _dim(meta, "Region") or "Region"
    per = {k: children_selection(meta, [k], years)[1] for k in kommuner}
    frames, updated, sent = [], None, 1
    for batch in batches(per, max_cells):
        selection, _ = children_selection(meta, batch, years)
        ds = ssb.data(client, CHILDREN_TABLE, selection)
        sent += 1
        updated = jsonstat.dataset_updated(ds) or updated
        frames.append(jsonstat.flatten(ds, name=f"ssb {CHILDREN_TABLE}", categorical=False))
    if not frames:
        return None
    cells_frame = pd.concat(frames, ignore_index=True)
    code = cells_frame[region].astype(str)
    cells_frame = cells_frame[code.str.len() == 8]  # grunnkretser only, not a kommune total
    year = cells_frame["Tid"].astype(int)
    frame = pd.DataFrame(
        {
            "area_code": cells_frame[region].astype(str),
            "period_from": year,
            "period_to": year,
            "numerator": cells_frame["value"],
            "bad": cells_frame["flag"].notna(),
        }
    )
    key = ["area_code", "period_from", "period_to"]
    # A grunnkrets-year is known only when every age (and sex) cell of it is.
    summed = frame.groupby(key, as_index=False).agg(
        numerator=("numerator", "sum"), bad=("bad", "any")
    )
    out = summed.assign(
        sex="all",
        age_group="all",  # the indicator itself is 0–17, as barn_0_17 is
        denominator=np.nan,
        flag=pd.Series("..", index=summed.index).where(summed["bad"]),
    ).drop(columns="bad")
    out.loc[out["flag"].notna(), "numerator"] = np.nan
    return Children(out, updated, sent)


def children_observations(
    found: Children, kommuner: Sequence[str], levels: Sequence[Level], members: pd.DataFrame
) -> pd.DataFrame:
    """Observation rows: each kommune (sum of its grunnkrets codes) and each district of every
    level (sum of its grunnkretser), all marked approximate: SSB turns 1s and 2s into 0 or 3."""
    out = districts.head_counts(found.grunnkretser, kommuner, members)
    if out.columns.empty:  # nothing to sum
        return out
    out["source"] = "ssb"
    out["source_updated"] = found.updated
    out["denominator"] = np.nan
    out["approximate"] = out["flag"].isna()
    return out


# ------------------------------------------------------------------------------ 06944


@dataclass(frozen=True)
class HouseholdQuery:
    """What one 06944 indicator asks for: measure code and the household types that are the
    numerator and the denominator (the denominator may be absent: a value such as a median)."""

    measure: str
    numerator: list[str]
    denominator: list[str]


def household_query(ind: Indicator, meta: Mapping[str, Any]) -> HouseholdQuery:
    """An indicator's 06944 codes, `label:` codes resolved from the metadata."""
    s = ind.source
    wanted = {
        "ContentsCode": [s.measures.get("value", "")],
        "HusholdType": s.selection.get("HusholdType", []),
        "_den": s.selection.get("HusholdType_denominator", []),
    }
    real = ssb.resolve_labels({k: v for k, v in wanted.items() if k != "_den"}, meta)
    den = (
        ssb.resolve_labels({"HusholdType": wanted["_den"]}, meta)["HusholdType"]
        if wanted["_den"]
        else []
    )
    return HouseholdQuery(real["ContentsCode"][0], real["HusholdType"], den)


def household_selection(
    meta: Mapping[str, Any], queries: Sequence[HouseholdQuery], kommuner: Sequence[str], years: int
) -> tuple[list[dict[str, Any]], int]:
    """The 06944 POST selection for the delområder (KKKKDD00 via vs_Delomraader01) of
    `kommuner`, every household type and measure the indicators need; and its cell count."""
    types = list(dict.fromkeys(c for q in queries for c in (*q.numerator, *q.denominator)))
    measures = list(dict.fromkeys(q.measure for q in queries))
    tid = _years(meta, years)
    selection = [
        {
            "variableCode": "Region",
            "valueCodes": [f"{k}*" for k in kommuner],
            "codelist": DELOMRADER,
        },
        {"variableCode": "HusholdType", "valueCodes": types},
        {"variableCode": "ContentsCode", "valueCodes": measures},
        {"variableCode": "Tid", "valueCodes": tid},
    ]
    per = _cells_per_kommune(meta, "Region", kommuner, len(types) * len(measures) * len(tid))
    return selection, sum(per.values())


def households(
    client: Client,
    inds: Sequence[Indicator],
    kommuner: Sequence[str],
    years: int = YEARS,
    max_cells: int = ssb.MAX_CELLS,
) -> dict[str, pd.DataFrame] | None:
    """Observation rows per 06944 indicator, per delområde (6-digit area code); None when no
    kommune was asked for. A share is numerator / denominator households × 100, so
    suppression and intervals apply; a value measure (a median) is stored as it comes."""
    meta = ssb.metadata(client, HOUSEHOLDS_TABLE, {"Region": DELOMRADER})
    queries = [household_query(i, meta) for i in inds]
    per = {k: household_selection(meta, queries, [k], years)[1] for k in kommuner}
    frames, updated = [], None
    for batch in batches(per, max_cells):
        selection, _ = household_selection(meta, queries, batch, years)
        ds = ssb.data(client, HOUSEHOLDS_TABLE, selection)
        updated = jsonstat.dataset_updated(ds) or updated
        frames.append(jsonstat.flatten(ds, name=f"ssb {HOUSEHOLDS_TABLE}", categorical=False))
    if not frames:
        return None
    cells = pd.concat(frames, ignore_index=True)
    region = cells["Region"].astype(str)
    # Delområder only (KKKKDD00), stored as the warehouse's 6-digit delområde codes.
    cells = cells[(region.str.len() == 8) & region.str.endswith("00")]
    cells = cells.assign(area_code=cells["Region"].astype(str).str[:6])
    out: dict[str, pd.DataFrame] = {}
    for ind, q in zip(inds, queries, strict=True):
        out[ind.id] = _household_rows(cells, q).assign(
            indicator_id=ind.id, source="ssb", source_updated=updated
        )
    return out


def _household_rows(cells: pd.DataFrame, q: HouseholdQuery) -> pd.DataFrame:
    mine = cells[cells["ContentsCode"] == q.measure]
    key = ["area_code", "Tid"]

    def total(types: list[str], name: str) -> pd.DataFrame:
        part = mine[mine["HusholdType"].isin(types)]
        return part.groupby(key, as_index=False).agg(
            **{name: ("value", lambda s: s.sum(min_count=len(types)))},
            **{f"{name}_flag": ("flag", lambda s: next((f for f in s if f), None))},
        )

    num = total(q.numerator, "numerator")
    if q.denominator:
        frame = num.merge(total(q.denominator, "denominator"), on=key, how="outer")
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["value"] = frame["numerator"] / frame["denominator"] * 100
        flag = frame["numerator_flag"].fillna(frame["denominator_flag"])
    else:
        frame = num.assign(value=num["numerator"], denominator=np.nan)
        frame["numerator"] = np.nan  # a median is not a count
        flag = frame["numerator_flag"]
    frame["flag"] = flag.where(flag.notna() | frame["value"].notna(), "..")
    frame.loc[frame["flag"].notna(), ["value", "numerator"]] = np.nan
    year = frame["Tid"].astype(int)
    return pd.DataFrame(
        {
            "area_code": frame["area_code"],
            "period_from": year,
            "period_to": year,
            "value": frame["value"],
            "numerator": frame["numerator"],
            "denominator": frame["denominator"],
            "flag": frame["flag"].where(frame["flag"].notna(), None),
        }
    )


# ------------------------------------------------------------------------------ dry run


def children_request(kommuner: Sequence[str]) -> Request:
    """The 04362 POST as the dry run lists it (ages and years are read from /metadata)."""
    selection = [
        {"variableCode": "Region", "valueCodes": [f"{k}*" for k in kommuner]},
        {"variableCode": "Alder", "valueCodes": ["<ages 0–17 from /metadata>"]},
        {"variableCode": "ContentsCode", "valueCodes": ["*"]},
        {"variableCode": "Tid", "valueCodes": [f"top({YEARS})"]},
    ]
    note = ("packed by the cell limit from the metadata's grunnkrets count",)
    return ssb.data_request(CHILDREN_TABLE, selection, note)


def households_request(inds: Sequence[Indicator], kommuner: Sequence[str]) -> Request:
    """The 06944 POST as the dry run lists it."""
    types = [c for i in inds for c in i.source.selection.get("HusholdType", [])]
    types += [c for i in inds for c in i.source.selection.get("HusholdType_denominator", [])]
    selection = [
        {
            "variableCode": "Region",
            "valueCodes": [f"{k}*" for k in kommuner],
            "codelist": DELOMRADER,
        },
        {"variableCode": "HusholdType", "valueCodes": list(dict.fromkeys(types))},
        {
            "variableCode": "ContentsCode",
            "valueCodes": list(dict.fromkeys(i.source.measures.get("value", "") for i in inds)),
        },
        {"variableCode": "Tid", "valueCodes": [f"top({YEARS})"]},
    ]
    note = ("packed by the cell limit from the metadata's delområde count",)
    return ssb.data_request(HOUSEHOLDS_TABLE, selection, note)
