"""District maps: the tile-grid layout rule, and outlines read from a small GeoJSON."""

from __future__ import annotations

import json
import math
import random

import pandas as pd
import pytest

from utfordringsbilde import charts, geo


def _codes(n: int) -> list[str]:
    return [f"9999-D{i:02d}" for i in range(1, n + 1)]


@pytest.mark.parametrize("n", range(1, 41))
def test_grid_is_snug(n: int) -> None:
    cols, rows = geo.grid_size(n)
    assert cols * rows >= n, "every district has a cell"
    assert cols * (rows - 1) < n, "no empty row"
    assert cols <= n


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 10, 12, 17, 30])
def test_every_district_placed_once_without_overlap(n: int) -> None:
    codes = _codes(n)
    tiles = geo.tile_grid(codes)
    assert sorted(t.area_code for t in tiles) == codes
    cells = {(t.col, t.row) for t in tiles}
    assert len(cells) == n, "two districts share a tile"
    cols, rows = geo.grid_size(n)
    assert all(0 <= t.col < cols and 0 <= t.row < rows for t in tiles)


def test_layout_is_deterministic_and_row_major_in_code_order() -> None:
    codes = _codes(10)
    shuffled = codes[:]
    random.Random(4).shuffle(shuffled)
    tiles = geo.tile_grid(shuffled)
    assert tiles == geo.tile_grid(codes) == geo.tile_grid(codes + codes[:3])
    # 10 districts: 4 columns (ceil(sqrt(15))), 3 rows, the last row short and left-aligned.
    assert geo.grid_size(10) == (4, 3)
    assert [(t.area_code, t.col, t.row) for t in tiles[:5]] == [
        (codes[0], 0, 0),
        (codes[1], 1, 0),
        (codes[2], 2, 0),
        (codes[3], 3, 0),
        (codes[4], 0, 1),
    ]
    assert [(t.col, t.row) for t in tiles[8:]] == [(0, 2), (1, 2)]


def test_layout_follows_geography_when_every_centre_is_known() -> None:
    # Six districts on two latitude bands; within a band, west to east.
    centres = {
        "A": (10.3, 59.0),
        "B": (10.1, 59.5),
        "C": (10.2, 59.4),
        "D": (10.5, 59.1),
        "E": (10.0, 59.45),
        "F": (10.4, 59.05),
    }
    tiles = {t.area_code: (t.col, t.row) for t in geo.tile_grid(list(centres), centres)}
    assert geo.grid_size(6) == (3, 2)
    north = sorted((c for c in tiles if tiles[c][1] == 0), key=lambda c: tiles[c][0])
    south = sorted((c for c in tiles if tiles[c][1] == 1), key=lambda c: tiles[c][0])
    assert north == ["E", "B", "C"]
    assert south == ["A", "F", "D"]
    # One centre missing: the code order is used instead, never a partial geography.
    partial = {k: v for k, v in centres.items() if k != "A"}
    assert geo.tile_grid(list(centres), partial) == geo.tile_grid(list(centres))


def _square(x0: float, y0: float, size: float) -> list[list[float]]:
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


def _features() -> dict[str, str]:
    """Three districts near 60° N: a square, a two-part island, and a bare Polygon."""
    a = {
        "type": "Feature",
        "properties": {"area_code": "9999-D01"},
        "geometry": {"type": "Polygon", "coordinates": [_square(10.0, 60.0, 0.1)]},
    }
    b = {
        "type": "Feature",
        "properties": {"area_code": "9999-D02"},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[_square(10.2, 60.0, 0.02)], [_square(10.3, 60.0, 0.1)]],
        },
    }
    c = {"type": "Polygon", "coordinates": [_square(10.0, 60.2, 0.1)]}
    return {"9999-D01": json.dumps(a), "9999-D02": json.dumps(b), "9999-D03": json.dumps(c)}


def test_centres_from_geojson() -> None:
    centres = geo.centres(_features())
    assert centres["9999-D01"] == pytest.approx((10.05, 60.05))
    # The label goes on the larger part of a multipolygon.
    assert centres["9999-D02"] == pytest.approx((10.35, 60.05))
    assert centres["9999-D03"] == pytest.approx((10.05, 60.25))


def test_outlines_are_projected_with_their_labels() -> None:
    out = {o.area_code: o for o in geo.outlines(_features())}
    assert list(out) == ["9999-D01", "9999-D02", "9999-D03"]
    k = math.cos(math.radians(60.15))  # mean latitude of the three
    assert out["9999-D01"].label == pytest.approx((10.05 * k, 60.05))
    assert len(out["9999-D02"].rings) == 2
    xs = [p[0] for p in out["9999-D01"].rings[0]]
    assert max(xs) - min(xs) == pytest.approx(0.1 * k)


def test_bad_outline_names_its_district() -> None:
    with pytest.raises(ValueError, match="9999-D09"):
        geo.parse({"9999-D09": json.dumps({"type": "Point", "coordinates": [10, 60]})})
    with pytest.raises(ValueError, match="9999-D08"):
        geo.parse({"9999-D08": "not json"})


def test_covers() -> None:
    f = _features()
    assert geo.covers(f, ["9999-D01", "9999-D03"])
    assert not geo.covers(f, ["9999-D01", "9999-D04"])
    assert not geo.covers(f, [])


def _cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["9999-D01", "9999-D02", "9999-D03"],
            "area_name": ["Nord", "Øya", "Sør"],
            "value": [12.5, None, 30.25],
            "flag": [None, ":", None],
            "verdict": ["better", "not_compared", "worse"],
        }
    )


def _texts(fig: object) -> str:
    layout = fig.layout  # type: ignore[attr-defined]
    return " | ".join(a.text for a in layout.annotations)


def test_tile_map_labels_and_never_shows_a_suppressed_number() -> None:
    frame = _cells()
    fig = charts.tile_map(frame, geo.tile_grid(frame["area_code"]), "percent", 1, "T", "nb")
    text = _texts(fig)
    assert "Nord" in text and "✓ 12,5" in text and "✗ 30,2" in text
    suppressed = next(a.text for a in fig.layout.annotations if "Øya" in a.text)
    assert suppressed.endswith(":") and not any(ch.isdigit() for ch in suppressed)
    assert len(fig.layout.shapes) == 3


def test_outline_map_draws_every_district() -> None:
    frame = _cells()
    fig = charts.outline_map(frame, geo.outlines(_features()), "percent", 1, "T", "nb")
    filled = [tr for tr in fig.data if tr.fill == "toself"]
    assert len(filled) == 3
    assert "Øya" in _texts(fig) and "✗ 30,2" in _texts(fig)


def test_funnel_labels_do_not_collide_when_points_are_apart() -> None:
    spots = charts.place_labels(
        [100, 500, 900], [10, 20, 30], ["Nord", "Midt", "Sør"], (0, 1000), (0, 40)
    )
    assert spots == ["top center"] * 3
    # Two points on top of each other get different spots, the same ones every time.
    crowded = charts.place_labels(
        [500, 505, 510], [20, 20, 20], ["Solbergelva", "Svelvik", "Skoger"], (0, 1000), (0, 40)
    )
    assert len(set(crowded)) == 3
    assert crowded == charts.place_labels(
        [500, 505, 510], [20, 20, 20], ["Solbergelva", "Svelvik", "Skoger"], (0, 1000), (0, 40)
    )


def _square_feature(x: float, y: float, side: float) -> str:
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}})


def _crowded() -> tuple[dict[str, str], pd.DataFrame]:
    """Two big districts and a town centre of 24 tiny ones (a 6 × 4 block) between them."""
    features = {
        "9999-D01": _square_feature(10.0, 60.0, 0.4),
        "9999-D02": _square_feature(10.5, 60.0, 0.4),
    }
    for i in range(24):
        features[f"9999-S{i:02d}"] = _square_feature(
            10.41 + 0.013 * (i % 6), 60.15 + 0.013 * (i // 6), 0.012
        )
    codes = sorted(features)
    frame = pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [
                f"Sentrum sone {c[-2:]}" if "S" in c else f"Stor {c[-2:]}" for c in codes
            ],
            "value": [10.0 + i for i in range(len(codes))],
            "flag": [None] * len(codes),
            "verdict": ["similar"] * len(codes),
        }
    )
    return features, frame


def _pixel_boxes(fig: object) -> list[tuple[str, float, float, float, float]]:
    """Each on-map label as (text, x0, y0, x1, y1) in pixels of the plot area the map assumes,
    with widths estimated independently of the chart code (0.65 em a character, bold)."""
    xs = [x for tr in fig.data if tr.fill == "toself" for x in tr.x if x is not None]  # type: ignore[attr-defined]
    ys = [y for tr in fig.data if tr.fill == "toself" for y in tr.y if y is not None]  # type: ignore[attr-defined]
    width, height = charts.OUTLINE_PLOT_PX
    scale = min(width / (max(xs) - min(xs)), height / (max(ys) - min(ys)))
    out = []
    for a in fig.layout.annotations:  # type: ignore[attr-defined]
        lines = a.text.replace("<b>", "").replace("</b>", "").split("<br>")
        w = 0.65 * a.font.size * max(len(line) for line in lines)
        h = 1.2 * a.font.size * len(lines)
        cx, cy = (a.x - min(xs)) * scale, (a.y - min(ys)) * scale
        out.append((a.text, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return out


def test_small_districts_get_no_overlapping_text_on_the_outline_map() -> None:
    features, frame = _crowded()
    outlines = geo.outlines(features)
    fig = charts.outline_map(frame, outlines, "percent", 1, "T", "nb")
    boxes = _pixel_boxes(fig)
    labelled = {text.split("</b>")[0].removeprefix("<b>") for text, *_ in boxes}
    # The big districts are named on the map; the tiny ones are not, and no two labels overlap.
    assert {"Stor 01", "Stor 02"} <= labelled
    assert not any(name.startswith("Sentrum") for name in labelled)
    for i, (_, ax0, ay0, ax1, ay1) in enumerate(boxes):
        for _, bx0, by0, bx1, by1 in boxes[i + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, "labels overlap"
    # Every district, labelled or not, still has its name and value on hover.
    hovers = [tr.text for tr in fig.data if tr.fill == "toself"]
    assert len(hovers) == len(frame)
    assert any(h.startswith("Sentrum sone 00: 12") for h in hovers)


def test_each_label_lies_inside_its_own_district() -> None:
    from shapely.geometry import Polygon, box

    features, _ = _crowded()
    outlines = {o.area_code: o for o in geo.outlines(features)}
    boxes = {c: charts.label_box(c, 13) for c in outlines}
    spots = geo.label_spots(list(outlines.values()), boxes, *charts.OUTLINE_PLOT_PX)
    assert set(spots) == {"9999-D01", "9999-D02"}
    xs = [x for o in outlines.values() for ring in o.rings for x, _ in ring]
    ys = [y for o in outlines.values() for ring in o.rings for _, y in ring]
    width, height = charts.OUTLINE_PLOT_PX
    scale = min(width / (max(xs) - min(xs)), height / (max(ys) - min(ys)))
    for code, (x, y) in spots.items():
        w, h = boxes[code][0] / scale / 2, boxes[code][1] / scale / 2
        assert Polygon(outlines[code].polygons[0][0]).contains(box(x - w, y - h, x + w, y + h))
    # Drawn big enough (a wide screen, or zoomed in), the town centre gets its labels too.
    wide = geo.label_spots(list(outlines.values()), boxes, 20_000, 10_000)
    assert len(wide) == len(outlines)


def test_map_caption_says_small_districts_are_named_on_hover() -> None:
    from utfordringsbilde.pagemodels import indikator as model

    features, frame = _crowded()
    cells = frame.assign(
        reference_period_to=2024, period_from=2024, period_to=2024, ci_low=None, ci_high=None,
        numerator=None, denominator=None, benchmark=10.0,
    )  # fmt: skip
    d = model.Districts(
        cells, dict(zip(frame["area_code"], frame["area_name"], strict=True)), 10.0, "2024"
    )
    ind = model.Indicator(
        id="x", name="X", unit="percent", decimals=1, method="", definition="", caveats="",
        source="SSB",
    )  # fmt: skip
    chart = model.map_chart(ind, d, features, "grenser", "Testby", "nb")
    assert "Små områder har navnet sitt når du holder over dem, og i tabellen." in chart.caption
    assert set(chart.table.iloc[:, 0]) >= set(frame["area_name"])
