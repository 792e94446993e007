"""Cached warehouse access for the pages: one read-only connection per warehouse file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from utfordringsbilde import (
    config,
    levekar,
    narrative,
    overview,
    peers,
    profile,
    queries,
    slides,
    warehouse,
)
from utfordringsbilde.pagemodels.common import kommune_options
from utfordringsbilde.plan import load_plans


def signature() -> warehouse.Signature:
    """The warehouse file's identity now; a refresh that swaps the file changes it."""
    return warehouse.signature()


@st.cache_resource(max_entries=2)
def _connection(sig: warehouse.Signature) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(sig)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the current warehouse; connections are not thread-safe, cursors are cheap."""
    return warehouse.cursor(_connection(signature()))


# Cached results take the signature as their first argument, so a new warehouse file
# invalidates them without any explicit clearing.


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def meta(sig: warehouse.Signature) -> dict[str, str]:
    return queries.meta(warehouse.cursor(_connection(sig)))


@dataclass(frozen=True)
class KommunePicker:
    """The kommune picker's options: number → name, those with data first; which have data
    (districts or kommune-level figures), and which of them have districts."""

    names: dict[str, str]
    with_data: frozenset[str]
    with_districts: frozenset[str] = frozenset()


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def kommune_picker(sig: warehouse.Signature) -> KommunePicker:
    own = queries.kommuner_with_data(warehouse.cursor(_connection(sig)))
    national = {code: k.name for code, k in config.national_kommuner().items()}
    districted = own.loc[own["has_districts"].astype(bool), "area_code"]
    return KommunePicker(
        kommune_options(own, national), frozenset(own["area_code"]), frozenset(districted)
    )


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def resolve_kommune(sig: warehouse.Signature, asked: str) -> queries.KommuneCode:
    return queries.resolve_kommune(warehouse.cursor(_connection(sig)), asked)


@st.cache_resource(ttl=3600)
def level_names() -> dict[str, config.Text]:
    """Each kommune file's name for its own districts (`districts.level_name`)."""
    return {code: k.districts.level_name for code, k in config.load_kommuner().items()}


@st.cache_resource(ttl=3600)
def peer_codes(kommune: str) -> tuple[str, ...]:
    """The kommune's peer group from the kommune files (peers.peer_codes)."""
    return tuple(peers.peer_codes(kommune, config.load_kommuner()))


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def district_levels(sig: warehouse.Signature, kommune: str) -> list[str]:
    return queries.district_levels(warehouse.cursor(_connection(sig)), kommune)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def districts(sig: warehouse.Signature, kommune: str, level: str | None = None) -> pd.DataFrame:
    return queries.districts(warehouse.cursor(_connection(sig)), kommune, level)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def years(sig: warehouse.Signature, kommune: str) -> list[int]:
    return queries.years(warehouse.cursor(_connection(sig)), kommune)


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def indicators(sig: warehouse.Signature) -> pd.DataFrame:
    return queries.indicators(warehouse.cursor(_connection(sig)))


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def risk_factors(sig: warehouse.Signature) -> pd.DataFrame:
    return queries.risk_factors(warehouse.cursor(_connection(sig)))


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def overview_data(
    sig: warehouse.Signature, kommune: str, year: int | None, level: str | None = None
) -> overview.Overview:
    # The catalog never changes within a warehouse: taken from its own cache, not queried.
    return overview.build(
        warehouse.cursor(_connection(sig)),
        kommune,
        year,
        level=level,
        indicators=indicators(sig),
        peers=peer_codes(kommune),
    )


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def series(
    sig: warehouse.Signature, indicator_id: str, area_codes: tuple[str, ...]
) -> pd.DataFrame:
    return queries.series(warehouse.cursor(_connection(sig)), indicator_id, area_codes)


@st.cache_data(max_entries=8, ttl=600, show_spinner=False)
def sources(sig: warehouse.Signature) -> dict[str, Any]:
    cur = warehouse.cursor(_connection(sig))
    return {"summary": queries.source_summary(cur)}


@st.cache_data(max_entries=8, ttl=30, show_spinner=False)
def run_history(sig: warehouse.Signature) -> pd.DataFrame:
    # Short-lived: a failed run leaves the warehouse (and so the signature) as it was, and
    # is only in the runs log, which should show it soon after.
    return queries.run_history(warehouse.cursor(_connection(sig)))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def district_profile(
    sig: warehouse.Signature,
    kommune: str,
    year: int | None,
    district: str,
    level: str | None = None,
) -> pd.DataFrame:
    ov = overview_data(sig, kommune, year, level)
    return profile.build(warehouse.cursor(_connection(sig)), ov, district)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def sex_breakdown(
    sig: warehouse.Signature, indicator_id: str, area_codes: tuple[str, ...], year: int | None
) -> pd.DataFrame:
    return queries.sex_breakdown(warehouse.cursor(_connection(sig)), indicator_id, area_codes, year)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def district_shapes(
    sig: warehouse.Signature, kommune: str, level: str | None = None
) -> dict[str, str]:
    return queries.district_shapes(warehouse.cursor(_connection(sig)), kommune, level)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def levekar_index(
    sig: warehouse.Signature,
    kommune: str,
    year: int | None,
    components: tuple[str, ...],
    level: str | None = None,
) -> levekar.Levekar:
    ov = overview_data(sig, kommune, year, level)
    return levekar.build(ov.cells, ov.districts, ov.indicators, components)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def kommune_findings(
    sig: warehouse.Signature, kommune: str, year: int | None, lang: str, level: str | None = None
) -> list[narrative.Finding]:
    ov = overview_data(sig, kommune, year, level)
    return narrative.kommune_findings(warehouse.cursor(_connection(sig)), ov, lang)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def deck(
    sig: warehouse.Signature,
    kommune: str,
    district: str | None,
    year: int | None,
    lang: str,
    level: str | None = None,
) -> slides.Deck:
    """The meeting slides for the kommune (and district), with its plan's slides if it has one."""
    return slides.build(
        warehouse.cursor(_connection(sig)),
        kommune,
        district,
        year,
        lang,
        plan=load_plans().get(kommune),
        level=level,
    )
