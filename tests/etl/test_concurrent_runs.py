"""Two builds at once, in two processes: a later run never marks a live one interrupted nor
removes its temp files, whether both build the same target or two targets share a runs log."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from etl.load import read_runs
from tests.conftest import ROOT, env_with

# A build whose produce waits (up to 120 s) for a gate file: a run that stays alive on demand.
BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    from etl.load import build_warehouse
    from tests.etl.fakeapi import FIXTURES
    from utfordringsbilde.config import Catalog, load_kommuner, load_yaml_model

    target, runs, gate = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    catalog = load_yaml_model(FIXTURES / "catalog.yaml", Catalog)

    def produce(b):
        deadline = time.monotonic() + 120
        while gate and not Path(gate).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for ind in catalog.indicators:
            b.mark_missing(ind.id, "not in this test")

    run = build_warehouse(produce, mode="live", source="test", target=target, runs_log=runs,
                          catalog=catalog, kommuner=load_kommuner(FIXTURES / "kommuner"))
    print(run.run_id, run.status)
    """
)


def _build(target: Path, runs: Path, gate: Path | None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, str(target), str(runs), str(gate or "")],
        cwd=ROOT,
        env=env_with(UB_PROGRESS="0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _temps(folder: Path, stem: str) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith(f"{stem}.tmp-")}


@pytest.mark.parametrize("other", ["same", "beside"], ids=["same-target", "other-target"])
def test_a_later_run_leaves_a_live_run_alone(tmp_path: Path, other: str) -> None:
    runs = tmp_path / "runs.jsonl"
    first_target = tmp_path / "national.duckdb"
    second_target = first_target if other == "same" else tmp_path / "other.duckdb"
    gate = tmp_path / "go"
    first = _build(first_target, runs, gate)
    try:
        deadline = time.monotonic() + 60
        while not (read_runs(runs) and len(_temps(tmp_path, "national")) >= 2):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first run never started"
            time.sleep(0.05)
        [live] = read_runs(runs)
        temps = _temps(tmp_path, "national")
        second = _build(second_target, runs, None)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert out.split()[1] == "ok"
        assert first.poll() is None  # still waiting at its gate: alive all along
        mine = {r.run_id: r for r in read_runs(runs)}[live.run_id]
        assert mine.status == "running", mine.message
        assert temps <= _temps(tmp_path, "national")  # none of its files was removed
        gate.touch()
        out, err = first.communicate(timeout=120)
        assert first.returncode == 0, err
        assert out.split() == [live.run_id, "ok"]
        assert {r.run_id: r for r in read_runs(runs)}[live.run_id].status == "ok"
    finally:
        gate.touch()
        if first.poll() is None:
            first.kill()
            first.wait()
