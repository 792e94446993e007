"""Public district sources over real HTTP against the loopback APIs: any kommune, no file needed.

4601 Bergen has no kommune file and gets bydeler and delområder from KLASS; 3905 Tønsberg gets
its real levekårssoner; one Bergen grunnkrets was split on 1 January 2024.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import refresh
from etl.http import Client
from etl.load import build_warehouse
from etl.sources import districts as public
from etl.sources import geonorge
from etl.sources.base import Run
from tests.etl.conftest import FAST, Paths
from tests.etl.fakeapi import FIXTURES, FakeApis
from utfordringsbilde import districts, geo, queries
from utfordringsbilde.config import Catalog, Kommune

AT = date(2026, 6, 1)


@pytest.fixture
def tables(api: FakeApis, client: Client) -> public.KlassDistricts:
    found = public.fetch_klass(client, AT)
    assert found is not None
    return found


def test_klass_gives_every_level_in_three_requests(
    api: FakeApis, client: Client, tables: public.KlassDistricts
) -> None:
    assert api.hits(r"/klass/") == 3  # whole country: codes + two correspondences
    seen = [s for s in api.log if "correspondsAt" in s.path]
    assert sorted(s.query["targetClassificationId"][0] for s in seen) == ["103", "745"]
    assert all(s.query["date"] == ["2026-06-01"] for s in seen)

    bergen = {lv.kind: lv for lv in public.public_levels(tables, "4601")}
    assert list(bergen) == ["bydel", "delomrade"]  # no levekårssoner in Bergen's fixture
    bydeler = {d.code: d for d in bergen["bydel"].districts}
    assert sorted(bydeler) == ["B460101", "B460102"]  # prefixed: 460101 is also a delområde
    assert bydeler["B460101"].name == "Arna"
    assert len(bydeler["B460101"].grunnkretser) == 5
    delomrader = {d.code: d.name for d in bergen["delomrade"].districts}
    assert delomrader == {
        "460101": "Indre Arna",
        "460102": "Ytre Arna",
        "460103": "Bergenhus sentrum",
        "460104": "Møhlenpris",
    }

    tonsberg = {lv.kind: lv for lv in public.public_levels(tables, "3905")}
    assert list(tonsberg) == ["levekarssone", "delomrade"]
    assert len(tonsberg["levekarssone"].districts) == 25  # the real count
    assert len(tonsberg["delomrade"].districts) == 17
    # The same as the bundled file the demo uses: switching from demo to live keeps districts.
    bundled = districts.levels_from_table("3905", districts.area_file("3905"))
    assert [d.grunnkretser for d in bundled[0].districts] == [
        d.grunnkretser for d in tonsberg["levekarssone"].districts
    ]


def test_a_missing_correspondence_is_a_note_not_a_failure(api: FakeApis, client: Client) -> None:
    found = public.fetch_klass(client, AT, levekarssoner=9999)
    assert found is not None and found.levekarssoner.empty
    assert "9999" in found.notes[0]


def test_population_rolls_up_exactly_and_marks_changed_grunnkretser(
    api: FakeApis, client: Client, tables: public.KlassDistricts
) -> None:
    pop = public.population(client, ["4601", "3905"])
    assert pop is not None
    assert api.hits(r"/ssb/.*/04317/data") == 1  # both kommuner in one query
    body = next(s.body for s in api.log if s.path.endswith("/data"))
    assert body["selection"][0] == {
        "variableCode": "Grunnkretser",
        "valueCodes": ["4601*", "3905*"],
    }
    levels = [*public.public_levels(tables, "4601"), *public.public_levels(tables, "3905")]
    obs = public.population_observations(pop, ["4601", "3905"], levels).set_index(
        ["area_code", "period_to"]
    )
    # Every level adds up to the kommune (the 9999 "Uoppgitt" persons belong to no district).
    uoppgitt = 3
    for kind in ("bydel", "delomrade"):
        codes = [
            d.code
            for lv in levels
            if lv.kind == kind and lv.kommune == "4601"
            for d in lv.districts
        ]
        total = sum(obs.loc[(c, 2024), "value"] for c in codes)
        assert total == obs.loc[("4601", 2024), "value"] - uoppgitt
    # Before the split, Bergenhus sentrum's grunnkretser did not exist: its sum is unknown.
    assert obs.loc[("460103", 2023), "flag"] == ".."
    assert pd.isna(obs.loc[("460103", 2023), "value"])
    assert obs.loc[("460103", 2024), "value"] > 0
    # A delområde whose grunnkretser did not change has every year.
    assert pd.isna(obs.loc[("460101", 2020), "flag"]) and obs.loc[("460101", 2020), "value"] > 0
    lks = [d.code for lv in levels if lv.kind == "levekarssone" for d in lv.districts]
    assert sum(obs.loc[(c, 2024), "value"] for c in lks) == obs.loc[("3905", 2024), "value"] - 3


def test_population_batches_respect_the_cell_limit() -> None:
    meta = {
        "id": ["Grunnkretser", "Tid"],
        "dimension": {
            "Grunnkretser": {
                "category": {"index": [f"{k}{i:04d}" for k in ("0301", "4601") for i in range(600)]}
            },
            "Tid": {"category": {"index": [str(y) for y in range(1999, 2027)]}},
        },
    }
    assert public.population_batches(meta, ["0301", "4601"]) == [["0301", "4601"]]
    public_cap = public.MAX_CELLS
    try:
        public.MAX_CELLS = 600 * 28  # one kommune per query
        assert public.population_batches(meta, ["0301", "4601"]) == [["0301"], ["4601"]]
    finally:
        public.MAX_CELLS = public_cap


def test_fhi_geo_children_below_a_kommune() -> None:
    dims = [
        {
            "code": "GEO",
            "categories": [
                {
                    "value": "0",
                    "children": [
                        {
                            "value": "46",
                            "children": [
                                {
                                    "value": "4601",
                                    "children": [
                                        {"value": "460101", "children": []},
                                        {"value": "460102", "children": []},
                                    ],
                                },
                                {
                                    "value": "4602",
                                    "children": [{"value": "460201", "children": []}],
                                },
                            ],
                        },
                        {"value": "3905", "children": [{"value": "3905000001", "children": []}]},
                    ],
                }
            ],
        },
        {"code": "AAR", "categories": [{"value": "2022_2024"}]},
    ]
    assert public.geo_children(dims, ["4601", "3905"]) == ["460101", "460102", "3905000001"]
    assert public.geo_area("460101") == "B460101"
    assert public.geo_area("3905000001") == "3905000001"
    assert public.geo_area("4601") is None


def test_boundaries_from_the_geonorge_order_are_cached(
    api: FakeApis, client: Client, tables: public.KlassDistricts, tmp_path: Path
) -> None:
    doc = geonorge.download_grunnkretser(client, "2026", cache=tmp_path)
    assert doc is not None
    order = next(s for s in api.log if s.path.endswith("/api/order"))
    line = order.body["orderLines"][0]
    assert line["metadataUuid"] == geonorge.GRUNNKRETS_UUID
    assert line["areas"][0]["code"] == "0000" and line["formats"] == [{"name": "GeoJSON"}]
    assert api.hits(r"/geodl/api/download/") == 1
    # The same division year again: no order, no download.
    again = geonorge.download_grunnkretser(client, "2026", cache=tmp_path)
    assert again == doc and api.hits(r"/geodl/") == 2

    levels = public.public_levels(tables, "4601")
    shapes, notes = geonorge.level_shapes(doc, levels)
    assert not notes
    assert sorted(shapes) == ["460101", "460102", "460103", "460104", "B460101", "B460102"]
    arna = json.loads(shapes["B460101"])
    assert arna["properties"]["name"] == "Arna"
    assert list(geo.centres({"B460101": shapes["B460101"]}))  # the map can read it


def test_kommune_without_a_file_gets_its_districts_in_the_warehouse(
    api: FakeApis,
    client: Client,
    tables: public.KlassDistricts,
    catalog: Catalog,
    config: dict[str, Kommune],
    tmp_path: Path,
) -> None:
    """A warehouse with Bergen's public levels, population at every level and the map."""
    levels = public.public_levels(tables, "4601")
    pop = public.population(client, ["4601"])
    assert pop is not None
    doc = geonorge.download_grunnkretser(client, "2026", cache=tmp_path)
    assert doc is not None
    shapes, _ = geonorge.level_shapes(doc, levels)
    obs = public.population_observations(pop, ["4601"], levels)
    obs = obs[obs["indicator_id"] == public.POPULATION_INDICATOR].assign(
        indicator_id=catalog.indicators[0].id
    )

    def produce(b) -> None:  # type: ignore[no-untyped-def]
        b.add_areas(
            pd.DataFrame(
                [
                    {
                        "area_code": "4601",
                        "name": "Bergen",
                        "level": "kommune",
                        "parent_code": "46",
                        "kommune_code": "4601",
                    },
                    {"area_code": "46", "name": "Vestland", "level": "fylke", "parent_code": "0"},
                ]
            )
        )
        b.add_areas(public.level_areas(levels))
        b.add_members(public.level_members(levels))
        for code, text in shapes.items():
            b.add_shape(code, text)
        b.add_observations(obs)
        for ind in catalog.indicators[1:]:
            b.mark_missing(ind.id, "not in this test")

    run = build_warehouse(
        produce,
        mode="live",
        source="test",
        target=tmp_path / "wh.duckdb",
        catalog=catalog,
        kommuner=config,
        runs_log=tmp_path / "runs.jsonl",
    )
    assert run.status == "ok"
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert queries.district_levels(con, "4601") == ["bydel", "delomrade"]
        assert list(queries.districts(con, "4601")["name"]) == ["Arna", "Bergenhus"]
        assert "4601" in set(queries.kommuner(con)["area_code"])
        assert sorted(queries.district_shapes(con, "4601")) == ["B460101", "B460102"]
        assert len(queries.district_shapes(con, "4601", "delomrade")) == 4
        values = queries.latest_values(con, ["B460101", "B460102", "4601"])
        got = values.set_index("area_code")["value"]
        assert got["B460101"] + got["B460102"] == got["4601"] - 3


# ------------------------------------------------------------------------ refresh, no file


def test_refresh_a_kommune_without_a_file(
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`python -m etl refresh --kommune 4601` with no kommune file: Bergen's bydeler and
    delområder with population, FHI figures per bydel, and a map of every level."""
    monkeypatch.setenv("UB_CACHE_DIR", str(paths.warehouse.parent / "cache"))
    out = io.StringIO()
    assert "4601" not in config
    code = refresh.main(
        ["4601"],
        client=Client(FAST),
        target=paths.warehouse,
        runs_log=paths.runs,
        catalog=catalog,
        config=config,
        kommune_folder=FIXTURES / "kommuner",
        out=out,
        today=AT,
    )
    assert code == 0, out.getvalue()
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert queries.district_levels(con, "4601") == ["bydel", "delomrade"]
        names = dict(con.execute("SELECT area_code, name FROM area").fetchall())
        assert names["4601"] == "Bergen" and names["46"] == "Vestland"
        assert names["460103"] == "Bergenhus sentrum"
        shapes = queries.district_shapes(con, "4601")
        assert sorted(shapes) == ["B460101", "B460102"]
        pop = con.execute(
            "SELECT area_code, value FROM observation WHERE indicator_id = 'befolkning' "
            "AND period_to = 2024 AND area_code IN ('4601', 'B460101', 'B460102')"
        ).fetchall()
        got = dict(pop)
        assert got["B460101"] + got["B460102"] == got["4601"] - 3
        # FHI publishes barnevernstiltak per bydel (GEO children of 4601): kept at that level.
        fhi = con.execute(
            "SELECT o.area_code, a.level, o.value FROM observation o JOIN area a USING (area_code) "
            "WHERE o.indicator_id = 'barnevernstiltak' AND o.period_to = 2024 AND o.sex = 'all' "
            "AND a.parent_code = '4601' ORDER BY 1"
        ).fetchall()
        assert [(c, lv) for c, lv, _ in fhi] == [("B460101", "bydel"), ("B460102", "bydel")]
        assert all(v > 0 for _, _, v in fhi)
        # No FHI figure is re-aggregated to the delområder it does not nest in.
        assert not con.execute(
            "SELECT count(*) FROM observation o JOIN area a USING (area_code) "
            "WHERE o.indicator_id = 'barnevernstiltak' AND a.level = 'delomrade'"
        ).fetchone()[0]


def test_bundled_levels_fill_in_what_klass_lacks(
    api: FakeApis, client: Client, catalog: Catalog, config: dict[str, Kommune]
) -> None:
    """Without KLASS's levekårssone correspondence, a seed kommune keeps its bundled ones."""
    from etl.sources.klass import Areas, CodeMap

    tables = public.fetch_klass(client, AT, levekarssoner=9999)
    assert tables is not None
    run = Run(client, catalog, config, ("3905",), Areas([], [], CodeMap()), AT, FIXTURES)
    run.memo["district_levels"] = public.public_levels(tables, "3905")
    kinds = [(lv.kind, len(lv.districts)) for lv in public.run_levels(run)]
    assert kinds == [("district", 2), ("levekarssone", 25), ("delomrade", 17)]


def test_refresh_stores_children_and_households_below_a_kommune_without_a_file(
    api: FakeApis,
    catalog: Catalog,
    config: dict[str, Kommune],
    paths: Paths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """4601 with no file: 04362 children 0–17 at every level, marked approximate; 06944
    households per delområde only, with small counts suppressed."""
    from etl.sources import tables

    monkeypatch.setenv("UB_CACHE_DIR", str(paths.warehouse.parent / "cache"))
    out = io.StringIO()
    assert "4601" not in config
    code = refresh.main(
        ["4601"],
        client=Client(FAST),
        target=paths.warehouse,
        runs_log=paths.runs,
        catalog=catalog,
        config=config,
        kommune_folder=FIXTURES / "kommuner",
        out=out,
        today=AT,
    )
    assert code == 0, out.getvalue()
    assert api.hits(r"/ssb/.*/04362/data") == 1 and api.hits(r"/ssb/.*/06944/data") == 1
    sent = next(s for s in api.log if s.path.endswith("/06944/data"))
    region = next(i for i in sent.body["selection"] if i["variableCode"] == "Region")
    assert region == {
        "variableCode": "Region",
        "valueCodes": ["4601*"],
        "codelist": "vs_Delomraader01",
    }
    hh = next(i for i in sent.body["selection"] if i["variableCode"] == "HusholdType")
    assert hh["valueCodes"] == ["0004", "0000"]  # the single-parent type found by its label

    meta = json.loads((FIXTURES / "ssb" / "04362-metadata.json").read_text(encoding="utf-8"))
    cube = json.loads((FIXTURES / "ssb" / "04362-data.json").read_text(encoding="utf-8"))
    ids, size = cube["id"], cube["size"]
    ages = tables.child_ages(meta)
    assert ages == [f"{a:03d}" for a in range(18)]

    def truth(g: str, year: str) -> float:
        """Children 0–17 of one grunnkrets in the fixture's cube, summed by hand."""
        total = 0.0
        for s in ("1", "2"):
            for a in ages:
                pos = 0
                for var, n in zip(ids, size, strict=True):
                    index = cube["dimension"][var]["category"]["index"]
                    want = {"Region": g, "Kjonn": s, "Alder": a, "ContentsCode": "Personer"}
                    pos = pos * n + index[want.get(var, year)]
                total += cube["value"][pos]
        return total

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT o.area_code, a.level, o.value, o.approximate FROM observation o "
            "JOIN area a USING (area_code) WHERE o.indicator_id = 'barn_0_17_grunnkretser' "
            "AND o.period_to = 2024 ORDER BY 1"
        ).fetchall()
        got = {c: (lv, v, ap) for c, lv, v, ap in rows}
        assert {lv for lv, _, _ in got.values()} == {"kommune", "bydel", "delomrade"}
        assert all(ap for _, _, ap in got.values())  # every 04362 figure is approximate
        arna = BERGEN_BYDELER_GK["B460101"]
        assert got["B460101"][1] == sum(truth(g, "2024") for g in arna)
        assert got["460101"][1] == sum(
            truth(g, "2024") for g in ("46010101", "46010102", "46010103")
        )
        # No other indicator is approximate.
        assert not con.execute(
            "SELECT count(*) FROM observation WHERE approximate "
            "AND indicator_id <> 'barn_0_17_grunnkretser'"
        ).fetchone()[0]
        # Before 2024 the split grunnkrets leaves Bergenhus sentrum's sum unknown.
        assert con.execute(
            "SELECT flag FROM observation WHERE indicator_id = 'barn_0_17_grunnkretser' "
            "AND area_code = '460103' AND period_to = 2023"
        ).fetchone() == ("..",)

        hh = con.execute(
            "SELECT o.area_code, a.level, o.value, o.numerator, o.denominator, o.flag "
            "FROM observation o JOIN area a USING (area_code) "
            "WHERE o.indicator_id = 'husholdninger_enslig_forsorger' AND o.period_to = 2024 "
            "ORDER BY 1"
        ).fetchall()
        assert {r[1] for r in hh} == {"delomrade"}  # never bydel, kommune or another level
        by = {r[0]: r for r in hh}
        assert sorted(by) == ["460101", "460102", "460103", "460104"]
        assert by["460102"][5] == ":" and by["460102"][2] is None  # 2 households: suppressed
        shown = [r for r in hh if r[5] is None]
        assert len(shown) >= 2  # secondary suppression may hide one sibling, not all
        for _, _, value, num, den, _ in shown:
            assert value == pytest.approx(num / den * 100)
        _, _, value, num, den, flag = by["460104"]
        size = 300 + (4 * 53) % 500
        assert flag is None and den == size + 40 and num == size // 16 + 4


BERGEN_BYDELER_GK = {
    "B460101": ["46010101", "46010102", "46010103", "46010201", "46010202"],
}


def test_04362_splits_only_above_the_cell_limit(api: FakeApis, client: Client) -> None:
    from etl.sources import tables

    whole = tables.children(client, ["4601", "3905"])
    assert whole is not None and api.hits(r"/04362/data") == 1  # both kommuner in one query
    meta = json.loads((FIXTURES / "ssb" / "04362-metadata.json").read_text(encoding="utf-8"))
    _, bergen = tables.children_selection(meta, ["4601"])
    _, both = tables.children_selection(meta, ["4601", "3905"])
    assert bergen == 12 * 18 * 5  # 9 + the old one + 0000 + 9999 codes × ages 0–17 × years
    api.reset()
    split = tables.children(client, ["4601", "3905"], max_cells=both - 1)
    assert split is not None and api.hits(r"/04362/data") == 2
    key = ["area_code", "period_to"]
    pd.testing.assert_frame_equal(
        whole.grunnkretser.sort_values(key).reset_index(drop=True),
        split.grunnkretser.sort_values(key).reset_index(drop=True),
    )


def test_04362_age_bands_must_add_up_to_0_17() -> None:
    from etl.sources import tables

    def meta(codes: list[str]) -> dict:
        return {
            "id": ["Alder"],
            "dimension": {"Alder": {"category": {"index": {c: i for i, c in enumerate(codes)}}}},
        }

    assert tables.child_ages(meta(["000-004", "005-009", "010-014", "015-017", "018+"])) == [
        "000-004",
        "005-009",
        "010-014",
        "015-017",
    ]
    with pytest.raises(tables.TableError, match="crosses 17"):
        tables.child_ages(meta(["000-004", "005-009", "010-014", "015-019"]))
    with pytest.raises(tables.TableError, match="add up"):
        tables.child_ages(meta(["000-004", "005-009"]))
