"""Distriktsprofil: one district across every indicator, as a spine chart with sentences."""

from __future__ import annotations

import streamlit as st

from ui import components, data, downloads, frame
from ui.state import View
from utfordringsbilde import charts, narrative
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import distrikt as model
from utfordringsbilde.pagemodels.common import provider_names


@frame.page
def render(view: View) -> None:
    """Findings, the spine chart beside its table, the downloads."""
    lang = view.lang
    ov = data.overview_data(view.sig, view.kommune, view.year)
    district, name = model.chosen(ov, view.district)

    st.title(f"{t('page_district', lang)}: {name}")
    if not view.district:
        st.caption(t("choose_district", lang))

    prof = data.district_profile(view.sig, view.kommune, view.year, district)
    inds = ov.indicators
    components.findings(narrative.district_findings(prof, inds, name, lang), lang)

    left, right = st.columns([5, 4])
    with left:
        fig = charts.spine(model.spine_rows(prof), inds, name, view.kommune_name, lang)
        components.chart(fig, lang, width="stretch")
        st.caption(t("spine_note", lang))
    with right:
        table = model.table(prof, inds, name, view.kommune_name, lang)
        st.dataframe(table, hide_index=True, width="stretch", height=700)

    downloads.block(
        view,
        lambda built: model.export_rows(prof, inds, district, name, view.kommune_name, built, lang),
        t("spine_title", lang, district=name, kommune=view.kommune_name),
        provider_names(inds["source"], lang),
        "distrikt_last_ned",
        fig=fig,
    )
