"""JSON-stat 2.0 datasets → tidy pandas frames (one row per cell), and tidy cells → observations.

The flattener is vectorised: codes per dimension are laid out with numpy repeat/tile in the
dataset's row-major order (the last dimension varies fastest), so an 800 000-cell extract
never meets a Python loop per cell. Status symbols and FHI's flag strings inside `value`
survive as `flag`; a cell with a flag has no value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from utfordringsbilde.vocab import Flag

# Symbols that mean "no number here" (SSB's standard table symbols, FHI's flags). '...' is
# SSB's "not yet available", which the warehouse keeps as '..' (missing).
MISSING_FLAGS: dict[str, str] = {**{f: f for f in Flag}, "...": Flag.MISSING}
# '-' is SSB's "nothing to report": the number is zero. Other symbols ('*' provisional, 'r'
# revised, ...) annotate a real number and are dropped.
ZERO_FLAGS = frozenset({"-"})

SEX_CODES: dict[str, str] = {"0": "all", "1": "male", "2": "female"}


class JsonStatError(ValueError):
    """A dataset is not valid JSON-stat 2.0 in a way the flattener cannot work around."""


def _name(ds: Mapping[str, Any], name: str | None) -> str:
    return name or str(
        ds.get("label") or ds.get("extension", {}).get("px", {}).get("tableid") or "?"
    )


def categories(ds: Mapping[str, Any], dim: str, name: str | None = None) -> list[str]:
    """A dimension's category codes in index order (index as object or array, or one label)."""
    where = f"dataset {_name(ds, name)!r}, dimension {dim!r}"
    try:
        category = ds["dimension"][dim]["category"]
    except (KeyError, TypeError):
        raise JsonStatError(f"{where}: no category") from None
    index = category.get("index")
    labels = category.get("label") or {}
    if index is None:
        # JSON-stat lets a one-category dimension leave out the index.
        if len(labels) == 1:
            return [str(next(iter(labels)))]
        raise JsonStatError(f"{where}: no category.index and {len(labels)} labels")
    if isinstance(index, list):
        return [str(c) for c in index]
    if isinstance(index, dict):
        codes = np.empty(len(index), dtype=object)
        positions = np.fromiter(index.values(), dtype=np.int64, count=len(index))
        if len(index) and (
            positions.min() < 0
            or positions.max() >= len(index)
            or len(np.unique(positions)) != len(index)
        ):
            raise JsonStatError(f"{where}: category.index positions are not 0..{len(index) - 1}")
        codes[positions] = [str(c) for c in index]
        return list(codes)
    raise JsonStatError(f"{where}: category.index must be an object or an array")


def category_labels(ds: Mapping[str, Any], dim: str) -> dict[str, str]:
    """Code → label for one dimension (codes without a label map to themselves)."""
    labels = ds["dimension"][dim]["category"].get("label") or {}
    return {code: str(labels.get(code, code)) for code in categories(ds, dim)}


Marks = tuple[np.ndarray, np.ndarray]  # (positions, symbols) of the cells that carry one


def _no_marks() -> Marks:
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)


def _positions(keys: Any, n: int, where: str, what: str) -> np.ndarray:
    pos = np.array(list(keys)).astype(np.int64)
    if len(pos) and (pos.min() < 0 or pos.max() >= n):
        raise JsonStatError(f"{where}: {what} position out of range 0..{n - 1}")
    return pos


def _values(raw: Any, n: int, where: str) -> tuple[np.ndarray, Marks]:
    """Float values (NaN for null or text) and the cells whose value was text (FHI flags)."""
    if isinstance(raw, Mapping):
        # Sparse form: position → value; absent positions are null.
        out = np.full(n, np.nan)
        if not raw:
            return out, _no_marks()
        pos = _positions(raw.keys(), n, where, "value")
        val, (tpos, tsym) = _values(list(raw.values()), len(pos), where)
        out[pos] = val
        return out, (pos[tpos], tsym)
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise JsonStatError(f"{where}: value must be an array or an object")
    if len(raw) != n:
        raise JsonStatError(f"{where}: the product of size is {n} but value has {len(raw)} entries")
    try:
        # Fast path: numbers and nulls only (None becomes NaN inside numpy's C loop).
        return np.asarray(raw, dtype=np.float64), _no_marks()
    except (ValueError, TypeError):
        pass
    obj = pd.Series(raw, dtype=object)
    num = pd.to_numeric(obj, errors="coerce")
    is_text = (num.isna() & obj.notna()).to_numpy()
    texts = obj[is_text].astype(str).str.strip().to_numpy(dtype=object)
    value = np.array(num.to_numpy(dtype=np.float64, na_value=np.nan))
    return value, (np.flatnonzero(is_text), texts)


def _status(raw: Any, n: int, where: str) -> Marks:
    """The cells with a status symbol, from an object (position → symbol), array or string."""
    if raw is None or raw == "" or raw == {} or raw == []:
        return _no_marks()
    if isinstance(raw, str):
        pos, sym = np.arange(n), np.full(n, raw, dtype=object)  # one string: every cell
    elif isinstance(raw, Mapping):
        pos = _positions(raw.keys(), n, where, "status")
        sym = np.array(list(raw.values()), dtype=object)
    elif isinstance(raw, list):
        if len(raw) == 1:
            pos, sym = np.arange(n), np.full(n, raw[0], dtype=object)
        elif len(raw) == n:
            arr = np.array(raw, dtype=object)
            pos = np.flatnonzero(~pd.isna(arr))
            sym = arr[pos]
        else:
            raise JsonStatError(f"{where}: status has {len(raw)} entries for {n} cells")
    else:
        raise JsonStatError(f"{where}: status must be an object, an array or a string")
    keep = ~pd.isna(sym) & (sym != "")
    return pos[keep], sym[keep].astype(str)


def flatten(
    ds: Mapping[str, Any],
    *,
    labels: bool = False,
    name: str | None = None,
    categorical: bool = True,
) -> pd.DataFrame:
    """A JSON-stat 2.0 dataset as a tidy frame: one code column per dimension, value, flag.

    `flag` is the cell's status symbol, or the string FHI put in `value`, or '..' for a null
    without either (missing elsewhere); `value` is NaN wherever the source gave no number.
    With `labels`, each dimension also gets a `<dim>_label` column. Code, label and flag
    columns are pandas Categoricals, which cost almost nothing at 800 000 cells; pass
    `categorical=False` for plain object columns.
    """
    where = f"dataset {_name(ds, name)!r}"
    ids = ds.get("id")
    sizes = ds.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list):
        raise JsonStatError(f"{where}: id and size must be arrays")
    if len(ids) != len(sizes):
        raise JsonStatError(f"{where}: id has {len(ids)} dimensions but size has {len(sizes)}")
    if not isinstance(ds.get("dimension"), Mapping):
        raise JsonStatError(f"{where}: no dimension object")
    for reserved in ("value", "flag"):
        if reserved in ids:
            raise JsonStatError(f"{where}: a dimension is called {reserved!r}")
    n = math.prod(int(s) for s in sizes)
    value, text = _values(ds.get("value"), n, where)
    status = _status(ds.get("status"), n, where)

    columns: dict[str, Any] = {}
    inner = n
    for dim, size in zip(ids, sizes, strict=True):
        codes = categories(ds, dim, name)
        if len(codes) != int(size):
            raise JsonStatError(
                f"{where}: dimension {dim!r} has size {size} but {len(codes)} categories"
            )
        inner //= max(int(size), 1)
        outer = n // max(int(size) * inner, 1) if n else 0
        positions = np.tile(np.repeat(np.arange(len(codes)), inner), outer)
        if len(set(codes)) != len(codes):
            raise JsonStatError(f"{where}: dimension {dim!r} repeats a category code")
        columns[dim] = _column(codes, positions, categorical)
        if labels:
            lab = category_labels(ds, dim)
            # Labels may repeat across codes, so they are laid out from the codes' order.
            columns[f"{dim}_label"] = _column([lab[c] for c in codes], positions, False)

    columns["value"] = value
    columns["flag"] = _flags(n, value, text, status, categorical)
    return pd.DataFrame(columns, copy=False)


def _column(codes: list[str], positions: np.ndarray, categorical: bool) -> Any:
    if categorical:
        return pd.Categorical.from_codes(positions, categories=pd.Index(codes, dtype=object))
    return pd.Series(np.asarray(codes, dtype=object)[positions], dtype=object, copy=False)


def _flags(n: int, value: np.ndarray, text: Marks, status: Marks, categorical: bool) -> Any:
    """The flag column, built from the few marked cells only (as small integer codes).

    A status symbol wins over a flag string in value; a null with neither is '..' (missing).
    """
    codes = np.full(n, -1, dtype=np.int16)
    symbols: dict[str, int] = {}
    for pos, sym in (text, status):
        if len(pos):
            uniq, inverse = np.unique(sym.astype(str), return_inverse=True)
            ids = np.array([symbols.setdefault(str(u), len(symbols)) for u in uniq])
            codes[pos] = ids[inverse]
    bare = np.isnan(value) & (codes < 0)
    if bare.any():
        codes[bare] = symbols.setdefault(Flag.MISSING, len(symbols))
    names = list(symbols)
    if categorical:
        return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))
    lookup = np.array([*names, None], dtype=object)  # code -1 picks the trailing None
    return pd.Series(lookup[codes], dtype=object, copy=False)


def dataset_updated(ds: Mapping[str, Any]) -> datetime | None:
    """The dataset's `updated` time (timezone-aware); None when absent or unreadable."""
    raw = ds.get("updated")
    if not raw or not isinstance(raw, str):
        return None
    try:
        ts = pd.Timestamp(raw)
    except (ValueError, TypeError):
        return None
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.floor("us").to_pydatetime()


# ------------------------------------------------------------------------ cells → observations

_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*[-_]\s*(\d{4}))?\s*$")


def parse_period(code: str) -> tuple[int, int]:
    """(from, to) years of a period code: '2024', SSB '2022-2024', FHI '2022_2024'."""
    m = _PERIOD.match(str(code))
    if not m:
        raise ValueError(
            f"unsupported period code {code!r} (expected YYYY, YYYY-YYYY or YYYY_YYYY)"
        )
    first = int(m.group(1))
    last = int(m.group(2) or first)
    if last < first:
        raise ValueError(f"period {code!r} ends before it starts")
    return first, last


@dataclass
class Shape:
    """How one indicator sits in a tidy frame: which columns carry region, time, measure, sex."""

    indicator_id: str
    source: str
    region_dim: str
    time_dim: str
    measure_dim: str
    measures: Mapping[str, str]  # role → code present in the frame
    sex_dim: str | None = None
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    multiplier: float = 1.0
    derive_denominator: bool = False


def to_observations(
    cells: pd.DataFrame,
    shape: Shape,
    area_of: Mapping[str, str],
    preferred: frozenset[str] = frozenset(),
    updated: datetime | None = None,
) -> pd.DataFrame:
    """Observation rows (as etl.load expects them) for one indicator from a tidy frame.

    `area_of` maps the source's region codes to warehouse area codes (K-3301 → 3301, an old
    kommune number → the current one); codes it lacks are dropped. When two source codes land
    on the same area and period (3005 and 3301 for Drammen), a row with a number beats a row
    without, and a code in `preferred` (the current numbers) beats an old one.
    """
    key = ["area_code", "period_from", "period_to", "sex"]
    frame = cells
    for dim, wanted in shape.filters.items():
        frame = frame[frame[dim].isin(list(wanted))]
    frame = frame[frame[shape.measure_dim].isin(list(shape.measures.values()))]
    region = frame[shape.region_dim].astype(str)
    area = region.map(dict(area_of))
    frame = frame.assign(area_code=area, _current=region.isin(preferred))
    frame = frame[frame["area_code"].notna()]
    if frame.empty:
        return pd.DataFrame(columns=[*key, "indicator_id"])

    times = frame[shape.time_dim].astype(str)
    periods = {code: parse_period(code) for code in times.unique()}
    frame = frame.assign(
        period_from=times.map({c: p[0] for c, p in periods.items()}).astype("int64"),
        period_to=times.map({c: p[1] for c, p in periods.items()}).astype("int64"),
    )
    if shape.sex_dim:
        sex = frame[shape.sex_dim].astype(str).map(SEX_CODES)
        if sex.isna().any():
            odd = sorted(set(frame.loc[sex.isna(), shape.sex_dim].astype(str)))
            raise ValueError(f"unknown sex codes {odd} in {shape.sex_dim} (expected 0, 1, 2)")
        frame = frame.assign(sex=sex)
    else:
        frame = frame.assign(sex="all")

    # Normalise flags: warehouse symbols only; '-' means zero; annotations keep their number.
    flag = frame["flag"]
    value = frame["value"].to_numpy(dtype=np.float64, copy=True)
    is_zero = flag.isin(list(ZERO_FLAGS)).to_numpy()
    value[is_zero & np.isnan(value)] = 0.0
    norm = flag.map(MISSING_FLAGS)
    norm_arr = norm.to_numpy(dtype=object)
    norm_arr[pd.isna(norm_arr)] = None
    norm_arr[np.isnan(value) & pd.isna(norm).to_numpy()] = Flag.MISSING
    value[~pd.isna(norm_arr)] = np.nan
    frame = frame.assign(value=value, flag=norm_arr)

    # Old and new codes can land on the same key (3005 and 3301 for Drammen). Keep the row
    # that says most: a number, then ':' (suppressed), '..' (missing), '.' (not applicable,
    # which is how a table marks a number that did not exist that year); then the current code.
    rank = pd.Series(frame["flag"]).map({f: i for i, f in enumerate(Flag, 1)}).fillna(0).to_numpy()
    frame = frame.assign(_rank=rank, _old=~frame["_current"].to_numpy())
    parts = {}
    for role, code in shape.measures.items():
        part = frame[frame[shape.measure_dim] == code]
        part = part.sort_values(["_rank", "_old"], kind="stable")
        part = part.drop_duplicates(key, keep="first").set_index(key)
        parts[role] = part
    out = parts["value"][["value", "flag"]].copy()
    for role in ("numerator", "denominator"):
        if role in parts:
            other = parts[role]
            out[role] = other["value"].reindex(out.index)
        else:
            out[role] = np.nan
    out = out.reset_index()
    # A suppressed value hides its count too; a missing count is simply absent.
    out.loc[out["flag"] == Flag.SUPPRESSED, "numerator"] = np.nan
    if shape.derive_denominator and "denominator" not in parts and "numerator" in parts:
        ok = out["value"].gt(0) & out["numerator"].notna()
        out.loc[ok, "denominator"] = (
            out.loc[ok, "numerator"] * shape.multiplier / out.loc[ok, "value"]
        ).round()
    out["flag"] = pd.Series(
        np.where(out["flag"].isna(), None, out["flag"].astype(object)), dtype=object
    )
    out["indicator_id"] = shape.indicator_id
    out["source"] = shape.source
    out["source_updated"] = pd.Timestamp(updated) if updated else pd.NaT
    return out[
        [
            "indicator_id",
            *key,
            "value",
            "numerator",
            "denominator",
            "flag",
            "source",
            "source_updated",
        ]
    ]
