"""Live refresh: every registered source's steps into ONE new warehouse, or a dry-run listing.

Everything lands in one new warehouse through `etl.load.build_warehouse` (mode 'live'): any
failure raises LoadError naming source, step and cause, and the old file stays as it was.
Whole series are fetched every time, because the sources revise backwards. When only some
sources are refreshed, the other sources' rows are carried over from the current warehouse.
A dry run takes the same steps with a client that lists their requests and sends none.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any

import duckdb
from tqdm import tqdm

from etl import http
from etl.http import ApiError, Client, DryRunClient
from etl.jsonstat import JsonStatError
from etl.load import Builder, LoadError, build_warehouse
from etl.sources import REGISTRY, Source, geonorge, klass, local
from etl.sources.base import Result, Run, Step
from utfordringsbilde.config import (
    Catalog,
    Kommune,
    load_catalog,
    load_kommuner,
    national_kommuner,
)
from utfordringsbilde.paths import DATA_DIR, runs_log_path, warehouse_path

Apply = Callable[[Source, Result], None]


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
    """True when every registered source with a probe path answers within `timeout` seconds."""
    urls = [f"{s.url}{s.probe}" for s in REGISTRY.values() if s.probe]
    pool = ThreadPoolExecutor(max_workers=max(1, len(urls)))
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
    replace_demo: bool = False,
) -> int:
    """Refresh the chosen kommuner (default all) from the chosen sources (default all).

    Over a demo warehouse the run is refused unless `replace_demo`: then the simulated rows
    go and the kommune's imported rows stay. Returns 0 on success; raises LoadError (the CLI
    prints it) when the run fails.
    """
    out = out or sys.stdout
    catalog = catalog or load_catalog()
    _check_providers(catalog)
    config = dict(config or load_kommuner())
    chosen = _choose(kommuner, config)
    wanted = _sources(sources)
    client = DryRunClient(out) if dry_run else client or Client()
    frame = Frame(client, catalog, config, tuple(chosen), wanted, today or date.today())
    folder = kommune_folder or DATA_DIR / "kommuner"
    if isinstance(client, DryRunClient):
        return _list(frame, client, folder, out)
    return _refresh(
        frame, folder, target or warehouse_path(), runs_log or runs_log_path(), out, replace_demo
    )


@dataclass(frozen=True)
class Frame:
    """What one refresh or dry run was asked for: client, catalog, kommuner, sources, date."""

    client: Client
    catalog: Catalog
    config: Mapping[str, Kommune]
    chosen: tuple[str, ...]
    sources: list[Source]
    today: date

    @property
    def names(self) -> list[str]:
        """The chosen sources' names, in registry order."""
        return [s.name for s in self.sources]


def _refresh(
    f: Frame, folder: Path, target: Path, runs_log: Path, out: IO[str], replace_demo: bool = False
) -> int:
    """Take every step live into a new warehouse; carry over every row it does not replace."""
    previous = _previous(target)
    demo = previous.get("mode") == "demo"
    if demo:
        what = _demo_notice(target, previous)
        if not replace_demo:
            raise LoadError(
                f"{target} holds demo data. {what} Nothing was changed: run "
                "`python -m etl refresh --replace-demo` to switch this warehouse to live data."
            )
        print(f"Replacing the demo data: {what}", file=out)
    keep = [c for c in previous.get("kommuner", []) if c in f.config and c not in f.chosen]
    in_warehouse = {c: f.config[c] for c in sorted({*f.chosen, *keep})}
    summary = Summary()
    started = time.monotonic()
    progress = Progress(0)
    f.client.on_request = progress.request
    f.client.begin_run()  # the run's overall deadline counts from here

    def produce(b: Builder) -> None:
        run = _prepare(f, folder)
        _take_steps(run, f.sources, partial(_apply, b, summary, progress), progress)
        # What the refreshed sources could not give this time is a partial run, with the cause.
        b.partial.extend(f"{ind}: {why}" for ind, why in sorted(b.missing.items()))
        if previous.get("mode") in ("live", "demo"):
            reloaded = [i.id for i in f.catalog.indicators if i.source.provider in f.names]
            # Districts of the chosen kommuner are fetched again too (FHI's GEO children).
            below = b.con.execute(
                "SELECT area_code FROM area WHERE list_contains($k, kommune_code) "
                "AND level NOT IN ('land', 'fylke', 'kommune')",
                {"k": list(run.chosen)},
            ).fetchall()
            fetched = sorted(run.areas.codes | {r[0] for r in below})
            summary.carried = b.carry_over(
                target,
                reloaded,
                fetched,
                only_replaced=True,
                drop_runs=previous.get("demo_runs", []) if demo else [],
            )
        _declare_missing(b, f.catalog, f.names, previous, summary)

    try:
        done = build_warehouse(
            produce,
            mode="live",
            source=",".join(f.names),
            target=target,
            catalog=f.catalog,
            kommuner=in_warehouse,
            runs_log=runs_log,
            meta={
                **previous.get("kept_meta", {}),
                "refreshed_sources": ",".join(f.names),
                "refreshed_kommuner": ",".join(f.chosen),
            },
        )
    finally:
        progress.close()
    requests = sum(f.client.sent.values())
    _print_summary(out, done.run_id, done.rows or 0, summary, requests, started)
    return 0


def _list(f: Frame, client: DryRunClient, folder: Path, out: IO[str]) -> int:
    """Print every request a refresh would send, built from the catalog alone; send none."""
    print(
        f"# dry run for kommuner {', '.join(f.chosen)}, sources {', '.join(f.names)}: "
        "the requests a refresh sends, in order. Nothing is sent; without answers, sizes and "
        "codes that come from metadata are marked as unknown.",
        file=out,
    )
    _take_steps(_prepare(f, folder), f.sources, lambda source, result: None)
    print(f"# {client.listed} requests listed, none sent.", file=out)
    return 0


# ------------------------------------------------------------------------------ steps


def _prepare(f: Frame, folder: Path) -> Run:
    """The run every source is handed: the areas to ask for, through the kommune-number map."""
    cmap = klass.code_map(f.config, None)
    if any(s.needs_code_map for s in f.sources):
        # Old numbers come from KLASS for every source that maps codes, refreshed or not.
        step = klass.code_map_step(f.today)
        fetch = partial(klass.fetch_code_map, f.client, f.config, f.today)
        cmap = f.client.perform(
            klass.NAME, step, partial(_guard, klass.NAME, step.what, fetch), cmap
        )
    areas = klass.areas_for(f.config, f.chosen, cmap)
    return Run(f.client, f.catalog, f.config, f.chosen, areas, f.today, folder)


def _take_steps(
    run: Run, sources: Sequence[Source], apply: Apply, progress: Progress | None = None
) -> None:
    """Plan every source, then take each step through the client and apply what it gives."""
    # A source may plan differently by what else runs (the download replaces the outlines).
    run.memo[geonorge.RUN_SOURCES] = tuple(s.name for s in sources)
    plans = [(source, source.plan(run)) for source in sources]
    if progress is not None:
        progress.tables.reset(total=sum(len(steps) for _, steps in plans))
    for source, steps in plans:
        for step in steps:
            fetch = partial(_fetch, source, run, step)
            apply(source, run.client.perform(source.name, step, fetch, Result()))


def _fetch(source: Source, run: Run, step: Step) -> Result:
    """One step's result; an unverified step the source finds wrong declares its indicators."""
    try:
        return source.fetch(run, step)
    except LoadError:
        raise
    except Exception as e:
        if step.indicators and not step.verified and _definitional(e, source):
            why = f"{source.name} {step.about or step.what}: {e}"
            return Result(missing={ind.id: why for ind in step.indicators})
        raise LoadError(f"{source.name} {step.what}: {_cause(e)}") from e


def _guard(source: str, what: str, fn: Callable[[], klass.CodeMap]) -> klass.CodeMap:
    """Run one request-level step; every failure becomes LoadError naming source and what."""
    try:
        return fn()
    except Exception as e:
        raise LoadError(f"{source} {what}: {_cause(e)}") from e


def _apply(b: Builder, summary: Summary, progress: Progress, source: Source, r: Result) -> None:
    """Add one step's result to the warehouse under construction."""
    if r.areas is not None:
        b.add_areas(r.areas)
    if r.members is not None:
        b.add_members(r.members)
    b.set_parents(r.parents)
    b.rename_areas(r.names)
    for code, text in r.shapes.items():
        b.add_shape(code, text)
    summary.shapes += len(r.shapes)
    for ind_id, reason in r.missing.items():
        b.mark_missing(ind_id, reason)
    summary.notes.extend(r.notes)
    for ind_id, frame in r.frames.items():
        n = b.add_observations(frame)
        summary.rows[(source.name, ind_id)] += n
        progress.rows.update(n)
    progress.tables.update(1)


def _cause(e: BaseException) -> str:
    """The error's own words; the type too when it is not one of ours (an unexpected bug)."""
    ours = (ApiError, JsonStatError, ValueError, *(s.error for s in REGISTRY.values()))
    return str(e) if isinstance(e, ours) else f"{type(e).__name__}: {e}"


def _definitional(e: BaseException, source: Source) -> bool:
    """An error that says the catalog's description is wrong (not that the network failed)."""
    if isinstance(e, ApiError):
        return e.status in (400, 404)
    return isinstance(e, source.error)


# ------------------------------------------------------------------------------ helpers


def _check_providers(catalog: Catalog) -> None:
    """Every catalog indicator names a registered source, or the kommune's own import."""
    known = {*REGISTRY, local.NAME}
    wrong = [
        f"{i.id} ({i.source.provider})"
        for i in catalog.indicators
        if i.source.provider not in known
    ]
    if wrong:
        raise LoadError(
            f"catalog indicators name unknown sources: {', '.join(wrong)} "
            f"(known: {', '.join(sorted(known))})"
        )


def _choose(kommuner: Sequence[str] | None, config: dict[str, Kommune]) -> list[str]:
    """The kommuner to refresh (default: those with a file); a kommune without a file gets its
    national defaults (name, fylke, public districts), added to `config`; 'all' is every one."""
    if not kommuner:
        return sorted(config)
    if list(kommuner) == ["all"]:
        kommuner = list(national_kommuner())
    unknown = [k for k in kommuner if k not in config and k not in national_kommuner()]
    if unknown:
        raise LoadError(
            f"no kommune {', '.join(unknown)}: neither a kommune file "
            f"(configured: {', '.join(sorted(config))}) nor a kommune in KLASS 131"
        )
    for k in kommuner:
        if k not in config:
            config[k] = national_kommuner()[k]
    return list(dict.fromkeys(kommuner))


def _sources(names: Sequence[str] | None) -> list[Source]:
    """The registered sources asked for, in registry order (all when none are named)."""
    if not names:
        return list(REGISTRY.values())
    unknown = [s for s in names if s not in REGISTRY]
    if unknown:
        raise LoadError(f"unknown sources {', '.join(unknown)} (known: {', '.join(REGISTRY)})")
    return [s for s in REGISTRY.values() if s.name in names]


def _previous(target: Path) -> dict[str, Any]:
    """Mode, kommuner and missing reasons of the current warehouse ({} when there is none)."""
    if not target.exists():
        return {}
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            rows = con.execute(
                "SELECT o.etl_run_id, count(*), bool_or(r.source = ?) FROM observation o "
                "LEFT JOIN (SELECT DISTINCT run_id, source FROM etl_run) r "
                "ON r.run_id = o.etl_run_id GROUP BY 1",
                [local.NAME],
            ).fetchall()
    except duckdb.Error:
        return {}
    try:
        missing = json.loads(meta.get("missing_indicators") or "{}")
    except ValueError:
        missing = {}
    imported = {str(run): int(n) for run, n, is_import in rows if is_import}
    return {
        "mode": meta.get("mode"),
        "kommuner": [k for k in (meta.get("kommuner") or "").split(",") if k],
        "missing": missing if isinstance(missing, dict) else {},
        # In a demo warehouse every row not from an import is simulated.
        "demo_runs": sorted(str(run) for run, _, is_import in rows if not is_import),
        "demo_rows": sum(int(n) for _, n, is_import in rows if not is_import),
        "imported_rows": sum(imported.values()),
        # The kommune's imports stay credited to their files across refreshes.
        "kept_meta": {k: meta[k] for k in ("imports", "last_import") if k in meta},
    }


def _demo_notice(target: Path, previous: Mapping[str, Any]) -> str:
    """What switching a demo warehouse to live data removes and keeps, in one sentence."""
    kept = previous.get("imported_rows", 0)
    return f"A live refresh removes its {previous.get('demo_rows', 0)} simulated observations" + (
        f" and keeps the {kept} rows imported from the kommune's own files." if kept else "."
    )


def _declare_missing(
    b: Builder,
    catalog: Catalog,
    wanted: Sequence[str],
    previous: Mapping[str, Any],
    summary: Summary,
) -> None:
    """Every catalog indicator without rows gets a reason, so validation sees none forgotten."""
    present = b.staged_indicators()
    old_reasons: Mapping[str, str] = previous.get("missing", {})
    for ind in catalog.indicators:
        if ind.id in present or ind.id in b.missing:
            continue
        provider = ind.source.provider
        if provider not in REGISTRY:
            reason = (
                f"{provider} data: the kommune's own file has not been imported "
                "(python -m etl import)"
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
