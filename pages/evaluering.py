"""Planevaluering: the kommune's plan held against the data, for the leaders in Arena 1."""

from __future__ import annotations

import streamlit as st

from ui import downloads, frame
from ui import evaluation_view as ev_view
from ui.state import View
from utfordringsbilde import narrative
from utfordringsbilde.i18n import t


@frame.page
def render(view: View) -> None:
    """The plan's header, findings and reports, summary, red flags, then goals and measures."""
    lang = view.lang
    ev = ev_view.evaluation_for(view.sig, view.kommune, view.year, lang, view.level)

    st.title(f"{t('page_evaluation', lang)}: {view.kommune_name}")
    if ev is None:
        st.info(t("eval_no_plan", lang, kommune=view.kommune_name, code=view.kommune))
        return

    ev_view.header(ev, lang)
    with st.container(border=True):
        st.subheader(t("findings", lang))
        st.markdown(" ".join(narrative.evaluation_findings(ev, lang, each_flag=False)))
        downloads.report_buttons(view, "evaluering_rapport")
        st.caption(t("report_help", lang))
    left, right = st.columns([2, 3], gap="large")
    with left:
        ev_view.summary(ev, lang)
    with right:
        ev_view.red_flags(ev, lang)

    goals_tab, measures_tab = st.tabs([t("eval_tab_goals", lang), t("eval_tab_measures", lang)])
    with goals_tab:
        ev_view.goals(ev, lang)
    with measures_tab:
        ev_view.measures(ev, lang)
