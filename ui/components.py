"""Page building blocks: demo banner, freshness line, findings, heat map, legend, charts."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import assets, memo, state
from ui.state import View
from utfordringsbilde import charts, numbers, palette
from utfordringsbilde.i18n import flag_meaning, label, t, verdict_label
from utfordringsbilde.numbers import approximate, is_approximate
from utfordringsbilde.overview import Overview
from utfordringsbilde.pagemodels.common import provider_name
from utfordringsbilde.pagemodels.indikator import Chart
from utfordringsbilde.vocab import Flag, Verdict


def banner(meta: dict[str, str], lang: str) -> None:
    """A persistent warning on simulated data; nothing for live data."""
    if meta.get("mode") == "demo":
        st.warning(t("demo_banner", lang), icon=":material/science:")


def freshness(meta: dict[str, str], lang: str) -> str:
    """One line saying when the data was built, from what and in which mode."""
    built = numbers.oslo_time(meta.get("built_at")) or "?"
    mode = {"demo": "demo", "live": "live"}.get(meta.get("mode", ""), meta.get("mode", "?"))
    source = ", ".join(provider_name(s, lang) for s in meta.get("source", "?").split(","))
    return t("freshness", lang, built=built, source=source, mode=mode)


def findings(sentences: list[str], lang: str) -> None:
    """The boxed findings: one bullet per sentence, or a line saying there are none."""
    with st.container(border=True):
        st.subheader(t("findings", lang))
        if sentences:
            st.markdown("\n".join(f"- {s}" for s in sentences))
        else:
            st.markdown(t("findings_none", lang))
        st.caption(t("findings_note", lang))


def table_alternative(table: pd.DataFrame, lang: str, **kwargs: Any) -> None:
    """A chart's data as a table, folded away under the chart."""
    with st.expander(t("table_alternative", lang)):
        st.dataframe(table, hide_index=True, **kwargs)


def _cell(
    value: Any,
    ci_low: Any,
    ci_high: Any,
    flag: Any,
    verdict: Any,
    unit: str,
    decimals: int,
    label: str,
    ref: bool,
    lang: str,
    approx: bool = False,
) -> str:
    flag = flag if isinstance(flag, str) else None
    if flag:
        meaning = flag_meaning(flag, lang)
        return (
            f'<td class="ub-suppressed" title="{escape(label)}: {escape(meaning)}">'
            f'{escape(flag)}<span class="ub-sr"> {escape(meaning)}</span></td>'
        )
    text = approximate(numbers.value(value, unit, decimals, lang, with_unit=False), approx)
    ci = numbers.interval(ci_low, ci_high, decimals, lang)
    tip = f"{label}: {numbers.value(value, unit, decimals, lang)}"
    if ci:
        tip += f" ({t('interval', lang)} {ci})"
    if approx:
        tip += f", {t('approximate_value', lang)}"
    if ref:
        return f'<td class="ub-ref" title="{escape(tip)}">{escape(text)}</td>'
    verdict = str(verdict)
    word = verdict_label(verdict, lang)
    style = f"background:{palette.background(verdict)};color:{palette.foreground(verdict)}"
    return (
        f'<td class="ub-v-{verdict}" style="{style}" title="{escape(tip)}. {escape(word)}">'
        f'<span aria-hidden="true">{palette.symbol(verdict)}</span> {escape(text)}'
        f'<span class="ub-sr"> {escape(word)}</span></td>'
    )


def _no_data(lang: str) -> str:
    return f'<td class="ub-ref">..<span class="ub-sr"> {escape(t("no_data", lang))}</span></td>'


def _compared(row: Any, unit: str, decimals: int, label: str, lang: str) -> str:
    """A compared cell from a row of `Overview.cells` or `.barometer`; no data for None."""
    if row is None:
        return _no_data(lang)
    return _cell(
        row.value, row.ci_low, row.ci_high, row.flag, row.verdict, unit, decimals, label,
        False, lang, is_approximate(row),
    )  # fmt: skip


def heatmap_html(ov: Overview, inds: pd.DataFrame, view: View, landet_name: str) -> str:
    """The districts × indicators table: each cell coloured and marked by its comparison.

    Districts are compared with the kommune; the kommune column is compared with landet.
    Each indicator name links to the Indikator page for it, in the same view (district, level,
    period, language); `in_app_links` makes that link move within the running app.
    """
    lang = view.lang
    # Plain dict lookups of row tuples: this runs on every rerun of the overview, for some
    # thousand cells, and a pandas object per cell was most of the page's time (issue 16).
    cells = {(r.indicator_id, r.area_code): r for r in ov.cells.itertuples(index=False)}
    baro = {r.indicator_id: r for r in ov.barometer.itertuples(index=False)}
    # Landet's value is the benchmark of an indicator's first barometer row.
    land_rows: dict[str, Any] = {}
    for r in ov.barometer.itertuples(index=False):
        land_rows.setdefault(r.indicator_id, r)
    dists = list(ov.districts.itertuples(index=False))
    cols = len(dists) + 3
    # The kommune and landet come first: they are the yardsticks, and stay in view on a
    # narrow screen when the districts scroll.
    head = f'<th scope="col" class="ub-refcol">{escape(ov.kommune_name)}</th>'
    head += f'<th scope="col" class="ub-refcol">{escape(landet_name)}</th>'
    head += "".join(f'<th scope="col">{escape(d.name)}</th>' for d in dists)
    rows: list[str] = []
    for _theme, group in inds.groupby("theme_order", sort=True):
        theme_name = label(group.iloc[0], "theme", lang)
        rows.append(
            f'<tr><th class="ub-theme" colspan="{cols}" scope="rowgroup">'
            f"{escape(str(theme_name))}</th></tr>"
        )
        for ind in group.itertuples(index=False):
            name = label(ind, "name", lang)
            short = label(ind, "short", lang) or name
            unit = str(ind.unit)
            dec = int(ind.decimals)
            params = state.url_params(view, indikator=ind.indicator_id)
            href = "indikator?" + urlencode(params)
            unit_txt = numbers.unit_name(unit, lang)
            k = baro.get(ind.indicator_id)
            b = land_rows.get(ind.indicator_id)
            land_label = f"{landet_name} · {name}"
            if b is None or pd.isna(b.benchmark):
                land = _no_data(lang)
            else:
                land = _cell(b.benchmark, None, None, None, None, unit, dec, land_label, True, lang)
            tds = [_compared(k, unit, dec, f"{ov.kommune_name} · {name}", lang), land]
            for d in dists:
                row = cells.get((ind.indicator_id, d.area_code))
                tds.append(_compared(row, unit, dec, f"{d.name} · {name}", lang))
            rows.append(
                f'<tr><th scope="row" class="ub-ind"><a href="{escape(href)}" data-ub-nav="1" '
                f'title="{escape(str(name))}">{escape(str(short))}</a> '
                f'<span class="ub-unit">({escape(unit_txt)})</span></th>' + "".join(tds) + "</tr>"
            )
    caption = escape(t("heatmap_title", lang, kommune=ov.kommune_name))
    return (
        assets.style("heatmap.css")
        + f'<table class="ub-heat" data-testid="ub-heatmap"><caption class="ub-sr">{caption}'
        f'</caption><thead><tr><th scope="col">{escape(t("indicator", lang))}</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def in_app_links() -> None:
    """Make links marked `data-ub-nav` open their page within the running app, in the same
    session, instead of loading the whole app again (a full load costs seconds and a new
    session)."""
    st.html(assets.script("links.js"), unsafe_allow_javascript=True)


def heatmap(ov: Overview, inds: pd.DataFrame, view: View, landet_name: str) -> str:
    """`heatmap_html`, remembered per view and shown indicators; `ov` must be `view`'s overview.

    The same view gives the same table on every rerun, so it is built once.
    """
    ids = tuple(str(i) for i in inds["indicator_id"])
    return _heatmap(view, ids, landet_name, ov, inds)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _heatmap(
    view: View, ids: tuple[str, ...], landet_name: str, _ov: Overview, _inds: pd.DataFrame
) -> str:
    # The key is the view (warehouse signature, kommune, level, district, year, language: the
    # links carry them) and the ids;
    # the overview and indicator rows follow from them and are not hashed.
    return heatmap_html(_ov, _inds, view, landet_name)


def legend_html(lang: str) -> str:
    """The colour-and-symbol key for comparisons and source symbols."""
    items = []
    for v in Verdict:
        style = f"background:{palette.background(v)};color:{palette.foreground(v)}"
        items.append(
            f'<span><span class="ub-key" style="{style}">{palette.symbol(v)}</span>'
            f"{escape(verdict_label(v, lang))}</span>"
        )
    for flag in (Flag.SUPPRESSED, Flag.MISSING):
        items.append(
            f'<span><span class="ub-key" style="border:1px dashed #555">{escape(flag)}</span>'
            f"{escape(flag_meaning(flag, lang))}</span>"
        )
    return (
        assets.style("heatmap.css")
        + f'<div class="ub-legend" aria-label="{escape(t("legend", lang))}">{"".join(items)}</div>'
    )


def chart(fig: go.Figure, lang: str, alt: str | None = None, **kwargs: Any) -> None:
    """A Plotly chart with its description for screen readers just before it.

    Streamlit's chart has no alt text of its own; a visually hidden paragraph is what a screen
    reader meets first. `alt` defaults to `charts.alt_text` of the figure.
    """
    text = alt or memo.of_object("alt", fig, (lang,), lambda: charts.alt_text(fig, lang))
    st.html(f'<p class="ub-sr ub-chart-alt">{escape(text)}</p>')
    st.plotly_chart(fig, **kwargs)


def figure(c: Chart, lang: str, key: str) -> None:
    """A chart of the core's with its caption under it and its table folded away."""
    chart(c.fig, lang, width="stretch", key=key)
    st.caption(c.caption)
    table_alternative(c.table, lang, width="stretch")
