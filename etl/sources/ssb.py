"""SSB PxWebApi v2: table metadata and JSON-stat2 data for catalog indicators, as observations.

One POST per table, region value set and split: `POST {base}/tables/{id}/data?lang=no&
outputFormat=json-stat2` with `{"selection": [{"variableCode", "valueCodes", "codelist"?}]}`
(apis.md §1.4). Codes are deduplicated (a repeated code gives 500 with an empty body), a query
above 800 000 cells is split along its largest variable before it is sent, and one that SSB
still finds too big (400 "Too many cells selected", or 403 as the spec says) is halved.
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from etl import jsonstat
from etl.http import ApiError, Client, base_url
from etl.sources.group import Group
from etl.sources.klass import Areas
from utfordringsbilde.config import Indicator

SOURCE = "ssb"
MAX_CELLS = 800_000
# Our own count keeps every query under the limit, so a "too many cells" answer means the
# count was a little off; a few halvings settle it, and a 403 for another reason (a table
# closed to the API) fails after at most 2 + 4 + 8 extra requests.
MAX_HALVINGS = 3

# The fylke value set that goes with a kommune code list: agg_KommSummer ("kommuner 2024,
# aggregated time series", K-codes) pairs with agg_KommFylker (F-codes) (apis.md §1.7).
FYLKE_CODELIST: dict[str, str] = {"agg_KommSummer": "agg_KommFylker"}

_EXPRESSION = re.compile(r"^\s*(top|bottom|range|from|to)\s*\((.*)\)\s*$", re.IGNORECASE)


class SsbError(RuntimeError):
    """A table cannot be read as the catalog describes it (unknown variable, code, measure)."""


# ------------------------------------------------------------------------------ requests


def metadata(client: Client, table: str, codelists: Mapping[str, str]) -> dict[str, Any] | None:
    """GET a table's metadata (JSON-stat2 without values), with code lists; None in a dry run."""
    params = {"lang": "no"}
    params.update({f"codelist[{var}]": cl for var, cl in sorted(codelists.items())})
    result = client.get_json(f"{base_url('ssb')}/tables/{table}/metadata", params=params)
    if result is not None and not isinstance(result, dict):
        raise SsbError(f"table {table}: metadata is not a JSON object")
    return result


def data(client: Client, table: str, selection: list[dict[str, Any]]) -> dict[str, Any] | None:
    """POST one data query; the JSON-stat2 dataset (None in a dry run)."""
    result = client.post_json(
        f"{base_url('ssb')}/tables/{table}/data",
        {"selection": selection},
        params={"lang": "no", "outputFormat": "json-stat2"},
    )
    if result is not None and not isinstance(result, dict):
        raise SsbError(f"table {table}: data is not a JSON object")
    return result


def find_table(client: Client, title: str) -> str | None:
    """The id of the table whose title matches `title` (GET /tables?query=); None in a dry run."""
    found = client.get_json(
        f"{base_url('ssb')}/tables", params={"lang": "no", "query": title, "pageSize": "100"}
    )
    if found is None:
        client.note("the table id is unknown until /tables answers; shown as 'unknown' below")
        return None
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


def expand(values: Sequence[str], categories: Sequence[str] | None) -> list[str] | None:
    """Explicit codes for a selection (codes, wildcards, expressions); None when unknowable."""
    out: list[str] = []
    for value in values:
        m = _EXPRESSION.match(value)
        if m:
            if categories is None:
                return None
            out.extend(_expression(m.group(1).lower(), m.group(2), list(categories), value))
        elif "*" in value or "?" in value:
            if categories is None:
                return None
            pattern = value.casefold()
            out.extend(c for c in categories if fnmatch.fnmatchcase(c.casefold(), pattern))
        else:
            out.append(value)
    return dedupe(out)


def _expression(kind: str, args: str, cats: list[str], raw: str) -> list[str]:
    parts = [a.strip() for a in args.split(",") if a.strip()]
    if kind in ("top", "bottom"):
        n = int(parts[0])
        offset = int(parts[1]) if len(parts) > 1 else 0
        # SSB's top(N) gives the N newest periods; time categories come oldest first.
        if kind == "top":
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


def cells(
    selection: Sequence[Mapping[str, Any]], cats: Mapping[str, Sequence[str]] | None
) -> int | None:
    """Cells a selection asks for (the product of counts); None when a count is unknown."""
    total = 1
    for item in selection:
        known = (cats or {}).get(item["variableCode"])
        codes = expand(item["valueCodes"], known)
        if codes is None:
            return None
        total *= len(codes)
    return total


def split(
    selection: list[dict[str, Any]],
    cats: Mapping[str, Sequence[str]],
    max_cells: int = MAX_CELLS,
) -> list[list[dict[str, Any]]]:
    """Selections of at most `max_cells` each, split along the largest variable first."""
    counts = []
    for item in selection:
        codes = expand(item["valueCodes"], cats.get(item["variableCode"]))
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
        out.extend(split(part, cats, max_cells))
    return out


def halve(
    selection: list[dict[str, Any]], cats: Mapping[str, Sequence[str]]
) -> list[list[dict[str, Any]]] | None:
    """Two halves along the variable with the most codes; None when nothing can be halved."""
    best, best_codes = -1, list[str]()
    for j, item in enumerate(selection):
        codes = expand(item["valueCodes"], cats.get(item["variableCode"]))
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
    words = f"{e.title or ''} {e.detail or ''}".casefold()
    return e.status == 403 or (e.status == 400 and "too many cells" in words)


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
        # KOSTRA codes: EAK landet, EKAnn fylke (apis.md §2, V-secondary); old kommune numbers
        # stay in these tables for the years they were valid.
        codes = [*areas.kommuner, *areas.old_codes()]
        codes += [f"EKA{f}" for f in areas.fylker] + ["EAK"]
        return [RegionPart(None, dedupe(codes))]
    if codelist:
        prefix = "K-" if codelist.startswith("agg_") else ""
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
        if s.provider != SOURCE:
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


@dataclass
class Result:
    """What one group gave: observation frames per indicator, and indicators that are missing."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _dims(meta: Mapping[str, Any]) -> dict[str, str]:
    """casefolded variable code → the table's own spelling."""
    return {str(d).casefold(): str(d) for d in meta.get("id", [])}


def _resolve_measures(
    ind: Indicator, meta: Mapping[str, Any] | None, measure_dim: str
) -> dict[str, str]:
    """Measure codes per role; '?label' placeholders are looked up among the table's labels."""
    out: dict[str, str] = {}
    labels = jsonstat.category_labels(meta, measure_dim) if meta is not None else {}
    for role, code in ind.source.measures.items():
        if not code.startswith("?"):
            if meta is not None and code.casefold() not in {c.casefold() for c in labels}:
                if role == "value":
                    raise SsbError(f"{measure_dim} has no code {code!r} (codes: {sorted(labels)})")
                continue  # a missing count: the value is loaded without it
            out[role] = code
            continue
        if meta is None:
            out[role] = code  # dry run: shown as the placeholder it is
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


def _spell(values: list[str], cats: Sequence[str] | None) -> list[str]:
    """Codes in the table's own spelling (codes are case-insensitive at SSB)."""
    if cats is None:
        return values
    folded = {c.casefold(): c for c in cats}
    return [folded.get(v.casefold(), v) for v in values]


def build_selection(
    group: Group,
    part: RegionPart,
    measure_codes: list[str],
    meta: Mapping[str, Any] | None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The POST selection for one region value set, and region codes the table lacks."""
    s = group.first.source
    region_dim = s.region_dimension or "Region"
    time_dim = s.time_dimension or "Tid"
    measure_dim = s.measure_dimension or "ContentsCode"
    wanted: dict[str, list[str]] = {
        region_dim: part.codes,
        measure_dim: measure_codes,
        time_dim: ["*"],  # whole series: sources revise backwards
        **{k: list(v) for k, v in s.selection.items()},
    }
    codelists = dict(s.codelist)
    if part.codelist:
        codelists[region_dim] = part.codelist
    else:
        codelists.pop(region_dim, None)
    dropped: list[str] = []
    if meta is not None:
        dims = _dims(meta)
        for var in wanted:
            if var.casefold() not in dims:
                raise SsbError(
                    f"the table has no variable {var!r} (variables: {list(dims.values())})"
                )
        wanted = {dims[v.casefold()]: codes for v, codes in wanted.items()}
        codelists = {dims.get(v.casefold(), v): cl for v, cl in codelists.items()}
        region_dim = dims[region_dim.casefold()]
        cats = {d: jsonstat.categories(meta, d) for d in dims.values()}
        have = {c.casefold() for c in cats[region_dim]}
        dropped = [c for c in wanted[region_dim] if c.casefold() not in have]
        wanted[region_dim] = [c for c in wanted[region_dim] if c.casefold() in have]
        for var, codes in wanted.items():
            if var == region_dim:
                continue
            known = {c.casefold() for c in cats[var]}
            for code in codes:
                pattern = _EXPRESSION.match(code) or "*" in code or "?" in code
                if not pattern and code.casefold() not in known:
                    raise SsbError(f"variable {var!r} has no value {code!r}")
        # Variables that may not be eliminated must be selected; one value is an easy choice.
        for var in dims.values():
            ext = meta["dimension"][var].get("extension") or {}
            if var not in wanted and ext.get("elimination") is False:
                if len(cats[var]) == 1:
                    wanted[var] = list(cats[var])
                else:
                    raise SsbError(
                        f"variable {var!r} cannot be eliminated; add it to the catalog's selection"
                    )
        order = list(dims.values())
        wanted = {v: wanted[v] for v in order if v in wanted}
        wanted = {v: _spell(codes, cats[v]) for v, codes in wanted.items()}
    selection = []
    for var, codes in wanted.items():
        item: dict[str, Any] = {"variableCode": var, "valueCodes": dedupe(codes)}
        if var in codelists:
            item["codelist"] = codelists[var]
        selection.append(item)
    return selection, dropped


# ------------------------------------------------------------------------------ fetching


def _post(
    client: Client,
    table: str,
    selection: list[dict[str, Any]],
    cats: Mapping[str, Sequence[str]],
    depth: int = 0,
) -> list[dict[str, Any]]:
    """Send one query; halve it while SSB says it has too many cells."""
    try:
        ds = data(client, table, selection)
    except ApiError as e:
        if not _too_many_cells(e) or depth >= MAX_HALVINGS:
            raise
        halves = halve(selection, cats)
        if halves is None:
            raise
        return [d for h in halves for d in _post(client, table, h, cats, depth + 1)]
    return [] if ds is None else [ds]


def fetch_group(client: Client, group: Group, areas: Areas, max_cells: int = MAX_CELLS) -> Result:
    """Read one table for its indicators and shape the rows as observations."""
    s = group.first.source
    result = Result()
    table = group.table
    if table == "unknown":
        found = find_table(client, s.title or "")
        table = found or "unknown"
        if found:
            result.notes.append(f"ssb: {s.title!r} found by title as table {found} (unverified)")
    region_dim = s.region_dimension or "Region"
    measure_dim = s.measure_dimension or "ContentsCode"
    parts = region_parts(region_dim, s.codelist.get(region_dim), areas)

    datasets: list[dict[str, Any]] = []
    measures: dict[str, dict[str, str]] = {}
    for part in parts:
        codelists = dict(s.codelist)
        if part.codelist:
            codelists[region_dim] = part.codelist
        else:
            codelists.pop(region_dim, None)
        meta = metadata(client, table, codelists)
        if not measures:
            for ind in group.indicators:
                try:
                    measures[ind.id] = _resolve_measures(ind, meta, measure_dim)
                except SsbError as e:
                    if ind.source.verified:
                        raise
                    result.missing[ind.id] = f"ssb table {table}: {e}"
            if not measures:
                return result
        codes = dedupe(c for m in measures.values() for c in m.values())
        selection, dropped = build_selection(group, part, codes, meta)
        if dropped:
            result.notes.append(f"ssb {table}: regions not in the table: {', '.join(dropped)}")
        if not any(
            i["variableCode"].casefold() == region_dim.casefold() and i["valueCodes"]
            for i in selection
        ):
            continue  # none of these regions exist in this table
        if meta is None:
            n = cells(selection, None)
            unknown = [
                i["variableCode"] for i in selection if expand(i["valueCodes"], None) is None
            ]
            data(client, table, selection)
            client.note(
                f"cells: {n}"
                if n is not None
                else f"cells: unknown until metadata is read ({', '.join(unknown)} by pattern)"
            )
            continue
        cats = {d: jsonstat.categories(meta, d) for d in meta["id"]}
        for sub in split(selection, cats, max_cells):
            datasets.extend(_post(client, table, sub, cats))

    if not datasets:
        return result
    frames = [jsonstat.flatten(ds, name=f"ssb {table}") for ds in datasets]
    # Categories differ between parts, so the concatenated code columns become plain objects.
    cells_frame = pd.concat(frames, ignore_index=True)
    updated = updated_of(datasets)
    dims = _dims(datasets[0])
    region_col = dims.get(region_dim.casefold(), region_dim)
    time_col = dims.get((s.time_dimension or "Tid").casefold(), s.time_dimension or "Tid")
    measure_col = dims.get(measure_dim.casefold(), measure_dim)
    sex_col = dims.get(s.sex_dimension.casefold(), s.sex_dimension) if s.sex_dimension else None
    regions = cells_frame[region_col].astype(str).unique()
    area_of = {c: a for c in regions if (a := area_code(c, areas)) in areas.codes}
    preferred = frozenset(c for c in area_of if not _is_old(c, areas))
    for ind in group.indicators:
        if ind.id not in measures:
            continue
        shape = jsonstat.Shape(
            indicator_id=ind.id,
            source=SOURCE,
            region_dim=region_col,
            time_dim=time_col,
            measure_dim=measure_col,
            measures=_match_codes(measures[ind.id], cells_frame[measure_col]),
            sex_dim=sex_col,
            multiplier=ind.multiplier,
            derive_denominator=ind.multiplier > 1,
        )
        result.frames[ind.id] = jsonstat.to_observations(
            cells_frame, shape, area_of, preferred, updated
        )
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
