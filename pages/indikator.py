"""Indikator: one indicator across the kommune's districts, and over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import data, downloads, state
from utfordringsbilde import charts, export, numbers
from utfordringsbilde.i18n import flag_meaning, t, verdict_label

view = state.current()
lang = view.lang
inds = data.indicators(view.sig)
ids = inds["indicator_id"].tolist()
names = {
    r.indicator_id: (getattr(r, f"name_{lang}") or r.name_nb) for r in inds.itertuples(index=False)
}

wanted = st.query_params.get("indikator")
if st.session_state.get("indikator_valg") not in ids:
    st.session_state["indikator_valg"] = wanted if wanted in ids else ids[0]
ind_id = st.selectbox(
    t("choose_indicator", lang), ids, format_func=names.__getitem__, key="indikator_valg"
)
state.sync_url(view, indikator=ind_id)
ind = inds.set_index("indicator_id").loc[ind_id]
unit, dec = str(ind["unit"]), int(ind["decimals"])

st.title(names[ind_id])

ov = data.overview_data(view.sig, view.kommune, view.year)
cells = ov.cells[ov.cells["indicator_id"] == ind_id]
dist_names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
dcells = cells[cells["area_code"].isin(dist_names)].copy()
dcells["area_name"] = dcells["area_code"].map(dist_names)
kom = cells[cells["area_code"] == view.kommune]
kom_value = (
    float(kom["value"].iloc[0]) if not kom.empty and pd.notna(kom["value"].iloc[0]) else None
)

if dcells.empty:
    st.info(t("no_data", lang) + f" ({', '.join(dist_names.values()) or '-'})")
else:
    period = numbers.period(int(dcells["period_from"].iloc[0]), int(dcells["period_to"].iloc[0]))
    counts = dcells["verdict"].value_counts()
    parts = [
        f"{counts[v]} {verdict_label(v, lang).lower()}"
        for v in ("worse", "better", "higher", "lower", "similar")
        if v in counts
    ]
    if parts:
        st.markdown(f"**{len(dcells)} {t('areas_col', lang).lower()}:** " + ", ".join(parts) + ".")
    title = t("bars_title", lang, indicator=names[ind_id], kommune=view.kommune_name, period=period)
    fig = charts.district_bars(dcells, unit, dec, title, kom_value, view.kommune_name, lang)
    st.plotly_chart(fig, width="stretch")

    with st.expander(t("table_alternative", lang)):
        table = pd.DataFrame(
            {
                t("areas_col", lang): dcells["area_name"],
                t("value", lang): [
                    numbers.value(v, unit, dec, lang, f if isinstance(f, str) else None)
                    for v, f in zip(dcells["value"], dcells["flag"], strict=True)
                ],
                t("interval", lang): [
                    numbers.interval(a, b, dec, lang)
                    for a, b in zip(dcells["ci_low"], dcells["ci_high"], strict=True)
                ],
                t("count", lang): [
                    numbers.number(x) if pd.notna(x) else (f or "")
                    for x, f in zip(dcells["numerator"], dcells["flag"], strict=True)
                ],
                t("denominator", lang): [numbers.number(x) for x in dcells["denominator"]],
                t("compared_with", lang) + " " + view.kommune_name: [
                    flag_meaning(f, lang) if isinstance(f, str) else verdict_label(str(v), lang)
                    for v, f in zip(dcells["verdict"], dcells["flag"], strict=True)
                ],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")

    meta = data.meta(view.sig)
    built = meta.get("built_at", "")[:10]
    names_all = {**dist_names, view.kommune: view.kommune_name}
    kom_row = ov.barometer[ov.barometer["indicator_id"] == ind_id]
    out = pd.concat(
        [
            export.export_table(dcells, inds, names_all, view.kommune_name, built, lang),
            export.export_table(kom_row, inds, names_all, t("landet", lang), built, lang),
        ],
        ignore_index=True,
    )
    note = f"{t('source', lang)}: {str(ind['source']).upper()} {ind['source_table']}"
    if meta.get("mode") == "demo":
        note += " · DEMODATA (simulerte tall)"
    downloads.buttons(out, title, note, "indikator_last_ned", lang, fig=fig, built_at=built)

st.subheader(t("trend_title", lang, indicator=names[ind_id]))
areas = state_areas = [view.kommune, ov.fylke or "", "0"]
default_d = [view.district] if view.district else []
chosen = st.multiselect(
    t("areas_in_trend", lang),
    list(dist_names),
    default=default_d,
    format_func=dist_names.__getitem__,
    key="indikator_omrader",
)
codes = tuple(c for c in [*chosen, *areas] if c)
ser = data.series(view.sig, ind_id, codes)
if ser.empty:
    st.info(t("no_data", lang))
else:
    order = {c: i for i, c in enumerate(codes)}
    ser = ser.sort_values(
        ["area_code", "period_to"], key=lambda s: s.map(order) if s.name == "area_code" else s
    )
    ser["area_name"] = ser["area_name"].where(ser["area_code"] != "0", t("landet", lang))
    st.plotly_chart(
        charts.trend(ser, unit, dec, t("trend_title", lang, indicator=names[ind_id]), lang),
        width="stretch",
    )

source = f"{str(ind['source']).upper()} {ind['source_table']}"
if not bool(ind["source_verified"]):
    source += f" ({t('unverified_source', lang)})"
st.markdown(f"**{t('definition', lang)}:** {ind['definition_nb']}")
if isinstance(ind["caveats_nb"], str) and ind["caveats_nb"]:
    st.markdown(f"**{t('caveats', lang)}:** {ind['caveats_nb']}")
st.caption(f"{t('source', lang)}: {source}. {numbers.unit_name(unit, lang).capitalize()}.")
