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
