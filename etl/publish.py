"""Publish the warehouse as Parquet: observations partitioned by fylke and kommune, the rest flat.

Layout of the folder (`python -m etl publish --out DIR`):

    DIR/area.parquet, indicator.parquet, meta.parquet, …   every other table, one file each
    DIR/observation/fylke=33/kommune=3301/data_0.parquet   a kommune's own areas (kommune,
                                                           districts, grunnkretser)
    DIR/observation/fylke=33/kommune=__HIVE_DEFAULT_PARTITION__/…   the fylke's comparator rows
    DIR/observation/fylke=__HIVE_DEFAULT_PARTITION__/…     the national rows
    DIR/manifest.json                                      written last: rows, bytes, source

A replica reads it with `utfordringsbilde.warehouse.connect` (UB_WAREHOUSE=DIR). The folder is
built beside DIR and swapped in, and readers key their caches on the manifest, which changes
with every publish.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from utfordringsbilde.warehouse import MANIFEST, PARQUET_FORMAT, WarehouseMissing

PARTITIONED = "observation"
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Published:
    """What a publish wrote: rows per table and bytes per kommune partition."""

    out: Path
    rows: dict[str, int]
    kommune_bytes: dict[str, int]
    total_bytes: int


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def publish(warehouse: Path, out: Path) -> Published:
    """Write `warehouse` (a DuckDB file) to `out` as the Parquet set described above."""
    if not warehouse.is_file():
        raise WarehouseMissing(f"No warehouse at {warehouse}; build one with `python -m etl demo`.")
    out = out.resolve()
    tmp = out.with_name(f".{out.name}.publishing")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_path(warehouse)}' AS src (READ_ONLY)")
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'src' ORDER BY 1"
            ).fetchall()
        ]
        rows: dict[str, int] = {}
        for table in tables:
            if not _NAME.match(table):
                raise ValueError(f"unexpected table name {table!r} in {warehouse}")
            count = con.execute(f"SELECT count(*) FROM src.{table}").fetchone()
            rows[table] = int(count[0]) if count else 0
            if table == PARTITIONED:
                continue
            con.execute(
                f"COPY (SELECT * FROM src.{table}) TO '{_sql_path(tmp / table)}.parquet' "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
        # Each observation's fylke and kommune come from its area: a district or grunnkrets
        # belongs to its kommune, a kommune to its fylke (a comparator kommune without a
        # parent: the first two digits of its number, which are the fylke's); fylke rows have
        # no kommune and the land row neither (hive's NULL partition). Rows keep the
        # warehouse's order (by area), so row groups stay narrow in area_code for zone maps.
        con.execute(
            f"""
            COPY (
                SELECT o.*,
                       CASE a.level WHEN 'fylke' THEN a.area_code WHEN 'land' THEN NULL
                                    ELSE coalesce(k.parent_code, left(a.kommune_code, 2))
                       END AS fylke,
                       a.kommune_code AS kommune
                FROM src.observation o
                JOIN src.area a USING (area_code)
                LEFT JOIN src.area k ON k.area_code = a.kommune_code
                ORDER BY o.rowid
            ) TO '{_sql_path(tmp / PARTITIONED)}'
            (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (fylke, kommune))
            """
        )
        in_partitions = con.execute(
            f"SELECT count(*) FROM read_parquet('{_sql_path(tmp / PARTITIONED)}/*/*/*.parquet')"
        ).fetchone()
        # The files in the warehouse's own row order (a kommune's area codes share its
        # number as prefix, so the partitions' area ranges do not overlap): readers list them
        # in this order, and a scan without ORDER BY returns rows as the DuckDB file does.
        ordered = con.execute(
            f"""
            SELECT filename FROM read_parquet(
                '{_sql_path(tmp / PARTITIONED)}/*/*/*.parquet', filename = true)
            GROUP BY filename ORDER BY min(area_code)
            """
        ).fetchall()
    finally:
        con.close()
    if not in_partitions or int(in_partitions[0]) != rows.get(PARTITIONED, 0):
        # An observation whose area is missing from `area` would be dropped by the join.
        shutil.rmtree(tmp, ignore_errors=True)
        raise ValueError(f"{warehouse}: observations without an area; nothing published")

    kommune_bytes: dict[str, int] = {}
    for part in (tmp / PARTITIONED).glob("fylke=*/kommune=*"):
        kommune = part.name.removeprefix("kommune=")
        if kommune != "__HIVE_DEFAULT_PARTITION__":
            kommune_bytes[kommune] = sum(f.stat().st_size for f in part.iterdir())
    total = sum(f.stat().st_size for f in tmp.rglob("*.parquet"))
    manifest = {
        "format": PARQUET_FORMAT,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(warehouse),
        "rows": rows,
        "files": {PARTITIONED: [str(Path(f).relative_to(tmp)) for (f,) in ordered]},
        "bytes": total,
        "kommune_bytes": kommune_bytes,
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    _swap(tmp, out)
    return Published(out, rows, kommune_bytes, total)


def _swap(new: Path, out: Path) -> None:
    """Put `new` at `out`; an earlier set there is moved aside first, then removed."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)
