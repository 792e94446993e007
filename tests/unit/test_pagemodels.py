"""The page models: what the pages show, built from the demo warehouse without Streamlit."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from utfordringsbilde import levekar, numbers, overview, profile, queries
from utfordringsbilde.config import load_catalog
from utfordringsbilde.pagemodels import distrikt, indikator, kilder, oversikt
from utfordringsbilde.pagemodels import levekar as levekar_model


@pytest.fixture(scope="module")
def ov(demo_warehouse: Path) -> overview.Overview:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        return overview.build(con, "3301")


def test_barometer_table_shows_symbols_and_words(ov: overview.Overview) -> None:
    table = oversikt.barometer_table(ov, ov.indicators, "en")
    assert list(table.columns) == ["Indicator", ov.kommune_name, "Norway", "Compared with norway"]
    assert len(table) == len(ov.barometer)
    flagged = ov.barometer["flag"].notna().to_numpy()
    assert (table.loc[flagged, ov.kommune_name].isin([":", "..", "."])).all()
    sources = oversikt.sources(ov.indicators).split(", ")
    assert len(sources) == len(set(sources))
    assert "Folkehelseinstituttet (FHI)" in sources and "Statistisk sentralbyrå (SSB)" in sources
    # Providers by name in the chosen language, never the warehouse's codes (`LOCAL`).
    assert "kommunens egne tall" in sources and "LOCAL" not in ", ".join(sources)
    assert "Statistics Norway (SSB)" in oversikt.sources(ov.indicators, "en")


def test_export_rows_hold_districts_and_kommune(
    demo_warehouse: Path, ov: overview.Overview
) -> None:
    one = ov.indicators.iloc[:1]
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        rows = oversikt.export_rows(con, ov, one, "2026-11-22", "nb")
    codes = set(rows.iloc[:, 2])
    assert ov.kommune in codes and set(ov.districts["area_code"]) <= codes
    # Every row has its trend, as the district export has (none left empty).
    assert (rows["trend"] != "").all()
    assert rows["trend"].str.contains("Økende|Synkende|Ingen sikker|Kan ikke", regex=True).all()


def test_indicator_export_rows_have_trends(demo_warehouse: Path, ov: overview.Overview) -> None:
    ind_id = str(ov.indicators["indicator_id"].iloc[0])
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        d = indikator.districts(ov, ind_id)
        rows = indikator.export_rows(con, ov, d, ov.indicators, ind_id, "2026-11-22", "nb")
    assert len(rows) and (rows["trend"] != "").all()


def test_district_table_one_row_per_indicator(demo_warehouse: Path, ov: overview.Overview) -> None:
    district, name = distrikt.chosen(ov, None)
    assert (district, name) == tuple(ov.districts[["area_code", "name"]].iloc[0])
    assert (
        distrikt.chosen(ov, ov.districts["area_code"].iloc[-1])[1] == ov.districts["name"].iloc[-1]
    )
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        prof = profile.build(con, ov, district)
    table = distrikt.table(prof, ov.indicators, "D", ov.kommune_name, "nn")
    assert len(table) == len(prof)
    assert table.columns[0] == "Indikator" and "Landet" in table.columns
    # The demo has no perturbed figures; one marked approximate gets ~ and the page its note
    # (not ≈, the symbol of "no certain difference").
    assert not distrikt.has_approximate(prof) and not table["D"].str.startswith("~").any()
    marked = prof.assign(approximate=[True] + [False] * (len(prof) - 1))
    shown = distrikt.table(marked, ov.indicators, "D", ov.kommune_name, "nn")["D"]
    assert distrikt.has_approximate(marked)
    assert shown.iloc[0] == f"~ {table['D'].iloc[0]}" and shown.iloc[1:].equals(table["D"].iloc[1:])


def test_indicator_charts_carry_caption_and_table(ov: overview.Overview) -> None:
    ind_id = ov.indicators.loc[ov.indicators["ci_method"] == "wilson", "indicator_id"].iloc[0]
    ind = indikator.describe(ov.indicators, ind_id, "nb")
    d = indikator.districts(ov, ind_id)
    assert set(d.cells["area_code"]) <= set(d.names)
    bars = indikator.main_chart(ind, d, "stolper", ov.kommune_name, "nb")
    funnel = indikator.main_chart(ind, d, "trakt", ov.kommune_name, "nb")
    assert ind.definition.strip()[:20] in bars.caption
    assert len(bars.table) == len(d.cells)
    assert "position_text" not in bars.table.columns
    assert bars.title != funnel.title  # the funnel where it is possible
    assert indikator.url_value("stolper", indikator.MODES) is None
    assert indikator.url_value("trakt", indikator.MODES) == "trakt"
    assert indikator.areas("3301", "33", ["3301-D01"]) == ("3301-D01", "3301", "33", "0")


def test_levekar_tables_and_caption(ov: overview.Overview) -> None:
    options = levekar.available(ov.cells, ov.indicators, ov.districts["area_code"].tolist())
    chosen = levekar.default_components(options)
    result = levekar.build(ov.cells, ov.districts, ov.indicators, chosen)
    scores = levekar_model.scores_table(result, ov.indicators, "en")
    assert len(scores) == len(ov.districts) and scores.columns[-1] == "Index"
    short = levekar_model.short_names(ov.indicators, "en")
    assert all(short[c] in levekar_model.caption(result, ov.indicators, "en") for c in chosen)


def test_catalog_row_per_indicator(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        inds, summary = queries.indicators(con), queries.source_summary(con)
        meta = queries.meta(con)
    table = kilder.catalog(inds, summary, "en")
    assert len(table) == len(inds)
    assert {"Unit", "Period", "Hidden cells"} <= set(table.columns)
    assert list(kilder.missing(meta, "en").columns) == ["Indicator", "Reason"]


def test_public_run_messages_name_no_people() -> None:
    """Issue 15: who imported and the file's contacts are cut; the rest of the message stays."""
    from utfordringsbilde.pagemodels import kilder

    msg = (
        "import: file a.csv (sha256 0123abcd) by Kari at Oslo <k@x.no> at 2025-01-02T03:04:05Z: "
        "6 district rows of ungdata_x for Drammen (3301); kilde: Ungdata; kontakt: a@b.no, "
        "Per (tlf 1); demo: yes"
    )
    public = kilder.public_message(msg)
    assert public == (
        "import: file a.csv (sha256 0123abcd) at 2025-01-02T03:04:05Z: 6 district rows of "
        "ungdata_x for Drammen (3301); kilde: Ungdata; demo: yes"
    )
    assert kilder.public_message(None) is None
    assert kilder.public_message("fhi: 12 tables") == "fhi: 12 tables"




def test_verdict_summary_counts_areas_in_the_plural(ov: overview.Overview) -> None:
    ind_id = str(ov.indicators.loc[ov.indicators["unit"] == "percent", "indicator_id"].iloc[0])
    d = indikator.districts(ov, ind_id)
    n = len(d.cells)
    assert n > 1
    assert indikator.verdict_summary(d, "nb").startswith(f"**{n} områder:**")
    assert indikator.verdict_summary(d, "nn").startswith(f"**{n} område:**")
    assert indikator.verdict_summary(d, "en").startswith(f"**{n} areas:**")


def test_units_never_break_inside_a_number() -> None:
    from utfordringsbilde import numbers

    for lang in ("nb", "nn", "en"):
        for unit in ("per_1000", "per_10000"):
            for text in (numbers.unit_name(unit, lang), numbers.value(1234.5, unit, 1, lang)):
                assert not re.search(r"\d \d", text), text


def test_etl_runs_read_as_words_numbers_and_oslo_time(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        raw = queries.etl_runs(con)
    for lang, started, rows in (("nb", "Startet", "Rader"), ("en", "Started", "Rows")):
        runs = kilder.runs(raw, lang, True)
        assert started in runs.columns and rows in runs.columns
        assert "run_id" not in runs.columns and "started_at" not in runs.columns
        cells = runs.astype(str).to_numpy().ravel().tolist()
        assert "None" not in cells and "nan" not in cells
    nb = kilder.runs(raw, "nb", True)
    assert nb["Rader"].iloc[0] == numbers.number(int(raw["rows"].iloc[0]), 0, "nb")
    assert "\u00a0" in nb["Rader"].iloc[0]  # 16 688, grouped
    assert nb["Status"].iloc[0] == "fullført" and nb["Kilde"].iloc[0] == "simulerte demotall"
    assert nb["Startet"].iloc[0] == numbers.oslo_time(raw["started_at"].iloc[0])


def test_oslo_time_is_local_summer_and_winter() -> None:
    import datetime as dt

    assert numbers.oslo_time(dt.datetime(2026, 12, 1, 10, 47)) == "01.12.2026 11:47"
    assert numbers.oslo_time("2026-07-01T10:47:01") == "01.07.2026 12:47"
    assert numbers.oslo_time(None) == ""


def test_indicator_page_opens_on_a_compared_indicator(ov: overview.Overview) -> None:
    inds = ov.indicators
    assert inds["unit"].iloc[0] == "count"  # the catalogue starts with a head count
    first = indikator.default(inds)
    assert inds.set_index("indicator_id").at[first, "unit"] != "count"


def test_counts_are_not_drawn_beside_landet(ov: overview.Overview) -> None:
    from utfordringsbilde import charts

    assert indikator.areas("3301", "33", ["3301-D01"], "count") == ("3301-D01", "3301")
    assert indikator.areas("3301", "33", [], "percent") == ("3301", "33", "0")
    inds = ov.indicators
    count_names = set(inds.loc[inds["unit"] == "count", "short_nb"])
    fig = charts.barometer(oversikt.barometer(ov, inds), inds, ov.kommune_name, "nb")
    drawn = {y for tr in fig.data if tr.y is not None for y in tr.y}
    assert count_names and not (count_names & drawn)


def test_catalogue_definitions_are_in_the_screens_language(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        inds, summary = queries.indicators(con), queries.source_summary(con)
    english = kilder.catalog(inds, summary, "en")
    defs = set(english["Definition"])
    wanted = {i.definition["en"] for i in load_catalog().indicators if "en" in i.definition}
    assert wanted and wanted <= defs
    assert "Definisjon" in kilder.catalog(inds, summary, "nb").columns


def test_funnel_names_stay_readable_over_the_limit_lines(ov: overview.Overview) -> None:
    ind = indikator.describe(ov.indicators, "trangboddhet", "nb")
    d = indikator.districts(ov, "trangboddhet")
    fig = indikator.main_chart(ind, d, "trakt", ov.kommune_name, "nb").fig
    named = [tr for tr in fig.data if tr.mode and "text" in tr.mode]
    assert named and all(tr.textfont.shadow == "auto" for tr in named)


def test_indicator_district_from_another_period_shows_its_own(ov: overview.Overview) -> None:
    import dataclasses

    ind_id = indikator.default(ov.indicators)
    d = indikator.districts(ov, ind_id)
    first = d.cells.iloc[0]
    ref_to = int(first["reference_period_to"])
    assert d.cells["area_name"].tolist() == [d.names[c] for c in d.cells["area_code"]]
    # The same district a year earlier, as when its source has not published the newest year.
    cells = ov.cells.copy()
    row = (cells["indicator_id"] == ind_id) & (cells["area_code"] == first["area_code"])
    cells.loc[row, "period_from"] = cells.loc[row, "period_from"] - 1
    cells.loc[row, "period_to"] = ref_to - 1
    older = indikator.districts(dataclasses.replace(ov, cells=cells), ind_id)
    shown = dict(zip(older.cells["area_code"], older.cells["area_name"], strict=True))
    own = numbers.period(int(cells.loc[row, "period_from"].iloc[0]), ref_to - 1)
    assert shown[first["area_code"]] == f"{d.names[first['area_code']]} ({own})"
    others = [c for c in shown if c != first["area_code"]]
    assert all(shown[c] == d.names[c] for c in others)
    assert older.period == d.period  # the compared period, not the odd row's


def test_level_labels_use_the_kommune_files_name() -> None:
    from utfordringsbilde.config import Districts, Text
    from utfordringsbilde.pagemodels.common import level_label

    own = Text({"nb": "kommunedel", "nn": "kommunedel", "en": "district"})
    assert level_label("district", "nb", own) == "Egne områder (kommunedel)"
    assert level_label("district", "nb", Districts().level_name) == "Egne områder"
    assert level_label("district", "nb") == "Egne områder"
    assert level_label("district", "en", own) == "Own districts"  # "district" adds nothing
    assert level_label("levekarssone", "nb", own) == "Levekårssoner"


def test_approximate_district_values_are_marked_on_the_indicator_page(
    ov: overview.Overview,
) -> None:
    """Issue 12: a 04362-type figure is marked "~" in the Indikator page's district table, and
    the page knows to explain it; an unmarked table is unchanged."""
    from utfordringsbilde import indicator
    from utfordringsbilde.i18n import t
    from utfordringsbilde.pagemodels.common import any_approximate

    ind_id = ov.indicators["indicator_id"].iloc[0]
    d = indikator.districts(ov, ind_id)
    ind = indikator.describe(ov.indicators, ind_id, "nb")
    plain = indicator.district_table(d.cells, ind.unit, ind.decimals, ov.kommune_name, "nb")
    values = d.cells["flag"].isna() & d.cells["value"].notna()
    marked_cells = d.cells.assign(approximate=values & (d.cells.index == d.cells.index[values][0]))
    marked = indicator.district_table(marked_cells, ind.unit, ind.decimals, ov.kommune_name, "nb")
    col = t("value", "nb")
    first = list(d.cells.index).index(d.cells.index[values][0])
    assert marked[col].iloc[first] == f"~ {plain[col].iloc[first]}"
    assert (marked[col] != plain[col]).sum() == 1
    assert any_approximate(marked_cells) and not any_approximate(d.cells)
