"""Meeting slides: one message per slide, a headline sentence and one large chart.

`build` chooses the slides for a kommune (and optionally one of its districts and its plan)
from the finding sentences; Møtemodus shows them in the browser, `report` writes them to
PowerPoint and into the PDF. Every slide carries its data period, build date and sources.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from utfordringsbilde import (
    charts,
    evaluation,
    grammar,
    narrative,
    numbers,
    overview,
    palette,
    profile,
    queries,
)
from utfordringsbilde.i18n import label, source_label, t, tn, verdict_label
from utfordringsbilde.plan import Plan
from utfordringsbilde.queries import Con
from utfordringsbilde.vocab import Flag

# Chart text on a projector: 20 px reads from the back of a meeting room at 1920×1080.
SLIDE_FONT = 20


@dataclass(frozen=True)
class Slide:
    """One slide: a kicker, one headline sentence, at most a few more, and one chart."""

    key: str
    kicker: str
    headline: str
    body: tuple[str, ...] = ()
    figure: go.Figure | None = None
    alt: str = ""  # the chart in words, for screen readers and the PDF
    table: pd.DataFrame | None = None  # the chart's table alternative
    period: str = ""  # the data period the slide shows, e.g. "2022–2024"
    sources: str = ""
    indicator_id: str | None = None  # the indicator a finding slide is about


@dataclass(frozen=True)
class Deck:
    """The slides for one kommune (and district), with what every slide must state."""

    kommune: str
    kommune_name: str
    district: str | None
    lang: str
    built_at: str  # the warehouse's build date, YYYY-MM-DD
    demo: bool
    slides: tuple[Slide, ...] = field(default_factory=tuple)
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)  # the catalog as stored
    evaluation: evaluation.Evaluation | None = None  # the plan's, when the deck has one
    level: str | None = None  # the district level shown (None: the kommune has no districts)

    def footer(self, slide: Slide) -> str:
        """The line under every slide: data period, build date, sources, and demo status."""
        period = slide.period or self.built_at[:4]
        parts = [t("slide_data_date", self.lang, period=period, built=self.built_at)]
        if slide.sources:
            parts.append(t("slide_sources", self.lang, sources=slide.sources))
        if self.demo:
            parts.append(t("slide_demo", self.lang))
        return " · ".join(parts)


def plain(sentence: str) -> str:
    """A sentence without Markdown emphasis, for slides and documents."""
    return re.sub(r"\*\*(.+?)\*\*", r"\1", sentence)


def for_slide(fig: go.Figure, height: int = 560) -> go.Figure:
    """The figure restyled for a wall: no title (the headline says it), large type."""
    out = go.Figure(fig)
    out.update_layout(
        title=None,
        height=height,
        font={"size": SLIDE_FONT},
        margin={"l": 10, "r": 40, "t": 30, "b": 60},
        legend={"font": {"size": SLIDE_FONT}},
    )
    ink = "#1A1A1A"  # Plotly's default grey ticks are too faint on a projector
    out.update_xaxes(
        tickfont={"size": SLIDE_FONT - 2, "color": ink}, title_font={"size": SLIDE_FONT}
    )
    out.update_yaxes(
        tickfont={"size": SLIDE_FONT, "color": ink},
        title_font={"size": SLIDE_FONT},
        ticklabelstandoff=10,
    )
    for ann in out.layout.annotations or ():
        ann.font = {"size": SLIDE_FONT}
    for trace in out.data:
        if getattr(trace, "mode", None) == "text":
            trace.textfont = {"size": SLIDE_FONT}
    return out


def source_labels(inds: pd.DataFrame, ids: list[str], lang: str) -> dict[str, str]:
    """Indicator id → where it comes from (`FHI 403`), for the catalog's ids in `ids`' order."""
    info = inds.set_index("indicator_id")
    return {
        i: source_label(
            str(info.at[i, "source"]),
            str(info.at[i, "source_table"]),
            bool(info.at[i, "source_verified"]),
            lang,
        )
        for i in dict.fromkeys(ids)
        if i in info.index
    }


def _sources(inds: pd.DataFrame, ids: list[str], lang: str) -> str:
    return ", ".join(dict.fromkeys(source_labels(inds, ids, lang).values()))


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _bars_slide(
    con: Con,
    ov: overview.Overview,
    finding: narrative.Finding,
    kicker: str,
    lang: str,
    highlight: str | None = None,
) -> Slide:
    """A finding with its indicator across the districts (or over time without districts)."""
    ind = finding.indicator_id
    info = ov.indicators.set_index("indicator_id")
    unit, dec = str(info.at[ind, "unit"]), int(info.at[ind, "decimals"])
    short = label(info.loc[ind], "short", lang)
    names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
    cells = ov.cells[(ov.cells["indicator_id"] == ind) & ov.cells["area_code"].isin(list(names))]
    kom = ov.cells[(ov.cells["indicator_id"] == ind) & (ov.cells["area_code"] == ov.kommune)]
    baro = ov.barometer[ov.barometer["indicator_id"] == ind]
    row = kom.iloc[0] if not kom.empty else baro.iloc[0]
    period = numbers.period(int(row["period_from"]), int(row["period_to"]))
    kommune_value = None if isinstance(row["flag"], str) else float(row["value"])
    sources = _sources(ov.indicators, [ind], lang)
    headline, body = finding.sentences[0], finding.sentences[1:]
    if cells["value"].notna().sum() >= 2:
        frame = cells.assign(area_name=cells["area_code"].map(names))
        if highlight is not None:
            frame = frame.assign(
                area_name=[
                    f"<b>{n}</b>" if c == highlight else n
                    for c, n in zip(frame["area_code"], frame["area_name"], strict=True)
                ]
            )
        fig = charts.district_bars(frame, unit, dec, "", kommune_value, ov.kommune_name, lang)
        land = float(baro["benchmark"].iloc[0]) if not baro.empty else math.nan
        if not math.isnan(land):
            # Both labels on top, each on the far side of its own line, so they never overlap.
            kommune_right = kommune_value is None or kommune_value >= land
            for ann in fig.layout.annotations or ():
                if str(ann.text).startswith(f"{ov.kommune_name}:"):
                    ann.xanchor = "left" if kommune_right else "right"
            fig.add_vline(x=land, line_color="#555555", line_dash="dot")
            fig.add_annotation(
                x=land,
                y=1,
                xref="x",
                yref="paper",
                yanchor="bottom",
                xanchor="right" if kommune_right else "left",
                text=f"{t('landet', lang)}: {numbers.value(land, unit, dec, lang)}",
                showarrow=False,
            )
        shown = cells[cells["flag"].isna() & cells["value"].notna()].sort_values("value")
        alt = t(
            "slide_alt_bars",
            lang,
            name=short.lower() if lang != "en" else short,
            kommune=ov.kommune_name,
            kommune_value=numbers.value(
                kommune_value,
                unit,
                dec,
                lang,
                row["flag"] if isinstance(row["flag"], str) else None,
            ),
            top=names[shown["area_code"].iloc[-1]],
            top_value=numbers.value(shown["value"].iloc[-1], unit, dec, lang),
            low=names[shown["area_code"].iloc[0]],
            low_value=numbers.value(shown["value"].iloc[0], unit, dec, lang),
        )
        hidden = int(cells["flag"].notna().sum())
        if hidden:
            alt += tn("slide_alt_hidden", hidden, lang)
        table = pd.DataFrame(
            {
                t("areas_col", lang): frame["area_code"].map(names),
                t("value", lang): [
                    numbers.value(v, unit, dec, lang, f if isinstance(f, str) else None)
                    for v, f in zip(frame["value"], frame["flag"], strict=True)
                ],
                t("slide_compared", lang): [
                    verdict_label(palette.SUPPRESSED if isinstance(f, str) else str(v), lang)
                    for v, f in zip(frame["verdict"], frame["flag"], strict=True)
                ],
            }
        )
        height = 620
    else:
        # No district figures: the kommune against fylke and landet over time.
        areas = queries.comparison_areas(con, ov.kommune)
        codes = [ov.kommune, *[c for c in (areas["fylke"], areas["land"]) if c]]
        series = queries.series(con, ind, codes)
        fig, table, alt = _trend(series, unit, dec, short, lang)
        height = 560
    return Slide(
        f"finding-{ind}-{finding.area_code}",
        kicker,
        headline,
        body,
        for_slide(fig, height),
        alt,
        table,
        period,
        sources,
        indicator_id=ind,
    )


def _trend(
    series: pd.DataFrame, unit: str, dec: int, name: str, lang: str
) -> tuple[go.Figure, pd.DataFrame, str]:
    fig = charts.trend(series, unit, dec, "", lang)
    areas = list(dict.fromkeys(series["area_name"]))
    first = series[series["area_name"] == areas[0]].sort_values("period_to") if areas else series
    last = first.iloc[-1] if not first.empty else None
    value = (
        numbers.value(
            last["value"], unit, dec, lang, last["flag"] if isinstance(last["flag"], str) else None
        )
        if last is not None
        else Flag.MISSING
    )
    alt = t(
        "slide_alt_trend",
        lang,
        name=name.lower() if lang != "en" else name,
        areas=grammar.join([str(a) for a in areas], lang),
        first=areas[0] if areas else "",
        value=value,
    )
    wide = series.assign(
        label=[
            numbers.period(int(a), int(b))
            for a, b in zip(series["period_from"], series["period_to"], strict=True)
        ],
        shown=[
            numbers.value(v, unit, dec, lang, f if isinstance(f, str) else None)
            for v, f in zip(series["value"], series["flag"], strict=True)
        ],
    ).pivot_table(index="label", columns="area_name", values="shown", aggfunc="first")
    wide = wide.reset_index().rename(columns={"label": ""})
    wide.columns.name = None
    return fig, wide, alt


def status_figure(counts: dict[str, int], lang: str) -> go.Figure:
    """The plan's indicators by status: colour, symbol and word on every bar."""
    shown = [(s, n) for s, n in counts.items() if n]
    labels = [f"{evaluation.STATUS_STYLE[s][2]} {t(f'eval_status_{s}', lang)}" for s, _ in shown]
    fig = go.Figure(
        go.Bar(
            x=[n for _, n in shown],
            y=labels,
            orientation="h",
            marker={
                "color": [evaluation.STATUS_STYLE[s][0] for s, _ in shown],
                "line": {"color": "#1A1A1A", "width": 1},
            },
            text=[str(n) for _, n in shown],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    fig.update_xaxes(title=t("slide_count", lang), dtick=1, gridcolor="#E6E6E6")
    fig.update_layout(
        plot_bgcolor="#FFFFFF", paper_bgcolor="#FFFFFF", separators=", ", showlegend=False
    )
    return fig


def _plan_slides(ev: evaluation.Evaluation, inds: pd.DataFrame, lang: str) -> list[Slide]:
    plan = ev.plan
    sentences = narrative.evaluation_findings(ev, lang, each_flag=False)
    if not sentences:
        return []
    counts = ev.counts()
    parts = [f"{t(f'eval_status_{s}', lang)} {n}" for s, n in counts.items() if n]
    period_ends = [r.kommune.latest_period for r in ev.targets if r.kommune.latest_period]
    period = max(period_ends, key=lambda p: p[-4:]) if period_ends else ""
    plan_name = plan.name.get(lang)
    table = pd.DataFrame(
        {
            t("slide_status", lang): [t(f"eval_status_{s}", lang) for s, n in counts.items() if n],
            t("slide_count", lang): [n for n in counts.values() if n],
        }
    )
    out = [
        Slide(
            "plan-status",
            f"{t('page_evaluation', lang)}: {plan_name}",
            sentences[0],
            (),
            for_slide(status_figure(counts, lang), 520),
            t("slide_alt_status", lang, parts=", ".join(parts)),
            table,
            period,
            _sources(inds, [r.target.indicator or "" for r in ev.targets], lang),
        )
    ]
    if ev.red_flags:
        first = ev.red_flags[0]
        target = ev.target(first.target_id)
        area = next(
            (a for a in (target.kommune, *target.districts) if a.area_code == first.area_code),
            target.kommune,
        )
        series = pd.concat(
            [
                area.series.assign(area_name=area.area_name),
                area.benchmark_series.assign(area_name=area.benchmark_name),
            ],
            ignore_index=True,
        )
        name = first.name.get(lang)
        fig, tab, alt = _trend(series, first.unit, first.decimals, name, lang)
        out.append(
            Slide(
                "plan-red-flags",
                t("eval_red_flags", lang),
                sentences[1] if len(sentences) > 1 else "",
                tuple(plain(evaluation.red_flag_sentence(f, lang)) for f in ev.red_flags[:3]),
                for_slide(fig, 480),
                alt,
                tab,
                first.period,
                _sources(inds, [first.indicator_id], lang),
            )
        )
    return out


def build(
    con: Con,
    kommune: str,
    district: str | None = None,
    year: int | None = None,
    lang: str = "nb",
    plan: Plan | None = None,
    findings: int = 4,
    level: str | None = None,
) -> Deck:
    """The slides for a meeting about `kommune`: findings, the district's, the plan's status;
    districts of `level` (default: the kommune's default level)."""
    ov = overview.build(con, kommune, year, level=level)
    meta = queries.meta(con)
    built = str(meta.get("built_at", ""))[:10]
    names = dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True))
    if district is not None and district not in names:
        raise ValueError(f"district {district!r} is not a district of kommune {kommune}")
    kicker = t("findings", lang)
    found = narrative.kommune_findings(con, ov, lang, findings)
    years = ov.cells.loc[ov.cells["area_code"] == kommune, "period_to"].dropna()
    latest = str(int(years.max())) if not years.empty else ""
    title = Slide(
        "title",
        t("slide_subtitle", lang),
        t("slide_title", lang, kommune=ov.kommune_name),
        tuple(f.sentences[0] for f in found[:3]) or (t("slide_no_findings", lang),),
        period=latest,
        sources=_sources(ov.indicators, [f.indicator_id for f in found], lang),
    )
    slides = [title]
    slides += [_bars_slide(con, ov, f, kicker, lang) for f in found]
    if district is not None:
        prof = profile.build(con, ov, district)
        dkicker = t("slide_district_title", lang, district=names[district], kommune=ov.kommune_name)
        for f in narrative.district_finding_list(
            prof, ov.indicators, district, names[district], lang, 3
        ):
            slides.append(_bars_slide(con, ov, f, dkicker, lang, highlight=district))
    ev = evaluation.build(con, plan, year, lang=lang, level=level) if plan is not None else None
    if ev is not None:
        slides += _plan_slides(ev, ov.indicators, lang)
    slides.append(
        Slide(
            "about",
            t("slide_about_kicker", lang),
            t("slide_about_headline", lang),
            (t("slide_about_body_1", lang), t("slide_about_body_2", lang)),
            period=latest,
            sources=", ".join(
                t("local_source_short", lang) if p == "local" else str(p).upper()
                for p in sorted(set(ov.indicators["source"]))
            ),
        )
    )
    return Deck(
        kommune=kommune,
        kommune_name=ov.kommune_name,
        district=district,
        lang=lang,
        built_at=built,
        demo=meta.get("mode") == "demo",
        slides=tuple(slides),
        indicators=ov.indicators,
        evaluation=ev,
        level=ov.level,
    )
