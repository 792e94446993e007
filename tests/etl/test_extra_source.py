"""A source registered from outside (here: in the test) is refreshed and dry-run like a built-in.

`Tiny` is the smallest complete source: one GET per chosen kommune against the loopback
server, one indicator's yearly values as observations. Registering it is the only edit.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import duckdb
import pandas as pd
import pytest

from etl import refresh
from etl.http import Client
from etl.sources import REGISTRY, register, unregister
from etl.sources.base import RateLimit, Request, Result, Run, Source, Step
from tests.etl.conftest import FAST, Paths
from tests.etl.fakeapi import FIXTURES, ApiReply, FakeApis
from utfordringsbilde.config import Catalog, Indicator, Kommune

VALUES = {"3301": [(2022, 10.0), (2023, 12.5)], "3905": [(2023, 7.0)]}


class TinyError(RuntimeError):
    """The tiny API answered in a shape the tiny source does not know."""


class Tiny(Source):
    """A made-up API: GET {base}/values/{kommune} → {"values": [{"year", "value"}]}."""

    name = "tiny"
    base_url = "https://tiny.example.org/api"
    rate_limit = RateLimit(100, 1.0)
    error = TinyError

    def plan(self, run: Run) -> list[Step]:
        """One GET per chosen kommune."""
        return [
            Step(f"kommune {c}", (Request("GET", f"{self.url}/values/{c}"),), key=c)
            for c in run.chosen
        ]

    def fetch(self, run: Run, step: Step) -> Result:
        """The kommune's yearly values as observations of tiny_indikator."""
        found = run.client.send(step.requests[0])
        if not isinstance(found, dict) or not isinstance(found.get("values"), list):
            raise TinyError(f"kommune {step.key}: no 'values' list")
        frame = pd.DataFrame(
            {
                "indicator_id": "tiny_indikator",
                "area_code": str(step.key),
                "period_from": [int(v["year"]) for v in found["values"]],
                "period_to": [int(v["year"]) for v in found["values"]],
                "value": [float(v["value"]) for v in found["values"]],
                "source": self.name,
            }
        )
        return Result(frames={"tiny_indikator": frame})


def tiny_api(method: str, rest: list[str], query: dict[str, list[str]]) -> Any:
    if method != "GET" or len(rest) != 2 or rest[0] != "values" or rest[1] not in VALUES:
        raise ApiReply(404, {"message": "no such kommune"})
    return {"values": [{"year": y, "value": v} for y, v in VALUES[rest[1]]]}


@pytest.fixture
def tiny(api: FakeApis, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tiny]:
    """The tiny source registered, its base URL on the loopback server; removed afterwards."""
    api.routes["tiny"] = tiny_api
    monkeypatch.setenv("UB_TINY_BASE", f"{api.url}/tiny")
    source = register(Tiny())
    yield source
    unregister(source.name)


@pytest.fixture
def with_tiny(catalog: Catalog) -> Catalog:
    """The test catalog plus one indicator that names the tiny source as its provider."""
    ind = Indicator.model_validate(
        {
            "id": "tiny_indikator",
            "name": {"nb": "Liten indikator"},
            "theme": "befolkning",
            "unit": "count",
            "polarity": "none",
            "ci_method": "none",
            "definition": {"nb": "Verdier fra en liten testkilde."},
            "source": {"provider": "tiny", "table": "values"},
        }
    )
    return catalog.model_copy(update={"indicators": [*catalog.indicators, ind]})


def test_a_refresh_picks_up_a_registered_source(
    tiny: Tiny, with_tiny: Catalog, config: dict[str, Kommune], paths: Paths, api: FakeApis
):
    out = io.StringIO()
    assert "tiny" in REGISTRY
    refresh.main(
        client=Client(FAST),
        target=paths.warehouse,
        runs_log=paths.runs,
        catalog=with_tiny,
        config=config,
        kommune_folder=FIXTURES / "kommuner",
        out=out,
    )
    assert api.hits(r"^GET /tiny/values/") == 2
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT area_code, period_to, value FROM observation "
            "WHERE indicator_id = 'tiny_indikator' AND source = 'tiny' ORDER BY ALL"
        ).fetchall()
        sources = con.execute("SELECT value FROM meta WHERE key = 'refreshed_sources'").fetchone()
    assert rows == [("3301", 2022, 10.0), ("3301", 2023, 12.5), ("3905", 2023, 7.0)]
    assert sources is not None and sources[0].split(",")[-1] == "tiny"
    assert "tiny    tiny_indikator" in out.getvalue()


def test_a_dry_run_lists_a_registered_source(tiny: Tiny, with_tiny: Catalog, api: FakeApis):
    out = io.StringIO()
    refresh.main(dry_run=True, sources=["tiny"], catalog=with_tiny, out=out)
    text = out.getvalue()
    assert f"GET  {api.url}/tiny/values/3301" in text
    assert "# tiny kommune 3301" in text
    assert api.log == []


def test_one_registered_source_alone_carries_the_rest(
    tiny: Tiny, with_tiny: Catalog, config: dict[str, Kommune], paths: Paths, api: FakeApis
):
    kw: dict[str, Any] = {
        "client": Client(FAST),
        "target": paths.warehouse,
        "runs_log": paths.runs,
        "catalog": with_tiny,
        "config": config,
        "kommune_folder": FIXTURES / "kommuner",
        "out": io.StringIO(),
    }
    refresh.main(**kw)
    api.reset()
    api.routes["tiny"] = tiny_api
    refresh.main(sources=["tiny"], **kw)
    assert api.hits(r"^GET /tiny/") == 2 and api.hits(r"^POST /") == 0
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        by_source = dict(
            con.execute("SELECT source, count(*) FROM observation GROUP BY 1").fetchall()
        )
    assert by_source["tiny"] == 3 and by_source["ssb"] > 0 and by_source["fhi"] > 0


def test_an_unregistered_provider_in_the_catalog_is_refused(
    with_tiny: Catalog, config: dict[str, Kommune]
):
    with pytest.raises(refresh.LoadError, match=r"tiny_indikator \(tiny\)"):
        refresh.main(dry_run=True, catalog=with_tiny, config=config, out=io.StringIO())
