"""AppTest: a kommune with kommune-level figures but no districts (a peer in the demo
warehouse) shows them against fylke, landet and its peers; district pages say how to get them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import app
from utfordringsbilde import config, overview, peers, queries

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__")
FREDRIKSTAD = "3107"  # a peer of Drammen, Sandnes and Tønsberg: kommune rows, no districts
LARVIK = "3909"  # Tønsberg's peer, in Tønsberg's fylke (Vestfold), which the demo has
NO_DISTRICTS = "Larvik har ingen områder ennå, bare tall for hele kommunen."
EMPTY = "Ingen data for Larvik ennå"


def _started(query: dict[str, str], page: str | None = None) -> AppTest:
    at = app(query, page=page)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _infos(at: AppTest) -> list[str]:
    return [str(i.value) for i in at.info]


def test_the_demo_peer_has_kommune_rows_only(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        assert queries.district_levels(con, FREDRIKSTAD) == []
        rows = con.execute(
            "SELECT count(*) FROM observation WHERE area_code = ?", [FREDRIKSTAD]
        ).fetchone()
        assert rows is not None and rows[0] > 0
        found = queries.kommuner_with_data(con).set_index("area_code")
    assert not found.at[FREDRIKSTAD, "has_districts"]
    assert found.at["3301", "has_districts"]
    assert "4601" not in found.index  # Bergen has nothing in the demo warehouse
    # A peer's fylke comes from the bundled kommune list where the demo has that fylke.
    assert found.at[LARVIK, "fylke_code"] == "39"
    assert pd.isna(found.at[FREDRIKSTAD, "fylke_code"])  # Østfold (31) is not in the demo


def test_peer_group_from_the_kommune_files() -> None:
    kommuner = config.load_kommuner()
    # Its own file's peers for a kommune with one; for a peer, the kommuner that name it.
    assert peers.peer_codes("3301", kommuner) == ["3107", "3105", "4204", "1108"]
    assert peers.peer_codes(FREDRIKSTAD, kommuner) == ["1108", "3301", "3905"]
    assert peers.peer_codes("4601", kommuner) == []


def test_overview_model_compares_with_fylke_landet_and_peers(demo_warehouse: Path) -> None:
    group = peers.peer_codes(FREDRIKSTAD, config.load_kommuner())
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        ov = overview.build(con, FREDRIKSTAD, peers=group)
        latest = queries.latest_values(con, [FREDRIKSTAD, *group])
    assert ov.districts.empty and ov.level is None
    assert list(ov.peer_names) == group
    assert ov.peer_names["3301"] == "Drammen"
    baro = ov.barometer.set_index("indicator_id")
    assert baro["benchmark"].notna().any()  # landet (Østfold, its fylke, is not in the demo)
    # The peer value is the median of the peers' own values in the kommune's period.
    some = baro.index[baro["peer_n"] == len(group)][0]
    period = baro.at[some, "period_to"]
    theirs = latest[
        (latest["indicator_id"] == some)
        & latest["area_code"].isin(group)
        & (latest["period_to"] == period)
        & latest["flag"].isna()
    ]["value"]
    assert len(theirs) == len(group)
    assert baro.at[some, "peer_value"] == pytest.approx(theirs.median())


def test_overview_shows_the_kommune_against_fylke_landet_and_peers(
    demo_warehouse: Path,
) -> None:
    at = _started({"kommune": LARVIK})
    infos = _infos(at)
    assert not [i for i in infos if i.startswith(EMPTY)], infos
    assert any(i.startswith(NO_DISTRICTS) for i in infos), infos
    assert any("refresh --kommune 3909" in i and "data/kommuner/3909.yaml" in i for i in infos)
    assert at.title[0].value == "Utfordringsbilde: Larvik"
    subheaders = [s.value for s in at.subheader]
    assert "Larvik sammenlignet med fylket, landet og sammenlignbare kommuner" in subheaders
    table = at.table[0].value
    assert list(table.columns) == [
        "Larvik",
        "Fylket",
        "Sammenlignbare kommuner (median)",
        "Landet",
        "Sammenlignet med landet",
    ]
    assert len(table) > 10
    for column in ("Larvik", "Fylket", "Sammenlignbare kommuner (median)", "Landet"):
        assert (table[column] != "..").sum() > len(table) // 2, column
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("Sammenlignbare kommuner: Tønsberg. Verdien er medianen") for c in captions
    )
    assert 'data-testid="ub-heatmap"' not in "".join(h.proto.body for h in at.html)
    assert at.sidebar.selectbox(key="kommune").value == LARVIK


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_a_kommune_without_districts(
    demo_warehouse: Path, page: str
) -> None:
    at = _started({"kommune": LARVIK}, page=page)
    assert at.title
    infos = _infos(at)
    assert not [i for i in infos if i.startswith(EMPTY)], infos
    assert not at.error, [e.value for e in at.error]
    if page in ("distrikt", "levekar"):
        assert any(i.startswith(NO_DISTRICTS) for i in infos), infos


def test_indicator_page_compares_and_offers_peers_in_the_trend(demo_warehouse: Path) -> None:
    at = _started({"kommune": LARVIK}, page="indikator")
    assert any(i.startswith(NO_DISTRICTS) for i in _infos(at))
    table = at.table[0].value
    assert len(table) == 1 and "Sammenlignbare kommuner (median)" in table.columns
    trend = at.multiselect(key="indikator_omrader")
    assert trend.options == ["Tønsberg"]
    trend.set_value(["3905"]).run()
    assert not at.exception
    assert at.query_params["omrader"] == "3905"


def test_a_kommune_with_districts_keeps_its_heat_map(demo_warehouse: Path) -> None:
    at = _started({"kommune": "3301"})
    assert 'data-testid="ub-heatmap"' in "".join(h.proto.body for h in at.html)
    assert not any(i.startswith("Drammen har ingen områder") for i in _infos(at))
