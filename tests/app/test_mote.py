"""AppTest: Møtemodus renders its slides for every demo kommune and turns them."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import app

FINDING = "signifikant"
# Slides whose headline is not a finding sentence: title, plan status, red flags, about.
NOT_FINDINGS = ("Utfordringsbilde for ", "Planen har ", "Evalueringen finner ")


def _started(query: dict[str, str] | None = None) -> AppTest:
    """An app that has settled: AppTest's first run uses Streamlit's legacy pages/ mode,
    where widget ids differ, so widgets are driven from the second run on."""
    at = app(query, page="mote")
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _counter(at: AppTest) -> str:
    html = "".join(h.proto.body for h in at.html)
    start = html.index('data-testid="ub-counter"')
    return html[start:].split('aria-hidden="true">', 1)[1].split("<", 1)[0]


def _headline(at: AppTest) -> str:
    assert at.title, "no headline"
    return str(at.title[0].value)


@pytest.mark.parametrize("kommune", ["3301", "1108", "3905"])
def test_every_slide_renders(demo_warehouse: Path, kommune: str) -> None:
    at = _started({"kommune": kommune})
    first, total = _counter(at).split(" / ")
    assert first == "1" and int(total) >= 4
    headlines = [_headline(at)]
    for n in range(2, int(total) + 1):
        at.button(key="mote_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert _counter(at) == f"{n} / {total}"
        assert at.query_params["lysbilde"] == str(n)
        headlines.append(_headline(at))
    assert at.button(key="mote_next").disabled
    assert headlines[0].startswith("Utfordringsbilde for ")
    # Every finding is a significant difference: a suppressed cell is never put into words.
    for h in headlines[1:-1]:
        assert FINDING in h or h.startswith(NOT_FINDINGS), h
    html = "".join(h.proto.body for h in at.html)
    assert "DEMODATA" in html  # the footer labels demo data on every slide


def test_next_and_previous(demo_warehouse: Path) -> None:
    at = _started({"kommune": "3301"})
    title = _headline(at)
    assert _counter(at).startswith("1 / ")
    assert at.button(key="mote_prev").disabled
    at.button(key="mote_next").click().run()
    assert _counter(at).startswith("2 / ")
    assert _headline(at) != title
    assert at.get("plotly_chart"), "a finding slide has a chart"
    assert at.expander[0].label == "Tabell"
    at.button(key="mote_prev").click().run()
    assert _counter(at).startswith("1 / ")
    at.button(key="mote_last").click().run()
    total = _counter(at).split(" / ")[1]
    assert _counter(at) == f"{total} / {total}"
    at.button(key="mote_first").click().run()
    assert _counter(at).startswith("1 / ")


def test_link_opens_a_given_slide(demo_warehouse: Path) -> None:
    at = _started({"kommune": "1108", "lysbilde": "3"})
    assert _counter(at).startswith("3 / ")
    assert FINDING in _headline(at)
    # A number beyond the deck opens the last slide.
    at = _started({"kommune": "1108", "lysbilde": "99"})
    total = _counter(at).split(" / ")[1]
    assert _counter(at) == f"{total} / {total}"


@pytest.mark.parametrize(("lang", "word"), [("nn", "Neste"), ("en", "Next")])
def test_languages(demo_warehouse: Path, lang: str, word: str) -> None:
    at = _started({"kommune": "3905", "sprak": lang})
    assert at.button(key="mote_next").label == word
    assert at.title
