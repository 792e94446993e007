"""Overview and district profile for a kommune with no observations: empty models, no crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from utfordringsbilde import overview, profile


def test_a_kommune_without_observations_gives_empty_models(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    path = tmp_path / "empty.duckdb"
    shutil.copy(demo_warehouse, path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "DELETE FROM observation WHERE area_code = '3905' OR area_code IN "
            "(SELECT area_code FROM area WHERE parent_code = '3905')"
        )
        ov = overview.build(con, "3905")
        assert ov.cells.empty and ov.barometer.empty
        assert not ov.districts.empty  # the districts are there, they just have no data
        prof = profile.build(con, ov, str(ov.districts["area_code"].iloc[0]))
    assert prof.empty
    assert list(prof.columns) == profile.PROFILE_COLUMNS
    assert prof["spine_x"].dtype == float
