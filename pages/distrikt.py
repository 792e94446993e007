"""Distriktsprofil: one district across every indicator, as a spine chart with sentences."""

from __future__ import annotations

import streamlit as st

from ui import components, data, downloads, frame, state
from ui.state import View
from utfordringsbilde import charts, narrative
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import distrikt as model
from utfordringsbilde.pagemodels.common import provider_names


@frame.page
def render(view: View) -> None:
    """Findings, the spine chart beside its table, the downloads."""
    lang = view.lang
    ov = data.overview_data(view.sig, view.kommune, view.year, view.level)
    if not view.district:
        # No district is shown while the sidebar says "all": the user picks one, here or there.
        st.title(t("page_district", lang))
        st.info(t("choose_district_here", lang), icon=":material/location_on:")
        choices = model.choices(ov)
        cols = st.columns(4)
        for i, (code, name) in enumerate(choices):
            cols[i % 4].button(
                name,
                key=f"distrikt_velg_{code}",
                on_click=state.choose_district,
                args=(code,),
                width="stretch",
            )
        return
    district, name = model.chosen(ov, view.district)

    st.title(f"{t('page_district', lang)}: {name}")

    prof = data.district_profile(view.sig, view.kommune, view.year, district, view.level)
    inds = ov.indicators
    components.findings(narrative.district_findings(prof, inds, name, lang), lang)

    fig = charts.spine(model.spine_rows(prof), inds, name, view.kommune_name, lang)
    components.chart(fig, lang, width="stretch")
    st.caption(t("spine_note", lang))
    # Below the chart at full width, as a table whose cells wrap: beside it, in a grid, the
    # comparison and trend columns were cut at 1366 px ("S/D/Ir", "Kan ikke b").
    st.table(model.table(prof, inds, name, view.kommune_name, lang).set_index(t("indicator", lang)))
    if model.has_approximate(prof):
        st.caption(t("approximate_note", lang))

    downloads.block(
        view,
        lambda built: model.export_rows(prof, inds, district, name, view.kommune_name, built, lang),
        t("spine_title", lang, district=name, kommune=view.kommune_name),
        provider_names(inds["source"], lang),
        "distrikt_last_ned",
        fig=fig,
    )
