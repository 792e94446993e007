"""The dashboard under Streamlit's AppTest, opened with a URL query (and a page)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def app(
    query: dict[str, str] | None = None, timeout: float = 60, page: str | None = None
) -> AppTest:
    """`dashboard.py` in AppTest with `query` as its URL parameters; not yet run.

    `page` (a module of pages/, e.g. "distrikt") is chosen before the first run: AppTest finds
    a page by its file name only until st.navigation has registered the pages, which are
    functions (`render(view)`) and have no file of their own to match.
    """
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(f"pages/{page}.py")
    return at
