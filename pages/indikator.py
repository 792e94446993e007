"""Indikator: one indicator across the kommune's districts (bars or funnel, map), by sex, over
time; definition, source and period under every chart, a table alternative beside each."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import components, data, downloads, state
from utfordringsbilde import charts, export, funnel, geo, indicator, numbers
from utfordringsbilde.i18n import label, source_label, t, tn, verdict_label

# URL values (`visning`, `kart`), the first being the default that the URL leaves out.
MODES = ("stolper", "trakt")
MAP_KINDS = ("grenser", "ruter")


view = state.current()
lang = view.lang
inds = data.indicators(view.sig)
ids = inds["indicator_id"].tolist()
names = {r.indicator_id: label(r, "name", lang) for r in inds.itertuples(index=False)}

state.seed_choice("indikator_valg", "indikator", ids)
ind_id = st.selectbox(
    t("choose_indicator", lang), ids, format_func=names.__getitem__, key="indikator_valg"
)
ind = inds.set_index("indicator_id").loc[ind_id]
unit, dec, method = str(ind["unit"]), int(ind["decimals"]), str(ind["ci_method"])
definition = label(ind, "definition", lang)
source = source_label(
    str(ind["source"]), str(ind["source_table"]), bool(ind["source_verified"]), lang
)

st.title(names[ind_id])

ov = data.overview_data(view.sig, view.kommune, view.year)
meta = data.meta(view.sig)
built = meta.get("built_at", "")[:10]
note = f"{t('source', lang)}: {source}"
if meta.get("mode") == "demo":
    note += " · DEMODATA (simulerte tall)"
cells = ov.cells[ov.cells["indicator_id"] == ind_id]
dist_names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
dcells = cells[cells["area_code"].isin(dist_names)].copy()
dcells["area_name"] = dcells["area_code"].map(dist_names)
kom = cells[cells["area_code"] == view.kommune]
kom_value = (
    float(kom["value"].iloc[0]) if not kom.empty and pd.notna(kom["value"].iloc[0]) else None
)
url: dict[str, str | None] = {"indikator": ind_id}

if dcells.empty:
    st.info(t("no_district_data", lang, kommune=view.kommune_name))
else:
    period = numbers.period(int(dcells["period_from"].iloc[0]), int(dcells["period_to"].iloc[0]))
    counts = dcells["verdict"].value_counts()
    parts = [
        f"{counts[v]} {verdict_label(v, lang).lower()}"
        for v in ("worse", "better", "higher", "lower", "similar")
        if v in counts
    ]
    if parts:
        st.markdown(f"**{tn('n_areas', len(dcells), lang)}:** " + ", ".join(parts) + ".")

    # Bars, or a funnel where districts' sizes differ and the indicator has a denominator.
    state.seed_choice("indikator_visning", "visning", MODES)
    labels = {"stolper": t("mode_bars", lang), "trakt": t("mode_funnel", lang)}
    mode = st.radio(
        t("view_mode", lang),
        MODES,
        format_func=labels.__getitem__,
        horizontal=True,
        key="indikator_visning",
    )
    url["visning"] = mode if mode != MODES[0] else None
    hidden = indicator.hidden_areas(dcells, lang)
    if mode == "trakt" and funnel.supported(method, unit) and kom_value is not None:
        shown = indicator.with_funnel(dcells, kom_value, method, unit)
        shown["position_text"] = [t(f"funnel_{p}", lang) for p in shown["position"]]
        title = t(
            "funnel_title", lang, indicator=names[ind_id], kommune=view.kommune_name, period=period
        )
        limits = indicator.funnel_limits(dcells, kom_value, method, unit)
        fig = charts.funnel(shown, limits, unit, dec, title, kom_value, view.kommune_name, lang)
        chart_note = t("funnel_note", lang, kommune=view.kommune_name)
    else:
        if mode == "trakt":
            st.info(t("funnel_unavailable", lang))
        shown = dcells
        title = t(
            "bars_title", lang, indicator=names[ind_id], kommune=view.kommune_name, period=period
        )
        fig = charts.district_bars(dcells, unit, dec, title, kom_value, view.kommune_name, lang)
        chart_note = t("bars_note", lang, kommune=view.kommune_name)
    components.chart(fig, lang, width="stretch", key="indikator_hoved")
    st.caption(indicator.caption(definition, source, period, lang, f"{chart_note} {hidden}"))
    table = indicator.district_table(shown, unit, dec, view.kommune_name, lang)
    with st.expander(t("table_alternative", lang)):
        st.dataframe(table, hide_index=True, width="stretch")

    names_all = {**dist_names, view.kommune: view.kommune_name}
    kom_row = ov.barometer[ov.barometer["indicator_id"] == ind_id]
    out = pd.concat(
        [
            export.export_table(dcells, inds, names_all, view.kommune_name, built, lang),
            export.export_table(kom_row, inds, names_all, t("landet", lang), built, lang),
        ],
        ignore_index=True,
    )
    downloads.buttons(out, title, note, "indikator_last_ned", lang, fig=fig, built_at=built)

    # Map: the kommune's own boundaries when it has them for every district, else tiles.
    st.subheader(t("map_heading", lang))
    shapes = data.district_shapes(view.sig, view.kommune)
    codes = list(dist_names)
    has_outlines = geo.covers(shapes, codes)
    kind = "ruter"
    if has_outlines:
        state.seed_choice("indikator_kart", "kart", MAP_KINDS)
        kinds = {"grenser": t("map_outlines", lang), "ruter": t("map_tiles", lang)}
        kind = st.radio(
            t("map_kind", lang),
            MAP_KINDS,
            format_func=kinds.__getitem__,
            horizontal=True,
            key="indikator_kart",
        )
        url["kart"] = kind if kind != MAP_KINDS[0] else None
    map_title = t(
        "map_title", lang, indicator=names[ind_id], kommune=view.kommune_name, period=period
    )
    if kind == "grenser":
        map_fig = charts.outline_map(dcells, geo.outlines(shapes), unit, dec, map_title, lang)
        map_note = t("map_outlines_note", lang, kommune=view.kommune_name)
    else:
        tiles = geo.tile_grid(codes, geo.centres(shapes) if has_outlines else None)
        map_fig = charts.tile_map(dcells, tiles, unit, dec, map_title, lang)
        key = "map_tiles_geo_note" if has_outlines else "map_tiles_note"
        map_note = t(key, lang, kommune=view.kommune_name)
    components.chart(map_fig, lang, width="stretch", key="indikator_kart_figur")
    st.caption(indicator.caption(definition, source, period, lang, f"{map_note} {hidden}"))
    with st.expander(t("table_alternative", lang)):
        st.dataframe(
            indicator.district_table(dcells, unit, dec, view.kommune_name, lang),
            hide_index=True,
            width="stretch",
        )
    downloads.buttons(
        out, map_title, note, "indikator_kart_last_ned", lang, fig=map_fig, built_at=built
    )

# By sex: the sources give it for the kommune, fylke and landet, not for districts.
sex_codes = tuple(c for c in (view.kommune, ov.fylke, "0") if c)
by_sex = data.sex_breakdown(view.sig, ind_id, sex_codes, view.year)
if not by_sex.empty and (by_sex["sex"] != "all").any():
    st.subheader(t("sex_heading", lang))
    order = {c: i for i, c in enumerate(sex_codes)}
    by_sex = indicator.area_names(by_sex, {}, t("landet", lang))
    by_sex = by_sex.sort_values("area_code", key=lambda s: s.map(order), kind="stable")
    sex_period = numbers.period(int(by_sex["period_from"].min()), int(by_sex["period_to"].max()))
    sex_title = t("sex_title", lang, indicator=names[ind_id], period=sex_period)
    components.chart(
        charts.sex_bars(by_sex, unit, dec, sex_title, lang),
        lang,
        width="stretch",
        key="indikator_kjonn",
    )
    st.caption(indicator.caption(definition, source, sex_period, lang, t("sex_note", lang)))
    with st.expander(t("table_alternative", lang)):
        st.dataframe(indicator.sex_table(by_sex, unit, dec, lang), hide_index=True)

# Over time, for the kommune, fylke, landet and the districts the user picks.
st.subheader(t("trend_title", lang, indicator=names[ind_id]))
key = "indikator_omrader"
state.seed_choices(key, "omrader", list(dist_names), [view.district] if view.district else [])
chosen = st.multiselect(
    t("areas_in_trend", lang),
    list(dist_names),
    format_func=dist_names.__getitem__,
    key=key,
    placeholder=t("choose_areas", lang),
)
url["omrader"] = ",".join(chosen) or None
codes_trend = tuple(c for c in [*chosen, view.kommune, ov.fylke or "", "0"] if c)
ser = data.series(view.sig, ind_id, codes_trend)
if ser.empty:
    st.info(t("no_data", lang))
else:
    order = {c: i for i, c in enumerate(codes_trend)}
    ser = ser.sort_values(
        ["area_code", "period_to"], key=lambda s: s.map(order) if s.name == "area_code" else s
    )
    ser = indicator.area_names(ser, {}, t("landet", lang))
    trend_title = t("trend_title", lang, indicator=names[ind_id])
    span = numbers.period(int(ser["period_from"].min()), int(ser["period_to"].max()))
    labels = dict.fromkeys(
        numbers.period(int(a), int(b))
        for a, b in zip(ser["period_from"], ser["period_to"], strict=True)
    )
    trend_fig = charts.fit_period_axis(
        charts.trend(ser, unit, dec, trend_title, lang), list(labels)
    )
    components.chart(trend_fig, lang, width="stretch", key="indikator_trend")
    st.caption(indicator.caption(definition, source, span, lang, t("trend_note", lang)))
    with st.expander(t("table_alternative", lang)):
        st.dataframe(indicator.trend_table(ser, unit, dec, lang), hide_index=True)

state.sync_url(view, **url)

st.markdown(f"**{t('definition', lang)}:** {definition}")
if caveats := label(ind, "caveats", lang):
    st.markdown(f"**{t('caveats', lang)}:** {caveats}")
st.caption(f"{t('source', lang)}: {source}. {numbers.unit_name(unit, lang).capitalize()}.")
