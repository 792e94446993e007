"""District boundaries: grunnkrets polygons dissolved to every district level, simplified for the
screen.

Input is GeoJSON in EPSG:4258 (degrees), as Geonorge delivers "Statistiske enheter grunnkretser";
output is one GeoJSON Feature text per district, in the shape `utfordringsbilde.geo` reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry import mapping, shape

# Douglas–Peucker tolerance in degrees: 0.0005° is about 55 m north–south and 25 m east–west at
# 63° N, below a pixel on a kommune map of ~800 px, so outlines look the same and weigh ~10x less.
SIMPLIFY_DEGREES = 0.0005
# Coordinates are rounded to 5 decimals (about 1 m) to keep the stored text small.
DECIMALS = 5

# Property names a grunnkrets feature may carry its code under (Geonorge: grunnkretsnummer).
GK_CODE_KEYS = ("grunnkretsnummer", "grunnkrets", "grunnkretskode", "code", "kode")


class BoundaryError(ValueError):
    """Grunnkrets polygons cannot be read or do not cover a district."""


def grunnkrets_code(props: Mapping[str, Any]) -> str | None:
    """The 8-digit grunnkrets code of a feature's properties, or None."""
    for key in GK_CODE_KEYS:
        value = props.get(key)
        if value not in (None, ""):
            code = str(value)
            return code.zfill(8) if code.isdigit() else code
    return None


def read_grunnkretser(doc: Mapping[str, Any], kommuner: Iterable[str] | None = None) -> dict:
    """Grunnkrets code → shapely geometry from a GeoJSON FeatureCollection.

    Geonorge's files may split a grunnkrets into several features (islands); they are unioned.
    With `kommuner`, only grunnkretser whose code starts with one of them are kept.
    """
    features = doc.get("features") if isinstance(doc, Mapping) else None
    if not isinstance(features, list):
        raise BoundaryError("expected a GeoJSON FeatureCollection with features")
    wanted = tuple(kommuner) if kommuner is not None else None
    parts: dict[str, list[Any]] = {}
    for i, feature in enumerate(features):
        code = grunnkrets_code(feature.get("properties") or {})
        if code is None:
            raise BoundaryError(f"feature {i} has no grunnkretsnummer")
        if wanted is not None and not code.startswith(wanted):
            continue
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            raise BoundaryError(f"grunnkrets {code} has no geometry")
        parts.setdefault(code, []).append(shape(geometry))
    return {
        code: geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
        for code, geoms in parts.items()
    }


def dissolve(
    polygons: Mapping[str, Any],
    members: Mapping[str, Iterable[str]],
    tolerance: float = SIMPLIFY_DEGREES,
) -> dict[str, Any]:
    """District code → its grunnkretser's union, simplified (topology kept within each district).

    A district none of whose grunnkretser has a polygon is left out; one with some missing is an
    error, because a map with holes where the data is would mislead.
    """
    out: dict[str, Any] = {}
    for district, gks in members.items():
        codes = list(gks)
        found = [polygons[g] for g in codes if g in polygons]
        if not found:
            continue
        if len(found) < len(codes):
            lacking = sorted(g for g in codes if g not in polygons)
            raise BoundaryError(
                f"district {district}: no polygon for grunnkrets {', '.join(lacking[:5])}"
            )
        # make_valid: a source ring that touches itself would make simplify() fail.
        merged = _polygonal(shapely.make_valid(shapely.union_all(found)))
        out[district] = merged.simplify(tolerance, preserve_topology=True) if tolerance else merged
    return out


def _polygonal(geometry: Any) -> Any:
    """Only the areas of a geometry: make_valid can add stray lines or points, which no map
    draws (utfordringsbilde.geo reads Polygon and MultiPolygon)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    kinds = ("Polygon", "MultiPolygon")
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in kinds]
    return shapely.union_all(parts)


def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, list | tuple):
        return [_rounded(x) for x in obj]
    return obj


def feature_text(code: str, name: str, geometry: Any, source: str) -> str:
    """One district's outline as compact GeoJSON Feature text (area_code, name, source)."""
    geo = mapping(geometry)
    feature = {
        "type": "Feature",
        "properties": {"area_code": code, "name": name, "source": source, "srid": 4258},
        "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])},
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
