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
import streamlit.components.v1 as st_components

from ui import components, downloads, state
from utfordringsbilde.i18n import t
from utfordringsbilde.slides import Deck, Slide

INDEX = "mote_lysbilde"  # 0-based slide number in session state
SHOWN_AT = "mote_vist"  # (index, monotonic time) the slide was first shown, for auto-advance
PARAM = "lysbilde"  # 1-based slide number in the URL
SECONDS = (10, 20, 30, 60)


# Streamlit's chrome (top bar with the navigation, sidebar, toolbar, decoration, footer,
# the demo banner, whose words every slide's footer repeats) is hidden, and the slide
# fills the window: the slide is a column as tall as the viewport minus the control bar,
# the chart takes what the texts leave.
CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarNav"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
footer,
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > .stElementContainer:has(
  [data-testid="stAlertContentWarning"], > iframe[data-testid="stIFrame"]) {
  display: none !important;
}
[data-testid="stAppViewContainer"], [data-testid="stMain"] { padding: 0 !important; }
[data-testid="stMainBlockContainer"] {
  padding: 6px 28px 6px !important; max-width: none !important;
}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { gap: 6px; }
.st-key-mote_slide [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
.st-key-mote_bar { min-height: 44px; gap: 8px; flex-wrap: nowrap; }
.st-key-mote_bar button { min-height: 36px; padding: 2px 12px; }
.st-key-mote_bar p, .st-key-mote_bar label { font-size: 16px; }
.st-key-mote_bar > .stElementContainer:first-child { margin-right: auto; }
.ub-exit, .ub-fs {
  display: inline-block; font-size: 16px; line-height: 1.2; padding: 8px 12px;
  border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 8px; color: #1a1a1a;
  background: #ffffff; text-decoration: none; white-space: nowrap; cursor: pointer;
  font-family: inherit;
}
.ub-exit:hover, .ub-fs:hover { border-color: #b3261e; color: #b3261e; }
.ub-counter { font-size: 20px; font-weight: 600; white-space: nowrap; padding: 0 6px;
  font-variant-numeric: tabular-nums; color: #1a1a1a; }
.st-key-mote_slide {
  height: calc(100dvh - 62px) !important; flex: none !important; min-height: 0;
  overflow: hidden; gap: 6px;
  flex-wrap: nowrap;
}
.st-key-mote_slide .stElementContainer { flex-shrink: 0; }
.st-key-mote_slide .stElementContainer:has(.stPlotlyChart) { flex: 1 1 0; min-height: 160px; }
.ub-kicker { font-size: 24px; line-height: 1.25; color: #5c5a56; font-weight: 600; margin: 0; }
.st-key-mote_slide h1 {
  font-size: clamp(30px, 1.9vw + 10px, 48px); line-height: 1.18; font-weight: 700;
  padding: 0 !important; margin: 0 !important; overflow-wrap: break-word;
}
.st-key-mote_slide:has(.ub-long) h1 {
  font-size: clamp(28px, 1.5vw + 10px, 42px);
}
.ub-body { font-size: 24px; line-height: 1.35; margin: 0; color: #1a1a1a; }
.ub-body p { font-size: 24px; margin: 0 0 4px; }
ul.ub-bullets { font-size: clamp(24px, 1.1vw + 12px, 34px); line-height: 1.4; margin: 16px 0 0;
  padding-left: 1.2em; color: #1a1a1a; }
ul.ub-bullets li { margin-bottom: 0.6em; font-size: inherit; }
.st-key-mote_slide [data-testid="stExpander"] summary p { font-size: 18px; }
.st-key-mote_foot, .st-key-mote_slide > :has(> .st-key-mote_foot) {
  margin-top: auto; flex-shrink: 0;
}
.ub-footer { display: flex; gap: 24px; justify-content: space-between; align-items: baseline;
  font-size: 18px; line-height: 1.3; color: #3d3b38; border-top: 1px solid #d0cec8;
  padding-top: 4px; margin: 0; }
.ub-footer .ub-counter { font-size: 22px; }
</style>
"""

# One keydown listener on Streamlit's own document, added once per browser tab: reruns
# draw the component again, the flag on the parent window keeps a second one out. The
# listener acts only while a meeting page is shown (its buttons exist) and never while
# the user types in a field. Buttons are found by their key's class (`st-key-<key>`).
KEYS_JS = """
<script>
(function () {
  const w = window.parent;
  const doc = w.document;
  if (w.__ubMeetingKeys) { return; }
  w.__ubMeetingKeys = true;
  const click = (key) => {
    const b = doc.querySelector('.st-key-' + key + ' button');
    if (b && !b.disabled) { b.click(); return true; }
    return false;
  };
  const toggleFullscreen = () => {
    if (doc.fullscreenElement) { doc.exitFullscreen(); }
    else if (doc.documentElement.requestFullscreen) { doc.documentElement.requestFullscreen(); }
  };
  doc.addEventListener('click', (e) => {
    const b = e.target && e.target.closest && e.target.closest('#ub-fullscreen');
    if (b) { e.preventDefault(); toggleFullscreen(); }
  });
  doc.addEventListener('keydown', (e) => {
    if (!doc.querySelector('.st-key-mote_next')) { return; }
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    const t = e.target;
    const tag = (t && t.tagName) || '';
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || (t && t.isContentEditable)) { return; }
    if ((e.key === ' ' || e.key === 'Enter') && ['BUTTON', 'A', 'SUMMARY'].includes(tag)) {
      return;  // the focused control acts on its own
    }
    let done = false;
    switch (e.key) {
      case 'ArrowRight': case 'PageDown': case ' ': case 'Spacebar':
        done = click('mote_next'); break;
      case 'ArrowLeft': case 'PageUp':
        done = click('mote_prev'); break;
      case 'Home': done = click('mote_first'); break;
      case 'End': done = click('mote_last'); break;
      case 'f': case 'F': toggleFullscreen(); done = true; break;
      case 'Escape':
        if (!doc.fullscreenElement) {
          const a = doc.getElementById('ub-exit');
          if (a) { a.click(); done = true; }
        }
        break;
      default: break;
    }
    if (done) { e.preventDefault(); }
  });
})();
</script>
"""


def hide_chrome() -> None:
    """Hide Streamlit's frame so that the slide fills the window."""
    st.html(CSS)


def keyboard() -> None:
    """Add the keyboard listener (once per tab)."""
    st_components.html(KEYS_JS, height=0)


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
    params = {
        "kommune": view.kommune,
        "distrikt": view.district,
        "aar": str(view.year) if view.year else None,
        "sprak": view.lang if view.lang != "nb" else None,
    }
    # The overview is the default page: Streamlit serves it at the root, not at /oversikt.
    return "./?" + urlencode({k: v for k, v in params.items() if v})


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
            downloads.report_buttons(
                view.kommune, view.kommune_name, view.district, view.year, lang, "mote_rapport"
            )
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
