"""The loader's suppression finds the kommune's published total of its districts' counts.

Districts are grouped under "<kommune>|<level>" (each level sums to the kommune on its own);
the kommune totals must be keyed the same way, or a district whose count the source already
hid makes the group's sum unknown to the suppression while the attacker still has it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import Builder, build_warehouse
from utfordringsbilde import disclosure
from utfordringsbilde.config import load_catalog, load_kommuner

IND = "ungdata_mobbet"


@pytest.mark.parametrize("level", ["district", "bydel"])
def test_a_kommune_total_protects_districts_the_source_hid(tmp_path: Path, level: str) -> None:
    """For the configured districts (grunnkretser known) and for a level a source adds
    without memberships, where only the totals tie the districts to the kommune."""
    catalog = load_catalog()
    k = load_kommuner()["3301"]
    codes = [d.code for d in k.districts.items]
    areas = pd.DataFrame()
    if level == "bydel":
        codes = [f"3301-B{i}" for i in range(1, 6)]
        areas = pd.DataFrame({"area_code": codes, "name": codes, "level": level,
                              "parent_code": k.code, "kommune_code": k.code})  # fmt: skip
    # The source hid the first district; the second has 0 of 60. The kommune's published total
    # is the other districts' sum, so the first two add to 0: both would be known to be 0.
    rows = [
        {"area_code": codes[0], "numerator": None, "denominator": 50, "flag": ":"},
        {"area_code": codes[1], "numerator": 0, "denominator": 60, "flag": None},
    ]
    rows += [{"area_code": c, "numerator": 60 + 7 * i, "denominator": 400 + 10 * i, "flag": None}
             for i, c in enumerate(codes[2:])]  # fmt: skip
    total = sum(r["numerator"] or 0 for r in rows)
    rows.append({"area_code": k.code, "numerator": total,
                 "denominator": sum(r["denominator"] for r in rows), "flag": None})  # fmt: skip
    obs = pd.DataFrame(rows).assign(
        indicator_id=IND, period_from=2024, period_to=2024, source="test", sex="all",
        age_group="all",
    )  # fmt: skip
    obs["value"] = (100 * obs["numerator"] / obs["denominator"]).where(obs["flag"].isna())

    def produce(b: Builder) -> None:
        if not areas.empty:
            b.add_areas(areas)
        b.add_observations(obs)
        for ind in catalog.indicators:
            if ind.id != IND:
                b.mark_missing(ind.id, "not in this test")

    target = tmp_path / "warehouse.duckdb"
    build_warehouse(
        produce, mode="live", source="test", target=target, catalog=catalog,
        kommuner={k.code: k}, runs_log=tmp_path / "runs.jsonl",
    )  # fmt: skip
    with duckdb.connect(str(target), read_only=True) as con:
        published = disclosure.published(con, levels=True)
    shown = published[
        (published["indicator_id"] == IND) & published["level"].isin([level, "kommune"])
    ]
    assert shown["flag"].eq(":").sum() >= 3  # a third district hidden with the two
    exposed = disclosure.exposed(shown)
    assert exposed.empty, exposed[["area_code", "denominator", "flag"]]
