"""A refresh killed outright (kill -9) mid-run: seen in `etl status`, cleaned up by the next run."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from etl import refresh
from etl.http import Client
from etl.load import read_runs
from tests.conftest import ROOT, env_with
from tests.etl.conftest import FAST, Paths
from tests.etl.fakeapi import FIXTURES, FakeApis, Fault
from utfordringsbilde.config import Catalog, Kommune

SLOW = "POST /fhi/nokkel/table/337/data"

REFRESH = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from etl import refresh
    from etl.http import Client
    from tests.etl.conftest import FAST
    from tests.etl.fakeapi import FIXTURES
    from utfordringsbilde.config import Catalog, load_kommuner, load_yaml_model

    refresh.main(
        client=Client(FAST),
        target=Path(sys.argv[1]),
        runs_log=Path(sys.argv[2]),
        catalog=load_yaml_model(FIXTURES / "catalog.yaml", Catalog),
        config=load_kommuner(FIXTURES / "kommuner"),
        kommune_folder=FIXTURES / "kommuner",
    )
    """
)


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def _status(paths: Paths) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "status"],
        cwd=ROOT,
        env=env_with(UB_RUNS_LOG=str(paths.runs), UB_WAREHOUSE=str(paths.warehouse)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_killed_run_is_shown_then_marked_interrupted_and_its_temp_files_removed(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
) -> None:
    """Issue 15: kill -9 mid-run left no trace in `etl status` and temp files piled up."""
    # One FHI table trickles (a byte every 0.3 s, under the read timeout): the run hangs there.
    api.fault(SLOW, Fault("trickle", seconds=0.3, times=None))
    folder = paths.warehouse.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", REFRESH, str(paths.warehouse), str(paths.runs)],
        cwd=ROOT,
        env=env_with(**api.bases, UB_PROGRESS="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not (api.hits(SLOW) and _temps(folder)):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the refresh never reached the slow table"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    (killed,) = read_runs(paths.runs)
    assert killed.status == "running"
    # Seen while nobody knows it is dead.
    assert f"{killed.started_at}  running" in _status(paths)
    assert any(killed.run_id in name for name in _temps(folder))

    api.reset()  # the upstream recovers; the next run finds the dead one
    out = io.StringIO()
    assert (
        refresh.main(
            client=Client(FAST),
            target=paths.warehouse,
            runs_log=paths.runs,
            catalog=catalog,
            config=config,
            kommune_folder=FIXTURES / "kommuner",
            out=out,
        )
        == 0
    )
    runs = {r.run_id: r for r in read_runs(paths.runs)}
    assert runs[killed.run_id].status == "interrupted"
    assert "process ended before the run finished" in (runs[killed.run_id].message or "")
    # The fixtures lack some indicators, so the finished run is partial (or ok).
    statuses = [r.status for r in runs.values()]
    assert statuses[0] == "interrupted" and statuses[1] in ("ok", "partial")
    assert len(statuses) == 2
    status = _status(paths)
    assert f"{killed.started_at}  interrupted" in status
    assert _temps(folder) == []  # the dead run's files are gone, and so are this run's


def test_a_living_run_is_left_alone_and_old_leftovers_are_removed(tmp_path: Path) -> None:
    """Only dead runs are cleaned: a run whose lock is held keeps its files and its status."""
    import pytest

    from etl import load
    from etl.load import LoadError, RunRecord, build_warehouse

    target, log = tmp_path / "warehouse.duckdb", tmp_path / "runs.jsonl"
    alive = RunRecord(run_id="a11ve0000000", source="ssb", started_at="2026-01-01T00:00:00")
    alive_tmp = tmp_path / f"warehouse.tmp-{alive.run_id}.duckdb"
    held = load._start_run(alive, alive_tmp, log)  # held by this process, as a live run's is
    alive_tmp.write_bytes(b"half-built")
    # Left by killed runs of a version that took no lock: files only, no record.
    old = [tmp_path / "warehouse.tmp-0ld000000000.duckdb", tmp_path / "warehouse.tmp-x.duckdb.wal"]
    for p in old:
        p.write_bytes(b"x")
    try:
        with pytest.raises(LoadError):  # nothing produced: validation refuses the build
            build_warehouse(lambda b: None, mode="live", source="t", target=target, runs_log=log)
        runs = {r.run_id: r for r in read_runs(log)}
        assert runs[alive.run_id].status == "running"
        assert alive_tmp.exists() and Path(held.name).exists()
        assert not any(p.exists() for p in old)
        assert [r.status for r in runs.values()] == ["running", "failed"]
    finally:
        load._end_run(held)
    assert _temps(tmp_path) == [alive_tmp.name]
