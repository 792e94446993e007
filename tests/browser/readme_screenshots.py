"""Renew the README's screenshots in docs/screenshots/ from a running dashboard (demo data).

    .venv/bin/python -m tests.browser.readme_screenshots http://127.0.0.1:8501
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.browser.conftest import CHROMIUM

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# File → (page path, query, viewport width, height); heights show the page's first screens.
# Møtemodus opens on its title slide; the second is the first with a chart.
SHOTS = {
    "oversikt": ("", "", 1366, 1500),
    "distrikt": ("distrikt", "&distrikt=3301-D02", 1366, 1300),
    "indikator": ("indikator", "&indikator=trangboddhet&visning=trakt", 1366, 1500),
    "levekar": ("levekar", "", 1366, 1200),
    "evaluering": ("evaluering", "", 1366, 1400),
    "mote-1366": ("mote", "&lysbilde=2", 1366, 768),
    "mote-1920": ("mote", "&lysbilde=2", 1920, 1080),
}


# True once the script run is over and every visible chart is drawn. Plotly's code arrives in
# its own chunk after the run, with grey skeletons until then, so on a busy machine a picture
# taken a fixed time after the run showed empty charts.
DRAWN = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && ![...document.querySelectorAll('[data-testid="stSkeleton"]')].some((s) => s.checkVisibility())
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
       .every((c) => !c.checkVisibility() || c.querySelector('.main-svg'))"""


def settle(page: Any) -> None:
    """Wait until `page` shows its heading, its run is over and its charts are drawn."""
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_function(DRAWN, timeout=90_000)
    page.wait_for_timeout(1500)  # Plotly's transitions and the fonts


def main(base: str) -> None:
    """Photograph each page of the dashboard at `base` into docs/screenshots/."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for name, (path, query, width, height) in SHOTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/{path}?kommune=3301{query}", wait_until="domcontentloaded")
            settle(page)
            page.screenshot(path=str(OUT / f"{name}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501")
