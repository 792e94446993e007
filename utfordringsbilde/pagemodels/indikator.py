"""The Indikator page's model: one indicator's facts and each chart it shows, with the caption
and the table alternative that go with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from utfordringsbilde import charts, export, funnel, geo, indicator, numbers, queries
from utfordringsbilde.i18n import source_label, t, verdict_label
from utfordringsbilde.overview import Overview
from utfordringsbilde.pagemodels.common import text
from utfordringsbilde.queries import Con

# URL values (`visning`, `kart`), the first being the default that the URL leaves out.
MODES = ("stolper", "trakt")
MAP_KINDS = ("grenser", "ruter")


@dataclass(frozen=True)
class Indicator:
    """What every chart of an indicator says about it: name, unit, definition, source."""

    id: str
    name: str
    unit: str
    decimals: int
    method: str
    definition: str
    caveats: str
    source: str
    ended: int | None = None  # the last year of a series the publisher has stopped


@dataclass(frozen=True)
class Chart:
    """A figure with the line under it and its data as a table."""

    fig: go.Figure
    title: str
    caption: str
    table: pd.DataFrame


@dataclass(frozen=True)
class Districts:
    """The indicator across the kommune's districts, and the kommune's own value."""

    cells: pd.DataFrame  # district cells with `area_name`
    names: dict[str, str]  # district code → name
    kommune_value: float | None
    period: str  # '' when no district has a value


def describe(inds: pd.DataFrame, ind_id: str, lang: str) -> Indicator:
    """The catalog row of `ind_id` as the page words it."""
    row = next(r for r in inds.itertuples(index=False) if r.indicator_id == ind_id)
    return Indicator(
        id=ind_id,
        name=text(row, "name", lang),
        unit=str(row.unit),
        decimals=int(row.decimals),
        method=str(row.ci_method),
        definition=text(row, "definition", lang),
        caveats=text(row, "caveats", lang),
        source=source_label(
            str(row.source), str(row.source_table), bool(row.source_verified), lang
        ),
        ended=None if _missing(getattr(row, "source_ended", None)) else int(row.source_ended),
    )


def ended_note(ind: Indicator, lang: str) -> str | None:
    """`The series has ended: …` for a series the publisher has stopped, else None."""
    if ind.ended is None:
        return None
    return t("series_ended", lang, year=ind.ended, source=ind.source)


def districts(ov: Overview, ind_id: str) -> Districts:
    """The indicator's cells for the kommune's districts, and the kommune's value."""
    cells = ov.cells[ov.cells["indicator_id"] == ind_id]
    names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
    dcells = cells[cells["area_code"].isin(names)].copy()
    kom = cells[cells["area_code"] == ov.kommune]
    value = (
        float(kom["value"].iloc[0]) if not kom.empty and pd.notna(kom["value"].iloc[0]) else None
    )
    # The compared period is the reference one; a district without a row in it shows its own
    # newest, and says which beside its name (in the chart, the map and the tables).
    ref = dcells["reference_period_to"].dropna() if "reference_period_to" in dcells else None
    ref_to = int(ref.iloc[0]) if ref is not None and not ref.empty else None
    own = [ref_to is not None and pd.notna(to) and int(to) != ref_to for to in dcells["period_to"]]
    dcells["area_name"] = [
        f"{names[code]} ({numbers.period(int(fr), int(to))})" if other else names[code]
        for code, fr, to, other in zip(
            dcells["area_code"], dcells["period_from"], dcells["period_to"], own, strict=True
        )
    ]
    compared = dcells[[not o for o in own]]
    period = (
        numbers.period(int(compared["period_from"].iloc[0]), int(compared["period_to"].iloc[0]))
        if not compared.empty
        else ""
    )
    return Districts(dcells, names, value, period)


def mode_labels(lang: str) -> dict[str, str]:
    """The chart's views (URL value → label): bars or funnel."""
    return dict(zip(MODES, (t("mode_bars", lang), t("mode_funnel", lang)), strict=True))


def map_labels(lang: str) -> dict[str, str]:
    """The map's kinds (URL value → label): the districts' outlines or equal tiles."""
    return dict(zip(MAP_KINDS, (t("map_outlines", lang), t("map_tiles", lang)), strict=True))


def url_value(choice: str, options: Sequence[str]) -> str | None:
    """A choice as the URL keeps it: None for the default (the first), which it leaves out."""
    return choice if choice != options[0] else None


def areas(
    kommune: str, fylke: str | None, chosen: Sequence[str] = (), unit: str = ""
) -> tuple[str, ...]:
    """The areas a chart compares: the chosen districts, the kommune, its fylke and landet.

    A count (`unit` "count") is drawn for the districts and the kommune only: on one axis with
    landet's 1.1 million children, the kommune's 20 000 would be a flat line at 0.
    """
    wider = () if unit == "count" else (fylke, "0")
    return tuple(c for c in (*chosen, kommune, *wider) if c)


def default(inds: pd.DataFrame) -> str:
    """The indicator the page opens on: the first one that is compared (not a head count)."""
    compared = inds.loc[inds["unit"] != "count", "indicator_id"]
    return str(compared.iloc[0] if not compared.empty else inds["indicator_id"].iloc[0])


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and x != x) or x is pd.NA


def about(ind: Indicator, lang: str) -> list[str]:
    """The definition and (if any) caveats, each as a markdown line."""
    lines = [f"**{t('definition', lang)}:** {ind.definition}"]
    if ind.caveats:
        lines.append(f"**{t('caveats', lang)}:** {ind.caveats}")
    return lines


def source_line(ind: Indicator, lang: str) -> str:
    """`Kilde: SSB 12272. Prosent.`"""
    return f"{t('source', lang)}: {ind.source}. {numbers.unit_name(ind.unit, lang).capitalize()}."


def verdict_summary(d: Districts, lang: str) -> str:
    """`**7 areas:** 2 worse, 1 better, 4 similar.`; '' when no district was compared."""
    counts = d.cells["verdict"].value_counts()
    parts = [
        f"{counts[v]} {verdict_label(v, lang).lower()}"
        for v in ("worse", "better", "higher", "lower", "similar")
        if v in counts
    ]
    if not parts:
        return ""
    n = len(d.cells)
    areas = t("areas_n_one" if n == 1 else "areas_n_many", lang, n=numbers.number(n, 0, lang))
    return f"**{areas}:** " + ", ".join(parts) + "."


def funnel_possible(ind: Indicator, d: Districts) -> bool:
    """A funnel needs a denominator, a method that has limits, and the kommune's value."""
    return funnel.supported(ind.method, ind.unit) and d.kommune_value is not None


def _caption(ind: Indicator, period: str, lang: str, note: str) -> str:
    return indicator.caption(ind.definition, ind.source, period, lang, note)


def main_chart(ind: Indicator, d: Districts, mode: str, kommune: str, lang: str) -> Chart:
    """Bars, or a funnel where `mode` asks for it and it is possible."""
    hidden = indicator.hidden_areas(d.cells, lang)
    words = {"indicator": ind.name, "kommune": kommune, "period": d.period}
    if mode == "trakt" and funnel_possible(ind, d):
        bench = float(d.kommune_value)  # type: ignore[arg-type]  # funnel_possible checked it
        shown = indicator.with_funnel(d.cells, bench, ind.method, ind.unit)
        shown["position_text"] = [t(f"funnel_{p}", lang) for p in shown["position"]]
        title = t("funnel_title", lang, **words)
        limits = indicator.funnel_limits(d.cells, bench, ind.method, ind.unit)
        fig = charts.funnel(shown, limits, ind.unit, ind.decimals, title, bench, kommune, lang)
        note = t("funnel_note", lang, kommune=kommune)
    else:
        shown = d.cells
        title = t("bars_title", lang, **words)
        fig = charts.district_bars(
            d.cells, ind.unit, ind.decimals, title, d.kommune_value, kommune, lang
        )
        note = t("bars_note", lang, kommune=kommune)
    table = indicator.district_table(shown, ind.unit, ind.decimals, kommune, lang)
    return Chart(fig, title, _caption(ind, d.period, lang, f"{note} {hidden}"), table)


def has_outlines(shapes: dict[str, str], d: Districts) -> bool:
    """True when the kommune's own boundaries cover every district."""
    return geo.covers(shapes, list(d.names))


def map_chart(
    ind: Indicator, d: Districts, shapes: dict[str, str], kind: str, kommune: str, lang: str
) -> Chart:
    """The districts' own outlines (`kind` 'grenser', when `shapes` cover them) or tiles."""
    outlined = has_outlines(shapes, d)
    title = t("map_title", lang, indicator=ind.name, kommune=kommune, period=d.period)
    if kind == "grenser" and outlined:
        outlines = geo.outlines(shapes)
        fig = charts.outline_map(d.cells, outlines, ind.unit, ind.decimals, title, lang)
        note = t("map_outlines_note", lang, kommune=kommune)
        labelled = charts.outline_labels(d.cells, outlines, ind.unit, ind.decimals, lang)
        if len(labelled) < len(d.cells):  # small districts: named on hover and in the table
            note += " " + t("map_label_hover", lang)
    else:
        tiles = geo.tile_grid(list(d.names), geo.centres(shapes) if outlined else None)
        fig = charts.tile_map(d.cells, tiles, ind.unit, ind.decimals, title, lang)
        key = "map_tiles_geo_note" if outlined else "map_tiles_note"
        note = t(key, lang, kommune=kommune)
    hidden = indicator.hidden_areas(d.cells, lang)
    table = indicator.district_table(d.cells, ind.unit, ind.decimals, kommune, lang)
    return Chart(fig, title, _caption(ind, d.period, lang, f"{note} {hidden}"), table)


def sex_chart(
    ind: Indicator, by_sex: pd.DataFrame, codes: Sequence[str], lang: str
) -> Chart | None:
    """The indicator by sex for the kommune, fylke and landet; None when no source splits it."""
    if by_sex.empty or not (by_sex["sex"] != "all").any():
        return None
    order = {c: i for i, c in enumerate(codes)}
    frame = indicator.area_names(by_sex, {}, t("landet", lang))
    frame = frame.sort_values("area_code", key=lambda s: s.map(order), kind="stable")
    period = numbers.period(int(frame["period_from"].min()), int(frame["period_to"].max()))
    title = t("sex_title", lang, indicator=ind.name, period=period)
    fig = charts.sex_bars(frame, ind.unit, ind.decimals, title, lang)
    caption = _caption(ind, period, lang, t("sex_note", lang))
    return Chart(fig, title, caption, indicator.sex_table(frame, ind.unit, ind.decimals, lang))


def trend_chart(
    ind: Indicator, series: pd.DataFrame, codes: Sequence[str], lang: str
) -> Chart | None:
    """The trend for the areas `codes`, in that order; None when there is no series."""
    if series.empty:
        return None
    order = {c: i for i, c in enumerate(codes)}
    ser = series.sort_values(
        ["area_code", "period_to"], key=lambda s: s.map(order) if s.name == "area_code" else s
    )
    ser = indicator.area_names(ser, {}, t("landet", lang))
    title = t("trend_title", lang, indicator=ind.name)
    span = numbers.period(int(ser["period_from"].min()), int(ser["period_to"].max()))
    labels = dict.fromkeys(
        numbers.period(int(a), int(b))
        for a, b in zip(ser["period_from"], ser["period_to"], strict=True)
    )
    fig = charts.fit_period_axis(
        charts.trend(ser, ind.unit, ind.decimals, title, lang), list(labels)
    )
    caption = _caption(ind, span, lang, t("trend_note", lang))
    return Chart(fig, title, caption, indicator.trend_table(ser, ind.unit, ind.decimals, lang))


def export_rows(
    con: Con,
    ov: Overview,
    d: Districts,
    inds: pd.DataFrame,
    ind_id: str,
    built: str,
    lang: str,
) -> pd.DataFrame:
    """The districts against the kommune and the kommune against landet, with their trends."""
    names = {**d.names, ov.kommune: ov.kommune_name}
    kom_row = ov.barometer[ov.barometer["indicator_id"] == ind_id]
    history = queries.series_for_areas(con, [*names], [ind_id])
    return pd.concat(
        [
            export.export_table(
                export.with_trends(d.cells, history, inds),
                inds,
                names,
                ov.kommune_name,
                built,
                lang,
            ),
            export.export_table(
                export.with_trends(kom_row, history, inds),
                inds,
                names,
                t("landet", lang),
                built,
                lang,
            ),
        ],
        ignore_index=True,
    )
