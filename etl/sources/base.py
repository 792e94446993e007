"""What a data source is, and the registry every source (built-in or not) joins the same way.

A source has a name, a base URL, a rate limit and an error type. `plan(run)` lists its steps
(a table, a classification, an outline) with the requests each would send, built from the
catalog and the kommune files alone; `fetch(run, step)` sends them and returns what the step
adds to the warehouse. A refresh loops over the registry; a dry run lists the plan instead.
See docs/extending.md, "Adding a source".
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import pandas as pd

    from etl.http import Client
    from etl.sources.klass import Areas
    from utfordringsbilde.config import Catalog, Indicator, Kommune


class RateLimit(NamedTuple):
    """At most `calls` requests in any `window` seconds to one host."""

    calls: int
    window: float


@dataclass(frozen=True)
class Request:
    """One HTTP request: method, URL, query, JSON body, headers, and remarks for a dry run."""

    method: str
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One unit of a source's work and the requests it would send, as far as the catalog says."""

    what: str  # names the step in errors and the dry run, e.g. "table 07459 (barn_0_17)"
    requests: tuple[Request, ...]
    indicators: tuple[Indicator, ...] = ()  # catalog indicators the step loads
    verified: bool = True  # False: a definitional error marks the indicators missing instead
    about: str = ""  # what an unverified step's missing reason names, e.g. "table unknown (…)"
    key: Any = None  # the source's own handle for the step (a table group, a kommune code)


@dataclass(frozen=True)
class Run:
    """What a refresh hands every source: the client, catalog, kommune files, areas and date."""

    client: Client
    catalog: Catalog
    config: Mapping[str, Kommune]
    chosen: tuple[str, ...]
    areas: Areas
    today: date
    folder: Path  # where the kommune files (and their districts.geojson) live
    memo: dict[str, Any] = field(default_factory=dict)  # what one step leaves for a later one


@dataclass
class Result:
    """What one step adds: observations per indicator, areas, names, parents, shapes, notes."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    areas: pd.DataFrame | None = None  # area rows (etl.load.AREA_COLUMNS); known codes are kept
    names: dict[str, str] = field(default_factory=dict)  # area code → its own name
    parents: dict[str, str] = field(default_factory=dict)  # area code → parent, where unknown
    shapes: dict[str, str] = field(default_factory=dict)  # area code → GeoJSON Feature text
    members: pd.DataFrame | None = None  # district_member rows (area_code, grunnkrets_code)
    missing: dict[str, str] = field(default_factory=dict)  # indicator id → why it has no rows
    notes: list[str] = field(default_factory=list)


class Source(ABC):
    """A data source: name, base URL, rate limit, error type, `plan()` and `fetch()`."""

    name: ClassVar[str]  # what `--source`, the catalog's `source.provider` and logs call it
    base_url: ClassVar[str]  # the public API; UB_<NAME>_BASE moves it (tests: a loopback server)
    rate_limit: ClassVar[RateLimit | None] = None  # the host's published limit, if any
    error: ClassVar[type[Exception]] = RuntimeError  # "the catalog's description is wrong"
    needs_code_map: ClassVar[bool] = False  # True: its codes go through KLASS renumberings
    probe: ClassVar[str | None] = None  # a cheap path that answers 2xx while the API is up
    # The largest answer read from this source; None: MAX_RESPONSE_BYTES in settings.py.
    max_response_bytes: ClassVar[int | None] = None

    @property
    def url(self) -> str:
        """The base URL in use: UB_<NAME>_BASE when set, else `base_url`."""
        return os.environ.get(f"UB_{self.name.upper()}_BASE", self.base_url).rstrip("/")

    @abstractmethod
    def plan(self, run: Run) -> list[Step]:
        """The steps this source takes in `run`, in order, each with the requests it would send."""

    @abstractmethod
    def fetch(self, run: Run, step: Step) -> Result:
        """Send one step's requests through `run.client`; what they add to the warehouse."""


REGISTRY: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add a source under its name (the seam built-in and outside sources use); returns it."""
    if source.name in REGISTRY and REGISTRY[source.name] is not source:
        raise ValueError(f"a source named {source.name!r} is already registered")
    REGISTRY[source.name] = source
    return source


def unregister(name: str) -> None:
    """Remove a source from the registry (tests that register a throw-away one)."""
    REGISTRY.pop(name, None)


def base_url(name: str) -> str:
    """Base URL of one registered source, from UB_<NAME>_BASE or its public address."""
    return REGISTRY[name].url


def rates(sources: Iterable[Source] | None = None) -> dict[str, tuple[int, float]]:
    """Host → (calls, window) for every source with a rate limit; sources on one host share it."""
    out: dict[str, tuple[int, float]] = {}
    for s in REGISTRY.values() if sources is None else sources:
        if s.rate_limit is not None:
            host = urlsplit(s.base_url).hostname or ""
            out.setdefault(host, (s.rate_limit.calls, s.rate_limit.window))
    return out
