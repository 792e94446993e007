"""Playwright: every page at 1366×768 and 1920×1080 in bokmål, nynorsk and English, with no
visible text clipped, no data grid hiding columns and every page in the top bar.

Screenshots go to the artifacts folder as `layout/<page>-<lang>-<width>.png`, for a person to
look at (the README's come from here too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pages import PAGES

pytestmark = pytest.mark.browser

SIZES = [(1366, 768), (1920, 1080)]
LANGS = ["nb", "nn", "en"]
DEFAULT_PAGE = PAGES[0][3]
# Page url → the view shown: the district page with a district, the indicator as a funnel.
VIEWS = [(p.url, {"distrikt": "&distrikt=3301-D02"}.get(p.url, "")) for p in PAGES] + [
    ("indikator", "&indikator=trangboddhet&visning=trakt")
]
CLIPPED = (Path(__file__).parent / "clipped.js").read_text(encoding="utf-8")


def _open(page: Any, base: str, url: str, query: str) -> None:
    path = "" if url == DEFAULT_PAGE else url
    page.goto(f"{base}/{path}?kommune=3301{query}", wait_until="domcontentloaded")
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(2000)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("lang", LANGS)
def test_no_text_is_clipped(
    app_url: str, browser: Any, artifacts: Path, lang: str, width: int, height: int
) -> None:
    folder = artifacts / "layout"
    folder.mkdir(exist_ok=True)
    problems: dict[str, list[Any]] = {}
    for url, query in VIEWS:
        page = browser.new_page(viewport={"width": width, "height": height})
        try:
            _open(page, app_url, url, query + ("" if lang == "nb" else f"&sprak={lang}"))
            name = url + ("-trakt" if "trakt" in query else "")
            page.screenshot(path=str(folder / f"{name}-{lang}-{width}.png"))
            found = page.evaluate(CLIPPED)
            if found:
                problems[name] = found
        finally:
            page.close()
    assert not problems, problems
