"""Two replicas behind HAProxy: a replica dies, the other's sessions and new sessions carry on."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pytest

from bench.session import Session
from serve.cluster import Cluster, free_port, healthy, proxy_binary
from tests.conftest import ROOT, env_with

pytestmark = pytest.mark.slow

QUERY = "kommune=3301"


T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: Playwright's sync API (the browser tests, in the same
    pytest session) leaves an event loop running in the main thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def cluster(demo_warehouse: Path, tmp_path: Path) -> Iterator[Cluster]:
    proxy = proxy_binary()
    if proxy is None:
        pytest.skip("haproxy is not installed (apt-get install haproxy; .ci/run installs it)")
    c = Cluster(
        replicas=2,
        port=free_port(),
        bind="127.0.0.1",
        env={"UB_WAREHOUSE": str(demo_warehouse)},
        run_dir=tmp_path / "run",
        quiet=True,
        proxy=proxy,
    )
    c.start()
    yield c
    c.stop()


def _sticky_cookie(url: str) -> str:
    with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as r:
        assert r.status == 200
        cookies = r.headers.get_all("Set-Cookie") or []
    return next(c.split(";")[0].split("=")[1] for c in cookies if c.startswith("UB_REPLICA="))


async def _sessions_survive_a_dead_replica(c: Cluster) -> None:
    a = await Session.open(c.url)
    b = await Session.open(c.url)
    try:
        # leastconn spreads the two open websockets over both replicas.
        assert {a.replica, b.replica} == {"r1", "r2"}
        for s in (a, b):
            r = await s.render("", QUERY)
            assert r.error is None, r.error
        dead, live = a, b
        assert dead.replica is not None and live.replica is not None
        c.kill(dead.replica)

        gone = await dead.render("distrikt", QUERY, timeout=10)
        assert gone.error is not None  # its process is gone, and with it the session

        for page in ("distrikt", "indikator", ""):
            r = await live.render(page, QUERY)
            assert r.error is None, f"{page}: {r.error}"

        fresh = await Session.open(c.url)
        try:
            assert fresh.replica == live.replica
            r = await fresh.render("", QUERY)
            assert r.error is None, r.error
        finally:
            await fresh.close()
    finally:
        await a.close()
        await b.close()


def test_sessions_on_the_live_replica_keep_working(cluster: Cluster) -> None:
    assert healthy(cluster.url)
    assert {_sticky_cookie(cluster.url) for _ in range(4)} == {"r1", "r2"}
    _run(_sessions_survive_a_dead_replica(cluster))
    # The proxy's own health check takes the dead replica out of rotation.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "DOWN" not in cluster.states().values():
        time.sleep(0.2)
    assert sorted(cluster.states().values()) == ["DOWN", "UP"]
    assert healthy(cluster.url)


async def _session_through(c: Cluster) -> tuple[str | None, str | None]:
    s = await Session.open(c.url)
    try:
        return s.replica, (await s.render("", QUERY)).error
    finally:
        await s.close()


def test_restart_takes_one_replica_out_and_back(cluster: Cluster) -> None:
    async def hold_r2_while_r1_restarts() -> None:
        first = await Session.open(cluster.url)
        second = await Session.open(cluster.url)
        try:
            on_r2 = first if first.replica == "r2" else second
            assert on_r2.replica == "r2"
            assert (await on_r2.render("", QUERY)).error is None
            await asyncio.to_thread(cluster.restart, "r1")
            r = await on_r2.render("distrikt", QUERY)
            assert r.error is None, r.error
        finally:
            await first.close()
            await second.close()

    old_pid = cluster.pids()["r1"]
    _run(hold_r2_while_r1_restarts())
    assert cluster.pids()["r1"] != old_pid
    assert cluster.states() == {"r1": "UP", "r2": "UP"}

    # Back in rotation: with one replica holding a session, new sessions reach the other.
    # leastconn sees connections only when HAProxy has counted them, which on a loaded
    # machine can lag a session's start: a few new sessions, one of which must land there.
    async def r1_takes_sessions() -> None:
        hold = await Session.open(cluster.url)
        try:
            landed = set()
            for _ in range(5):
                replica, error = await _session_through(cluster)
                assert error is None, error
                landed.add(replica)
                if landed | {hold.replica} == {"r1", "r2"}:
                    break
            assert landed | {hold.replica} == {"r1", "r2"}
        finally:
            await hold.close()

    _run(r1_takes_sessions())


def test_without_haproxy_one_replica_serves_and_sigterm_ends_it(demo_warehouse: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "serve", "--replicas", "2", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--bind", "127.0.0.1"],
        cwd=ROOT,
        env=env_with(UB_WAREHOUSE=str(demo_warehouse), UB_HAPROXY="/nonexistent/haproxy"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().decode()
        assert "haproxy is not installed: serving ONE replica instead of 2" in first
        assert "apt-get install haproxy" in first
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while not healthy(url) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert healthy(url)
        replica, error = _run(_session_at(url))
        assert replica is None  # no proxy, so no sticky cookie
        assert error is None, error
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert not healthy(url)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def _session_at(url: str) -> tuple[str | None, str | None]:
    s = await Session.open(url)
    try:
        return s.replica, (await s.render("", QUERY)).error
    finally:
        await s.close()


def test_a_swapped_warehouse_is_seen_by_every_replica(demo_warehouse: Path, tmp_path: Path) -> None:
    proxy = proxy_binary()
    if proxy is None:
        pytest.skip("haproxy is not installed (apt-get install haproxy; .ci/run installs it)")
    served = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_warehouse, served)
    # A refresh as the loader does it: a new file, renamed onto the served path.
    new = tmp_path / "new.duckdb"
    shutil.copy(demo_warehouse, new)
    with duckdb.connect(str(new)) as con:
        con.execute("UPDATE area SET name = 'Nybygd kommune' WHERE area_code = '3301'")
    c = Cluster(
        replicas=2,
        port=free_port(),
        bind="127.0.0.1",
        env={"UB_WAREHOUSE": str(served)},
        run_dir=tmp_path / "run",
        quiet=True,
        proxy=proxy,
    )
    c.start()

    async def names_seen() -> dict[str, tuple[bool, bool]]:
        sessions = [await Session.open(c.url), await Session.open(c.url)]
        try:
            seen: dict[str, tuple[bool, bool]] = {}
            for s in sessions:
                r = await s.render("", QUERY, keep=True)
                assert r.error is None, r.error
                seen[str(s.replica)] = (b"Drammen" in r.raw, b"Nybygd kommune" in r.raw)
            return seen
        finally:
            for s in sessions:
                await s.close()

    try:
        assert _run(names_seen()) == {"r1": (True, False), "r2": (True, False)}
        os.replace(new, served)
        assert _run(names_seen()) == {"r1": (False, True), "r2": (False, True)}
    finally:
        c.stop()
