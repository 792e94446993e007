"""The attacker, and suppression that it cannot undo: no hidden count narrowed to one value."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utfordringsbilde import disclosure
from utfordringsbilde.config import Suppression
from utfordringsbilde.suppression import suppress

RULES = {"x": Suppression(min_numerator=4, min_complement=4, min_denominator=10)}
BASE = {"indicator_id": "x", "period_from": 2024, "period_to": 2024, "age_group": "all",
        "sex": "all", "flag": None, "ci_low": np.nan, "ci_high": np.nan}  # fmt: skip


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    out = pd.DataFrame([{**BASE, **r} for r in rows])
    out["value"] = 100 * out["numerator"] / out["denominator"]
    return out


def _published(raw: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """What pages and exports show: the suppressed districts and each kommune total."""
    keys = ["parent_code", "indicator_id", "period_from", "period_to", "sex", "age_group"]
    districts = out.assign(parent_code=raw["parent_code"])
    totals = (
        raw.groupby(keys, as_index=False)[["numerator", "denominator"]]
        .sum()
        .rename(columns={"parent_code": "area_code"})
        .assign(parent_code=None, flag=None)
    )
    return pd.concat([districts, totals], ignore_index=True)


def _exposed(raw: pd.DataFrame, out: pd.DataFrame) -> set[tuple[str, str, int, int]]:
    hit = disclosure.exposed(_published(raw, out))
    return set(zip(hit["area_code"], hit["sex"], hit["period_from"], hit["period_to"], strict=True))


def _suppress(raw: pd.DataFrame) -> pd.DataFrame:
    parent = dict(zip(raw["area_code"], raw["parent_code"], strict=True))
    return suppress(raw.drop(columns="parent_code"), RULES, parent)


def test_ranges_are_the_attackers_bounds() -> None:
    # Two hidden cells sum to 9 - 5 = 4; denominators 3 and 4 bound them.
    t = disclosure.Table(
        known=np.array([np.nan, np.nan, 5.0]),
        upper=np.array([3.0, 4.0, 10.0]),
        equations=[(np.array([0, 1, 2]), np.ones(3), 9.0)],
    )
    low, high = disclosure.ranges(t)
    assert low.tolist() == [0.0, 1.0] and high.tolist() == [3.0, 4.0]
    assert not len(disclosure.determined(t))
    # The same two cells summing to 0 are both known to be 0.
    t.equations = [(np.array([0, 1, 2]), np.ones(3), 5.0)]
    assert disclosure.determined(t).tolist() == [0, 1]


@settings(max_examples=150, deadline=None)
@given(
    upper=st.lists(st.integers(0, 6), min_size=6, max_size=6),
    seed=st.integers(0, 2**32 - 1),
    hide=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_determined_agrees_with_ranges(upper: list[int], seed: int, hide: list[bool]) -> None:
    """The fast check gives what min and max per cell give, on a 3 × 2 table with margins."""
    rng = np.random.default_rng(seed)
    truth = np.array([rng.integers(0, u + 1) for u in upper], dtype=float)
    # Cells 0-2 are one sex, 3-5 the other; rows sum across the two sexes too.
    eqs = [(np.array([0, 1, 2]), np.ones(3), truth[:3].sum()),
           (np.array([3, 4, 5]), np.ones(3), truth[3:].sum())]  # fmt: skip
    eqs += [(np.array([i, i + 3]), np.ones(2), truth[i] + truth[i + 3]) for i in range(3)]
    t = disclosure.Table(
        known=np.where(hide, np.nan, truth), upper=np.array(upper, float), equations=eqs
    )
    low, high = disclosure.ranges(t)
    # A cell with denominator 0 holds nobody; its known 0 is not a disclosure.
    narrow = t.hidden[(high - low < 1 - 1e-9) & (t.upper[t.hidden] > 0)]
    assert disclosure.determined(t).tolist() == narrow.tolist()
    assert (low <= truth[t.hidden]).all() and (truth[t.hidden] <= high).all()


def test_contradicting_figures_fail_closed() -> None:
    """Published figures that admit no solution do not hide what a consistent part gives away."""
    # x0 + x1 = 0 pins both hidden cells at 0 (0 <= count); x2 + x3 = 10 with denominators 3
    # and 4 has no solution, so the table as a whole has none either.
    t = disclosure.Table(
        known=np.full(4, np.nan),
        upper=np.array([5.0, 5.0, 3.0, 4.0]),
        equations=[(np.array([0, 1]), np.ones(2), 0.0), (np.array([2, 3]), np.ones(2), 10.0)],
    )
    assert {0, 1} <= set(disclosure.determined(t).tolist())
    # Two sums that contradict each other (a district total that is not its parts' sum):
    # each alone still pins the hidden zeros it holds with a known neighbour.
    t = disclosure.Table(
        known=np.array([np.nan, np.nan, 7.0, np.nan, np.nan]),
        upper=np.full(5, 20.0),
        equations=[
            (np.array([0, 1, 2]), np.ones(3), 7.0),  # x0 + x1 = 0
            (np.array([0, 1, 2]), np.ones(3), 9.0),  # contradicts the first
            (np.array([3, 4]), np.ones(2), 12.0),  # free: 12 = 0 + 12 ... 12 + 0
        ],
    )
    assert set(disclosure.determined(t).tolist()) == {0, 1}
    # Consistent, the same cells are as before.
    t.equations = t.equations[:1] + t.equations[2:]
    assert disclosure.determined(t).tolist() == [0, 1]


def _districts(cells: list[tuple[int, int]], kommune: str = "k") -> pd.DataFrame:
    rows = [{"area_code": f"{kommune}d{i}", "numerator": n, "denominator": d,
             "parent_code": kommune} for i, (n, d) in enumerate(cells)]  # fmt: skip
    return _frame(rows)


def test_two_hidden_zeros_are_not_recoverable() -> None:
    raw = _districts([(0, 120), (0, 90), (50, 400), (60, 500)])
    out = _suppress(raw)
    assert out["flag"].eq(":").sum() >= 3
    assert not _exposed(raw, out)


def test_two_full_districts_are_not_recoverable() -> None:
    """The demo's Sandnes MMR 2017 case: Høle 29/29 and Forsand 16/16 beside larger districts."""
    raw = _districts([(29, 29), (16, 16), (430, 470), (676, 684)])
    out = _suppress(raw)
    assert not _exposed(raw, out)
    # The denominators stay: they are the population, and the attacker counted them.
    assert out["denominator"].notna().all()


def test_a_period_tiled_by_single_years_is_suppressed_across() -> None:
    """2024 hidden while 2022, 2023 and 2022-2024 show would be 2022-2024 minus the two."""
    rows = []
    for code, counts in (("kd0", (30, 40, 2)), ("kd1", (50, 60, 70)), ("kd2", (45, 55, 65))):
        for year, n in zip((2022, 2023, 2024), counts, strict=True):
            rows.append({"area_code": code, "period_from": year, "period_to": year,
                         "numerator": n, "denominator": 300, "parent_code": "k"})  # fmt: skip
        rows.append({"area_code": code, "period_from": 2022, "period_to": 2024,
                     "numerator": sum(counts), "denominator": 900, "parent_code": "k"})  # fmt: skip
    raw = _frame(rows)
    out = _suppress(raw)
    assert out.loc[(out["area_code"] == "kd0") & (out["period_from"] == 2024), "flag"].item()
    assert not _exposed(raw, out)


COUNT_KINDS = st.sampled_from(["zero", "full", "small", "nearly_full", "any"])


def _count(den: int, kind: str, seed: int) -> int:
    small = seed % min(5, den + 1)
    return {"zero": 0, "full": den, "small": small, "nearly_full": den - small,
            "any": seed % (den + 1)}[kind]  # fmt: skip


CELL = st.tuples(st.integers(1, 150), COUNT_KINDS, st.integers(0, 10**6))
TABLE = st.tuples(st.booleans(), st.lists(st.tuples(CELL, CELL), min_size=1, max_size=7))
TABLES_PER_EXAMPLE = 50
EXAMPLES = 200  # 50 tables each: 10 000 tables
_runtime: list[tuple[float, float]] = []  # (wall, CPU) seconds per example


def _tables(tables: list[tuple[bool, list[tuple[tuple[int, str, int], ...]]]]) -> pd.DataFrame:
    """Districts × kommune tables, each under its own kommune; with a sex split or without."""
    rows = []
    for j, (with_sex, districts) in enumerate(tables):
        for i, (male, female) in enumerate(districts):
            dm, df = male[0], female[0]
            m, f = _count(dm, male[1], male[2]), _count(df, female[1], female[2])
            code, parent = f"k{j}d{i}", f"k{j}"
            if with_sex:
                rows.append({"area_code": code, "sex": "male", "numerator": m,
                             "denominator": dm, "parent_code": parent})  # fmt: skip
                rows.append({"area_code": code, "sex": "female", "numerator": f,
                             "denominator": df, "parent_code": parent})  # fmt: skip
                rows.append({"area_code": code, "sex": "all", "numerator": m + f,
                             "denominator": dm + df, "parent_code": parent})  # fmt: skip
            else:
                rows.append({"area_code": code, "numerator": m, "denominator": dm,
                             "parent_code": parent})  # fmt: skip
    return _frame(rows)


@settings(max_examples=EXAMPLES, deadline=None)
@given(tables=st.lists(TABLE, min_size=TABLES_PER_EXAMPLE, max_size=TABLES_PER_EXAMPLE))
def test_no_generated_table_has_a_determined_hidden_cell(
    tables: list[tuple[bool, list[tuple[tuple[int, str, int], ...]]]],
) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    raw = _tables(tables)
    out = _suppress(raw)
    shown = out[out["flag"].isna()]
    assert (shown["numerator"] > 4).all()
    assert ((shown["denominator"] - shown["numerator"]) > 4).all()
    exposed = _exposed(raw, out)
    if exposed:
        # Only where hiding every district would not help either: the kommune's own published
        # total (0, or everyone) gives the districts away, and that total is the source's to hide.
        everything = out.assign(flag=":", numerator=np.nan)
        assert exposed <= _exposed(raw, everything), sorted(exposed)
    _runtime.append((time.perf_counter() - start, time.process_time() - cpu))


@pytest.fixture(scope="module", autouse=True)
def _report_runtime() -> Iterator[None]:
    yield
    if _runtime:
        wall, cpu = (sum(x) for x in zip(*_runtime, strict=True))
        n = len(_runtime) * TABLES_PER_EXAMPLE
        print(f"\n{n} generated tables suppressed and attacked in {wall:.1f} s ({cpu:.1f} s CPU)")


# --------------------------------------------------------------------------- across levels

# Kommune k: grunnkretser g1..g4; own districts D1 = g1+g2, D2 = g3+g4; delområder
# d1 = g1, d2 = g2, d3 = g3+g4.
MEMBERS = pd.DataFrame(
    [("D1", "g1"), ("D1", "g2"), ("D2", "g3"), ("D2", "g4"),
     ("d1", "g1"), ("d2", "g2"), ("d3", "g3"), ("d3", "g4")],
    columns=["area_code", "grunnkrets_code"],
)  # fmt: skip


def _levels(hidden: set[str]) -> pd.DataFrame:
    counts = {"k": (60, 600), "D1": (25, 250), "D2": (35, 350), "d1": (3, 100),
              "d2": (22, 150), "d3": (35, 350)}  # fmt: skip
    level = {"k": "kommune", "D1": "district", "D2": "district"}
    rows = [
        {**BASE, "area_code": a, "kommune_code": "k", "level": level.get(a, "delomrade"),
         "numerator": np.nan if a in hidden else n, "denominator": d,
         "flag": ":" if a in hidden else None}
        for a, (n, d) in counts.items()
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_a_hidden_delomrade_inside_a_visible_district_is_pinned() -> None:
    # d1 = D1 - d2: hiding d1 alone at its own level is differenced away by the districts.
    hit = disclosure.exposed_across_levels(_levels({"d1"}), MEMBERS)
    assert hit["area_code"].tolist() == ["d1"]
    # With d2 hidden too, D1 = d1 + d2 leaves them 0..25 between them: nothing pinned.
    assert disclosure.exposed_across_levels(_levels({"d1", "d2"}), MEMBERS).empty


def test_protect_levels_hides_a_cell_sharing_grunnkretser() -> None:
    from utfordringsbilde.suppression import protect_levels

    frame = _levels(set())
    raw = frame.assign(numerator=_levels(set())["numerator"])
    hidden = pd.Series(frame["area_code"].eq("d1"))
    out = protect_levels(raw, hidden, MEMBERS, locked=frame["level"].eq("kommune"))
    extra = set(frame.loc[out & ~hidden, "area_code"])
    # d2, beside d1 inside D1; hiding D1 instead would leave D1 = k - D2.
    assert extra == {"d2"}
    published = _levels(set(frame.loc[out, "area_code"]))
    assert disclosure.exposed_across_levels(published, MEMBERS).empty
