"""AppTest: the Indikator page's controls (indicator, bars/funnel, map, trend areas) and the
Levekårsindeks page's components, each kept in the URL so a copied link opens the same view."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import app


def _started(page: str, query: dict[str, str] | None = None) -> AppTest:
    """The page, settled: AppTest's first run uses Streamlit's legacy pages/ mode, where
    widget ids differ, so widgets are driven from the second run on."""
    at = app(query, page=page)
    at.run()
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _titles(at: AppTest) -> list[str]:
    return [f["layout"]["title"]["text"] for f in _figures(at)]


def _trace_names(fig: dict[str, Any]) -> set[str]:
    return {str(tr.get("name", "")) for tr in fig["data"]}


def _districts(path: Path, kommune: str) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(
            con.execute(
                "SELECT area_code, name FROM area WHERE level = 'district' AND parent_code = ? "
                "ORDER BY area_code",
                [kommune],
            ).fetchall()
        )


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_indicator_select_sets_title_and_url(demo_warehouse: Path) -> None:
    at = _started("indikator", {"kommune": "3301"})
    box = at.selectbox(key="indikator_valg")
    box.set_value("trangboddhet").run()
    assert not at.exception
    assert at.query_params["indikator"] == "trangboddhet"
    assert at.title[0].value == "Barn (0–17 år) som bor trangt"
    assert any("områdene i Drammen" in t for t in _titles(at))


def test_bars_and_funnel_switch(demo_warehouse: Path) -> None:
    at = _started("indikator", {"kommune": "3301", "indikator": "trangboddhet"})
    assert "visning" not in at.query_params
    assert "95 %-grense" not in _trace_names(_figures(at)[0])
    at.radio(key="indikator_visning").set_value("trakt").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["visning"] == "trakt"
    funnel = _figures(at)[0]
    assert {"95 %-grense", "99,8 %-grense"} <= _trace_names(funnel)
    assert "etter størrelse" in funnel["layout"]["title"]["text"]
    # Every district is a labelled marker (none is suppressed for this indicator here).
    labels = [t for tr in funnel["data"] if tr.get("mode") == "markers+text" for t in tr["text"]]
    assert sorted(labels) == sorted(_districts(demo_warehouse, "3301").values())
    # The funnel's table alternative says where each district lies.
    assert "Plassering i trakten" in at.dataframe[0].value.columns
    assert "99,8 %" in _captions(at)
    at.radio(key="indikator_visning").set_value("stolper").run()
    assert "visning" not in at.query_params


def test_funnel_link_opens_the_funnel(demo_warehouse: Path) -> None:
    at = app({"kommune": "1108", "indikator": "lesing_5", "visning": "trakt"}, page="indikator")
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="indikator_visning").value == "trakt"
    assert not at.info or "Traktdiagram krever" not in at.info[0].value


def test_funnel_needs_a_denominator(demo_warehouse: Path) -> None:
    """A score (grunnskolepoeng) has no count and denominator: bars, and a note why."""
    at = _started("indikator", {"kommune": "3905", "indikator": "grunnskolepoeng"})
    at.radio(key="indikator_visning").set_value("trakt").run()
    assert not at.exception
    assert any("Traktdiagram krever" in i.value for i in at.info)
    assert "95 %-grense" not in _trace_names(_figures(at)[0])


def test_every_chart_has_definition_source_and_period(demo_warehouse: Path) -> None:
    at = _started("indikator", {"kommune": "3301", "indikator": "trangboddhet"})
    charts = at.get("plotly_chart")
    with_caption = [c for c in at.caption if "**Definisjon:**" in c.value]
    assert len(charts) == 3  # bars, map, trend
    assert len(with_caption) == len(charts)
    assert all("**Kilde:**" in c.value and "**Periode:**" in c.value for c in with_caption)
    # A table alternative under each chart.
    assert len([e for e in at.expander if e.label == "Vis som tabell"]) == len(charts)


def test_tile_map_without_boundaries(demo_warehouse: Path) -> None:
    at = _started("indikator", {"kommune": "3905", "indikator": "lesing_5"})
    assert "Kart" in [s.value for s in at.subheader]
    tiles = _figures(at)[1]  # bars, map, trend
    names = set(_districts(demo_warehouse, "3905").values())
    assert sum(s.get("type") == "rect" for s in tiles["layout"]["shapes"]) == len(names)
    labels = " ".join(a["text"] for a in tiles["layout"]["annotations"]).replace("<br>", " ")
    assert all(n in labels for n in names)
    assert "Rutekart" in _captions(at)
    # No boundaries: no choice of map type.
    assert "indikator_kart" not in [r.key for r in at.radio]


def _with_boundaries(source: Path, target: Path, kommune: str) -> None:
    """A copy of the warehouse with a small constructed GeoJSON outline for each district."""
    shutil.copy(source, target)
    with duckdb.connect(str(target)) as con:
        codes = [
            r[0]
            for r in con.execute(
                "SELECT area_code FROM area WHERE level = 'district' AND parent_code = ? "
                "ORDER BY 1",
                [kommune],
            ).fetchall()
        ]
        for i, code in enumerate(codes):
            x0, y0 = 10.3 + (i % 4) * 0.05, 59.3 - (i // 4) * 0.04
            ring = [[x0, y0], [x0 + 0.05, y0], [x0 + 0.05, y0 + 0.04], [x0, y0 + 0.04], [x0, y0]]
            feature = {
                "type": "Feature",
                "properties": {"area_code": code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            con.execute("INSERT INTO area_shape VALUES (?, ?)", [code, json.dumps(feature)])


def test_choropleth_from_boundaries(
    demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "with_shapes.duckdb"
    _with_boundaries(demo_warehouse, path, "3905")
    monkeypatch.setenv("UB_WAREHOUSE", str(path))
    at = _started("indikator", {"kommune": "3905", "indikator": "lesing_5"})
    names = set(_districts(path, "3905").values())
    outline = next(
        f for f in _figures(at) if sum(tr.get("fill") == "toself" for tr in f["data"]) >= 1
    )
    assert sum(tr.get("fill") == "toself" for tr in outline["data"]) == len(names)
    assert "kommunens egen fil" in _captions(at)
    # The tile map is still there, now placed by geography, and the choice goes in the URL.
    at.radio(key="indikator_kart").set_value("ruter").run()
    assert not at.exception
    assert at.query_params["kart"] == "ruter"
    assert "omtrent etter geografien" in _captions(at)


def test_sex_breakdown_where_the_data_has_it(demo_warehouse: Path) -> None:
    at = _started("indikator", {"kommune": "1108", "indikator": "overvekt_17"})
    assert "Etter kjønn" in [s.value for s in at.subheader]
    fig = next(f for f in _figures(at) if "etter kjønn" in f["layout"]["title"]["text"])
    assert {"Gutter/menn", "Jenter/kvinner"} <= _trace_names(fig)
    bars = [tr for tr in fig["data"] if tr.get("type") == "bar"]
    assert {y for tr in bars for y in tr["y"]} == {"Sandnes", "Rogaland", "Landet"}
    table = next(d.value for d in at.dataframe if "Gutter/menn" in d.value.columns)
    assert list(table["Område"]) == ["Sandnes", "Rogaland", "Landet"]
    # No sex dimension in the source: no section.
    at.selectbox(key="indikator_valg").set_value("trangboddhet").run()
    assert "Etter kjønn" not in [s.value for s in at.subheader]


def test_trend_areas_in_url_and_chart(demo_warehouse: Path) -> None:
    names = _districts(demo_warehouse, "1108")
    codes = list(names)[:2]
    at = _started("indikator", {"kommune": "1108", "indikator": "vedvarende_lavinntekt"})
    at.multiselect(key="indikator_omrader").set_value(codes).run()
    assert not at.exception
    assert at.query_params["omrader"] == ",".join(codes)
    trend = next(f for f in _figures(at) if "utvikling over tid" in f["layout"]["title"]["text"])
    lines = {tr["name"] for tr in trend["data"] if tr.get("mode") == "lines+markers"}
    assert {names[c] for c in codes} | {"Sandnes", "Landet"} <= lines
    table = at.dataframe[-1].value
    assert {names[c] for c in codes} <= set(table.columns)


def test_copied_link_reopens_the_same_view(demo_warehouse: Path) -> None:
    names = _districts(demo_warehouse, "1108")
    code = list(names)[3]
    query = {
        "kommune": "1108",
        "indikator": "barnevernstiltak",
        "visning": "trakt",
        "omrader": code,
        "sprak": "en",
    }
    at = app(query, page="indikator")
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="indikator_valg").value == "barnevernstiltak"
    assert at.radio(key="indikator_visning").value == "trakt"
    assert at.multiselect(key="indikator_omrader").value == [code]
    assert any("by size" in t for t in _titles(at))
    for key, value in query.items():
        assert at.query_params[key] == value


def test_levekar_components_multiselect(demo_warehouse: Path) -> None:
    from utfordringsbilde import levekar

    at = _started("levekar", {"kommune": "3301"})
    assert any("ikke en rangering av hvor det er best å bo" in e.value for e in at.error)
    box = at.multiselect(key="levekar_komponenter")
    assert box.value == list(levekar.DEFAULT_COMPONENTS)
    assert "komponenter" not in at.query_params  # the default stays out of the link
    heat = _figures(at)[0]
    assert len(heat["data"][0]["x"]) == len(levekar.DEFAULT_COMPONENTS) + 1

    box.set_value(["vedvarende_lavinntekt", "trangboddhet", "lesing_5"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["komponenter"] == "vedvarende_lavinntekt,trangboddhet,lesing_5"
    heat = _figures(at)[0]
    assert len(heat["data"][0]["x"]) == 4  # three components and the index
    assert len(heat["data"][0]["y"]) == len(_districts(demo_warehouse, "3301"))

    at.multiselect(key="levekar_komponenter").set_value(["lesing_5"]).run()
    assert any("minst to" in i.value for i in at.info)
    assert not _figures(at)


def test_levekar_link_with_components(demo_warehouse: Path) -> None:
    at = app({"kommune": "3905", "komponenter": "unge_utenfor,mobbing_7"}, page="levekar")
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="levekar_komponenter").value == ["unge_utenfor", "mobbing_7"]
    assert at.query_params["komponenter"] == "unge_utenfor,mobbing_7"


def _all_districts(path: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT parent_code, area_code FROM area WHERE level = 'district' ORDER BY 1, 2"
        ).fetchall()


@pytest.mark.slow
def test_indicator_and_levekar_for_every_district(demo_warehouse: Path) -> None:
    """Both pages render for every district of every kommune, the funnel included."""
    for kommune, district in _all_districts(demo_warehouse):
        for page, extra in (("indikator", {"visning": "trakt"}), ("levekar", {})):
            at = app({"kommune": kommune, "distrikt": district, **extra}, page=page)
            at.run()
            at.run()
            assert not at.exception, (page, district, [e.value for e in at.exception])
            assert _figures(at), (page, district)


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_both_pages_in_nynorsk_and_english(demo_warehouse: Path, lang: str) -> None:
    for page, query in (
        ("indikator", {"indikator": "overvekt_17"}),
        ("indikator", {"indikator": "lesing_5", "visning": "trakt"}),
        ("levekar", {}),
    ):
        at = app({"kommune": "1108", "sprak": lang, **query}, page=page)
        at.run()
        at.run()
        assert not at.exception, (page, lang, [e.value for e in at.exception])
        assert _figures(at)
    warning = at.error[0].value
    assert ("ikkje ei rangering" if lang == "nn" else "not a ranking") in warning


def test_an_ended_series_says_so(demo_warehouse: Path) -> None:
    at = _started("indikator", {"kommune": "3301", "indikator": "helsesykepleier_arsverk"})
    notes = " ".join(i.value for i in at.info)
    assert "Serien er avsluttet" in notes and "2022" in notes and "SSB 11994" in notes
    at = _started("indikator", {"kommune": "3301", "indikator": "trangboddhet"})
    assert "Serien er avsluttet" not in " ".join(i.value for i in at.info)
