"""Møtemodus: the findings as full-screen slides for a meeting, one message per slide."""

from __future__ import annotations

from ui import data, frame, meeting, state
from ui.state import View


@frame.page
def render(view: View) -> None:
    """The control bar over one slide, the slide number in the URL, keyboard navigation."""
    deck = data.deck(view.sig, view.kommune, view.district, view.year, view.lang, view.level)
    total = len(deck.slides)

    meeting.hide_chrome()
    index = meeting.current_index(total)
    meeting.controls(view, index, total)
    state.sync_url(view, **meeting.url_params(index))
    meeting.slide(deck, index)
    meeting.keyboard()
