"""Plotly figures for the pages and reports; pure functions of DataFrames, no Streamlit."""

from __future__ import annotations

import math
import re
import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from utfordringsbilde import evaluation, geo, numbers, palette
from utfordringsbilde.i18n import flag_meaning, label, t, tn, verdict_label
from utfordringsbilde.vocab import Flag, Verdict

FONT = "Source Sans Pro, Segoe UI, Arial, sans-serif"


# Characters of an 18 px title that fit a chart in the page's column at 1366 px (about 900 px):
# plotly never wraps a title, so a longer one is broken into lines (it was cut at "2022–202").
TITLE_CHARS = 72


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    lines = textwrap.wrap(title, TITLE_CHARS, break_on_hyphens=False) or [title]
    extra = 24 * (len(lines) - 1)
    fig.update_layout(
        title={"text": "<br>".join(lines), "x": 0, "xanchor": "left", "font": {"size": 18}},
        height=height + extra,
        margin={"l": 10, "r": 20, "t": 60 + extra, "b": 40},
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
    # A head count as a share of landet's (20 000 of 1.1 million children) says nothing.
    counts = frame["indicator_id"].map(info["unit"]).eq("count")
    data = frame[frame["relative"].notna() & ~counts].copy()
    data["label"] = data["indicator_id"].map(lambda i: label(info.loc[i], "short", lang))
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
                    "symbol": palette.marker(str(verdict)),
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
    # Start at the first period any area has a value: a series that begins later should not
    # open with empty years, while gaps inside it stay visible.
    valued = frame.loc[frame["value"].notna(), "period_to"]
    if not valued.empty:
        frame = frame[frame["period_to"] >= valued.min()]
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
    data = frame.copy()
    data["label"] = [label(info.loc[i], "short", lang) for i in data["indicator_id"]]
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
                    "symbol": palette.marker(v),
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


def _verdict_legend(fig: go.Figure, verdicts: list[str], lang: str, symbol: str = "") -> None:
    """Legend entries for the verdicts shown, drawn as markers off the plotted data."""
    for v in verdicts:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"{palette.symbol(v)} {verdict_label(v, lang)}",
                marker={
                    "color": palette.background(v),
                    "symbol": symbol or palette.marker(v),
                    "size": 14,
                    "line": {"color": "#1A1A1A", "width": 1},
                },
                hoverinfo="skip",
            )
        )


def _present(verdicts: pd.Series) -> list[str]:
    """Verdicts in legend order, those that occur."""
    order = [
        Verdict.WORSE,
        Verdict.SIMILAR,
        Verdict.BETTER,
        Verdict.HIGHER,
        Verdict.LOWER,
        Verdict.NOT_COMPARED,
    ]
    seen = set(verdicts.astype(str))
    return [v for v in order if v in seen]


# Label positions around a marker, in the order they are tried.
_LABEL_SPOTS = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "bottom right",
    "top left",
    "bottom left",
)


def place_labels(
    x: list[float],
    y: list[float],
    labels: list[str],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    size: tuple[float, float] = (820.0, 380.0),
) -> list[str]:
    """A plotly textposition per point, chosen greedily so labels overlap as little as possible.

    Positions are judged in approximate pixels (`size` = plot area): each label is a box of
    ~7.5 px per character by 16 px, each marker a 16 px square; a point takes the first spot
    that overlaps nothing placed so far, else the spot with the least overlap.
    """
    w, h = size
    sx = w / ((x_range[1] - x_range[0]) or 1.0)
    sy = h / ((y_range[1] - y_range[0]) or 1.0)
    px = [(a - x_range[0]) * sx for a in x]
    py = [(b - y_range[0]) * sy for b in y]
    taken: list[tuple[float, float, float, float]] = [
        (u - 8, v - 8, u + 8, v + 8) for u, v in zip(px, py, strict=True)
    ]

    def overlap(box: tuple[float, float, float, float]) -> float:
        total = 0.0
        for o in taken:
            dx = min(box[2], o[2]) - max(box[0], o[0])
            dy = min(box[3], o[3]) - max(box[1], o[1])
            if dx > 0 and dy > 0:
                total += dx * dy
        # Leaving the plot area costs as much as covering another label.
        outside = max(0.0, -box[0]) + max(0.0, box[2] - w) + max(0.0, box[3] - h)
        return total + outside * 16

    out: list[str] = []
    for u, v, text in zip(px, py, labels, strict=True):
        bw, bh = 7.5 * len(text) + 4, 16.0
        best: tuple[float, str, tuple[float, float, float, float]] | None = None
        for spot in _LABEL_SPOTS:
            vertical, horizontal = spot.split()
            x0 = {"center": u - bw / 2, "right": u + 9, "left": u - 9 - bw}[horizontal]
            y0 = {"top": v + 9, "bottom": v - 9 - bh, "middle": v - bh / 2}[vertical]
            box = (x0, y0, x0 + bw, y0 + bh)
            cost = overlap(box)
            if best is None or cost < best[0]:
                best = (cost, spot, box)
            if cost == 0:
                break
        assert best is not None
        out.append(best[1])
        taken.append(best[2])
    return out


def funnel(
    frame: pd.DataFrame,
    limits: pd.DataFrame,
    unit: str,
    decimals: int,
    title: str,
    kommune_value: float,
    kommune_name: str,
    lang: str,
) -> go.Figure:
    """Funnel plot: districts by denominator (x) and value (y), with 95 % and 99.8 % limits.

    `frame` has area_name, value, denominator, flag, verdict (and optionally position_text);
    `limits` is `funnel.curve`'s frame. Flagged districts are left out: they have no value.
    """
    data = frame[frame["flag"].isna() & frame["value"].notna() & frame["denominator"].notna()]
    data = data.sort_values("denominator")
    fig = go.Figure()
    for tag, dash, key in (("95", "dash", "funnel_95"), ("998", "dot", "funnel_998")):
        for side in ("lo", "hi"):
            fig.add_trace(
                go.Scatter(
                    x=limits["n"],
                    y=limits[f"{side}_{tag}"],
                    mode="lines",
                    line={"color": "#444444", "dash": dash, "width": 1.5},
                    name=t(key, lang),
                    legendgroup=tag,
                    showlegend=side == "lo",
                    hoverinfo="skip",
                )
            )
    # The small end of the funnel is usually empty, so the kommune's label goes there.
    fig.add_hline(
        y=kommune_value,
        line_color="#000000",
        line_width=2,
        annotation_text=f"{kommune_name}: {numbers.value(kommune_value, unit, decimals, lang)}",
        annotation_position="top left",
    )
    # The limits explode at small n; show the funnel where the districts are, not its tip.
    lows = [data["value"].min(), kommune_value]
    highs = [data["value"].max(), kommune_value]
    near = limits[limits["n"] >= 0.8 * float(data["denominator"].min())] if len(data) else limits
    lows.append(near["lo_998"].min())
    highs.append(near["hi_998"].max())
    lo, hi = float(pd.Series(lows).min()), float(pd.Series(highs).max())
    pad = 0.1 * (hi - lo or 1.0)
    y_range = (max(lo - pad, 0.0), hi + pad)
    x_range = (0.0, float(limits["n"].max()) * 1.02)
    spots = place_labels(
        data["denominator"].astype(float).tolist(),
        data["value"].astype(float).tolist(),
        data["area_name"].astype(str).tolist(),
        x_range,
        y_range,
    )
    where = dict(zip(data.index, spots, strict=True))
    for verdict, group in data.groupby("verdict", sort=False):
        v = str(verdict)
        extra = group["position_text"] if "position_text" in group.columns else [""] * len(group)
        fig.add_trace(
            go.Scatter(
                x=group["denominator"],
                y=group["value"],
                mode="markers+text",
                text=group["area_name"],
                textposition=[where[i] for i in group.index],
                # A halo in the background colour: a name stays readable where it crosses
                # a limit line.
                textfont={"size": 13, "shadow": "auto"},
                cliponaxis=False,
                marker={
                    "color": palette.background(v),
                    "symbol": palette.marker(v),
                    "size": 15,
                    "line": {"color": "#1A1A1A", "width": 1},
                },
                name=f"{palette.symbol(v)} {verdict_label(v, lang)}",
                hovertext=[
                    f"{name}: {numbers.value(x, unit, decimals, lang)}"
                    f"<br>{t('denominator', lang)}: {numbers.number(n)}<br>{p}"
                    for name, x, n, p in zip(
                        group["area_name"], group["value"], group["denominator"], extra, strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    fig.update_yaxes(
        title=numbers.unit_name(unit, lang),
        gridcolor="#E6E6E6",
        range=list(y_range),
        zeroline=False,
    )
    fig.update_xaxes(
        title=t("funnel_axis", lang), gridcolor="#E6E6E6", range=list(x_range), zeroline=False
    )
    fig = _layout(fig, title, 520)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return fig


def _tile_text(name: str, value: str, verdict: str, flagged: bool) -> str:
    """A tile's label: the name (wrapped once if long), then symbol and value."""
    if len(name) > 13 and " " in name:
        cut = name.rfind(" ", 0, 14)
        name = name[:cut] + "<br>" + name[cut + 1 :] if cut > 0 else name
    sym = "" if flagged else palette.symbol(verdict) + " "
    return f"<b>{name}</b><br>{sym}{value}"


def tile_map(
    frame: pd.DataFrame,
    tiles: list[geo.Tile],
    unit: str,
    decimals: int,
    title: str,
    lang: str,
) -> go.Figure:
    """Tile-grid map: one equal square per district, coloured and marked by its verdict.

    `frame` has area_code, area_name, value, flag, verdict; a flagged district shows its
    symbol on a white tile with a dashed border, never a number.
    """
    rows = frame.set_index("area_code")
    fig = go.Figure()
    xs, ys, hover = [], [], []
    # Tiles and labels are collected and set once: plotly's add_shape/add_annotation
    # revalidate the whole list on every call, which made a 35-district map cost ~0.25 s.
    shapes: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    gap = 0.06
    for tile in tiles:
        if tile.area_code not in rows.index:
            continue
        r = rows.loc[tile.area_code]
        flag = r["flag"] if isinstance(r["flag"], str) else None
        verdict = palette.SUPPRESSED if flag else str(r["verdict"])
        x0, y0 = tile.col, -tile.row
        shapes.append(
            {
                "type": "rect",
                "x0": x0 + gap,
                "x1": x0 + 1 - gap,
                "y0": y0 + gap,
                "y1": y0 + 1 - gap,
                "fillcolor": palette.background(verdict),
                "line": {"color": "#1A1A1A", "width": 1, "dash": "dash" if flag else "solid"},
                "layer": "below",
            }
        )
        shown = numbers.value(r["value"], unit, decimals, lang, flag)
        labels.append(
            {
                "x": x0 + 0.5,
                "y": y0 + 0.5,
                "text": _tile_text(str(r["area_name"]), shown, verdict, bool(flag)),
                "showarrow": False,
                "font": {"color": palette.foreground(verdict), "size": 14},
            }
        )
        xs.append(x0 + 0.5)
        ys.append(y0 + 0.5)
        word = flag_meaning(flag, lang) if flag else verdict_label(verdict, lang)
        hover.append(f"{r['area_name']}: {shown}<br>{word}")
    if shapes:
        fig.update_layout(shapes=shapes, annotations=labels)
    # Invisible points at the tile centres carry the hover text.
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            marker={"size": 40, "opacity": 0},
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    _verdict_legend(fig, _present(frame.loc[frame["flag"].isna(), "verdict"]), lang, "square")
    cols = max((tl.col for tl in tiles), default=0) + 1
    n_rows = max((tl.row for tl in tiles), default=0) + 1
    fig.update_xaxes(visible=False, range=[-0.02, cols + 0.02], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-n_rows + 0.98, 1.02], scaleanchor="x", fixedrange=True)
    fig = _layout(fig, title, 125 * n_rows + 150)
    fig.update_layout(legend={"orientation": "h", "y": -0.02, "yanchor": "top"})
    return fig


# The outline map's plot area in pixels: 560 high less the margins; the width is the page's
# main column at 1366 px (narrower screens get fewer labels than this allows, never overlaps
# at this size). Label sizes are estimated from the font size per character.
OUTLINE_PLOT_PX = (900.0, 460.0)
OUTLINE_LABEL_SIZE = 13


def label_box(text: str, size: int) -> geo.Box:
    """An estimate of a plotly label's pixel width and height (lines split at <br>, bold)."""
    lines = re.sub(r"</?b>", "", text).split("<br>")
    return 0.62 * size * max(len(line) for line in lines) + 6, 1.25 * size * len(lines) + 4


def _outline_label(r: Any, unit: str, decimals: int, lang: str) -> str:
    flag = r["flag"] if isinstance(r["flag"], str) else None
    verdict = palette.SUPPRESSED if flag else str(r["verdict"])
    shown = numbers.value(r["value"], unit, decimals, lang, flag)
    return _tile_text(str(r["area_name"]), shown, verdict, bool(flag))


def outline_labels(
    frame: pd.DataFrame, outlines: list[geo.Outline], unit: str, decimals: int, lang: str
) -> dict[str, geo.Point]:
    """Area code → label spot of the districts whose label fits on the outline map
    (geo.label_spots); the others are named on hover and in the table only."""
    rows = frame.set_index("area_code")
    boxes = {
        o.area_code: label_box(
            _outline_label(rows.loc[o.area_code], unit, decimals, lang), OUTLINE_LABEL_SIZE
        )
        for o in outlines
        if o.area_code in rows.index
    }
    return geo.label_spots(outlines, boxes, *OUTLINE_PLOT_PX)


def outline_map(
    frame: pd.DataFrame,
    outlines: list[geo.Outline],
    unit: str,
    decimals: int,
    title: str,
    lang: str,
) -> go.Figure:
    """Choropleth of the districts' own boundaries, each coloured and marked by its verdict.

    Drawn as filled shapes on plain axes (no base map), so it needs no network. A district's
    label is on the map only where it fits inside the district, clear of the others
    (`outline_labels`); every district has its name and value on hover.
    """
    rows = frame.set_index("area_code")
    spots = outline_labels(frame, outlines, unit, decimals, lang)
    fig = go.Figure()
    for o in outlines:
        if o.area_code not in rows.index:
            continue
        r = rows.loc[o.area_code]
        flag = r["flag"] if isinstance(r["flag"], str) else None
        verdict = palette.SUPPRESSED if flag else str(r["verdict"])
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in o.rings:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        shown = numbers.value(r["value"], unit, decimals, lang, flag)
        word = flag_meaning(flag, lang) if flag else verdict_label(verdict, lang)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=palette.background(verdict),
                line={"color": "#1A1A1A", "width": 1, "dash": "dash" if flag else "solid"},
                hoveron="fills",
                hoverinfo="text",
                text=f"{r['area_name']}: {shown}<br>{word}",
                showlegend=False,
            )
        )
        if o.area_code in spots:
            fig.add_annotation(
                x=spots[o.area_code][0],
                y=spots[o.area_code][1],
                text=_tile_text(str(r["area_name"]), shown, verdict, bool(flag)),
                showarrow=False,
                font={"color": palette.foreground(verdict), "size": OUTLINE_LABEL_SIZE},
            )
    _verdict_legend(fig, _present(frame.loc[frame["flag"].isna(), "verdict"]), lang, "square")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig = _layout(fig, title, 560)
    fig.update_layout(legend={"orientation": "h", "y": -0.02, "yanchor": "top"})
    return fig


SEX_STYLE: dict[str, tuple[str, str, str]] = {
    # sex → (colour, text colour, pattern); the pattern tells them apart without colour.
    "male": ("#0072B2", "#FFFFFF", ""),
    "female": ("#CC79A7", "#000000", "/"),
    "all": ("#BBBBBB", "#000000", "."),
}


def sex_bars(frame: pd.DataFrame, unit: str, decimals: int, title: str, lang: str) -> go.Figure:
    """Grouped horizontal bars by sex for a few areas, with 95 % whiskers and values inside.

    `frame` has area_name, sex, value, ci_low, ci_high, flag; areas keep their order.
    """
    areas = list(dict.fromkeys(frame["area_name"]))
    fig = go.Figure()
    # Plotly stacks grouped horizontal bars bottom-up, so add them in reverse reading order:
    # all, then male, then female from the top.
    for sex in ("female", "male", "all"):
        part = frame[(frame["sex"] == sex) & frame["flag"].isna()]
        if part.empty:
            continue
        colour, text_colour, pattern = SEX_STYLE[sex]
        fig.add_trace(
            go.Bar(
                x=part["value"],
                y=part["area_name"],
                orientation="h",
                name=t(f"sex_{sex}", lang),
                marker={
                    "color": colour,
                    "line": {"color": "#1A1A1A", "width": 0.5},
                    # Overlay: the colour stays the background, a faint pattern on top.
                    "pattern": {
                        "shape": pattern,
                        "fillmode": "overlay",
                        "fgcolor": "#FFFFFF",
                        "fgopacity": 0.5,
                        "size": 10,
                        "solidity": 0.15,
                    },
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["ci_high"] - part["value"]).tolist(),
                    "arrayminus": (part["value"] - part["ci_low"]).tolist(),
                    "color": "#333333",
                    "thickness": 1.5,
                },
                text=[numbers.value(v, unit, decimals, lang) for v in part["value"]],
                textposition="inside",
                insidetextanchor="start",
                textfont={"color": text_colour},
                hovertemplate="%{y}, " + t(f"sex_{sex}", lang) + ": %{text}<extra></extra>",
            )
        )
    top = float(frame[["value", "ci_high"]].max(axis=1).max()) if len(frame) else 1.0
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(areas)), title=None)
    fig.update_xaxes(
        title=numbers.unit_name(unit, lang), gridcolor="#E6E6E6", range=[0, top * 1.08]
    )
    fig.update_layout(barmode="group", legend={"traceorder": "reversed"})
    return _layout(fig, title, max(300, 90 * len(areas) + 160))


# Sequential purples (ColorBrewer), light to dark: the index is a level, not a verdict, so it
# does not borrow the verdict colours.
LEVEKAR_SCALE = ["#F2F0F7", "#DADAEB", "#BCBDDC", "#9E9AC8", "#807DBA", "#6A51A3", "#4A1486"]


def _subtitle(fig: go.Figure, text: str) -> None:
    """A line under the title, inside the figure, so it travels with any exported image."""
    if text:
        fig.update_layout(title={"subtitle": {"text": text, "font": {"size": 13}}})


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _text_on(colour: str) -> str:
    """Black or white, whichever has the higher contrast on `colour`."""
    lum = _luminance(colour)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _scale_colour(scale: list[str], score: float, low: float = 1.0, high: float = 10.0) -> str:
    """The colour a heatmap with `scale` over low..high gives `score` (white for NaN)."""
    if score is None or math.isnan(score):
        return "#FFFFFF"
    pos = min(max((score - low) / (high - low), 0.0), 1.0) * (len(scale) - 1)
    i = min(int(pos), len(scale) - 2)
    f = pos - i
    a, b = scale[i], scale[i + 1]
    mix = [round(int(a[k : k + 2], 16) * (1 - f) + int(b[k : k + 2], 16) * f) for k in (1, 3, 5)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def levekar_heat(
    table: pd.DataFrame,
    components: list[str],
    labels: dict[str, str],
    title: str,
    lang: str,
    warning: str = "",
) -> go.Figure:
    """Heat table: districts (rows) × component scores 1–10, and the index in the last column.

    `table` is `levekar.build(...).table`; `labels` maps component id → column heading;
    `warning` goes under the title. Every cell carries its number, so colour never stands alone.
    """
    # Headings wrap onto short lines: seven or more columns share the width of a laptop.
    heads = [
        "<br>".join(textwrap.wrap(labels.get(c, c), 14, break_long_words=False)) for c in components
    ]
    heads.append(f"<b>{t('levekar_index', lang)}</b>")
    z: list[list[float]] = []
    text: list[list[str]] = []
    for _, row in table.iterrows():
        z.append([row[f"{c}_score"] for c in components] + [row["index"]])
        # A component without a score shows why: its source symbol (':' suppressed, '..').
        text.append(
            [
                numbers.number(row[f"{c}_score"])
                if pd.notna(row[f"{c}_score"])
                else (
                    row.get(f"{c}_flag") if isinstance(row.get(f"{c}_flag"), str) else Flag.MISSING
                )
                for c in components
            ]
            + [numbers.number(row["index"], 1, lang) if pd.notna(row["index"]) else Flag.MISSING]
        )
    rows = table["area_name"].tolist()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=heads,
            y=rows,
            text=text,
            zmin=1,
            zmax=10,
            colorscale=[[i / (len(LEVEKAR_SCALE) - 1), c] for i, c in enumerate(LEVEKAR_SCALE)],
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": t("score", lang)}, "tickvals": [1, 5, 10], "len": 0.8},
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        )
    )
    # Numbers in black or white, whichever contrasts more with the cell (≥ 4.5:1 on this
    # scale); plotly's automatic choice falls below that on the middle purples.
    fig.add_trace(
        go.Scatter(
            x=[h for _ in rows for h in heads],
            y=[r for r in rows for _ in heads],
            mode="text",
            text=[x for line in text for x in line],
            textfont={
                "size": 14,
                "color": [_text_on(_scale_colour(LEVEKAR_SCALE, v)) for line in z for v in line],
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    # A white gap sets the index apart from the components it is the mean of.
    fig.add_vline(x=len(components) - 0.5, line_color="#FFFFFF", line_width=8)
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(side="top", title=None, tickangle=0)
    fig = _layout(fig, title, 34 * len(table) + 250)
    fig.update_layout(margin={"l": 10, "r": 20, "t": 170, "b": 20})
    _subtitle(fig, warning)
    return fig


def levekar_bars(table: pd.DataFrame, title: str, lang: str, warning: str = "") -> go.Figure:
    """The index per district as horizontal bars, highest first, each labelled with its value;
    `warning` goes under the title."""
    data = table[table["index"].notna()]
    labels = [numbers.number(v, 1, lang) for v in data["index"]]
    fig = go.Figure(
        go.Bar(
            x=data["index"],
            y=data["area_name"],
            orientation="h",
            marker={"color": LEVEKAR_SCALE[5], "line": {"color": "#1A1A1A", "width": 0.5}},
            text=labels,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=list(reversed(data["area_name"].tolist())), title=None
    )
    fig.update_xaxes(
        title=t("levekar_axis", lang),
        range=[0, 10.8],
        tickvals=[1, 2, 4, 6, 8, 10],
        gridcolor="#E6E6E6",
    )
    fig = _layout(fig, title, max(340, 34 * len(data) + 170))
    if warning:
        fig.update_layout(margin={"l": 10, "r": 20, "t": 85, "b": 40})
        _subtitle(fig, warning)
    return fig


def fit_period_axis(fig: go.Figure, labels: list[str]) -> go.Figure:
    """Room for long period labels (`2008–2011`) on a category x axis: slanted ticks, and the
    legend moved below them, so neither is clipped nor overlaps the other."""
    longest = max((len(x) for x in labels), default=0)
    if longest * len(labels) <= 90:  # short labels fit side by side
        return fig
    fig.update_xaxes(tickangle=-45, automargin=True)
    margin = dict(fig.layout.margin.to_plotly_json()) if fig.layout.margin else {}
    fig.update_layout(
        margin={**margin, "b": max(int(margin.get("b") or 0), 110)},
        legend={"orientation": "h", "y": -0.32, "yanchor": "top"},
        height=max(int(fig.layout.height or 420), 470),
    )
    return fig


def _plain(text: object) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", str(text or "")).split())


def alt_text(fig: go.Figure, lang: str = "nb", title: str = "") -> str:
    """The chart in one or two sentences for a screen reader, read from the figure itself.

    Bars: the highest and lowest bar; lines: each series with its latest value; points and
    maps: how many. Suppressed cells have no bar or point, so they are never described.
    """
    name = _plain(title or (fig.layout.title.text if fig.layout.title else ""))
    bars = [tr for tr in fig.data if tr.type == "bar"]
    lines = [tr for tr in fig.data if tr.type == "scatter" and "lines" in (tr.mode or "")]
    lines = [tr for tr in lines if tr.name and tr.fill != "toself"]
    points = [tr for tr in fig.data if tr.type in ("scatter", "scattergl") and tr.mode == "markers"]
    maps = [tr for tr in fig.data if tr.type in ("choropleth", "choroplethmap", "scattermap")]
    if points and any(tr.name for tr in points):
        bars = []  # a spine chart's grey range bars are background; its markers carry it
    if bars:
        pairs: list[tuple[str, float]] = []
        for tr in bars:
            horizontal = tr.orientation == "h"
            cats = list((tr.y if horizontal else tr.x) if tr.x is not None else ())
            vals = list((tr.x if horizontal else tr.y) if tr.y is not None else ())
            for c, v in zip(cats, vals, strict=False):
                if v is not None and not (isinstance(v, float) and math.isnan(v)):
                    pairs.append((_plain(c), float(v)))
        kind = t("alt_bars", lang)
        if pairs:
            hi = max(pairs, key=lambda p: p[1])
            lo = min(pairs, key=lambda p: p[1])
            detail = (
                f"{t('alt_highest', lang)}: {hi[0]} ({numbers.number(hi[1], 1, lang)}), "
                f"{t('alt_lowest', lang)}: {lo[0]} ({numbers.number(lo[1], 1, lang)})"
            )
        else:
            detail = ""
    elif lines:
        kind = t("alt_lines", lang)
        parts = []
        for tr in lines:
            ys = [
                y
                for y in (tr.y if tr.y is not None else ())
                if y is not None and not (isinstance(y, float) and math.isnan(y))
            ]
            if ys:
                parts.append(f"{_plain(tr.name)} {numbers.number(ys[-1], 1, lang)}")
        detail = f"{tn('alt_n_series', len(lines), lang)}; {t('alt_latest', lang)}: " + ", ".join(
            parts
        )
    elif maps:
        kind, detail = t("alt_map", lang), ""
    elif points:
        kind = t("alt_points", lang)
        n = sum(len(tr.x) if tr.x is not None else 0 for tr in points)
        # Named marker traces are the legend (better, worse …): say how many each holds.
        named = [f"{_plain(tr.name)}: {len(tr.x)}" for tr in points if tr.name and tr.x is not None]
        detail = tn("alt_n_points", n, lang) + (" (" + ", ".join(named) + ")" if named else "")
    else:
        kind, detail = t("alt_chart", lang), ""
    head = f"{kind}: {name}" if name else kind
    return (
        f"{head}. {detail[:1].upper() + detail[1:]}. {t('alt_table', lang)}"
        if detail
        else (f"{head}. {t('alt_table', lang)}")
    )


def sparkline(r: evaluation.TargetResult, lang: str) -> go.Figure | None:
    """A small line of the kommune's series with the baseline ringed and the target dotted."""
    s = r.kommune.series
    if s["value"].dropna().empty:
        return None
    fig = go.Figure()
    if r.target.comparison == "relative_to_landet" and not r.kommune.benchmark_series.empty:
        land = r.kommune.benchmark_series
        fig.add_trace(
            go.Scatter(
                x=land["period_to"],
                y=land["value"],
                mode="lines",
                name=r.kommune.benchmark_name,
                line={"color": palette.BENCHMARK, "width": 1.5, "dash": "dash"},
                hoverinfo="skip",
            )
        )
    hover = [
        f"{lab}: {evaluation.value_text(r, v, lang, f if isinstance(f, str) else None)}"
        for lab, v, f in zip(s["label"], s["value"], s["flag"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=s["period_to"],
            y=s["value"],
            mode="lines+markers",
            name=r.kommune.area_name,
            line={"color": palette.SERIES[0], "width": 2.5},
            marker={"size": 5},
            hovertext=hover,
            hoverinfo="text",
            connectgaps=False,
        )
    )
    bp = r.kommune.status.basis.baseline_period
    base = r.kommune.status.basis.baseline
    if bp is not None and base is not None:
        fig.add_trace(
            go.Scatter(
                x=[bp],
                y=[base],
                mode="markers",
                marker={
                    "size": 11,
                    "symbol": "circle-open",
                    "color": palette.SERIES[1],
                    "line": {"width": 2.5},
                },
                name=t("eval_baseline", lang),
                hoverinfo="name",
            )
        )
    goal = evaluation.target_value(r.target, r.polarity)
    if goal is not None:
        fig.add_hline(y=goal, line={"color": palette.SERIES[1], "dash": "dot", "width": 1.5})
    years = [int(x) for x in s["period_to"]]
    fig.update_layout(
        height=120,
        margin={"l": 4, "r": 4, "t": 6, "b": 22},
        showlegend=False,
        plot_bgcolor=palette.PAPER,
        paper_bgcolor=palette.PAPER,
        separators=", ",
        font={"size": 12, "color": palette.TEXT},
    )
    fig.update_xaxes(
        tickvals=[years[0], years[-1]], tickformat="d", showgrid=False, fixedrange=True
    )
    fig.update_yaxes(showgrid=False, showticklabels=False, zeroline=False, fixedrange=True)
    return fig
