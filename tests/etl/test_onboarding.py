"""Onboarding a kommune that is not in the repository, by the README's steps, offline first:
its own district GeoJSON and an import file, then a live refresh that keeps the import.

Bergen (4601) is onboarded with two districts of its own that list no grunnkretser (it has
real boundaries and real figures, no grunnkrets mapping) in a copy of `data/`, as a kommune
running its own instance would: the three seed kommuner are left out of the copy, which keeps
the demo build short. The CLI steps run as the README writes them (`python -m etl …`) with
`UB_DATA_DIR` pointing at the copy; the pages are opened with AppTest; the live refresh goes
over real HTTP to the loopback APIs.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import refresh
from etl.http import Client
from tests.app.apptest import app
from tests.conftest import ROOT, env_with
from tests.etl.conftest import FAST
from tests.etl.fakeapi import FakeApis
from utfordringsbilde import queries
from utfordringsbilde.config import Catalog, load_kommuner

KOMMUNE = "4601"
IND = "ungdata_mobbet"

# The kommune file, written as data/kommuner/3301.yaml's header says: number, fylke, history,
# comparators and districts; districts without grunnkretser, and the boundaries file beside it.
KOMMUNE_FILE = """\
code: "4601"
name: Bergen
fylke: {code: "46", name: Vestland}
history:
  - {code: "1201", valid_from: null, valid_to: 2019-12-31}
  - {code: "4601", valid_from: 2020-01-01, valid_to: null}
comparators:
  fylke: true
  landet: true
  peers: []
districts:
  level_name: {nb: bydel, nn: bydel, en: borough}
  geojson: 4601-bydeler.geojson
  items:
    - code: 4601-01
      name: Arna
    - code: 4601-02
      name: Bergenhus
"""


def _ring(x: float, y: float) -> list[list[list[float]]]:
    return [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.05], [x, y + 0.05], [x, y]]]


# As a kommune's GIS office exports its bydeler: SSB's bydel number and name as properties.
BYDELER = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"bydelnr": "460101", "bydelnavn": "Arna"},
            "geometry": {"type": "Polygon", "coordinates": _ring(5.45, 60.40)},
        },
        {
            "type": "Feature",
            "properties": {"bydelnr": "460102", "bydelnavn": "Bergenhus"},
            "geometry": {"type": "Polygon", "coordinates": _ring(5.30, 60.38)},
        },
    ],
}

# The import template's columns (data/templates/lokale-data-mal.csv), one row per district.
IMPORT_FILE = """\
indikator;omrade;periode;teller;nevner;verdi;kjonn;kilde;kontakt
ungdata_mobbet;Arna;2024;42;400;;alle;Ungdata 2024;ungdata@bergen.kommune.no
ungdata_mobbet;4601-02;2024;66;600;;alle;Ungdata 2024;ungdata@bergen.kommune.no
"""


def _cli(data: Path, *args: str) -> str:
    """One README command, `.venv/bin/python -m etl …`, against the copied data folder."""
    env = env_with(
        UB_DATA_DIR=str(data),
        UB_WAREHOUSE=str(data / "warehouse.duckdb"),
        UB_RUNS_LOG=str(data / "runs.jsonl"),
        UB_NOTES=str(data / "notes.duckdb"),
        UB_PROGRESS="0",
    )
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _started(page: str, query: dict[str, str]) -> AppTest:
    at = app(query, page=page)
    for _ in range(3):  # the first run is Streamlit's legacy pages/ mode
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shapes(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {c: json.loads(t) for c, t in queries.district_shapes(con, KOMMUNE).items()}


def _imported(warehouse: Path) -> dict[str, tuple[float, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT area_code, value, source FROM observation WHERE indicator_id = ? "
            "AND period_to = 2024 AND sex = 'all' AND area_code LIKE '4601%'",
            [IND],
        ).fetchall()
    return {a: (round(v, 1), s) for a, v, s in rows}


def test_onboard_a_new_kommune_offline_then_refresh_live(
    tmp_path: Path, api: FakeApis, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1. "Copy one of data/kommuner/*.yaml to data/kommuner/<kommunenummer>.yaml" (README),
    #    with the district boundaries beside it.
    data = tmp_path / "data"
    shutil.copytree(
        ROOT / "data",
        data,
        ignore=shutil.ignore_patterns("kommuner", "cache", "*.duckdb*", "*.jsonl"),
    )
    folder = data / "kommuner"
    folder.mkdir()
    (folder / f"{KOMMUNE}.yaml").write_text(KOMMUNE_FILE, encoding="utf-8")
    (folder / "4601-bydeler.geojson").write_text(json.dumps(BYDELER), encoding="utf-8")

    # 2. The check the kommune file's header gives, then the offline build (`make run` without
    #    the APIs runs `etl ensure`, which builds the demo data).
    _cli(data, "-c", "from utfordringsbilde.config import load_kommuner; load_kommuner()")
    out = _cli(data, "-m", "etl", "ensure", "--offline")
    assert "Demo warehouse built" in out
    warehouse = data / "warehouse.duckdb"

    # The map data are the kommune's own boundaries, as the file draws them.
    shapes = _shapes(warehouse)
    assert sorted(shapes) == ["4601-01", "4601-02"]
    assert shapes["4601-01"]["geometry"] == BYDELER["features"][0]["geometry"]
    assert shapes["4601-02"]["properties"]["name"] == "Bergenhus"

    # 3. Import the kommune's own figures (README: "Import the kommune's own data").
    (tmp_path / "lokale-data.csv").write_text(IMPORT_FILE, encoding="utf-8")
    out = _cli(data, "-m", "etl", "import", str(tmp_path / "lokale-data.csv"), "--kommune", KOMMUNE)
    assert "Imported" in out
    imported = _imported(warehouse)
    # 42/400 and 66/600; the kommune row summed from the districts: 108/1000
    assert imported == {
        "4601-01": (10.5, "local"),
        "4601-02": (11.0, "local"),
        "4601": (10.8, "local"),
    }

    # 4. The pages: the overview shows the imported indicator per district, the Indikator
    #    page draws the kommune's own boundaries, and the banner speaks of values only.
    monkeypatch.setenv("UB_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("UB_RUNS_LOG", str(data / "runs.jsonl"))
    monkeypatch.setenv("UB_NOTES", str(data / "notes.duckdb"))
    at = _started("oversikt", {"kommune": KOMMUNE})
    html = " ".join(h.proto.body for h in at.get("html"))
    assert 'data-testid="ub-heatmap"' in html
    assert "Arna · Ungdom som blir mobbet (Ungdata): 10,5\u00a0%" in html
    assert "Bergenhus · Ungdom som blir mobbet (Ungdata): 11,0\u00a0%" in html
    banner = " ".join(w.value for w in at.warning)
    assert "simulerte" in banner and "eksempelgruppering" not in banner
    at = _started("indikator", {"kommune": KOMMUNE, "indikator": "trangboddhet"})
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    outline = next(f for f in figures if any(tr.get("fill") == "toself" for tr in f["data"]))
    assert sum(tr.get("fill") == "toself" for tr in outline["data"]) == 2
    assert "kommunens egen fil" in " ".join(c.value for c in at.caption)

    # 5. Later, the APIs answer: `python -m etl refresh --kommune 4601 --replace-demo`
    #    (README: "Live data"), here over loopback HTTP. The import stays, and so does the map.
    monkeypatch.setenv("UB_CACHE_DIR", str(tmp_path / "cache"))
    log = io.StringIO()
    code = refresh.main(
        [KOMMUNE],
        client=Client(FAST),
        target=warehouse,
        runs_log=data / "runs.jsonl",
        catalog=catalog,
        config=load_kommuner(folder),
        kommune_folder=folder,
        out=log,
        today=date(2026, 6, 1),
        replace_demo=True,
    )
    assert code == 0, log.getvalue()
    assert "Replacing the demo data" in log.getvalue()
    assert _imported(warehouse) == imported
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'mode'").fetchone() == ("live",)
    assert _shapes(warehouse) == shapes
    # Its districts list no grunnkretser: the population roll-up says it is not available there.
    assert "4601-01, 4601-02 list no grunnkretser" in log.getvalue()
