"""The shared frame around every page: sidebar, freshness, demo banner and navigation."""

from __future__ import annotations

import runpy
from collections.abc import Callable, Collection, Sequence
from functools import partial
from typing import NamedTuple

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import assets, components, data, state
from ui.state import View
from utfordringsbilde.i18n import t
from utfordringsbilde.warehouse import WarehouseMissing

Render = Callable[[View], None]


class Page(NamedTuple):
    """One entry of the navigation: what draws it, its label key, icon and URL path."""

    render: Render
    label: str  # i18n key of the navigation label
    icon: str
    url: str


def render() -> View:
    """Draw the frame (page config, sidebar, styles, banner) and return the view."""
    st.set_page_config(
        page_title="Utfordringsbilde", page_icon=":material/child_care:", layout="wide"
    )
    try:
        sig = data.signature()
    except WarehouseMissing as e:
        st.error(str(e))
        st.stop()
    view = state.sidebar(sig)
    meta = data.meta(sig)
    st.sidebar.caption(components.freshness(meta, view.lang))
    st.html(assets.style("frame.css"))
    # Screen readers pick pronunciation from the document language; Streamlit sets "en".
    st.html(
        f"<script>document.documentElement.lang = '{view.lang}';</script>",
        unsafe_allow_javascript=True,
    )
    components.banner(meta, view.lang)
    return view


def navigation(
    view: View,
    pages: Sequence[Page],
    without_data: Collection[str] = (),
    district_pages: Collection[str] = (),
) -> StreamlitPage:
    """The top navigation; the page it returns draws itself for `view` when run.

    For a kommune without data, a page shows the empty state instead, or above itself when
    its URL path is one of `without_data` (pages that work without the kommune's data). For
    one with kommune-level data but no districts, a page of `district_pages` (pages about
    districts only) says so and how to get them instead.
    """
    entries = [
        st.Page(
            _entry(p, view, p.url not in without_data, p.url in district_pages),
            title=t(p.label, view.lang),
            icon=p.icon,
            url_path=p.url,
            default=(i == 0),
        )
        for i, p in enumerate(pages)
    ]
    return st.navigation(entries, position="top")


def empty_state(view: View) -> None:
    """Say that the warehouse has nothing for the kommune yet, and the command that fetches it."""
    st.info(
        t("no_kommune_data", view.lang, kommune=view.kommune_name, code=view.kommune),
        icon=":material/database_off:",
    )


def no_districts(view: View) -> None:
    """Say that the kommune has no districts yet, and the command or file that gives them."""
    st.info(
        t("no_kommune_districts", view.lang, kommune=view.kommune_name, code=view.kommune),
        icon=":material/location_off:",
    )


def _entry(
    p: Page, view: View, needs_data: bool, needs_districts: bool = False
) -> Callable[[], None]:
    """What draws the page for `view`: itself, or for a kommune without data the empty state
    (in place of a page that needs the data, above one that does not); for one without
    districts, a district page's note on how to get them."""
    if view.has_data and needs_districts and not view.has_districts:
        return partial(_without_districts, p.label, view)
    if view.has_data:
        return partial(p.render, view)
    if needs_data:
        return partial(_empty, p.label, view)
    return partial(_noted, p.render, view)


def _empty(label: str, view: View) -> None:
    st.title(f"{t(label, view.lang)}: {view.kommune_name}")
    empty_state(view)


def _without_districts(label: str, view: View) -> None:
    st.title(f"{t(label, view.lang)}: {view.kommune_name}")
    no_districts(view)


def _noted(render: Render, view: View) -> None:
    empty_state(view)
    render(view)


def page(render: Render) -> Render:
    """Mark a page module's `render(view)`; the entry point is what calls it.

    The one workaround for Streamlit's legacy `pages/` mode. Because a `pages/` folder sits
    beside the entry point, Streamlit runs a page *file* on its own, as `__main__`, until
    some session has called st.navigation: in AppTest on every run, and on a server's first
    session when its first address is a page's. Then this runs the entry point in its place,
    which draws the frame and hands the page its view as on any other run; imported normally,
    the function is simply returned.
    """
    if render.__module__ == "__main__":
        ctx = get_script_run_ctx()
        if ctx is not None:
            runpy.run_path(str(ctx.pages_manager.main_script_path), run_name="__main__")
    return render
