"""AppTest: every page renders without an exception, and the main controls work."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import app

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__")


def _started(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    """An app that has settled: AppTest's first run uses Streamlit's legacy pages/ mode,
    where widget ids differ, so widgets are driven from the second run on."""
    at = app(query, page=page)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _kommuner(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT parent_code FROM area WHERE level = 'district' ORDER BY 1"
        ).fetchall()
    return [r[0] for r in rows]


def test_every_page_is_in_navigation_and_readme() -> None:
    from pages import PAGES as NAVIGATION

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    navigated = {f"pages/{p.url}.py" for p in NAVIGATION}
    # Each page's URL path is its module's name (see ui.frame.page), and its render comes from it.
    assert all(p.render.__module__ == f"pages.{p.url}" for p in NAVIGATION)
    for page in PAGES:
        assert f"pages/{page}.py" in navigated, f"{page} is not in st.navigation"
        assert f"pages/{page}.py" in readme, f"{page} is not described in the README"


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(demo_warehouse: Path, page: str) -> None:
    at = app(page=page)
    at.run()
    assert not at.exception
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"
    # Demo data is always labelled as such.
    assert any("Demodata" in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_overview_for_every_kommune_and_language(demo_warehouse: Path, lang: str) -> None:
    for kommune in _kommuner(demo_warehouse):
        at = app({"kommune": kommune, "sprak": lang})
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        html = "".join(h.proto.body for h in at.html)
        assert 'data-testid="ub-heatmap"' in html
        # Real cells: each verdict class used comes from a comparison, not a placeholder.
        assert html.count("ub-v-") >= 20
        assert at.query_params["kommune"] == kommune


def test_sidebar_controls_change_the_view(demo_warehouse: Path) -> None:
    at = _started()
    kommuner = _kommuner(demo_warehouse)
    at.sidebar.selectbox(key="kommune").set_value(kommuner[-1]).run()
    assert not at.exception
    assert at.query_params["kommune"] == kommuner[-1]
    years = at.sidebar.selectbox(key="aar").options
    at.sidebar.selectbox(key="aar").set_value(years[3]).run()
    assert at.query_params["aar"] == years[3]
    assert not at.exception


def test_theme_filter_limits_rows(demo_warehouse: Path) -> None:
    at = _started()
    full = "".join(h.proto.body for h in at.html).count('class="ub-ind"')
    themes = at.multiselect(key="oversikt_tema")
    themes.set_value(themes.value[:1]).run()
    fewer = "".join(h.proto.body for h in at.html).count('class="ub-ind"')
    assert 0 < fewer < full


def test_indicator_page_from_link(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        ind = con.execute(
            "SELECT indicator_id FROM indicator WHERE ci_method = 'wilson' LIMIT 1"
        ).fetchone()[0]
    at = app({"indikator": ind, "kommune": _kommuner(demo_warehouse)[0]}, page="indikator")
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="indikator_valg").value == ind


def test_suppressed_cells_stay_symbols(demo_warehouse: Path) -> None:
    """A suppressed cell reaches the page as ':' with its meaning, never as a number."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        row = con.execute(
            "SELECT a.parent_code, o.period_to FROM observation o JOIN area a USING (area_code) "
            "WHERE o.flag = ':' AND a.level = 'district' AND o.sex = 'all' "
            "ORDER BY o.period_to DESC LIMIT 1"
        ).fetchone()
    if row is None:
        pytest.skip("the demo data has no suppressed district cell")
    at = app({"kommune": row[0], "aar": str(row[1])})
    at.run()
    html = "".join(h.proto.body for h in at.html)
    assert 'class="ub-suppressed"' in html


def _districts(path: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT parent_code, area_code FROM area WHERE level = 'district' ORDER BY 1, 2"
        ).fetchall()


@pytest.mark.slow
def test_district_profile_for_every_district(demo_warehouse: Path) -> None:
    """The profile renders for every district of every kommune, with its spine chart."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        names = dict(con.execute("SELECT area_code, name FROM area").fetchall())
    for kommune, district in _districts(demo_warehouse):
        at = _started({"kommune": kommune, "distrikt": district}, page="distrikt")
        assert not at.exception, (district, [e.value for e in at.exception])
        assert at.title[0].value.endswith(names[district]), at.title[0].value
        assert at.table, f"{district}: no table"


def test_district_profile_sentences_only_claim_tested_differences(demo_warehouse: Path) -> None:
    from utfordringsbilde import narrative, overview, profile

    kommune, district = _districts(demo_warehouse)[0]
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        ov = overview.build(con, kommune)
        prof = profile.build(con, ov, district)
    sentences = narrative.district_findings(prof, ov.indicators, "X", "nb", limit=50)
    significant = prof[
        prof["flag"].isna() & prof["verdict"].isin(["better", "worse", "higher", "lower"])
    ]
    assert len(sentences) == len(significant)
    assert all("signifikant" in s for s in sentences)


def test_overview_offers_exports_with_symbols(demo_warehouse: Path) -> None:
    """The overview's CSV holds every district cell; suppressed ones as their symbol."""
    import pandas as pd

    from utfordringsbilde import export, overview

    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        row = con.execute(
            "SELECT a.parent_code, o.period_to FROM observation o JOIN area a USING (area_code) "
            "WHERE o.flag = ':' AND a.level = 'district' AND o.sex = 'all' "
            "ORDER BY o.period_to DESC LIMIT 1"
        ).fetchone()
        ov = overview.build(con, row[0], int(row[1]))
    table = export.export_table(ov.cells, ov.indicators, {}, "K", "2026-11-22", "nb")
    hidden = table[table["flag"] == ":"]
    assert not hidden.empty and (hidden["value"] == ":").all()
    assert hidden["numerator"].isna().all()
    assert pd.to_numeric(table.loc[table["flag"] == "", "value"]).notna().all()
    at = _started({"kommune": row[0]})
    labels = [b.label for b in at.get("download_button")]
    assert {"CSV", "Excel", "PNG", "SVG"} <= set(labels)


def test_district_profile_shows_no_district_while_the_sidebar_says_all(
    demo_warehouse: Path,
) -> None:
    """With "all districts" in the sidebar the page asks for one; a choice there is the
    sidebar's too, so the title and the sidebar never disagree."""
    at = _started({"kommune": "3301"}, page="distrikt")
    assert at.title[0].value == "Distriktsprofil"
    assert at.sidebar.selectbox(key="distrikt").value == ""
    buttons = [b for b in at.button if (b.key or "").startswith("distrikt_velg_")]
    assert len(buttons) > 1
    code = buttons[1].key.removeprefix("distrikt_velg_")
    name = buttons[1].label
    buttons[1].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == f"Distriktsprofil: {name}"
    assert at.sidebar.selectbox(key="distrikt").value == code
