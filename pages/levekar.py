"""Levekårsindeks: an SSB-style composite index per district, with its components beside it,
and the warning that it is not a ranking of where it is best to live."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import components, data, downloads, state
from utfordringsbilde import charts, levekar, numbers
from utfordringsbilde.i18n import label, t

view = state.current()
lang = view.lang
ov = data.overview_data(view.sig, view.kommune, view.year)
inds = ov.indicators
info = inds.set_index("indicator_id")
short = {i: label(info.loc[i], "short", lang) for i in info.index}  # the name when no short one

st.title(t("levekar_title", lang, kommune=view.kommune_name))
# The warning comes before any number, so no one reads the index without it.
st.error(t("levekar_warning", lang, kommune=view.kommune_name), icon=":material/warning:")
st.markdown(t("levekar_intro", lang))

options = levekar.available(ov.cells, inds, ov.districts["area_code"].tolist())
defaults = levekar.default_components(options)
key = "levekar_komponenter"
state.seed_choices(key, "komponenter", options, defaults)
chosen = st.multiselect(
    t("levekar_components", lang),
    options,
    format_func=short.__getitem__,
    key=key,
    placeholder=t("choose_components", lang),
)
state.sync_url(view, komponenter=",".join(chosen) if chosen != defaults else None)

if len(chosen) < 2:
    st.info(t("levekar_too_few", lang))
    st.stop()

result = data.levekar_index(view.sig, view.kommune, view.year, tuple(chosen))
table = result.table
missing = table.loc[table["index"].isna(), "area_name"].tolist()
k = len(chosen)
# Components where a high value is good are scored the other way round; the heading says so.
reversed_note = f" ({t('levekar_reversed', lang)})"
labels = {
    c: short[c] + (reversed_note if info.at[c, "polarity"] == "high_good" else "") for c in chosen
}
items = "; ".join(f"{short[c]} ({result.periods.get(c, '..')})" for c in chosen)
caption = t("levekar_caption", lang, items=items)
hidden = "; ".join(f"{short[c]}: {', '.join(areas)}" for c, areas in result.hidden.items() if areas)
if hidden:
    caption += " " + t("hidden_areas", lang, areas=hidden)
if missing:
    caption += " " + t(
        "levekar_not_computed",
        lang,
        areas=", ".join(missing),
        m=levekar.min_components(k),
        k=k,
    )

heat_title = t("levekar_heat_title", lang, kommune=view.kommune_name)
short_warning = t("levekar_warning_short", lang)
heat = charts.levekar_heat(table, chosen, labels, heat_title, lang, short_warning)
components.chart(heat, lang, width="stretch", key="levekar_heat")
st.caption(caption)
value_cols = {
    c: [
        numbers.value(
            v,
            str(info.at[c, "unit"]),
            int(info.at[c, "decimals"]),
            lang,
            f if isinstance(f, str) else None,
        )
        for v, f in zip(table[c], table[f"{c}_flag"], strict=True)
    ]
    for c in chosen
}
with st.expander(t("table_alternative", lang)):
    alt = pd.DataFrame({t("areas_col", lang): table["area_name"]})
    for c in chosen:
        alt[short[c]] = [
            f"{text} ({t('score', lang).lower()} {numbers.number(sc)})" if pd.notna(sc) else text
            for text, sc in zip(value_cols[c], table[f"{c}_score"], strict=True)
        ]
    alt[t("levekar_n_col", lang)] = [f"{int(n)} / {k}" for n in table["n_components"]]
    alt[t("levekar_index", lang)] = [numbers.number(v, 1, lang) for v in table["index"]]
    st.dataframe(alt, hide_index=True, width="stretch")

bars_title = t("levekar_bars_title", lang, kommune=view.kommune_name)
bars = charts.levekar_bars(table, bars_title, lang, short_warning)
components.chart(bars, lang, width="stretch", key="levekar_bars")
st.caption(t("levekar_bars_note", lang) + " " + caption)
with st.expander(t("table_alternative", lang)):
    st.dataframe(
        pd.DataFrame(
            {
                t("areas_col", lang): table["area_name"],
                t("levekar_index", lang): [numbers.number(v, 1, lang) for v in table["index"]],
                t("levekar_n_col", lang): [f"{int(n)} / {k}" for n in table["n_components"]],
            }
        ),
        hide_index=True,
    )

meta = data.meta(view.sig)
built = meta.get("built_at", "")[:10]
texts = {
    "index_name": t("levekar_index_name", lang),
    "score": t("levekar_score", lang),
    "components": t("levekar_n", lang),
}
out = levekar.export_rows(result, inds, texts, built, lang)
note = f"{t('source', lang)}: SSB, FHI · {short_warning}"
if meta.get("mode") == "demo":
    note += " · DEMODATA (simulerte tall)"
downloads.buttons(out, bars_title, note, "levekar_last_ned", lang, fig=bars, built_at=built)
