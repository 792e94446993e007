"""axe-core in Chromium: no serious or critical accessibility violations on any page."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from pages import PAGES

pytestmark = pytest.mark.browser

DEFAULT_PAGE = PAGES[0][3]


@pytest.mark.parametrize("url", [url for *_, url in PAGES])
def test_page_has_no_serious_violations(app_url: str, browser: Any, url: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    path = "" if url == DEFAULT_PAGE else url
    page.goto(f"{app_url}/{path}?kommune=3301", wait_until="domcontentloaded")
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_timeout(3000)  # let charts and late elements render before the audit
    result = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["html"][:120] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    lang = page.evaluate("document.documentElement.lang")
    page.close()
    assert not serious, serious
    assert lang == "nb"
