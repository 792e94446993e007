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
from etl.http import ApiError, Client
from etl.sources import klass, settings, ssb, tables
from etl.sources.base import Request, Result, Run, Source, Step
from utfordringsbilde import districts
from utfordringsbilde.config import Indicator
from utfordringsbilde.districts import Level

NAME = "districts"

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


def corresponds_request(source: int, target: int, at: date) -> Request:
    """GET the correspondence source → target valid on `at`."""
    url = f"{klass.SOURCE.url}/classifications/{source}/correspondsAt"
    params = {"targetClassificationId": str(target), "date": at.isoformat()}
    return Request("GET", url, params, headers=klass.HEADERS)


def corresponds_at(
    client: Client, source: int, target: int, at: date
) -> list[dict[str, Any]] | None:
    """Correspondence items source → target valid on `at`; [] when KLASS has no such table
    (404); None in a dry run."""
    try:
        found = client.send(corresponds_request(source, target, at))
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
    client: Client,
    at: date,
    levekarssoner: int = LEVEKARSSONER,
    codes: list[dict[str, Any]] | None = None,
) -> KlassDistricts | None:
    """Delområder and grunnkretser with names (KLASS 1, unless `codes` already holds them), and
    grunnkrets → bydel and → levekårssone correspondences, for the whole country; None in a dry
    run."""
    codes = codes if codes is not None else klass.codes_at(client, GRUNNKRETSER, at)
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
        # object first: an empty correspondence maps to float NaN, which "" cannot fill.
        table[column] = table["grunnkrets"].map(part["code"]).astype(object).fillna("")
        table[f"{column}_navn"] = table["grunnkrets"].map(part["name"]).astype(object).fillna("")
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
    if not frames:  # a client that sends nothing (a dry run)
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
    out = districts.head_counts(pop.grunnkretser, kommuner, level_members(levels))
    if out.columns.empty:  # nothing to sum
        return out
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


# ------------------------------------------------------------------------------ the source


def run_levels(run: Run) -> list[Level]:
    """The district levels of the chosen kommuner: their own districts (kommune files), then the
    public levels an earlier step of this run fetched, else the bundled ones (data/areas)."""
    fetched: list[Level] | None = run.memo.get("district_levels")
    out: list[Level] = []
    for code in run.chosen:
        k = run.config[code]
        # Per kind: what KLASS gave, else the bundled level (e.g. levekårssoner while the
        # KLASS correspondence is unknown), and always the kommune file's own districts.
        public = {lv.kind: lv for lv in fetched or [] if lv.kommune == code}
        for lv in districts.config_levels(k):
            public.setdefault(lv.kind, lv)
        out += sorted(public.values(), key=lambda lv: districts.KINDS.index(lv.kind))
    return out


class Districts(Source):
    """The public district levels of every chosen kommune (KLASS) and its population per
    grunnkrets (SSB 04317), rolled up to every level."""

    name = NAME
    base_url = settings.KLASS_BASE
    rate_limit = settings.KLASS_RATE
    error = klass.KlassError

    @property
    def url(self) -> str:
        """KLASS's base URL: the district classifications are KLASS's."""
        return klass.SOURCE.url

    def plan(self, run: Run) -> list[Step]:
        """One step for the classifications (whole country), one for 04317 (all kommuner)."""
        at = run.today
        # KLASS 1 itself is read once per run: by the klass source when it names grunnkretser.
        note = ("not sent again when the klass source has read it in this run",)
        codes = klass.codes_request(GRUNNKRETSER, at)
        steps = [
            Step(
                f"{GRUNNKRETSER} codesAt, {GRUNNKRETSER}→{BYDELER} and "
                f"{GRUNNKRETSER}→{LEVEKARSSONER} correspondsAt",
                (
                    Request(
                        codes.method, codes.url, codes.params, headers=codes.headers, notes=note
                    ),
                    corresponds_request(GRUNNKRETSER, BYDELER, at),
                    corresponds_request(GRUNNKRETSER, LEVEKARSSONER, at),
                ),
                key="levels",
            )
        ]
        mine = [i for i in run.catalog.indicators if i.source.provider == NAME]
        inds = tuple(i for i in mine if i.source.table == POPULATION_TABLE)
        if inds:
            selection = [
                {"variableCode": "Grunnkretser", "valueCodes": [f"{k}*" for k in run.chosen]},
                {"variableCode": "ContentsCode", "valueCodes": ["*"]},
                {"variableCode": "Tid", "valueCodes": ["top(5)"]},
            ]
            note = ("split by kommune where the metadata's grunnkrets count needs it",)
            steps.append(
                Step(
                    f"table {POPULATION_TABLE} ({', '.join(i.id for i in inds)})",
                    (
                        ssb.metadata_request(POPULATION_TABLE, {}),
                        ssb.data_request(POPULATION_TABLE, selection, note),
                    ),
                    indicators=inds,
                    verified=all(i.source.verified for i in inds),
                    about=f"table {POPULATION_TABLE}",
                    key="population",
                )
            )
        for table, key, requests in (
            (
                tables.CHILDREN_TABLE,
                "children",
                lambda _: (
                    ssb.metadata_request(tables.CHILDREN_TABLE, {}),
                    tables.children_request(run.chosen),
                ),
            ),
            (
                tables.HOUSEHOLDS_TABLE,
                "households",
                lambda these: (
                    ssb.metadata_request(tables.HOUSEHOLDS_TABLE, {"Region": tables.DELOMRADER}),
                    tables.households_request(these, run.chosen),
                ),
            ),
        ):
            these = tuple(i for i in mine if i.source.table == table)
            if these:
                steps.append(
                    Step(
                        f"table {table} ({', '.join(i.id for i in these)})",
                        requests(these),
                        indicators=these,
                        verified=all(i.source.verified for i in these),
                        about=f"table {table}",
                        key=key,
                    )
                )
        return steps

    def fetch(self, run: Run, step: Step) -> Result:
        """Areas, names and memberships of every level; or the population rows."""
        if step.key == "levels":
            tables = fetch_klass(run.client, run.today, codes=run.memo.get(klass.GRUNNKRETS_CODES))
            assert tables is not None
            levels = [lv for code in run.chosen for lv in public_levels(tables, code)]
            run.memo["district_levels"] = levels
            names: dict[str, str] = {}
            for code in run.chosen:
                table, do_names = grunnkrets_table(tables, code)
                names.update(do_names)
                # Made-up codes in a kommune file keep their own names (they are not KLASS's).
                k = run.config[code].districts
                made_up = {g for d in k.items for g in d.grunnkretser} if k.demo_codes else set()
                names.update(
                    {
                        g: f"{n} ({g})"
                        for g, n in zip(table["grunnkrets"], table["grunnkrets_navn"], strict=True)
                        if g not in made_up
                    }
                )
            return Result(
                areas=level_areas(levels),
                names=names,
                members=level_members(levels),
                notes=list(tables.notes),
            )
        if step.key == "children":
            return self._children(run, step)
        if step.key == "households":
            return self._households(run, step)
        pop = population(run.client, list(run.chosen))
        assert pop is not None
        frame = population_observations(pop, list(run.chosen), run_levels(run))
        # Head counts are public down to the grunnkrets: a value without a count, so no
        # small-number rule hides a district of 3 persons.
        frame["numerator"] = float("nan")
        frame = frame[frame["area_code"].isin(run.areas.codes | set(_district_codes(run)))]
        frames = {ind.id: frame.assign(indicator_id=ind.id) for ind in step.indicators}
        return Result(frames=frames, notes=_not_rolled_up(run, step.indicators))

    def _children(self, run: Run, step: Step) -> Result:
        """Children 0–17 per grunnkrets (04362) rolled up to every level, marked approximate."""
        found = tables.children(run.client, list(run.chosen))
        if found is None:
            return Result()
        levels = run_levels(run)
        frame = tables.children_observations(found, list(run.chosen), levels, level_members(levels))
        if frame.empty:
            return Result()
        frame["numerator"] = float("nan")  # head counts: public down to the grunnkrets
        frame = frame[frame["area_code"].isin(run.areas.codes | set(_district_codes(run)))]
        return Result(frames={ind.id: frame.assign(indicator_id=ind.id) for ind in step.indicators})

    def _households(self, run: Run, step: Step) -> Result:
        """06944 per delområde: stored at that level only, never summed to other levels."""
        found = tables.households(run.client, step.indicators, list(run.chosen))
        if found is None:
            return Result()
        known = {d.code for lv in run_levels(run) if lv.kind == "delomrade" for d in lv.districts}
        return Result(frames={i: f[f["area_code"].isin(known)] for i, f in found.items()})


def _district_codes(run: Run) -> list[str]:
    return [d.code for lv in run_levels(run) for d in lv.districts]


SOURCE = Districts()


def _not_rolled_up(run: Run, indicators: Sequence[Indicator]) -> list[str]:
    """A note per kommune whose own districts list no grunnkretser: nothing is summed to them."""
    ids = ", ".join(i.id for i in indicators)
    notes = []
    for code in run.chosen:
        bare = [d.code for d in run.config[code].districts.items if not d.grunnkretser]
        if bare:
            notes.append(
                f"districts: {', '.join(bare)} list no grunnkretser in data/kommuner/{code}.yaml, "
                f"so {ids} (summed from grunnkretser) is not available for them"
            )
    return notes
