"""The shared view (kommune, district, period, language), kept in the URL so links reproduce it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import data
from utfordringsbilde import warehouse
from utfordringsbilde.i18n import LANGS, t

LANG_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}

# Session key → URL parameter. Page-local parameters (e.g. indikator) belong to the pages.
PARAMS = {"kommune": "kommune", "distrikt": "distrikt", "aar": "aar", "lang": "sprak"}


@dataclass(frozen=True)
class View:
    """What every page needs to know about the current selection."""

    sig: warehouse.Signature
    kommune: str
    kommune_name: str
    district: str | None
    year: int | None
    lang: str


def _seed_from_url() -> None:
    """On a session's first run, take the selection from the URL (a shared link)."""
    if st.session_state.get("_seeded"):
        return
    for key, param in PARAMS.items():
        if param in st.query_params and key not in st.session_state:
            st.session_state[key] = st.query_params[param]
    st.session_state["_seeded"] = True


def sidebar(sig: warehouse.Signature) -> View:
    """Draw the shared sidebar controls and return the selection."""
    _seed_from_url()
    if st.session_state.get("lang") not in LANGS:
        st.session_state["lang"] = "nb"
    lang = st.session_state["lang"]
    kommuner = data.kommuner(sig)
    codes = kommuner["area_code"].tolist()
    names = dict(zip(codes, kommuner["name"], strict=True))
    if st.session_state.get("kommune") not in codes:
        st.session_state["kommune"] = codes[0]
    kommune = st.sidebar.selectbox(
        t("kommune", lang), codes, key="kommune", format_func=lambda c: f"{names[c]} ({c})"
    )
    dists = data.districts(sig, kommune)
    dist_codes = ["", *dists["area_code"]]
    dist_names = dict(zip(dists["area_code"], dists["name"], strict=True))
    if st.session_state.get("distrikt") not in dist_codes:
        st.session_state["distrikt"] = ""
    district = st.sidebar.selectbox(
        t("district", lang),
        dist_codes,
        key="distrikt",
        format_func=lambda c: dist_names.get(c, t("all_districts", lang)),
    )
    years = data.years(sig, kommune)
    year_opts = ["", *[str(y) for y in years]]
    if st.session_state.get("aar") not in year_opts:
        st.session_state["aar"] = ""
    year = st.sidebar.selectbox(
        t("period", lang), year_opts, key="aar", format_func=lambda y: y or t("latest", lang)
    )
    st.sidebar.radio(
        t("language", lang),
        list(LANGS),
        key="lang",
        format_func=LANG_NAMES.__getitem__,
        horizontal=True,
    )
    view = View(
        sig=sig,
        kommune=kommune,
        kommune_name=names[kommune],
        district=district or None,
        year=int(year) if year else None,
        lang=st.session_state["lang"],
    )
    sync_url(view)
    return view


def sync_url(view: View, **page_params: str | None) -> None:
    """Write the view (and page parameters) into the URL; empty values are left out."""
    wanted = {
        "kommune": view.kommune,
        "distrikt": view.district,
        "aar": str(view.year) if view.year else None,
        "sprak": view.lang if view.lang != "nb" else None,
        **page_params,
    }
    for key, value in wanted.items():
        if value:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def current() -> View:
    """The view the entry point computed for this run."""
    return st.session_state["_view"]  # type: ignore[no-any-return]
