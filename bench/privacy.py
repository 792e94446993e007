"""`python -m bench.privacy`: the price of safe suppression on the demo warehouse.

Builds the demo twice, once with the loader's old rule (primary + "no total with one hidden
cell") and once with complementary suppression checked by the attacker, then prints per
indicator the hidden district cells of each, the extra cells, and how many hidden cells the
attacker narrows to one value in each. Then the price per level of the attacker who differences
all district levels at once: the demo built with single-level protection only against the full
build, hidden cells and cells pinned across levels per level. Figures, not verdicts.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import duckdb
import pandas as pd

from utfordringsbilde import disclosure, suppression


def published(path: Path, levels: bool = False) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return disclosure.published(con, levels=levels)


def _build(path: Path, safe: bool, across: bool = True) -> tuple[pd.DataFrame, float]:
    from etl import demo

    def keep(frame: pd.DataFrame, hidden: pd.Series, *args: object, **kw: object) -> pd.Series:
        return hidden

    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if not safe:
            stack.enter_context(mock.patch.object(suppression, "protect", keep))
        if not safe or not across:
            stack.enter_context(mock.patch.object(suppression, "protect_levels", keep))
        demo.build(target=path)
    return published(path), time.perf_counter() - start


def across_levels(tmp: Path) -> pd.DataFrame:
    """Hidden and cross-level-pinned cells per level: single-level protection vs all levels."""
    single = tmp / "single.duckdb"
    _build(single, safe=True, across=False)
    start = time.perf_counter()
    _build(tmp / "across.duckdb", safe=True)
    took = time.perf_counter() - start
    out = {}
    for name in ("single", "across"):
        path = tmp / f"{name}.duckdb"
        obs = published(path, levels=True)
        with duckdb.connect(str(path), read_only=True) as con:
            members = disclosure.members(con)
        t0 = time.perf_counter()
        pinned = disclosure.exposed_across_levels(obs, members)
        print(f"{name}: attacker across levels {time.perf_counter() - t0:.1f} s")
        out[f"hidden_{name}"] = obs[obs["flag"].eq(":")].groupby("level").size()
        out[f"pinned_{name}"] = pinned.groupby("level").size()
        if name == "single":
            out["cells"] = (
                obs[obs["numerator"].notna() | obs["flag"].eq(":")].groupby("level").size()
            )
    table = pd.DataFrame(out).fillna(0).astype(int)
    table["extra"] = table["hidden_across"] - table["hidden_single"]
    print(f"build with the cross-level pass {took:.1f} s")
    return table


def _count(obs: pd.DataFrame) -> pd.Series:
    sub = obs[obs["level"].isin(["district", "grunnkrets"]) & obs["flag"].eq(":")]
    return sub.groupby("indicator_id").size()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["UB_RUNS_LOG"] = str(Path(tmp) / "runs.jsonl")
        old, t_old = _build(Path(tmp) / "old.duckdb", safe=False)
        new, t_new = _build(Path(tmp) / "new.duckdb", safe=True, across=False)
        levels = across_levels(Path(tmp))
    start = time.perf_counter()
    exposed_old = disclosure.exposed(old).groupby("indicator_id").size()
    exposed_new = disclosure.exposed(new).groupby("indicator_id").size()
    t_attack = (time.perf_counter() - start) / 2
    cells = (
        new[
            new["level"].isin(["district", "grunnkrets"]) & new["numerator"].notna()
            | new["flag"].eq(":") & new["level"].isin(["district", "grunnkrets"])
        ]
        .groupby("indicator_id")
        .size()
    )
    table = (
        pd.DataFrame(
            {
                "district_cells": cells,
                "hidden_before": _count(old),
                "hidden_now": _count(new),
                "determined_before": exposed_old,
                "determined_now": exposed_new,
            }
        )
        .fillna(0)
        .astype(int)
    )
    table["extra"] = table["hidden_now"] - table["hidden_before"]
    table = table[(table["hidden_now"] > 0) | (table["determined_before"] > 0)]
    total = table.sum()
    print(table.sort_values("extra", ascending=False).to_string())
    print(
        f"\nall: {total['hidden_before']} → {total['hidden_now']} hidden district cells "
        f"(+{total['extra']}, of {total['district_cells']} with counts); determined hidden "
        f"cells {total['determined_before']} → {total['determined_now']}"
    )
    print(f"build {t_old:.1f} s old rule, {t_new:.1f} s safe; attacker {t_attack:.1f} s per pass")
    print("\nacross levels (single-level protection → every level at once):")
    print(levels.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
