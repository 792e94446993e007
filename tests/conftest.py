"""Shared fixtures: one demo warehouse per session, built with the real ETL code."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "tests" / "artifacts"

# Property tests check results, not speed: a per-example deadline only fails them on a busy
# machine (CI shares two CPUs with a browser and a server).
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A demo warehouse in a temporary folder; UB_WAREHOUSE points at it for the session."""
    from etl import demo

    folder = tmp_path_factory.mktemp("warehouse")
    path = folder / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UB_WAREHOUSE", str(path))
        mp.setenv("UB_RUNS_LOG", str(folder / "runs.jsonl"))
        mp.setenv("UB_NOTES", str(folder / "notes.duckdb"))
        demo.build(target=path)
        yield path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and rendered reports that a person can look at after a run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def shared_dir(sub: str) -> Path:
    """A folder under ../shared, or skip: it exists on developer machines and in CI only."""
    path = SHARED / sub
    if not path.exists():
        pytest.skip(f"{path} not present (../shared exists only on developer machines and CI)")
    return path


def env_with(**extra: str) -> dict[str, str]:
    """The current environment plus `extra`, for subprocesses."""
    env = dict(os.environ)
    env.update(extra)
    return env
