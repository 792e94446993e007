"""Live refresh: catalog indicators from SSB and FHI, areas from KLASS, outlines from Kartverket.

Everything lands in ONE new warehouse through `etl.load.build_warehouse` (mode 'live'): any
failure raises LoadError naming source, table and cause, and the old file stays as it was.
Whole series are fetched every time, because both SSB and FHI revise backwards. When only some
sources are refreshed, the other sources' rows are carried over from the current warehouse.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, TypeVar

import duckdb
import pandas as pd
from tqdm import tqdm

from etl import http
from etl.http import ApiError, Client, DryRunClient
from etl.jsonstat import JsonStatError
from etl.load import Builder, LoadError, build_warehouse
from etl.sources import fhi, geonorge, klass, ssb
from utfordringsbilde.config import Catalog, Kommune, load_catalog, load_kommuner
from utfordringsbilde.paths import DATA_DIR, runs_log_path, warehouse_path

SOURCES = ("ssb", "fhi", "klass", "geonorge")
OBSERVATION_SOURCES = ("ssb", "fhi")

T = TypeVar("T")


@dataclass
class Summary:
    """What a run did: rows per source and indicator, missing indicators, notes."""

    rows: Counter[tuple[str, str]] = field(default_factory=Counter)
    carried: int = 0
    shapes: int = 0
    missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Progress:
    """Three tqdm bars on stderr: tables done, requests sent, rows staged."""

    def __init__(self, tables: int):
        enabled = os.environ.get("UB_PROGRESS", "1") != "0"
        opts: dict[str, Any] = {"file": sys.stderr, "disable": not enabled, "dynamic_ncols": True}
        self.tables = tqdm(total=tables, desc="tables  ", unit="table", position=0, **opts)
        self.requests = tqdm(desc="requests", unit="req", position=1, **opts)
        self.rows = tqdm(desc="rows    ", unit="row", position=2, **opts)

    def request(self, method: str, url: str) -> None:
        self.requests.update(1)

    def close(self) -> None:
        for bar in (self.rows, self.requests, self.tables):
            bar.close()


# ------------------------------------------------------------------------------ entry points


def apis_reachable(timeout: float = 3.0) -> bool:
    """True when SSB (/config) and FHI (Common/source) both answer within `timeout` seconds."""
    urls = [f"{http.base_url('ssb')}/config", f"{http.base_url('fhi')}/Common/source"]
    pool = ThreadPoolExecutor(max_workers=len(urls))
    try:
        futures = [pool.submit(http.probe, url, timeout) for url in urls]
        done, pending = wait(futures, timeout=timeout + 0.5)
        return not pending and all(f.result() for f in done)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def main(
    kommuner: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    dry_run: bool = False,
    *,
    client: Client | None = None,
    target: Path | None = None,
    runs_log: Path | None = None,
    catalog: Catalog | None = None,
    config: Mapping[str, Kommune] | None = None,
    kommune_folder: Path | None = None,
    out: IO[str] | None = None,
    today: date | None = None,
) -> int:
    """Refresh the chosen kommuner (default all) from the chosen sources (default all).

    Returns 0 on success; raises LoadError (the CLI prints it) when the run fails.
    """
    out = out or sys.stdout
    catalog = catalog or load_catalog()
    config = dict(config or load_kommuner())
    chosen = _choose(kommuner, config)
    wanted = _sources(sources)
    today = today or date.today()
    folder = kommune_folder or DATA_DIR / "kommuner"
    if dry_run:
        return _dry_run(catalog, config, chosen, wanted, folder, out, today)

    target = target or warehouse_path()
    runs_log = runs_log or runs_log_path()
    previous = _previous(target)
    keep = [c for c in previous.get("kommuner", []) if c in config and c not in chosen]
    in_warehouse = {c: config[c] for c in sorted({*chosen, *keep})}
    summary = Summary()
    started = time.monotonic()
    ssb_groups = ssb.groups(catalog.indicators) if "ssb" in wanted else []
    fhi_groups = fhi.groups(catalog.indicators) if "fhi" in wanted else []
    steps = len(ssb_groups) + len(fhi_groups) + ("klass" in wanted) + ("geonorge" in wanted)
    progress = Progress(steps)
    client = client or Client()
    client.on_request = progress.request

    def produce(b: Builder) -> None:
        cmap = klass.code_map(config, None)
        if {"ssb", "fhi", "klass"} & set(wanted):
            # Old numbers of peers come from KLASS even when only ssb or fhi is refreshed.
            cmap = _step(
                "klass", "131 changes", lambda: klass.fetch_code_map(client, config, today)
            )
        areas = klass.areas_for(config, chosen, cmap)
        if "klass" in wanted:
            _klass_areas(b, client, config, chosen, areas, today, summary)
            progress.tables.update(1)
        if previous.get("mode") == "live":
            summary.carried = _carry_over(b, target, catalog, wanted, areas)
        for sg in ssb_groups:
            _ssb_group(b, client, sg, areas, summary, progress)
        listing = None
        if any(g.table == "unknown" for g in fhi_groups):
            listing = _step("fhi", "table list", lambda: fhi.tables(client))
        for fg in fhi_groups:
            _fhi_group(b, client, fg, areas, listing, summary, progress)
        if "geonorge" in wanted:
            summary.shapes = _shapes(b, client, config, chosen, folder)
            progress.tables.update(1)
        _declare_missing(b, catalog, wanted, previous, summary)

    try:
        run = build_warehouse(
            produce,
            mode="live",
            source=",".join(wanted),
            target=target,
            catalog=catalog,
            kommuner=in_warehouse,
            runs_log=runs_log,
            meta={
                "refreshed_sources": ",".join(wanted),
                "refreshed_kommuner": ",".join(chosen),
            },
        )
    finally:
        progress.close()
    _print_summary(out, run.run_id, run.rows or 0, summary, sum(client.sent.values()), started)
    return 0


# ------------------------------------------------------------------------------ helpers


def _choose(kommuner: Sequence[str] | None, config: Mapping[str, Kommune]) -> list[str]:
    if not kommuner:
        return sorted(config)
    unknown = [k for k in kommuner if k not in config]
    if unknown:
        raise LoadError(
            f"no kommune file for {', '.join(unknown)} (configured: {', '.join(sorted(config))})"
        )
    return list(dict.fromkeys(kommuner))


def _sources(sources: Sequence[str] | None) -> list[str]:
    if not sources:
        return list(SOURCES)
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise LoadError(f"unknown sources {', '.join(unknown)} (known: {', '.join(SOURCES)})")
    return [s for s in SOURCES if s in sources]


def _step(source: str, what: str, fn: Callable[[], T]) -> T:
    """Run one request-level step; every failure becomes LoadError naming source and what."""
    try:
        return fn()
    except LoadError:
        raise
    except (ApiError, JsonStatError, klass.KlassError, geonorge.GeoError, ValueError) as e:
        raise LoadError(f"{source} {what}: {e}") from e


def _previous(target: Path) -> dict[str, Any]:
    """Mode, kommuner and missing reasons of the current warehouse ({} when there is none)."""
    if not target.exists():
        return {}
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.Error:
        return {}
    try:
        missing = json.loads(meta.get("missing_indicators") or "{}")
    except ValueError:
        missing = {}
    return {
        "mode": meta.get("mode"),
        "kommuner": [k for k in (meta.get("kommuner") or "").split(",") if k],
        "missing": missing if isinstance(missing, dict) else {},
    }


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) or "NULL"


def _carry_over(
    b: Builder, target: Path, catalog: Catalog, wanted: Sequence[str], areas: klass.Areas
) -> int:
    """Keep the rows this run does not reload: indicators of other sources, areas not fetched."""
    reloaded = [i.id for i in catalog.indicators if i.source.provider in wanted]
    keep = (
        f"indicator_id IN ({_sql_list(i.id for i in catalog.indicators)}) "
        "AND area_code IN (SELECT area_code FROM area) "
        f"AND (indicator_id NOT IN ({_sql_list(reloaded)}) "
        f"OR area_code NOT IN ({_sql_list(sorted(areas.codes))}))"
    )
    return b.carry_over(target, keep)


def _klass_areas(
    b: Builder,
    client: Client,
    config: Mapping[str, Kommune],
    chosen: Sequence[str],
    areas: klass.Areas,
    today: date,
    summary: Summary,
) -> None:
    """Fylke and kommune names from KLASS; peers get their fylke; real grunnkretser their names."""
    kommune_frame = _step("klass", "131 codesAt", lambda: klass.kommuner(client, today))
    fylke_frame = _step("klass", "104 codesAt", lambda: klass.fylker(client, today))
    if kommune_frame is None or fylke_frame is None:
        return
    mine = {c: config[c] for c in chosen}
    _step("klass", "131 check", lambda: klass.check_kommuner(kommune_frame, mine, areas.cmap))
    b.add_areas(klass.area_rows(fylke_frame, kommune_frame, areas.kommuner))
    # config_areas cannot know a peer's fylke; KLASS can. (Builder has no update method.)
    b.con.execute(
        "UPDATE area SET parent_code = substr(area_code, 1, 2) "
        "WHERE level = 'kommune' AND parent_code IS NULL "
        "AND substr(area_code, 1, 2) IN (SELECT area_code FROM area WHERE level = 'fylke')"
    )
    real = [config[c] for c in chosen if not config[c].districts.demo_codes]
    if not real:
        return
    gk_all = _step("klass", "1 codesAt", lambda: klass.codes_at(client, klass.GRUNNKRETSER, today))
    if gk_all is None:
        return
    gk = klass.frame(gk_all)
    names = dict(zip(gk["code"], gk["name"], strict=True))
    for k in real:
        configured = [g for d in k.districts.items for g in d.grunnkretser]
        unknown = [g for g in configured if g not in names]
        if unknown:
            summary.notes.append(
                f"klass: {len(unknown)} grunnkretser in data/kommuner/{k.code}.yaml are not "
                f"valid today (e.g. {', '.join(unknown[:3])})"
            )
        rows = pd.DataFrame(
            [(g, f"{names[g]} ({g})") for g in configured if g in names],
            columns=["area_code", "name"],
        )
        if not rows.empty:
            b.con.register("_gk_names", rows)
            try:
                b.con.execute(
                    "UPDATE area SET name = _gk_names.name FROM _gk_names "
                    "WHERE area.area_code = _gk_names.area_code AND area.level = 'grunnkrets'"
                )
            finally:
                b.con.unregister("_gk_names")


def _cause(e: BaseException) -> str:
    """The error's own words; the type too when it is not one of ours (an unexpected bug)."""
    ours = (ApiError, ssb.SsbError, fhi.FhiError, JsonStatError, klass.KlassError, ValueError)
    return str(e) if isinstance(e, ours) else f"{type(e).__name__}: {e}"


def _definitional(e: BaseException) -> bool:
    """An error that says the catalog's description is wrong (not that the network failed)."""
    if isinstance(e, ApiError):
        return e.status in (400, 404)
    return isinstance(e, ssb.SsbError | fhi.FhiError)


def _add(
    b: Builder,
    frames: Mapping[str, pd.DataFrame],
    source: str,
    summary: Summary,
    progress: Progress,
) -> None:
    for ind_id, frame in frames.items():
        n = b.add_observations(frame)
        summary.rows[(source, ind_id)] += n
        progress.rows.update(n)


def _ssb_group(
    b: Builder,
    client: Client,
    group: ssb.Group,
    areas: klass.Areas,
    summary: Summary,
    progress: Progress,
) -> None:
    ids = ", ".join(i.id for i in group.indicators)
    try:
        result = ssb.fetch_group(client, group, areas)
    except Exception as e:
        if not group.verified and _definitional(e):
            for ind in group.indicators:
                b.mark_missing(ind.id, f"ssb table {group.table} ({group.title}): {e}")
            progress.tables.update(1)
            return
        raise LoadError(f"ssb table {group.table} ({ids}): {_cause(e)}") from e
    for ind_id, reason in result.missing.items():
        b.mark_missing(ind_id, reason)
    summary.notes.extend(result.notes)
    _add(b, result.frames, "ssb", summary, progress)
    progress.tables.update(1)


def _fhi_group(
    b: Builder,
    client: Client,
    group: fhi.Group,
    areas: klass.Areas,
    listing: list[dict[str, Any]] | None,
    summary: Summary,
    progress: Progress,
) -> None:
    ids = ", ".join(i.id for i in group.indicators)
    try:
        result = fhi.fetch_group(client, group, areas, listing)
    except Exception as e:
        if not group.verified and _definitional(e):
            for ind in group.indicators:
                b.mark_missing(ind.id, f"fhi table {group.table} ({group.title}): {e}")
            progress.tables.update(1)
            return
        raise LoadError(f"fhi table {group.table} ({ids}): {_cause(e)}") from e
    summary.notes.extend(result.notes)
    _add(b, result.frames, "fhi", summary, progress)
    progress.tables.update(1)


def _shapes(
    b: Builder,
    client: Client,
    config: Mapping[str, Kommune],
    chosen: Sequence[str],
    folder: Path,
) -> int:
    n = 0
    for code in chosen:
        try:
            shape = geonorge.kommune_boundary(client, code)
            districts = geonorge.district_shapes(config[code], folder)
        except (ApiError, geonorge.GeoError) as e:
            raise LoadError(f"geonorge kommune {code}: {e}") from e
        if shape is not None:
            b.add_shape(code, shape)
            n += 1
        for area, text in districts.items():
            b.add_shape(area, text)
            n += 1
    return n


def _declare_missing(
    b: Builder,
    catalog: Catalog,
    wanted: Sequence[str],
    previous: Mapping[str, Any],
    summary: Summary,
) -> None:
    """Every catalog indicator without rows gets a reason, so validation sees none forgotten."""
    row = b.con.execute("SELECT DISTINCT indicator_id FROM observation_stage").fetchall()
    present = {r[0] for r in row}
    old_reasons: Mapping[str, str] = previous.get("missing", {})
    for ind in catalog.indicators:
        if ind.id in present or ind.id in b.missing:
            continue
        provider = ind.source.provider
        if provider == "local":
            reason = (
                "local data: the kommune's own file has not been imported (python -m etl import)"
            )
        elif provider not in wanted:
            reason = old_reasons.get(ind.id) or f"{provider} was not refreshed in this run"
        else:
            reason = f"{provider} table {ind.source.table}: no rows for the configured areas"
        b.mark_missing(ind.id, reason)
    summary.missing = dict(b.missing)


def _print_summary(
    out: IO[str], run_id: str, rows: int, s: Summary, requests: int, started: float
) -> None:
    took = time.monotonic() - started
    print(
        f"Live refresh done in {took:.1f} s: {rows} observations in the warehouse "
        f"(run {run_id}), {requests} requests, {s.carried} rows carried over, {s.shapes} shapes.",
        file=out,
    )
    if s.rows:
        print(f"  {'source':6}  {'indicator':32}  {'rows':>7}", file=out)
        for (source, ind), n in sorted(s.rows.items()):
            print(f"  {source:6}  {ind:32}  {n:>7}", file=out)
    if s.missing:
        print(f"Missing indicators ({len(s.missing)}):", file=out)
        for ind, reason in sorted(s.missing.items()):
            print(f"  {ind}: {reason}", file=out)
    if s.notes:
        print("Notes:", file=out)
        for note in s.notes:
            print(f"  {note}", file=out)


# ------------------------------------------------------------------------------ dry run


def _dry_run(
    catalog: Catalog,
    config: Mapping[str, Kommune],
    chosen: Sequence[str],
    wanted: Sequence[str],
    folder: Path,
    out: IO[str],
    today: date,
) -> int:
    """Print every request a refresh would send, built from the catalog alone; send none."""
    client = DryRunClient(out)
    print(
        f"# dry run for kommuner {', '.join(chosen)}, sources {', '.join(wanted)}: "
        "the requests a refresh sends, in order. Nothing is sent; without answers, sizes and "
        "codes that come from metadata are marked as unknown.",
        file=out,
    )
    cmap = klass.code_map(config, None)
    if {"ssb", "fhi", "klass"} & set(wanted):
        print("# klass: kommune-number changes (old numbers → current)", file=out)
        klass.fetch_code_map(client, config, today)
    areas = klass.areas_for(config, chosen, cmap)
    if "klass" in wanted:
        print(
            "# klass: kommuner, fylker"
            + (", grunnkretser" if any(not config[c].districts.demo_codes for c in chosen) else ""),
            file=out,
        )
        klass.kommuner(client, today)
        klass.fylker(client, today)
        if any(not config[c].districts.demo_codes for c in chosen):
            klass.codes_at(client, klass.GRUNNKRETSER, today)
    if "ssb" in wanted:
        for g in ssb.groups(catalog.indicators):
            ids = ", ".join(i.id for i in g.indicators)
            print(f"# ssb {g.table} ({ids})" + ("" if g.verified else " [unverified]"), file=out)
            ssb.fetch_group(client, g, areas)
    if "fhi" in wanted:
        groups = fhi.groups(catalog.indicators)
        if any(g.table == "unknown" for g in groups):
            print("# fhi: table list, for tables looked up by title", file=out)
            fhi.tables(client)
        for fg in groups:
            ids = ", ".join(i.id for i in fg.indicators)
            print(f"# fhi {fg.table} ({ids})" + ("" if fg.verified else " [unverified]"), file=out)
            fhi.fetch_group(client, fg, areas, None)
    if "geonorge" in wanted:
        for code in chosen:
            print(f"# geonorge: outline of {code}", file=out)
            geonorge.kommune_boundary(client, code)
            if config[code].districts.geojson:
                client.note(f"districts from {folder / str(config[code].districts.geojson)}")
    print(f"# {client.listed} requests listed, none sent.", file=out)
    return 0
