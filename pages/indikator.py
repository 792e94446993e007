"""Indikator: one indicator across the kommune's districts (bars or funnel, map), by sex, over
time; definition, source and period under every chart, a table alternative beside each."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import components, data, downloads, frame, state
from ui.state import View
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import indikator as model
from utfordringsbilde.pagemodels.common import names


@frame.page
def render(view: View) -> None:
    """The indicator chooser, its districts (chart and map), by sex, over time, its definition."""
    lang = view.lang
    inds = data.indicators(view.sig)
    label = names(inds, "name", lang)
    ind_id = state.url_selectbox(
        t("choose_indicator", lang), "indikator_valg", "indikator", label, model.default(inds)
    )
    ind = model.describe(inds, ind_id, lang)
    st.title(ind.name)

    ov = data.overview_data(view.sig, view.kommune, view.year)
    d = model.districts(ov, ind_id)
    url: dict[str, str | None] = {"indikator": ind_id}
    if d.cells.empty:
        st.info(t("no_district_data", lang, kommune=view.kommune_name))
    else:
        st.markdown(model.verdict_summary(d, lang))
        modes = model.mode_labels(lang)
        mode = state.url_radio(t("view_mode", lang), "indikator_visning", "visning", modes)
        url["visning"] = model.url_value(mode, model.MODES)
        if mode == "trakt" and not model.funnel_possible(ind, d):
            st.info(t("funnel_unavailable", lang))
        main = model.main_chart(ind, d, mode, view.kommune_name, lang)
        components.figure(main, lang, "indikator_hoved")
        def export(built: str) -> pd.DataFrame:
            return model.export_rows(data.cursor(), ov, d, inds, ind_id, built, lang)

        downloads.block(view, export, main.title, ind.source, "indikator_last_ned", main.fig)

        # Map: the kommune's own boundaries when it has them for every district, else tiles.
        st.subheader(t("map_heading", lang))
        shapes = data.district_shapes(view.sig, view.kommune)
        kind = model.MAP_KINDS[1]
        if model.has_outlines(shapes, d):
            kinds = model.map_labels(lang)
            kind = state.url_radio(t("map_kind", lang), "indikator_kart", "kart", kinds)
            url["kart"] = model.url_value(kind, model.MAP_KINDS)
        mapped = model.map_chart(ind, d, shapes, kind, view.kommune_name, lang)
        components.figure(mapped, lang, "indikator_kart_figur")
        downloads.block(
            view, export, mapped.title, ind.source, "indikator_kart_last_ned", mapped.fig
        )

    # By sex: the sources give it for the kommune, fylke and landet, not for districts.
    sex_codes = model.areas(view.kommune, ov.fylke, unit=ind.unit)
    by_sex_data = data.sex_breakdown(view.sig, ind_id, sex_codes, view.year)
    by_sex = model.sex_chart(ind, by_sex_data, sex_codes, lang)
    if by_sex is not None:
        st.subheader(t("sex_heading", lang))
        components.figure(by_sex, lang, "indikator_kjonn")

    # Over time, for the kommune, fylke, landet and the districts the user picks.
    st.subheader(t("trend_title", lang, indicator=ind.name))
    default = [view.district] if view.district else []
    chosen = state.url_multiselect(
        t("areas_in_trend", lang), "indikator_omrader", "omrader", d.names, default,
        t("choose_areas", lang),
    )  # fmt: skip
    url["omrader"] = ",".join(chosen) or None
    codes = model.areas(view.kommune, ov.fylke, chosen, ind.unit)
    trend = model.trend_chart(ind, data.series(view.sig, ind_id, codes), codes, lang)
    if trend is None:
        st.info(t("no_data", lang))
    else:
        components.figure(trend, lang, "indikator_trend")
    state.sync_url(view, **url)

    for line in model.about(ind, lang):
        st.markdown(line)
    st.caption(model.source_line(ind, lang))
