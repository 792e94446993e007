"""Grunnkrets polygons dissolve to any district level; the result is what geo.py draws."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import box

from utfordringsbilde import boundaries, geo


def _fc(cells: dict[str, tuple[float, float]], size: float = 0.01) -> dict:
    """A FeatureCollection of square grunnkretser, Geonorge's property names."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"grunnkretsnummer": code, "kommunenummer": code[:4]},
                "geometry": shapely.geometry.mapping(box(x, y, x + size, y + size)),
            }
            for code, (x, y) in cells.items()
        ],
    }


CELLS = {
    "46010101": (5.30, 60.39),
    "46010102": (5.31, 60.39),
    "46010201": (5.30, 60.40),
    "46010202": (5.31, 60.40),
    "33010101": (10.2, 59.7),
}


def test_dissolve_unions_neighbours_into_one_polygon() -> None:
    polygons = boundaries.read_grunnkretser(_fc(CELLS), ["4601"])
    assert sorted(polygons) == ["46010101", "46010102", "46010201", "46010202"]
    members = {"460101": ["46010101", "46010102"], "B460101": list(polygons)}
    out = boundaries.dissolve(polygons, members)
    assert out["460101"].geom_type == "Polygon"
    assert out["460101"].area == pytest.approx(0.0002, rel=1e-6)
    assert out["B460101"].area == pytest.approx(0.0004, rel=1e-6)
    # Inner edges are gone: the union of four squares is one square.
    whole = out["B460101"]
    assert whole.symmetric_difference(box(5.30, 60.39, 5.32, 60.41)).area < 1e-12
    assert len(whole.exterior.coords) == 5 and not list(whole.interiors)


def test_split_grunnkrets_features_are_joined_and_partial_cover_is_an_error() -> None:
    doc = _fc({"46010101": (5.30, 60.39)})
    doc["features"] += _fc({"46010101": (5.40, 60.39)})["features"]  # an island
    polygons = boundaries.read_grunnkretser(doc)
    assert polygons["46010101"].geom_type == "MultiPolygon"
    with pytest.raises(boundaries.BoundaryError, match="46010102"):
        boundaries.dissolve(polygons, {"460101": ["46010101", "46010102"]})
    # A district with no polygon at all is left out rather than drawn empty.
    assert boundaries.dissolve(polygons, {"999901": ["99990101"]}) == {}


def test_simplify_drops_points_below_the_tolerance() -> None:
    # A square with 400 points along its edges, wobbling by far less than the tolerance.
    n = 100
    xs = [i / n for i in range(n)]
    ring = (
        [(x, 0.00001 * (i % 2)) for i, x in enumerate(xs)]
        + [(1, y) for y in xs]
        + [(1 - x, 1) for x in xs]
        + [(0, 1 - y) for y in xs]
    )
    poly = shapely.Polygon(ring)
    out = boundaries.dissolve({"11110101": poly}, {"111101": ["11110101"]}, tolerance=0.0005)
    assert len(out["111101"].exterior.coords) < 10
    assert out["111101"].area == pytest.approx(1.0, rel=1e-3)


def test_feature_text_is_what_the_map_reads() -> None:
    polygons = boundaries.read_grunnkretser(_fc(CELLS), ["4601"])
    merged = boundaries.dissolve(polygons, {"460101": ["46010101", "46010102"]})["460101"]
    text = boundaries.feature_text("460101", "Delområde 01", merged, "test")
    feature = json.loads(text)
    assert feature["properties"]["area_code"] == "460101"
    assert all(len(str(c).split(".")[-1]) <= 5 for c in feature["geometry"]["coordinates"][0][0])
    assert list(geo.centres({"460101": text})) == ["460101"]
