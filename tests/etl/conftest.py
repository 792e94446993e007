"""Fixtures for the live-ETL tests: the loopback API emulator, fast client settings, configs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.http import Client, Settings
from tests.etl.fakeapi import FIXTURES, FakeApis
from utfordringsbilde.config import Catalog, Kommune, load_kommuner, load_yaml_model

# Tiny timeouts, backoff and windows: the same code paths as live, in milliseconds.
FAST = Settings(
    connect_timeout=1.0,
    read_timeout=1.0,
    max_attempts=4,
    max_total_seconds=10.0,
    backoff_initial=0.01,
    backoff_max=0.05,
    retry_after_cap=0.05,
    rates={"127.0.0.1": (1000, 1.0)},
)


@pytest.fixture(scope="session")
def _server() -> Iterator[FakeApis]:
    api = FakeApis().start()
    yield api
    api.stop()


@pytest.fixture
def api(_server: FakeApis, monkeypatch: pytest.MonkeyPatch) -> FakeApis:
    """The emulator, reset, with UB_*_BASE pointing at it and progress bars off."""
    _server.reset()
    for key, value in _server.bases.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("UB_PROGRESS", "0")
    return _server


@pytest.fixture
def client() -> Client:
    return Client(FAST)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_yaml_model(FIXTURES / "catalog.yaml", Catalog)


@pytest.fixture(scope="session")
def config() -> dict[str, Kommune]:
    return load_kommuner(FIXTURES / "kommuner")


@dataclass
class Paths:
    warehouse: Path
    runs: Path


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(tmp_path / "warehouse.duckdb", tmp_path / "runs.jsonl")
