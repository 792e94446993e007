"""FHI Statistikk open API (source `nokkel`, Kommunehelsa): tables → observations.

`/dimension` is always read before `/data`, because the data query must name every dimension
of the table exactly once (docs/sources.md): the catalog's selection fills the ones it names, the
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
from etl.http import Client
from etl.sources import settings
from etl.sources.base import Request, Result, Run, Source, Step
from etl.sources.districts import geo_area, geo_children
from etl.sources.group import Group
from etl.sources.klass import Areas
from utfordringsbilde.config import Indicator
from utfordringsbilde.districts import kind_of_geo

NAME = "fhi"
NOKKEL = settings.FHI_NOKKEL
TABLES = f"{NAME}.tables"  # Run.memo key of the table list, read once for every look-up

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
    return f"{SOURCE.url}/{source}/{path}"


def tables_request(source: str = NOKKEL) -> Request:
    """GET the source's table list."""
    return Request("GET", _url("table", source))


def dimensions_request(table: str, source: str = NOKKEL, notes: tuple[str, ...] = ()) -> Request:
    """GET a table's dimensions."""
    return Request("GET", _url(f"table/{table}/dimension", source), notes=notes)


def data_request(
    table: str, body: Mapping[str, Any], source: str = NOKKEL, notes: tuple[str, ...] = ()
) -> Request:
    """POST a data query."""
    return Request("POST", _url(f"table/{table}/data", source), body=body, notes=notes)


def tables(client: Client, source: str = NOKKEL) -> list[dict[str, Any]]:
    """GET the source's table list: [{tableId, title, publishedAt, modifiedAt}]."""
    found = client.send(tables_request(source))
    if not isinstance(found, list):
        raise FhiError(f"{source}/table: expected a list of tables")
    return found


def dimensions(client: Client, table: str, source: str = NOKKEL) -> list[dict[str, Any]]:
    """GET a table's dimensions with their (nested) categories."""
    found = client.send(dimensions_request(table, source))
    dims = found.get("dimensions") if isinstance(found, dict) else None
    if not isinstance(dims, list):
        raise FhiError(f"table {table}: /dimension has no 'dimensions' list")
    return dims


def data(
    client: Client, table: str, body: Mapping[str, Any], source: str = NOKKEL
) -> dict[str, Any]:
    """POST a data query; the JSON-stat2 dataset."""
    found = client.send(data_request(table, body, source))
    if not isinstance(found, dict):
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
        if s.provider != NAME:
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


def _geo(areas: Areas) -> list[str]:
    """GEO codes one query asks for: landet, fylker, kommuner and their old numbers."""
    return list(dict.fromkeys(["0", *areas.fylker, *areas.kommuner, *areas.old_codes()]))


def catalog_body(group: Group) -> dict[str, Any]:
    """The /data body from the catalog alone, before /dimension is read (GEO filled in later)."""
    first = group.first.source
    region = first.region_dimension or "GEO"
    time = first.time_dimension or "AAR"
    measure = first.measure_dimension or "MEASURE_TYPE"
    entries: dict[str, dict[str, Any]] = {
        region: {"code": region, "filter": "item", "values": []},
        time: {"code": time, "filter": "all", "values": ["*"]},
    }
    codes = list(dict.fromkeys(c for i in group.indicators for c in i.source.measures.values()))
    entries[measure] = {"code": measure, "filter": "item", "values": codes}
    for ind in group.indicators:
        for dim, values in _dims_needed(ind).items():
            if values is not None:
                entry = entries.setdefault(dim, {"code": dim, "filter": "item", "values": []})
                entry["values"] = list(dict.fromkeys([*entry["values"], *values]))
    return {"dimensions": list(entries.values()), "response": {"format": "json-stat2"}}


def planned_body(group: Group, areas: Areas) -> dict[str, Any]:
    """The catalog's /data body with the run's GEO codes."""
    body = catalog_body(group)
    body["dimensions"][0]["values"] = _geo(areas)
    return body


class _Table:
    """A table's dimensions as /dimension lists them: codes in its spelling, categories."""

    def __init__(self, table: str, dims: list[dict[str, Any]]):
        self.table = table
        self.by_code = {str(d.get("code")): d for d in dims}
        self._spelled = {c.casefold(): c for c in self.by_code}
        self.cats = {
            c: [v for v, _, _ in flat_categories(d.get("categories") or [])]
            for c, d in self.by_code.items()
        }

    def own(self, dim: str) -> str:
        """The table's spelling of a catalog dimension; FhiError when it has none."""
        if dim.casefold() not in self._spelled:
            raise FhiError(
                f"the catalog names dimension {dim!r}, but table {self.table} has "
                f"{', '.join(self.by_code)} (renamed?)"
            )
        return self._spelled[dim.casefold()]

    def check(self, dim: str, values: Sequence[str]) -> None:
        """Every value must be a category of `dim`; the error lists what it has."""
        cats = self.cats[dim]
        lacking = [v for v in values if v not in cats]
        if lacking:
            raise FhiError(
                f"dimension {dim} of table {self.table} has no category {', '.join(lacking)} "
                f"(it has {', '.join(cats[:12])}{' …' if len(cats) > 12 else ''})"
            )


def _filters(ind: Indicator, t: _Table, roles: tuple[str, str, str]) -> dict[str, list[str]]:
    """Dimension → the categories one indicator keeps; unselected ones keep their total."""
    f: dict[str, list[str]] = {}
    for dim, values in _dims_needed(ind).items():
        d = t.own(dim)
        if values is not None:
            t.check(d, values)
            f[d] = list(values)
    for d in t.by_code:
        if d not in f and d not in roles:
            f[d] = [total_category(t.by_code[d])]
    return f


def _measures(ind: Indicator, t: _Table, measure: str, notes: list[str]) -> dict[str, str]:
    """Measure code per role; a missing count is noted and left out, a missing value fails."""
    m: dict[str, str] = {}
    for role, code in ind.source.measures.items():
        if code in t.cats[measure]:
            m[role] = code
        elif role == "value":
            have = ", ".join(t.cats[measure])
            raise FhiError(f"{measure} of table {t.table} has no {code!r} (it has {have})")
        else:
            notes.append(f"fhi {t.table}: no {code} ({role}) for {ind.id}; loaded without it")
    return m


def plan(group: Group, table: str, dims: list[dict[str, Any]], areas: Areas) -> Plan:
    """Build the /data body: one entry per table dimension, in the table's order."""
    first = group.first.source
    t = _Table(table, dims)
    region = t.own(first.region_dimension or "GEO")
    time = t.own(first.time_dimension or "AAR")
    measure = t.own(first.measure_dimension or "MEASURE_TYPE")
    notes: list[str] = []
    filters: dict[str, dict[str, list[str]]] = {}
    measures: dict[str, dict[str, str]] = {}
    chosen: dict[str, list[str]] = {c: [] for c in t.by_code}
    for ind in group.indicators:
        filters[ind.id] = _filters(ind, t, (region, time, measure))
        measures[ind.id] = _measures(ind, t, measure, notes)
        for d, values in filters[ind.id].items():
            chosen[d] = list(dict.fromkeys([*chosen[d], *values]))
    chosen[measure] = list(dict.fromkeys(c for m in measures.values() for c in m.values()))
    geo = _geo(areas)
    chosen[region] = [g for g in geo if g in t.cats[region]]
    if any(ind.district_level for ind in group.indicators):
        # Bydeler and levekårssoner below the chosen kommuner, wherever /dimension lists them:
        # published figures, stored at their own level and never re-aggregated.
        chosen[region] += geo_children(dims, areas.chosen)
    absent = [g for g in areas.kommuner if g not in t.cats[region]]
    if absent:
        notes.append(f"fhi {table}: GEO lacks {', '.join(absent)}")
    if not chosen[region]:
        raise FhiError(f"GEO of table {table} has none of {', '.join(geo)}")
    entries = []
    rows = 1
    for d in t.by_code:
        if d == time:
            entries.append({"code": d, "filter": "all", "values": ["*"]})  # whole series
            rows *= len(t.cats[d])
        else:
            entries.append({"code": d, "filter": "item", "values": chosen[d]})
            rows *= len(chosen[d])
    # maxRowCount turns a runaway answer into an error; the margin keeps a small miscount
    # (FHI counting rows its own way) from failing a good query.
    body = {
        "dimensions": entries,
        "response": {"format": "json-stat2", "maxRowCount": max(2 * rows, 1000)},
    }
    return Plan(body=body, rows=rows, filters=filters, measures=measures, notes=notes)


def fetch_group(
    client: Client,
    group: Group,
    areas: Areas,
    listing: Sequence[Mapping[str, Any]] | None = None,
) -> Result:
    """Read one table for its indicators and shape the rows as observations."""
    result = Result()
    table = group.table
    if table == "unknown":
        table = find_table(listing if listing is not None else tables(client), group.title)
        result.notes.append(f"fhi: {group.title!r} found by title as table {table} (unverified)")
    p = plan(group, table, dimensions(client, table), areas)
    ds = data(client, table, p.body)
    result.notes.extend(p.notes)
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
    below = {c: a for c in regions if (a := geo_area(c)) is not None}
    if below:
        labels = jsonstat.category_labels(ds, region)
        result.areas = pd.DataFrame(
            [
                {
                    "area_code": a,
                    "name": labels.get(c, c),
                    "level": kind_of_geo(c),
                    "parent_code": c[:4],
                    "kommune_code": c[:4],
                    "demo_code": False,
                }
                for c, a in below.items()
            ]
        )
    for ind in group.indicators:
        s = ind.source
        sex = col(s.sex_dimension) if s.sex_dimension else None
        shape = jsonstat.Shape(
            indicator_id=ind.id,
            source=NAME,
            region_dim=region,
            time_dim=col(s.time_dimension or "AAR"),
            measure_dim=col(s.measure_dimension or "MEASURE_TYPE"),
            measures=p.measures[ind.id],
            sex_dim=sex,
            filters={col(d): v for d, v in p.filters[ind.id].items()},
            multiplier=ind.multiplier,
            derive_denominator=False,
        )
        mapping = {**area_of, **below} if ind.district_level else area_of
        result.frames[ind.id] = jsonstat.to_observations(
            cells, shape, mapping, preferred | frozenset(below), updated
        )
    return result


def group_step(group: Group, areas: Areas) -> Step:
    """A table group as a step: its /dimension GET and the /data POST the catalog implies."""
    ids = ", ".join(i.id for i in group.indicators)
    first: tuple[str, ...] = ()
    if group.table == "unknown":
        first = (f"table id looked up by title {group.title!r} in the table list",)
    unknown = (
        "dimensions the catalog does not name are unknown until /dimension is read; "
        "the live query adds one entry for each (its total category) and maxRowCount",
    )
    requests = (
        dimensions_request(group.table, notes=first),
        data_request(group.table, planned_body(group, areas), notes=unknown),
    )
    return Step(
        f"table {group.table} ({ids})",
        requests,
        indicators=tuple(group.indicators),
        verified=group.verified,
        about=f"table {group.table} ({group.title})",
        key=group,
    )


class Fhi(Source):
    """FHI Statistikk (Kommunehelsa): catalog indicators, one step per table."""

    name = NAME
    base_url = settings.FHI_BASE
    rate_limit = settings.FHI_RATE
    error = FhiError
    needs_code_map = True
    probe = "/Common/source"

    def plan(self, run: Run) -> list[Step]:
        """The table list when a table is looked up by title, then one step per table."""
        found = groups(run.catalog.indicators)
        steps = [group_step(g, run.areas) for g in found]
        if any(g.table == "unknown" for g in found):
            steps.insert(0, Step("table list, for tables looked up by title", (tables_request(),)))
        return steps

    def fetch(self, run: Run, step: Step) -> Result:
        """Observations of one table group (or the table list, kept for the look-ups)."""
        if not isinstance(step.key, Group):
            run.memo[TABLES] = tables(run.client)
            return Result()
        return fetch_group(run.client, step.key, run.areas, run.memo.get(TABLES))


SOURCE = Fhi()
