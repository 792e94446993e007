"""Playwright in Debian's Chromium: the real app in a real browser, with screenshots."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, env_with

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(demo_warehouse: Path) -> Iterator[str]:
    """The dashboard served by `streamlit run` on a free port, against the demo warehouse."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env_with(UB_WAREHOUSE=str(demo_warehouse)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/_stcore/health", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        proc.kill()
        out = proc.stdout.read().decode() if proc.stdout else ""
        pytest.fail(f"streamlit did not start:\n{out}")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


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
