"""Small-number suppression (prikking) for district data: primary, secondary, complementary.

Primary: a cell is hidden when its count, or the count of everyone else (denominator −
numerator), is at or below the indicator's limit, or the denominator is too small.
Secondary: where a published total (the kommune across its districts; the 'all' row across
male and female) has exactly one hidden part, the smallest visible part is hidden too.
Complementary (`protect`): the attacker of `disclosure` then solves every published equation
with 0 ≤ count ≤ denominator; while it narrows a hidden count to one value (two hidden zeros,
two full cells), the cheapest visible cell tied to it is hidden as well, as in sdcTable's and
tau-argus' heuristics. Across levels (`protect_levels`): every district level of a kommune is
a set of sums of the same grunnkretser, so the attacker of `disclosure.exposed_across_levels`
differences them; a cell it pins gets the cheapest visible cell beside it inside a cell that
contains it (else one sharing grunnkretser with it) hidden as well. Denominators stay
published: they are the population, and the attacker already counts them as bounds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from utfordringsbilde import disclosure
from utfordringsbilde.config import Suppression
from utfordringsbilde.vocab import Flag

HIDDEN_COLUMNS = ("value", "numerator", "ci_low", "ci_high")


def primary(frame: pd.DataFrame, rules: Mapping[str, Suppression]) -> pd.Series:
    """Boolean mask of cells that primary suppression hides (needs numerator, denominator)."""
    default = Suppression()
    ids = frame["indicator_id"].astype("category")
    # Limits per indicator, looked up once per category rather than once per row.
    limits = pd.DataFrame(
        [
            (r.min_numerator, r.min_complement, r.min_denominator)
            for r in (rules.get(i, default) for i in ids.cat.categories)
        ],
        columns=["num", "comp", "den"],
        dtype=float,
    )
    codes = ids.cat.codes.to_numpy()
    min_num = limits["num"].to_numpy()[codes]
    min_comp = limits["comp"].to_numpy()[codes]
    min_den = limits["den"].to_numpy()[codes]
    num = frame["numerator"].to_numpy(dtype=float)
    den = frame["denominator"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        small = (num <= min_num) | ((den - num) <= min_comp) | (den < min_den)
    counted = ~np.isnan(num) & ~np.isnan(den)
    return pd.Series(counted & small, index=frame.index)


def _single_hidden(frame: pd.DataFrame, hidden: pd.Series, keys: list[str]) -> pd.Series:
    """Cells to hide so no group under `keys` has exactly one hidden, countable member."""
    countable = frame["numerator"].notna() | hidden
    work = pd.DataFrame(
        {
            "hidden": hidden & countable,
            "visible": ~hidden & countable,
            "num": frame["numerator"].astype(float).where(~hidden),
        }
    )
    for k in keys:
        work[k] = frame[k]
    grp = work.groupby(keys, sort=False, dropna=False, observed=True)
    n_hidden = grp["hidden"].transform("sum")
    n_visible = grp["visible"].transform("sum")
    exposed = (n_hidden == 1) & (n_visible > 0)
    # Hide the smallest visible member of each exposed group: it protects the hidden one
    # while losing the least information.
    candidates = work["visible"] & exposed
    if not candidates.any():
        return pd.Series(False, index=frame.index)
    smallest = (
        work[candidates]
        .assign(_num=work.loc[candidates, "num"].fillna(np.inf))
        .sort_values("_num", kind="stable")
        .groupby(keys, sort=False, dropna=False, observed=True)
        .head(1)
        .index
    )
    extra = pd.Series(False, index=frame.index)
    extra.loc[smallest] = True
    return extra


def secondary(
    frame: pd.DataFrame, hidden: pd.Series, totals: list[list[str]], max_rounds: int = 20
) -> pd.Series:
    """Grow `hidden` until no total under any key list in `totals` exposes a single cell."""
    hidden = hidden.copy()
    for _ in range(max_rounds):
        before = int(hidden.sum())
        for keys in totals:
            hidden |= _single_hidden(frame, hidden, keys)
        if int(hidden.sum()) == before:
            return hidden
    return hidden


def protect(
    frame: pd.DataFrame,
    hidden: pd.Series,
    totals: pd.DataFrame | None = None,
    since: np.ndarray | None = None,
) -> pd.Series:
    """Grow `hidden` until the attacker narrows no hidden count to a single value.

    `frame` has area_code, _parent, disclosure.KEY, numerator and denominator; `totals` the
    published parent totals (see `disclosure.equations`). A group whose cells are all hidden
    and still determined (a kommune total of 0) cannot be helped here and stays as it is.
    With `since` (a mask of cells hidden since the last safe pass), only groups holding one
    are checked: hiding a cell changes no other group's problem.
    """
    f = frame.reset_index(drop=True)
    mask = hidden.to_numpy(dtype=bool).copy()
    num = f["numerator"].to_numpy(dtype=float)
    den = f["denominator"].to_numpy(dtype=float)
    given = disclosure.given_totals(totals)
    # Cheapest first: the smallest count loses the least, as the secondary rule does.
    cost = np.lexsort(
        (np.arange(len(f)), np.nan_to_num(den, nan=np.inf), np.nan_to_num(num, nan=np.inf))
    )
    rank = np.empty(len(f), dtype=int)
    rank[cost] = np.arange(len(f))
    fresh = mask if since is None else np.asarray(since, dtype=bool)
    for chunk in disclosure.chunks(f, fresh):
        eqs = disclosure.equations(f.iloc[chunk], given)
        _protect_chunk(chunk, disclosure.Flat.of(eqs), mask, fresh, num, den, rank)
    return pd.Series(mask, index=hidden.index)


def _protect_chunk(
    chunk: np.ndarray,
    flat: disclosure.Flat,
    mask: np.ndarray,
    fresh: np.ndarray,
    num: np.ndarray,
    den: np.ndarray,
    rank: np.ndarray,
) -> None:
    """`protect` for one chunk's equations (`flat`, over positions in `chunk`), in `mask`.

    Each group of tied rows is on its own: while the attacker pins a cell of it, the cheapest
    visible cell sharing an equation with its first pinned cell is hidden (else the group's
    cheapest). Groups share no equation, so every group still in play is attacked in one go.
    """
    n = len(chunk)
    ties = _Ties(flat)
    labels = disclosure.components(n, flat)
    active = np.zeros(labels.max() + 1 if n else 0, dtype=bool)
    active[labels[fresh[chunk]]] = True
    lens = np.diff(flat.ptr)
    eq_label = labels[flat.cells[flat.ptr[:-1][lens > 0]]]
    flat = flat.select(lens > 0)
    while active.any():
        sel = np.flatnonzero(active[labels])
        new = np.full(n, -1, dtype=np.int64)
        new[sel] = np.arange(len(sel))
        rows = chunk[sel]
        table = disclosure.Table(
            known=np.where(mask[rows], np.nan, num[rows]),
            upper=den[rows],
            equations=flat.select(active[eq_label]).renumber(new),
        )
        hit = sel[disclosure.determined(table, truth=num[rows])]
        active[:] = False
        # The first pinned cell of each group, as one group alone would be answered.
        _, first = np.unique(labels[hit], return_index=True)
        for t in hit[first].tolist():
            tied = chunk[ties.of(t)]
            near = tied[~mask[tied] & ~np.isnan(num[tied])]
            if not len(near):
                group = chunk[labels == labels[t]]
                near = group[~mask[group] & ~np.isnan(num[group])]
            if len(near):
                mask[near[np.argmin(rank[near])]] = True
                active[labels[t]] = True


class _Ties:
    """Which cells share an equation with a given cell (positions in a chunk)."""

    def __init__(self, flat: disclosure.Flat) -> None:
        self.flat = flat
        self.order = np.argsort(flat.cells, kind="stable")
        self.sorted = flat.cells[self.order]
        self.eq = flat.rows[self.order]

    def of(self, cell: int) -> np.ndarray:
        """Every cell in an equation with `cell`, itself included."""
        lo, hi = np.searchsorted(self.sorted, [cell, cell + 1])
        ptr = self.flat.ptr
        parts = [self.flat.cells[ptr[e] : ptr[e + 1]] for e in self.eq[lo:hi].tolist()]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def protect_levels(
    frame: pd.DataFrame,
    hidden: pd.Series,
    members: pd.DataFrame,
    locked: pd.Series | None = None,
    since: np.ndarray | None = None,
) -> pd.Series:
    """Grow `hidden` until the attacker of every level at once pins no hidden count.

    `frame` has area_code, kommune_code, level, disclosure.KEY, numerator and denominator
    (rows of any level, the kommune's included); `members` is district_member. While a hidden
    cell is pinned (see `disclosure.exposed_across_levels`), the cheapest visible cell that
    shares grunnkretser with it is hidden too, else the cheapest in its group. `locked` rows
    (the kommune's published totals) are never hidden; with `since`, as in `protect`.
    Complements come from `_complements`.
    """
    f = frame.reset_index(drop=True)
    mask = hidden.to_numpy(dtype=bool).copy()
    stay = np.zeros(len(f), dtype=bool) if locked is None else locked.to_numpy(dtype=bool)
    num = f["numerator"].to_numpy(dtype=float)
    den = f["denominator"].to_numpy(dtype=float)
    unknown = np.isnan(num)
    hidable = ~stay & ~unknown
    fresh = mask if since is None else np.asarray(since, dtype=bool)
    for group in disclosure.level_groups(f, members):
        pos = group.positions()
        at = np.maximum(pos, 0)
        if not ((pos >= 0) & fresh[at]).any():
            continue
        n_g = len(group.grunnkrets)
        # Grunnkretser of every table cell: x_g is itself, an area cell its parts.
        cover = np.zeros((len(pos), n_g), dtype=bool)
        cover[np.arange(n_g), np.arange(n_g)] = True
        for i, part in enumerate(group.parts):
            cover[n_g + i, part] = True
        while True:
            cells = np.flatnonzero((pos >= 0) & mask[at])
            if not len(cells):
                break
            table = group.table(mask | unknown, num, den)
            # The true counts are a solution to start from where every grunnkrets has its row.
            truth = np.where(pos >= 0, num[at], np.nan)
            pinned = disclosure.determined(table, among=cells, truth=truth)
            if not len(pinned):
                break
            # One complement per pinned cell a round; a pinned cell that shares grunnkretser
            # with a cell hidden this round waits for the next solve, which may free it.
            touched = np.zeros(n_g, dtype=bool)
            added = False
            for t in pinned.tolist():
                if (cover[t] & touched).any():
                    continue
                ok = (pos >= 0) & hidable[at] & ~mask[at]
                near = _complements(cover, t, ok, (pos >= 0) & ~mask[at])
                if not len(near):
                    continue
                # Smallest count first, then the smallest denominator: it loses the least.
                pick = near[np.lexsort((den[at[near]], num[at[near]]))[0]]
                mask[at[pick]] = True
                touched |= cover[t] | cover[pick]
                added = True
            if not added:
                break
    return pd.Series(mask, index=hidden.index)


def _complements(cover: np.ndarray, t: int, ok: np.ndarray, visible: np.ndarray) -> np.ndarray:
    """Cells that can protect pinned cell `t` (rows of the grunnkrets incidence `cover`).

    First the other cells inside the smallest visible cell that contains `t` (its siblings:
    d1 = D1 − d2 is undone by hiding d2, while hiding D1 leaves D1 = kommune − D2), then any
    cell sharing grunnkretser with `t`, then any cell of the group; `ok` marks hidable cells.
    """
    size = cover.sum(axis=1)
    holds = visible & cover[:, cover[t]].all(axis=1)
    holds[t] = False
    for c in np.flatnonzero(holds)[np.argsort(size[holds], kind="stable")]:
        inside = ~(cover & ~cover[c]).any(axis=1)
        near = np.flatnonzero(ok & inside & (np.arange(len(cover)) != c))
        if len(near):
            return near
    near = np.flatnonzero(ok & (cover @ cover[t]))
    return near if len(near) else np.flatnonzero(ok)


def suppress(
    frame: pd.DataFrame,
    rules: Mapping[str, Suppression],
    parent: Mapping[str, str] | None = None,
    parent_column: str | None = None,
    totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Apply primary and secondary suppression to district-level observations.

    Each row's parent area (district → kommune, grunnkrets → district) comes from the mapping
    `parent` or from the column `parent_column`; `totals` holds the published parent totals
    where the frame's own counts cannot give them (see `disclosure.equations`). Hidden cells
    get flag ':' and lose value, numerator and interval; the denominator stays (it is the
    population, not the count).
    """
    out = frame.copy()
    if parent_column is not None:
        out["_parent"] = out[parent_column]
    elif parent is not None:
        out["_parent"] = out["area_code"].map(parent)
    else:
        raise ValueError("suppress needs `parent` or `parent_column`")
    # Group keys as categories: grouping millions of rows on text is the slow part.
    for key in ("indicator_id", "area_code", "_parent", "sex", "age_group"):
        out[key] = out[key].astype("category")
    already = out["flag"].eq(Flag.SUPPRESSED)
    hidden = primary(out, rules) | already
    by_parent = ["indicator_id", "_parent", "period_from", "period_to", "sex", "age_group"]
    by_sex = ["indicator_id", "area_code", "period_from", "period_to", "age_group"]
    # Treating all/male/female as one group hides the second sex when one is hidden, and a
    # sex when the total is hidden, so no row of the three follows from the other two.
    hidden = secondary(out, hidden, [by_parent, by_sex])
    hidden = protect(out, hidden, totals)
    result = frame.copy()
    result.loc[hidden.to_numpy(), "flag"] = Flag.SUPPRESSED
    for col in HIDDEN_COLUMNS:
        if col in result.columns:
            result.loc[hidden.to_numpy(), col] = np.nan
    return result
