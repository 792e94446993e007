"""The demo warehouse: complete, consistent, suppressed, realistic and deterministic."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import demo
from etl.load import LoadError, read_runs
from utfordringsbilde import disclosure
from utfordringsbilde.config import ConfigError, load_catalog, load_kommuner

ROOT = Path(__file__).resolve().parents[2]

# Indicators with figures the kommunes' own plans and FHI's series give.
BARNEVERN = "barnevernstiltak"
LOW_INCOME = "vedvarende_lavinntekt"
DRAMMEN, SANDNES = "3301", "1108"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder with UB_WAREHOUSE and UB_RUNS_LOG pointing into it, for the whole module."""
    path = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UB_WAREHOUSE", str(path / "warehouse.duckdb"))
        mp.setenv("UB_RUNS_LOG", str(path / "runs.jsonl"))
        yield path


@pytest.fixture(scope="module")
def warehouse(folder: Path) -> Path:
    """The demo warehouse, built once with the default seed."""
    path = folder / "warehouse.duckdb"
    run = demo.build(target=path)
    assert run.status == "ok" and run.rows and run.rows > 0
    return path


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(warehouse), read_only=True) as c:
        yield c


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list:
    return con.execute(sql, params or []).fetchall()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def _fingerprint(path: Path) -> str:
    """A hash of the ordered observation rows, run id left out (it differs by design)."""
    with duckdb.connect(str(path), read_only=True) as c:
        frame = c.execute("SELECT * EXCLUDE (etl_run_id) FROM observation ORDER BY ALL").df()
    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy()).hexdigest()


def _same(a: pd.Series, b: pd.Series) -> bool:
    """Equal element by element, NULL matching NULL."""
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    return bool(((a == b) | (a.isna() & b.isna())).all())


def _count_indicators() -> list[str]:
    return [i.id for i in load_catalog().indicators if demo.is_count(i)]


# --------------------------------------------------------------------------- completeness


def test_every_indicator_for_every_kommune(con: duckdb.DuckDBPyConnection) -> None:
    present = set(
        _rows(con, "SELECT DISTINCT indicator_id, area_code FROM observation WHERE flag IS NULL")
    )
    lacking = [
        (ind.id, k)
        for ind in load_catalog().indicators
        for k in load_kommuner()
        if (ind.id, k) not in present
    ]
    assert not lacking, f"no values for {lacking[:5]}"
    assert _one(con, "SELECT value FROM meta WHERE key = 'missing_indicators'") == "{}"


def test_every_indicator_has_at_least_ten_years(con: duckdb.DuckDBPyConnection) -> None:
    short = _rows(
        con,
        "SELECT indicator_id, area_code, count(DISTINCT period_to) n FROM observation "
        "WHERE area_code IN (SELECT area_code FROM area WHERE level = 'kommune') "
        "GROUP BY ALL HAVING n < 10",
    )
    assert not short
    assert _one(con, "SELECT min(period_to) FROM observation") == 2011
    assert _one(con, "SELECT max(period_to) FROM observation") == 2024


def test_levels_districts_only_where_the_catalog_allows(con: duckdb.DuckDBPyConnection) -> None:
    district_ids = {
        r[0]
        for r in _rows(
            con,
            "SELECT DISTINCT indicator_id FROM observation JOIN area USING (area_code) "
            "WHERE level = 'district'",
        )
    }
    catalog = load_catalog()
    # An indicator whose source publishes other levels only (06944: delområder) has none here.
    from etl import demo

    specs = demo.load_config(demo.DEMO_CONFIG, catalog).indicators
    limited = {
        i
        for i, spec in specs.items()
        if spec.district_levels is not None and "district" not in spec.district_levels
    }
    assert limited == {"husholdninger_enslig_forsorger"}
    assert district_ids == {i.id for i in catalog.indicators if i.district_level} - limited
    assert "husholdninger_enslig_forsorger" in {
        r[0]
        for r in _rows(
            con,
            "SELECT DISTINCT indicator_id FROM observation JOIN area USING (area_code) "
            "WHERE level = 'delomrade'",
        )
    }
    # Grunnkretser are areas (for maps and imports) but the demo has no values for them.
    levels = {
        r[0]
        for r in _rows(con, "SELECT DISTINCT level FROM observation JOIN area USING (area_code)")
    }
    assert levels == {"land", "fylke", "kommune", "district", "levekarssone", "delomrade"}


def test_peers_have_values(con: duckdb.DuckDBPyConnection) -> None:
    peers = {p.code for k in load_kommuner().values() for p in k.comparators.peers}
    if not peers:
        pytest.skip("no peer kommuner configured")
    shown = {
        r[0] for r in _rows(con, "SELECT DISTINCT area_code FROM observation WHERE flag IS NULL")
    }
    assert peers <= shown


# --------------------------------------------------------------------------- consistency


def test_no_duplicate_keys(con: duckdb.DuckDBPyConnection) -> None:
    assert not _rows(
        con,
        "SELECT indicator_id, area_code, period_from, period_to, sex, age_group, count(*) n "
        "FROM observation GROUP BY ALL HAVING n > 1 LIMIT 1",
    )


def test_counts_are_whole_numbers(con: duckdb.DuckDBPyConnection) -> None:
    ids = _count_indicators()
    assert (
        _one(
            con,
            "SELECT count(*) FROM observation WHERE list_contains(?, indicator_id) AND "
            "(numerator <> round(numerator) OR denominator <> round(denominator))",
            [ids],
        )
        == 0
    )
    # Value-only indicators carry no counts at all.
    assert (
        _one(
            con,
            "SELECT count(*) FROM observation WHERE NOT list_contains(?, indicator_id) AND "
            "(numerator IS NOT NULL OR denominator IS NOT NULL)",
            [ids],
        )
        == 0
    )


def test_value_is_numerator_over_denominator(con: duckdb.DuckDBPyConnection) -> None:
    for ind in load_catalog().indicators:
        if not demo.is_count(ind):
            continue
        expected = (
            "numerator" if ind.unit == "count" else f"numerator / denominator * {ind.multiplier}"
        )
        off = _one(
            con,
            f"SELECT count(*) FROM observation WHERE indicator_id = ? AND flag IS NULL "
            f"AND abs(value - {expected}) > 1e-9",
            [ind.id],
        )
        assert off == 0, ind.id


def test_districts_sum_to_the_kommune(con: duckdb.DuckDBPyConnection) -> None:
    """Exactly, for every count indicator and period with no hidden district."""
    sums = con.execute(
        """
        WITH d AS (
            SELECT o.indicator_id, a.parent_code AS kommune, o.period_to,
                   sum(o.numerator) AS num, sum(o.denominator) AS den,
                   count(*) FILTER (WHERE o.flag IS NOT NULL) AS flagged
            FROM observation o JOIN area a USING (area_code)
            WHERE a.level = 'district' AND o.sex = 'all'
            GROUP BY ALL
        )
        SELECT d.*, k.numerator AS k_num, k.denominator AS k_den, k.flag AS k_flag
        FROM d JOIN observation k
          ON k.indicator_id = d.indicator_id AND k.area_code = d.kommune
         AND k.period_to = d.period_to AND k.sex = 'all'
        WHERE list_contains(?, d.indicator_id)
        """,
        [_count_indicators()],
    ).df()
    assert not sums.empty
    complete = sums[(sums["flagged"] == 0) & sums["k_flag"].isna()]
    assert len(complete) > 0.5 * len(sums)  # most periods show every district
    assert _same(complete["num"], complete["k_num"])
    assert _same(complete["den"], complete["k_den"])  # head counts have none: NULL = NULL
    # Suppression keeps the denominator, so denominators add up in every non-missing period.
    shown = sums[sums["k_flag"].fillna("") != ".."]
    assert _same(shown["den"], shown["k_den"])


def test_sexes_sum_to_the_total(con: duckdb.DuckDBPyConnection) -> None:
    with_sex = [i.id for i in load_catalog().indicators if i.source.sex_dimension]
    if not with_sex:
        pytest.skip("no catalog indicator has a sex dimension")
    frame = con.execute(
        """
        SELECT indicator_id, area_code, period_to,
               sum(numerator) FILTER (WHERE sex <> 'all') AS parts_num,
               sum(denominator) FILTER (WHERE sex <> 'all') AS parts_den,
               any_value(numerator) FILTER (WHERE sex = 'all') AS all_num,
               any_value(denominator) FILTER (WHERE sex = 'all') AS all_den,
               count(*) FILTER (WHERE sex <> 'all') AS parts,
               count(*) FILTER (WHERE sex <> 'all' AND flag IS NOT NULL) AS flagged
        FROM observation WHERE list_contains(?, indicator_id)
        GROUP BY ALL
        """,
        [with_sex],
    ).df()
    top = frame[frame["area_code"].isin(["0", *load_kommuner()])]
    assert (top["parts"] == 2).all(), "male and female rows for landet and every kommune"
    counted = top[(top["flagged"] == 0) & top["all_num"].notna()]
    assert not counted.empty
    assert _same(counted["parts_num"], counted["all_num"])
    assert _same(counted["parts_den"], counted["all_den"])
    # Never one sex hidden and the other shown: the total would give it away.
    assert not (frame["flagged"] == 1).any()


# --------------------------------------------------------------------------- flags


def test_flagged_rows_have_no_value(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        _one(
            con,
            "SELECT count(*) FROM observation WHERE flag IS NOT NULL AND "
            "(value IS NOT NULL OR numerator IS NOT NULL OR ci_low IS NOT NULL)",
        )
        == 0
    )
    assert _one(con, "SELECT count(*) FROM observation WHERE flag IS NULL AND value IS NULL") == 0


def test_small_districts_are_suppressed_in_pairs(con: duckdb.DuckDBPyConnection) -> None:
    hidden = con.execute(
        """
        SELECT o.indicator_id, a.parent_code, o.period_to, count(*) AS n
        FROM observation o JOIN area a USING (area_code)
        WHERE a.level = 'district' AND o.flag = ':'
        GROUP BY ALL
        """
    ).df()
    assert len(hidden) >= 3, "the demo should show a few suppressed district cells"
    assert (hidden["n"] >= 2).all(), hidden[hidden["n"] < 2].head()


def test_primary_suppression_rule(con: duckdb.DuckDBPyConnection) -> None:
    """No visible cell breaks the catalog's limits."""
    for ind in load_catalog().indicators:
        if not demo.is_count(ind):
            continue
        lim = ind.suppression
        bad = _one(
            con,
            "SELECT count(*) FROM observation WHERE indicator_id = ? AND flag IS NULL AND "
            "(numerator <= ? OR denominator - numerator <= ? OR denominator < ?)",
            [ind.id, lim.min_numerator, lim.min_complement, lim.min_denominator],
        )
        assert bad == 0, ind.id


def test_some_periods_are_missing(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM observation WHERE flag = '..'") > 0


# --------------------------------------------------------------------------- magnitudes


def _value(con: duckdb.DuckDBPyConnection, ind: str, area: str, year: int | None = None) -> float:
    where = "period_to = ?" if year else "period_to = (SELECT max(period_to) FROM observation)"
    params: list[object] = [ind, area] + ([year] if year else [])
    value = _one(
        con,
        f"SELECT value FROM observation WHERE indicator_id = ? AND area_code = ? "
        f"AND sex = 'all' AND {where}",
        params,
    )
    assert isinstance(value, float)
    return value


def test_national_barnevernstiltak_follows_fhi(con: duckdb.DuckDBPyConnection) -> None:
    assert _value(con, BARNEVERN, "0", 2015) == pytest.approx(4.3, abs=0.15)
    assert _value(con, BARNEVERN, "0", 2024) == pytest.approx(3.2, abs=0.15)


def test_low_income_levels_match_the_plans(con: duckdb.DuckDBPyConnection) -> None:
    assert 17 <= _value(con, LOW_INCOME, DRAMMEN) <= 23
    assert 10 <= _value(con, LOW_INCOME, "0") <= 12.5
    children = _one(
        con,
        "SELECT numerator FROM observation WHERE indicator_id = ? AND area_code = ? "
        "AND sex = 'all' ORDER BY period_to DESC LIMIT 1",
        [LOW_INCOME, SANDNES],
    )
    assert children == pytest.approx(1600, abs=300)


def test_districts_differ_significantly(con: duckdb.DuckDBPyConnection) -> None:
    """The heat map needs contrasts: districts clearly above and clearly below the kommune."""
    frame = con.execute(
        """
        SELECT d.area_code, d.ci_low, d.ci_high, k.value AS kommune
        FROM observation d JOIN area a USING (area_code)
        JOIN observation k ON k.indicator_id = d.indicator_id AND k.area_code = a.parent_code
         AND k.period_to = d.period_to AND k.sex = 'all'
        WHERE d.indicator_id = ? AND a.parent_code = ? AND d.sex = 'all'
          AND d.period_to = (SELECT max(period_to) FROM observation)
        """,
        [LOW_INCOME, DRAMMEN],
    ).df()
    assert (frame["ci_low"] > frame["kommune"]).any()
    assert (frame["ci_high"] < frame["kommune"]).any()


def test_source_updated_and_meta(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM observation WHERE source_updated IS NULL") == 0
    meta = dict(_rows(con, "SELECT key, value FROM meta"))
    assert meta["mode"] == "demo"
    assert meta["source"] == "demo"
    assert meta["seed"] == "2026"


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_numbers(warehouse: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    demo.build(target=again, runs_log=tmp_path / "runs.jsonl")
    assert _fingerprint(again) == _fingerprint(warehouse)


def test_other_seed_other_numbers(warehouse: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    demo.build(seed=7, target=other, runs_log=tmp_path / "runs.jsonl")
    assert _fingerprint(other) != _fingerprint(warehouse)


# --------------------------------------------------------------------------- failures


def _broken_config(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "data" / "demo.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "demo.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_broken_config_leaves_the_warehouse(warehouse: Path, folder: Path, tmp_path: Path) -> None:
    before = warehouse.read_bytes()
    broken = _broken_config(tmp_path, "landet: 1100000", "landet: lots")
    with pytest.raises(LoadError) as err:
        demo.build(target=warehouse, config=broken)
    message = str(err.value)
    assert str(broken) in message and "populations.landet" in message
    assert warehouse.read_bytes() == before
    assert not list(warehouse.parent.glob("*.tmp-*"))
    last = read_runs(folder / "runs.jsonl")[-1]
    assert last.status == "failed" and "populations.landet" in (last.message or "")


def test_config_errors_name_file_line_and_field(tmp_path: Path) -> None:
    catalog = load_catalog()
    broken = _broken_config(tmp_path, "basis: one_cohort", "basis: nobody")
    with pytest.raises(ConfigError, match=r"demo\.yaml:\d+: indicators\.\w+\.basis: unknown"):
        demo.load_config(broken, catalog)
    broken = _broken_config(tmp_path, '"3301": 20.0', '"3301": 120.0')
    with pytest.raises(ConfigError, match=r"kommuner\.3301: 120\.0 is not a percentage"):
        demo.load_config(broken, catalog)
    broken = _broken_config(tmp_path, "first_year: 2011", "first_year: 2030")
    with pytest.raises(ConfigError, match="first_year must be before last_year"):
        demo.load_config(broken, catalog)


def test_unknown_and_unlisted_indicators(tmp_path: Path) -> None:
    """Unlisted catalog indicators are declared missing; unknown names become notes."""
    text = (ROOT / "data" / "demo.yaml").read_text(encoding="utf-8")
    path = tmp_path / "demo.yaml"
    text = text.replace(f"  {LOW_INCOME}:\n", "  no_such_indicator:\n", 1)
    path.write_text(text.replace("Forsand: 260", "Forsandd: 260", 1), "utf-8")
    target = tmp_path / "w.duckdb"
    run = demo.build(target=target, config=path, runs_log=tmp_path / "runs.jsonl")
    assert run.status == "ok"
    assert "no_such_indicator" in (run.message or "") and "Forsandd" in (run.message or "")
    with duckdb.connect(str(target), read_only=True) as c:
        assert LOW_INCOME in str(_one(c, "SELECT value FROM meta WHERE key = 'missing_indicators'"))


# --------------------------------------------------------------------------- command line


def test_cli_builds_the_demo(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(UB_WAREHOUSE=str(tmp_path / "w.duckdb"), UB_RUNS_LOG=str(tmp_path / "runs.jsonl"))
    done = subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--seed", "2026"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as c:
        rows = _one(c, "SELECT count(*) FROM observation")
    assert f"{rows} observations" in done.stdout
    assert read_runs(tmp_path / "runs.jsonl")[-1].status == "ok"


# --------------------------------------------------------------------------- district levels


def test_real_district_levels(con: duckdb.DuckDBPyConnection) -> None:
    """Each seed kommune has its own districts, its real levekårssoner and SSB delområder."""
    from utfordringsbilde import queries

    counts = dict(
        ((k, lv), n)
        for k, lv, n in _rows(
            con,
            "SELECT parent_code, level, count(*) FROM area "
            "WHERE level IN ('levekarssone', 'delomrade') GROUP BY ALL",
        )
    )
    assert counts == {
        ("3301", "levekarssone"): 52,
        ("3301", "delomrade"): 17,
        ("1108", "levekarssone"): 39,
        ("1108", "delomrade"): 11,
        ("3905", "levekarssone"): 25,
        ("3905", "delomrade"): 17,
    }
    assert _one(con, "SELECT name FROM area WHERE area_code = '3301000001'") == "Drammen LKS 01"
    assert queries.district_levels(con, DRAMMEN) == ["district", "levekarssone", "delomrade"]
    # The default level stays the kommune's own districts.
    assert list(queries.districts(con, DRAMMEN)["area_code"])[:2] == ["3301-D01", "3301-D02"]
    assert len(queries.districts(con, DRAMMEN, "levekarssone")) == 52


@pytest.mark.parametrize("kommune", [DRAMMEN, SANDNES])
def test_every_level_adds_up_to_the_kommune(con: duckdb.DuckDBPyConnection, kommune: str) -> None:
    """Counts at every level are sums of the same grunnkretser, so each level adds up exactly."""
    sums = _rows(
        con,
        """
        SELECT a.level, o.period_to, sum(o.denominator) AS den,
               sum(o.numerator) FILTER (WHERE o.flag IS NULL) AS num, count(o.flag) AS hidden
        FROM observation o JOIN area a USING (area_code)
        WHERE o.indicator_id = ? AND o.sex = 'all' AND (a.parent_code = ? OR a.area_code = ?)
        GROUP BY ALL
        """,
        [LOW_INCOME, kommune, kommune],
    )
    by_year: dict[int, set[float]] = {}
    for _level, year, den, num, hidden in sums:
        by_year.setdefault(year, set()).add(den)
        if hidden == 0:
            kommune_num = _one(
                con,
                "SELECT numerator FROM observation WHERE indicator_id = ? AND area_code = ? "
                "AND period_to = ? AND sex = 'all'",
                [LOW_INCOME, kommune, year],
            )
            assert num == kommune_num
    assert all(len(dens) == 1 for dens in by_year.values())


def test_levels_are_members_of_grunnkretser(con: duckdb.DuckDBPyConnection) -> None:
    """district_member holds each level's grunnkretser; every grunnkrets is in one per level."""
    dup = _rows(
        con,
        "SELECT m.grunnkrets_code, a.level, count(*) n FROM district_member m "
        "JOIN area a USING (area_code) GROUP BY ALL HAVING n > 1",
    )
    assert not dup
    assert (
        _one(
            con,
            "SELECT count(DISTINCT grunnkrets_code) FROM district_member m JOIN area a "
            "USING (area_code) WHERE a.level = 'levekarssone' AND a.parent_code = '3301'",
        )
        == 261
    )


def test_overview_at_another_level(warehouse: Path) -> None:
    """The heat map can show any level: levekårssoner give 52 columns for Drammen."""
    from utfordringsbilde import overview

    with duckdb.connect(str(warehouse), read_only=True) as c:
        default = overview.build(c, DRAMMEN)
        lks = overview.build(c, DRAMMEN, level="levekarssone")
    assert len(default.districts) == 10
    assert len(lks.districts) == 52
    assert set(lks.cells["area_code"]) - {DRAMMEN} == set(lks.districts["area_code"])


def test_no_hidden_cell_can_be_worked_out(con: duckdb.DuckDBPyConnection) -> None:
    """The attacker over every published count (what the exports show) pins no hidden cell."""
    obs = disclosure.published(con)
    hidden = obs[obs["flag"].eq(":") & obs["level"].isin(["district", "grunnkrets"])]
    assert len(hidden) > 100, "the demo should have hidden district cells to attack"
    exposed = disclosure.exposed(obs)
    assert exposed.empty, exposed[["indicator_id", "area_code", "period_to", "sex"]].head()


def test_no_hidden_cell_can_be_worked_out_across_levels(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Differencing levels (delområder inside districts, levekårssoner sharing grunnkretser
    with delområder, every level summing to the kommune) pins no hidden cell at any level."""
    obs = disclosure.published(con, levels=True)
    hidden = obs[obs["flag"].eq(":")]
    assert set(hidden["level"]) >= {"district", "levekarssone", "delomrade"}
    exposed = disclosure.exposed_across_levels(obs, disclosure.members(con))
    assert exposed.empty, exposed[["indicator_id", "area_code", "level", "period_to"]].head()
    # Each level on its own, with its periods tiling and its sexes, stays safe as well.
    for part in disclosure.by_level(obs):
        alone = disclosure.exposed(part)
        assert alone.empty, alone[["indicator_id", "area_code", "level", "period_to"]].head()


def test_an_ended_series_is_marked_in_the_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    # 11994 stopped in 2022: the pages read that from the indicator table to say so.
    ended = dict(con.execute("SELECT indicator_id, source_ended FROM indicator").fetchall())
    assert ended["helsesykepleier_arsverk"] == 2022
    assert ended["barn_0_17"] is None


def test_an_ended_series_is_not_simulated_past_its_end(con: duckdb.DuckDBPyConnection) -> None:
    # 11994 stopped in 2022: the demo, like SSB, has nothing newer for it.
    last = dict(
        con.execute("SELECT indicator_id, max(period_to) FROM observation GROUP BY 1").fetchall()
    )
    assert last["helsesykepleier_arsverk"] == 2022
    assert last["barn_0_17"] == 2024


def test_the_demo_draws_the_kommunes_own_district_file(tmp_path: Path) -> None:
    """A kommune file's `geojson` is read by every build, not only by the live boundary step:
    the demo (and `etl ensure --offline`) warehouse holds the kommune's own outlines."""
    from tests.etl.fakeapi import FIXTURES
    from utfordringsbilde import queries
    from utfordringsbilde.config import Catalog, load_yaml_model

    catalog = load_yaml_model(FIXTURES / "catalog.yaml", Catalog)
    kommuner = load_kommuner(FIXTURES / "kommuner")  # 3301 names 3301-districts.geojson
    path = tmp_path / "warehouse.duckdb"
    run = demo.build(
        target=path, runs_log=tmp_path / "runs.jsonl", catalog=catalog, kommuner=kommuner
    )
    assert run.status == "ok"
    with duckdb.connect(str(path), read_only=True) as c:
        shapes = queries.district_shapes(c, DRAMMEN)
    assert sorted(shapes) == ["3301-D01", "3301-D02"]
    assert json.loads(shapes["3301-D02"])["properties"]["name"] == "Strømsø"
