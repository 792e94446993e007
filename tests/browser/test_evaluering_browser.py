"""Playwright in Debian's Chromium: the Planevaluering page for each kommune, with screenshots."""

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
from utfordringsbilde import evaluation
from utfordringsbilde.plan import load_plans

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser
NAMES = {"3301": "Drammen", "1108": "Sandnes", "3905": "Tønsberg"}


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
