"""`python -m bench`: build the national warehouse if missing, then time the page queries.

`python -m bench load --replicas N`: concurrent sessions against the served app (bench/load.py).

Prints p50 and p95 in milliseconds per query over many runs with random kommuner. Figures,
not verdicts: nothing here fails on a slow query.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from bench import national

Query = Callable[..., Any]


def _overview_page(con: duckdb.DuckDBPyConnection, kommune: str) -> pd.DataFrame:
    from utfordringsbilde import overview

    return overview.build(con, kommune).cells


def _district_page(con: duckdb.DuckDBPyConnection, kommune: str) -> pd.DataFrame:
    from utfordringsbilde import overview, profile

    ov = overview.build(con, kommune)
    return profile.build(con, ov, str(ov.districts["area_code"].iloc[0]))


def _overview_level(level: str) -> Query:
    def run(con: duckdb.DuckDBPyConnection, kommune: str) -> pd.DataFrame:
        from utfordringsbilde import overview

        return overview.build(con, kommune, level=level).cells

    return run


def _district_level(level: str) -> Query:
    def run(con: duckdb.DuckDBPyConnection, kommune: str) -> pd.DataFrame:
        from utfordringsbilde import overview, profile

        ov = overview.build(con, kommune, level=level)
        if ov.districts.empty:  # a warehouse without that level: the default one
            ov = overview.build(con, kommune)
        return profile.build(con, ov, str(ov.districts["area_code"].iloc[0]))

    return run


def bench_queries() -> tuple[str, list[tuple[str, Query]]]:
    """The core's query registry plus whole pages' data (SQL and the Python comparisons)."""
    from bench.queries import BENCH_QUERIES

    pages: list[tuple[str, Query]] = [
        ("page_overview (all data)", _overview_page),
        ("page_district_profile (all data)", _district_page),
        # Delområder: the public level every kommune has (a warehouse without them: no rows).
        ("page_overview (delområder)", _overview_level("delomrade")),
        ("page_district_profile (delområder)", _district_level("delomrade")),
    ]
    return "bench.queries.BENCH_QUERIES + whole pages", [*BENCH_QUERIES, *pages]


def machine() -> str:
    """nproc, RAM and Python/DuckDB versions, for the figures to mean something."""
    ram = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        ram = f", {pages / 2**30:.1f} GiB RAM"
    except (ValueError, OSError):
        pass
    return (
        f"{os.cpu_count()} CPUs{ram}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )


def time_queries(
    con: duckdb.DuckDBPyConnection,
    queries: list[tuple[str, Query]],
    kommuner: list[str],
    runs: int,
    seed: int,
) -> pd.DataFrame:
    """p50/p95 in ms per query; each run picks a random kommune, after one warm-up call."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, fn in queries:
        fn(con, kommune=kommuner[0])  # warm-up: plan caches, file pages
        times = []
        for kommune in rng.choice(kommuner, size=runs):
            start = time.perf_counter()
            result = fn(con.cursor(), kommune=str(kommune))
            times.append((time.perf_counter() - start) * 1000)
        rows.append(
            {
                "query": name,
                "runs": runs,
                "p50_ms": float(np.percentile(times, 50)),
                "p95_ms": float(np.percentile(times, 95)),
                "max_ms": float(np.max(times)),
                "rows": len(result) if hasattr(result, "__len__") else None,
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Build if needed, time every registered query, print the figures; `load …`: bench.load."""
    rest = sys.argv[1:] if argv is None else argv
    if rest[:1] == ["load"]:
        from bench import load

        return load.main(rest[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the warehouse first")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per query (≥ 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", type=Path, default=national.TARGET)
    parser.add_argument(
        "--kommuner", type=int, default=None, help="build a smaller country of about N kommuner"
    )
    parser.add_argument(
        "--own-districts-only",
        action="store_true",
        help="build without levekårssoner, bydeler and delområder",
    )
    parser.add_argument(
        "--primary-only",
        action="store_true",
        help="skip the loader's secondary suppression (slow at national scale) when building",
    )
    args = parser.parse_args(argv)

    print(f"Machine: {machine()}")
    if args.rebuild or not args.target.exists():
        args.target.parent.mkdir(parents=True, exist_ok=True)
        print(f"Building {args.target} ...", flush=True)
        start = time.perf_counter()
        run = national.build(
            args.target,
            seed=args.seed,
            kommuner=args.kommuner,
            public_levels=not args.own_districts_only,
            secondary=not args.primary_only,
        )
        print(
            f"Built in {time.perf_counter() - start:.1f} s: {run.rows:,} observations".replace(
                ",", " "
            )
        )

    origin, queries = bench_queries()
    con = duckdb.connect(str(args.target), read_only=True)
    try:
        total = con.execute("SELECT count(*) FROM observation").fetchone()
        areas = con.execute("SELECT level, count(*) FROM area GROUP BY 1 ORDER BY 2").fetchall()
        kommuner = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT parent_code FROM area WHERE level = 'district' ORDER BY 1"
            ).fetchall()
        ]
        print(f"Observations: {total[0] if total else 0:,}".replace(",", " "))
        print("Areas: " + ", ".join(f"{n} {level}" for level, n in areas))
        print(f"Queries: {origin}; {max(args.runs, 1)} runs each over random kommuner\n")
        figures = time_queries(con, queries, kommuner, max(args.runs, 1), args.seed)
    finally:
        con.close()
    print(figures.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
