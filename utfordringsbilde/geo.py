"""District maps: outlines from the kommune's GeoJSON, else a tile grid of equal squares.

Outlines come from `area_shape` (one GeoJSON Feature per district, loaded from the kommune's
`districts.geojson`). They are projected equirectangularly around the kommune's mean latitude
(x = longitude · cos(latitude₀), y = latitude): over one kommune the distortion is far below
what a reader sees, and the map needs no tile server or base map, so it works offline.

Tile-grid layout rule (used when a kommune has no outlines, or not for every district):

1. The grid has `cols = min(n, ceil(sqrt(n · aspect)))` columns and `rows = ceil(n / cols)`
   rows, aspect = 1.5 by default, so the grid is a little wider than tall like the screen.
2. The districts are taken in area-code order (the order of the kommune's file), or, when a
   centre point is known for every district, from north to south: sorted by latitude,
   northernmost first, cut into rows of `cols`, and each row sorted west to east.
3. They fill the grid row by row, top row first, left to right; only the last row may be short
   and it is left-aligned.

So the same districts always get the same tiles, every district gets exactly one tile, and no
two share one.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Tile:
    """One district's square in the tile grid: column from the left, row from the top."""

    area_code: str
    col: int
    row: int


@dataclass(frozen=True)
class Outline:
    """One district's projected outline: its rings and a point to put its label on."""

    area_code: str
    rings: list[Ring]
    label: Point
    # The projected polygons, each its outer ring then its holes (for label placement).
    polygons: list[list[Ring]] = field(default_factory=list)


def grid_size(n: int, aspect: float = 1.5) -> tuple[int, int]:
    """(cols, rows) of the tile grid for n districts; (0, 0) for none."""
    if n <= 0:
        return 0, 0
    cols = min(n, math.ceil(math.sqrt(n * aspect)))
    return cols, math.ceil(n / cols)


def tile_grid(
    codes: Sequence[str],
    centres: Mapping[str, Point] | None = None,
    aspect: float = 1.5,
) -> list[Tile]:
    """The tile of every district, by the layout rule in the module docstring.

    `centres` maps area code → (lon, lat); it is used only if it covers every code.
    Duplicate codes are placed once.
    """
    unique = sorted(dict.fromkeys(codes))
    cols, _ = grid_size(len(unique), aspect)
    if centres and all(c in centres for c in unique):
        # Ties broken by code so equal coordinates cannot reorder the grid between runs.
        north_first = sorted(unique, key=lambda c: (-centres[c][1], centres[c][0], c))
        ordered: list[str] = []
        for start in range(0, len(north_first), cols):
            row = north_first[start : start + cols]
            ordered += sorted(row, key=lambda c: (centres[c][0], c))
    else:
        ordered = unique
    return [Tile(code, i % cols, i // cols) for i, code in enumerate(ordered)]


def _polygons(geometry: Mapping[str, Any]) -> list[list[Ring]]:
    """The polygons (each a list of rings, outer first) of a Polygon or MultiPolygon."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = list(coords)
    else:
        raise ValueError(f"expected a Polygon or MultiPolygon, got {kind!r}")
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polys]


def _ring_area_centroid(ring: Ring) -> tuple[float, Point]:
    """Absolute area and centroid of a closed or open ring (shoelace formula)."""
    pts = ring if ring[0] == ring[-1] else [*ring, ring[0]]
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-18:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return abs(a) / 2, (cx / (3 * a), cy / (3 * a))


def parse(features: Mapping[str, str]) -> dict[str, list[list[Ring]]]:
    """Area code → polygons (lon, lat) from GeoJSON Feature (or bare geometry) texts.

    ValueError naming the area when a text is not a polygon feature.
    """
    out: dict[str, list[list[Ring]]] = {}
    for code, text in features.items():
        try:
            doc = json.loads(text)
            geometry = doc.get("geometry", doc) if doc.get("type") == "Feature" else doc
            out[code] = _polygons(geometry)
        except (ValueError, TypeError, AttributeError, IndexError) as e:
            raise ValueError(f"outline of {code}: {e}") from None
    return out


def centres(features: Mapping[str, str]) -> dict[str, Point]:
    """Area code → (lon, lat) centroid of its largest polygon's outer ring."""
    out: dict[str, Point] = {}
    for code, polys in parse(features).items():
        best = max((_ring_area_centroid(p[0]) for p in polys if p and p[0]), default=None)
        if best is not None:
            out[code] = best[1]
    return out


def outlines(features: Mapping[str, str]) -> list[Outline]:
    """Projected outlines in area-code order, each with its label point (see module docstring)."""
    parsed = parse(features)
    lats = [pt[1] for polys in parsed.values() for poly in polys for pt in poly[0]]
    if not lats:
        return []
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    out: list[Outline] = []
    for code in sorted(parsed):
        rings = [[(x * k, y) for x, y in ring] for poly in parsed[code] for ring in poly if ring]
        outer = [[(x * k, y) for x, y in poly[0]] for poly in parsed[code] if poly and poly[0]]
        _, label = max((_ring_area_centroid(r) for r in outer), default=(0.0, (0.0, 0.0)))
        polygons = [
            [[(x * k, y) for x, y in ring] for ring in poly if ring] for poly in parsed[code]
        ]
        out.append(Outline(code, rings, label, [p for p in polygons if p]))
    return out


Box = tuple[float, float]  # a label's width and height in pixels


def label_spots(
    outlines: Sequence[Outline], boxes: Mapping[str, Box], width_px: float, height_px: float
) -> dict[str, Point]:
    """Where each district's label goes on an outline map of about `width_px` × `height_px`
    pixels with equal axis scales, for the districts whose label fits: its box (`boxes`,
    pixels, centred on the spot) lies wholly inside the district and clear of every label
    already placed. Larger districts are placed first; a district left out (too small on
    screen, or crowded) has its name on hover and in the table instead.
    """
    pts = [pt for o in outlines for ring in o.rings for pt in ring]
    if not pts:
        return {}
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    span_x, span_y = max(xs) - min(xs) or 1e-9, max(ys) - min(ys) or 1e-9
    scale = min(width_px / span_x, height_px / span_y)  # pixels per map unit on both axes
    shapes: dict[str, BaseGeometry] = {}
    for o in outlines:
        # buffer(0) mends a self-touching ring, so `contains` below does not raise.
        parts = [Polygon(p[0], p[1:]).buffer(0) for p in o.polygons if len(p[0]) >= 3]
        if parts:
            shapes[o.area_code] = unary_union(parts)
    placed: list[BaseGeometry] = []
    spots: dict[str, Point] = {}
    rank = {c: i for i, c in enumerate(sorted(shapes, key=lambda c: -shapes[c].area))}
    for o in sorted(outlines, key=lambda o: rank.get(o.area_code, len(rank))):
        shape, size = shapes.get(o.area_code), boxes.get(o.area_code)
        if shape is None or shape.is_empty or size is None:
            continue
        half_w, half_h = size[0] / scale / 2, size[1] / scale / 2
        inner = shape.representative_point()
        for x, y in (o.label, (inner.x, inner.y)):
            rect = box(x - half_w, y - half_h, x + half_w, y + half_h)
            if shape.contains(rect) and not any(rect.intersects(r) for r in placed):
                placed.append(rect)
                spots[o.area_code] = (x, y)
                break
    return spots


def covers(features: Mapping[str, str], codes: Sequence[str]) -> bool:
    """Whether there is an outline for every one of `codes` (so a choropleth shows them all)."""
    return bool(codes) and all(c in features for c in codes)
