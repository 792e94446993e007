"""Source modules piece by piece: SSB selections and splits, KLASS code maps, FHI look-ups."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from etl import jsonstat
from etl.http import Client
from etl.sources import fhi, klass, ssb
from tests.etl.fakeapi import FIXTURES, FakeApis, Fault
from utfordringsbilde.config import Catalog, Kommune, selection_problem

# ------------------------------------------------------------------------ SSB selections


def test_dedupe_is_case_insensitive_and_keeps_order():
    assert ssb.dedupe(["0301", "3301", "0301", "k-3301", "K-3301"]) == ["0301", "3301", "k-3301"]


def test_expand_codes_wildcards_and_expressions():
    cats = ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert ssb.expand(["2020", "2020"], None) == ["2020"]
    assert ssb.expand(["*"], cats) == cats
    assert ssb.expand(["202?"], cats) == cats[1:]
    assert ssb.expand(["top(2)"], cats, time=True) == ["2023", "2024"]  # SSB: the newest
    assert ssb.expand(["bottom(2)"], cats, time=True) == ["2019", "2020"]
    assert ssb.expand(["range(2020,2022)"], cats) == ["2020", "2021", "2022"]
    assert ssb.expand(["from(2023)"], cats) == ["2023", "2024"]
    assert ssb.expand(["to(2020)"], cats) == ["2019", "2020"]
    assert ssb.expand(["*"], None) is None  # unknowable without metadata


def test_top_and_bottom_outside_the_time_variable_are_first_and_last():
    # PxWebApi: top(N) is the N newest only for the time variable; elsewhere top is the first
    # N values and bottom the last N.
    ages = ["000", "001", "002", "003", "004"]
    assert ssb.expand(["top(2)"], ages) == ["000", "001"]
    assert ssb.expand(["bottom(2)"], ages) == ["003", "004"]
    assert ssb.expand(["top(2,1)"], ages) == ["001", "002"]
    years = ["2021", "2022", "2023"]
    cats = {"Alder": ages, "Tid": years}
    sel = [
        {"variableCode": "Alder", "valueCodes": ["top(2)"]},
        {"variableCode": "Tid", "valueCodes": ["top(1)"]},
    ]
    assert ssb.cells(sel, cats) == 2
    parts = ssb.split(sel, cats, 1)
    assert [p[0]["valueCodes"] for p in parts] == [["000"], ["001"]]


def test_selection_problems_follow_pxwebapi_rules():
    for ok in ["3301", "*", "33*", "*01", "*30*", "2?2?", "top(5)", "top(5,1)", "range(a,b)"]:
        assert selection_problem(ok) is None, ok
    for bad in ["3*01", "**3*", "top(x)", "range(2020)", "newest(3)", "from()", ""]:
        assert selection_problem(bad) is not None, bad


def test_cells_and_split_stay_under_the_limit():
    cats = {
        "Region": [f"{i:04d}" for i in range(400)],
        "Alder": [f"{i:03d}" for i in range(106)],
        "ContentsCode": ["Personer1"],
        "Tid": [str(y) for y in range(1986, 2026)],
    }
    selection = [
        {"variableCode": "Region", "valueCodes": ["*"]},
        {"variableCode": "Alder", "valueCodes": ["*"]},
        {"variableCode": "ContentsCode", "valueCodes": ["Personer1"]},
        {"variableCode": "Tid", "valueCodes": ["*"]},
    ]
    total = ssb.cells(selection, cats)
    assert total == 400 * 106 * 40 == 1_696_000
    parts = ssb.split(selection, cats, 800_000)
    assert len(parts) == 3
    assert all((ssb.cells(p, cats) or 0) <= 800_000 for p in parts)
    regions = [c for p in parts for c in p[0]["valueCodes"]]
    assert regions == cats["Region"]  # split along the largest variable, nothing lost
    assert ssb.split(selection, cats, 2_000_000) == [selection]
    assert ssb.cells(selection, None) is None


def test_split_recurses_when_one_variable_is_not_enough():
    cats = {"A": [str(i) for i in range(10)], "B": [str(i) for i in range(10)]}
    sel = [{"variableCode": "A", "valueCodes": ["*"]}, {"variableCode": "B", "valueCodes": ["*"]}]
    parts = ssb.split(sel, cats, 5)
    assert all((ssb.cells(p, cats) or 0) <= 5 for p in parts)
    assert sum(ssb.cells(p, cats) or 0 for p in parts) == 100


def test_region_codes_per_table_kind(config: dict[str, Kommune]):
    cmap = klass.code_map(
        config, json.loads((FIXTURES / "klass/131-changes.json").read_text())["codeChanges"]
    )
    areas = klass.areas_for(config, ["3301"], cmap)
    assert areas.kommuner == ["3301", "1108", "3107"] and areas.fylker == ["33"]
    kostra = ssb.region_parts("KOKkommuneregion0000", None, areas)
    # 1102 → 1108 is not listed: Forsand (1129) merged into Sandnes the same day.
    assert [(p.codelist, p.codes) for p in kostra] == [
        (None, ["3301", "1108", "3107", "3005", "3004", "EKA33", "EAK"])
    ]
    agg = ssb.region_parts("Region", "agg_KommSummer", areas)
    assert [(p.codelist, p.codes) for p in agg] == [
        ("agg_KommSummer", ["K-3301", "K-1108", "K-3107"]),
        ("agg_KommFylker", ["F-33"]),
        (None, ["0"]),
    ]
    assert ssb.area_code("K-3301", areas) == "3301"
    assert ssb.area_code("F-33", areas) == "33"
    assert ssb.area_code("EAK", areas) == "0" and ssb.area_code("EKA33", areas) == "33"
    assert ssb.area_code("3005", areas) == "3301" and ssb.area_code("3004", areas) == "3107"
    assert ssb.area_code("030101", areas) is None


def test_fetch_splits_when_the_server_limit_is_low(
    api: FakeApis, client: Client, catalog: Catalog, config: dict[str, Kommune]
):
    cmap = klass.code_map(config, None)
    areas = klass.areas_for(config, sorted(config), cmap)
    group = next(g for g in ssb.groups(catalog.indicators) if g.table == "12275")
    whole = ssb.fetch_group(client, group, areas).frames["barn_plassert"]
    posts = api.hits("POST /ssb/tables/12275/data")
    api.max_cells = 20
    parts = ssb.fetch_group(client, group, areas, max_cells=20).frames["barn_plassert"]
    assert api.hits("POST /ssb/tables/12275/data") - posts > 3
    key = ["area_code", "period_to"]
    pd.testing.assert_frame_equal(
        whole.sort_values(key).reset_index(drop=True),
        parts.sort_values(key).reset_index(drop=True),
    )


def test_a_403_fails_at_once_and_a_400_too_many_cells_is_halved(
    api: FakeApis, client: Client, catalog: Catalog, config: dict[str, Kommune]
):
    areas = klass.areas_for(config, sorted(config), klass.code_map(config, None))
    group = next(g for g in ssb.groups(catalog.indicators) if g.table == "12275")
    # SSB's 403: the table is not open to the API. No halving can change that.
    api.fault("POST /ssb/tables/12275/data", Fault.problem(403, "Forbidden"))
    with pytest.raises(ssb.SsbError, match="table 12275 is not open to the API"):
        ssb.fetch_group(client, group, areas)
    assert api.hits("POST /ssb/tables/12275/data") == 1
    api.reset()
    # SSB's real answer to too many cells: 400 with that title; the query is halved.
    api.fault("POST /ssb/tables/12275/data", Fault.problem(400, "Too many cells selected"))
    frame = ssb.fetch_group(client, group, areas).frames["barn_plassert"]
    assert api.hits("POST /ssb/tables/12275/data") == 3 and not frame.empty


def test_measure_placeholders_are_looked_up_by_label(
    api: FakeApis, client: Client, catalog: Catalog
):
    meta = ssb.metadata(client, "12275", {})
    ind = catalog.get("barn_plassert")
    src = ind.source.model_copy(
        update={
            "measures": {
                "value": "?andel barn med barnevernstiltak",
                "numerator": "?Barn med tiltak i løpet",
            }
        }
    )
    found = ssb._resolve_measures(ind.model_copy(update={"source": src}), meta, "ContentsCode")
    assert found == {"value": "KOSbvbarntiltaka0001", "numerator": "KOSbvbarntiltaka0000"}
    src = ind.source.model_copy(update={"measures": {"value": "?ingen slik"}})
    with pytest.raises(ssb.SsbError, match="no label like 'ingen slik'"):
        ssb._resolve_measures(ind.model_copy(update={"source": src}), meta, "ContentsCode")


def test_unknown_variable_and_value_are_named(
    api: FakeApis, client: Client, catalog: Catalog, config: dict[str, Kommune]
):
    areas = klass.areas_for(config, ["3301"], klass.code_map(config, None))
    ind = catalog.get("barn_plassert")
    for selection, words in [
        ({"KOKalder": ["F000-017"]}, "no variable 'KOKalder'"),
        ({"KOKalder0000": ["F000-099"], "KOKbvfunksjon0000": ["2"]}, "has no value 'F000-099'"),
        ({"KOKalder0000": ["F000-017"]}, "cannot be eliminated"),
    ]:
        src = ind.source.model_copy(update={"selection": selection})
        group = ssb.Group("12275", [ind.model_copy(update={"source": src})])
        with pytest.raises(ssb.SsbError, match=words):
            ssb.fetch_group(client, group, areas)


# ------------------------------------------------------------------------ KLASS


def test_only_one_to_one_renumberings_map_codes(config: dict[str, Kommune]):
    changes = json.loads((FIXTURES / "klass/131-changes.json").read_text())["codeChanges"]
    mapping = klass.renumberings(changes)
    assert mapping["3005"] == "3301" and mapping["3803"] == "3905" and mapping["3004"] == "3107"
    assert "0602" not in mapping and "0625" not in mapping  # merged, not renumbered
    cmap = klass.code_map(config, changes)
    assert cmap.to_current("3005") == "3301"
    assert cmap.old_codes("3301") == ["3005"]
    assert cmap.to_current("3301") == "3301"


def test_code_map_never_moves_a_current_number(config: dict[str, Kommune]):
    changes = [{"oldCode": "1108", "newCode": "9999", "changeOccurred": "2030-01-01"}]
    assert klass.code_map(config, changes).to_current("1108") == "1108"


def test_klass_requests(api: FakeApis, client: Client):
    from datetime import date

    kommuner = klass.kommuner(client, date(2025, 1, 1))
    assert kommuner is not None and "3301" in set(kommuner.code)
    gk = klass.grunnkretser(client, "3301", date(2025, 1, 1))
    assert gk is not None and set(gk.code) >= {"33010100", "33010101"}
    assert all(c.startswith("3301") for c in gk.code)
    assert set(gk.level) == {"1", "2"}
    seen = [s for s in api.log if s.path.startswith("/klass/")]
    assert all(s.headers.get("Accept") == "application/json" for s in seen)
    assert seen[0].query == {"date": ["2025-01-01"]}


# ------------------------------------------------------------------------ FHI


def test_find_table_by_title():
    listing = json.loads((FIXTURES / "fhi/table.json").read_text())
    assert fhi.find_table(listing, "Barn av enslige forsørgere") == "900"
    assert fhi.find_table(listing, "D5c_hjertekar_rater") == "754"
    with pytest.raises(fhi.FhiError, match="no nokkel table"):
        fhi.find_table(listing, "Røyking i svangerskapet")
    twice = [*listing, {"tableId": 901, "title": "Barn_enslige_forsorgere_1"}]
    with pytest.raises(fhi.FhiError, match="several tables match"):
        fhi.find_table(twice, "Barn av enslige forsørgere")


def test_total_category():
    dims = json.loads((FIXTURES / "fhi/900-dimension.json").read_text())["dimensions"]
    by = {d["code"]: d for d in dims}
    assert fhi.total_category(by["INNVKAT"]) == "0"
    assert fhi.total_category(by["GEO"]) == "0"  # one root holding the rest
    assert fhi.total_category(by["KJONN"]) == "0"
    odd = {
        "code": "TRINN",
        "categories": [
            {"value": "5", "label": "5. trinn", "children": []},
            {"value": "8", "label": "8. trinn", "children": []},
        ],
    }
    with pytest.raises(fhi.FhiError, match="no obvious total"):
        fhi.total_category(odd)


def test_fhi_flat_categories_walk_the_tree():
    dims = json.loads((FIXTURES / "fhi/337-dimension.json").read_text())["dimensions"]
    geo = fhi.flat_categories(dims[0]["categories"])
    assert [v for v, _, _ in geo][:3] == ["0", "11", "1108"]
    assert {d for _, _, d in geo} == {0, 1, 2, 3}  # landet, fylke, kommune, bydel or LKS


def test_flatten_of_an_fhi_answer(api: FakeApis, client: Client):
    body = {
        "dimensions": [
            {"code": "GEO", "filter": "item", "values": ["0", "3301"]},
            {"code": "AAR", "filter": "bottom", "values": ["2"]},
            {"code": "KJONN", "filter": "item", "values": ["0"]},
            {"code": "ALDER", "filter": "item", "values": ["0_17"]},
            {"code": "MEASURE_TYPE", "filter": "all", "values": ["*"]},
        ],
        "response": {"format": "json-stat2", "maxRowCount": 12},
    }
    ds = fhi.data(client, "337", body)
    assert ds is not None
    frame = jsonstat.flatten(ds)
    assert len(frame) == 12 and set(frame.AAR) == {"2023_2023", "2024_2024"}


def test_unge_utenfor_reads_13556_with_plain_codes_from_agg_kommgjeldende(
    api: FakeApis, client: Client, config: dict[str, Kommune]
):
    # agg_KommGjeldende takes plain kommune numbers: the K- prefix of agg_KommSummer would give
    # 400 "Non-existent value". The catalog entry is the product's own.
    from utfordringsbilde.config import load_catalog

    ind = load_catalog().get("unge_utenfor")
    areas = klass.areas_for(config, sorted(config), klass.code_map(config, None))
    (group,) = ssb.groups([ind])
    frame = ssb.fetch_group(client, group, areas).frames["unge_utenfor"]
    posts = [s for s in api.log if s.path == "/ssb/tables/13556/data"]
    region = next(i for i in posts[0].body["selection"] if i["variableCode"] == "Region")
    assert region["codelist"] == "agg_KommGjeldende"
    assert "3301" in region["valueCodes"]
    assert not any(c.startswith("K-") for c in region["valueCodes"])
    drammen = frame[(frame.area_code == "3301") & (frame.period_to == 2024)].iloc[0]
    assert drammen.value == pytest.approx(round(8.1 * 1.04, 1))
    assert {"0", "33", "3301"} <= set(frame.area_code)


def test_selection_by_label_picks_the_one_code_or_names_the_choices(
    api: FakeApis, client: Client, catalog: Catalog, config: dict[str, Kommune]
):
    # 11994 must select Helsesykepleiere in its education dimension, whose codes are not
    # verified: the catalog names variable and value by label, resolved from /metadata.
    areas = klass.areas_for(config, ["3301"], klass.code_map(config, None))
    ind = catalog.get("barn_plassert")
    src = ind.source.model_copy(
        update={
            "selection": {"label:alder": ["F000-017"], "label:funksjon": ["label:252 plassert"]}
        }
    )
    group = ssb.Group("12275", [ind.model_copy(update={"source": src})])
    by_label = ssb.fetch_group(client, group, areas).frames["barn_plassert"]
    by_code = ssb.fetch_group(
        client, next(g for g in ssb.groups(catalog.indicators) if g.table == "12275"), areas
    ).frames["barn_plassert"]
    key = ["area_code", "period_to"]
    pd.testing.assert_frame_equal(
        by_label.sort_values(key).reset_index(drop=True),
        by_code.sort_values(key).reset_index(drop=True),
    )
    src = src.model_copy(
        update={"selection": {**src.selection, "label:funksjon": ["label:plassert"]}}
    )
    group = ssb.Group("12275", [ind.model_copy(update={"source": src})])
    # "plassert" is in "251 Ikke plassert" and "252 Plassert": both are named, none is guessed.
    with pytest.raises(ssb.SsbError, match=r"labelled like 'plassert': 2 found \(1 '251"):
        ssb.fetch_group(client, group, areas)
