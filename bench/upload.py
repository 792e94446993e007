"""`python -m bench.upload`: what a hostile upload costs the other sessions of its server.

Starts one Streamlit server on a loopback port (bench/upload_app.py: the dashboard, plus the
Import page's check of a file by path) over a demo warehouse. Session A renders the overview
over and over: first alone (the baseline), then while session B has the server check a
hostile ~20 MB file, once in the worker process (`etl.sources.sandbox`, as the Import page
does now) and once inside the server process (`local.check`, as it did before). Reports A's
render times (median, max) and the server process's peak RSS growth, and the worker's peak
RSS. Figures, not verdicts; bounded (every render has a timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from bench import import_memory
from bench.load import first_kommune, rss_mb
from bench.session import Render, Session
from etl.sources import limits
from serve.cluster import free_port, healthy

ROOT = Path(__file__).resolve().parent.parent
APP = Path(__file__).with_name("upload_app.py")
OUT = Path(__file__).parent / "out" / "upload"
RENDER_TIMEOUT = 120.0


def padded_sheet() -> bytes:
    """The slowest workbook within the limits (a 50-wide sheet at the part limit, no
    <dimension>), padded with an incompressible part to near the 20 MB upload limit."""
    sheet = import_memory.sheet_at_the_limit()
    with zipfile.ZipFile(io.BytesIO(sheet)) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    room = limits.MAX_UNPACKED_BYTES - unpacked - 2**20  # the unpacked total is the bound
    pad = min(room, import_memory.BUDGET - len(sheet) - 64 * 1024)
    return import_memory._with_parts(sheet, {"xl/media/image1.bin": os.urandom(pad)})


FILES = {"sheet_padded.xlsx": padded_sheet, "quote.csv": import_memory.csv_unclosed_quote}


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


class Sampler(threading.Thread):
    """Peak RSS of the server and of its child processes (the worker), every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.server, self.child = pid, 0.0, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.server = max(self.server, rss_mb(self.pid))
            for c in _children(self.pid):
                self.child = max(self.child, rss_mb(c))
            self.done.wait(0.05)


def _stats(renders: list[Render]) -> str:
    times = [r.seconds for r in renders if r.error is None]
    errors = sum(1 for r in renders if r.error)
    if not times:
        return f"no renders ({errors} errors)"
    return (
        f"{len(times)} renders, median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s, {errors} errors"
    )


async def _renders(s: Session, query: str, until: float | asyncio.Task[Render]) -> list[Render]:
    out: list[Render] = []
    while (time.monotonic() < until) if isinstance(until, float) else not until.done():
        out.append(await s.render("", query, timeout=RENDER_TIMEOUT))
    return out


async def _measure(url: str, pid: int, query: str, files: list[Path], seconds: float) -> None:
    a = await Session.open(url)
    b = await Session.open(url)
    try:
        await _renders(a, query, time.monotonic() + 5)  # warm-up: imports, caches
        base = await _renders(a, query, time.monotonic() + seconds)
        print(f"baseline (A alone, {seconds:.0f} s): {_stats(base)}", flush=True)
        for path in files:
            for mode in ("worker", "inprocess"):
                before = rss_mb(pid)
                sampler = Sampler(pid)
                sampler.start()
                q = f"bench_upload={path}" + ("&inprocess=1" if mode == "inprocess" else "")
                start = time.monotonic()
                upload = asyncio.create_task(b.render("", q, timeout=RENDER_TIMEOUT, keep=True))
                during = await _renders(a, query, upload)
                done = await upload
                outcome = done.error or (
                    "stopped at the deadline" if b"took longer" in done.raw else "refused"
                    if b"0 problems" not in done.raw else "valid"
                )  # fmt: skip
                sampler.done.set()
                sampler.join()
                print(
                    f"{path.name} {path.stat().st_size / 1e6:.1f} MB, {mode}: check took "
                    f"{time.monotonic() - start:.1f} s ({outcome}); A during: "
                    f"{_stats(during)}; server RSS {before:.0f} MB, peak +"
                    f"{sampler.server - before:.0f} MB; worker peak {sampler.child:.0f} MB; "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    finally:
        await a.close()
        await b.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20, help="baseline length")
    parser.add_argument("--files", default=",".join(FILES), help=", ".join(FILES))
    parser.add_argument("--warehouse", type=Path, help="default: a demo warehouse, built once")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    files = []
    for name in args.files.split(","):
        path = OUT / name
        if not path.exists():
            path.write_bytes(FILES[name]())
        files.append(path)
    warehouse = args.warehouse or OUT / "warehouse.duckdb"
    env = dict(os.environ, UB_WAREHOUSE=str(warehouse), UB_RUNS_LOG=str(OUT / "runs.jsonl"),
               UB_NOTES=str(OUT / "notes.duckdb"))  # fmt: skip
    if not warehouse.exists():
        from etl import demo

        os.environ.update(env)
        demo.build(target=warehouse)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 120
            while not healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    print(log.read().decode(errors="replace")[-2000:], file=sys.stderr)
                    return 1
                time.sleep(0.2)
            print(f"server pid {server.pid} at {url}, {os.cpu_count()} CPUs, load average "
                  f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)  # fmt: skip
            query = f"kommune={first_kommune(warehouse)}"
            asyncio.run(_measure(url, server.pid, query, files, args.seconds))
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
