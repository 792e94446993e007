"""`python -m etl publish` writes a Parquet set that the app reads with the same page frames."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from etl.__main__ import main as etl_main
from utfordringsbilde import overview, profile, queries, warehouse


@pytest.fixture(scope="module")
def published(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published") / "warehouse"
    assert etl_main(["publish", "--out", str(out), "--warehouse", str(demo_warehouse)]) == 0
    return out


def _cursor(path: Path) -> duckdb.DuckDBPyConnection:
    return warehouse.cursor(warehouse.connect(warehouse.signature(path)))


def _same(a: Any, b: Any, what: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=what)
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{what}.{f.name}")
    else:
        assert a == b, what


def _page_frames(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the overview, district, indicator and sources pages ask the core for."""
    frames: dict[str, Any] = {
        "kommuner": queries.kommuner(con),
        "indicators": queries.indicators(con),
        "themes": queries.themes(con),
        "risk_factors": queries.risk_factors(con),
        "meta": queries.meta(con),
        "etl_runs": queries.etl_runs(con),
        "source_summary": queries.source_summary(con),
    }
    ind = str(frames["indicators"]["indicator_id"].iloc[0])
    for kommune in frames["kommuner"]["area_code"]:
        dists = queries.districts(con, kommune)
        frames[f"{kommune}/districts"] = dists
        frames[f"{kommune}/years"] = queries.years(con, kommune)
        frames[f"{kommune}/shapes"] = queries.district_shapes(con, kommune)
        ov = overview.build(con, kommune)
        frames[f"{kommune}/overview"] = ov
        frames[f"{kommune}/overview 2020"] = overview.build(con, kommune, 2020)
        codes = [kommune, *dists["area_code"]]
        frames[f"{kommune}/series"] = queries.series(con, ind, codes, ("all", "male", "female"))
        frames[f"{kommune}/sex"] = queries.sex_breakdown(con, ind, codes)
        frames[f"{kommune}/kommune series"] = queries.series_for_area(con, kommune)
        for d in dists["area_code"]:
            frames[f"{kommune}/{d}/profile"] = profile.build(con, ov, d)
    return frames


def test_page_frames_from_parquet_equal_those_from_the_duckdb_file(
    demo_warehouse: Path, published: Path
) -> None:
    from_file = _page_frames(_cursor(demo_warehouse))
    from_parquet = _page_frames(_cursor(published))
    assert from_file.keys() == from_parquet.keys()
    assert any(key.endswith("/profile") for key in from_file)
    assert len(from_file["3301/districts"]) > 0
    for key, value in from_file.items():
        _same(value, from_parquet[key], key)


def test_observations_are_partitioned_by_fylke_and_kommune(
    demo_warehouse: Path, published: Path
) -> None:
    def one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
        row = con.execute(sql).fetchone()
        assert row is not None
        return row[0]

    manifest = json.loads((published / warehouse.MANIFEST).read_text(encoding="utf-8"))
    src = duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        assert manifest["rows"]["observation"] == one(src, "SELECT count(*) FROM observation")
        kommuner = {
            r[0]
            for r in src.execute("SELECT area_code FROM area WHERE level = 'kommune'").fetchall()
        }
        district_rows = one(
            src,
            "SELECT count(*) FROM observation o JOIN area a USING (area_code) "
            "WHERE a.level = 'district' AND a.parent_code = '3301'",
        )
    finally:
        src.close()
    assert set(manifest["kommune_bytes"]) == kommuner
    con = duckdb.connect()
    part = published / "observation" / "fylke=33" / "kommune=3301"
    assert district_rows > 0
    assert district_rows == one(
        con, f"SELECT count(*) FROM read_parquet('{part}/*.parquet') WHERE area_code LIKE '3301-%'"
    )
    # Landet sits in hive's NULL partition, fylke 33 in its own partition with no kommune.
    null = "__HIVE_DEFAULT_PARTITION__"
    national = published / "observation" / f"fylke={null}" / f"kommune={null}"
    fylke = published / "observation" / "fylke=33" / f"kommune={null}"
    sql = "SELECT string_agg(DISTINCT area_code) FROM read_parquet('{}/*.parquet')"
    assert one(con, sql.format(national)) == "0"
    assert one(con, sql.format(fylke)) == "33"


def test_a_new_publish_changes_the_signature(demo_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "wh"
    assert etl_main(["publish", "--out", str(out), "--warehouse", str(demo_warehouse)]) == 0
    first = warehouse.signature(out)
    assert etl_main(["publish", "--out", str(out), "--warehouse", str(demo_warehouse)]) == 0
    assert warehouse.signature(out) != first
    assert not list(tmp_path.glob(".wh.*"))  # no half-written or old set left beside it
