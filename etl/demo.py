"""Demo data: a complete, seeded, simulated warehouse for every catalog indicator and kommune.

The magnitudes live in `data/demo.yaml` (validated here); the shapes follow the real sources:
counts roll up from districts to the kommune by summing, small cells are suppressed with `:`
(with secondary suppression so no hidden cell can be recovered by subtraction), series that
start late are `..`, and indicators with a sex dimension get male and female rows.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from numpy.typing import NDArray
from pydantic import Field, PositiveInt, field_validator, model_validator

from etl.load import Builder, RunRecord, build_warehouse
from utfordringsbilde.config import (
    Catalog,
    ConfigError,
    Indicator,
    Kommune,
    Provider,
    Strict,
    _line_of,
    load_catalog,
    load_kommuner,
    load_yaml_model,
)
from utfordringsbilde.districts import KINDS as DISTRICT_KINDS
from utfordringsbilde.districts import config_levels
from utfordringsbilde.paths import DATA_DIR
from utfordringsbilde.vocab import Flag

DEMO_CONFIG = DATA_DIR / "demo.yaml"

Array = NDArray[np.float64]


# --------------------------------------------------------------------------- configuration


class IndicatorSpec(Strict):
    """How to simulate one indicator; levels are in the indicator's unit, spreads in link units.

    The link is logit for percent, log for rates, counts and ratios, and the unit itself for
    scores and years, so a spread of 0.2 means about ±20 % relative for a rate.
    """

    basis: str = "children_0_17"
    share: float = Field(default=1.0, gt=0, le=1)
    national: dict[int, float] = Field(default_factory=dict)
    kommuner: dict[str, float] = Field(default_factory=dict)
    fylker: dict[str, float] = Field(default_factory=dict)
    gradient: float = 0.0
    district_sd: float = Field(default=0.08, ge=0)
    area_sd: float = Field(default=0.15, ge=0)
    year_sd: float = Field(default=0.03, ge=0)
    individual_sd: float = Field(default=0.0, ge=0)
    sex_difference: float = 0.0
    period_counts: Literal["pooled", "last"] = "pooled"
    start_year: int | None = None
    # The only district levels the source publishes (SSB 06944: delomrade); None: every level.
    district_levels: list[str] | None = None


class Populations(Strict):
    """Children 0–17 in the last year; other bases are multiples (`bases`)."""

    landet: int = Field(gt=0)
    fylker: dict[str, int] = Field(default_factory=dict)
    kommuner: dict[str, int] = Field(default_factory=dict)
    fylke_default: int = Field(gt=0)
    kommune_default: int = Field(gt=0)
    growth: float = 0.0
    growth_sd: float = Field(default=0.005, ge=0)


class DistrictSpec(Strict):
    """Districts by code or name: living-conditions profile (+ harder) and children 0–17."""

    profile: dict[str, float] = Field(default_factory=dict)
    children: dict[str, PositiveInt] = Field(default_factory=dict)
    size_sd: float = Field(default=0.35, ge=0)

    def lookup(
        self, table: dict[str, float] | dict[str, int], code: str, name: str
    ) -> float | None:
        """The entry for a district: by code (unambiguous), else by name."""
        value = table.get(code, table.get(name))
        return None if value is None else float(value)


class DemoConfig(Strict):
    """The whole `data/demo.yaml`."""

    first_year: int = Field(ge=1990, le=2100)
    last_year: int = Field(ge=1990, le=2100)
    source_updated: dict[Provider, date]
    bases: dict[str, float]
    populations: Populations
    districts: DistrictSpec = Field(default_factory=DistrictSpec)
    indicators: dict[str, IndicatorSpec]

    @field_validator("bases")
    @classmethod
    def _children_basis(cls, v: dict[str, float]) -> dict[str, float]:
        if "children_0_17" not in v:
            raise ValueError("must define children_0_17 (the populations are children 0–17)")
        bad = [k for k, f in v.items() if f <= 0]
        if bad:
            raise ValueError(f"factors must be positive: {', '.join(bad)}")
        return v

    @model_validator(mode="after")
    def _years(self) -> DemoConfig:
        if self.first_year >= self.last_year:
            raise ValueError("first_year must be before last_year")
        return self

    def references(self) -> list[tuple[tuple[int | str, ...], str]]:
        """Bases that indicators name must exist."""
        return [
            (("indicators", ind_id, "basis"), f"unknown basis {spec.basis!r}")
            for ind_id, spec in self.indicators.items()
            if spec.basis not in self.bases
        ]


def load_config(path: Path, catalog: Catalog) -> DemoConfig:
    """`data/demo.yaml`, validated by itself and against the catalog's units."""
    cfg = load_yaml_model(path, DemoConfig)
    problems: list[tuple[tuple[int | str, ...], str]] = []
    units = {ind.id: ind for ind in catalog.indicators}
    for ind_id, spec in cfg.indicators.items():
        ind = units.get(ind_id)
        if ind is None:
            continue  # not in the catalog: ignored, and reported as a note by the build
        if ind.unit != "count" and not spec.national:
            problems.append((("indicators", ind_id), "needs national: {year: level, ...}"))
        levels: list[tuple[str, int | str, float]] = [
            *(("national", k, v) for k, v in spec.national.items()),
            *(("kommuner", k, v) for k, v in spec.kommuner.items()),
            *(("fylker", k, v) for k, v in spec.fylker.items()),
        ]
        for group, key, value in levels:
            msg = _level_problem(ind, value)
            if msg:
                problems.append((("indicators", ind_id, group, key), msg))
    if problems:
        node = yaml.compose(path.read_text(encoding="utf-8"))
        raise ConfigError(
            path, [(_line_of(node, loc), ".".join(map(str, loc)), m) for loc, m in problems]
        )
    return cfg


def _level_problem(ind: Indicator, value: float) -> str | None:
    """Why `value` cannot be a level of `ind`, or None."""
    if ind.unit == "percent" and not 0 < value < 100:
        return f"{value} is not a percentage strictly between 0 and 100 (unit percent)"
    if ind.unit in ("per_1000", "per_10000", "count", "ratio") and value <= 0:
        return f"{value} must be positive (unit {ind.unit})"
    if ind.multiplier > 1 and ind.ci_method != "none" and value >= ind.multiplier:
        return f"{value} exceeds {ind.multiplier:g} (unit {ind.unit})"
    return None


# --------------------------------------------------------------------------- links


@dataclass(frozen=True)
class Link:
    """Maps a level in the indicator's unit to an unbounded scale and back."""

    forward: Callable[[Array], Array]
    inverse: Callable[[Array], Array]
    slope: Callable[[Array], Array]  # d inverse / d link


def _expit(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


LOGIT_PERCENT = Link(
    forward=lambda v: np.log(v / (100.0 - v)),
    inverse=lambda x: 100.0 * _expit(x),
    slope=lambda x: 100.0 * _expit(x) * (1.0 - _expit(x)),
)
LOG = Link(forward=np.log, inverse=np.exp, slope=np.exp)
IDENTITY = Link(
    forward=lambda v: np.asarray(v, dtype=float),
    inverse=lambda x: np.asarray(x, dtype=float),
    slope=lambda x: np.ones_like(x, dtype=float),
)


def link_for(ind: Indicator) -> Link:
    """Logit for shares, log for rates, counts and ratios, the unit itself for the rest."""
    if ind.unit == "percent":
        return LOGIT_PERCENT
    if ind.unit in ("per_1000", "per_10000", "count", "ratio"):
        return LOG
    return IDENTITY


def is_count(ind: Indicator) -> bool:
    """Counted indicators carry integer numerator and denominator; the rest only a value."""
    return ind.ci_method in ("wilson", "byar") or ind.unit == "count"


# --------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class Geography:
    """The simulated areas: stand-alone areas (landet, fylker, kommuner, peers) and districts."""

    codes: list[str]  # stand-alone areas
    levels: list[str]
    children: Array  # children 0–17 per stand-alone area, shape (areas, years)
    configured: dict[str, int]  # configured kommune code → row in `codes`
    district_codes: list[str]
    district_kommune: NDArray[np.int64]  # row in `codes` of each district's kommune
    district_share: Array  # share of the kommune's children living in the district
    profile: Array  # living-conditions profile per district (+ harder)
    years: NDArray[np.int64]
    # Grunnkretser: own district (row in district_codes) and share of that district's children.
    gk_district: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    gk_share: Array = field(default_factory=lambda: np.zeros(0))
    # Districts at the other levels (levekårssoner, delområder): code, kind, kommune, and which
    # grunnkretser each is made of (a 0/1 matrix, levels × grunnkretser).
    level_codes: list[str] = field(default_factory=list)
    level_kinds: list[str] = field(default_factory=list)
    level_kommune: list[str] = field(default_factory=list)
    level_members: Array = field(default_factory=lambda: np.zeros((0, 0)))

    def since(self, start: int) -> Geography:
        """The same areas with populations from `start` (one of `years`) onwards."""
        keep = self.years >= start
        return replace(self, children=self.children[:, keep], years=self.years[keep])


def _rng(seed: int, *keys: str) -> np.random.Generator:
    """A generator per purpose, so adding an indicator never changes another one's numbers."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def _grunnkretser(ordered: list[Kommune], seed: int) -> dict[str, Any]:
    """Geography's grunnkrets and other-level fields (see its attributes)."""
    # Each district's children spread over its grunnkretser (lognormal sizes), so that the
    # other district levels are sums of the same grunnkretser and add up to the kommune exactly.
    gk_codes: list[str] = []
    gk_district: list[int] = []
    gk_share: list[float] = []
    row = 0
    for k in ordered:
        grng = _rng(seed, "grunnkretser", k.code)
        for d in k.districts.items:
            sizes = np.exp(grng.normal(0, 0.5, len(d.grunnkretser)))
            gk_codes += d.grunnkretser
            gk_district += [row] * len(d.grunnkretser)
            gk_share += list(sizes / sizes.sum())
            row += 1
    gk_index = {g: i for i, g in enumerate(gk_codes)}
    l_codes: list[str] = []
    l_kinds: list[str] = []
    l_kommune: list[str] = []
    l_rows: list[list[int]] = []
    for k in ordered:
        for level in config_levels(k):
            if level.kind == "district":
                continue
            for dist in level.districts:
                members = [gk_index[g] for g in dist.grunnkretser if g in gk_index]
                if len(members) < len(dist.grunnkretser):
                    continue  # part of it lies outside the own districts: no whole sum
                l_codes.append(dist.code)
                l_kinds.append(level.kind)
                l_kommune.append(k.code)
                l_rows.append(members)
    matrix = np.zeros((len(l_codes), len(gk_codes)))
    for i, members in enumerate(l_rows):
        matrix[i, members] = 1.0
    return {
        "gk_district": np.array(gk_district, dtype=np.int64),
        "gk_share": np.array(gk_share, dtype=float),
        "level_codes": l_codes,
        "level_kinds": l_kinds,
        "level_kommune": l_kommune,
        "level_members": matrix,
    }


def geography(
    kommuner: dict[str, Kommune], cfg: DemoConfig, seed: int, years: NDArray[np.int64]
) -> Geography:
    """Areas with populations over `years`; districts sized from their grunnkretser."""
    pops = cfg.populations
    rng = _rng(seed, "geography")
    codes = ["0"]
    levels = ["land"]
    base = [float(pops.landet)]
    growth = [pops.growth]
    configured: dict[str, int] = {}
    ordered = sorted(kommuner.values(), key=lambda k: k.code)
    for k in ordered:
        if k.fylke.code not in codes:
            codes.append(k.fylke.code)
            levels.append("fylke")
            base.append(float(pops.fylker.get(k.fylke.code, pops.fylke_default)))
            growth.append(pops.growth + rng.normal(0, pops.growth_sd / 2))
    for k in ordered:
        configured[k.code] = len(codes)
        codes.append(k.code)
        levels.append("kommune")
        base.append(float(pops.kommuner.get(k.code, pops.kommune_default)))
        growth.append(pops.growth + rng.normal(0, pops.growth_sd))
    peers = sorted({p.code for k in ordered for p in k.comparators.peers} - set(kommuner))
    for code in peers:
        codes.append(code)
        levels.append("kommune")
        base.append(float(pops.kommuner.get(code, pops.kommune_default)))
        growth.append(pops.growth + rng.normal(0, pops.growth_sd))
    last = years.max()
    children = np.outer(base, np.ones(len(years))) * np.exp(
        np.outer(growth, years - last).astype(float)
    )

    d_codes: list[str] = []
    d_kommune: list[int] = []
    d_share: list[float] = []
    d_profile: list[float] = []
    spec = cfg.districts
    for k in ordered:
        krng = _rng(seed, "districts", k.code)
        items = k.districts.items
        total = float(pops.kommuner.get(k.code, pops.kommune_default))
        # Districts with a known size keep it; the others share the rest by their number of
        # grunnkretser, with some spread (grunnkretser differ in size too).
        given = np.array([spec.lookup(spec.children, d.code, d.name) or np.nan for d in items])
        known = np.isfinite(given)
        if given[known].sum() > total:
            given[known] *= total / given[known].sum()
        size = np.array([len(d.grunnkretser) for d in items], dtype=float)
        # A district listed without grunnkretser is sized like the kommune's average district.
        listed = size > 0
        size[~listed] = size[listed].mean() if listed.any() else 1.0
        size *= np.exp(krng.normal(0, spec.size_sd, len(items)))
        rest = max(total - given[known].sum(), 0.0)
        size[~known] *= rest / size[~known].sum() if (~known).any() else 0.0
        size[known] = given[known]
        drawn = krng.normal(0, 1, len(items))
        for d, s, z in zip(items, size / size.sum(), drawn, strict=True):
            d_codes.append(d.code)
            d_kommune.append(configured[k.code])
            d_share.append(float(s))
            profile = spec.lookup(spec.profile, d.code, d.name)
            d_profile.append(float(z) if profile is None else profile)
    gk_fields = _grunnkretser(ordered, seed)
    return Geography(
        **gk_fields,
        codes=codes,
        levels=levels,
        children=children,
        configured=configured,
        district_codes=d_codes,
        district_kommune=np.array(d_kommune, dtype=np.int64),
        district_share=np.array(d_share, dtype=float),
        profile=np.array(d_profile, dtype=float),
        years=years,
    )


# --------------------------------------------------------------------------- simulation


def national_series(spec: IndicatorSpec, years: NDArray[np.int64]) -> Array:
    """The national level per year: linear between the anchors, flat beyond them.

    Head counts have no anchors; a level of 1 per person keeps the arithmetic uniform.
    """
    if not spec.national:
        return np.ones(len(years))
    anchors = sorted(spec.national.items())
    xs = np.array([a[0] for a in anchors], dtype=float)
    ys = np.array([a[1] for a in anchors], dtype=float)
    return np.interp(years.astype(float), xs, ys)


def _shift_to(link: Link, lin: Array, weight: Array, target: Array) -> Array:
    """Per column, the shift c with Σ weight·inverse(lin + c) / Σ weight = target (Newton)."""
    w = weight / weight.sum(axis=0, keepdims=True)
    c = link.forward(target) - (w * lin).sum(axis=0)
    for _ in range(30):
        x = lin + c
        f = (w * link.inverse(x)).sum(axis=0) - target
        step = f / np.maximum((w * link.slope(x)).sum(axis=0), 1e-12)
        c = c - step
        if np.all(np.abs(step) < 1e-10):
            break
    return c


@dataclass
class Cells:
    """Simulated cells of one indicator: areas × period ends."""

    num: Array | None  # counts, or None for value-only indicators
    den: Array
    value: Array  # the level in the indicator's unit (value-only indicators)


def _draw(
    ind: Indicator,
    spec: IndicatorSpec,
    lin: Array,
    den: Array,
    rng: np.random.Generator,
) -> Cells:
    """Counts (binomial for shares, Poisson for rates) or values with sampling noise."""
    level = link_for(ind).inverse(lin)
    if ind.unit == "count":
        # A head count (e.g. children 0–17): the population itself, nothing to draw.
        return Cells(num=den.copy(), den=den, value=den.copy())
    if is_count(ind):
        p = level / ind.multiplier
        if ind.unit == "percent":
            num = rng.binomial(den.astype(np.int64), np.clip(p, 0.0, 1.0)).astype(float)
        else:
            num = np.minimum(rng.poisson(den * p), den).astype(float)
        return Cells(num=num, den=den, value=level)
    noise = spec.individual_sd / np.sqrt(np.maximum(den, 1.0))
    return Cells(num=None, den=den, value=level + rng.normal(0.0, 1.0, level.shape) * noise)


def _rolling_sum(a: Array, window: int) -> Array:
    """Sums over `window` consecutive columns; the result has window − 1 fewer columns."""
    c = np.cumsum(np.pad(a, ((0, 0), (1, 0))), axis=1)
    return c[:, window:] - c[:, :-window]


def periods(
    ind: Indicator,
    spec: IndicatorSpec,
    lin: Array,
    den: Array,
    rng: np.random.Generator,
) -> Cells:
    """Cells per period from annual levels and denominators.

    `pooled`: the years' counts are summed (FHI's 3-year averages of pupils or events).
    `last`: the period qualifies a status counted once, in its last year (persistent low
    income is low income averaged over three years, for the children living there now).
    """
    window = ind.period_years
    if window == 1:
        return _draw(ind, spec, lin, den, rng)
    if spec.period_counts == "last":
        return _draw(ind, spec, _rolling_sum(lin, window) / window, den[:, window - 1 :], rng)
    annual = _draw(ind, spec, lin, den, rng)
    w = np.maximum(annual.den, 1.0)
    return Cells(
        num=None if annual.num is None else _rolling_sum(annual.num, window),
        den=_rolling_sum(annual.den, window),
        value=_rolling_sum(annual.value * w, window) / _rolling_sum(w, window),
    )


def _denominators(pop: Array, share: float, rng: np.random.Generator) -> Array:
    """Whole numbers: the basis population, or a random share of it (e.g. respondents)."""
    if share >= 1:
        return pop
    return rng.binomial(pop.astype(np.int64), share).astype(float)


def simulate(
    ind: Indicator, spec: IndicatorSpec, geo: Geography, cfg: DemoConfig, seed: int
) -> tuple[Cells, Cells | None]:
    """Cells per period for the stand-alone areas and (district-level indicators) the districts.

    `geo` runs period_years − 1 years ahead of the first period end, for multi-year periods.
    """
    rng = _rng(seed, "indicator", ind.id)
    link = link_for(ind)
    nat = link.forward(national_series(spec, geo.years))
    n_areas, n_years = geo.children.shape
    factor = cfg.bases[spec.basis]

    # Each area sits at a fixed distance from landet on the link scale, set from the config
    # when the seeds give a level (for the last year), else drawn; plus a little noise by year.
    offset = np.zeros(n_areas)
    year_sd = np.zeros(n_areas)
    for i, (code, level) in enumerate(zip(geo.codes, geo.levels, strict=True)):
        if level == "land":
            continue
        given = spec.fylker.get(code) if level == "fylke" else spec.kommuner.get(code)
        sd = spec.area_sd / 2 if level == "fylke" else spec.area_sd
        drawn = rng.normal(0.0, sd)
        offset[i] = drawn if given is None else float(link.forward(np.array([given]))[0]) - nat[-1]
        year_sd[i] = spec.year_sd / 2 if level == "fylke" else spec.year_sd
    noise = rng.normal(0.0, 1.0, (n_areas, n_years)) * year_sd[:, None]
    lin = nat[None, :] + offset[:, None] + noise
    den = _denominators(np.rint(geo.children * factor), spec.share, rng)
    if not ind.district_level or not geo.district_codes:
        return periods(ind, spec, lin, den, rng), None

    # Districts: kommune level + living-conditions gradient + district and year noise, then
    # shifted so that together they reproduce the kommune's level in every year.
    k = geo.district_kommune
    n_d = len(k)
    d_pop = np.rint(geo.children[k] * geo.district_share[:, None] * factor)
    d_den = _denominators(d_pop, spec.share, rng)
    d_lin = (
        lin[k]
        + (spec.gradient * geo.profile + rng.normal(0.0, spec.district_sd, n_d))[:, None]
        + rng.normal(0.0, spec.year_sd, (n_d, n_years))
    )
    for row in np.unique(k):
        mask = k == row
        target = link.inverse(lin[row])
        d_lin[mask] += _shift_to(link, d_lin[mask], np.maximum(d_den[mask], 1.0), target)[None, :]
    areas = periods(ind, spec, lin, den, rng)
    districts = periods(ind, spec, d_lin, d_den, rng)

    # The kommune is its districts: counts summed, values weighted by their denominators.
    for row in np.unique(k):
        mask = k == row
        areas.den[row] = districts.den[mask].sum(axis=0)
        if districts.num is not None and areas.num is not None:
            areas.num[row] = districts.num[mask].sum(axis=0)
        else:
            w = np.maximum(districts.den[mask], 1.0)
            areas.value[row] = (districts.value[mask] * w).sum(axis=0) / w.sum(axis=0)
    return areas, districts


def other_levels(ind: Indicator, cells: Cells, geo: Geography, rng: np.random.Generator) -> Cells:
    """Cells of the levekårssoner and delområder: each own district's counts dealt out to its
    grunnkretser (multinomial for people, hypergeometric for the counted ones among them), then
    summed per district of each level; values are weighted by the dealt-out denominators."""
    n_gk = len(geo.gk_district)
    n_t = cells.den.shape[1]
    den_g = np.zeros((n_gk, n_t))
    num_g = np.zeros((n_gk, n_t))
    for d in range(cells.den.shape[0]):
        idx = np.flatnonzero(geo.gk_district == d)
        share = geo.gk_share[idx]
        for j in range(n_t):
            den = cells.den[d, j]
            if not np.isfinite(den) or den <= 0:
                continue
            parts = rng.multinomial(int(den), share / share.sum())
            den_g[idx, j] = parts
            if cells.num is not None and np.isfinite(cells.num[d, j]):
                num_g[idx, j] = rng.multivariate_hypergeometric(parts, int(cells.num[d, j]))
    m = geo.level_members
    den = m @ den_g
    value_g = cells.value[geo.gk_district]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (m @ (value_g * den_g)) / den
    return Cells(num=None if cells.num is None else m @ num_g, den=den, value=value)


# --------------------------------------------------------------------------- frames


def _long(
    ind: Indicator,
    cells: Cells,
    codes: list[str],
    levels: list[str],
    parents: list[str | None],
    period_to: NDArray[np.int64],
    sex: str = "all",
) -> pd.DataFrame:
    """Areas × periods as long rows with value, numerator and denominator."""
    n_a, n_t = cells.den.shape
    frame = pd.DataFrame(
        {
            "area_code": np.repeat(codes, n_t),
            "level": np.repeat(levels, n_t),
            "parent": np.repeat(np.array(parents, dtype=object), n_t),
            "period_to": np.tile(period_to, n_a),
            "sex": sex,
            "denominator": cells.den.ravel(),
        }
    )
    if cells.num is not None:
        frame["numerator"] = cells.num.ravel()
        if ind.unit == "count":
            frame["value"] = frame["numerator"]
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                frame["value"] = frame["numerator"] / frame["denominator"] * ind.multiplier
    else:
        frame["numerator"] = np.nan
        frame["value"] = np.round(cells.value.ravel(), ind.decimals + 1)
    return frame


def split_by_sex(
    ind: Indicator, spec: IndicatorSpec, frame: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Male and female rows that add up to the `all` rows (counts) or straddle them (values)."""
    link = link_for(ind)
    den = frame["denominator"].to_numpy()
    # Boys are slightly more than half of every cohort.
    den_m = rng.binomial(den.astype(np.int64), 0.512).astype(float)
    male, female = frame.copy(), frame.copy()
    male["sex"], female["sex"] = "male", "female"
    male["denominator"], female["denominator"] = den_m, den - den_m
    half = spec.sex_difference / 2
    if ind.unit == "count":
        for part, n in ((male, den_m), (female, den - den_m)):
            part["numerator"] = part["value"] = n
    elif frame["numerator"].notna().any():
        num = frame["numerator"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            level = np.where(den > 0, num / np.maximum(den, 1) * ind.multiplier, np.nan)
        level = np.clip(level, 1e-3, ind.multiplier * 0.999 if ind.unit == "percent" else None)
        lin = link.forward(level)
        pm, pf = link.inverse(lin + half), link.inverse(lin - half)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = den_m * pm / (den_m * pm + (den - den_m) * pf)
        num_m = rng.binomial(num.astype(np.int64), np.nan_to_num(q, nan=0.5)).astype(float)
        # Keep each sex's count within its own denominator.
        num_m = np.clip(num_m, np.maximum(num - (den - den_m), 0), np.minimum(num, den_m))
        for part, n, d in ((male, num_m, den_m), (female, num - num_m, den - den_m)):
            part["numerator"] = n
            with np.errstate(divide="ignore", invalid="ignore"):
                part["value"] = n if ind.unit == "count" else n / d * ind.multiplier
    else:
        value = frame["value"].to_numpy()
        lin = link.forward(value)
        male["value"] = np.round(link.inverse(lin + half), ind.decimals + 1)
        female["value"] = np.round(link.inverse(lin - half), ind.decimals + 1)
    return pd.concat([male, female], ignore_index=True)


def suppress(ind: Indicator, frame: pd.DataFrame) -> pd.Series:
    """Which cells to hide (`:`): small counts, and whatever would reveal them by subtraction."""
    if ind.unit == "count":
        return pd.Series(False, index=frame.index)  # head counts are public down to grunnkrets
    lim = ind.suppression
    num = frame["numerator"].to_numpy()
    den = frame["denominator"].to_numpy()
    if frame["numerator"].notna().any():
        hide = (num <= lim.min_numerator) | (den - num <= lim.min_complement)
        hide |= den < lim.min_denominator
    else:
        hide = den < lim.min_denominator
    hide = pd.Series(hide, index=frame.index)
    if not frame["numerator"].notna().any():
        return hide  # values without counts cannot be recovered by subtraction

    # A suppressed kommune hides all its districts, at every level.
    kommune_hidden = frame.loc[(frame["level"] == "kommune") & hide, ["area_code", "period_to"]]
    hidden_keys = set(zip(kommune_hidden["area_code"], kommune_hidden["period_to"], strict=True))
    is_d = frame["level"].isin(DISTRICT_KINDS)
    if hidden_keys:
        keys = pd.Series(list(zip(frame["parent"], frame["period_to"], strict=True)), frame.index)
        hide |= is_d & keys.isin(hidden_keys)

    # Secondary suppression: one hidden district would be the kommune minus the others,
    # so hide the smallest visible district of the same kommune, level and period as well.
    group = ["parent", "level", "period_to"]
    d = frame.loc[is_d, [*group, "denominator", "numerator", "area_code"]].copy()
    d["hide"] = hide[is_d]
    d["n_hidden"] = d.groupby(group)["hide"].transform("sum")
    d["n_total"] = d.groupby(group)["hide"].transform("size")
    candidates = d[(d["n_hidden"] == 1) & ~d["hide"]].sort_values(
        ["denominator", "numerator", "area_code"]
    )
    second = candidates.groupby(group).head(1).index
    hide.loc[second] = True
    # A kommune with a single district shows the district's number; hide the kommune too.
    lone = d[(d["n_total"] == 1) & d["hide"]]
    if not lone.empty:
        lone_keys = set(zip(lone["parent"], lone["period_to"], strict=True))
        k_keys = pd.Series(
            list(zip(frame["area_code"], frame["period_to"], strict=True)), frame.index
        )
        hide |= (frame["level"] == "kommune") & k_keys.isin(lone_keys)
    return hide


def _suppress_sexes(frame: pd.DataFrame, hide: pd.Series) -> pd.Series:
    """If all, male or female is hidden, hide both sexes: any two reveal the third."""
    key = frame["area_code"] + "|" + frame["period_to"].astype(str)
    any_hidden = hide.groupby(key).transform("any")
    return hide | (any_hidden & (frame["sex"] != "all"))


def indicator_frame(
    ind: Indicator, spec: IndicatorSpec, geo: Geography, cfg: DemoConfig, seed: int
) -> pd.DataFrame:
    """Every observation of one indicator, suppressed and flagged, ready for the loader."""
    window = ind.period_years
    first = cfg.first_year
    annual, districts = simulate(ind, spec, geo.since(first - window + 1), cfg, seed)
    period_to = np.arange(first, cfg.last_year + 1, dtype=np.int64)
    parents: list[str | None] = [None] * len(geo.codes)
    frames = [_long(ind, annual, geo.codes, geo.levels, parents, period_to)]
    if districts is not None:
        d_parents: list[str | None] = [geo.codes[i] for i in geo.district_kommune]
        levels = ["district"] * len(geo.district_codes)
        frames.append(_long(ind, districts, geo.district_codes, levels, d_parents, period_to))
        if geo.level_codes:
            extra = other_levels(ind, districts, geo, _rng(seed, "levels", ind.id))
            l_parents: list[str | None] = list(geo.level_kommune)
            frames.append(_long(ind, extra, geo.level_codes, geo.level_kinds, l_parents, period_to))
    frame = pd.concat(frames, ignore_index=True)
    if ind.source.ended is not None:
        # A series the publisher has stopped has no later periods to simulate.
        frame = frame[frame["period_to"] <= ind.source.ended].reset_index(drop=True)
    if spec.district_levels is not None:
        # As live: no figures at levels the source does not publish (and nothing to suppress).
        others = {*DISTRICT_KINDS, "grunnkrets"} - set(spec.district_levels)
        frame = frame[~frame["level"].isin(others)].reset_index(drop=True)
    hide = suppress(ind, frame)
    if ind.source.sex_dimension:
        sexes = split_by_sex(
            ind, spec, frame[~frame["level"].isin(DISTRICT_KINDS)], _rng(seed, "sex", ind.id)
        )
        frame = pd.concat([frame, sexes], ignore_index=True)
        hide = pd.concat([hide, suppress(ind, sexes).set_axis(sexes.index + len(hide))])
        hide = hide.set_axis(frame.index)
        hide = _suppress_sexes(frame, hide)

    frame["flag"] = hide.map({True: Flag.SUPPRESSED, False: None})
    frame.loc[hide, ["value", "numerator"]] = np.nan
    if spec.start_year is not None:
        early = frame["period_to"] < spec.start_year
        frame.loc[early, "flag"] = Flag.MISSING
        frame.loc[early, ["value", "numerator", "denominator"]] = np.nan
    if not is_count(ind) or ind.unit == "count":
        frame["denominator"] = np.nan  # the source gives the value (or head count) only
    frame["indicator_id"] = ind.id
    frame["period_from"] = frame["period_to"] - window + 1
    frame["source"] = ind.source.provider
    frame["source_updated"] = pd.Timestamp(
        cfg.source_updated.get(ind.source.provider, date(2025, 3, 1))
    )
    return frame.drop(columns=["level", "parent"])


# --------------------------------------------------------------------------- build


def produce_demo(b: Builder, cfg: DemoConfig, seed: int) -> None:
    """Add every catalog indicator's simulated observations to the warehouse under construction."""
    # Multi-year periods need the years before the first period end as well.
    lead = max((ind.period_years for ind in b.catalog.indicators), default=1) - 1
    years = np.arange(cfg.first_year - lead, cfg.last_year + 1, dtype=np.int64)
    geo = geography(b.kommuner, cfg, seed, years)
    catalog_ids = {ind.id for ind in b.catalog.indicators}
    unknown = sorted(set(cfg.indicators) - catalog_ids)
    if unknown:
        b.notes["demo"] = "demo.yaml has parameters for unknown indicators: " + ", ".join(unknown)
    # Districts are matched by code or name; a key that matches none is most likely a typo.
    names = {x for k in b.kommuner.values() for d in k.districts.items for x in (d.code, d.name)}
    stray = sorted((set(cfg.districts.profile) | set(cfg.districts.children)) - names)
    if stray:
        b.notes["demo_districts"] = "demo.yaml names unknown districts: " + ", ".join(stray)
    frames = []
    for ind in b.catalog.indicators:
        spec = cfg.indicators.get(ind.id)
        if spec is None:
            b.mark_missing(ind.id, "no demo parameters in data/demo.yaml")
            continue
        frames.append(indicator_frame(ind, spec, geo, cfg, seed))
    if frames:
        b.add_observations(pd.concat(frames, ignore_index=True))


def build(
    seed: int = 2026,
    target: Path | None = None,
    *,
    config: Path | None = None,
    runs_log: Path | None = None,
    catalog: Catalog | None = None,
    kommuner: dict[str, Kommune] | None = None,
) -> RunRecord:
    """Build the demo warehouse (mode `demo`) from `data/demo.yaml` with a seeded generator."""
    path = config or DEMO_CONFIG
    catalog = catalog or load_catalog()
    kommuner = kommuner or load_kommuner()

    def produce(b: Builder) -> None:
        # Read inside the build, so a broken demo.yaml is a failed run in the runs log.
        produce_demo(b, load_config(path, b.catalog), seed)

    return build_warehouse(
        produce,
        mode="demo",
        source="demo",
        target=target,
        catalog=catalog,
        kommuner=kommuner,
        runs_log=runs_log,
        meta={"seed": str(seed), "demo_config": path.name},
    )
