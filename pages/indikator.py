"""Indikator: one indicator across the kommune's districts (bars or funnel, map), by sex, over
time; definition, source and period under every chart, a table alternative beside each."""

from __future__ import annotations

import streamlit as st

from ui import components, data, downloads, frame, state
from ui.state import View
from utfordringsbilde import numbers
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import indikator as model
from utfordringsbilde.pagemodels.common import names


@frame.page
def render(view: View) -> None:
    """The indicator chooser, its districts (chart and map), by sex, over time, its definition."""
    lang = view.lang
    inds = data.indicators(view.sig)
    ids = inds["indicator_id"].tolist()
    state.seed_choice("indikator_valg", "indikator", ids)
    label = names(inds, "name", lang)
    ind_id = st.selectbox(
        t("choose_indicator", lang), ids, format_func=label.__getitem__, key="indikator_valg"
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
        modes = dict(zip(model.MODES, (t("mode_bars", lang), t("mode_funnel", lang)), strict=True))
        mode = state.url_radio(t("view_mode", lang), "indikator_visning", "visning", modes)
        url["visning"] = mode if mode != model.MODES[0] else None
        if mode == "trakt" and not model.funnel_possible(ind, d):
            st.info(t("funnel_unavailable", lang))
        main = model.main_chart(ind, d, mode, view.kommune_name, lang)
        components.figure(main, lang, "indikator_hoved")
        export = lambda built: model.export_rows(ov, d, inds, ind_id, built, lang)  # noqa: E731
        downloads.block(view, export, main.title, ind.source, "indikator_last_ned", main.fig)

        # Map: the kommune's own boundaries when it has them for every district, else tiles.
        st.subheader(t("map_heading", lang))
        shapes = data.district_shapes(view.sig, view.kommune)
        kind = model.MAP_KINDS[1]
        if model.has_outlines(shapes, d):
            kinds = (t("map_outlines", lang), t("map_tiles", lang))
            kinds_named = dict(zip(model.MAP_KINDS, kinds, strict=True))
            kind = state.url_radio(t("map_kind", lang), "indikator_kart", "kart", kinds_named)
            url["kart"] = kind if kind != model.MAP_KINDS[0] else None
        mapped = model.map_chart(ind, d, shapes, kind, view.kommune_name, lang)
        components.figure(mapped, lang, "indikator_kart_figur")
        downloads.block(
            view, export, mapped.title, ind.source, "indikator_kart_last_ned", mapped.fig
        )

    # By sex: the sources give it for the kommune, fylke and landet, not for districts.
    sex_codes = tuple(c for c in (view.kommune, ov.fylke, "0") if c)
    by_sex = model.sex_chart(
        ind, data.sex_breakdown(view.sig, ind_id, sex_codes, view.year), sex_codes, lang
    )
    if by_sex is not None:
        st.subheader(t("sex_heading", lang))
        components.figure(by_sex, lang, "indikator_kjonn")

    # Over time, for the kommune, fylke, landet and the districts the user picks.
    st.subheader(t("trend_title", lang, indicator=ind.name))
    key = "indikator_omrader"
    state.seed_choices(key, "omrader", list(d.names), [view.district] if view.district else [])
    chosen = st.multiselect(
        t("areas_in_trend", lang),
        list(d.names),
        format_func=d.names.__getitem__,
        key=key,
        placeholder=t("choose_areas", lang),
    )
    url["omrader"] = ",".join(chosen) or None
    codes = tuple(c for c in [*chosen, view.kommune, ov.fylke or "", "0"] if c)
    trend = model.trend_chart(ind, data.series(view.sig, ind_id, codes), codes, lang)
    if trend is None:
        st.info(t("no_data", lang))
    else:
        components.figure(trend, lang, "indikator_trend")
    state.sync_url(view, **url)

    st.markdown(f"**{t('definition', lang)}:** {ind.definition}")
    if ind.caveats:
        st.markdown(f"**{t('caveats', lang)}:** {ind.caveats}")
    st.caption(
        f"{t('source', lang)}: {ind.source}. {numbers.unit_name(ind.unit, lang).capitalize()}."
    )
