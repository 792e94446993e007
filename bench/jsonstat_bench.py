"""`python -m bench.jsonstat_bench`: JSON-stat2 → DuckDB, our flattener against pyjstat.

Builds one 800 000-cell JSON-stat2 dataset (SSB's cell limit per extract) with status
symbols, as JSON text the way it arrives over HTTP, then times text → tidy frame → DuckDB
table for the ETL's own path (`etl.http.decode` + `etl.jsonstat.flatten`) and for pyjstat
(`Dataset.read` → `write('dataframe')`). The two run in pairs, alternating which goes first,
so a change in machine load hits both sides of a pair alike; the ratio reported is the median
of the per-pair ratios, with the load average before and after. Figures, not verdicts:
nothing fails here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from etl import jsonstat
from etl.http import decode

SIZES = {"Region": 400, "Alder": 50, "ContentsCode": 2, "Tid": 20}  # 800 000 cells


def dataset(seed: int = 1) -> dict[str, Any]:
    """An SSB-shaped dataset: index objects, labels, ~3 % of cells null with a status symbol."""
    rng = np.random.default_rng(seed)
    codes = {
        "Region": [f"K-{3000 + i:04d}" for i in range(SIZES["Region"])],
        "Alder": [f"{i:03d}" for i in range(SIZES["Alder"])],
        "ContentsCode": ["Personer1", "Andel1"],
        "Tid": [str(2005 + i) for i in range(SIZES["Tid"])],
    }
    n = int(np.prod(list(SIZES.values())))
    values: list[float | None] = np.round(rng.gamma(2.0, 500.0, n), 1).tolist()
    flagged = rng.choice(n, size=n * 3 // 100, replace=False)
    symbols = rng.choice([":", "..", "."], size=len(flagged))
    status = {}
    for pos, sym in zip(flagged.tolist(), symbols.tolist(), strict=True):
        values[pos] = None
        status[str(pos)] = sym
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Benchmark, 800 000 cells",
        "source": "Statistisk sentralbyrå",
        "updated": "2026-02-26T07:00:00Z",
        "id": list(SIZES),
        "size": list(SIZES.values()),
        "dimension": {
            dim: {
                "label": dim,
                "category": {
                    "index": {c: i for i, c in enumerate(cs)},
                    "label": {c: f"{dim} {c}" for c in cs},
                },
            }
            for dim, cs in codes.items()
        },
        "value": values,
        "status": status,
    }


def ours(text: str, con: duckdb.DuckDBPyConnection) -> int:
    frame = jsonstat.flatten(decode(text))
    con.register("cells", frame)
    con.execute("CREATE OR REPLACE TABLE ours AS SELECT * FROM cells")
    con.unregister("cells")
    return len(frame)


def theirs(text: str, con: duckdb.DuckDBPyConnection) -> int:
    from pyjstat import pyjstat

    frame = pyjstat.Dataset.read(text).write("dataframe", naming="id")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    con.register("cells", frame)
    con.execute("CREATE OR REPLACE TABLE theirs AS SELECT * FROM cells")
    con.unregister("cells")
    return len(frame)


Path = Callable[[str, duckdb.DuckDBPyConnection], int]


def timed(fn: Path, text: str) -> float:
    """Seconds for one text → frame → DuckDB run, into a fresh in-memory DuckDB."""
    with duckdb.connect() as con:
        start = time.perf_counter()
        rows = fn(text, con)
        took = time.perf_counter() - start
    assert rows == int(np.prod(list(SIZES.values())))
    return took


def pairs(text: str, runs: int) -> list[tuple[float, float]]:
    """(ours, theirs) seconds for `runs` pairs; odd pairs run pyjstat first."""
    out = []
    for i in range(runs):
        if i % 2:
            t_theirs, t_ours = timed(theirs, text), timed(ours, text)
        else:
            t_ours, t_theirs = timed(ours, text), timed(theirs, text)
        out.append((t_ours, t_theirs))
    return out


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def main(argv: list[str] | None = None) -> int:
    """Time both paths in alternating pairs; print cells per second and the median ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.jsonstat_bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="timed pairs (the median counts)")
    args = parser.parse_args(argv)
    text = json.dumps(dataset())
    cells = int(np.prod(list(SIZES.values())))
    print(
        f"JSON-stat2 → DuckDB: {cells:,} cells".replace(",", " ") + f" ({len(text) / 1e6:.1f} MB)"
    )
    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"duckdb {duckdb.__version__}, {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(f"  load before   {_load()}")
    timings = pairs(text, max(1, args.runs))
    print(f"  load after    {_load()}")
    for name, col in (("etl.jsonstat", 0), ("pyjstat", 1)):
        t = statistics.median(p[col] for p in timings)
        print(f"  {name:13} {t:7.2f} s   {cells / t:>12,.0f} cells/s (median)".replace(",", " "))
    ratios = [t_theirs / t_ours for t_ours, t_theirs in timings]
    print(
        f"  ratio         {statistics.median(ratios):7.1f}× faster, median of {len(ratios)} "
        f"pairs (range {min(ratios):.1f}–{max(ratios):.1f}×; target ≥ 5×)"
    )
    # Same content both ways, as a sanity check of the comparison itself.
    with duckdb.connect() as con:
        ours(text, con)
        theirs(text, con)
        row = con.execute(
            "SELECT (SELECT count(*) FROM ours WHERE value IS NULL), "
            "(SELECT count(*) FROM theirs WHERE value IS NULL), "
            "(SELECT round(sum(value)) FROM ours), (SELECT round(sum(value)) FROM theirs)"
        ).fetchone()
    assert row is not None and row[0] == row[1] and row[2] == row[3], row
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
