"""Playwright: every page in the navigation, in a real browser at 1366×768, with screenshots.

Each page is photographed twice into the artifacts folder: what a laptop shows first
(`<page>-1366x768.png`) and the whole page (`<page>-1366-full.png`), for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pages import PAGES

pytestmark = pytest.mark.browser

KOMMUNE = "3301"

# Page url → extra query for a representative view; indikator is shot in both views.
VIEWS: list[tuple[str, str, str]] = [
    (url, url, {"distrikt": "&distrikt=3301-D02"}.get(url, "")) for _, _, _, url in PAGES
]
VIEWS = [v for v in VIEWS if v[1] != "indikator"] + [
    ("indikator-stolper", "indikator", "&indikator=trangboddhet"),
    ("indikator-trakt", "indikator", "&indikator=trangboddhet&visning=trakt"),
]
DEFAULT_PAGE = PAGES[0][3]
# Pages that draw plotly charts: the screenshot waits until they are drawn.
WITH_CHARTS = {"oversikt", "distrikt", "indikator", "levekar"}
FULL_HEIGHT_CAP = 7000


def _open(page: Any, base: str, url: str, query: str) -> None:
    path = "" if url == DEFAULT_PAGE else url
    page.goto(f"{base}/{path}?kommune={KOMMUNE}{query}", wait_until="domcontentloaded")
    page.locator("h1").first.wait_for(timeout=60_000)
    # Let the script finish: Streamlit shows a running indicator until it does.
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    if url in WITH_CHARTS:
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2500)


@pytest.mark.parametrize(("name", "url", "query"), VIEWS, ids=[v[0] for v in VIEWS])
def test_page_screenshots(
    app_url: str,
    browser: Any,
    artifacts: Path,
    name: str,
    url: str,
    query: str,
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        _open(page, app_url, url, query)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        # Every page labels demo data where it can be seen (Møtemodus in each slide's footer).
        assert page.get_by_text("Demodata").filter(visible=True).count() >= 1, name
        page.screenshot(path=str(artifacts / f"{name}-1366x768.png"))
        # Streamlit scrolls inside its own container: a whole-page picture needs a tall window.
        height = page.evaluate(
            'Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
            '[data-testid="stMainBlockContainer"]\')].map(e => e.scrollHeight), 768)'
        )
        page.set_viewport_size({"width": 1366, "height": min(int(height) + 80, FULL_HEIGHT_CAP)})
        page.wait_for_timeout(2000)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        page.screenshot(path=str(artifacts / f"{name}-1366-full.png"))
    finally:
        page.close()


def test_funnel_and_map_in_the_browser(app_url: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 2400})
    try:
        _open(page, app_url, "indikator", "&indikator=trangboddhet&visning=trakt")
        plots = page.locator(".js-plotly-plot")
        assert plots.count() >= 3  # funnel, map, trend
        funnel = plots.first
        assert funnel.get_by_text("95 %-grense").count() >= 1
        # Every district's name is drawn on the funnel and on the tile map.
        for name in ("Fjell", "Konnerud", "Strømsø"):
            assert funnel.get_by_text(name, exact=True).count() >= 1
            assert plots.nth(1).get_by_text(name).count() >= 1
        assert "visning=trakt" in page.url
    finally:
        page.close()


def test_switching_to_the_funnel_reruns_its_part_and_keeps_the_link(
    app_url: str, browser: Any
) -> None:
    """The chart mode is a fragment (issue 16): its click still writes the link and draws."""
    page = browser.new_page(viewport={"width": 1366, "height": 2400})
    try:
        _open(page, app_url, "indikator", "&indikator=trangboddhet")
        assert "visning=" not in page.url
        page.get_by_text("Traktdiagram (tar hensyn til størrelse)").click()
        page.wait_for_url("**visning=trakt**", timeout=60_000)
        assert "indikator=trangboddhet" in page.url and f"kommune={KOMMUNE}" in page.url
        page.locator(".js-plotly-plot").first.get_by_text("95 %-grense").first.wait_for(
            timeout=60_000
        )
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


def test_levekar_warning_is_above_the_fold(app_url: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        _open(page, app_url, "levekar", "")
        warning = page.get_by_text("Indeksen er ikke en rangering av hvor det er best å bo")
        assert warning.first.is_visible()
        box = warning.first.bounding_box()
        assert box is not None and box["y"] + box["height"] < 768
    finally:
        page.close()
