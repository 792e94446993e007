"""The shared view (kommune, district, period, language), kept in the URL so links reproduce it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import data
from utfordringsbilde import warehouse
from utfordringsbilde.i18n import DEFAULT, language_name, languages, t

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
    """Take any selection the session does not hold yet from the URL (a shared link)."""
    for key, param in PARAMS.items():
        if f"view_{key}" not in st.session_state and param in st.query_params:
            st.session_state[f"view_{key}"] = st.query_params[param]


def _choice(
    widget: Callable[..., Any], label: str, options: list[str], key: str, **kwargs: Any
) -> str:
    """A selection whose value survives a widget reset.

    The selection lives under `view_<key>`, which no widget owns; the widget only starts from
    it. Streamlit drops a widget's own state when the widget's identity changes (as on a
    server's first session, which starts in the legacy pages/ mode), and this keeps the view.
    """
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]  # options changed (another kommune): start afresh
    wanted = st.session_state.get(f"view_{key}")
    index = options.index(wanted) if wanted in options else 0
    value = widget(label, options, index=index, key=key, **kwargs)
    st.session_state[f"view_{key}"] = value
    return str(value)


def sidebar(sig: warehouse.Signature) -> View:
    """Draw the shared sidebar controls and return the selection."""
    _seed_from_url()
    lang = st.session_state.get("view_lang")
    lang = lang if lang in languages() else DEFAULT
    kommuner = data.kommuner(sig)
    codes = kommuner["area_code"].tolist()
    names = dict(zip(codes, kommuner["name"], strict=True))
    kommune = _choice(
        st.sidebar.selectbox,
        t("kommune", lang),
        codes,
        "kommune",
        format_func=lambda c: f"{names[c]} ({c})",
    )
    dists = data.districts(sig, kommune)
    dist_names = dict(zip(dists["area_code"], dists["name"], strict=True))
    district = _choice(
        st.sidebar.selectbox,
        t("district", lang),
        ["", *dists["area_code"]],
        "distrikt",
        format_func=lambda c: dist_names.get(c, t("all_districts", lang)),
    )
    years = data.years(sig, kommune)
    year = _choice(
        st.sidebar.selectbox,
        t("period", lang),
        ["", *[str(y) for y in years]],
        "aar",
        format_func=lambda y: y or t("latest", lang),
    )
    lang = _choice(
        st.sidebar.radio,
        t("language", lang),
        list(languages()),
        "lang",
        format_func=language_name,
        horizontal=True,
    )
    view = View(
        sig=sig,
        kommune=kommune,
        kommune_name=names[kommune],
        district=district or None,
        year=int(year) if year else None,
        lang=lang,
    )
    sync_url(view)
    return view


def seed_choice(key: str, param: str, options: Sequence[str]) -> None:
    """Start a page's single-choice control from the URL unless the session holds a valid one."""
    if st.session_state.get(key) not in options:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else options[0]


def seed_choices(key: str, param: str, options: Sequence[str], default: list[str]) -> None:
    """Start a page's multi-choice control from the URL (or `default`) unless the session
    holds one that still fits the options; a choice made for another kommune is dropped."""
    if key in st.session_state and not set(st.session_state[key]) <= set(options):
        del st.session_state[key]
    if key not in st.session_state:
        linked = [c for c in (st.query_params.get(param) or "").split(",") if c in options]
        st.session_state[key] = linked if param in st.query_params else default


def sync_url(view: View, **page_params: str | None) -> None:
    """Write the view (and page parameters) into the URL; empty values are left out."""
    wanted = {
        "kommune": view.kommune,
        "distrikt": view.district,
        "aar": str(view.year) if view.year else None,
        "sprak": view.lang if view.lang != DEFAULT else None,
        **page_params,
    }
    for key, value in wanted.items():
        if value:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def current() -> View:
    """The view for this run, drawing the shared frame first if the entry point did not.

    On a server's first session Streamlit may run a page file on its own (its legacy
    `pages/` mode, until some session calls st.navigation). The entry point hands the view
    over by session state and the page takes it, so a view left from an earlier run is never
    mistaken for this run's.
    """
    view = st.session_state.pop("_view", None)
    if view is None:
        from ui import frame

        view, _ = frame.render()
    return view  # type: ignore[no-any-return]
