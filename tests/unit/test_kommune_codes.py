"""Old and unknown kommune numbers in links: mapped through the code history, or named unknown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from utfordringsbilde import queries


def test_old_numbers_map_to_today_and_unknown_ones_say_so(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        assert queries.resolve_kommune(con, "3905") == queries.KommuneCode(
            "3905", "3905", "current"
        )
        old = queries.resolve_kommune(con, "3803")
        assert (old.code, old.status, old.valid_to) == ("3905", "renumbered", date(2023, 12, 31))
        older = queries.resolve_kommune(con, "0704")  # before the 2020 reform
        assert (older.code, older.status, older.valid_to) == (
            "3905",
            "renumbered",
            date(2019, 12, 31),
        )
        assert queries.resolve_kommune(con, "3005").code == "3301"
        unknown = queries.resolve_kommune(con, "9999")
        assert (unknown.code, unknown.status) == (None, "unknown")
        assert queries.resolve_kommune(con, "39").status == "unknown"  # a fylke is no kommune
        peer = queries.resolve_kommune(con, "3907")  # a comparison kommune, no districts
        assert (peer.code, peer.status) == ("3907", "no_districts")
