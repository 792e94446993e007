"""`python -m bench.rerun`: each page's warm-rerun server CPU time on the national warehouse.

Every page runs in Streamlit's AppTest (the real script runner, in this process) for a
kommune, is settled and warmed (caches filled), and is then rerun `--runs` times with nothing
changed, as a widget click that hits only cached data does. Per rerun it takes
`time.process_time()`: CPU time of this process, which another busy process on the machine
moves far less than wall time (wall time is printed too, to show the load). AppTest's own work
(turning the page's messages into its element tree) is counted as well, so the figures are a
little above a server's. AppTest's runner skips Streamlit's after-run `gc.collect(2)`
(`runner.postScriptGC`), so the bench runs it after each rerun when the option is on, as a
server does; `--gc on|off` overrides `.streamlit/config.toml`. AppTest compiles the page scripts
afresh on every run, which a server does once: the bench gives it one shared script cache.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

from bench import national

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["oversikt", "distrikt", "indikator", "levekar", "evaluering", "mote", "kilder", "importer"]


def _rss_mb() -> float:
    """This process's resident memory now, in MB (`VmRSS`)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _share_script_cache() -> None:
    """One bytecode cache for every AppTest run, as a server's runtime keeps."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    for module in (app_test, local_script_runner):
        module.ScriptCache = lambda: shared  # type: ignore[attr-defined]


def _app(kommune: str, page: str, district: str | None) -> object:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.query_params["kommune"] = kommune
    if district:
        at.query_params["distrikt"] = district
    at.switch_page(f"pages/{page}.py")
    return at


def time_page(
    kommune: str, page: str, runs: int, district: str | None, post_gc: bool
) -> tuple[float, float]:
    """Median CPU and wall seconds of a warm rerun of `page` for `kommune`."""
    at = _app(kommune, page, district)
    # The first run is Streamlit's legacy pages/ mode (see ui.frame.page); the next fill the
    # caches. Only then are reruns warm.
    for _ in range(3):
        at.run()  # type: ignore[attr-defined]
    if at.exception:  # type: ignore[attr-defined]
        raise RuntimeError(f"{page}: {[e.value for e in at.exception]}")  # type: ignore[attr-defined]
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        at.run()  # type: ignore[attr-defined]
        if post_gc:
            # AppTest's runner skips Streamlit's after-run collection; a server runs it.
            gc.collect(2)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def collect_cpu(runs: int = 5) -> tuple[float, int]:
    """Median CPU seconds of one `gc.collect(2)` as postScriptGC runs it, and tracked objects."""
    times = []
    for _ in range(runs):
        c0 = time.process_time()
        gc.collect(2)
        times.append(time.process_time() - c0)
    return statistics.median(times), len(gc.get_objects())


def sessions_rss(kommune: str, n: int, post_gc: bool) -> tuple[float, list[object]]:
    """RSS growth in MB while `n` sessions have each shown the overview and district page,
    rerunning each page 7 times; the sessions are returned so that they stay alive."""
    before = _rss_mb()
    apps = []
    for _ in range(n):
        for page in ("oversikt", "distrikt"):
            at = _app(kommune, page, None)
            for _ in range(7):
                at.run()  # type: ignore[attr-defined]
                if post_gc:
                    gc.collect(2)
            apps.append(at)
    return _rss_mb() - before, apps


def main(argv: list[str] | None = None) -> int:
    """Warm each page and print its median rerun CPU and wall time."""
    parser = argparse.ArgumentParser(prog="python -m bench.rerun", description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="timed reruns per page")
    parser.add_argument("--kommune", action="append", help="kommune code(s); default 0301, 3301")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--gc", choices=["on", "off"], help="runner.postScriptGC for this run")
    parser.add_argument(
        "--sessions", type=int, default=0, help="first open N sessions, kept alive while timing"
    )
    parser.add_argument("--target", type=Path, default=national.TARGET)
    args = parser.parse_args(argv)

    if not args.target.exists():
        print(f"Building {args.target} ...", flush=True)
        national.build(args.target)
    os.environ["UB_WAREHOUSE"] = str(args.target)
    os.environ.setdefault("UB_NOTES", str(args.target.with_name("notes.duckdb")))
    os.chdir(ROOT)  # .streamlit/config.toml is read from the working folder

    from streamlit import config

    config.get_option("runner.postScriptGC")  # parse the config file before overriding
    if args.gc:
        config.set_option("runner.postScriptGC", args.gc == "on")
    post_gc = config.get_option("runner.postScriptGC")
    _share_script_cache()

    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"runner.postScriptGC = {post_gc}; {args.runs} warm reruns per page, median")
    alive: list[object] = []
    if args.sessions:
        # Sessions first: a server's heap holds them all, and the after-run gc.collect walks
        # that heap on every rerun of every session.
        rss0 = _rss_mb()
        grown, alive = sessions_rss((args.kommune or ["0301"])[0], args.sessions, post_gc)
        print(f"RSS growth for {args.sessions} sessions: {grown:.0f} MB (from {rss0:.0f} MB)")
    print("page        kommune  cpu_ms  wall_ms")
    for kommune in args.kommune or ["0301", "3301"]:
        for page in args.pages.split(","):
            district = None
            cpu, wall = time_page(kommune, page, args.runs, district, post_gc)
            print(f"{page:<11} {kommune:<8} {cpu * 1000:6.0f}  {wall * 1000:7.0f}", flush=True)
            gc.collect()
    print(f"RSS now {_rss_mb():.0f} MB with {len(alive)} session pages alive")
    cost, objects = collect_cpu()
    print(f"one gc.collect(2) now: {cost * 1000:.0f} ms CPU over {objects:,} tracked objects")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
