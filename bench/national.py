"""A national-scale warehouse for the benchmark: 357 kommuner down to grunnkrets, simulated.

Built through the real loader (`etl.load.build_warehouse`) so the file has exactly the
production schema, ordering and intervals. Magnitudes come from `data/demo.yaml`; the
geography is synthetic (realistic code shapes and sizes) because the product must not read
reference files at run time. Counts are drawn per grunnkrets and summed upwards, so every
level is consistent; only primary suppression is applied (the benchmark times reads).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from etl import demo
from etl.load import Builder, RunRecord, build_warehouse
from utfordringsbilde.config import (
    Catalog,
    Comparators,
    District,
    Districts,
    Fylke,
    Indicator,
    Kommune,
    Text,
    load_catalog,
)

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
TARGET = OUT / "national.duckdb"

FIRST_YEAR = 2010
LAST_YEAR = 2024

# Fylke number → (name, kommuner in it), the 2024 division: 357 kommuner in 15 fylker.
FYLKER: dict[str, tuple[str, int]] = {
    "03": ("Oslo", 1),
    "11": ("Rogaland", 23),
    "15": ("Møre og Romsdal", 27),
    "18": ("Nordland", 41),
    "31": ("Østfold", 12),
    "32": ("Akershus", 21),
    "33": ("Buskerud", 18),
    "34": ("Innlandet", 46),
    "39": ("Vestfold", 6),
    "40": ("Telemark", 17),
    "42": ("Agder", 25),
    "46": ("Vestland", 43),
    "50": ("Trøndelag", 38),
    "55": ("Troms", 21),
    "56": ("Finnmark", 18),
}
CHILDREN = 1_100_000  # children 0–17 in Norway
DISTRICTS = 1_500
GRUNNKRETSER = 14_000
KOMMUNER = 357
# Public levels at national scale: ~1 900 delområder in every kommune, levekårssoner in 66
# kommuner (25–52 each), bydeler in the four cities.
DELOMRADER = 1_900
LKS_KOMMUNER = 66
BYDEL_KOMMUNER = 4

Array = NDArray[np.float64]
Index = NDArray[np.int64]


@dataclass(frozen=True)
class Country:
    """Synthetic geography, ordered fylke → kommune → district → grunnkrets, so that each
    level's members are contiguous and sums upwards are a single `np.add.reduceat`."""

    kommuner: dict[str, Kommune]
    fylke_codes: list[str]
    kommune_codes: list[str]
    kommune_fylke: Index  # fylke row of each kommune
    district_codes: list[str]
    district_kommune: Index
    gk_codes: list[str]
    gk_district: Index
    gk_children: Array  # children 0–17 per grunnkrets in the last year
    kommune_growth: Array  # yearly growth per kommune
    # The public levels (levekårssoner, bydeler, delområder): kind → (codes, kommune row of
    # each, the grunnkrets rows of each area). Each is a partition of some kommuner's
    # grunnkretser, different from the own districts', so figures do not nest across levels.
    public: dict[str, tuple[list[str], list[int], list[Index]]] = field(default_factory=dict)


def _starts(owner: Index, n: int) -> Index:
    """First member row of each of `n` owners (every owner has at least one member)."""
    return np.searchsorted(owner, np.arange(n)).astype(np.int64)


def country(seed: int = 1, kommuner_wanted: int | None = None) -> Country:
    """357 kommuner with ~1 500 districts and ~14 000 grunnkretser, sized like Norway; with
    `kommuner_wanted`, about that many (at least one per fylke), everything scaled down."""
    rng = np.random.default_rng([seed, zlib.crc32(b"country")])
    fylke_codes = list(FYLKER)
    k_codes: list[str] = []
    k_fylke: list[int] = []
    scale = min(1.0, (kommuner_wanted or KOMMUNER) / KOMMUNER)
    for f, (prefix, (_name, n_all)) in enumerate(FYLKER.items()):
        n = max(1, round(n_all * scale))
        # Real kommune numbers are the fylke number and two digits; odd numbers look the part.
        k_codes += [f"{prefix}{2 * i + 1:02d}" for i in range(n)]
        k_fylke += [f] * n
    n_k = len(k_codes)
    scale = n_k / KOMMUNER
    # Kommune sizes are very skewed: a few cities, many small rural kommuner.
    size = np.exp(rng.normal(7.0, 1.1, n_k))
    if "0301" in k_codes:
        size[k_codes.index("0301")] = size.max() * 4
    children = size / size.sum() * CHILDREN * scale
    # Bigger kommuner get more districts and grunnkretser (roughly as in SSB's division).
    n_d = np.maximum(2, np.rint(children**0.45 / 2.2)).astype(int)
    n_d = np.maximum(2, np.rint(n_d * DISTRICTS * scale / n_d.sum())).astype(int)
    n_gk = np.maximum(n_d, np.rint(children**0.6)).astype(int)
    n_gk = np.maximum(n_d, np.rint(n_gk * GRUNNKRETSER * scale / n_gk.sum())).astype(int)

    d_codes: list[str] = []
    d_kommune: list[int] = []
    gk_codes: list[str] = []
    gk_district: list[int] = []
    gk_children: list[Array] = []
    kommuner: dict[str, Kommune] = {}
    for k, code in enumerate(k_codes):
        # Every district gets at least one grunnkrets; the rest fall where they fall.
        per_d = 1 + rng.multinomial(n_gk[k] - n_d[k], np.full(n_d[k], 1 / n_d[k]))
        weights = np.exp(rng.normal(0, 0.8, n_gk[k]))
        gk_children.append(children[k] * weights / weights.sum())
        items = []
        g = 0
        for d in range(n_d[k]):
            gks = [f"{code}{g + j + 1:04d}" for j in range(per_d[d])]
            g += per_d[d]
            d_code = f"{code}-D{d + 1:02d}"
            items.append(District(code=d_code, name=f"Distrikt {d + 1}", grunnkretser=gks))
            gk_district += [len(d_codes)] * len(gks)
            gk_codes += gks
            d_codes.append(d_code)
            d_kommune.append(k)
        f_code = fylke_codes[k_fylke[k]]
        kommuner[code] = Kommune(
            code=code,
            name=f"Kommune {code}",
            fylke=Fylke(code=f_code, name=FYLKER[f_code][0]),
            comparators=Comparators(),
            districts=Districts(level_name=Text({"nb": "Distrikt"}), demo_codes=True, items=items),
        )
    gk_kommune = np.repeat(np.arange(n_k), n_gk)
    return Country(
        public=_public_levels(k_codes, gk_kommune, children, scale),
        kommuner=kommuner,
        fylke_codes=fylke_codes,
        kommune_codes=k_codes,
        kommune_fylke=np.array(k_fylke, dtype=np.int64),
        district_codes=d_codes,
        district_kommune=np.array(d_kommune, dtype=np.int64),
        gk_codes=gk_codes,
        gk_district=np.array(gk_district, dtype=np.int64),
        gk_children=np.concatenate(gk_children),
        kommune_growth=rng.normal(0.0, 0.008, n_k),
    )


def _public_levels(
    k_codes: list[str], gk_kommune: Index, children: Array, scale: float
) -> dict[str, tuple[list[str], list[int], list[Index]]]:
    """Delområder in every kommune, levekårssoner in the larger ones, bydeler in the largest:
    each a run of consecutive grunnkretser, cut at other places than the own districts."""
    order = np.argsort(-children)
    n_k = len(k_codes)
    lks = set(order[: max(1, round(LKS_KOMMUNER * scale))].tolist())
    bydel = set(order[: max(1, round(BYDEL_KOMMUNER * scale))].tolist())
    starts = np.searchsorted(gk_kommune, np.arange(n_k + 1))
    per_do = len(gk_kommune) / (DELOMRADER * scale)
    out: dict[str, tuple[list[str], list[int], list[Index]]] = {
        "levekarssone": ([], [], []),
        "bydel": ([], [], []),
        "delomrade": ([], [], []),
    }
    for k, code in enumerate(k_codes):
        rows = np.arange(starts[k], starts[k + 1])
        wanted = {"delomrade": max(1, round(len(rows) / per_do))}
        if k in lks:
            wanted["levekarssone"] = min(len(rows), 25 + k % 28)
        if k in bydel:
            wanted["bydel"] = min(len(rows), 10)
        for kind, n in wanted.items():
            codes, owners, members = out[kind]
            for i, part in enumerate(np.array_split(rows, n)):
                local = {
                    "delomrade": f"{code}{i + 1:02d}",
                    "levekarssone": f"{code}{i // 9 + 1:02d}{i % 9 + 1:04d}",
                    "bydel": f"B{code}{i + 1:02d}",
                }[kind]
                codes.append(local)
                owners.append(k)
                members.append(part.astype(np.int64))
    return {kind: v for kind, v in out.items() if v[0]}


def public_areas(c: Country) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Area rows and district_member rows of the public levels."""
    areas, members = [], []
    for kind, (codes, owners, parts) in c.public.items():
        for code, k, part in zip(codes, owners, parts, strict=True):
            kommune = c.kommune_codes[k]
            areas.append((code, f"{kind} {code}", kind, kommune, kommune, True))
            members += [(code, c.gk_codes[g]) for g in part]
    area_frame = pd.DataFrame(
        areas,
        columns=["area_code", "name", "level", "parent_code", "kommune_code", "demo_code"],
    )
    return area_frame, pd.DataFrame(members, columns=["area_code", "grunnkrets_code"])


def _public_rows(
    ind: Indicator,
    spec: demo.IndicatorSpec,
    c: Country,
    g_lin: Array,
    g_pop: Array,
    counted: tuple[Array, Array] | None,
    rng: np.random.Generator,
) -> list[tuple[str, list[str], Array, Array]]:
    """Every public level's (kind, codes, numerator or value, denominator): counts summed from
    the grunnkretser, other values drawn around the mean of their grunnkretser's levels."""
    out = []
    for kind, (codes, _owners, parts) in c.public.items():
        if counted is not None:
            num, den = counted
            a = np.stack([num[p].sum(axis=0) for p in parts])
            d = np.stack([den[p].sum(axis=0) for p in parts])
        else:
            lin = np.stack([g_lin[p].mean(axis=0) for p in parts])
            pop = np.rint(np.stack([g_pop[p].sum(axis=0) for p in parts]))
            cells = demo.periods(ind, spec, lin, pop, rng)
            a, d = _num_or_value(cells), cells.den
        out.append((kind, codes, a, d))
    return out


def _sum_up(a: Array, owner: Index, n: int) -> Array:
    """Rows of `a` summed per owner (rows are grouped by owner, in order)."""
    return np.add.reduceat(a, _starts(owner, n), axis=0)


def _levels(
    ind: Indicator,
    spec: demo.IndicatorSpec,
    c: Country,
    years: NDArray[np.int64],
    rng: np.random.Generator,
) -> tuple[Array, Array, Array]:
    """Link-scale levels per kommune, district and grunnkrets (rows) and year (columns)."""
    link = demo.link_for(ind)
    nat = link.forward(demo.national_series(spec, years))
    n_k, n_d, n_g, n_t = len(c.kommune_codes), len(c.district_codes), len(c.gk_codes), len(years)
    k_lin = (
        nat[None, :]
        + rng.normal(0.0, spec.area_sd, n_k)[:, None]
        + rng.normal(0.0, spec.year_sd, (n_k, n_t))
    )
    spread = np.hypot(spec.gradient, spec.district_sd)
    d_lin = k_lin[c.district_kommune] + rng.normal(0.0, spread, n_d)[:, None]
    g_lin = d_lin[c.gk_district] + rng.normal(0.0, spread / 2, n_g)[:, None]
    return k_lin, d_lin, g_lin


def indicator_frame(
    ind: Indicator,
    spec: demo.IndicatorSpec,
    c: Country,
    factor: float,
    source_updated: date,
    seed: int,
) -> pd.DataFrame:
    """All observations of one indicator, every level, in one frame."""
    rng = np.random.default_rng([seed, zlib.crc32(ind.id.encode())])
    window = ind.period_years
    years = np.arange(FIRST_YEAR - window + 1, LAST_YEAR + 1, dtype=np.int64)
    k_lin, d_lin, g_lin = _levels(ind, spec, c, years, rng)
    grow = np.exp(np.outer(c.kommune_growth, years - LAST_YEAR))
    n_k, n_d, n_f = len(c.kommune_codes), len(c.district_codes), len(c.fylke_codes)

    counted = demo.is_count(ind)
    g_children = c.gk_children[:, None] * grow[c.district_kommune][c.gk_district]
    levels: list[tuple[str, list[str], Array, Array]] = []
    if counted and ind.district_level:
        # Count from the grunnkretser up: every level is the exact sum of the one below.
        g = demo.periods(ind, spec, g_lin, np.rint(g_children * factor), rng)
        assert g.num is not None
        levels.append(("grunnkrets", c.gk_codes, g.num, g.den))
        levels += _public_rows(ind, spec, c, g_lin, g_children * factor, (g.num, g.den), rng)
        d_num, d_den = _sum_up(g.num, c.gk_district, n_d), _sum_up(g.den, c.gk_district, n_d)
        levels.append(("district", c.district_codes, d_num, d_den))
        k_a = _sum_up(d_num, c.district_kommune, n_k)
        k_den = _sum_up(d_den, c.district_kommune, n_k)
    elif ind.district_level:
        d_pop = np.rint(_sum_up(g_children, c.gk_district, n_d) * factor)
        levels += _public_rows(ind, spec, c, g_lin, g_children * factor, None, rng)
        cells = demo.periods(ind, spec, d_lin, d_pop, rng)
        levels.append(("district", c.district_codes, _num_or_value(cells), cells.den))
        k_den = _sum_up(cells.den, c.district_kommune, n_k)
        k_a = _sum_up(cells.value * cells.den, c.district_kommune, n_k) / np.maximum(k_den, 1.0)
    else:
        k_pop = _sum_up(_sum_up(g_children, c.gk_district, n_d), c.district_kommune, n_k)
        cells = demo.periods(ind, spec, k_lin, np.rint(k_pop * factor), rng)
        k_a, k_den = _num_or_value(cells), cells.den
    levels.append(("kommune", c.kommune_codes, k_a, k_den))
    # Fylke and landet: counts summed, values weighted by their denominators.
    f_den = _sum_up(k_den, c.kommune_fylke, n_f)
    l_den = f_den.sum(axis=0, keepdims=True)
    if counted:
        f_a = _sum_up(k_a, c.kommune_fylke, n_f)
        l_a = f_a.sum(axis=0, keepdims=True)
    else:
        f_a = _sum_up(k_a * k_den, c.kommune_fylke, n_f) / np.maximum(f_den, 1.0)
        l_a = (k_a * k_den).sum(axis=0, keepdims=True) / np.maximum(l_den, 1.0)
    levels += [("fylke", c.fylke_codes, f_a, f_den), ("land", ["0"], l_a, l_den)]

    period_to = np.arange(FIRST_YEAR, LAST_YEAR + 1, dtype=np.int64)
    frames = [_long(ind, level, codes, a, den, period_to) for level, codes, a, den in levels]
    frame = pd.concat(frames, ignore_index=True)
    if ind.source.sex_dimension:
        top = frame[frame["level"].isin(["kommune", "fylke", "land"])]
        frame = pd.concat([frame, demo.split_by_sex(ind, spec, top, rng)], ignore_index=True)
    _suppress_primary(ind, frame)
    if spec.start_year is not None:
        early = (frame["period_to"] < spec.start_year).to_numpy()
        frame.loc[early, "flag"] = ".."
        frame.loc[early, ["value", "numerator", "denominator"]] = np.nan
    if not counted or ind.unit == "count":
        frame["denominator"] = np.nan  # the source gives the value (or head count) only
    frame["indicator_id"] = ind.id
    frame["period_from"] = frame["period_to"] - window + 1
    frame["source"] = ind.source.provider
    frame["source_updated"] = pd.Timestamp(source_updated)
    return frame.drop(columns=["level"])


def _num_or_value(cells: demo.Cells) -> Array:
    """The numerator for counted indicators, else the value."""
    return cells.num if cells.num is not None else cells.value


def _long(
    ind: Indicator,
    level: str,
    codes: list[str],
    a: Array,
    den: Array,
    period_to: NDArray[np.int64],
) -> pd.DataFrame:
    """Areas × periods as rows; `a` is the numerator for counts, else the value."""
    n_a, n_t = den.shape
    frame = pd.DataFrame(
        {
            "area_code": np.repeat(np.asarray(codes, dtype=object), n_t),
            "level": level,
            "period_to": np.tile(period_to, n_a),
            "sex": "all",
            "denominator": den.ravel(),
        }
    )
    if demo.is_count(ind):
        frame["numerator"] = a.ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = frame["numerator"] / frame["denominator"]
        frame["value"] = frame["numerator"] if ind.unit == "count" else ratio * ind.multiplier
    else:
        frame["numerator"] = np.nan
        frame["value"] = np.round(a.ravel(), ind.decimals + 1)
    return frame


def _suppress_primary(ind: Indicator, frame: pd.DataFrame) -> None:
    """Flag small cells `:` and blank their value and numerator, in place."""
    lim = ind.suppression
    num = frame["numerator"].to_numpy()
    den = frame["denominator"].to_numpy()
    hide = den < lim.min_denominator
    if ind.unit == "count":
        hide[:] = False  # head counts are public down to grunnkrets
    elif demo.is_count(ind):
        hide |= (num <= lim.min_numerator) | (den - num <= lim.min_complement)
    frame["flag"] = pd.Series(hide, index=frame.index).map({True: ":", False: None})
    frame.loc[hide, ["value", "numerator"]] = np.nan


def build(
    target: Path = TARGET,
    *,
    seed: int = 1,
    runs_log: Path | None = None,
    catalog: Catalog | None = None,
    kommuner: int | None = None,
    public_levels: bool = True,
    secondary: bool = True,
) -> RunRecord:
    """Build the national warehouse at `target` with the production loader; `kommuner`: a
    smaller country of about that many; `public_levels`: levekårssoner, bydeler, delområder
    besides the own districts; `secondary=False`: primary suppression only (the loader's
    cross-level LP is slow at national scale; the page reads are what is timed)."""
    catalog = catalog or load_catalog()
    cfg = demo.load_config(demo.DEMO_CONFIG, catalog)
    c = country(seed, kommuner)
    if not public_levels:
        c = replace(c, public={})

    def produce(b: Builder) -> None:
        if c.public:
            areas, members = public_areas(c)
            b.add_areas(areas)
            b.add_members(members)
        for ind in b.catalog.indicators:
            spec = cfg.indicators.get(ind.id)
            if spec is None:
                b.mark_missing(ind.id, "no demo parameters in data/demo.yaml")
                continue
            updated = cfg.source_updated.get(ind.source.provider, date(2025, 3, 1))
            factor = cfg.bases[spec.basis] * spec.share
            b.add_observations(indicator_frame(ind, spec, c, factor, updated, seed))

    return build_warehouse(
        produce,
        mode="bench",
        source="bench",
        target=target,
        catalog=catalog,
        kommuner=c.kommuner,
        runs_log=runs_log or target.with_name("runs.jsonl"),
        meta={"seed": str(seed)},
        suppress=secondary,
    )
