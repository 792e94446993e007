"""The dashboard's read path: after a rebuild, a new connection in the same process sees the
new file while a connection opened before keeps reading the old one without error."""

from __future__ import annotations

from pathlib import Path

from etl import demo
from utfordringsbilde import warehouse


def test_new_connection_sees_the_swapped_file(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    log = tmp_path / "runs.jsonl"
    first = demo.build(seed=1, target=path, runs_log=log)
    sig1 = warehouse.signature(path)
    old = warehouse.connect(sig1)
    assert warehouse.meta(warehouse.cursor(old))["data_version"] == first.run_id

    second = demo.build(seed=2, target=path, runs_log=log)
    sig2 = warehouse.signature(path)
    assert sig2 != sig1, "a swap must change the signature the cache is keyed on"
    new = warehouse.connect(sig2)
    assert warehouse.meta(warehouse.cursor(new))["data_version"] == second.run_id
    # The old reader is undisturbed: it still sees the data it started with.
    assert warehouse.meta(warehouse.cursor(old))["data_version"] == first.run_id


def test_a_configured_kommune_that_is_also_a_peer_keeps_its_fylke(tmp_path: Path) -> None:
    """Sandnes lists Drammen as a peer; Drammen's own row (fylke 33) must win."""
    from etl.load import config_areas
    from utfordringsbilde.config import load_kommuner

    kommuner = load_kommuner()
    assert any(p.code == "3301" for k in kommuner.values() for p in k.comparators.peers)
    areas = config_areas(kommuner.values()).set_index("area_code")
    for code, k in kommuner.items():
        assert areas.at[code, "parent_code"] == k.fylke.code
