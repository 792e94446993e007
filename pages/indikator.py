"""Indikator: one indicator across the kommune's districts (bars or funnel, map), by sex, over
time; definition, source and period under every chart, a table alternative beside each."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ui import components, data, downloads, frame, memo, state
from ui.state import View
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import indikator as model
from utfordringsbilde.pagemodels import oversikt
from utfordringsbilde.pagemodels.common import any_approximate, names

Export = Callable[[str], pd.DataFrame]  # built_at → the page's export table


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
    ended = model.ended_note(ind, lang)
    if ended:
        st.info(ended, icon=":material/history:")

    ov = data.overview_data(view.sig, view.kommune, view.year, view.level)
    d = model.districts(ov, ind_id)
    url: dict[str, str | None] = {"indikator": ind_id}
    if not view.has_districts:
        # Kommune-level figures only: the kommune against its fylke, peers and landet.
        frame.no_districts(view)
        shown = inds[inds["indicator_id"] == ind_id]
        st.table(oversikt.comparison_table(ov, shown, lang).set_index(t("indicator", lang)))
        st.caption(oversikt.peer_caption(ov, lang))
    elif d.cells.empty:
        st.info(t("no_district_data", lang, kommune=view.kommune_name))
    else:
        st.markdown(model.verdict_summary(d, lang))
        export = lambda built: model.export_rows(data.cursor(), ov, d, inds, ind_id, built, lang)  # noqa: E731
        url["visning"] = _main_chart(view, ind, d, export)
        outlined, kind = _map(view, ind, d, export)
        if outlined:
            url["kart"] = kind

    # By sex: the sources give it for the kommune, fylke and landet, not for districts.
    sex_codes = model.areas(view.kommune, ov.fylke, unit=ind.unit)
    by_sex_data = data.sex_breakdown(view.sig, ind_id, sex_codes, view.year)
    by_sex = memo.shared(
        ("sex", *_view_key(view), ind_id),
        lambda: model.sex_chart(ind, by_sex_data, sex_codes, lang),
    )
    if by_sex is not None:
        st.subheader(t("sex_heading", lang))
        components.figure(by_sex, lang, "indikator_kjonn")

    # Over time, for the kommune, fylke, landet and the districts the user picks.
    st.subheader(t("trend_title", lang, indicator=ind.name))
    # Without districts, the peer kommuner are the areas one can add to the trend.
    url["omrader"] = _trend(view, ind, d.names or ov.peer_names, ov.fylke)
    state.sync_url(view, **url)

    for line in model.about(ind, lang):
        st.markdown(line)
    st.caption(model.source_line(ind, lang))


def _view_key(view: View) -> tuple[object, ...]:
    """What every chart of this page depends on besides the indicator and its own control."""
    return (view.sig, view.kommune, view.year, view.level, view.lang)


# Each control below changes only its own part of the page: as a fragment, a click reruns
# that part and not the whole page (issue 16). Each writes its own URL parameter, since the
# page's final sync does not run on a fragment's rerun; on a full run it returns the value.


@st.fragment
def _main_chart(view: View, ind: model.Indicator, d: model.Districts, export: Export) -> str | None:
    """The bars or funnel with its downloads; returns the `visning` URL value."""
    lang = view.lang
    modes = model.mode_labels(lang)
    mode = state.url_radio(t("view_mode", lang), "indikator_visning", "visning", modes)
    value = model.url_value(mode, model.MODES)
    state.sync_url(view, visning=value)
    if mode == "trakt" and not model.funnel_possible(ind, d):
        st.info(t("funnel_unavailable", lang))
    main = memo.shared(
        ("main", *_view_key(view), ind.id, mode),
        lambda: model.main_chart(ind, d, mode, view.kommune_name, lang),
    )
    components.figure(main, lang, "indikator_hoved")
    if any_approximate(d.cells):
        st.caption(t("approximate_note", lang))
    downloads.block(view, export, main.title, ind.source, "indikator_last_ned", main.fig)
    return value


@st.fragment
def _map(
    view: View, ind: model.Indicator, d: model.Districts, export: Export
) -> tuple[bool, str | None]:
    """The map with its downloads: the kommune's own boundaries when it has them for every
    district, else tiles. Returns whether there was a choice, and its `kart` URL value."""
    lang = view.lang
    st.subheader(t("map_heading", lang))
    shapes = data.district_shapes(view.sig, view.kommune, view.level)
    kind = model.MAP_KINDS[1]
    outlined = model.has_outlines(shapes, d)
    value = None
    if outlined:
        kinds = model.map_labels(lang)
        kind = state.url_radio(t("map_kind", lang), "indikator_kart", "kart", kinds)
        value = model.url_value(kind, model.MAP_KINDS)
        state.sync_url(view, kart=value)
    mapped = memo.shared(
        ("map", *_view_key(view), ind.id, kind),
        lambda: model.map_chart(ind, d, shapes, kind, view.kommune_name, lang),
    )
    components.figure(mapped, lang, "indikator_kart_figur")
    downloads.block(view, export, mapped.title, ind.source, "indikator_kart_last_ned", mapped.fig)
    return outlined, value


@st.fragment
def _trend(
    view: View, ind: model.Indicator, options: dict[str, str], fylke: str | None
) -> str | None:
    """The trend for the kommune, fylke, landet and the chosen areas of `options` (its
    districts, or without them its peers); returns the `omrader` URL value."""
    lang = view.lang
    default = [view.district] if view.district in options else []
    chosen = state.url_multiselect(
        t("areas_in_trend", lang), "indikator_omrader", "omrader", options, default,
        t("choose_areas", lang),
    )  # fmt: skip
    value = ",".join(chosen) or None
    state.sync_url(view, omrader=value)
    codes = model.areas(view.kommune, fylke, chosen, ind.unit)
    trend = memo.shared(
        ("trend", view.sig, ind.id, tuple(codes), lang),
        lambda: model.trend_chart(ind, data.series(view.sig, ind.id, tuple(codes)), codes, lang),
    )
    if trend is None:
        st.info(t("no_data", lang))
    else:
        components.figure(trend, lang, "indikator_trend")
    return value
