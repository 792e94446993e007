"""Playwright in Debian's Chromium: the real app in a real browser, with screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_overview_shows_heatmap(app_url: str, browser: object, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.goto(f"{app_url}/?kommune=3301", wait_until="domcontentloaded")
    table = page.locator('table[data-testid="ub-heatmap"]')
    table.wait_for(timeout=60_000)
    cells = table.locator("td[class^='ub-v-']")
    assert cells.count() >= 50
    verdicts = {c.get_attribute("class") for c in cells.all()}
    assert {"ub-v-better", "ub-v-worse"} <= verdicts | {"ub-v-higher"} or len(verdicts) >= 2
    assert page.get_by_text("Demodata").first.is_visible()
    # The indicator names are links to their own view.
    link = table.locator("th.ub-ind a").first
    assert "indikator?" in (link.get_attribute("href") or "")
    page.wait_for_timeout(1500)  # let plotly finish drawing the barometer
    page.screenshot(path=str(artifacts / "oversikt-1366-fold.png"))
    # Streamlit scrolls inside its own container, so a whole-page picture needs a tall window.
    page.set_viewport_size({"width": 1366, "height": 3400})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(artifacts / "oversikt-1366.png"))
    page.close()


def test_indicator_link_opens_indicator_view(
    app_url: str, browser: object, artifacts: Path
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.goto(f"{app_url}/?kommune=1108", wait_until="domcontentloaded")
    table = page.locator('table[data-testid="ub-heatmap"]')
    table.wait_for(timeout=60_000)
    link = table.locator("th.ub-ind a").first
    # The row shows the short name; the link's title and the page heading carry the full name.
    name = (link.get_attribute("title") or "").strip()
    assert name
    link.click()
    page.get_by_role("heading", name=name).first.wait_for(timeout=60_000)
    assert "indikator" in page.url and "kommune=1108" in page.url
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    page.set_viewport_size({"width": 1366, "height": 2000})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(artifacts / "indikator-1366.png"))
    page.close()


def test_indicator_link_moves_within_the_app_keeping_the_view(
    app_url: str, browser: object
) -> None:
    """Issue 14: a heat map link does not load the app again; district and language stay."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.goto(f"{app_url}/?kommune=1108&distrikt=1108-D02&sprak=en", wait_until="domcontentloaded")
    table = page.locator('table[data-testid="ub-heatmap"]')
    table.wait_for(timeout=60_000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.evaluate("window.__ubNoReload = true")  # a full document load would drop it
    link = table.locator("th.ub-ind a").nth(1)
    name = (link.get_attribute("title") or "").strip()
    href = link.get_attribute("href") or ""
    assert "distrikt=1108-D02" in href and "sprak=en" in href
    link.click()
    page.get_by_role("heading", name=name).first.wait_for(timeout=60_000)
    assert page.evaluate("window.__ubNoReload === true"), "the link reloaded the whole app"
    assert "/indikator" in page.url
    for part in ("kommune=1108", "distrikt=1108-D02", "sprak=en"):
        assert part in page.url, page.url
    # The sidebar still holds the district and the language.
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Language").first.is_visible()
    district = sidebar.locator(".st-key-distrikt")
    inputs = district.locator("input").all()
    shown = district.inner_text() + " ".join(i.input_value() for i in inputs)
    assert "Trones" in shown, shown
    page.close()
