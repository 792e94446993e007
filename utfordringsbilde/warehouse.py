"""Read access to the warehouse: a read-only connection and what the file says about itself.

The warehouse is a DuckDB file, or a folder of Parquet files that `python -m etl publish`
wrote (the same tables, observations partitioned by fylke and kommune); UB_WAREHOUSE names
either, and every reader sees the same tables and views.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from utfordringsbilde.paths import warehouse_path

# A published Parquet folder: its manifest is written last, so it names a complete set.
MANIFEST = "manifest.json"
PARQUET_FORMAT = "utfordringsbilde-parquet/1"
_TABLE = re.compile(r"^[a-z_][a-z0-9_]*$")


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
    """The current file's identity, used as the cache key for connections and query results.

    For a Parquet folder that is its manifest's identity, which every publish replaces.
    """
    path = path or warehouse_path()
    try:
        st = os.stat(path / MANIFEST if path.is_dir() else path)
    except FileNotFoundError:
        raise WarehouseMissing(
            f"No warehouse at {path}. Build one with `python -m etl demo` "
            "(simulated data) or `python -m etl refresh` (live APIs)."
        ) from None
    return Signature(str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def connect(sig: Signature) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse `sig` describes; take cursors with `cursor()`."""
    if os.path.isdir(sig.path):
        return _connect_parquet(Path(sig.path))
    # The file is ATTACHed to a fresh in-memory database rather than opened by path: within
    # one process DuckDB hands out the already-open instance for a path, which would keep
    # serving the old file after a refresh swapped a new one in with os.replace. An attached
    # file is read through its own handle, so readers of the old file are never disturbed
    # and a new connection always sees the new file.
    con = duckdb.connect()
    con.execute(f"ATTACH '{_quote(sig.path)}' AS wh (READ_ONLY)")
    con.execute("USE wh")
    return con


def _connect_parquet(folder: Path) -> duckdb.DuckDBPyConnection:
    """Views over a published Parquet folder in a fresh in-memory database, named `wh`."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != PARQUET_FORMAT:
        raise WarehouseMissing(f"{folder} is not a published warehouse ({PARQUET_FORMAT})")
    con = duckdb.connect()
    # An in-memory catalog named like the attached file, so that `cursor()` works unchanged.
    con.execute("ATTACH ':memory:' AS wh")
    con.execute("USE wh")
    for table in sorted(manifest["rows"]):
        if not _TABLE.match(table):
            raise WarehouseMissing(f"{folder}: unexpected table name {table!r}")
        flat = folder / f"{table}.parquet"
        if flat.exists():
            source = f"read_parquet('{_quote(str(flat))}')"
        else:
            # The manifest lists the files in the warehouse's row order, and the list is fixed
            # per manifest (a publish changes the signature and the app opens a new
            # connection), so no query pays for listing the folder.
            files = [folder / f for f in manifest.get("files", {}).get(table, [])]
            if not files:
                raise WarehouseMissing(f"{folder}: no Parquet files for {table}")
            listed = ", ".join(f"'{_quote(str(f))}'" for f in files)
            source = (
                f"read_parquet([{listed}], hive_partitioning = true, hive_types_autocast = false)"
            )
            # The partition columns are the publish's, not the table's.
            source = f"(SELECT * EXCLUDE (fylke, kommune) FROM {source})"
        con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM {source}')
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
