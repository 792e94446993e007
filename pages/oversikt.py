"""Utfordringsbilde: districts × indicators heat map and the kommune-vs-landet barometer."""

from __future__ import annotations

import streamlit as st

from ui import components, data, downloads, frame, memo
from ui.state import View
from utfordringsbilde import charts, overview
from utfordringsbilde.i18n import t
from utfordringsbilde.pagemodels import oversikt as model
from utfordringsbilde.pagemodels.common import any_approximate


@frame.page
def render(view: View) -> None:
    """Findings, the filters, the heat map with its legend, the barometer, the downloads."""
    lang = view.lang
    ov = data.overview_data(view.sig, view.kommune, view.year, view.level)
    st.title(f"{t('page_overview', lang)}: {view.kommune_name}")
    st.markdown(t("overview_intro", lang, kommune=view.kommune_name))

    # Sentences first: a politician reads these before any chart.
    findings = data.kommune_findings(view.sig, view.kommune, view.year, lang, view.level)
    components.findings([f.text for f in findings], lang)

    themes = memo.shared(
        ("themes", view.sig, view.kommune, view.year, view.level, lang),
        lambda: model.theme_names(ov.indicators, lang),
    )
    risks = model.risk_factor_names(data.risk_factors(view.sig), lang)
    left, right = st.columns([3, 2])
    chosen_themes = left.multiselect(
        t("filter_themes", lang),
        list(themes),
        default=list(themes),
        format_func=themes.__getitem__,
        key="oversikt_tema",
    )
    risk = right.selectbox(
        t("filter_risk", lang),
        ["", *risks],
        format_func=lambda r: risks.get(r, t("any", lang)),
        key="oversikt_risiko",
    )
    shown = overview.filter_indicators(ov.indicators, chosen_themes, risk or None)

    if view.has_districts:
        title = t("heatmap_title", lang, kommune=view.kommune_name)
        st.subheader(title)
        st.html(components.legend_html(lang))
        if shown.empty:
            st.info(t("no_data", lang))
        else:
            st.html(components.heatmap(ov, shown, view, t("landet", lang)))
            components.in_app_links()
            if any_approximate(ov.cells[ov.cells["indicator_id"].isin(shown["indicator_id"])]):
                st.caption(t("approximate_note", lang))
    else:
        # Kommune-level figures only: against fylke, landet and the peers instead of districts.
        frame.no_districts(view)
        title = t("kommune_comparison_title", lang, kommune=view.kommune_name)
        st.subheader(title)
        table = model.comparison_table(ov, shown, lang)
        st.table(table.set_index(t("indicator", lang)))
        st.caption(model.peer_caption(ov, lang))
    sources = model.sources(shown, lang)
    year_txt = f" ({view.year})" if view.year else ""
    st.caption(t("source_caption", lang, sources=sources, year=year_txt))

    st.subheader(t("barometer_title", lang, kommune=view.kommune_name))
    # The filters pick the indicators shown; the same view and choice is the same chart.
    key = (view.sig, view.kommune, view.year, view.level, lang, tuple(shown["indicator_id"]))
    baro_fig, baro_table = memo.shared(
        ("barometer", *key),
        lambda: (
            charts.barometer(model.barometer(ov, shown), shown, view.kommune_name, lang),
            model.barometer_table(ov, shown, lang),
        ),
    )
    components.chart(baro_fig, lang, width="stretch")
    components.table_alternative(baro_table, lang, width="stretch")

    downloads.block(
        view,
        lambda built: model.export_rows(data.cursor(), ov, shown, built, lang),
        title,
        sources,
        "oversikt_last_ned",
        fig=baro_fig,
    )
