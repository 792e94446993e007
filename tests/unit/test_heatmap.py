"""The heat map's HTML is byte-identical to the implementation before issue 16's speed-up."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pandas as pd
import pytest

from ui import assets, components, state
from ui.state import View
from utfordringsbilde import numbers, overview, palette, queries, warehouse
from utfordringsbilde.i18n import flag_meaning, t, verdict_label
from utfordringsbilde.overview import Overview

# The implementation as it was (a pandas Series per cell, the barometer filtered per
# indicator), kept here only as the reference the fast one must match byte for byte.


def _old_cell(
    row: pd.Series | None, unit: str, decimals: int, label: str, ref: bool, lang: str
) -> str:
    if row is None:
        return f'<td class="ub-ref">..<span class="ub-sr"> {escape(t("no_data", lang))}</span></td>'
    flag = row["flag"] if isinstance(row["flag"], str) else None
    if flag:
        meaning = flag_meaning(flag, lang)
        return (
            f'<td class="ub-suppressed" title="{escape(label)}: {escape(meaning)}">'
            f'{escape(flag)}<span class="ub-sr"> {escape(meaning)}</span></td>'
        )
    text = numbers.value(row["value"], unit, decimals, lang, with_unit=False)
    ci = numbers.interval(row["ci_low"], row["ci_high"], decimals, lang)
    tip = f"{label}: {numbers.value(row['value'], unit, decimals, lang)}"
    if ci:
        tip += f" ({t('interval', lang)} {ci})"
    if ref:
        return f'<td class="ub-ref" title="{escape(tip)}">{escape(text)}</td>'
    verdict = str(row["verdict"])
    word = verdict_label(verdict, lang)
    style = f"background:{palette.background(verdict)};color:{palette.foreground(verdict)}"
    return (
        f'<td class="ub-v-{verdict}" style="{style}" title="{escape(tip)}. {escape(word)}">'
        f'<span aria-hidden="true">{palette.symbol(verdict)}</span> {escape(text)}'
        f'<span class="ub-sr"> {escape(word)}</span></td>'
    )


def _old_series(row: object) -> pd.Series | None:
    if row is None:
        return None
    return pd.Series(row._asdict())  # type: ignore[attr-defined]


def _old_cells_land(ov: Overview, indicator_id: str) -> pd.Series | None:
    b = ov.barometer[ov.barometer["indicator_id"] == indicator_id]
    if b.empty or pd.isna(b.iloc[0]["benchmark"]):
        return None
    return pd.Series(
        {"value": b.iloc[0]["benchmark"], "ci_low": None, "ci_high": None, "flag": None}
    )


def _old_heatmap_html(ov: Overview, inds: pd.DataFrame, view: View, landet_name: str) -> str:
    lang = view.lang
    cells = {(r.indicator_id, r.area_code): r for r in ov.cells.itertuples(index=False)}
    baro = {r.indicator_id: r for r in ov.barometer.itertuples(index=False)}
    dists = list(ov.districts.itertuples(index=False))
    cols = len(dists) + 3
    head = f'<th scope="col" class="ub-refcol">{escape(ov.kommune_name)}</th>'
    head += f'<th scope="col" class="ub-refcol">{escape(landet_name)}</th>'
    head += "".join(f'<th scope="col">{escape(d.name)}</th>' for d in dists)
    rows: list[str] = []
    theme_col = f"theme_{lang}"
    name_col = f"name_{lang}"
    for _theme, group in inds.groupby("theme_order", sort=True):
        theme_name = group.iloc[0][theme_col] or group.iloc[0]["theme_nb"]
        rows.append(
            f'<tr><th class="ub-theme" colspan="{cols}" scope="rowgroup">'
            f"{escape(str(theme_name))}</th></tr>"
        )
        for ind in group.itertuples(index=False):
            name = getattr(ind, name_col) or ind.name_nb
            short = getattr(ind, f"short_{lang}", None) or ind.short_nb or name
            unit = str(ind.unit)
            dec = int(ind.decimals)
            # Issue 14: the link keeps the whole view, the district too, and moves in the app.
            params = state.url_params(view, indikator=ind.indicator_id)
            href = "indikator?" + urlencode(params)
            unit_txt = numbers.unit_name(unit, lang)
            k = baro.get(ind.indicator_id)
            tds = [
                _old_cell(_old_series(k), unit, dec, f"{ov.kommune_name} · {name}", False, lang),
                _old_cell(
                    _old_cells_land(ov, ind.indicator_id),
                    unit,
                    dec,
                    f"{landet_name} · {name}",
                    True,
                    lang,
                ),
            ]
            for d in dists:
                row = cells.get((ind.indicator_id, d.area_code))
                tds.append(
                    _old_cell(_old_series(row), unit, dec, f"{d.name} · {name}", False, lang)
                )
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


@pytest.fixture(scope="module")
def overviews(demo_warehouse: Path) -> dict[tuple[str, int | None], Overview]:
    """Every demo kommune's overview, latest and for an earlier year."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        kommuner = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT parent_code FROM area WHERE level = 'district' ORDER BY 1"
            ).fetchall()
        ]
        year = queries.years(con, kommuner[0])[-1]
        out: dict[tuple[str, int | None], Overview] = {
            (k, None): overview.build(con, k) for k in kommuner
        }
        out[(kommuner[0], year)] = overview.build(con, kommuner[0], year)
    return out


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_heatmap_is_byte_identical_to_the_old_one(
    demo_warehouse: Path, overviews: dict[tuple[str, int | None], Overview], lang: str
) -> None:
    sig = warehouse.signature(demo_warehouse)
    compared = 0
    for (kommune, year), ov in overviews.items():
        themes = list(ov.indicators["theme_id"].unique())
        first_district = str(ov.districts["area_code"].iloc[0])
        for district in (None, first_district):
            view = View(sig, kommune, ov.kommune_name, district, year, lang)
            for shown in (
                ov.indicators,
                overview.filter_indicators(ov.indicators, themes[:1]),
                overview.filter_indicators(ov.indicators, themes[1:3]),
            ):
                new = components.heatmap_html(ov, shown, view, t("landet", lang))
                assert new == _old_heatmap_html(ov, shown, view, t("landet", lang))
                compared += 1
    assert compared >= 6
    # The comparison covers every kind of cell: coloured, suppressed, missing, reference.
    assert all(s in new for s in ('class="ub-v-', 'class="ub-ref"'))


def test_heatmap_with_a_flagged_and_a_missing_cell(
    demo_warehouse: Path, overviews: dict[tuple[str, int | None], Overview]
) -> None:
    """Made-up gaps: a suppressed district cell, a district with no row, no landet value."""
    sig = warehouse.signature(demo_warehouse)
    ov = next(iter(overviews.values()))
    cells = ov.cells.copy()
    cells.loc[cells.index[0], ["flag", "value"]] = [":", None]
    cells = cells.drop(index=cells.index[1])
    baro = ov.barometer.copy()
    baro.loc[baro.index[0], "benchmark"] = float("nan")
    ov = replace(ov, cells=cells, barometer=baro)
    view = View(sig, ov.kommune, ov.kommune_name, None, None, "nb")
    new = components.heatmap_html(ov, ov.indicators, view, "Landet")
    assert new == _old_heatmap_html(ov, ov.indicators, view, "Landet")
    assert 'class="ub-suppressed"' in new


def test_indicator_links_keep_the_view(
    demo_warehouse: Path, overviews: dict[tuple[str, int | None], Overview]
) -> None:
    """Issue 14: a heat map link keeps district, level, period and language, and is in-app."""
    sig = warehouse.signature(demo_warehouse)
    (kommune, year), ov = next((k, o) for k, o in overviews.items() if k[1] is not None)
    district = str(ov.districts["area_code"].iloc[0])
    view = View(sig, kommune, ov.kommune_name, district, year, "en", level="bydel")
    html = components.heatmap_html(ov, ov.indicators, view, "Norway")
    first = ov.indicators.sort_values("theme_order", kind="stable").iloc[0]["indicator_id"]
    href = escape(
        "indikator?"
        + urlencode(
            {
                "kommune": kommune,
                "niva": "bydel",
                "distrikt": district,
                "aar": str(year),
                "sprak": "en",
                "indikator": first,
            }
        )
    )
    assert f'<a href="{href}" data-ub-nav="1"' in html
    assert 'target="_self"' not in html


def test_an_approximate_cell_is_marked_and_told(
    demo_warehouse: Path, overviews: dict[tuple[str, int | None], Overview]
) -> None:
    """Issue 12: a figure SSB perturbs (04362 sums) carries "~" in the heat map and says why on
    hover; "≈" stays the verdict "no certain difference". Other cells are unchanged."""
    sig = warehouse.signature(demo_warehouse)
    ov = next(iter(overviews.values()))
    cells = ov.cells.copy()
    shown = cells[
        cells["flag"].isna()
        & cells["value"].notna()
        & cells["area_code"].isin(ov.districts["area_code"])
        & cells["indicator_id"].isin(ov.indicators["indicator_id"])
    ]
    first = shown.index[0]
    cells["approximate"] = False
    cells.loc[first, "approximate"] = True
    marked = replace(ov, cells=cells)
    view = View(sig, ov.kommune, ov.kommune_name, None, None, "nb")
    before = components.heatmap_html(ov, ov.indicators, view, "Landet")
    after = components.heatmap_html(marked, ov.indicators, view, "Landet")
    row = cells.loc[first]
    ind = ov.indicators.set_index("indicator_id").loc[row["indicator_id"]]
    text = numbers.value(row["value"], ind["unit"], int(ind["decimals"]), "nb", with_unit=False)
    assert f"</span> ~ {escape(text)}<" in after and f"</span> ~ {escape(text)}<" not in before
    assert after.count(t("approximate_value", "nb")) == 1
    # Exactly one cell differs: the marked one.
    diff = [(a, b) for a, b in zip(before.split("<td"), after.split("<td"), strict=True) if a != b]
    assert len(diff) == 1
