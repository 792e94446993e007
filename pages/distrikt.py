"""Distriktsprofil: one district across every indicator, as a spine chart with sentences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import components, data, downloads, state
from utfordringsbilde import charts, export, narrative, numbers
from utfordringsbilde.i18n import flag_meaning, label, t, trend_label, verdict_label

view = state.current()
lang = view.lang
ov = data.overview_data(view.sig, view.kommune, view.year)
names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
district = view.district or ov.districts["area_code"].iloc[0]
name = names[district]

st.title(f"{t('page_district', lang)}: {name}")
if not view.district:
    st.caption(t("choose_district", lang))

prof = data.district_profile(view.sig, view.kommune, view.year, district)
inds = ov.indicators

findings = narrative.district_findings(prof, inds, name, lang)
with st.container(border=True):
    st.subheader(t("findings", lang))
    st.markdown("\n".join(f"- {s}" for s in findings) if findings else t("findings_none", lang))
    st.caption(t("findings_note", lang))

left, right = st.columns([5, 4])
with left:
    shown = prof[prof["spine_x"].notna() | prof["flag"].notna()]
    fig = charts.spine(shown, inds, name, view.kommune_name, lang)
    components.chart(fig, lang, width="stretch")
    st.caption(t("spine_note", lang))
with right:
    info = inds.set_index("indicator_id")

    def fmt(i: str, v: float, f: object = None) -> str:
        unit, dec = str(info.at[i, "unit"]), int(info.at[i, "decimals"])
        return numbers.value(v, unit, dec, lang, f if isinstance(f, str) else None)

    table = pd.DataFrame(
        {
            t("indicator", lang): [label(info.loc[i], "short", lang) for i in prof["indicator_id"]],
            name: [
                fmt(i, v, f)
                for i, v, f in zip(prof["indicator_id"], prof["value"], prof["flag"], strict=True)
            ],
            view.kommune_name: [
                fmt(i, v) for i, v in zip(prof["indicator_id"], prof["kommune_value"], strict=True)
            ],
            t("landet", lang): [
                fmt(i, v) for i, v in zip(prof["indicator_id"], prof["landet_value"], strict=True)
            ],
            t("compared_with", lang) + " " + view.kommune_name: [
                flag_meaning(f, lang) if isinstance(f, str) else verdict_label(str(v), lang)
                for v, f in zip(prof["verdict"], prof["flag"], strict=True)
            ],
            t("trend", lang): [trend_label(d, lang) for d in prof["trend_direction"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=700)

meta = data.meta(view.sig)
built = meta.get("built_at", "")[:10]
out = export.export_table(
    prof.assign(area_code=district), inds, {district: name}, view.kommune_name, built, lang
)
note = f"{t('source', lang)}: SSB, FHI"
if meta.get("mode") == "demo":
    note += " · DEMODATA (simulerte tall)"
title = t("spine_title", lang, district=name, kommune=view.kommune_name)
downloads.buttons(out, title, note, "distrikt_last_ned", lang, fig=fig, built_at=built)
