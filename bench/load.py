"""`python -m bench load`: many concurrent Streamlit sessions against 1 or N local replicas.

Starts the replicas (and HAProxy for N > 1, as `make run` does) on loopback ports over a
warehouse, then for each concurrency level holds that many websocket sessions for a fixed
time. Each session cycles overview → district profile → indicator → Planevaluering, as a
person clicking through the pages would, and every render is timed from the request to
`script_finished`. Reports p50/p95/max per page, errors, and the peak RSS (and PSS) of every
server process. Bounded: at most MAX_SESSIONS sessions, MAX_SECONDS per level, then it stops.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np

from bench import national
from bench.session import Render, Session
from serve.cluster import Cluster, ServeError, default_replicas, free_port, proxy_binary

# (label, URL path): the pages a meeting clicks through; "" is the default page (overview).
PAGES = [("overview", ""), ("distrikt", "distrikt"), ("indikator", "indikator"),
         ("evaluering", "evaluering")]  # fmt: skip
MAX_SESSIONS = 50
MAX_SECONDS = 300
RENDER_TIMEOUT = 60


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` in MB (psutil when installed, else /proc), 0 if it is gone."""
    try:
        import psutil

        try:
            return float(psutil.Process(pid).memory_info().rss) / 2**20
        except psutil.Error:
            return 0.0
    except ImportError:
        pass
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size of `pid` in MB: shared pages (libraries) split between the
    processes that map them, so a sum over processes does not count them twice; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Level:
    """The figures of one concurrency level."""

    sessions: int
    seconds: float
    pages: dict[str, dict[str, float | int]]
    errors: list[str]
    rss_mb: dict[str, float]
    pss_mb: dict[str, float]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


async def _user(
    url: str, query: str, until: float, offset: int, renders: list[Render], errors: list[str]
) -> None:
    """One person: open a session and click through the pages until `until`."""
    try:
        s = await Session.open(url)
    except (OSError, TimeoutError) as e:
        errors.append(f"connect: {e}")
        return
    try:
        i = offset
        while time.monotonic() < until:
            label, path = PAGES[i % len(PAGES)]
            r = await s.render(path, query, timeout=RENDER_TIMEOUT)
            renders.append(Render(label, r.seconds, r.error, r.messages))
            if r.error:
                errors.append(f"{label}: {r.error}")
                if "connection closed" in r.error:
                    return
            i += 1
    finally:
        await s.close()


async def _sample_rss(
    pids: dict[str, int], peak: dict[str, float], peak_pss: dict[str, float], stop: asyncio.Event
) -> None:
    while not stop.is_set():
        for name, pid in pids.items():
            peak[name] = max(peak.get(name, 0.0), rss_mb(pid))
            peak_pss[name] = max(peak_pss.get(name, 0.0), pss_mb(pid))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)


async def run_level(url: str, pids: dict[str, int], sessions: int, seconds: float,
                    query: str) -> Level:  # fmt: skip
    """Hold `sessions` sessions for `seconds` (renders in flight then finish), and measure."""
    renders: list[Render] = []
    errors: list[str] = []
    peak: dict[str, float] = {}
    peak_pss: dict[str, float] = {}
    stop = asyncio.Event()
    load_before = os.getloadavg()
    start = time.monotonic()
    sampler = asyncio.create_task(_sample_rss(pids, peak, peak_pss, stop))
    # Staggered pages: at any moment the sessions are on different pages, as in a room.
    await asyncio.gather(
        *(_user(url, query, start + seconds, i, renders, errors) for i in range(sessions))
    )
    stop.set()
    await sampler
    pages: dict[str, dict[str, float | int]] = {}
    for label, _ in PAGES:
        times = [r.seconds for r in renders if r.page == label and r.error is None]
        pages[label] = {
            "renders": len(times),
            "errors": sum(1 for r in renders if r.page == label and r.error),
            "p50_s": float(np.percentile(times, 50)) if times else float("nan"),
            "p95_s": float(np.percentile(times, 95)) if times else float("nan"),
            "max_s": max(times) if times else float("nan"),
        }
    return Level(sessions, time.monotonic() - start, pages, errors, peak, peak_pss,
                 load_before, os.getloadavg())  # fmt: skip


def first_kommune(warehouse: Path) -> str:
    """The first kommune with districts, as the overview's default would be for a link."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("SELECT min(parent_code) FROM area WHERE level = 'district'").fetchone()
    finally:
        con.close()
    if not row or row[0] is None:
        raise SystemExit(f"{warehouse} has no districts")
    return str(row[0])


def table(levels: list[Level]) -> str:
    """A Markdown table: one row per level and page, then the memory per level."""
    lines = [
        "| sessions | page | renders | errors | p50 s | p95 s | max s |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for lv in levels:
        for label, f in lv.pages.items():
            lines.append(
                f"| {lv.sessions} | {label} | {f['renders']} | {f['errors']} | "
                f"{f['p50_s']:.2f} | {f['p95_s']:.2f} | {f['max_s']:.2f} |"
            )
    lines += ["", "| sessions | load avg (1 min) before → after | peak RSS MB per process | "
              "RSS total MB | PSS total MB |", "|---:|---|---|---:|---:|"]  # fmt: skip
    for lv in levels:
        per = ", ".join(f"{k} {v:.0f}" for k, v in sorted(lv.rss_mb.items()))
        lines.append(
            f"| {lv.sessions} | {lv.load_before[0]:.2f} → {lv.load_after[0]:.2f} | {per} | "
            f"{sum(lv.rss_mb.values()):.0f} | {sum(lv.pss_mb.values()):.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Start the servers, run every level, print the figures (and write JSON if asked)."""
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__)
    n = default_replicas()
    parser.add_argument("--replicas", type=int, default=n, help=f"default, as make run: {n}")
    parser.add_argument("--sessions", default="1,5,10,20", help="concurrency levels")
    parser.add_argument("--seconds", type=float, default=30, help="per level")
    parser.add_argument("--warehouse", type=Path, default=national.TARGET,
                        help="default: the national warehouse (built if missing)")  # fmt: skip
    parser.add_argument("--kommune", help="the link everyone opens (default: first kommune)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    levels = [int(n) for n in args.sessions.split(",")]
    if max(levels) > MAX_SESSIONS or min(levels) < 1 or not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"sessions 1..{MAX_SESSIONS}, seconds up to {MAX_SECONDS}")
    warehouse = args.warehouse.resolve()
    if not warehouse.exists():
        if warehouse != national.TARGET.resolve():
            parser.error(f"{warehouse} does not exist")
        print(f"Building {warehouse} ...", flush=True)
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        national.build(warehouse)
    kommune = args.kommune or first_kommune(warehouse)
    query = f"kommune={kommune}"

    proxy = proxy_binary() if args.replicas > 1 else None
    if args.replicas > 1 and proxy is None:
        print("haproxy is not installed: cannot run more than one replica", file=sys.stderr)
        return 1
    cluster = Cluster(
        replicas=args.replicas,
        port=free_port(),
        bind="127.0.0.1",
        env={"UB_WAREHOUSE": str(warehouse)},
        quiet=True,
        proxy=proxy,
    )
    print(
        f"{args.replicas} replica(s){' behind haproxy' if proxy else ''}, warehouse {warehouse}, "
        f"link ?{query}, {args.seconds:.0f} s per level, {os.cpu_count()} CPUs, "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}",
        flush=True,
    )
    results: list[Level] = []
    try:
        cluster.start()
        pids = cluster.pids()
        idle = {name: rss_mb(pid) for name, pid in pids.items()}
        print("RSS at start (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in idle.items()))
        asyncio.run(run_level(cluster.url, pids, 1, 5, query))  # warm-up: caches, imports
        for n in levels:
            lv = asyncio.run(run_level(cluster.url, pids, n, args.seconds, query))
            results.append(lv)
            worst = max((f["p95_s"] for f in lv.pages.values()), default=float("nan"))
            print(f"  {n:>2} sessions: worst page p95 {worst:.2f} s, {len(lv.errors)} errors, "
                  f"RSS {sum(lv.rss_mb.values()):.0f} MB", flush=True)  # fmt: skip
            for e in sorted(set(lv.errors))[:5]:
                print(f"     error: {e}")
    except ServeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()
    print()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(lv) for lv in results], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
