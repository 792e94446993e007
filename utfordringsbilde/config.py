"""Configuration: the indicator catalog and the kommune files, validated by pydantic.

Every loader reports a bad file as a `ConfigError` naming the file, the line and the field,
because the people who edit these files are analysts, not programmers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from utfordringsbilde import vocab
from utfordringsbilde.paths import DATA_DIR
from utfordringsbilde.vocab import Polarity

CiMethod = Literal["wilson", "byar", "none"]
Unit = Literal["percent", "per_1000", "per_10000", "count", "score", "years", "ratio"]
PreventionLevel = Literal["universal", "selective", "indicated"]
# A source's name: the ETL checks it against its registry (etl.sources), so adding a source
# needs no edit here.
Provider = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Role = Literal["value", "numerator", "denominator"]


def _code_text(v: object) -> object:
    """Codes are text: a YAML number (0602 → 602) would lose its leading zero, so refuse it."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        raise ValueError(f"write the code in quotes, e.g. '{v}' (codes are text)")
    return v


Code = Annotated[str, BeforeValidator(_code_text)]


def _grunnkrets(v: str) -> str:
    if not re.fullmatch(r"\d{8}", v):
        raise ValueError(f"grunnkrets code {v!r} must be 8 digits")
    return v


GrunnkretsCode = Annotated[str, BeforeValidator(_code_text), AfterValidator(_grunnkrets)]


# What one unit of `value` means relative to numerator / denominator.
UNIT_MULTIPLIER: dict[str, float] = {
    "percent": 100.0,
    "per_1000": 1000.0,
    "per_10000": 10000.0,
    "count": 1.0,
    "score": 1.0,
    "years": 1.0,
    "ratio": 1.0,
}


class ConfigError(ValueError):
    """A config file is missing, unreadable or invalid; the message names file, line, field."""

    def __init__(self, path: Path | str, problems: Sequence[tuple[int | None, str, str]]):
        self.path = Path(path)
        self.problems = list(problems)
        lines = [
            f"{self.path}:{line if line is not None else '?'}: {field}: {msg}"
            for line, field, msg in self.problems
        ]
        super().__init__("\n".join(lines))


class Strict(BaseModel):
    """Base model: unknown keys are errors, so a typo in a YAML key is caught, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(RootModel[dict[str, str]]):
    """A text per language code (`{nb: …, nn: …, en: …}`); bokmål is required and the fallback."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, v: Any) -> Any:
        """`en: null` or `en: ""` in the YAML means no English text, as leaving it out does."""
        return {code: text for code, text in v.items() if text} if isinstance(v, dict) else v

    @field_validator("root")
    @classmethod
    def _languages(cls, v: dict[str, str]) -> dict[str, str]:
        for code in v:
            if not re.fullmatch(r"[a-z]{2,3}", code):
                raise ValueError(f"{code!r} is not a language code (nb, nn, en, …)")
        if "nb" not in v:
            raise ValueError("needs a bokmål text (nb)")
        return v

    def get(self, lang: str) -> str:
        """The text in `lang`, bokmål when that language is missing."""
        return self.root.get(lang) or self.root["nb"]

    def __getitem__(self, lang: str) -> str:
        """The text in exactly `lang`; KeyError when it is missing."""
        return self.root[lang]

    def __contains__(self, lang: object) -> bool:
        return lang in self.root

    def languages(self) -> list[str]:
        """The language codes this text is written in."""
        return list(self.root)


class Theme(Strict):
    id: str
    name: Text


class RiskFactor(Strict):
    id: vocab.RiskFactor  # the catalog words and numbers the eight; their ids are fixed
    number: int
    name: Text


class Suppression(Strict):
    """Primary suppression limits: hide a cell when the count or its complement is this small."""

    min_numerator: int = 4
    min_complement: int = 4
    min_denominator: int = 10


_SSB_EXPRESSION = re.compile(r"^\s*(top|bottom|range|from|to)\s*\((.*)\)\s*$", re.IGNORECASE)
# PxWebApi's selection rules (PxWebApi's SelectionHandler): `*` only at the start and/or the
# end of a code, at most two; `?` one character; expressions top, bottom, range, from, to.
_WILDCARD = re.compile(r"^\*?[^*]*\*?$")


def selection_problem(value: str) -> str | None:
    """Why SSB would answer 400 "Illegal selection expression" for `value`, or None."""
    text = value.strip()
    if not text:
        return "an empty code"
    m = _SSB_EXPRESSION.match(text)
    if m:
        parts = [a.strip() for a in m.group(2).split(",")]
        kind = m.group(1).lower()
        if kind in ("top", "bottom"):
            if not 1 <= len(parts) <= 2 or not all(p.isdigit() for p in parts):
                return f"{kind}(N) or {kind}(N,offset) takes whole numbers, not {value!r}"
        elif kind == "range" and (len(parts) != 2 or not all(parts)):
            return f"range(X,Y) takes two codes, not {value!r}"
        elif kind in ("from", "to") and (len(parts) != 1 or not parts[0]):
            return f"{kind}(X) takes one code, not {value!r}"
        return None
    if "(" in text or ")" in text:
        return f"{value!r} is not one of top(), bottom(), range(), from(), to()"
    if text.count("*") > 2 or not _WILDCARD.match(text):
        return f"{value!r}: '*' may only stand at the start and/or the end of a code"
    return None


class Source(Strict):
    """Where an indicator comes from: provider, table and the dimension selection that yields it."""

    provider: Provider
    table: str
    title: str | None = None
    verified: bool = True
    note: str | None = None
    # The last year of a series the publisher has stopped (11994 ended in 2022).
    ended: int | None = Field(default=None, ge=1900, le=2100)
    # Dimension carrying the measure (FHI MEASURE_TYPE, SSB ContentsCode) and the code per role.
    measure_dimension: str | None = None
    measures: dict[Role, str] = Field(default_factory=dict)
    region_dimension: str | None = None
    time_dimension: str | None = None
    # Fixed selections for the other dimensions, e.g. {"ALDER": ["0_17"], "KJONN": ["0"]}.
    selection: dict[str, list[str]] = Field(default_factory=dict)
    # SSB code lists per variable, e.g. {"Region": "agg_KommSummer"}.
    codelist: dict[str, str] = Field(default_factory=dict)
    # Optional breakdown dimension (e.g. KJONN) mapped onto the observation's sex column.
    sex_dimension: str | None = None

    @field_validator("selection")
    @classmethod
    def _ssb_selection_expressions(
        cls, v: dict[str, list[str]], info: ValidationInfo
    ) -> dict[str, list[str]]:
        # SSB answers 400 "Illegal selection expression" for these; say so when the file loads.
        if info.data.get("provider") == "ssb":
            for var, values in v.items():
                for value in values:
                    problem = selection_problem(value)
                    if problem:
                        raise ValueError(f"{var}: {problem} (SSB: 'Illegal selection expression')")
        return v

    @model_validator(mode="after")
    def _measures_for_api_sources(self) -> Source:
        if self.provider in ("fhi", "ssb") and "value" not in self.measures:
            raise ValueError("an fhi or ssb source needs measures.value (the measure code)")
        if self.provider in ("fhi", "ssb") and not self.measure_dimension:
            raise ValueError("an fhi or ssb source needs measure_dimension")
        return self


class Indicator(Strict):
    id: str
    name: Text
    short_name: Text | None = None
    theme: str
    unit: Unit
    decimals: int = Field(default=1, ge=0, le=3)
    polarity: Polarity
    ci_method: CiMethod
    period_years: int = Field(default=1, ge=1, le=10)
    population: Text | None = None
    definition: Text
    caveats: Text | None = None
    risk_factors: list[str] = Field(default_factory=list)
    prevention_level: list[PreventionLevel] = Field(default_factory=list)
    source: Source
    norm: float | None = None
    norm_note: Text | None = None
    suppression: Suppression = Field(default_factory=Suppression)
    district_level: bool = True
    # The finding as a clause for sentences: "I {area} bor {value} av barna i …".
    sentence: Text | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError("must be a lower-case slug (a-z, 0-9, _), e.g. vedvarende_lavinntekt")
        return v

    @model_validator(mode="after")
    def _ci_fits_unit(self) -> Indicator:
        if self.ci_method == "wilson" and self.unit != "percent":
            raise ValueError("ci_method wilson needs unit percent")
        if self.ci_method == "byar" and self.unit not in ("per_1000", "per_10000"):
            raise ValueError("ci_method byar needs unit per_1000 or per_10000")
        return self

    @field_validator("sentence")
    @classmethod
    def _sentence_slots(cls, v: Text | None) -> Text | None:
        for lang, text in (v.root if v is not None else {}).items():
            slots = set(re.findall(r"{(\w*)}", text))
            if slots != {"area", "value"}:
                raise ValueError(
                    f"{lang}: needs exactly the slots {{area}} and {{value}}, has {sorted(slots)}"
                )
        return v

    @property
    def multiplier(self) -> float:
        """Value per unit ratio: 100 for percent, 1000 for per 1000, 1 otherwise."""
        return UNIT_MULTIPLIER[self.unit]


class Catalog(Strict):
    """The indicator catalog (`data/indicators.yaml`): themes, risk factors and indicators."""

    themes: list[Theme]
    risk_factors: list[RiskFactor]
    indicators: list[Indicator]

    def references(self) -> list[tuple[tuple[int | str, ...], str]]:
        """Cross-references that a field validator cannot see: ids used twice, unknown themes."""
        theme_ids = {t.id for t in self.themes}
        rf_ids = {r.id for r in self.risk_factors}
        problems: list[tuple[tuple[int | str, ...], str]] = []
        seen: set[str] = set()
        for i, ind in enumerate(self.indicators):
            if ind.id in seen:
                problems.append((("indicators", i, "id"), f"id {ind.id!r} is used twice"))
            seen.add(ind.id)
            if ind.theme not in theme_ids:
                problems.append((("indicators", i, "theme"), f"unknown theme {ind.theme!r}"))
            for j, rf in enumerate(ind.risk_factors):
                if rf not in rf_ids:
                    problems.append(
                        (("indicators", i, "risk_factors", j), f"unknown risk factor {rf!r}")
                    )
        return problems

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError when the catalog has none."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id."""
        return next(t for t in self.themes if t.id == theme_id)


class CodeChange(Strict):
    code: Code
    valid_from: date | None = None
    valid_to: date | None = None


class Fylke(Strict):
    code: Code
    name: str


class Peer(Strict):
    code: Code
    name: str


class Comparators(Strict):
    fylke: bool = True
    landet: bool = True
    peers: list[Peer] = Field(default_factory=list)


class District(Strict):
    code: str
    name: str
    # Empty when the kommune has no grunnkrets list for it: the district then has no figures
    # summed from grunnkretser (SSB population, grunnkrets imports) and no dissolved outline.
    grunnkretser: list[GrunnkretsCode] = Field(default_factory=list)
    # Schools whose figures (Elevundersøkelsen, nasjonale prøver, Ungdata) count for this
    # district when the kommune imports them by school name.
    schools: list[str] = Field(default_factory=list)


class Districts(Strict):
    level_name: Text = Text({"nb": "område", "nn": "område", "en": "district"})
    demo_codes: bool = False
    note: str | None = None
    # The kommune's own district outlines, a GeoJSON file beside the kommune file (checked when
    # the file loads: see Kommune._districts_file).
    geojson: str | None = None
    # Empty: the kommune has no districts of its own; the public levels (KLASS) still apply.
    items: list[District] = Field(default_factory=list)
    # Where `geojson` was found when the kommune file was loaded (every build reads it there).
    _geojson_path: Path | None = PrivateAttr(default=None)

    @property
    def geojson_path(self) -> Path | None:
        """The districts file as found when the kommune file loaded, or None."""
        return self._geojson_path


class Kommune(Strict):
    """One kommune file (`data/kommuner/<code>.yaml`)."""

    code: Code
    name: str
    fylke: Fylke
    history: list[CodeChange] = Field(default_factory=list)
    comparators: Comparators = Field(default_factory=Comparators)
    districts: Districts = Field(default_factory=Districts)

    @field_validator("code")
    @classmethod
    def _four_digits(cls, v: str) -> str:
        if not re.fullmatch(r"\d{4}", v):
            raise ValueError("must be a 4-digit kommune number as a string, e.g. '3301'")
        return v

    @field_validator("districts")
    @classmethod
    def _districts_file(cls, v: Districts, info: ValidationInfo) -> Districts:
        # The districts file is read where the kommune file lies (load_yaml_model's context);
        # a missing file or one whose features name no district would silently draw no map.
        folder = (info.context or {}).get("folder")
        if not v.geojson or folder is None or "code" not in info.data:
            return v
        from utfordringsbilde import boundaries  # shapely: only for kommuner that have a file

        path = (Path(folder) / v.geojson).resolve()
        try:
            doc = boundaries.read_feature_collection(path)
            boundaries.match_districts(doc, info.data["code"], v.items)
        except boundaries.BoundaryError as e:
            raise ValueError(f"geojson {path}: {e}") from None
        v._geojson_path = path
        return v

    def references(self) -> list[tuple[tuple[int | str, ...], str]]:
        """District codes and grunnkretser must belong to this kommune, each used once."""
        problems: list[tuple[tuple[int | str, ...], str]] = []
        seen_codes: set[str] = set()
        seen_gk: dict[str, str] = {}
        for i, d in enumerate(self.districts.items):
            where: tuple[int | str, ...] = ("districts", "items", i)
            if not d.code.startswith(self.code + "-"):
                problems.append(((*where, "code"), f"{d.code!r} must start with '{self.code}-'"))
            if d.code in seen_codes:
                problems.append(((*where, "code"), f"{d.code!r} is used twice"))
            seen_codes.add(d.code)
            for j, gk in enumerate(d.grunnkretser):
                if not gk.startswith(self.code):
                    problems.append(
                        ((*where, "grunnkretser", j), f"{gk} is not in kommune {self.code}")
                    )
                elif gk in seen_gk:
                    problems.append(
                        ((*where, "grunnkretser", j), f"{gk} is also in {seen_gk[gk]!r}")
                    )
                seen_gk.setdefault(gk, d.name)
        return problems

    @property
    def old_codes(self) -> list[str]:
        """Earlier kommune numbers that data for this kommune may still carry."""
        return [c.code for c in self.history if c.code != self.code]


M = TypeVar("M", bound=BaseModel)


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """1-based line of the YAML node at `loc`, or of the deepest ancestor found."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


def _field_name(root: Any, loc: Sequence[int | str]) -> str:
    """A readable field path, naming list items by id where they have one: indicators[vold].unit."""
    out = ""
    cur = root
    for key in loc:
        if isinstance(key, int):
            item = cur[key] if isinstance(cur, list) and key < len(cur) else None
            label = (item.get("id") or item.get("code")) if isinstance(item, dict) else None
            out += f"[{label or key}]"
            cur = item
        else:
            out += f".{key}" if out else str(key)
            cur = cur.get(key) if isinstance(cur, dict) else None
    return out or "(file)"


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Parse a YAML file into `model`; every problem becomes a ConfigError with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, [(None, "(file)", "file not found")]) from None
    except UnicodeDecodeError as e:
        raise ConfigError(path, [(None, "(file)", f"not UTF-8 text: {e.reason}")]) from None
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise ConfigError(path, [(line, "(syntax)", str(e.problem))]) from None
    if not isinstance(raw, Mapping):
        raise ConfigError(path, [(1, "(file)", "expected a mapping of keys at the top level")])
    try:
        result = model.model_validate(raw, context={"folder": path.parent})
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            problems.append((_line_of(node, loc), _field_name(raw, loc), err["msg"]))
        raise ConfigError(path, problems) from None
    references = getattr(result, "references", None)
    if references is not None:
        refs = references()
        if refs:
            raise ConfigError(
                path, [(_line_of(node, loc), _field_name(raw, loc), msg) for loc, msg in refs]
            )
    return result


@cache
def load_catalog(path: Path = DATA_DIR / "indicators.yaml") -> Catalog:
    """The indicator catalog; cached per path."""
    return load_yaml_model(path, Catalog)


@cache
def load_kommuner(folder: Path = DATA_DIR / "kommuner") -> dict[str, Kommune]:
    """Every kommune file in `folder`, keyed by current kommune number."""
    result: dict[str, Kommune] = {}
    for path in sorted(folder.glob("*.yaml")):
        k = load_yaml_model(path, Kommune)
        if path.stem != k.code:
            raise ConfigError(path, [(1, "code", f"file name must be {k.code}.yaml")])
        result[k.code] = k
    if not result:
        raise ConfigError(folder, [(None, "(folder)", "no kommune files (*.yaml) found")])
    return result


@cache
def national_kommuner(path: Path = DATA_DIR / "areas" / "kommuner.csv") -> dict[str, Kommune]:
    """Every kommune of the country (KLASS 131 and 104, bundled) as a kommune without a file:
    its name and fylke, compared with fylke and landet, no districts of its own."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["kommune"]: Kommune(
            code=r["kommune"],
            name=r["navn"],
            fylke=Fylke(code=r["fylke"], name=r["fylkesnavn"]),
        )
        for r in rows
    }
