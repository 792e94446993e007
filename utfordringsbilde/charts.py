"""Plotly figures for the pages and reports; pure functions of DataFrames, no Streamlit."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from utfordringsbilde import numbers, palette
from utfordringsbilde.i18n import t, verdict_label

MARKER: dict[str, str] = {
    "better": "circle",
    "similar": "diamond",
    "worse": "x",
    "higher": "triangle-up",
    "lower": "triangle-down",
    "not_compared": "circle-open",
}

FONT = "Source Sans Pro, Segoe UI, Arial, sans-serif"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 18}},
        height=height,
        margin={"l": 10, "r": 20, "t": 60, "b": 40},
        font={"family": FONT, "size": 14, "color": "#1A1A1A"},
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
        separators=", ",
        legend={"orientation": "h", "y": -0.15},
    )
    # Grouped thousands and a decimal comma on every value axis (`2 500`, `0,5`), never `2.5k`.
    fig.update_xaxes(tickformat=",~f")
    fig.update_yaxes(tickformat=",~f")
    return fig


def barometer(frame: pd.DataFrame, inds: pd.DataFrame, kommune: str, lang: str) -> go.Figure:
    """Kommune vs landet per indicator: the value as % of landet's, marked by verdict."""
    info = inds.set_index("indicator_id")
    short = f"short_{lang}" if f"short_{lang}" in inds.columns else "short_nb"
    data = frame[frame["relative"].notna()].copy()
    data["label"] = data["indicator_id"].map(lambda i: info.at[i, short] or info.at[i, "short_nb"])
    fig = go.Figure()
    for verdict, group in data.groupby("verdict", sort=False):
        hover = [
            f"{row.label}<br>{kommune}: "
            f"{numbers.value(row.value, info.at[row.indicator_id, 'unit'], int(info.at[row.indicator_id, 'decimals']), lang)}"  # noqa: E501
            f"<br>{t('landet', lang)}: "
            f"{numbers.value(row.benchmark, info.at[row.indicator_id, 'unit'], int(info.at[row.indicator_id, 'decimals']), lang)}"  # noqa: E501
            f"<br>{verdict_label(str(verdict), lang)}"
            for row in group.itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                x=group["relative"],
                y=group["label"],
                mode="markers",
                name=f"{palette.symbol(str(verdict))} {verdict_label(str(verdict), lang)}",
                marker={
                    "color": palette.background(str(verdict)),
                    "symbol": MARKER.get(str(verdict), "circle"),
                    "size": 14,
                    "line": {"color": "#1A1A1A", "width": 1},
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.add_vline(x=100, line_color="#555555", line_dash="dash")
    fig.update_yaxes(
        categoryorder="array", categoryarray=list(reversed(data["label"].tolist())), title=None
    )
    fig.update_xaxes(title=t("barometer_axis", lang), gridcolor="#E6E6E6", zeroline=False)
    height = max(360, 26 * len(data) + 140)
    return _layout(fig, t("barometer_title", lang, kommune=kommune), height)


def district_bars(
    frame: pd.DataFrame,
    unit: str,
    decimals: int,
    title: str,
    kommune_value: float | None,
    kommune_name: str,
    lang: str,
) -> go.Figure:
    """Districts' values as sorted bars with 95 % whiskers and the kommune as a line.

    `frame` has area_name, value, ci_low, ci_high, flag and verdict. A suppressed district
    gets no bar, only its symbol, so no number is ever drawn for it.
    """
    data = frame.sort_values("value", na_position="first")
    shown = data[data["flag"].isna()]
    colours = [palette.background(v) for v in shown["verdict"]]
    texts = [
        f"{palette.symbol(v)} {numbers.value(x, unit, decimals, lang)}"
        for v, x in zip(shown["verdict"], shown["value"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=shown["value"],
            y=shown["area_name"],
            orientation="h",
            marker={"color": colours, "line": {"color": "#1A1A1A", "width": 0.5}},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (shown["ci_high"] - shown["value"]).tolist(),
                "arrayminus": (shown["value"] - shown["ci_low"]).tolist(),
                "color": "#333333",
                "thickness": 1.5,
            },
            customdata=texts,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
            name="",
            showlegend=False,
        )
    )
    # Labels stand to the right of the whisker, so the interval never hides the number.
    label_x = shown[["value", "ci_high"]].max(axis=1)
    span = float(label_x.max()) if len(label_x) else 1.0
    fig.add_trace(
        go.Scatter(
            x=label_x + 0.015 * span,
            y=shown["area_name"],
            mode="text",
            text=texts,
            textposition="middle right",
            cliponaxis=False,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    hidden = data[data["flag"].notna()]
    if not hidden.empty:
        fig.add_trace(
            go.Scatter(
                x=[0] * len(hidden),
                y=hidden["area_name"],
                mode="text",
                text=[f"{f} {verdict_label('suppressed', lang)}" for f in hidden["flag"]],
                textposition="middle right",
                showlegend=False,
                hoverinfo="skip",
            )
        )
    if kommune_value is not None and not math.isnan(kommune_value):
        fig.add_vline(
            x=kommune_value,
            line_color="#000000",
            line_dash="dash",
            annotation_text=f"{kommune_name}: {numbers.value(kommune_value, unit, decimals, lang)}",
            annotation_position="top",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=data["area_name"].tolist(), title=None)
    top = float(shown[["value", "ci_high"]].max(axis=1).max()) if len(shown) else 1.0
    fig.update_xaxes(
        title=numbers.unit_name(unit, lang), gridcolor="#E6E6E6", range=[0, top * 1.22]
    )
    return _layout(fig, title, max(320, 34 * len(data) + 140))


def trend(frame: pd.DataFrame, unit: str, decimals: int, title: str, lang: str) -> go.Figure:
    """Lines over time per area with shaded 95 % intervals; gaps where values are flagged."""
    fig = go.Figure()
    for i, (name, group) in enumerate(frame.groupby("area_name", sort=False)):
        colour = palette.SERIES[i % len(palette.SERIES)]
        group = group.sort_values("period_to")
        x = [
            numbers.period(int(a), int(b))
            for a, b in zip(group["period_from"], group["period_to"], strict=True)
        ]
        if group["ci_low"].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=group["ci_high"].tolist() + group["ci_low"].tolist()[::-1],
                    fill="toself",
                    fillcolor=colour,
                    opacity=0.12,
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=group["value"],
                mode="lines+markers",
                name=str(name),
                line={"color": colour, "width": 3 if i == 0 else 2},
                marker={"symbol": i % 10, "size": 8},
                hovertext=[
                    f"{name} {p}: {numbers.value(v, unit, decimals, lang, f if isinstance(f, str) else None)}"  # noqa: E501
                    for p, v, f in zip(x, group["value"], group["flag"], strict=True)
                ],
                hoverinfo="text",
                connectgaps=False,
            )
        )
    fig.update_yaxes(title=numbers.unit_name(unit, lang), gridcolor="#E6E6E6", rangemode="tozero")
    fig.update_xaxes(type="category", title=None)
    return _layout(fig, title, 420)


def spine(
    frame: pd.DataFrame, inds: pd.DataFrame, district: str, kommune: str, lang: str
) -> go.Figure:
    """Spine chart of one district: kommune at the centre, better to the right.

    Grey bar: the range across the kommune's districts; marker: the district, coloured and
    shaped by its comparison with the kommune; black tick: landet.
    """
    info = inds.set_index("indicator_id")
    short = f"short_{lang}"
    data = frame.copy()
    data["label"] = [info.at[i, short] or info.at[i, "short_nb"] for i in data["indicator_id"]]
    order = list(reversed(data["label"].tolist()))
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=data["label"],
            x=data["spine_max"] - data["spine_min"],
            base=data["spine_min"],
            orientation="h",
            marker={"color": "#D9D9D9"},
            name=t("spine_range", lang),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            y=data["label"],
            x=data["spine_landet"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": "#000000"}},
            name=t("landet", lang),
            hoverinfo="skip",
        )
    )
    shown = data[data["flag"].isna()]
    for verdict, group in shown.groupby("verdict", sort=False):
        v = str(verdict)
        fig.add_trace(
            go.Scatter(
                y=group["label"],
                x=group["spine_x"],
                mode="markers",
                name=f"{palette.symbol(v)} {verdict_label(v, lang)}",
                marker={
                    "color": palette.background(v),
                    "symbol": MARKER.get(v, "circle"),
                    "size": 15,
                    "line": {"color": "#1A1A1A", "width": 1},
                },
                hovertext=[
                    f"{lbl}: {numbers.value(x, info.at[i, 'unit'], int(info.at[i, 'decimals']), lang)}"  # noqa: E501
                    for lbl, i, x in zip(
                        group["label"], group["indicator_id"], group["value"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    fig.add_vline(x=0, line_color="#555555", line_width=2)
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None)
    fig.update_xaxes(
        range=[-1.15, 1.15],
        tickvals=[-1, 0, 1],
        ticktext=[t("spine_worse", lang), kommune, t("spine_better", lang)],
        gridcolor="#EEEEEE",
        zeroline=False,
    )
    fig.update_layout(barmode="overlay")
    height = max(380, 28 * len(data) + 160)
    return _layout(fig, t("spine_title", lang, district=district, kommune=kommune), height)
