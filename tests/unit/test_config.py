"""Tests for the configuration files: the real catalog and kommune files, and bad files.

The real files are checked for completeness (meta-tests: every indicator documented, every theme and
risk factor used). Bad files are written to a temporary folder, and each test asserts the exact
message an analyst would see: `path:LINE: field: message`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from etl.sources import REGISTRY
from utfordringsbilde import districts
from utfordringsbilde.config import (
    Catalog,
    ConfigError,
    Kommune,
    load_catalog,
    load_kommuner,
    load_yaml_model,
)
from utfordringsbilde.paths import DATA_DIR

THEMES = ["befolkning", "levekar", "skole", "fritid", "helse", "tjenester"]
RISK_FACTORS = [
    "skadelig_omsorg",
    "vold_overgrep",
    "emosjonell_utilgjengelighet",
    "rus_graviditet",
    "foresatte_psykisk_rus",
    "utviklingsvansker",
    "psykososialt_miljo",
    "strukturelle_betingelser",
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DATA_DIR / "indicators.yaml")


@pytest.fixture(scope="module")
def kommuner() -> dict[str, Kommune]:
    return load_kommuner(DATA_DIR / "kommuner")


# --------------------------------------------------------------------------- the real catalog


def test_catalog_loads_with_enough_indicators(catalog: Catalog) -> None:
    assert len(catalog.indicators) >= 25
    assert [t.id for t in catalog.themes] == THEMES


def test_every_theme_is_used(catalog: Catalog) -> None:
    used = {ind.theme for ind in catalog.indicators}
    assert used == set(THEMES)


def test_risk_factors_are_the_eight_numbered(catalog: Catalog) -> None:
    assert [r.id for r in catalog.risk_factors] == RISK_FACTORS
    assert [r.number for r in catalog.risk_factors] == list(range(1, 9))
    assert catalog.risk_factors[0].name["nb"] == "Skadelig omsorg"
    for rf in catalog.risk_factors:
        assert rf.name["nn"] and rf.name["en"], rf.id


@pytest.mark.parametrize("rf", RISK_FACTORS)
def test_every_risk_factor_has_an_indicator(catalog: Catalog, rf: str) -> None:
    assert any(rf in ind.risk_factors for ind in catalog.indicators), rf


def test_every_indicator_is_documented(catalog: Catalog) -> None:
    """Meta-test: definition, source, polarity, unit, names and short names for every indicator."""
    for ind in catalog.indicators:
        assert ind.definition["nb"].strip(), ind.id
        assert ind.source.provider in (*REGISTRY, "local"), ind.id
        assert ind.source.table.strip(), ind.id
        assert ind.polarity in ("high_good", "low_good", "none"), ind.id
        assert ind.unit, ind.id
        assert ind.name["nb"] and ind.name["nn"] and ind.name["en"], ind.id
        assert ind.short_name is not None, ind.id
        assert ind.population is not None, ind.id
        for lang in ("nb", "nn", "en"):
            short = ind.short_name[lang]
            assert short, (ind.id, lang)
            assert len(short) <= 28, (ind.id, lang, short)


def test_api_sources_name_a_table_or_say_they_are_unverified(catalog: Catalog) -> None:
    """No test can prove an id right; but fhi/ssb ids are digits, or "unknown" when unverified."""
    for ind in catalog.indicators:
        src = ind.source
        if src.provider == "local":
            assert not src.measures, ind.id
            continue
        assert src.region_dimension and src.time_dimension, ind.id
        if src.table == "unknown":
            assert not src.verified, ind.id
            assert src.title, f"{ind.id}: an unknown table needs a title to look it up by"
        else:
            assert re.fullmatch(r"\d+", src.table), (ind.id, src.table)
        placeholders = [c for c in src.measures.values() if c.startswith("?")]
        if placeholders:
            assert not src.verified, f"{ind.id}: placeholder codes need verified: false"
        if not src.verified:
            assert src.note, f"{ind.id}: say in source.note what is unverified"


def test_dimension_names_match_the_provider(catalog: Catalog) -> None:
    for ind in catalog.indicators:
        src = ind.source
        if src.provider == "fhi":
            assert src.measure_dimension == "MEASURE_TYPE", ind.id
            assert (src.region_dimension, src.time_dimension) == ("GEO", "AAR"), ind.id
        elif src.provider == "ssb":
            assert src.measure_dimension == "ContentsCode", ind.id
            assert src.region_dimension in ("Region", "KOKkommuneregion0000"), ind.id
            assert src.time_dimension == "Tid", ind.id
        if src.sex_dimension:
            assert src.selection.get(src.sex_dimension) == ["0", "1", "2"], ind.id


def test_ci_needs_counts_where_the_source_has_them(catalog: Catalog) -> None:
    for ind in catalog.indicators:
        if ind.ci_method != "none" and ind.source.provider != "local":
            assert "numerator" in ind.source.measures, ind.id


def test_norms_are_explained(catalog: Catalog) -> None:
    for ind in catalog.indicators:
        if ind.norm is not None:
            assert ind.norm_note is not None, ind.id


@pytest.mark.parametrize(
    ("ind_id", "table", "unit", "polarity", "ci", "period"),
    [
        ("vedvarende_lavinntekt", "403", "percent", "low_good", "wilson", 3),
        ("trangboddhet", "795", "percent", "low_good", "wilson", 1),
        ("barnevernstiltak", "337", "percent", "none", "wilson", 1),
        ("mobbing_7", "806", "percent", "low_good", "wilson", 3),
        ("trivsel_10", "805", "percent", "high_good", "wilson", 3),
        ("psykiske_plager", "370", "per_1000", "low_good", "byar", 1),
        ("grunnskolepoeng", "362", "score", "high_good", "none", 1),
        ("lesing_5", "670", "percent", "low_good", "wilson", 3),
        ("regning_5", "685", "percent", "low_good", "wilson", 3),
        ("inntektsulikhet", "366", "ratio", "low_good", "none", 1),
        ("overvekt_17", "388", "percent", "low_good", "wilson", 4),
        ("vaksinasjon_mmr", "395", "percent", "high_good", "wilson", 1),
        ("barn_0_17", "07459", "count", "none", "none", 1),
        ("barn_undersokelse", "12286", "percent", "none", "wilson", 1),
    ],
)
def test_key_indicators(
    catalog: Catalog, ind_id: str, table: str, unit: str, polarity: str, ci: str, period: int
) -> None:
    ind = catalog.get(ind_id)
    assert ind.source.table == table
    assert (ind.unit, ind.polarity, ind.ci_method, ind.period_years) == (unit, polarity, ci, period)


def test_fhi_selections_follow_the_real_requests(catalog: Catalog) -> None:
    assert catalog.get("vedvarende_lavinntekt").source.selection == {
        "ALDER": ["0_17"],
        "INNVKAT": ["0"],
        "MAAL": ["ant_eu60"],
    }
    assert catalog.get("barnevernstiltak").source.selection == {"KJONN": ["0"], "ALDER": ["0_17"]}
    assert catalog.get("mobbing_7").source.selection["SPM_ID"] == ["479"]
    assert catalog.get("psykiske_plager_voksne").source.selection["ALDER"] == ["25_44"]
    assert catalog.get("barn_0_17").source.codelist["Region"] == "agg_KommSummer"


def test_unverified_and_service_indicators(catalog: Catalog) -> None:
    vgs = catalog.get("fullfort_vgs")
    assert not vgs.source.verified
    assert "look up by title" in (vgs.source.note or "")
    nurse = catalog.get("helsesykepleier_arsverk")
    assert (nurse.unit, nurse.ci_method, nurse.polarity) == ("per_10000", "none", "high_good")
    assert nurse.norm is None and nurse.norm_note is not None
    assert not nurse.district_level
    assert catalog.get("pedagognorm").polarity == "high_good"
    assert nurse.source.ended == 2022 and not nurse.source.verified
    vold = catalog.get("familievold")
    assert vold.period_years == 2 and "nære relasjoner" not in vold.name["nb"]
    for kg in ("barnehagedeltakelse", "pedagognorm", "spesialpedagogisk_hjelp"):
        assert catalog.get(kg).source.table == "13502", kg
    assert catalog.get("barnehagedeltakelse").source.measures["value"] == "KOSandel150000"


def test_ungdata_is_local_data(catalog: Catalog) -> None:
    # District values of Ungdata come from the kommune's own results by school area,
    # imported as local data; the public source stops at the kommune.
    ungdata = [i for i in catalog.indicators if i.id.startswith("ungdata_")]
    assert len(ungdata) >= 4
    for ind in ungdata:
        assert ind.source.provider == "local" and ind.source.table == "Ungdata", ind.id
        assert "NOVA" in (ind.source.note or ""), ind.id
        assert ind.caveats is not None, ind.id


# --------------------------------------------------------------------------- the real kommuner


@pytest.mark.parametrize(
    ("code", "name", "fylke", "old_codes"),
    [
        ("3301", "Drammen", "33", ["0602", "3005"]),
        ("1108", "Sandnes", "11", ["1102"]),
        ("3905", "Tønsberg", "39", ["0704", "3803"]),
    ],
)
def test_kommune_files(
    kommuner: dict[str, Kommune], code: str, name: str, fylke: str, old_codes: list[str]
) -> None:
    k = kommuner[code]
    assert (k.name, k.fylke.code) == (name, fylke)
    assert k.old_codes == old_codes
    assert 3 <= len(k.comparators.peers) <= 5
    assert all(re.fullmatch(r"\d{4}", p.code) and p.code != code for p in k.comparators.peers)
    d = k.districts
    # Real codes now: the own districts are whole delområder of the bundled grunnkrets table.
    assert not d.demo_codes and d.note and "illustrative" in d.note.lower()
    assert 8 <= len(d.items) <= 11
    gks = [gk for item in d.items for gk in item.grunnkretser]
    table = districts.area_file(code)
    assert table is not None and sorted(gks) == sorted(table["grunnkrets"])
    for item in d.items:
        assert all(gk.startswith(code) for gk in item.grunnkretser), item.code
        delomrader = {gk[:6] for gk in item.grunnkretser}
        whole = table[table["delomrade"].isin(delomrader)]["grunnkrets"]
        assert sorted(whole) == sorted(item.grunnkretser), item.code


def test_history_dates(kommuner: dict[str, Kommune]) -> None:
    drammen = {c.code: c for c in kommuner["3301"].history}
    assert str(drammen["3005"].valid_from) == "2020-01-01"
    assert str(drammen["3005"].valid_to) == "2023-12-31"
    tonsberg = {c.code: c for c in kommuner["3905"].history}
    assert str(tonsberg["3803"].valid_to) == "2023-12-31"


# --------------------------------------------------------------------------- bad files

CATALOG = """\
themes:
  - id: levekar
    name: {nb: Levekår}
risk_factors:
  - id: strukturelle_betingelser
    number: 8
    name: {nb: Skadelige strukturelle betingelser}
indicators:
  - id: lavinntekt
    name: {nb: Vedvarende lavinntekt}
    theme: levekar
    unit: percent
    polarity: low_good
    ci_method: wilson
    definition: {nb: Barn i husholdninger med vedvarende lavinntekt.}
    risk_factors: [strukturelle_betingelser]
    source:
      provider: fhi
      table: "403"
      measure_dimension: MEASURE_TYPE
      measures: {value: RATE}
"""
# Line numbers in CATALOG: 9 "- id: lavinntekt", 11 theme, 12 unit, 13 polarity, 14 ci_method,
# 16 risk_factors.

KOMMUNE = """\
code: "3301"
name: Drammen
fylke: {code: "33", name: Buskerud}
districts:
  level_name: {nb: kommunedel}
  items:
    - code: 3301-D01
      name: Bragernes
      grunnkretser:
        - "33010101"
        - "33010102"
    - code: 3301-D02
      name: Strømsø
      grunnkretser: ["33010201"]
"""
# Line numbers in KOMMUNE: 7 first district code, 10–11 its grunnkretser (the list starts on 10),
# 12 second code, 14 its grunnkretser.


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def catalog_error(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, "indicators.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_yaml_model(path, Catalog)
    return info.value


def kommune_error(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, "3301.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_yaml_model(path, Kommune)
    return info.value


def test_the_good_fixtures_load(tmp_path: Path) -> None:
    assert load_yaml_model(write(tmp_path, "c.yaml", CATALOG), Catalog).indicators[0].id
    assert load_yaml_model(write(tmp_path, "k.yaml", KOMMUNE), Kommune).code == "3301"


def test_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    err = catalog_error(tmp_path, CATALOG.replace("    polarity:", "    polarty:"))
    path = tmp_path / "indicators.yaml"
    lines = str(err).splitlines()
    assert f"{path}:13: indicators[lavinntekt].polarty: Extra inputs are not permitted" in lines
    # The misspelt key also leaves polarity missing, reported at the indicator's first line.
    assert f"{path}:9: indicators[lavinntekt].polarity: Field required" in lines


def test_wrong_polarity_value(tmp_path: Path) -> None:
    err = catalog_error(tmp_path, CATALOG.replace("polarity: low_good", "polarity: lav"))
    assert str(err) == (
        f"{tmp_path / 'indicators.yaml'}:13: indicators[lavinntekt].polarity: "
        "Input should be 'high_good', 'low_good' or 'none'"
    )


def test_wilson_needs_percent(tmp_path: Path) -> None:
    err = catalog_error(tmp_path, CATALOG.replace("unit: percent", "unit: per_1000"))
    assert str(err) == (
        f"{tmp_path / 'indicators.yaml'}:9: indicators[lavinntekt]: "
        "Value error, ci_method wilson needs unit percent"
    )


def test_byar_needs_a_rate(tmp_path: Path) -> None:
    err = catalog_error(tmp_path, CATALOG.replace("ci_method: wilson", "ci_method: byar"))
    assert str(err).startswith(f"{tmp_path / 'indicators.yaml'}:9: indicators[lavinntekt]: ")
    assert "byar needs unit per_1000 or per_10000" in str(err)


def test_an_illegal_ssb_selection_is_a_config_error(tmp_path: Path) -> None:
    ssb = CATALOG.replace("provider: fhi", "provider: ssb").replace(
        "measures: {value: RATE}", "measures: {value: RATE}\n      selection: {Alder: ['0*7']}"
    )
    err = catalog_error(tmp_path, ssb)
    assert "indicators[lavinntekt].source.selection" in str(err)
    assert "'*' may only stand at the start and/or the end" in str(err)
    assert str(err).startswith(f"{tmp_path / 'indicators.yaml'}:")
    assert load_yaml_model(write(tmp_path, "ok.yaml", ssb.replace("0*7", "01*")), Catalog)


def test_unknown_theme_is_reported_at_the_theme_line(tmp_path: Path) -> None:
    err = catalog_error(tmp_path, CATALOG.replace("theme: levekar", "theme: levekaar"))
    assert str(err) == (
        f"{tmp_path / 'indicators.yaml'}:11: indicators[lavinntekt].theme: unknown theme 'levekaar'"
    )


def test_unknown_risk_factor(tmp_path: Path) -> None:
    text = CATALOG.replace(
        "risk_factors: [strukturelle_betingelser]", "risk_factors:\n      - fattigdom"
    )
    err = catalog_error(tmp_path, text)
    assert str(err) == (
        f"{tmp_path / 'indicators.yaml'}:17: indicators[lavinntekt].risk_factors[0]: "
        "unknown risk factor 'fattigdom'"
    )


def test_duplicate_indicator_id(tmp_path: Path) -> None:
    first = CATALOG.split("indicators:\n", 1)[1]
    text = CATALOG + first  # the same indicator twice; the second starts on line 22
    err = catalog_error(tmp_path, text)
    assert str(err) == (
        f"{tmp_path / 'indicators.yaml'}:22: indicators[lavinntekt].id: "
        "id 'lavinntekt' is used twice"
    )


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = CATALOG.replace("    theme: levekar\n", "    theme: levekar\n   unit: [percent\n")
    err = catalog_error(tmp_path, text)
    message = str(err)
    assert message.startswith(f"{tmp_path / 'indicators.yaml'}:12: (syntax): "), message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    err = catalog_error(tmp_path, "- just\n- a list\n")
    assert str(err).endswith(":1: (file): expected a mapping of keys at the top level")


def test_grunnkrets_of_another_kommune(tmp_path: Path) -> None:
    err = kommune_error(tmp_path, KOMMUNE.replace('- "33010102"', '- "30050102"'))
    assert str(err) == (
        f"{tmp_path / '3301.yaml'}:11: districts.items[3301-D01].grunnkretser[1]: "
        "30050102 is not in kommune 3301"
    )


def test_district_code_without_kommune_prefix(tmp_path: Path) -> None:
    err = kommune_error(tmp_path, KOMMUNE.replace("code: 3301-D02", "code: D02"))
    assert str(err) == (
        f"{tmp_path / '3301.yaml'}:12: districts.items[D02].code: 'D02' must start with '3301-'"
    )


def test_grunnkrets_in_two_districts(tmp_path: Path) -> None:
    err = kommune_error(tmp_path, KOMMUNE.replace('["33010201"]', '["33010101"]'))
    assert str(err) == (
        f"{tmp_path / '3301.yaml'}:14: districts.items[3301-D02].grunnkretser[0]: "
        "33010101 is also in 'Bragernes'"
    )


def test_grunnkrets_must_have_eight_digits(tmp_path: Path) -> None:
    err = kommune_error(tmp_path, KOMMUNE.replace('- "33010102"', '- "3301012"'))
    assert str(err) == (
        f"{tmp_path / '3301.yaml'}:11: districts.items[3301-D01].grunnkretser[1]: "
        "Value error, grunnkrets code '3301012' must be 8 digits"
    )


def test_unquoted_code_gets_a_hint(tmp_path: Path) -> None:
    err = kommune_error(tmp_path, KOMMUNE.replace('- "33010102"', "- 33010102"))
    assert "districts.items[3301-D01].grunnkretser[1]" in str(err)
    assert "write the code in quotes" in str(err)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_bytes(CATALOG.encode("latin-1"))  # "å" becomes the single byte 0xE5
    with pytest.raises(ConfigError) as info:
        load_yaml_model(path, Catalog)
    assert str(info.value).startswith(f"{path}:?: (file): not UTF-8 text: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "finnes_ikke.yaml"
    with pytest.raises(ConfigError) as info:
        load_catalog(path)
    assert str(info.value) == f"{path}:?: (file): file not found"


def test_kommune_file_name_must_match_code(tmp_path: Path) -> None:
    write(tmp_path, "3005.yaml", KOMMUNE)
    with pytest.raises(ConfigError) as info:
        load_kommuner(tmp_path)
    assert str(info.value) == f"{tmp_path / '3005.yaml'}:1: code: file name must be 3301.yaml"


def test_empty_kommune_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_kommuner(tmp_path)
    assert "no kommune files" in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = CATALOG.replace("theme: levekar", "theme: x").replace(
        "[strukturelle_betingelser]", "[y]"
    )
    err = catalog_error(tmp_path, text)
    assert [(line, field) for line, field, _ in err.problems] == [
        (11, "indicators[lavinntekt].theme"),
        (16, "indicators[lavinntekt].risk_factors[0]"),
    ]


# ------------------------------------------------------------- the kommune's own districts file

SQUARE = {"type": "Polygon", "coordinates": [[[10, 59], [10.1, 59], [10.1, 59.1], [10, 59]]]}


def _districts_file(folder: Path, props: list[dict[str, object]], name: str = "d.geojson") -> str:
    features = [{"type": "Feature", "properties": p, "geometry": SQUARE} for p in props]
    (folder / name).write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return KOMMUNE.replace("  items:", f"  geojson: {name}\n  items:")


def test_a_missing_districts_file_is_a_config_error(tmp_path: Path) -> None:
    text = KOMMUNE.replace("  items:", "  geojson: finnes-ikke.geojson\n  items:")
    err = kommune_error(tmp_path, text)
    assert str(err).startswith(f"{tmp_path / '3301.yaml'}:5: districts: ")
    assert f"geojson {tmp_path / 'finnes-ikke.geojson'}: file not found" in str(err)


def test_features_without_a_known_property_are_a_config_error(tmp_path: Path) -> None:
    text = _districts_file(tmp_path, [{"OBJECTID": 1, "omr": "Bragernes"}, {"OBJECTID": 2}])
    err = kommune_error(tmp_path, text)
    message = str(err)
    assert f"geojson {tmp_path / 'd.geojson'}: feature 0, 1 has no property naming" in message
    # the accepted names are listed, so the analyst can rename the property
    for name in ("bydelnr", "bydelnavn", "kommunenummer", "navn", "grunnkretsnummer"):
        assert name in message


@pytest.mark.parametrize(
    "props",
    [
        [{"bydelnr": "330101", "bydelnavn": "Bragernes"}, {"bydelnr": "02"}],
        [{"kommunenummer": "3301", "bydelnavn": "Bragernes"}, {"BYDELNAVN": "Strømsø"}],
        [{"kode": "3301-01"}, {"navn": "Strømsø"}],
    ],
)
def test_common_property_names_are_accepted(tmp_path: Path, props: list[dict[str, object]]) -> None:
    # districts 3301-01 Bragernes and 3301-02 Strømsø; "330101", "02", "3301-01" all name one
    text = _districts_file(tmp_path, props).replace("3301-D0", "3301-0")
    k = load_yaml_model(write(tmp_path, "3301.yaml", text), Kommune)
    assert k.districts.geojson_path == tmp_path / "d.geojson"


def test_grunnkrets_polygons_are_accepted(tmp_path: Path) -> None:
    gks = [{"grunnkretsnummer": g} for g in ("33010101", "33010102", "33010201", "30050101")]
    k = load_yaml_model(write(tmp_path, "3301.yaml", _districts_file(tmp_path, gks)), Kommune)
    assert k.districts.geojson_path == tmp_path / "d.geojson"
    # a district whose grunnkrets has no polygon would draw a map with a hole: refused
    err = kommune_error(tmp_path, _districts_file(tmp_path, gks[:2] + gks[3:]))
    assert "district 3301-D02 Strømsø: no polygon for grunnkrets 33010201" in str(err)


def test_a_district_without_grunnkretser_is_allowed(tmp_path: Path) -> None:
    text = KOMMUNE.replace('      grunnkretser: ["33010201"]\n', "")
    k = load_yaml_model(write(tmp_path, "3301.yaml", text), Kommune)
    assert [d.grunnkretser for d in k.districts.items] == [["33010101", "33010102"], []]
    assert not k.districts.demo_codes
