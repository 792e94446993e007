"""Levekårsindeks: an SSB-style composite index per district, with its components beside it,
and the warning that it is not a ranking of where it is best to live."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import components, data, downloads, frame, memo, state
from ui.state import View
from utfordringsbilde import charts, levekar
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import levekar as model
from utfordringsbilde.pagemodels.common import provider_names


@frame.page
def render(view: View) -> None:
    """The warning, the components, the heat table of scores, the index bars, the downloads."""
    lang = view.lang
    ov = data.overview_data(view.sig, view.kommune, view.year, view.level)
    inds = ov.indicators
    key = (view.sig, view.kommune, view.year, view.level, lang)
    short = memo.shared(("levekar_short", *key), lambda: model.short_names(inds, lang))

    st.title(t("levekar_title", lang, kommune=view.kommune_name))
    # The warning comes before any number, so no one reads the index without it.
    st.error(t("levekar_warning", lang, kommune=view.kommune_name), icon=":material/warning:")
    st.markdown(t("levekar_intro", lang))

    options = memo.shared(
        ("levekar_options", *key),
        lambda: levekar.available(ov.cells, inds, ov.districts["area_code"].tolist()),
    )
    defaults = levekar.default_components(options)
    chosen = state.url_multiselect(
        t("levekar_components", lang), "levekar_komponenter", "komponenter",
        {c: short[c] for c in options}, defaults, t("choose_components", lang),
    )  # fmt: skip
    state.sync_url(view, komponenter=",".join(chosen) if chosen != defaults else None)
    if len(chosen) < 2:
        st.info(t("levekar_too_few", lang))
        return

    result = data.levekar_index(view.sig, view.kommune, view.year, tuple(chosen), view.level)
    short_warning = t("levekar_warning_short", lang)
    heat_title = t("levekar_heat_title", lang, kommune=view.kommune_name)
    bars_title = t("levekar_bars_title", lang, kommune=view.kommune_name)

    def build() -> tuple[str, go.Figure, pd.DataFrame, go.Figure]:
        labels = model.labels(inds, chosen, lang)
        return (
            model.caption(result, inds, lang),
            charts.levekar_heat(result.table, chosen, labels, heat_title, lang, short_warning),
            model.scores_table(result, inds, lang),
            charts.levekar_bars(result.table, bars_title, lang, short_warning),
        )

    caption, heat, scores, bars = memo.shared(("levekar", *key, tuple(chosen)), build)
    components.chart(heat, lang, width="stretch", key="levekar_heat")
    st.caption(caption)
    components.table_alternative(scores, lang, width="stretch")

    components.chart(bars, lang, width="stretch", key="levekar_bars")
    st.caption(t("levekar_bars_note", lang) + " " + caption)
    components.table_alternative(model.index_table(result, lang), lang)

    downloads.block(
        view,
        lambda built: model.export_rows(result, inds, built, lang),
        bars_title,
        f"{provider_names(inds.loc[inds['indicator_id'].isin(chosen), 'source'], lang)}"
        f" · {short_warning}",
        "levekar_last_ned",
        fig=bars,
    )
