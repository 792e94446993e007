"""The shared view (kommune, district, period, language), kept in the URL so links reproduce it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import data
from utfordringsbilde import warehouse
from utfordringsbilde.i18n import DEFAULT, language_name, languages, t
from utfordringsbilde.pagemodels.common import level_label

# Session key → URL parameter. Page-local parameters (e.g. indikator) belong to the pages.
PARAMS = {
    "kommune": "kommune",
    "niva": "niva",
    "distrikt": "distrikt",
    "aar": "aar",
    "lang": "sprak",
}


@dataclass(frozen=True)
class View:
    """What every page needs to know about the current selection."""

    sig: warehouse.Signature
    kommune: str
    kommune_name: str
    district: str | None
    year: int | None
    lang: str
    # The district level shown (None: the kommune's default level, or it has no districts).
    level: str | None = None
    # Whether the warehouse has anything for the kommune; pages show the empty state if not.
    has_data: bool = True
    # Whether it has the kommune's districts; district-only pages say how to get them if not.
    has_districts: bool = True


def _seed_from_url(sig: warehouse.Signature, known: Collection[str]) -> None:
    """Take any selection the session does not hold yet from the URL (a shared link).

    A kommune number is read through the code history: an old number opens today's kommune
    and an unknown one the default, each with a notice saying so (kept in `view_notice`).
    """
    for key, param in PARAMS.items():
        if f"view_{key}" not in st.session_state and param in st.query_params:
            st.session_state[f"view_{key}"] = st.query_params[param]
            if key == "kommune":
                _resolve_linked(sig, st.query_params[param], known)


def _resolve_linked(sig: warehouse.Signature, asked: str, known: Collection[str]) -> None:
    """Replace a linked kommune number that is not one of `known` by what it means today."""
    if asked in known:
        return
    found = data.resolve_kommune(sig, asked)
    if found.code and found.code != asked and found.code in known:  # renumbered
        st.session_state["view_kommune"] = found.code
        st.session_state["view_notice"] = ("info", "kommune_renumbered", asked, found.code)
    else:
        del st.session_state["view_kommune"]
        st.session_state["view_notice"] = ("warning", "kommune_unknown", asked, None)


def _notice(kommune: str, name: Callable[[str], str], lang: str) -> None:
    """Say that a linked kommune number was read as another (or not at all), while it holds."""
    notice = st.session_state.get("view_notice")
    if not notice:
        return
    kind, key, asked, code = notice
    if code is None:  # an unknown number: about the kommune shown in its place, this first time
        code = kommune
        st.session_state["view_notice"] = (kind, key, asked, code)
    if code != kommune:
        del st.session_state["view_notice"]  # another kommune chosen since: no longer true
        return
    text = t(key, lang, asked=asked, kommune=name(code), code=code)
    (st.sidebar.info if kind == "info" else st.sidebar.warning)(text)


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


def choose_district(code: str) -> None:
    """Make `code` the sidebar's district (a button callback: the next run starts with it)."""
    st.session_state["distrikt"] = code
    st.session_state["view_distrikt"] = code


def sidebar(sig: warehouse.Signature) -> View:
    """Draw the shared sidebar controls and return the selection."""
    picker = data.kommune_picker(sig)
    codes = list(picker.names)
    names = picker.names
    _seed_from_url(sig, codes)
    lang = st.session_state.get("view_lang")
    lang = lang if lang in languages() else DEFAULT
    kommune = _choice(
        st.sidebar.selectbox,
        t("kommune", lang),
        codes,
        "kommune",
        format_func=lambda c: f"{names[c]} ({c})",
    )
    _notice(kommune, lambda c: names.get(c, c), lang)
    has_data = kommune in picker.with_data
    levels = data.district_levels(sig, kommune)
    level = levels[0] if levels else None
    if len(levels) > 1:
        level = _choice(
            st.sidebar.selectbox,
            t("district_level", lang),
            levels,
            "niva",
            format_func=lambda lv: level_label(lv, lang, data.level_names().get(kommune)),
        )
    dists = data.districts(sig, kommune, level)
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
        level=level if levels and level != levels[0] else None,
        has_data=has_data,
        has_districts=kommune in picker.with_districts,
    )
    sync_url(view)
    return view


def seed_choice(
    key: str, param: str, options: Sequence[str], default: str | None = None
) -> None:
    """Start a page's single-choice control from the URL unless the session holds a valid one;
    without one in the URL, from `default` (else the first option)."""
    if st.session_state.get(key) not in options:
        wanted = st.query_params.get(param)
        fallback = default if default in options else options[0]
        st.session_state[key] = wanted if wanted in options else fallback


def url_selectbox(
    label: str, key: str, param: str, options: Mapping[str, str], default: str | None = None
) -> str:
    """A selectbox over `options` (URL value → label), started from `?param=` or `default`."""
    values = list(options)
    seed_choice(key, param, values, default)
    return str(st.selectbox(label, values, format_func=options.__getitem__, key=key))


def url_radio(label: str, key: str, param: str, options: Mapping[str, str]) -> str:
    """A horizontal radio over `options` (URL value → label), started from `?param=`."""
    values = list(options)
    seed_choice(key, param, values)
    return str(st.radio(label, values, format_func=options.__getitem__, horizontal=True, key=key))


def seed_choices(key: str, param: str, options: Sequence[str], default: list[str]) -> None:
    """Start a page's multi-choice control from the URL (or `default`) unless the session
    holds one that still fits the options; a choice made for another kommune is dropped."""
    if key in st.session_state and not set(st.session_state[key]) <= set(options):
        del st.session_state[key]
    if key not in st.session_state:
        linked = [c for c in (st.query_params.get(param) or "").split(",") if c in options]
        st.session_state[key] = linked if param in st.query_params else default


def url_params(view: View, **page_params: str | None) -> dict[str, str]:
    """The view (and a page's own parameters) as URL parameters; empty values are left out.

    The one place where a view turns into a link: the address bar, the heat map's indicator
    links and Møtemodus' way out all use it.
    """
    wanted = {
        PARAMS["kommune"]: view.kommune,
        PARAMS["niva"]: view.level,
        PARAMS["distrikt"]: view.district,
        PARAMS["aar"]: str(view.year) if view.year else None,
        PARAMS["lang"]: view.lang if view.lang != DEFAULT else None,
        **page_params,
    }
    return {key: value for key, value in wanted.items() if value}


def url_multiselect(
    label: str,
    key: str,
    param: str,
    options: Mapping[str, str],
    default: list[str],
    placeholder: str,
) -> list[str]:
    """A multiselect over `options` (URL value → label), started from `?param=a,b`."""
    values = list(options)
    seed_choices(key, param, values, default)
    chosen = st.multiselect(
        label, values, format_func=options.__getitem__, key=key, placeholder=placeholder
    )
    return list(chosen)


def sync_url(view: View, **page_params: str | None) -> None:
    """Write the view (and page parameters) into the URL; empty values are left out."""
    wanted = url_params(view, **page_params)
    for key in [*PARAMS.values(), *page_params]:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
