"""The attacker: how far an outsider can narrow each hidden count from what is published.

A table is a set of cells (district × sex × period of one indicator and age group). What is
published: every visible count, every denominator (so 0 ≤ count ≤ denominator), and linear
equations among the counts: a parent's total is the sum of its areas (districts → kommune,
grunnkretser → district), 'all' = 'male' + 'female', and a period is the sum of the published
periods that tile it (2022–2024 = 2022 + 2023 + 2024). For a hidden cell the attacker minimises
and maximises its count over every whole-number solution (sdcTable's `attack`, with HiGHS,
the solver behind scipy's linprog). A cell is protected when that range holds two values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import duckdb
import highspy
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csr_matrix, hstack, identity
from scipy.sparse.csgraph import connected_components

# A published figure is a whole number of people; a solver's 3.0000001 is 3.
EPS = 1e-6
KEY = ["indicator_id", "period_from", "period_to", "sex", "age_group"]
SEXES = ("all", "male", "female")
CHUNK_ROWS = 5000
# (cells, coefficients, published right-hand side): sum(coef * count) == rhs
Equations = list[tuple[np.ndarray, np.ndarray, float]]


# Bounds above this are "no bound": an LP with every variable boxed is never unbounded, so
# the independent blocks of a table can share one solve.
BIG = 1e9


@dataclass
class Flat:
    """Equations as flat arrays: row r is sum(coefs[ptr[r]:ptr[r+1]] * x[cells[...]]) == rhs[r]."""

    ptr: np.ndarray
    cells: np.ndarray
    coefs: np.ndarray
    rhs: np.ndarray

    @classmethod
    def of(cls, eqs: Equations) -> Flat:
        """The flat form of an equation list."""
        if not eqs:
            z = np.zeros(0)
            return cls(np.zeros(1, dtype=np.int64), z.astype(np.int64), z, z)
        lens = np.fromiter((len(c) for c, _, _ in eqs), dtype=np.int64, count=len(eqs))
        cells = np.concatenate([np.asarray(c, dtype=np.int64) for c, _, _ in eqs])
        coefs = np.concatenate([np.asarray(a, dtype=float) for _, a, _ in eqs])
        rhs = np.fromiter((float(b) for _, _, b in eqs), dtype=float, count=len(eqs))
        return cls(np.concatenate([[0], np.cumsum(lens)]), cells, coefs, rhs)

    @property
    def rows(self) -> np.ndarray:
        """Equation number of every entry."""
        return np.repeat(np.arange(len(self.rhs)), np.diff(self.ptr))

    def select(self, keep: np.ndarray) -> Flat:
        """Only the equations where `keep` (one bool per equation) holds."""
        entry = keep[self.rows]
        lens = np.diff(self.ptr)[keep]
        return Flat(
            np.concatenate([[0], np.cumsum(lens)]),
            self.cells[entry],
            self.coefs[entry],
            self.rhs[keep],
        )

    def renumber(self, new: np.ndarray) -> Flat:
        """The same equations with cell c renamed new[c]."""
        return Flat(self.ptr, new[self.cells], self.coefs, self.rhs)


@dataclass
class Table:
    """One attacker problem: cells' counts (NaN when hidden), bounds and published equations."""

    known: np.ndarray  # count per cell, NaN when hidden
    upper: np.ndarray  # denominator per cell (the count's upper bound), inf when unknown
    equations: Equations | Flat = field(default_factory=list)

    def __post_init__(self) -> None:
        self.known = np.asarray(self.known, dtype=float)
        self.upper = np.where(np.isnan(self.upper), np.inf, np.asarray(self.upper, dtype=float))

    @property
    def hidden(self) -> np.ndarray:
        return np.flatnonzero(np.isnan(self.known))


@dataclass
class _System:
    """A table's equations over its hidden counts only: A x == rhs, 0 <= x <= upper."""

    a: csr_matrix
    rhs: np.ndarray
    upper: np.ndarray

    @classmethod
    def of(cls, table: Table, cells: np.ndarray) -> _System:
        """Visible counts moved to the right; equations without a hidden count dropped."""
        eqs = table.equations
        flat = eqs if isinstance(eqs, Flat) else Flat.of(eqs)
        n, m = len(cells), len(flat.rhs)
        col = np.full(len(table.known), -1, dtype=np.int64)
        col[cells] = np.arange(n)
        rows = flat.rows
        val = table.known[flat.cells]
        hid = np.isnan(val)
        moved = np.bincount(rows[~hid], weights=flat.coefs[~hid] * val[~hid], minlength=m)
        has = np.bincount(rows[hid], minlength=m) > 0
        renum = np.cumsum(has) - 1
        a = csr_matrix(
            (flat.coefs[hid], (renum[rows[hid]], col[flat.cells[hid]])), shape=(int(has.sum()), n)
        )
        upper = np.minimum(table.upper[cells], BIG)
        return cls(a, (flat.rhs - moved)[has], upper)

    def rows(self, keep: np.ndarray) -> _System:
        """Only the equations where `keep` holds."""
        return _System(self.a[keep], self.rhs[keep], self.upper)

    def holds(self, x: np.ndarray) -> bool:
        """Whether `x` is a whole-number solution."""
        return bool(
            np.all(np.abs(self.a @ x - self.rhs) < EPS)
            and np.all(x >= -EPS)
            and np.all(x <= self.upper + EPS)
            and np.all(np.abs(x - np.round(x)) < EPS)
        )


class _Problem:
    """A system as a HiGHS model whose objective changes between solves."""

    def __init__(self, system: _System) -> None:
        a = system.a.tocsc()
        n, m = a.shape[1], a.shape[0]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = system.upper.astype(float)
        lp.row_lower_ = lp.row_upper_ = system.rhs.astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.passModel(lp)
        self.n = n
        self.integer = False

    def solve(self, objective: np.ndarray) -> np.ndarray | None:
        """A whole-number solution minimising `objective`, or None when none exists."""
        h = self.highs
        idx = np.arange(self.n, dtype=np.int32)
        h.changeColsCost(self.n, idx, np.asarray(objective, dtype=float))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(h.getSolution().col_value, dtype=float)
        if not self.integer and np.abs(x - np.round(x)).max(initial=0.0) > EPS:
            # Sums over areas and sexes give whole-number vertices; other equations may not,
            # and then only an integer program answers what whole counts are possible.
            self.integer = True
            h.changeColsIntegrality(self.n, idx, np.full(self.n, highspy.HighsVarType.kInteger))
            return self.solve(objective)
        return np.round(x) if self.integer else x


def ranges(table: Table) -> tuple[np.ndarray, np.ndarray]:
    """Attacker's lowest and highest feasible count for each hidden cell (order of `hidden`)."""
    system = _System.of(table, table.hidden)
    p = _Problem(system)
    n = p.n
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    for i in range(n):
        e = np.zeros(n)
        e[i] = 1.0
        lo, hi = p.solve(e), p.solve(-e)
        low[i] = lo[i] if lo is not None else np.nan
        high[i] = hi[i] if hi is not None and hi[i] < BIG - 1 else np.inf
    return low, high


def determined(
    table: Table, among: np.ndarray | None = None, truth: np.ndarray | None = None
) -> np.ndarray:
    """Hidden cells (indices into the table) whose count the attacker narrows to one value.

    Same answer as `ranges` with high - low < 1, found with fewer solves. A cell whose
    denominator is 0 holds nobody: its 0 is no one's secret and is not reported. With `among`
    (table indices), only those cells are checked and reported; the other hidden cells are
    unknowns that are no one's published secret (a grunnkrets count never shown). `truth`
    (every cell's real count, known to the defender) is one solution to start from. When the
    published figures contradict each other, the attacker fails closed: see `_inconsistent`.
    """
    cells = table.hidden
    if not len(cells):
        return cells
    report = table.upper[cells] > 0
    if among is not None:
        report &= np.isin(cells, among)
    if not report.any():
        return cells[:0]
    system = _System.of(table, cells)
    witness = None if truth is None else np.asarray(truth, dtype=float)[cells]
    return cells[_attack(system, report, witness)]


def _attack(system: _System, report: np.ndarray, witness: np.ndarray | None) -> np.ndarray:
    """Mask of reported cells narrowed to one value (see `determined`)."""
    a = system.a
    n = a.shape[1]
    pinned = np.zeros(n, dtype=bool)
    # An equation with one hidden count fixes it: no solve needed, and true in every
    # consistent subset of the equations that holds it.
    per_row = np.diff(a.indptr)
    single = a.indices[a.indptr[:-1][per_row == 1]]
    pinned[single] = True
    if witness is not None and not system.holds(witness):
        witness = None
    narrow = _narrow(system, report & ~pinned, witness)
    if narrow is None:
        return report & (pinned | _inconsistent(system, report))
    return report & (pinned | narrow)


def _blocks(a: csr_matrix) -> np.ndarray:
    """Label per hidden count: counts tied by a chain of equations share one."""
    m, n = a.shape
    if m == 0:
        return np.arange(n)
    coo = a.tocoo()
    graph = coo_matrix((np.ones(len(coo.row)), (coo.col, n + coo.row)), shape=(n + m, n + m))
    return connected_components(graph, directed=False)[1][:n]


def _narrow(system: _System, todo: np.ndarray, witness: np.ndarray | None) -> np.ndarray | None:
    """Mask of `todo` cells whose range is under one, or None when no solution exists.

    Every solution seen widens every cell's observed range; only cells still narrow get their
    own solves, and those of independent blocks share each solve (one cell per block).
    """
    n = system.a.shape[1]
    out = np.zeros(n, dtype=bool)
    seen_lo, seen_hi = np.full(n, np.inf), np.full(n, -np.inf)

    def see(x: np.ndarray | None) -> None:
        if x is not None:
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)

    proven = np.zeros(n, dtype=bool)

    def narrow() -> np.ndarray:
        return np.flatnonzero((seen_hi - seen_lo < 1 - EPS) & todo & ~proven)

    # Random weights reach different corners of the solution set; fixed seed, same answer.
    rng = np.random.default_rng(n)
    weights = rng.uniform(0.5, 1.5, n)
    if witness is not None:
        base = witness
        see(base)
        proven = _swappable(system, base)
        if not len(narrow()):
            return out
    p = _Problem(system)
    if witness is None:
        first = p.solve(weights)
        if first is None:
            return None
        base = first
        see(first)
        proven = _swappable(system, first)
    see(p.solve(-weights))
    for _ in range(4):
        todo_now = narrow()
        if not len(todo_now):
            return out
        # The still-narrow cells pushed apart, some up and some down: where they share a
        # fixed total, pushing all of them one way moves none.
        w = 0.01 * weights
        w[todo_now] = weights[todo_now] * rng.choice([-1.0, 1.0], len(todo_now))
        see(p.solve(w))
        see(p.solve(-w))
        if len(narrow()) == len(todo_now):
            break
    labels = _blocks(system.a)
    decided = np.zeros(n, dtype=bool)
    while True:
        left = narrow()
        left = left[~decided[left]]
        if not len(left):
            return out
        # The first undecided cell of each block: blocks share no equation, so minimising
        # (maximising) their sum minimises (maximises) each.
        _, first_of = np.unique(labels[left], return_index=True)
        pick = left[first_of]
        e = np.zeros(n)
        e[pick] = 1.0
        see(p.solve(-e))
        still = pick[seen_hi[pick] - seen_lo[pick] < 1 - EPS]
        if len(still):
            e = np.zeros(n)
            e[still] = 1.0
            see(p.solve(e))
            out[still[seen_hi[still] - seen_lo[still] < 1 - EPS]] = True
        decided[pick] = True


def _inconsistent(system: _System, report: np.ndarray) -> np.ndarray:
    """Cells pinned when the published figures contradict each other (no solution).

    The attacker then trusts any consistent part: each equation alone, and every equation
    that a least-violation fit (minimal total slack) satisfies, attacked together.
    """
    a, rhs, upper = system.a, system.rhs, system.upper
    m, n = a.shape
    pinned = np.zeros(n, dtype=bool)
    for r in range(m):
        idx = a.indices[a.indptr[r] : a.indptr[r + 1]]
        coef = a.data[a.indptr[r] : a.indptr[r + 1]]
        lo_term = np.minimum(0.0, coef * upper[idx])
        hi_term = np.maximum(0.0, coef * upper[idx])
        for k, (j, c) in enumerate(zip(idx.tolist(), coef.tolist(), strict=True)):
            rest_lo = lo_term.sum() - lo_term[k]
            rest_hi = hi_term.sum() - hi_term[k]
            ends = sorted(((rhs[r] - rest_hi) / c, (rhs[r] - rest_lo) / c))
            low, high = max(ends[0], 0.0), min(ends[1], upper[j])
            # An empty range says the equation is wrong, not what the count is.
            if -EPS <= high - low < 1 - EPS:
                pinned[j] = True
    # Least violation: min sum(s+ + s-) with A x + s+ - s- == rhs.
    eye = identity(m, format="csr")
    fit = _System(
        hstack([a, eye, -eye], format="csr"), rhs, np.concatenate([upper, np.full(2 * m, BIG)])
    )
    p = _Problem(fit)
    x = p.solve(np.concatenate([np.zeros(n), np.ones(2 * m)]))
    if x is None:
        return pinned | report
    slack = x[n : n + m] + x[n + m :]
    keep = slack < EPS
    if keep.any():
        sub = system.rows(keep)
        narrow = _narrow(sub, report & ~pinned, x[:n])
        if narrow is not None:
            pinned |= narrow
    return pinned


def _swappable(system: _System, base: np.ndarray) -> np.ndarray:
    """Hidden cells proven free by moving one person, in the whole-number solution `base`,
    between them and a twin: a hidden cell in exactly the same equations with the same signs.
    """
    a = system.a.tocsc()
    n = a.shape[1]
    free = np.zeros(n, dtype=bool)
    twins: dict[tuple[bytes, bytes], list[int]] = {}
    for j in range(n):
        s, e = a.indptr[j], a.indptr[j + 1]
        if s == e:
            continue  # in no equation: its own bounds are its range
        key = (a.indices[s:e].tobytes(), a.data[s:e].tobytes())
        twins.setdefault(key, []).append(j)
    upper = system.upper
    free[np.diff(a.indptr) == 0] = upper[np.diff(a.indptr) == 0] >= 1
    for group in twins.values():
        if len(group) < 2:
            continue
        g = np.asarray(group)
        up, down = base[g] <= upper[g] - 1, base[g] >= 1
        n_up, n_down = up.sum(), down.sum()
        free[g] = (up & (n_down - down > 0)) | (down & (n_up - up > 0))
    return free


# ------------------------------------------------------------------- tables from observations


def _tilings(periods: list[tuple[int, int]]) -> Iterator[tuple[int, list[int]]]:
    """(period, parts): a published period and disjoint published periods that cover it exactly."""
    by_start: dict[int, list[int]] = {}
    for i, (a, _) in enumerate(periods):
        by_start.setdefault(a, []).append(i)
    for i, (a, b) in enumerate(periods):
        if a == b:
            continue
        # Depth-first over chains of periods starting where the last one ended.
        stack: list[tuple[int, list[int]]] = [(a, [])]
        while stack:
            start, parts = stack.pop()
            if start == b + 1:
                yield i, parts
                break  # one tiling per period is enough to tie it to its parts
            for j in by_start.get(start, []):
                if j != i and periods[j][1] <= b:
                    stack.append((periods[j][1] + 1, [*parts, j]))


def given_totals(totals: pd.DataFrame | None) -> dict[tuple[object, ...], float]:
    """Published parent totals by (area_code, *KEY), from rows with area_code, KEY, numerator."""
    if totals is None:
        return {}
    rows = totals.loc[totals["numerator"].notna(), ["area_code", *KEY, "numerator"]]
    return {tuple(r[:-1]): float(r[-1]) for r in rows.itertuples(index=False)}


def equations(
    frame: pd.DataFrame, given: Mapping[tuple[object, ...], float] | None = None
) -> Equations:
    """Every equation an attacker can write over the frame's rows (positions), with its total.

    `frame` has area_code, _parent, KEY columns and numerator. A parent's total is its row in
    `frame` when there is one, else the sum of its areas' counts when all are known (the worst
    case: a published total is exactly that sum), else `given` (see `given_totals`).
    """
    f = frame.reset_index(drop=True)
    pos = pd.Series(np.arange(len(f)), index=pd.MultiIndex.from_frame(f[["area_code", *KEY]]))
    given = given or {}
    out: Equations = []
    num = f["numerator"].to_numpy(dtype=float)
    groups = f.groupby(["_parent", *KEY], sort=False, dropna=False, observed=True).indices
    for key, idx in groups.items():
        if pd.isna(key[0]):
            continue  # a top-level row: its own parent's sum is not part of this table
        members = np.asarray(idx)
        pkey = tuple(key)
        parent = pos.get(pkey, None) if pkey in pos.index else None
        if parent is not None:
            cells = np.append(members, int(parent))
            out.append((cells, np.append(np.ones(len(members)), -1.0), 0.0))
        elif not np.isnan(num[members]).any():
            # The worst case: the published total is exactly the areas' sum.
            out.append((members, np.ones(len(members)), float(num[members].sum())))
        elif pkey in given:
            out.append((members, np.ones(len(members)), given[pkey]))
    sex = f["sex"].astype(str).to_numpy()
    cell = ["area_code", "indicator_id", "period_from", "period_to", "age_group"]
    for idx in f.groupby(cell, sort=False, dropna=False, observed=True).indices.values():
        sexes = dict(zip(sex[idx].tolist(), idx.tolist(), strict=True))
        if all(s in sexes for s in SEXES):
            out.append((np.asarray([sexes[s] for s in SEXES]), np.asarray([1.0, -1.0, -1.0]), 0.0))
    start = f["period_from"].to_numpy(dtype=int)
    end = f["period_to"].to_numpy(dtype=int)
    series = ["area_code", "indicator_id", "sex", "age_group"]
    for rows in f.groupby(series, sort=False, dropna=False, observed=True).indices.values():
        if len(rows) < 2 or (start[rows] == end[rows]).all():
            continue
        periods = list(zip(start[rows].tolist(), end[rows].tolist(), strict=True))
        for whole, parts in _tilings(periods):
            cells = np.append(rows[parts], rows[whole])
            out.append((cells, np.append(np.ones(len(parts)), -1.0), 0.0))
    return out


def components(n: int, eqs: Equations | Flat) -> np.ndarray:
    """Label per row: rows tied by any chain of equations share a label."""
    flat = eqs if isinstance(eqs, Flat) else Flat.of(eqs)
    lens = np.diff(flat.ptr)
    src = np.repeat(flat.cells[flat.ptr[:-1][lens > 0]], lens[lens > 0])
    graph = coo_matrix((np.ones(len(src)), (src, flat.cells)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def groups(n: int, eqs: Equations) -> Iterator[tuple[np.ndarray, Equations]]:
    """(rows, equations over positions in rows) for each group of rows tied by equations."""
    labels = components(n, eqs)
    by_label: dict[int, Equations] = {}
    for e in eqs:
        by_label.setdefault(int(labels[e[0][0]]), []).append(e)
    order = np.argsort(labels, kind="stable")
    for rows in np.split(order, np.flatnonzero(np.diff(labels[order])) + 1):
        # Stable order keeps each group's rows ascending, so a row's place is a search.
        eq = [
            (np.searchsorted(rows, c), a, b) for c, a, b in by_label.get(int(labels[rows[0]]), [])
        ]
        yield rows, eq


def chunks(frame: pd.DataFrame, hidden: np.ndarray) -> Iterator[np.ndarray]:
    """Positions of rows, whole chunks at a time: one indicator, age group and top area (a
    kommune with its districts and grunnkretser), for each chunk with a hidden row. No
    equation crosses chunks, so each batch of them can be solved on its own."""
    parent = frame["_parent"].astype(object)
    up = dict(zip(frame["area_code"].astype(object), parent, strict=True))
    root = parent.where(parent.notna(), frame["area_code"].astype(object))
    for _ in range(4):  # grunnkrets → district → kommune, and a little more
        above = root.map(up)
        step = above.notna() & above.ne(root)
        if not step.any():
            break
        root = root.where(~step, above)
    keys = pd.DataFrame(
        {"i": frame["indicator_id"].to_numpy(), "a": frame["age_group"].to_numpy(),
         "r": root.to_numpy()}
    )  # fmt: skip
    labels = keys.groupby(["i", "a", "r"], sort=False, dropna=False).ngroup().to_numpy()
    wanted = np.bincount(labels, weights=hidden.astype(float), minlength=labels.max() + 1) > 0
    order = np.argsort(labels, kind="stable")
    batch: list[np.ndarray] = []
    size = 0
    for rows in np.split(order, np.flatnonzero(np.diff(labels[order])) + 1):
        if len(rows) and wanted[labels[rows[0]]]:
            # Small chunks go together: a few thousand rows per pass spares pandas' overhead.
            batch.append(rows)
            size += len(rows)
            if size >= CHUNK_ROWS:
                yield np.concatenate(batch)
                batch, size = [], 0
    if batch:
        yield np.concatenate(batch)


def tables(
    frame: pd.DataFrame, hidden: np.ndarray, totals: pd.DataFrame | None = None
) -> Iterator[tuple[np.ndarray, Table]]:
    """(rows, Table) for each group of tied rows that has a hidden cell; rows are positions."""
    f = frame.reset_index(drop=True)
    num = f["numerator"].to_numpy(dtype=float)
    den = f["denominator"].to_numpy(dtype=float)
    given = given_totals(totals)
    for chunk in chunks(f, hidden):
        for rows, eq in groups(len(chunk), equations(f.iloc[chunk], given)):
            cells = chunk[rows]
            if hidden[cells].any():
                known = np.where(hidden[cells], np.nan, num[cells])
                yield cells, Table(known=known, upper=den[cells], equations=eq)


def exposed(obs: pd.DataFrame) -> pd.DataFrame:
    """Published rows with flag ':' whose count the attacker narrows to one value.

    `obs` is what pages and exports show: area_code, parent_code (for districts and
    grunnkretser; empty above), KEY, numerator (empty when hidden), denominator and flag.
    Rows without a count ('..', '.') take part as unknowns, so a missing district is not
    taken for zero.
    """
    rows = obs[obs["numerator"].notna() | obs["flag"].isin([":", "..", "."])]
    rows = rows.reset_index(drop=True).rename(columns={"parent_code": "_parent"})
    secret = rows["flag"].eq(":").to_numpy()
    unknown = rows["numerator"].isna().to_numpy()
    found: list[int] = []
    for cells, table in tables(rows, unknown):
        hit = cells[determined(table)]
        found.extend(int(c) for c in hit if secret[c])
    return rows.iloc[sorted(found)]


def published(con: duckdb.DuckDBPyConnection, levels: bool = False) -> pd.DataFrame:
    """Every kommune, district and grunnkrets row of a warehouse as pages and exports show it.

    Kommune rows are the totals of their districts here (parent_code empty), not parts of a
    larger table; export.export_table writes exactly these counts and denominators. With
    `levels`, the rows of every other district level (levekårssone, bydel, delområde) too,
    for `exposed_across_levels`; `exposed` reads one level at a time (`by_level`).
    """
    wanted = ("kommune", "grunnkrets", *(AREA_LEVELS if levels else AREA_LEVELS[:1]))
    return con.execute(
        f"""
        SELECT o.area_code, CASE WHEN a.level = 'kommune' THEN NULL ELSE a.parent_code END
                 AS parent_code, a.kommune_code,
               o.indicator_id, o.period_from, o.period_to, o.sex, o.age_group,
               o.numerator, o.denominator, o.flag, a.level
        FROM observation o JOIN area a USING (area_code)
        WHERE a.level IN {tuple(wanted)!r}
        """
    ).df()


def by_level(obs: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """`obs` of `published(levels=True)` split into what `exposed` can read: one district level
    with the kommune rows above it (grunnkretser go with the kommune's own districts)."""
    top = obs["level"].isin(["kommune", "district", "grunnkrets"])
    yield obs[top]
    for lv in AREA_LEVELS[1:]:
        part = obs[obs["level"].eq(lv)]
        if not part.empty:
            yield pd.concat([obs[obs["level"].eq("kommune")], part], ignore_index=True)


# ------------------------------------------------------------- every level at once


# Levels whose areas are sets of grunnkretser (district_member); the kommune is all of them.
AREA_LEVELS = ("district", "levekarssone", "bydel", "delomrade")
GROUP = ["kommune_code", *KEY]


@dataclass
class LevelGroup:
    """One kommune, indicator, period, sex and age group at every level at once.

    The attacker's unknowns are the grunnkrets counts x_g; each published area cell is the sum
    of its grunnkretser's x_g (`parts`), the kommune the sum of all of them. `rows` are the
    area cells' positions in the frame; `grunnkrets` the position of each x_g's own row, or
    -1 where no grunnkrets row is published.
    """

    rows: np.ndarray
    parts: list[np.ndarray]
    grunnkrets: np.ndarray

    def table(self, hidden: np.ndarray, num: np.ndarray, den: np.ndarray) -> Table:
        """The attacker's table: x_g first (table index g), then the area cells in `rows`."""
        n_g = len(self.grunnkrets)
        own = self.grunnkrets >= 0
        at = np.where(own, self.grunnkrets, 0)
        known_g = np.where(own & ~hidden[at], num[at], np.nan)
        upper_g = np.where(own, den[at], np.inf)
        known = np.concatenate([known_g, np.where(hidden[self.rows], np.nan, num[self.rows])])
        upper = np.concatenate([upper_g, den[self.rows]])
        eqs: Equations = [
            (np.append(part, n_g + i), np.append(np.ones(len(part)), -1.0), 0.0)
            for i, part in enumerate(self.parts)
        ]
        return Table(known=known, upper=upper, equations=eqs)

    def positions(self) -> np.ndarray:
        """Frame position of every table cell (x_g without a row: -1)."""
        return np.concatenate([self.grunnkrets, self.rows])


def level_groups(frame: pd.DataFrame, members: pd.DataFrame) -> Iterator[LevelGroup]:
    """Every (kommune, KEY) group of `frame` as a LevelGroup.

    `frame` has area_code, kommune_code, level, KEY, numerator and denominator, with rows of
    any level from kommune down to grunnkrets; `members` is district_member (area_code,
    grunnkrets_code). An area without members is left out: nothing ties it to the others.
    """
    f = frame.reset_index(drop=True)
    parts_of = members.groupby("area_code")["grunnkrets_code"].agg(list).to_dict()
    level = f["level"].astype(str).to_numpy()
    area = f["area_code"].astype(str).to_numpy()
    kommune = f["kommune_code"].astype(str).to_numpy()
    # Each kommune's grunnkretser: every member of its areas and every grunnkrets row.
    known_g: dict[str, set[str]] = {}
    for a, k, lv in zip(area, kommune, level, strict=True):
        if lv == "grunnkrets":
            known_g.setdefault(k, set()).add(a)
        elif lv in AREA_LEVELS:
            known_g.setdefault(k, set()).update(parts_of.get(a, ()))
    index = {k: {g: i for i, g in enumerate(sorted(gs))} for k, gs in known_g.items()}
    # Each area's grunnkretser as positions, once per area rather than once per row.
    part_at: dict[tuple[str, str], np.ndarray] = {}
    for a, k, lv in zip(area, kommune, level, strict=True):
        if lv in AREA_LEVELS and a in parts_of and (k, a) not in part_at:
            part_at[k, a] = np.asarray([index[k][g] for g in parts_of[a]], dtype=int)
    for idx in f.groupby(GROUP, sort=False, dropna=False, observed=True).indices.values():
        k = kommune[idx[0]]
        gi = index.get(k)
        if not gi:
            continue
        own = np.full(len(gi), -1, dtype=int)
        rows: list[int] = []
        parts: list[np.ndarray] = []
        for r in idx.tolist():
            lv = level[r]
            if lv == "grunnkrets":
                own[gi[area[r]]] = r
            elif lv == "kommune":
                rows.append(r)
                parts.append(np.arange(len(gi)))
            elif lv in AREA_LEVELS and area[r] in parts_of:
                rows.append(r)
                parts.append(part_at[k, area[r]])
        if rows or (own >= 0).any():
            yield LevelGroup(rows=np.asarray(rows, dtype=int), parts=parts, grunnkrets=own)


def exposed_across_levels(obs: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Published rows with flag ':' pinned by an attacker who combines every level.

    `obs` is `published` (area_code, kommune_code, level, KEY, numerator, denominator, flag);
    every area cell of one kommune, indicator, period, sex and age group is a sum of the
    same grunnkrets counts, so overlapping levels can be differenced (a hidden delområde
    inside a visible district whose other delområder are visible). Cells without a count
    ('..', '.') are unknowns, as in `exposed`.
    """
    rows = obs[obs["numerator"].notna() | obs["flag"].isin([":", "..", "."])]
    rows = rows.reset_index(drop=True)
    secret = rows["flag"].eq(":").to_numpy()
    unknown = rows["numerator"].isna().to_numpy()
    num = rows["numerator"].to_numpy(dtype=float)
    den = rows["denominator"].to_numpy(dtype=float)
    found: list[int] = []
    for group in level_groups(rows, members):
        pos = group.positions()
        at = np.flatnonzero((pos >= 0) & secret[np.maximum(pos, 0)])
        if not len(at):
            continue
        hit = determined(group.table(unknown, num, den), among=at)
        found.extend(int(c) for c in pos[hit])
    return rows.iloc[sorted(found)]


def members(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """district_member: area_code, grunnkrets_code."""
    return con.execute("SELECT area_code, grunnkrets_code FROM district_member").df()
