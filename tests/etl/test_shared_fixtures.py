"""The ETL against real API answers and request bodies kept in ../shared/fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from etl import jsonstat
from etl.sources import fhi, ssb
from utfordringsbilde.config import load_catalog

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="module")
def shared() -> Path:
    path = SHARED / "fixtures"
    if not path.exists():
        pytest.skip("../shared/fixtures not present (only on developer machines and CI)")
    return path


def load(shared: Path, rel: str) -> Any:
    return json.loads((shared / rel).read_text(encoding="utf-8"))


def test_fhi_flags_inside_value(shared: Path):
    ds = load(shared, "fhi/fhi-query-flags.json")
    frame = jsonstat.flatten(ds, labels=True)
    assert frame["GEO"].astype(str).tolist() == ["0", "34", "3450"]
    assert frame["value"].tolist()[0] == 81.4
    flags = [None if pd.isna(f) else f for f in frame["flag"]]
    assert flags == [None, "..", ":"]  # null without status is missing; ':' from value
    assert frame["GEO_label"].tolist()[2] == "Etnedal"
    assert jsonstat.parse_period(frame["AAR"].iloc[0]) == (2022, 2024)
    assert jsonstat.dataset_updated(ds).isoformat() == "2026-06-01T05:00:00+00:00"


def test_fhi_readme_response(shared: Path):
    ds = load(shared, "fhi/fhi-readme-response.json")
    frame = jsonstat.flatten(ds)
    assert len(frame) == 4 and frame["flag"].isna().all()  # status "" means no flags
    assert (
        frame.loc[
            frame.GEO.astype(str).eq("30") & frame.AAR.astype(str).eq("2021_2021"), "value"
        ].item()
        == 16846
    )
    updated = jsonstat.dataset_updated(ds)
    assert updated is not None and updated.microsecond == 770632  # 7 digits, cut to 6


def test_fhi_request_format_matches_ours(shared: Path):
    theirs = load(shared, "fhi/fhi-readme-request.json")
    assert set(theirs) == {"dimensions", "response"}
    for d in theirs["dimensions"]:
        assert set(d) == {"code", "filter", "values"}
    assert theirs["response"]["format"] == "json-stat2"


def test_fhi_dimension_tree_and_table_list(shared: Path):
    dims = load(shared, "fhi/fhi-table-dimensions.json")["dimensions"]
    geo = fhi.flat_categories(dims[0]["categories"])
    assert [(v, d) for v, _, d in geo] == [("0", 0), ("34", 1), ("3450", 2)]
    assert fhi.total_category(dims[0]) == "0"
    listing = load(shared, "fhi/fhi-tables.json")
    assert fhi.find_table(listing, "D5c hjertekar rater") == "754"
    assert load(shared, "fhi/fhi-sources.json")[1]["id"] == fhi.NOKKEL


@pytest.mark.parametrize("table", ["337", "403", "795", "806"])
def test_catalog_matches_production_request_bodies(shared: Path, table: str):
    """The real catalog names only dimensions and codes that production bodies use."""
    url, body = (shared / f"fhi/requests/nokkel-table-{table}.txt").read_text().split("\n", 1)
    assert url.endswith(f"/nokkel/Table/{table}/data")
    request = json.loads(body)
    used = {d["code"]: d["values"] for d in request["dimensions"]}
    for ind in load_catalog().indicators:
        s = ind.source
        if s.provider != "fhi" or s.table != table:
            continue
        named = {s.region_dimension, s.time_dimension, s.measure_dimension, *s.selection}
        assert named <= set(used), f"{ind.id}: {named - set(used)} not in the production body"
        for dim, values in s.selection.items():
            assert set(values) <= set(used[dim]), (ind.id, dim)
        assert s.measures["value"] in used["MEASURE_TYPE"]


def test_pxweb_metadata_sizes_and_cells(shared: Path):
    meta = load(shared, "pxweb/scb-TAB6471-metadata.json")
    for dim, size in zip(meta["id"], meta["size"], strict=True):
        assert len(jsonstat.categories(meta, dim)) == size
    cats = {d: jsonstat.categories(meta, d) for d in meta["id"]}
    selection = [{"variableCode": d, "valueCodes": ["*"]} for d in meta["id"]]
    total = ssb.cells(selection, cats)
    assert total == 312 * 134 * 3 * 1 * 16
    config = load(shared, "pxweb/scb-config.json")
    parts = ssb.split(selection, cats, config["maxDataCells"])
    assert len(parts) > 1 and all(
        (ssb.cells(p, cats) or 0) <= config["maxDataCells"] for p in parts
    )
    assert sum(ssb.cells(p, cats) or 0 for p in parts) == total
    # Elimination flags as PxWeb gives them: Alder must be selected, Region may be left out.
    assert meta["dimension"]["Alder"]["extension"]["elimination"] is False
    assert meta["dimension"]["Region"]["extension"]["elimination"] is True
