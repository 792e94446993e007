"""Where the product keeps its files; each path can be moved with an environment variable."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("UB_DATA_DIR", ROOT / "data"))


def warehouse_path() -> Path:
    """The DuckDB warehouse the dashboard reads (UB_WAREHOUSE overrides)."""
    return Path(os.environ.get("UB_WAREHOUSE", DATA_DIR / "warehouse.duckdb"))


def runs_log_path() -> Path:
    """Append-only log of every ETL run, failed ones included (UB_RUNS_LOG overrides)."""
    return Path(os.environ.get("UB_RUNS_LOG", warehouse_path().with_name("runs.jsonl")))


def notes_path() -> Path:
    """The plan-evaluation notes store, which no ETL run touches (UB_NOTES overrides)."""
    return Path(os.environ.get("UB_NOTES", warehouse_path().with_name("notes.duckdb")))


def locale_dir() -> Path:
    """The gettext catalogs, one folder per language (UB_LOCALE_DIR overrides)."""
    return _locale_dir(os.environ.get("UB_LOCALE_DIR"))


@lru_cache(maxsize=8)
def _locale_dir(override: str | None) -> Path:
    # Every interface text asks for the folder (a page ~1 000 times): one Path per setting,
    # not one per call (a third of a Planevaluering rerun's CPU went to building Paths).
    return Path(override) if override else ROOT / "locale"
