"""Møtemodus: the meeting slides drawn full screen, one message per slide.

The slides themselves come from `utfordringsbilde.slides`; this module only draws them,
keeps the slide number (session state and `?lysbilde=` in the URL, 1-based), hides
Streamlit's chrome and adds keyboard navigation and optional auto-advance.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from ui import assets, components, downloads, state
from utfordringsbilde.i18n import t
from utfordringsbilde.slides import Deck, Slide

INDEX = "mote_lysbilde"  # 0-based slide number in session state
SHOWN_AT = "mote_vist"  # (index, monotonic time) the slide was first shown, for auto-advance
PARAM = "lysbilde"  # 1-based slide number in the URL
SECONDS = (10, 20, 30, 60)


def hide_chrome() -> None:
    """Hide Streamlit's frame so that the slide fills the window (`static/meeting.css`)."""
    st.html(assets.style("meeting.css"))


def keyboard() -> None:
    """Add the keyboard listener of `static/meeting.js` (once per tab)."""
    st.html(assets.script("meeting.js"), unsafe_allow_javascript=True)


# ---------------------------------------------------------------------- slide number


def _clamp(index: int, total: int) -> int:
    return max(0, min(index, total - 1))


def current_index(total: int) -> int:
    """The slide to show: the session's, else the URL's `?lysbilde=` (1-based), else the first."""
    if INDEX not in st.session_state:
        raw = str(st.query_params.get(PARAM) or "")
        st.session_state[INDEX] = int(raw) - 1 if raw.isdigit() else 0
    index = _clamp(int(st.session_state[INDEX]), total)
    st.session_state[INDEX] = index
    shown = st.session_state.get(SHOWN_AT)
    if not shown or shown[0] != index:
        st.session_state[SHOWN_AT] = (index, time.monotonic())
    return index


def _go(target: Callable[[int, int], int], total: int) -> Callable[[], None]:
    def move() -> None:
        st.session_state[INDEX] = target(int(st.session_state.get(INDEX, 0)), total)

    return move


def exit_href(view: state.View) -> str:
    """The overview with the same selection, without the slide number."""
    # The overview is the default page: Streamlit serves it at the root, not at /oversikt.
    return "./?" + urlencode(state.url_params(view))


def controls(view: state.View, index: int, total: int) -> None:
    """The small bar over the slide: leave, first/previous/next/last, auto-advance, fullscreen."""
    lang = view.lang
    with st.container(
        key="mote_bar", horizontal=True, vertical_alignment="center", gap="small", width="stretch"
    ):
        st.html(
            f'<a id="ub-exit" class="ub-exit" href="{escape(exit_href(view))}" target="_self" '
            f'title="{escape(t("mote_exit_title", lang))}">{escape(t("mote_exit", lang))}</a>'
        )
        st.button(
            t("mote_first", lang),
            key="mote_first",
            icon=":material/first_page:",
            disabled=index == 0,
            on_click=_go(lambda i, n: 0, total),
        )
        st.button(
            t("mote_prev", lang),
            key="mote_prev",
            icon=":material/chevron_left:",
            disabled=index == 0,
            on_click=_go(lambda i, n: max(i - 1, 0), total),
        )
        st.button(
            t("mote_next", lang),
            key="mote_next",
            icon=":material/chevron_right:",
            disabled=index >= total - 1,
            on_click=_go(lambda i, n: min(i + 1, n - 1), total),
        )
        st.button(
            t("mote_last", lang),
            key="mote_last",
            icon=":material/last_page:",
            disabled=index >= total - 1,
            on_click=_go(lambda i, n: n - 1, total),
        )
        auto = st.toggle(t("mote_auto", lang), key="mote_auto")
        seconds = st.selectbox(
            t("mote_seconds", lang),
            SECONDS,
            index=1,
            key="mote_sekunder",
            format_func=lambda s: f"{s} s",
            label_visibility="collapsed",
            width=90,
        )
        st.html(
            f'<button type="button" id="ub-fullscreen" class="ub-fs" '
            f'title="{escape(t("mote_fullscreen_title", lang))}">'
            f"{escape(t('mote_fullscreen', lang))}</button>"
        )
        with st.popover(t("mote_download", lang), icon=":material/download:"):
            downloads.report_buttons(view, "mote_rapport")
    if auto:
        _auto_advance(int(seconds), total)


def _auto_advance(seconds: int, total: int) -> None:
    """Turn to the next slide (the first after the last) every `seconds`."""

    def tick() -> None:
        index, since = st.session_state.get(SHOWN_AT, (0, time.monotonic()))
        if time.monotonic() - since >= seconds - 0.5:
            st.session_state[INDEX] = (int(index) + 1) % total
            st.rerun(scope="app")

    st.fragment(tick, run_every=seconds)()


# ---------------------------------------------------------------------- the slide


def _figure(fig: go.Figure) -> go.Figure:
    """The slide's figure, sized by its box on the page rather than a fixed height."""
    out = go.Figure(fig)
    out.update_layout(height=None, autosize=True, margin={"t": 40})
    return out


def slide(deck: Deck, index: int) -> None:
    """Draw slide `index` of the deck: kicker, headline, body or bullets, chart, footer."""
    lang = deck.lang
    s: Slide = deck.slides[index]
    total = len(deck.slides)
    with st.container(key="mote_slide", gap="small"):
        st.html(f'<p class="ub-kicker" data-testid="ub-kicker">{escape(s.kicker)}</p>')
        st.title(s.headline, anchor=False)
        if len(s.headline) > 140:
            st.html('<span class="ub-long" aria-hidden="true"></span>')
        if s.figure is None:
            if s.body:
                items = "".join(f"<li>{escape(b)}</li>" for b in s.body)
                st.html(f'<ul class="ub-bullets ub-body" data-testid="ub-body">{items}</ul>')
        else:
            if s.body:
                paras = "".join(f"<p>{escape(b)}</p>" for b in s.body)
                st.html(f'<div class="ub-body" data-testid="ub-body">{paras}</div>')
            components.chart(
                _figure(s.figure),
                lang,
                t("mote_chart", lang) + s.alt if s.alt else None,
                width="stretch",
                height="stretch",
                key=f"mote_figur_{index}",
                config={"displayModeBar": False, "responsive": True},
            )
            if s.table is not None and not s.table.empty:
                with st.expander(t("mote_table", lang)):
                    st.dataframe(s.table, hide_index=True, width="stretch", height=220)
        with st.container(key="mote_foot"):
            st.html(
                f'<div class="ub-footer" data-testid="ub-footer">'
                f"<span>{escape(deck.footer(s))}</span>"
                f'<span class="ub-counter" data-testid="ub-counter">'
                f'<span aria-hidden="true">{index + 1} / {total}</span>'
                f'<span class="ub-sr">{escape(t("mote_counter", lang, n=index + 1, total=total))}'
                f"</span></span></div>"
                f'<p class="ub-sr">{escape(t("mote_keys", lang))}</p>'
            )


def url_params(index: int) -> dict[str, str]:
    """The page's own URL parameter: the 1-based slide number."""
    return {PARAM: str(index + 1)}


__all__ = [
    "controls",
    "current_index",
    "exit_href",
    "hide_chrome",
    "keyboard",
    "slide",
    "url_params",
]
