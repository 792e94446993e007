"""Playwright in Debian's Chromium: Møtemodus fills the window, turns with the keyboard and
clips nothing at 1920×1080 and 1366×768, with screenshots for the docs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
HEADLINE = ".st-key-mote_slide h1"
COUNTER = '[data-testid="ub-counter"] [aria-hidden="true"]'

# Every text element of the slide lies inside the window and nothing overflows sideways.
CLIPPED = """() => {
  const out = [];
  const els = document.querySelectorAll(
    '.st-key-mote_slide h1, [data-testid="ub-kicker"], [data-testid="ub-body"], '
    + '[data-testid="ub-footer"], .st-key-mote_bar');
  for (const e of els) {
    const r = e.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth
        || e.scrollWidth > e.clientWidth || r.height === 0) {
      out.push([e.tagName, e.getAttribute('data-testid'), r.top, r.bottom, r.right,
                e.scrollWidth, e.clientWidth]);
    }
  }
  return out;
}"""

BODY_FONTS = """() => [...document.querySelectorAll(
    '[data-testid="ub-body"], [data-testid="ub-body"] p, [data-testid="ub-body"] li')]
  .map(e => parseFloat(getComputedStyle(e).fontSize))"""


def _counter(page: Any) -> str:
    return str(page.locator(COUNTER).inner_text()).strip()


def _wait_for_slide(page: Any, n: int) -> None:
    page.wait_for_function(
        f"() => document.querySelector('{COUNTER}')?.innerText.trim().startsWith('{n} /')",
        timeout=30_000,
    )
    page.wait_for_timeout(1500)  # let plotly draw the chart at its final size


def _assert_fits(page: Any, chart: bool) -> None:
    assert page.evaluate(CLIPPED) == []
    fonts = page.evaluate(BODY_FONTS)
    # Slides without a chart carry their message as bullets; a chart may stand alone.
    assert fonts or chart
    assert min(fonts, default=24) >= 24, fonts
    kicker = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('[data-testid=\"ub-kicker\"]'))"
        ".fontSize)"
    )
    assert kicker >= 24
    footer = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('[data-testid=\"ub-footer\"]'))"
        ".fontSize)"
    )
    assert footer >= 18
    if chart:
        plot = page.locator(".st-key-mote_slide .js-plotly-plot").first
        box = plot.bounding_box()
        height = page.viewport_size["height"]
        assert box is not None and box["height"] >= 0.35 * height, box
        assert box["y"] + box["height"] <= height
        # The chart in words sits right before it, for screen readers.
        alt = page.locator(".st-key-mote_slide p.ub-sr").first.inner_text()
        assert "diagram" in alt.lower()


def test_meeting_mode(app_url: str, browser: Any, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{app_url}/mote?kommune=3301", wait_until="domcontentloaded")
    page.locator(HEADLINE).wait_for(timeout=60_000)
    _wait_for_slide(page, 1)
    total = _counter(page).split(" / ")[1]
    title = page.locator(HEADLINE).inner_text()
    assert title == "Utfordringsbilde for Drammen"
    # Streamlit's chrome is hidden: no top bar, no sidebar.
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.get_by_role("link", name="← Avslutt").is_visible()
    assert page.get_by_role("button", name="Fullskjerm").is_visible()
    _assert_fits(page, chart=False)
    page.screenshot(path=str(artifacts / "mote-title-1920.png"))

    page.keyboard.press("ArrowRight")
    _wait_for_slide(page, 2)
    assert _counter(page) == f"2 / {total}"
    finding = page.locator(HEADLINE).inner_text()
    assert finding != title and "signifikant" in finding
    assert "lysbilde=2" in page.url
    _assert_fits(page, chart=True)
    page.screenshot(path=str(artifacts / "mote-1920.png"))

    page.set_viewport_size({"width": 1366, "height": 768})
    page.wait_for_timeout(2000)
    _assert_fits(page, chart=True)
    page.screenshot(path=str(artifacts / "mote-1366.png"))

    page.keyboard.press("ArrowLeft")
    _wait_for_slide(page, 1)
    assert page.locator(HEADLINE).inner_text() == title
    _assert_fits(page, chart=False)
    page.screenshot(path=str(artifacts / "mote-title-1366.png"))

    page.keyboard.press("End")
    _wait_for_slide(page, int(total))
    assert _counter(page) == f"{total} / {total}"
    _assert_fits(page, chart=False)
    page.keyboard.press("Home")
    _wait_for_slide(page, 1)

    # Esc leaves meeting mode for the overview, keeping the selection.
    page.keyboard.press("Escape")
    # The overview is the default page, served at the root (/oversikt would be "not found").
    page.wait_for_url(re.compile(r"/\?kommune=3301$"), timeout=30_000)
    page.locator('table[data-testid="ub-heatmap"]').wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    page.close()


@pytest.mark.parametrize("kommune", ["1108", "3905"])
def test_every_slide_fits_at_1366(
    app_url: str, browser: Any, artifacts: Path, kommune: str
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_url}/mote?kommune={kommune}&lysbilde=2", wait_until="domcontentloaded")
    page.locator(HEADLINE).wait_for(timeout=60_000)
    _wait_for_slide(page, 2)
    total = int(_counter(page).split(" / ")[1])
    for n in range(2, total + 1):
        if n > 2:
            page.keyboard.press("PageDown")
            _wait_for_slide(page, n)
        chart = page.locator(".st-key-mote_slide .js-plotly-plot").count() > 0
        _assert_fits(page, chart=chart)
        page.screenshot(path=str(artifacts / f"mote-{kommune}-1366-{n}.png"))
    page.close()
