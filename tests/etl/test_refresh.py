"""The live refresh end to end over loopback HTTP: data, code changes, faults, carry-over, swap."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import refresh
from etl.http import Client
from etl.load import LoadError, read_runs
from tests.etl.conftest import FAST, Paths
from tests.etl.fakeapi import FIXTURES, FakeApis, Fault
from utfordringsbilde.config import Catalog, Kommune

KOMMUNER = FIXTURES / "kommuner"
# Shorter read timeout for the fault cases (the emulator answers in milliseconds).
IMPATIENT = dataclasses.replace(FAST, read_timeout=0.25, max_attempts=3)
KEY = ["indicator_id", "area_code", "period_from", "period_to", "sex", "age_group"]


def run(
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    client: Client | None = None,
    out: io.StringIO | None = None,
    **kw: object,
) -> int:
    return refresh.main(
        client=client or Client(FAST),
        target=paths.warehouse,
        runs_log=paths.runs,
        catalog=catalog,
        config=config,
        kommune_folder=KOMMUNER,
        out=out or io.StringIO(),
        **kw,  # type: ignore[arg-type]
    )


def observations(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute("SELECT * EXCLUDE (etl_run_id) FROM observation ORDER BY ALL").df()
    return frame.reset_index(drop=True)


def meta(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def baseline(
    _server: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """A clean live warehouse built once; tests copy it as 'the previous warehouse'."""
    folder = tmp_path_factory.mktemp("baseline")
    with pytest.MonkeyPatch.context() as mp:
        _server.reset()
        for k, v in _server.bases.items():
            mp.setenv(k, v)
        mp.setenv("UB_PROGRESS", "0")
        run(catalog, config, Paths(folder / "warehouse.duckdb", folder / "runs.jsonl"))
        yield folder / "warehouse.duckdb"


@pytest.fixture
def previous(baseline: Path, paths: Paths) -> Path:
    """The baseline copied to the test's own warehouse path."""
    shutil.copyfile(baseline, paths.warehouse)
    return paths.warehouse


# ------------------------------------------------------------------------ the happy path


def test_refresh_loads_every_source(baseline: Path):
    obs = observations(baseline)
    got = obs.groupby(["indicator_id", "source"]).size().to_dict()
    assert got == {
        ("barn_0_17", "ssb"): 35,
        ("barn_plassert", "ssb"): 35,
        # 70 for the areas, 20 for two of Tønsberg's levekårssoner (GEO children in table 337)
        ("barnevernstiltak", "fhi"): 90,
        ("psykiske_plager", "fhi"): 105,
        ("barn_enslige_forsorgere", "fhi"): 35,
        # 04317: Tønsberg and its 2 + 25 + 17 districts at three levels, 5 years each
        ("befolkning", "ssb"): 225,
        # 04362: the same areas as 04317; 06944: Tønsberg's 17 delområder only, 5 years each
        ("barn_0_17_grunnkretser", "ssb"): 225,
        ("husholdninger_enslig_forsorger", "ssb"): 85,
    }
    # kommune, its fylke, landet and the peers; below them only districts
    areas = set(obs.area_code)
    assert {a for a in areas if len(a) <= 4} == {"3301", "3905", "1108", "3107", "33", "39", "0"}
    assert all(a.startswith("3905") for a in areas if len(a) > 4)
    assert obs.source_updated.notna().all()
    m = meta(baseline)
    assert m["mode"] == "live" and m["kommuner"] == "3301,3905"
    missing = json.loads(m["missing_indicators"])
    assert set(missing) == {"unge_utenfor", "royking_svangerskap", "ungdata_mobbet"}
    assert "no SSB table titled like" in missing["unge_utenfor"]
    assert "royking" in missing["royking_svangerskap"]
    assert "not been imported" in missing["ungdata_mobbet"]


def test_code_lists_give_one_series_and_strip_prefixes(baseline: Path):
    obs = observations(baseline)
    pop = obs[obs.indicator_id == "barn_0_17"].set_index(["area_code", "period_to"])["value"]
    assert pop[("3301", 2024)] == 21400  # K-3301, Kjonn eliminated (summed)
    assert pop[("3301", 2020)] > 21000  # agg_KommSummer carries Drammen back through 3005
    assert pop[("0", 2024)] == 1_118_000 and pop[("33", 2024)] == 56_500  # '0' and F-33
    flagged = obs[(obs.indicator_id == "barn_0_17") & obs.flag.notna()]
    assert flagged[["area_code", "period_to", "flag"]].values.tolist() == [["39", 2020, ".."]]
    assert flagged.value.isna().all()


def test_changed_kommune_number_maps_to_the_current_one(baseline: Path):
    obs = observations(baseline)
    placed = obs[obs.indicator_id == "barn_plassert"]
    drammen = placed[placed.area_code == "3301"].sort_values("period_to")
    # 2020-2023 arrive under 3005, 2024 under 3301: one series under 3301.
    assert drammen.period_to.tolist() == [2020, 2021, 2022, 2023, 2024]
    assert drammen.value.notna().all() and drammen.flag.isna().all()
    assert not placed.area_code.isin(["3005", "3803", "3004"]).any()
    tonsberg = placed[placed.area_code == "3905"].set_index("period_to")
    assert tonsberg.loc[2022, "flag"] == ":"  # suppressed under 3803 in 2022
    assert pd.isna(tonsberg.loc[2022, "numerator"])
    # The table gives count and share; the denominator is derived for the interval.
    row = drammen.iloc[-1]
    assert row.denominator == round(row.numerator * 100 / row.value)
    assert row.ci_low < row.value < row.ci_high


def test_fhi_flags_sex_and_three_year_periods(baseline: Path):
    obs = observations(baseline)
    psyk = obs[obs.indicator_id == "psykiske_plager"]
    assert set(psyk.sex) == {"all", "male", "female"}
    cell = psyk[(psyk.area_code == "3905") & (psyk.sex == "male") & (psyk.period_to == 2021)]
    assert cell.flag.tolist() == [":"] and cell.value.isna().all() and cell.numerator.isna().all()
    bv = obs[(obs.indicator_id == "barnevernstiltak") & (obs.area_code == "3905")]
    assert bv[bv.period_to == 2015].flag.tolist() == [".."]
    ensl = obs[obs.indicator_id == "barn_enslige_forsorgere"]
    assert sorted(set(zip(ensl.period_from, ensl.period_to, strict=True))) == [
        (y - 2, y) for y in range(2020, 2025)
    ]


def test_fhi_bodies_name_every_dimension_once(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
):
    run(catalog, config, paths, sources=["fhi"])
    for seen in api.log:
        if seen.method == "POST" and seen.path.startswith("/fhi/"):
            table = seen.path.split("/")[-2]
            dims = json.loads((FIXTURES / "fhi" / f"{table}-dimension.json").read_text())
            codes = [d["code"] for d in dims["dimensions"]]
            assert [d["code"] for d in seen.body["dimensions"]] == codes
            assert seen.body["response"]["format"] == "json-stat2"
            assert seen.body["response"]["maxRowCount"] >= 1
    # table 900's INNVKAT is not in the catalog: its total category is chosen.
    body = next(s.body for s in api.log if s.path.endswith("/900/data"))
    assert {"code": "INNVKAT", "filter": "item", "values": ["0"]} in body["dimensions"]


def test_ssb_queries_follow_the_api(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
):
    run(catalog, config, paths, sources=["ssb"])
    posts = [s for s in api.log if s.method == "POST" and s.path.startswith("/ssb/")]
    assert posts and all(s.query == {"lang": ["no"], "outputFormat": ["json-stat2"]} for s in posts)
    for s in posts:
        for item in s.body["selection"]:
            assert set(item) <= {"variableCode", "valueCodes", "codelist"}
            codes = [c.casefold() for c in item["valueCodes"]]
            assert len(codes) == len(set(codes))
    lists = {(i["variableCode"], i.get("codelist")) for s in posts for i in s.body["selection"]}
    assert ("Region", "agg_KommSummer") in lists and ("Region", "agg_KommFylker") in lists
    gets = [s for s in api.log if s.path.endswith("/metadata")]
    assert all(s.query["lang"] == ["no"] for s in gets)


def test_klass_names_areas_and_gives_peers_their_fylke(baseline: Path):
    with duckdb.connect(str(baseline), read_only=True) as con:
        area = dict(con.execute("SELECT area_code, name FROM area").fetchall())
        parent = dict(
            con.execute(
                "SELECT area_code, parent_code FROM area WHERE level = 'kommune'"
            ).fetchall()
        )
        shapes = dict(con.execute("SELECT area_code, geojson FROM area_shape").fetchall())
    assert area["33010101"] == "Bragernes 1 (33010101)"  # real codes get KLASS names
    assert area["39050101"] == "Grunnkrets 39050101"  # demo codes are left alone
    assert area["42"] == "Agder"
    assert parent["1108"] == "11" and parent["3107"] == "31"
    kommune = json.loads(shapes["3301"])
    assert kommune["type"] == "Feature" and kommune["geometry"]["type"] == "MultiPolygon"
    assert "crs" not in kommune["geometry"]
    assert json.loads(shapes["3301-D02"])["properties"]["name"] == "Strømsø"


def test_summary_and_progress(
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setenv("UB_PROGRESS", "1")
    out = io.StringIO()
    run(catalog, config, paths, out=out)
    text = out.getvalue()
    assert "Live refresh done" in text
    assert "ssb     barn_0_17" in text and "fhi     psykiske_plager" in text
    assert "Missing indicators (3):" in text and "royking_svangerskap:" in text
    err = capsys.readouterr().err
    assert "tables" in err and "requests" in err and "rows" in err


# ------------------------------------------------------------------------ faults that pass

RECOVERABLE = {
    "429 with Retry-After": (
        "POST /ssb/tables/12275/data",
        [Fault.problem(429, "Too many requests", **{"Retry-After": "1"})],
    ),
    "503 then success": ("POST /fhi/nokkel/table/337/data", [Fault.problem(503, "Vedlikehold")]),
    "read timeout": ("GET /fhi/nokkel/table/370/dimension", [Fault("sleep", seconds=0.4)]),
    "reset mid-body": ("POST /ssb/tables/07459/data", [Fault("reset")]),
    "truncated JSON": ("POST /fhi/nokkel/table/900/data", [Fault("truncate")]),
    "too many cells (400)": (
        "POST /ssb/tables/12275/data",
        [Fault.problem(400, "Too many cells selected")],
    ),
    "KLASS 502": ("GET /klass/classifications/131/changes", [Fault.problem(502, "Bad gateway")]),
}


@pytest.mark.parametrize("case", list(RECOVERABLE))
def test_recoverable_faults_give_the_same_data(
    case: str,
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    baseline: Path,
):
    route, faults = RECOVERABLE[case]
    api.fault(route, *faults)
    assert run(catalog, config, paths, client=Client(IMPATIENT)) == 0
    pd.testing.assert_frame_equal(
        observations(paths.warehouse).drop(columns="source_updated"),
        observations(baseline).drop(columns="source_updated"),
    )
    assert api.hits(route.replace(" ", " ")) >= 2  # the fault was met and retried/split


# ------------------------------------------------------------------------ faults that fail

FATAL = {
    "503 forever": (
        "POST /ssb/tables/12275/data",
        [dataclasses.replace(Fault.problem(503, "Oppdatering"), times=None)],
        ["ssb table 12275", "HTTP 503", "gave up after"],
    ),
    "timeout forever": (
        "POST /fhi/nokkel/table/337/data",
        [Fault("sleep", seconds=0.4, times=None)],
        ["fhi table 337", "timed out"],
    ),
    "truncated JSON forever": (
        "POST /fhi/nokkel/table/370/data",
        [Fault("truncate", times=None)],
        ["fhi table 370", "invalid JSON from"],
    ),
    "reset forever": (
        "GET /ssb/tables/07459/metadata",
        [Fault("reset", times=None)],
        ["ssb table 07459", "connection failed"],
    ),
    "too many cells forever": (
        "POST /ssb/tables/12275/data",
        [dataclasses.replace(Fault.problem(400, "Too many cells selected"), times=None)],
        ["ssb table 12275", "Too many cells selected"],
    ),
    # PxWebApi never sends the spec's 403 for too many cells: a 403 is a table closed to the
    # API, which no split or retry changes.
    "403 table not open to the API": (
        "POST /ssb/tables/07459/data",
        [Fault.problem(403, "The query resulted in cell that exceeds the number of allowed")],
        ["ssb table 07459", "not open to the API"],
    ),
    "500 empty body": (
        "POST /ssb/tables/07459/data",
        [Fault("empty", status=500)],
        ["ssb table 07459", "HTTP 500", "(empty body)"],
    ),
    "400 non-existent value": (
        "POST /ssb/tables/07459/data",
        [Fault.problem(400, "Non-existent value")],
        ["ssb table 07459", "HTTP 400", "Non-existent value"],
    ),
    "KLASS down": (
        "GET /klass/classifications/131/changes",
        [Fault("empty", status=404)],
        ["klass 131 changes", "HTTP 404"],
    ),
    "Kartverket 404": (
        "GET /geo/kommuner/3301/omrade",
        [Fault("empty", status=404)],
        # 3301 is not in the grunnkrets download: its outline comes from Kartverket, asked by
        # the download's step, which the error names.
        ["geonorge_download grunnkretser", "/kommuner/3301/omrade", "HTTP 404"],
    ),
}


@pytest.mark.parametrize("case", list(FATAL))
def test_fatal_faults_keep_the_old_warehouse(
    case: str,
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    previous: Path,
):
    route, faults, words = FATAL[case]
    api.fault(route, *faults)
    before = digest(previous)
    with pytest.raises(LoadError) as err:
        run(catalog, config, paths, client=Client(IMPATIENT))
    for word in words:
        assert word in str(err.value)
    assert digest(previous) == before
    assert not [p for p in previous.parent.iterdir() if ".tmp-" in p.name]
    runs = read_runs(paths.runs)
    assert runs[-1].status == "failed" and words[0] in (runs[-1].message or "")


def test_a_failed_run_reaches_the_dashboard_with_its_cause(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, previous: Path
):
    from utfordringsbilde import queries

    api.fault("POST /ssb/tables/07459/data", Fault.problem(400, "Non-existent value"))
    with pytest.raises(LoadError):
        run(catalog, config, paths)
    with duckdb.connect(str(previous), read_only=True) as con:
        runs = queries.run_history(con, paths.runs)
    failed, built = runs.iloc[0], runs[runs["current"]].iloc[0]
    assert failed["status"] == "failed" and bool(failed["after_build"])
    assert "ssb table 07459" in failed["message"] and "Non-existent value" in failed["message"]
    assert built["status"] in ("ok", "partial") and not bool(built["after_build"])
    assert "unge_utenfor" in (built["message"] or "")  # the baseline's partial cause


def test_a_trickling_table_fails_at_the_request_deadline(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, previous: Path
):
    """Issue 15: a body trickled 1 byte every 2 s no longer holds a run for minutes."""
    api.fault("POST /fhi/nokkel/table/337/data", Fault("trickle", seconds=2.0, times=None))
    before = digest(previous)
    client = Client(dataclasses.replace(IMPATIENT, read_timeout=5.0, request_deadline=1.0))
    start = time.monotonic()
    with pytest.raises(LoadError) as err:
        run(catalog, config, paths, client=client)
    assert time.monotonic() - start < 15
    assert "fhi table 337" in str(err.value)
    assert "request deadline of 1 s" in str(err.value)
    assert digest(previous) == before


def test_the_run_deadline_names_source_table_and_limit(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, previous: Path
):
    api.fault("POST /fhi/nokkel/table/337/data", Fault("trickle", seconds=0.2, times=None))
    client = Client(dataclasses.replace(IMPATIENT, request_deadline=30.0, run_deadline=2.0))
    start = time.monotonic()
    with pytest.raises(LoadError) as err:
        run(catalog, config, paths, client=client)
    assert time.monotonic() - start < 10
    assert "fhi table 337" in str(err.value)
    assert "the run's deadline of 2 s" in str(err.value)
    assert read_runs(paths.runs)[-1].status == "failed"


def test_an_oversize_answer_fails_with_the_sources_limit(
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    previous: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    from etl.sources import REGISTRY

    monkeypatch.setattr(type(REGISTRY["fhi"]), "max_response_bytes", 2**20)
    api.fault("POST /fhi/nokkel/table/337/data", Fault("flood", size=64 * 2**20))
    with pytest.raises(LoadError) as err:
        run(catalog, config, paths, client=Client(IMPATIENT))
    assert "fhi table 337" in str(err.value)
    assert "larger than the 1.0 MB limit for fhi" in str(err.value)


def test_renamed_dimension_fails_clearly(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, previous: Path
):
    api.renames["337"] = {"KJONN": "KJOENN"}
    before = digest(previous)
    with pytest.raises(LoadError) as err:
        run(catalog, config, paths)
    msg = str(err.value)
    assert "fhi table 337" in msg and "'KJONN'" in msg and "KJOENN" in msg and "renamed" in msg
    assert digest(previous) == before
    assert read_runs(paths.runs)[-1].status == "failed"


def test_missing_category_names_it(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
):
    ind = catalog.get("barnevernstiltak")
    src = ind.source.model_copy(update={"selection": {"KJONN": ["0"], "ALDER": ["0_18"]}})
    bad = catalog.model_copy(
        update={
            "indicators": [
                i if i.id != ind.id else ind.model_copy(update={"source": src})
                for i in catalog.indicators
            ]
        }
    )
    with pytest.raises(LoadError, match=r"fhi table 337.*ALDER.*no category 0_18"):
        run(bad, config, paths, sources=["fhi"])


def test_unknown_district_in_geojson_fails(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, tmp_path: Path
):
    folder = tmp_path / "kommuner"
    folder.mkdir()
    doc = json.loads((KOMMUNER / "3301-districts.geojson").read_text())
    doc["features"][1]["properties"] = {"navn": "Gulskogen"}
    (folder / "3301-districts.geojson").write_text(json.dumps(doc))
    with pytest.raises(LoadError, match=r"geonorge kommune 3301.*unknown districts.*Gulskogen"):
        refresh.main(
            client=Client(FAST),
            target=paths.warehouse,
            runs_log=paths.runs,
            catalog=catalog,
            config=config,
            kommune_folder=folder,
            out=io.StringIO(),
            sources=["geonorge"],
        )


def test_a_renumbered_peer_is_caught(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
):
    k = config["3905"]
    peers = k.comparators.model_copy(
        update={"peers": [k.comparators.peers[0].model_copy(update={"code": "3005"})]}
    )
    bad = {**config, "3905": k.model_copy(update={"comparators": peers})}
    with pytest.raises(LoadError, match=r"3005 in data/kommuner/3905.yaml.*it is now 3301"):
        run(catalog, bad, paths, sources=["klass"])


def test_unknown_kommune_or_source_is_refused(
    catalog: Catalog, config: dict[str, Kommune], paths: Paths
):
    with pytest.raises(LoadError, match="no kommune 9999: neither a kommune file"):
        run(catalog, config, paths, kommuner=["9999"])
    with pytest.raises(LoadError, match="unknown sources udir"):
        run(catalog, config, paths, sources=["udir"])


# ------------------------------------------------------------------------ partial runs


def test_refreshing_one_source_carries_the_others(
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    previous: Path,
    baseline: Path,
):
    run(catalog, config, paths, sources=["fhi"])
    assert api.hits(r"^POST /ssb/") == 0
    new, old = observations(previous), observations(baseline)
    pd.testing.assert_frame_equal(new, old)  # ssb carried as it was, fhi fetched again
    m = meta(previous)
    assert m["refreshed_sources"] == "fhi" and m["mode"] == "live"
    # Every outline is carried: 3 kommuner, 1 own district file and the dissolved levels.
    with duckdb.connect(str(baseline), read_only=True) as con:
        shapes = con.execute("SELECT count(*) FROM area_shape").fetchone()[0]
    with duckdb.connect(str(previous), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM area_shape").fetchone()[0] == shapes > 4


def test_one_source_over_demo_data_declares_the_rest_missing(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, previous: Path
):
    with duckdb.connect(str(previous)) as con:  # pretend the old file is demo data
        con.execute("UPDATE meta SET value = 'demo' WHERE key = 'mode'")
    run(catalog, config, paths, sources=["ssb"], replace_demo=True)
    obs = observations(previous)
    assert set(obs.source) == {"ssb"}
    missing = json.loads(meta(previous)["missing_indicators"])
    assert missing["barnevernstiltak"] == "fhi was not refreshed in this run"


def test_a_refresh_over_demo_data_is_an_explicit_step_that_keeps_imports(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, previous: Path
):
    from etl.sources import local

    with duckdb.connect(str(previous)) as con:  # pretend the old file is demo data
        con.execute("UPDATE meta SET value = 'demo' WHERE key = 'mode'")
    text = (
        "indikator;omrade;periode;teller;nevner\n"
        "ungdata_mobbet;3301-D01;2024;30;300\nungdata_mobbet;3301-D02;2024;40;320\n"
    )
    checked = local.check(text.encode(), "ungdata.csv", catalog=catalog, kommuner=config)
    local.load(checked, target=previous, runs_log=paths.runs, catalog=catalog, kommuner=config)
    before = digest(previous)
    simulated = int((observations(previous).source != "local").sum())
    with pytest.raises(LoadError, match="--replace-demo") as info:
        run(catalog, config, paths, sources=["geonorge"])
    assert (
        f"removes its {simulated} simulated observations and keeps the 3 rows imported"
        in str(info.value)
    )
    assert digest(previous) == before  # refused: nothing changed
    out = io.StringIO()
    run(catalog, config, paths, sources=["geonorge"], replace_demo=True, out=out)
    assert "Replacing the demo data" in out.getvalue()
    obs = observations(previous)
    assert set(obs.source) == {"local"}  # the simulated rows went, the import stayed
    assert sorted(obs.area_code) == ["3301", "3301-D01", "3301-D02"]
    assert meta(previous)["mode"] == "live" and "ungdata.csv" in meta(previous)["imports"]


def test_a_partial_refresh_keeps_what_a_failing_step_could_not_replace(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths, previous: Path
):
    with duckdb.connect(str(previous), read_only=True) as con:
        old = con.execute(
            "SELECT count(*) FROM observation WHERE indicator_id = 'barnevernstiltak'"
        ).fetchone()
    # An unverified step that the source finds wrong declares its indicators missing; the
    # rows an earlier run gave for them stay.
    unverified = catalog.model_copy(
        update={
            "indicators": [
                i.model_copy(update={"source": i.source.model_copy(update={"verified": False})})
                if i.id == "barnevernstiltak"
                else i
                for i in catalog.indicators
            ]
        }
    )
    api.fault("POST /fhi/nokkel/table/337/data", Fault.problem(400, "Bad dimension"))
    run(unverified, config, paths, sources=["fhi"])
    with duckdb.connect(str(previous), read_only=True) as con:
        kept = con.execute(
            "SELECT count(*) FROM observation WHERE indicator_id = 'barnevernstiltak'"
        ).fetchone()
        last = read_runs(paths.runs)[-1]
        stored = con.execute(
            "SELECT status, message FROM etl_run WHERE run_id = ?", [last.run_id]
        ).fetchone()
    assert kept == old and old[0] > 0
    assert last.status == "partial" and "barnevernstiltak: fhi table 337" in (last.message or "")
    assert stored == (last.status, last.message)  # the dashboard reads the same record


def test_refreshing_one_kommune_keeps_the_other(
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    previous: Path,
    baseline: Path,
):
    run(catalog, config, paths, kommuner=["3905"])
    assert meta(previous)["kommuner"] == "3301,3905"
    # 3905 asks for itself, its peer 3301, 39 and landet; 1108, 3107 and 33 are carried over.
    pd.testing.assert_frame_equal(observations(previous), observations(baseline))
    geo = next(s.body for s in api.log if s.path.endswith("/337/data"))["dimensions"][0]
    # ... and the levekårssoner below 3905 that the table lists (not its peer's districts).
    assert geo["values"] == ["0", "39", "3905", "3301", "3905000001", "3905000002"]


def test_first_run_for_one_kommune_holds_only_it(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
):
    run(catalog, config, paths, kommuner=["3905"])
    assert meta(paths.warehouse)["kommuner"] == "3905"
    areas = set(observations(paths.warehouse).area_code)
    # Its districts at every level come along; no other kommune's.
    assert {a for a in areas if len(a) <= 4} == {"3905", "3301", "39", "0"}
    assert all(a.startswith("3905") for a in areas if len(a) > 4)


# ------------------------------------------------------------------------ reachability


def test_apis_reachable(api: FakeApis, monkeypatch: pytest.MonkeyPatch):
    assert refresh.apis_reachable(timeout=1.0)
    api.fault("GET /fhi/Common/source", Fault("sleep", seconds=3.0))
    start = time.monotonic()
    assert not refresh.apis_reachable(timeout=0.3)
    assert time.monotonic() - start < 2.0  # did not wait for the slow answer
    monkeypatch.setenv("UB_SSB_BASE", "http://127.0.0.1:9/ssb")
    assert not refresh.apis_reachable(timeout=0.5)


# ------------------------------------------------------------------------ concurrent reader

READER = textwrap.dedent(
    """
    import os, sys, time, duckdb
    path, stop, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    # held: one connection across every swap (the dashboard between reloads);
    # fresh: a new connection for each read (the dashboard after it sees a new version).
    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    print("ready", flush=True)
    while not os.path.exists(stop):
        try:
            con = held or duckdb.connect(path, read_only=True)
            v = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
            n = con.execute("SELECT count(*) FROM observation").fetchone()[0]
            print(mode, v, n, flush=True)
            if held is None:
                con.close()
        except Exception as e:
            print("ERROR", mode, type(e).__name__, e, flush=True)
        time.sleep(0.005)
    """
)


def test_a_reader_sees_old_or_new_data_never_an_error(
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    previous: Path,
    tmp_path: Path,
):
    old_version = meta(previous)["data_version"]
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(previous), str(stop), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("held", "fresh")
    ]
    versions = {old_version}
    try:
        for r in readers:
            assert r.stdout is not None and r.stdout.readline().strip() == "ready"
        for _ in range(3):
            run(catalog, config, paths)
            versions.add(meta(previous)["data_version"])
            time.sleep(0.1)
    finally:
        stop.touch()
        outputs = [r.communicate(timeout=20) for r in readers]
    (held, _), (fresh, _) = outputs
    for out, err in outputs:
        assert not [ln for ln in out.splitlines() if ln.startswith("ERROR")], out + err
    held_seen = {ln.split()[1] for ln in held.splitlines()}
    fresh_seen = {ln.split()[1] for ln in fresh.splitlines()}
    assert held_seen == {old_version}  # the open file stays readable after the swap
    assert fresh_seen <= versions and len(fresh_seen) >= 2  # old, then new ones
    counts = {int(ln.split()[2]) for ln in (held + fresh).splitlines()}
    assert counts == {len(observations(previous))}  # never a half-built warehouse
