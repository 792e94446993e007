"""Utfordringsbilde: districts × indicators heat map and the kommune-vs-landet barometer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import components, data, downloads, state
from utfordringsbilde import charts, export, numbers, overview
from utfordringsbilde.i18n import label, t, verdict_label

view = state.current()
lang = view.lang
ov = data.overview_data(view.sig, view.kommune, view.year)
inds = ov.indicators

st.title(f"{t('page_overview', lang)}: {view.kommune_name}")
st.markdown(t("overview_intro", lang, kommune=view.kommune_name))

# Sentences first: a politician reads these before any chart.
findings = data.kommune_findings(view.sig, view.kommune, view.year, lang)
with st.container(border=True):
    st.subheader(t("findings", lang))
    if findings:
        st.markdown("\n".join(f"- {f.text}" for f in findings))
    else:
        st.markdown(t("findings_none", lang))
    st.caption(t("findings_note", lang))

theme_rows = inds.drop_duplicates("theme_id").itertuples(index=False)
theme_names = {r.theme_id: label(r, "theme", lang) for r in theme_rows}
rfs = data.risk_factors(view.sig)
rf_names = {
    r.risk_factor_id: f"{r.number}. {label(r, 'name', lang)}" for r in rfs.itertuples(index=False)
}

left, right = st.columns([3, 2])
chosen_themes = left.multiselect(
    t("filter_themes", lang),
    list(theme_names),
    default=list(theme_names),
    format_func=theme_names.__getitem__,
    key="oversikt_tema",
)
risk = right.selectbox(
    t("filter_risk", lang),
    ["", *rf_names],
    format_func=lambda r: rf_names.get(r, t("any", lang)),
    key="oversikt_risiko",
)
shown = overview.filter_indicators(inds, chosen_themes, risk or None)

st.subheader(t("heatmap_title", lang, kommune=view.kommune_name))
st.html(components.legend_html(lang))
if shown.empty:
    st.info(t("no_data", lang))
else:
    st.html(components.heatmap_html(ov, shown, view, t("landet", lang)))
sources = ", ".join(sorted({str(s).upper() for s in shown["source"]}))
year_txt = f" ({view.year})" if view.year else ""
st.caption(t("source_caption", lang, sources=sources, year=year_txt))

baro = ov.barometer[ov.barometer["indicator_id"].isin(shown["indicator_id"])]
st.subheader(t("barometer_title", lang, kommune=view.kommune_name))
baro_fig = charts.barometer(baro, shown, view.kommune_name, lang)
components.chart(baro_fig, lang, width="stretch")

with st.expander(t("table_alternative", lang)):
    info = shown.set_index("indicator_id")
    table = pd.DataFrame(
        {
            t("indicator", lang): [label(info.loc[i], "name", lang) for i in baro["indicator_id"]],
            view.kommune_name: [
                numbers.value(
                    v,
                    info.at[i, "unit"],
                    int(info.at[i, "decimals"]),
                    lang,
                    f if isinstance(f, str) else None,
                )
                for i, v, f in zip(baro["indicator_id"], baro["value"], baro["flag"], strict=True)
            ],
            t("landet", lang): [
                numbers.value(v, info.at[i, "unit"], int(info.at[i, "decimals"]), lang)
                for i, v in zip(baro["indicator_id"], baro["benchmark"], strict=True)
            ],
            t("compared_with", lang) + " " + t("landet", lang).lower(): [
                verdict_label(str(v), lang) for v in baro["verdict"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")

# The whole view for analysts: districts against the kommune, the kommune against landet.
meta = data.meta(view.sig)
built = meta.get("built_at", "")[:10]
names = {
    **dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True)),
    view.kommune: view.kommune_name,
}
ids = set(shown["indicator_id"])
district_rows = ov.cells[
    ov.cells["indicator_id"].isin(ids) & (ov.cells["area_code"] != view.kommune)
]
table = pd.concat(
    [
        export.export_table(district_rows, inds, names, view.kommune_name, built, lang),
        export.export_table(baro, inds, names, t("landet", lang), built, lang),
    ],
    ignore_index=True,
)
note = f"{t('source', lang)}: {sources}"
if meta.get("mode") == "demo":
    note += " · DEMODATA (simulerte tall)"
title = t("heatmap_title", lang, kommune=view.kommune_name)
downloads.buttons(table, title, note, "oversikt_last_ned", lang, fig=baro_fig, built_at=built)
