"""Read access to the warehouse: a read-only connection and what the file says about itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from utfordringsbilde.paths import warehouse_path


class WarehouseMissing(FileNotFoundError):
    """There is no warehouse file yet; run `python -m etl demo` or `python -m etl refresh`."""


@dataclass(frozen=True)
class Signature:
    """Identity of the warehouse file on disk; it changes whenever a run swaps a new file in."""

    path: str
    inode: int
    mtime_ns: int
    size: int


def signature(path: Path | None = None) -> Signature:
    """The current file's identity, used as the cache key for connections and query results."""
    path = path or warehouse_path()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise WarehouseMissing(
            f"No warehouse at {path}. Build one with `python -m etl demo` "
            "(simulated data) or `python -m etl refresh` (live APIs)."
        ) from None
    return Signature(str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def connect(sig: Signature) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file `sig` describes; take cursors with `cursor()`."""
    # The file is ATTACHed to a fresh in-memory database rather than opened by path: within
    # one process DuckDB hands out the already-open instance for a path, which would keep
    # serving the old file after a refresh swapped a new one in with os.replace. An attached
    # file is read through its own handle, so readers of the old file are never disturbed
    # and a new connection always sees the new file.
    con = duckdb.connect()
    con.execute(f"ATTACH '{_quote(sig.path)}' AS wh (READ_ONLY)")
    con.execute("USE wh")
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on `con` reading the warehouse (cursors do not inherit USE)."""
    cur = con.cursor()
    cur.execute("USE wh")
    return cur


def _quote(path: str) -> str:
    return path.replace("'", "''")


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The warehouse's `meta` table as a dict: mode, built_at, data_version, source, …"""
    return dict(con.execute("SELECT key, value FROM meta").fetchall())
