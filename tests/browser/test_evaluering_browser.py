"""Playwright in Debian's Chromium: the Planevaluering page for each kommune, with screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from utfordringsbilde import evaluation
from utfordringsbilde.plan import load_plans

pytestmark = pytest.mark.browser
NAMES = {"3301": "Drammen", "1108": "Sandnes", "3905": "Tønsberg"}


def _page_height(page: object) -> int:
    """The height of Streamlit's scrolling main area, to fit the whole page in one picture."""
    height = page.evaluate(  # type: ignore[attr-defined]
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"], section.main\')].map(e => e.scrollHeight), 768)'
    )
    return min(int(height) + 200, 14_000)


@pytest.mark.parametrize("kommune", list(NAMES))
def test_evaluation_page(app_url: str, browser: object, artifacts: Path, kommune: str) -> None:
    from playwright.sync_api import expect

    plan = load_plans()[kommune]
    page = browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.goto(f"{app_url}/evaluering?kommune={kommune}", wait_until="domcontentloaded")
    page.locator('[data-testid="ub-eval-summary"]').wait_for(timeout=60_000)
    heading = page.get_by_role("heading", name=f"Planevaluering: {NAMES[kommune]}")
    assert heading.first.is_visible()
    assert page.get_by_text("Demodata").first.is_visible()
    # No "page not found" dialog: the page's URL is the same in both of Streamlit's modes.
    assert page.get_by_text("Page not found").count() == 0
    statuses = page.locator('[data-testid="ub-target-status"]')
    # Streamlit streams the page: the summary arrives before the last card, so wait for all.
    expect(statuses).to_have_count(len(plan.targets), timeout=60_000)
    # Every status word is written out, not only coloured.
    words = [s.inner_text().strip() for s in statuses.all()]
    assert all(len(w) > 3 for w in words), words
    page.wait_for_timeout(1500)  # let plotly draw the sparklines
    page.screenshot(path=str(artifacts / f"evaluering-{kommune}-1366-fold.png"))

    # The basis of a status is one click away.
    page.get_by_text("Grunnlag for status").first.click()
    basis = page.locator('[data-testid="ub-basis"]').first
    basis.wait_for(state="visible", timeout=10_000)
    text = basis.inner_text()
    assert "Utgangspunkt" in text and "Siste" in text and "Vurdering" in text

    # Streamlit scrolls inside its own container, so a whole-page picture needs a tall window.
    page.set_viewport_size({"width": 1366, "height": _page_height(page)})
    page.wait_for_timeout(2000)
    page.screenshot(path=str(artifacts / f"evaluering-{kommune}-1366.png"))

    page.get_by_role("tab", name="Tiltak: dekning og hull").click()
    matrix = page.locator('[data-testid="ub-measures-matrix"]')
    matrix.wait_for(state="visible", timeout=10_000)
    expect(matrix.locator("tbody tr")).to_have_count(len(evaluation.measures_matrix(plan).rows))
    page.set_viewport_size({"width": 1366, "height": 2600})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifacts / f"evaluering-{kommune}-tiltak-1366.png"))
    page.close()
