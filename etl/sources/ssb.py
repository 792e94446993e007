"""SSB PxWebApi v2: table metadata and JSON-stat2 data for catalog indicators, as observations.

One POST per table, region value set and split: `POST {base}/tables/{id}/data?lang=no&
outputFormat=json-stat2` with `{"selection": [{"variableCode", "valueCodes", "codelist"?}]}`
(docs/sources.md). Codes are deduplicated (a repeated code gives 500 with an empty body), a query
above 800 000 cells is split along its largest variable before it is sent, and one that SSB
still finds too big (400 "Too many cells selected") is halved. A 403 means the table is not open
to the API (the spec's 403 example for too many cells is never produced), so it fails at once.
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from etl import jsonstat
from etl.http import ApiError, Client
from etl.sources import settings
from etl.sources.base import Request, Result, Run, Source, Step
from etl.sources.group import Group
from etl.sources.klass import Areas
from utfordringsbilde.config import Indicator

NAME = "ssb"
MAX_CELLS = settings.SSB_MAX_CELLS
MAX_HALVINGS = settings.SSB_MAX_HALVINGS
FYLKE_CODELIST = settings.SSB_FYLKE_CODELIST
CODELIST_PREFIX = settings.SSB_CODELIST_PREFIX

_EXPRESSION = re.compile(r"^\s*(top|bottom|range|from|to)\s*\((.*)\)\s*$", re.IGNORECASE)


class SsbError(RuntimeError):
    """A table cannot be read as the catalog describes it (unknown variable, code, measure)."""


# ------------------------------------------------------------------------------ requests


def metadata_request(table: str, codelists: Mapping[str, str]) -> Request:
    """GET a table's metadata (JSON-stat2 without values), with code lists."""
    params = {"lang": "no"}
    params.update({f"codelist[{var}]": cl for var, cl in sorted(codelists.items())})
    return Request("GET", f"{SOURCE.url}/tables/{table}/metadata", params)


def data_request(
    table: str, selection: list[dict[str, Any]], notes: tuple[str, ...] = ()
) -> Request:
    """POST one data query for a selection."""
    params = {"lang": "no", "outputFormat": "json-stat2"}
    url = f"{SOURCE.url}/tables/{table}/data"
    return Request("POST", url, params, body={"selection": selection}, notes=notes)


def tables_request(title: str, notes: tuple[str, ...] = ()) -> Request:
    """GET the tables whose titles match `title`."""
    params = {"lang": "no", "query": title, "pageSize": "100"}
    return Request("GET", f"{SOURCE.url}/tables", params, notes=notes)


def metadata(client: Client, table: str, codelists: Mapping[str, str]) -> dict[str, Any]:
    """A table's metadata (JSON-stat2 without values), with code lists."""
    try:
        result = client.send(metadata_request(table, codelists))
    except ApiError as e:
        closed = _closed(e, table)
        if closed is not None:
            raise closed from e
        raise
    if not isinstance(result, dict):
        raise SsbError(f"table {table}: metadata is not a JSON object")
    return result


def data(client: Client, table: str, selection: list[dict[str, Any]]) -> dict[str, Any]:
    """POST one data query; the JSON-stat2 dataset."""
    result = client.send(data_request(table, selection))
    if not isinstance(result, dict):
        raise SsbError(f"table {table}: data is not a JSON object")
    return result


def find_table(client: Client, title: str) -> str:
    """The id of the table whose title matches `title` (GET /tables?query=)."""
    found = client.send(tables_request(title))
    tables = found.get("tables") if isinstance(found, dict) else None
    if not isinstance(tables, list):
        raise SsbError(f"/tables?query={title!r}: no 'tables' list in the answer")
    want = _words(title)
    exact = [t for t in tables if _words(str(t.get("label", ""))) == want]
    loose = [t for t in tables if want <= _words(str(t.get("label", "")))]
    hits = exact or loose
    if len(hits) == 1:
        return str(hits[0]["id"])
    if not hits:
        raise SsbError(f"no SSB table titled like {title!r}")
    names = ", ".join(f"{t['id']} {t.get('label', '')!r}" for t in hits[:5])
    raise SsbError(f"several SSB tables match {title!r}: {names}; set source.table")


def _words(text: str) -> set[str]:
    # Labels may start with the table number ("12345: ..."); words are compared without it.
    text = re.sub(r"^\s*\d{5}\s*:\s*", "", text.casefold())
    return set(re.findall(r"[0-9a-zæøå]+", text))


# ------------------------------------------------------------------------------ selection


def dedupe(codes: Iterable[str]) -> list[str]:
    """Codes in order, each once (codes are case-insensitive at SSB)."""
    seen: set[str] = set()
    out = []
    for code in codes:
        key = str(code).casefold()
        if key not in seen:
            seen.add(key)
            out.append(str(code))
    return out


def expand(
    values: Sequence[str], categories: Sequence[str] | None, time: bool = False
) -> list[str] | None:
    """Explicit codes for a selection (codes, wildcards, expressions); None when unknowable.

    `time` says the variable is the table's time variable, where top(N) means the N newest.
    """
    out: list[str] = []
    for value in values:
        m = _EXPRESSION.match(value)
        if m:
            if categories is None:
                return None
            kind = m.group(1).lower()
            out.extend(_expression(kind, m.group(2), list(categories), value, time))
        elif "*" in value or "?" in value:
            if categories is None:
                return None
            pattern = value.casefold()
            out.extend(c for c in categories if fnmatch.fnmatchcase(c.casefold(), pattern))
        else:
            out.append(value)
    return dedupe(out)


def _expression(kind: str, args: str, cats: list[str], raw: str, time: bool) -> list[str]:
    parts = [a.strip() for a in args.split(",") if a.strip()]
    if kind in ("top", "bottom"):
        n = int(parts[0])
        offset = int(parts[1]) if len(parts) > 1 else 0
        # For the time variable top(N) is the N newest (time categories come oldest first)
        # and bottom(N) the N oldest; elsewhere top is the first N and bottom the last N.
        newest = (kind == "top") == time
        if newest:
            end = len(cats) - offset
            return cats[max(0, end - n) : max(0, end)]
        return cats[offset : offset + n]
    folded = [c.casefold() for c in cats]

    def pos(code: str) -> int:
        try:
            return folded.index(code.casefold())
        except ValueError:
            raise SsbError(f"selection {raw!r} names {code!r}, which is not a value") from None

    if kind == "range":
        return cats[pos(parts[0]) : pos(parts[1]) + 1]
    if kind == "from":
        return cats[pos(parts[0]) :]
    return cats[: pos(parts[0]) + 1]


def _codes_of(
    item: Mapping[str, Any], cats: Mapping[str, Sequence[str]] | None, time_var: str
) -> list[str] | None:
    var = str(item["variableCode"])
    known = (cats or {}).get(var)
    return expand(item["valueCodes"], known, time=var.casefold() == time_var.casefold())


def cells(
    selection: Sequence[Mapping[str, Any]],
    cats: Mapping[str, Sequence[str]] | None,
    time_var: str = "Tid",
) -> int | None:
    """Cells a selection asks for (the product of counts); None when a count is unknown."""
    total = 1
    for item in selection:
        codes = _codes_of(item, cats, time_var)
        if codes is None:
            return None
        total *= len(codes)
    return total


def split(
    selection: list[dict[str, Any]],
    cats: Mapping[str, Sequence[str]],
    max_cells: int = MAX_CELLS,
    time_var: str = "Tid",
) -> list[list[dict[str, Any]]]:
    """Selections of at most `max_cells` each, split along the largest variable first."""
    counts = []
    for item in selection:
        codes = _codes_of(item, cats, time_var)
        if codes is None:
            raise SsbError(f"cannot count the codes of {item['variableCode']}")
        counts.append(codes)
    total = math.prod(len(c) for c in counts)
    if total <= max_cells:
        return [selection]
    i = max(range(len(counts)), key=lambda j: len(counts[j]))
    if len(counts[i]) <= 1:
        raise SsbError(f"one cell per variable is still above {max_cells} cells")
    rest = total // len(counts[i])
    per_chunk = max(1, max_cells // max(rest, 1))
    out = []
    for start in range(0, len(counts[i]), per_chunk):
        part = [dict(item) for item in selection]
        part[i]["valueCodes"] = counts[i][start : start + per_chunk]
        out.extend(split(part, cats, max_cells, time_var))
    return out


def halve(
    selection: list[dict[str, Any]], cats: Mapping[str, Sequence[str]], time_var: str = "Tid"
) -> list[list[dict[str, Any]]] | None:
    """Two halves along the variable with the most codes; None when nothing can be halved."""
    best, best_codes = -1, list[str]()
    for j, item in enumerate(selection):
        codes = _codes_of(item, cats, time_var)
        if codes is not None and len(codes) > max(1, len(best_codes)):
            best, best_codes = j, codes
    if best < 0:
        return None
    mid = len(best_codes) // 2
    halves = []
    for chunk in (best_codes[:mid], best_codes[mid:]):
        part = [dict(item) for item in selection]
        part[best]["valueCodes"] = chunk
        halves.append(part)
    return halves


def _too_many_cells(e: ApiError) -> bool:
    # PxWebApi answers 400 "Too many cells selected"; the spec's 403 example is never sent.
    return e.status == 400 and "too many cells" in (e.title or "").casefold()


def _closed(e: ApiError, table: str) -> SsbError | None:
    """A 403: the table is not open to the API, which no split or retry changes."""
    if e.status != 403:
        return None
    return SsbError(
        f"table {table} is not open to the API (SSB answered 403 Forbidden); "
        "choose another table or import the figures as local data"
    )


# ------------------------------------------------------------------------------ regions


@dataclass
class RegionPart:
    """One value set of the region variable: its code list (None: the default) and codes."""

    codelist: str | None
    codes: list[str]


def is_kostra(region_dim: str) -> bool:
    """KOSTRA tables name their region variable KOK…region0000 and use EAK/EKAnn codes."""
    return region_dim.upper().startswith("KOK")


def region_parts(region_dim: str, codelist: str | None, areas: Areas) -> list[RegionPart]:
    """The region value sets and codes one table needs for kommuner, fylker and landet."""
    if is_kostra(region_dim):
        # KOSTRA codes: EAK landet, EKAnn fylke (docs/sources.md); old kommune numbers
        # stay in these tables for the years they were valid.
        codes = [*areas.kommuner, *areas.old_codes()]
        codes += [f"EKA{f}" for f in areas.fylker] + ["EAK"]
        return [RegionPart(None, dedupe(codes))]
    if codelist:
        # A guess for the dry run; a live run re-spells the codes as the code list's own values
        # in /metadata have them (agg_KommSummer: K-3301, agg_KommGjeldende: 3301).
        prefix = CODELIST_PREFIX.get(codelist, "")
        parts = [RegionPart(codelist, [f"{prefix}{k}" for k in areas.kommuner])]
        fylke_list = FYLKE_CODELIST.get(codelist)
        if fylke_list:
            parts.append(RegionPart(fylke_list, [f"F-{f}" for f in areas.fylker]))
            parts.append(RegionPart(None, ["0"]))
        else:
            parts.append(RegionPart(None, [*areas.fylker, "0"]))
        return parts
    codes = [*areas.kommuner, *areas.old_codes(), *areas.fylker, "0"]
    return [RegionPart(None, dedupe(codes))]


def _bare(code: str) -> str:
    return re.sub(r"^[A-Za-z]+-", "", code).casefold()


def respell_regions(codes: Sequence[str], values: Sequence[str]) -> list[str]:
    """Region codes as the value set spells them: K-3301 or 3301, read from its own values."""
    exact = {v.casefold(): v for v in values}
    bare: dict[str, str] = {}
    for v in values:
        bare.setdefault(_bare(v), v)
    return [exact.get(c.casefold()) or bare.get(_bare(c)) or c for c in codes]


def area_code(code: str, areas: Areas) -> str | None:
    """The warehouse area for an SSB region code: K-3301 → 3301, F-33 → 33, EAK → 0, 3005 → 3301."""
    code = str(code)
    if code in ("0", "EAK"):
        return "0"
    m = re.fullmatch(r"(?:F-|EKA)(\d{2})", code)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(?:K-)?(\d{4})", code)
    if m:
        return areas.cmap.to_current(m.group(1))
    if re.fullmatch(r"\d{2}", code):
        return code
    return None


# ------------------------------------------------------------------------------ groups


def groups(indicators: Iterable[Indicator]) -> list[Group]:
    """SSB indicators grouped so that each group is one table read once."""
    out: dict[str, Group] = {}
    for ind in indicators:
        s = ind.source
        if s.provider != NAME:
            continue
        key = json.dumps(
            [
                s.table if s.table != "unknown" else f"?{s.title}",
                s.region_dimension,
                s.time_dimension,
                s.measure_dimension,
                s.sex_dimension,
                sorted(s.selection.items()),
                sorted(s.codelist.items()),
            ]
        )
        out.setdefault(key, Group(table=s.table, indicators=[])).indicators.append(ind)
    return list(out.values())


def time_variable(meta: Mapping[str, Any], catalog_name: str | None = None) -> str:
    """The table's time variable: its JSON-stat role, else the catalog's name, else Tid."""
    role = (meta.get("role") or {}).get("time") or []
    return str(role[0]) if role else catalog_name or "Tid"


def _dims(meta: Mapping[str, Any]) -> dict[str, str]:
    """casefolded variable code → the table's own spelling."""
    return {str(d).casefold(): str(d) for d in meta.get("id", [])}


def _resolve_measures(ind: Indicator, meta: Mapping[str, Any], measure_dim: str) -> dict[str, str]:
    """Measure codes per role; '?label' placeholders are looked up among the table's labels."""
    out: dict[str, str] = {}
    labels = jsonstat.category_labels(meta, measure_dim)
    for role, code in ind.source.measures.items():
        if not code.startswith("?"):
            if code.casefold() not in {c.casefold() for c in labels}:
                if role == "value":
                    raise SsbError(f"{measure_dim} has no code {code!r} (codes: {sorted(labels)})")
                continue  # a missing count: the value is loaded without it
            out[role] = code
            continue
        want = code[1:].strip().casefold()
        exact = [c for c, lab in labels.items() if lab.strip().casefold() == want]
        loose = [c for c, lab in labels.items() if want in lab.casefold()]
        hits = exact or loose
        if len(hits) == 1:
            out[role] = hits[0]
        elif role == "value":
            what = "no" if not hits else f"{len(hits)}"
            raise SsbError(f"{measure_dim} has {what} label like {code[1:]!r}")
    return out


def _spell(values: list[str], cats: Sequence[str]) -> list[str]:
    """Codes in the table's own spelling (codes are case-insensitive at SSB)."""
    folded = {c.casefold(): c for c in cats}
    return [folded.get(v.casefold(), v) for v in values]


@dataclass
class Query:
    """A selection as variable → codes, with code lists, before it becomes the POST body."""

    wanted: dict[str, list[str]]
    codelists: dict[str, str]
    region_dim: str

    def selection(self) -> list[dict[str, Any]]:
        """The POST selection: one item per variable, codes once each, code list if any."""
        out = []
        for var, codes in self.wanted.items():
            item: dict[str, Any] = {"variableCode": var, "valueCodes": dedupe(codes)}
            if var in self.codelists:
                item["codelist"] = self.codelists[var]
            out.append(item)
        return out


def _codelists(group: Group, part: RegionPart) -> dict[str, str]:
    """The group's code lists, with the region variable's set to this part's (or none)."""
    s = group.first.source
    region_dim = s.region_dimension or "Region"
    codelists = dict(s.codelist)
    if part.codelist:
        codelists[region_dim] = part.codelist
    else:
        codelists.pop(region_dim, None)
    return codelists


def catalog_query(group: Group, part: RegionPart, measure_codes: list[str]) -> Query:
    """The query the catalog describes for one region value set, before metadata is read."""
    s = group.first.source
    region_dim = s.region_dimension or "Region"
    wanted: dict[str, list[str]] = {
        region_dim: part.codes,
        s.measure_dimension or "ContentsCode": measure_codes,
        s.time_dimension or "Tid": ["*"],  # whole series: sources revise backwards
        **{k: list(v) for k, v in s.selection.items()},
    }
    return Query(wanted, _codelists(group, part), region_dim)


def _check_values(q: Query, cats: Mapping[str, Sequence[str]]) -> None:
    """Every fixed code outside the region variable must be a value of its variable."""
    for var, codes in q.wanted.items():
        if var == q.region_dim:
            continue
        known = {c.casefold() for c in cats[var]}
        for code in codes:
            pattern = _EXPRESSION.match(code) or "*" in code or "?" in code
            if not pattern and code.casefold() not in known:
                raise SsbError(f"variable {var!r} has no value {code!r}")


def _add_fixed(
    wanted: dict[str, list[str]], meta: Mapping[str, Any], cats: Mapping[str, Sequence[str]]
) -> None:
    """Variables that may not be eliminated must be selected; one value is an easy choice."""
    for var in cats:
        ext = meta["dimension"][var].get("extension") or {}
        if var not in wanted and ext.get("elimination") is False:
            if len(cats[var]) != 1:
                raise SsbError(
                    f"variable {var!r} cannot be eliminated; add it to the catalog's selection"
                )
            wanted[var] = list(cats[var])


LABEL = "label:"


def _by_label(want: str, labels: Mapping[str, str], what: str) -> str:
    """The one code whose label is `want` (or, failing that, holds it); SsbError otherwise."""
    key = want.strip().casefold()
    exact = [c for c, lab in labels.items() if lab.strip().casefold() == key]
    loose = [c for c, lab in labels.items() if key in lab.casefold()]
    hits = exact or loose
    if len(hits) == 1:
        return hits[0]
    found = ", ".join(f"{c} {labels[c]!r}" for c in hits[:5]) or "none"
    raise SsbError(f"{what} labelled like {want!r}: {len(hits)} found ({found})")


def resolve_labels(
    wanted: Mapping[str, list[str]], meta: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Selection variables and codes written as `label:…` in the catalog, as the table's codes.

    For a table whose codes are not verified, e.g. 11994's education dimension, where leaving
    "Helsesykepleiere" out would sum every profession: a label the table lacks is an error.
    """
    dim_labels = {str(d): str(meta["dimension"][d].get("label", d)) for d in meta.get("id", [])}
    out: dict[str, list[str]] = {}
    for var, codes in wanted.items():
        if var.startswith(LABEL):
            var = _by_label(var[len(LABEL) :], dim_labels, "variable")
        real = _dims(meta).get(var.casefold())
        cats: dict[str, str] | None = None
        resolved = []
        for code in codes:
            if code.startswith(LABEL) and real is not None:  # else fit names the variable
                cats = cats or jsonstat.category_labels(meta, real)
                code = _by_label(code[len(LABEL) :], cats, f"value of {var!r}")
            resolved.append(code)
        out[var] = resolved
    return out


def fit(q: Query, meta: Mapping[str, Any]) -> tuple[Query, list[str]]:
    """The query in the table's spelling and order, and the region codes the table lacks."""
    dims = _dims(meta)
    q = Query(resolve_labels(q.wanted, meta), q.codelists, q.region_dim)
    for var in q.wanted:
        if var.casefold() not in dims:
            raise SsbError(f"the table has no variable {var!r} (variables: {list(dims.values())})")
    wanted = {dims[v.casefold()]: codes for v, codes in q.wanted.items()}
    codelists = {dims.get(v.casefold(), v): cl for v, cl in q.codelists.items()}
    region_dim = dims[q.region_dim.casefold()]
    cats = {d: jsonstat.categories(meta, d) for d in dims.values()}
    have = {c.casefold() for c in cats[region_dim]}
    dropped = [c for c in wanted[region_dim] if c.casefold() not in have]
    wanted[region_dim] = [c for c in wanted[region_dim] if c.casefold() in have]
    fitted = Query(wanted, codelists, region_dim)
    _check_values(fitted, cats)
    _add_fixed(wanted, meta, cats)
    fitted.wanted = {v: _spell(wanted[v], cats[v]) for v in dims.values() if v in wanted}
    return fitted, dropped


def build_selection(
    group: Group, part: RegionPart, measure_codes: list[str], meta: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The POST selection for one region value set, and region codes the table lacks."""
    q, dropped = fit(catalog_query(group, part, measure_codes), meta)
    return q.selection(), dropped


# ------------------------------------------------------------------------------ fetching


def _post(
    client: Client,
    table: str,
    selection: list[dict[str, Any]],
    cats: Mapping[str, Sequence[str]],
    depth: int = 0,
    time_var: str = "Tid",
) -> list[dict[str, Any]]:
    """Send one query; halve it while SSB says it has too many cells."""
    try:
        return [data(client, table, selection)]
    except ApiError as e:
        closed = _closed(e, table)
        if closed is not None:
            raise closed from e
        if not _too_many_cells(e) or depth >= MAX_HALVINGS:
            raise
        halves = halve(selection, cats, time_var)
        if halves is None:
            raise
        return [d for h in halves for d in _post(client, table, h, cats, depth + 1, time_var)]


def _measures(
    group: Group, table: str, meta: Mapping[str, Any], result: Result
) -> dict[str, dict[str, str]]:
    """Measure codes per indicator; an unverified one the table lacks is declared missing."""
    measure_dim = group.first.source.measure_dimension or "ContentsCode"
    measures: dict[str, dict[str, str]] = {}
    for ind in group.indicators:
        try:
            measures[ind.id] = _resolve_measures(ind, meta, measure_dim)
        except SsbError as e:
            if ind.source.verified:
                raise
            result.missing[ind.id] = f"ssb table {table}: {e}"
    return measures


def _has_regions(selection: list[dict[str, Any]], region_dim: str) -> bool:
    return any(
        i["variableCode"].casefold() == region_dim.casefold() and i["valueCodes"] for i in selection
    )


def _datasets(
    client: Client, group: Group, table: str, areas: Areas, max_cells: int, result: Result
) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """Every dataset the group's queries answer (split and halved), and the measure codes."""
    s = group.first.source
    region_dim = s.region_dimension or "Region"
    datasets: list[dict[str, Any]] = []
    measures: dict[str, dict[str, str]] = {}
    for part in region_parts(region_dim, s.codelist.get(region_dim), areas):
        meta = metadata(client, table, _codelists(group, part))
        if part.codelist:
            values = jsonstat.categories(meta, _dims(meta).get(region_dim.casefold(), region_dim))
            part = RegionPart(part.codelist, respell_regions(part.codes, values))
        measures = measures or _measures(group, table, meta, result)
        if not measures:
            break
        codes = dedupe(c for m in measures.values() for c in m.values())
        selection, dropped = build_selection(group, part, codes, meta)
        if dropped:
            result.notes.append(f"ssb {table}: regions not in the table: {', '.join(dropped)}")
        if not _has_regions(selection, region_dim):
            continue  # none of these regions exist in this table
        cats = {d: jsonstat.categories(meta, d) for d in meta["id"]}
        time_var = time_variable(meta, s.time_dimension)
        for sub in split(selection, cats, max_cells, time_var):
            datasets.extend(_post(client, table, sub, cats, time_var=time_var))
    return datasets, measures


def _observations(
    group: Group,
    table: str,
    datasets: list[dict[str, Any]],
    measures: Mapping[str, dict[str, str]],
    areas: Areas,
) -> dict[str, pd.DataFrame]:
    """The datasets' cells as observation frames per indicator."""
    s = group.first.source
    frames = [jsonstat.flatten(ds, name=f"ssb {table}") for ds in datasets]
    # Categories differ between parts, so the concatenated code columns become plain objects.
    cells_frame = pd.concat(frames, ignore_index=True)
    updated = updated_of(datasets)
    dims = _dims(datasets[0])

    def col(name: str) -> str:
        return dims.get(name.casefold(), name)

    region_col = col(s.region_dimension or "Region")
    measure_col = col(s.measure_dimension or "ContentsCode")
    regions = cells_frame[region_col].astype(str).unique()
    area_of = {c: a for c in regions if (a := area_code(c, areas)) in areas.codes}
    preferred = frozenset(c for c in area_of if not _is_old(c, areas))
    out = {}
    for ind in group.indicators:
        if ind.id not in measures:
            continue
        shape = jsonstat.Shape(
            indicator_id=ind.id,
            source=NAME,
            region_dim=region_col,
            time_dim=col(s.time_dimension or "Tid"),
            measure_dim=measure_col,
            measures=_match_codes(measures[ind.id], cells_frame[measure_col]),
            sex_dim=col(s.sex_dimension) if s.sex_dimension else None,
            multiplier=ind.multiplier,
            derive_denominator=ind.multiplier > 1,
        )
        out[ind.id] = jsonstat.to_observations(cells_frame, shape, area_of, preferred, updated)
    return out


def fetch_group(client: Client, group: Group, areas: Areas, max_cells: int = MAX_CELLS) -> Result:
    """Read one table for its indicators and shape the rows as observations."""
    s = group.first.source
    result = Result()
    table = group.table
    if table == "unknown":
        table = find_table(client, s.title or "")
        result.notes.append(f"ssb: {s.title!r} found by title as table {table} (unverified)")
    datasets, measures = _datasets(client, group, table, areas, max_cells, result)
    if datasets:
        result.frames = _observations(group, table, datasets, measures, areas)
    return result


def _is_old(code: str, areas: Areas) -> bool:
    """An earlier kommune number (3005 for Drammen), as opposed to a current one."""
    m = re.fullmatch(r"(?:K-)?(\d{4})", code)
    return m is not None and areas.cmap.to_current(m.group(1)) != m.group(1)


def _match_codes(measures: Mapping[str, str], column: pd.Series) -> dict[str, str]:
    """Measure codes in the response's spelling."""
    present = {str(c).casefold(): str(c) for c in column.unique()}
    return {role: present.get(code.casefold(), code) for role, code in measures.items()}


def updated_of(datasets: Iterable[Mapping[str, Any]]) -> datetime | None:
    """The newest `updated` among datasets."""
    return max((u for u in map(jsonstat.dataset_updated, datasets) if u), default=None)


# ------------------------------------------------------------------------------ the source


def _cells_note(selection: list[dict[str, Any]]) -> str:
    """How many cells a catalog-only selection asks for, or which variables make it unknown."""
    n = cells(selection, None)
    if n is not None:
        return f"cells: {n}"
    unknown = [i["variableCode"] for i in selection if expand(i["valueCodes"], None) is None]
    return f"cells: unknown until metadata is read ({', '.join(unknown)} by pattern)"


def group_step(group: Group, areas: Areas) -> Step:
    """A table group as a step: its metadata GETs and the data POSTs the catalog implies."""
    s = group.first.source
    requests: list[Request] = []
    if group.table == "unknown":
        note = "the table id is unknown until /tables answers; shown as 'unknown' below"
        requests.append(tables_request(s.title or "", notes=(note,)))
    region_dim = s.region_dimension or "Region"
    codes = dedupe(c for i in group.indicators for c in i.source.measures.values())
    for part in region_parts(region_dim, s.codelist.get(region_dim), areas):
        q = catalog_query(group, part, codes)
        requests.append(metadata_request(group.table, q.codelists))
        selection = q.selection()
        if _has_regions(selection, region_dim):
            notes = [_cells_note(selection)]
            if any(LABEL in json.dumps(i) for i in selection):
                notes.append("'label:…' variables and codes are looked up in /metadata first")
            requests.append(data_request(group.table, selection, tuple(notes)))
    ids = ", ".join(i.id for i in group.indicators)
    return Step(
        f"table {group.table} ({ids})",
        tuple(requests),
        indicators=tuple(group.indicators),
        verified=group.verified,
        about=f"table {group.table} ({group.title})",
        key=group,
    )


class Ssb(Source):
    """SSB PxWebApi v2: catalog indicators, one step per table group."""

    name = NAME
    base_url = settings.SSB_BASE
    rate_limit = settings.SSB_RATE
    error = SsbError
    needs_code_map = True
    probe = "/config"

    def plan(self, run: Run) -> list[Step]:
        """One step per table group of the catalog's SSB indicators."""
        return [group_step(g, run.areas) for g in groups(run.catalog.indicators)]

    def fetch(self, run: Run, step: Step) -> Result:
        """Observations of one table group."""
        return fetch_group(run.client, step.key, run.areas)


SOURCE = Ssb()
