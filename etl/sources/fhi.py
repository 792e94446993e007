"""FHI Statistikk open API (source `nokkel`, Kommunehelsa): tables → observations.

`/dimension` is always read before `/data`, because the data query must name every dimension
of the table exactly once (apis.md §4.2): the catalog's selection fills the ones it names, the
table's total category fills the rest, and a catalog code the table lacks (a renamed
dimension or category) is an error that says which.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from etl import jsonstat
from etl.http import Client, base_url
from etl.sources.group import Group
from etl.sources.klass import Areas
from utfordringsbilde.config import Indicator

SOURCE = "fhi"
NOKKEL = "nokkel"

# Labels that mark a dimension's total category when the table lists several at the top.
_TOTAL_LABEL = re.compile(r"\b(samlet|i alt|alle|total|begge kjønn|hele landet)\b", re.IGNORECASE)
# Words too common to identify a table by its title.
_STOPWORDS = frozenset(
    {"og", "i", "av", "for", "til", "med", "etter", "per", "pr", "som", "fra", "pa", "en"}
    | {"et", "den", "det", "de", "ar", "trearig", "ettarig", "firearig", "aarig"}
)


class FhiError(RuntimeError):
    """A table does not have the dimensions or categories the catalog names."""


# ------------------------------------------------------------------------------ requests


def _url(path: str, source: str = NOKKEL) -> str:
    return f"{base_url('fhi')}/{source}/{path}"


def tables(client: Client, source: str = NOKKEL) -> list[dict[str, Any]] | None:
    """GET the source's table list: [{tableId, title, publishedAt, modifiedAt}] (None dry run)."""
    found = client.get_json(_url("table", source))
    if found is not None and not isinstance(found, list):
        raise FhiError(f"{source}/table: expected a list of tables")
    return found


def dimensions(client: Client, table: str, source: str = NOKKEL) -> list[dict[str, Any]] | None:
    """GET a table's dimensions with their (nested) categories (None in a dry run)."""
    found = client.get_json(_url(f"table/{table}/dimension", source))
    if found is None:
        return None
    dims = found.get("dimensions") if isinstance(found, dict) else None
    if not isinstance(dims, list):
        raise FhiError(f"table {table}: /dimension has no 'dimensions' list")
    return dims


def data(
    client: Client, table: str, body: Mapping[str, Any], source: str = NOKKEL
) -> dict[str, Any] | None:
    """POST a data query; the JSON-stat2 dataset (None in a dry run)."""
    found = client.post_json(_url(f"table/{table}/data", source), body)
    if found is not None and not isinstance(found, dict):
        raise FhiError(f"table {table}: /data did not answer a JSON object")
    return found


# ------------------------------------------------------------------------------ look-up


def _norm(text: str) -> str:
    """Lower case, æøå folded to ASCII, separators as spaces: for comparing titles."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def keywords(title: str) -> list[str]:
    """The words of a title that identify it (no stop words, no short words)."""
    return [w for w in _norm(title).split() if len(w) >= 4 and w not in _STOPWORDS]


def find_table(listing: Sequence[Mapping[str, Any]], title: str) -> str:
    """The tableId whose title matches: exactly, else the only one holding every keyword."""
    want = _norm(title)
    exact = [t for t in listing if _norm(str(t.get("title", ""))) == want]
    if len(exact) == 1:
        return str(exact[0]["tableId"])
    words = keywords(title)
    if not words:
        raise FhiError(f"the title {title!r} has no words to search by")
    hits = [t for t in listing if all(w in _norm(str(t.get("title", ""))) for w in words)]
    if len(hits) == 1:
        return str(hits[0]["tableId"])
    if not hits:
        raise FhiError(
            f"no {NOKKEL} table title contains all of {words} (searched {len(listing)} tables)"
        )
    names = ", ".join(f"{t['tableId']} {t.get('title')!r}" for t in hits[:5])
    raise FhiError(f"several tables match {title!r}: {names}; set source.table in the catalog")


# ------------------------------------------------------------------------------ dimensions


def flat_categories(categories: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, int]]:
    """(value, label, depth) of every category, depth-first (GEO: landet → fylke → kommune)."""
    out: list[tuple[str, str, int]] = []

    def walk(items: Iterable[Mapping[str, Any]], depth: int) -> None:
        for c in items:
            out.append((str(c.get("value")), str(c.get("label", "")), depth))
            walk(c.get("children") or [], depth + 1)

    walk(categories, 0)
    return out


def total_category(dim: Mapping[str, Any]) -> str:
    """The category that stands for 'all' in a dimension the catalog does not select."""
    roots = list(dim.get("categories") or [])
    flat = flat_categories(roots)
    if len(flat) == 1:
        return flat[0][0]
    if len(roots) == 1 and roots[0].get("children"):
        return str(roots[0]["value"])  # one root holding the rest: the total
    for value, label, depth in flat:
        if depth == 0 and (value == "0" or _TOTAL_LABEL.search(label)):
            return value
    shown = ", ".join(f"{v} {lab!r}" for v, lab, _ in flat[:8])
    raise FhiError(
        f"dimension {dim.get('code')!r} has no obvious total ({shown}); "
        "name the wanted category in the catalog's selection"
    )


def area_code(code: str, areas: Areas) -> str | None:
    """The warehouse area for a GEO code: 0 landet, 2-digit fylke, 4-digit kommune (current)."""
    code = str(code)
    if code == "0" or re.fullmatch(r"\d{2}", code):
        return code
    if re.fullmatch(r"\d{4}", code):
        return areas.cmap.to_current(code)
    return None  # bydeler and anything finer are not fetched from FHI


# ------------------------------------------------------------------------------ groups


def groups(indicators: Iterable[Indicator]) -> list[Group]:
    """FHI indicators grouped by table (unknown tables by title)."""
    out: dict[str, Group] = {}
    for ind in indicators:
        s = ind.source
        if s.provider != SOURCE:
            continue
        key = s.table if s.table != "unknown" else f"?{s.title}"
        out.setdefault(key, Group(table=s.table, indicators=[])).indicators.append(ind)
    return list(out.values())


@dataclass
class Plan:
    """The /data body for a group and, per indicator, the rows it keeps."""

    body: dict[str, Any]
    rows: int | None
    filters: dict[str, dict[str, list[str]]]
    measures: dict[str, dict[str, str]]
    notes: list[str] = field(default_factory=list)


def _dims_needed(ind: Indicator) -> dict[str, list[str] | None]:
    """Dimension → catalog values (None: chosen by role, e.g. GEO, AAR, MEASURE_TYPE)."""
    s = ind.source
    needed: dict[str, list[str] | None] = {
        s.region_dimension or "GEO": None,
        s.time_dimension or "AAR": None,
        s.measure_dimension or "MEASURE_TYPE": None,
    }
    for dim, values in s.selection.items():
        needed[dim] = list(values)
    if s.sex_dimension and s.sex_dimension not in needed:
        needed[s.sex_dimension] = ["0", "1", "2"]
    return needed


def plan(group: Group, table: str, dims: list[dict[str, Any]] | None, areas: Areas) -> Plan:
    """Build the /data body: one entry per table dimension, in the table's order."""
    first = group.first.source
    region = first.region_dimension or "GEO"
    time = first.time_dimension or "AAR"
    measure = first.measure_dimension or "MEASURE_TYPE"
    geo = ["0", *areas.fylker, *areas.kommuner, *areas.old_codes()]
    notes: list[str] = []
    filters: dict[str, dict[str, list[str]]] = {}
    measures: dict[str, dict[str, str]] = {}

    if dims is None:  # dry run: the catalog alone
        entries: dict[str, dict[str, Any]] = {
            region: {"code": region, "filter": "item", "values": list(dict.fromkeys(geo))},
            time: {"code": time, "filter": "all", "values": ["*"]},
        }
        codes = list(dict.fromkeys(c for i in group.indicators for c in i.source.measures.values()))
        entries[measure] = {"code": measure, "filter": "item", "values": codes}
        for ind in group.indicators:
            for dim, values in _dims_needed(ind).items():
                if values is not None:
                    entry = entries.setdefault(dim, {"code": dim, "filter": "item", "values": []})
                    entry["values"] = list(dict.fromkeys([*entry["values"], *values]))
        notes.append(
            "dimensions the catalog does not name are unknown until /dimension is read; "
            "the live query adds one entry for each (its total category) and maxRowCount"
        )
        body = {"dimensions": list(entries.values()), "response": {"format": "json-stat2"}}
        return Plan(body=body, rows=None, filters={}, measures={}, notes=notes)

    by_code = {str(d.get("code")): d for d in dims}
    spelled = {c.casefold(): c for c in by_code}
    cats = {
        c: [v for v, _, _ in flat_categories(d.get("categories") or [])] for c, d in by_code.items()
    }
    chosen: dict[str, list[str]] = {c: [] for c in by_code}

    def own(dim: str) -> str:
        if dim.casefold() not in spelled:
            raise FhiError(
                f"the catalog names dimension {dim!r}, but table {table} has "
                f"{', '.join(by_code)} (renamed?)"
            )
        return spelled[dim.casefold()]

    region, time, measure = own(region), own(time), own(measure)
    for ind in group.indicators:
        s = ind.source
        f: dict[str, list[str]] = {}
        for dim, values in _dims_needed(ind).items():
            d = own(dim)
            if values is None:
                continue
            lacking = [v for v in values if v not in cats[d]]
            if lacking:
                raise FhiError(
                    f"dimension {d} of table {table} has no category {', '.join(lacking)} "
                    f"(it has {', '.join(cats[d][:12])}{' …' if len(cats[d]) > 12 else ''})"
                )
            f[d] = list(values)
        m: dict[str, str] = {}
        for role, code in s.measures.items():
            if code in cats[measure]:
                m[role] = code
            elif role == "value":
                have = ", ".join(cats[measure])
                raise FhiError(f"{measure} of table {table} has no {code!r} (it has {have})")
            else:
                notes.append(f"fhi {table}: no {code} ({role}) for {ind.id}; loaded without it")
        for d in by_code:
            if d not in f and d not in (region, time, measure):
                f[d] = [total_category(by_code[d])]
        for d, values in f.items():
            chosen[d] = list(dict.fromkeys([*chosen[d], *values]))
        filters[ind.id] = f
        measures[ind.id] = m
    chosen[measure] = list(dict.fromkeys(c for m in measures.values() for c in m.values()))
    geo_present = [g for g in dict.fromkeys(geo) if g in cats[region]]
    absent = [g for g in areas.kommuner if g not in cats[region]]
    if absent:
        notes.append(f"fhi {table}: GEO lacks {', '.join(absent)}")
    if not geo_present:
        raise FhiError(f"GEO of table {table} has none of {', '.join(geo)}")
    entries_live = []
    rows = 1
    for d in by_code:
        if d == region:
            entry = {"code": d, "filter": "item", "values": geo_present}
            rows *= len(geo_present)
        elif d == time:
            entry = {"code": d, "filter": "all", "values": ["*"]}  # whole series
            rows *= len(cats[d])
        else:
            entry = {"code": d, "filter": "item", "values": chosen[d]}
            rows *= len(chosen[d])
        entries_live.append(entry)
    # maxRowCount turns a runaway answer into an error; the margin keeps a small miscount
    # (FHI counting rows its own way) from failing a good query.
    body = {
        "dimensions": entries_live,
        "response": {"format": "json-stat2", "maxRowCount": max(2 * rows, 1000)},
    }
    return Plan(body=body, rows=rows, filters=filters, measures=measures, notes=notes)


@dataclass
class Result:
    """What one group gave: observation frames per indicator, missing ones, notes."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    table: str = ""


def fetch_group(
    client: Client,
    group: Group,
    areas: Areas,
    listing: Sequence[Mapping[str, Any]] | None = None,
) -> Result:
    """Read one table for its indicators and shape the rows as observations."""
    result = Result(table=group.table)
    table = group.table
    if table == "unknown":
        if listing is None:
            client.note(f"table id looked up by title {group.title!r} in the table list")
            table = "unknown"
        else:
            table = find_table(listing, group.title)
            result.notes.append(
                f"fhi: {group.title!r} found by title as table {table} (unverified)"
            )
    result.table = table
    dims = dimensions(client, table)
    p = plan(group, table, dims, areas)
    ds = data(client, table, p.body)
    for n in p.notes:
        if client.dry_run:
            client.note(n)
        else:
            result.notes.append(n)
    if ds is None:
        return result
    cells = jsonstat.flatten(ds, name=f"fhi {table}")
    updated = jsonstat.dataset_updated(ds)
    first = group.first.source
    ids = {str(d).casefold(): str(d) for d in ds.get("id", [])}

    def col(dim: str) -> str:
        if dim.casefold() not in ids:
            raise FhiError(f"table {table}: the data has no dimension {dim!r}")
        return ids[dim.casefold()]

    region = col(first.region_dimension or "GEO")
    regions = cells[region].astype(str).unique()
    area_of = {c: a for c in regions if (a := area_code(c, areas)) in areas.codes}
    preferred = frozenset(c for c in area_of if areas.cmap.to_current(c) == c)
    for ind in group.indicators:
        s = ind.source
        sex = col(s.sex_dimension) if s.sex_dimension else None
        shape = jsonstat.Shape(
            indicator_id=ind.id,
            source=SOURCE,
            region_dim=region,
            time_dim=col(s.time_dimension or "AAR"),
            measure_dim=col(s.measure_dimension or "MEASURE_TYPE"),
            measures=p.measures[ind.id],
            sex_dim=sex,
            filters={col(d): v for d, v in p.filters[ind.id].items()},
            multiplier=ind.multiplier,
            derive_denominator=False,
        )
        result.frames[ind.id] = jsonstat.to_observations(cells, shape, area_of, preferred, updated)
    return result
