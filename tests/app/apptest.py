"""The dashboard under Streamlit's AppTest, opened with a URL query."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def app(query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """`dashboard.py` in AppTest with `query` as its URL parameters; not yet run."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at
