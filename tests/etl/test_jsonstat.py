"""The JSON-stat flattener against a plain loop-based reference, and cells → observations."""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import jsonstat
from etl.jsonstat import JsonStatError, Shape

# ------------------------------------------------------------------------ reference


def reference(ds: dict[str, Any]) -> list[dict[str, Any]]:
    """The obvious, slow reading of JSON-stat 2.0: one loop iteration per cell."""
    ids, sizes = ds["id"], ds["size"]
    per_dim = []
    for dim in ids:
        cat = ds["dimension"][dim]["category"]
        index = cat.get("index")
        if index is None:
            codes = list(cat["label"])
        elif isinstance(index, list):
            codes = list(index)
        else:
            codes = [None] * len(index)
            for code, pos in index.items():
                codes[pos] = code
        per_dim.append(codes)
    status = ds.get("status")
    rows = []
    for pos, combo in enumerate(itertools.product(*per_dim)):
        raw = ds["value"][pos]
        if isinstance(status, dict):
            symbol = status.get(str(pos))
        elif isinstance(status, list):
            symbol = status[0] if len(status) == 1 else status[pos]
        elif isinstance(status, str) and status:
            symbol = status
        else:
            symbol = None
        symbol = symbol or None
        if isinstance(raw, str):
            value, text = math.nan, raw
        elif raw is None:
            value, text = math.nan, None
        else:
            value, text = float(raw), None
        flag = symbol if symbol is not None else text
        if flag is None and math.isnan(value):
            flag = ".."
        row = dict(zip(ids, combo, strict=True))
        row.update(value=value, flag=flag)
        rows.append(row)
    assert math.prod(sizes) == len(rows)
    return rows


def same(frame: pd.DataFrame, rows: list[dict[str, Any]], ids: list[str]) -> None:
    assert len(frame) == len(rows)
    for dim in ids:
        assert [str(c) for c in frame[dim].tolist()] == [r[dim] for r in rows]
    got = frame["value"].to_numpy()
    want = np.array([r["value"] for r in rows], dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.allclose(got[~np.isnan(got)], want[~np.isnan(want)])
    flags = [None if pd.isna(f) else f for f in frame["flag"].tolist()]
    assert flags == [r["flag"] for r in rows]


# ------------------------------------------------------------------------ strategies

SYMBOLS = [":", "..", "."]
code = st.text(alphabet="0123456789ABK-_", min_size=1, max_size=6)


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    ndim = draw(st.integers(1, 4))
    ids = [f"D{i}" for i in range(ndim)]
    sizes = [draw(st.integers(1, 4)) for _ in ids]
    dimension = {}
    for dim, size in zip(ids, sizes, strict=True):
        codes = draw(st.lists(code, min_size=size, max_size=size, unique=True))
        labels = {c: f"label {c}" for c in codes}
        form = draw(
            st.sampled_from(["object", "array", "none"] if size == 1 else ["object", "array"])
        )
        if form == "object":
            order = draw(st.permutations(list(range(size))))
            # Positions given out of order in the object, as JSON allows.
            index: Any = {codes[p]: p for p in order}
            category: dict[str, Any] = {"index": index, "label": labels}
        elif form == "array":
            category = {"index": codes, "label": labels}
        else:
            category = {"label": labels}
        dimension[dim] = {"label": dim, "category": category}
    n = math.prod(sizes)
    cell = st.one_of(
        st.floats(-1e9, 1e9, allow_nan=False),
        st.integers(-(10**6), 10**6),
        st.none(),
        st.sampled_from(SYMBOLS),  # FHI: flag strings inside value
    )
    values = draw(st.lists(cell, min_size=n, max_size=n))
    form = draw(st.sampled_from(["absent", "object", "array", "array1", "string", "empty"]))
    ds: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": "t",
        "id": ids,
        "size": sizes,
        "dimension": dimension,
        "value": values,
    }
    if form == "object":
        picked = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
        ds["status"] = {str(p): draw(st.sampled_from(SYMBOLS)) for p in picked}
    elif form == "array":
        ds["status"] = [draw(st.sampled_from([None, "", *SYMBOLS])) for _ in range(n)]
    elif form == "array1":
        ds["status"] = [draw(st.sampled_from(SYMBOLS))]
    elif form == "string":
        ds["status"] = draw(st.sampled_from(SYMBOLS))
    elif form == "empty":
        ds["status"] = ""  # FHI's normal answer
    return ds


@settings(max_examples=300, deadline=None)
@given(datasets(), st.booleans())
def test_flatten_matches_the_reference(ds: dict[str, Any], categorical: bool):
    # Round-trip through JSON text, as datasets arrive.
    ds = json.loads(json.dumps(ds))
    same(jsonstat.flatten(ds, categorical=categorical), reference(ds), ds["id"])


@settings(max_examples=50, deadline=None)
@given(datasets())
def test_labels_follow_the_codes(ds: dict[str, Any]):
    frame = jsonstat.flatten(ds, labels=True)
    for dim in ds["id"]:
        assert (frame[f"{dim}_label"] == "label " + frame[dim].astype(str)).all()


# ------------------------------------------------------------------------ errors


def small() -> dict[str, Any]:
    return {
        "label": "Befolkning",
        "id": ["Region", "Tid"],
        "size": [2, 2],
        "dimension": {
            "Region": {"category": {"index": {"3301": 0, "0": 1}}},
            "Tid": {"category": {"index": ["2023", "2024"]}},
        },
        "value": [1, 2, 3, 4],
    }


def test_size_must_match_the_values():
    ds = small()
    ds["value"] = [1, 2, 3]
    with pytest.raises(
        JsonStatError, match=r"dataset 'Befolkning'.*product of size is 4 but value has 3"
    ):
        jsonstat.flatten(ds)


def test_id_and_size_must_match():
    ds = small()
    ds["size"] = [2, 2, 1]
    with pytest.raises(JsonStatError, match="id has 2 dimensions but size has 3"):
        jsonstat.flatten(ds)


def test_size_must_match_the_categories():
    ds = small()
    ds["size"] = [1, 4]
    with pytest.raises(JsonStatError, match="'Region' has size 1 but 2 categories"):
        jsonstat.flatten(ds)


def test_index_positions_must_be_a_permutation():
    ds = small()
    ds["dimension"]["Region"]["category"]["index"] = {"3301": 0, "0": 5}
    with pytest.raises(JsonStatError, match="positions"):
        jsonstat.flatten(ds)


def test_missing_index_needs_a_single_label():
    ds = small()
    ds["dimension"]["Region"]["category"] = {"label": {"3301": "Drammen", "0": "Landet"}}
    with pytest.raises(JsonStatError, match=r"no category\.index"):
        jsonstat.flatten(ds)
    ds["dimension"]["Region"]["category"] = {"label": {"3301": "Drammen"}}
    ds["size"] = [1, 2]
    ds["value"] = [1, 2]
    assert jsonstat.flatten(ds)["Region"].tolist() == ["3301", "3301"]


def test_name_overrides_the_label_in_errors():
    ds = small()
    ds["value"] = []
    with pytest.raises(JsonStatError, match="dataset 'ssb 07459'"):
        jsonstat.flatten(ds, name="ssb 07459")


def test_sparse_value_object():
    ds = small()
    ds["value"] = {"0": 10, "3": ":"}
    frame = jsonstat.flatten(ds)
    assert frame["value"].tolist()[0] == 10
    assert [None if pd.isna(f) else f for f in frame["flag"]] == [None, "..", "..", ":"]


def test_dataset_updated():
    assert jsonstat.dataset_updated({"updated": "2025-10-27T07:00:00Z"}).isoformat() == (
        "2025-10-27T07:00:00+00:00"
    )
    fhi = jsonstat.dataset_updated({"updated": "2022-12-20T11:44:58.7706326+00:00"})
    assert fhi is not None and fhi.year == 2022 and fhi.microsecond == 770632
    assert jsonstat.dataset_updated({"updated": "2024-03-01"}).tzinfo is not None
    assert jsonstat.dataset_updated({}) is None
    assert jsonstat.dataset_updated({"updated": "yesterday"}) is None


@pytest.mark.parametrize(
    ("code", "period"),
    [
        ("2024", (2024, 2024)),
        ("2022-2024", (2022, 2024)),
        ("2022_2024", (2022, 2024)),
        ("2020_2020", (2020, 2020)),
    ],
)
def test_parse_period(code: str, period: tuple[int, int]):
    assert jsonstat.parse_period(code) == period


@pytest.mark.parametrize("code", ["2024M01", "2024K1", "abc", "2024_2022"])
def test_parse_period_rejects_what_it_cannot_read(code: str):
    with pytest.raises(ValueError):
        jsonstat.parse_period(code)


def test_matches_pyjstat_on_values():
    pyjstat = pytest.importorskip("pyjstat.pyjstat")
    ds = small()
    ds.update(version="2.0", **{"class": "dataset"})
    ds["value"] = [1.5, None, 3, 4]
    theirs = pyjstat.Dataset.read(json.dumps(ds)).write("dataframe", naming="id")
    ours = jsonstat.flatten(ds)
    assert ours["Region"].astype(str).tolist() == theirs["Region"].tolist()
    assert np.allclose(ours["value"].fillna(-1), pd.to_numeric(theirs["value"]).fillna(-1))


# ------------------------------------------------------------------------ observations


def cells() -> pd.DataFrame:
    """KOSTRA-like cells: Drammen under 3005 until 2023 and 3301 from 2024."""
    rows = []
    for region in ("3005", "3301", "EAK"):
        for year in ("2022", "2023", "2024"):
            old = region == "3005"
            live = (
                (old and year < "2024")
                or (region == "3301" and year == "2024")
                or (region == "EAK")
            )
            for measure, v in (("ANDEL", 2.0), ("ANTALL", 40.0)):
                flag = None if live else "."
                rows.append(
                    {
                        "R": region,
                        "T": year,
                        "M": measure,
                        "value": v if live else np.nan,
                        "flag": flag,
                    }
                )
    frame = pd.DataFrame(rows)
    frame.loc[(frame.R == "3005") & (frame["T"] == "2022"), ["value", "flag"]] = [np.nan, ":"]
    return frame


def test_old_and_new_codes_land_on_the_current_area():
    shape = Shape(
        "x",
        "ssb",
        "R",
        "T",
        "M",
        {"value": "ANDEL", "numerator": "ANTALL"},
        multiplier=100.0,
        derive_denominator=True,
    )
    area_of = {"3005": "3301", "3301": "3301", "EAK": "0"}
    out = jsonstat.to_observations(cells(), shape, area_of, frozenset({"3301", "EAK"}), None)
    drammen = out[out.area_code == "3301"].sort_values("period_to")
    assert drammen["period_from"].tolist() == [2022, 2023, 2024]
    assert drammen["flag"].tolist() == [":", None, None]
    # ':' hides the count too; elsewhere the denominator is derived from count and share.
    assert np.isnan(drammen["numerator"].iloc[0])
    assert drammen["denominator"].tolist()[1:] == [2000.0, 2000.0]
    assert set(out.area_code) == {"3301", "0"}
    assert not out.duplicated(["area_code", "period_from", "period_to", "sex"]).any()


def test_flags_are_normalised_for_the_warehouse():
    frame = pd.DataFrame(
        {
            "R": ["0"] * 5,
            "T": ["2020", "2021", "2022", "2023", "2024"],
            "M": ["V"] * 5,
            "value": [np.nan, np.nan, 5.0, np.nan, np.nan],
            "flag": ["...", "-", "*", "..", "?"],
        }
    )
    out = jsonstat.to_observations(
        frame, Shape("x", "ssb", "R", "T", "M", {"value": "V"}), {"0": "0"}
    )
    got = dict(zip(out.period_to, zip(out.value, out.flag, strict=True), strict=True))
    assert got[2020][1] == ".." and np.isnan(got[2020][0])  # '...' not yet available → missing
    assert got[2021] == (0.0, None)  # '-' nothing to report → zero
    assert got[2022] == (5.0, None)  # '*' provisional: the number stands
    assert got[2023][1] == ".." and got[2024][1] == ".."


def test_sex_codes_map_to_words():
    frame = pd.DataFrame(
        {
            "R": ["0"] * 3,
            "T": ["2024"] * 3,
            "K": ["0", "1", "2"],
            "M": ["V"] * 3,
            "value": [1.0, 2.0, 3.0],
            "flag": [None] * 3,
        }
    )
    shape = Shape("x", "fhi", "R", "T", "M", {"value": "V"}, sex_dim="K")
    out = jsonstat.to_observations(frame, shape, {"0": "0"})
    assert sorted(out.sex) == ["all", "female", "male"]
    frame.loc[0, "K"] = "9"
    with pytest.raises(ValueError, match="unknown sex codes"):
        jsonstat.to_observations(frame, shape, {"0": "0"})
