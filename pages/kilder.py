"""Data og kilder: the catalog, where each indicator comes from, and the ETL runs."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from ui import data, state
from utfordringsbilde import numbers
from utfordringsbilde.i18n import label, source_label, t

view = state.current()
lang = view.lang
meta = data.meta(view.sig)
inds = data.indicators(view.sig)
info = data.sources(view.sig)

st.title(t("page_sources", lang))
st.markdown(
    "Statistikk fra Statistisk sentralbyrå (SSB, CC BY 4.0) og Folkehelseinstituttet "
    "(Kommunehelsa/Folkehelsestatistikk), kart fra Kartverket (CC BY 4.0), og kommunens egne "
    "tall. Symboler: `:` skjult av personvernhensyn, `..` tall mangler, `.` ikke aktuelt."
)

st.subheader(t("catalog", lang))
summary = info["summary"].set_index("indicator_id")
table = pd.DataFrame(
    {
        t("indicator", lang): [label(r, "name", lang) for r in inds.itertuples()],
        t("theme", lang): [label(r, "theme", lang) for r in inds.itertuples()],
        t("source", lang): [
            source_label(r.source, r.source_table, bool(r.source_verified), lang)
            for r in inds.itertuples()
        ],
        "Enhet": [numbers.unit_name(u, lang) for u in inds["unit"]],
        "Periode": [
            numbers.period(int(summary.at[i, "first_year"]), int(summary.at[i, "last_year"]))
            if i in summary.index
            else ""
            for i in inds["indicator_id"]
        ],
        "Skjulte celler": [
            int(summary.at[i, "suppressed"]) if i in summary.index else 0
            for i in inds["indicator_id"]
        ],
        t("definition", lang): [label(r, "definition", lang) for r in inds.itertuples()],
    }
)
st.dataframe(table, hide_index=True, width="stretch")

missing = json.loads(meta.get("missing_indicators", "{}"))
if missing:
    st.subheader(t("missing_indicators", lang))
    st.dataframe(pd.DataFrame(missing.items(), columns=["indicator_id", "reason"]), hide_index=True)

st.subheader(t("etl_runs", lang))
st.dataframe(info["runs"], hide_index=True, width="stretch")
