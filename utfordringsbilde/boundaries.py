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


# ------------------------------------------------------------------ a kommune's own districts file

# Property names a feature of a kommune's own districts file may name its district by: a code
# (matched against the district's code, its part after "<kommune>-", or kommune + that part,
# so "110301", "01" and "1103-01" all name district 1103-01) or a name. Casefolded.
DISTRICT_CODE_KEYS = (
    "code", "kode", "district_code", "distriktskode", "area_code", "id",
    "bydelnr", "bydelsnr", "bydelnummer", "bydelsnummer", "delomradenummer", "delområdenummer",
    "levekarssone", "levekårssone", "sonenummer", "kommunenummer",
)  # fmt: skip
DISTRICT_NAME_KEYS = (
    "name", "navn", "district", "distrikt", "kommunedel", "bydel", "bydelsnavn", "bydelnavn",
    "delomradenavn", "delområdenavn", "sonenavn", "kommunenavn",
)  # fmt: skip
# A file of grunnkrets polygons (as Geonorge's) is dissolved to the districts' grunnkretser.
GRUNNKRETS_FILE_KEYS = ("grunnkretsnummer", "grunnkrets", "grunnkretskode")


def accepted_properties() -> str:
    """The property names a districts file is read by, for error messages."""
    return (
        f"a district code ({', '.join(DISTRICT_CODE_KEYS)}), a district name "
        f"({', '.join(DISTRICT_NAME_KEYS)}), or grunnkrets polygons "
        f"({', '.join(GRUNNKRETS_FILE_KEYS)})"
    )


def read_feature_collection(path: Any) -> dict[str, Any]:
    """A GeoJSON FeatureCollection read from `path`; BoundaryError says why it is not one."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        raise BoundaryError("file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BoundaryError(f"not GeoJSON ({e})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryError("expected a GeoJSON FeatureCollection")
    if not isinstance(doc.get("features"), list) or not doc["features"]:
        raise BoundaryError("the FeatureCollection has no features")
    return doc


def _values(props: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    lowered = {str(k).casefold(): v for k, v in props.items()}
    return [str(lowered[k]) for k in keys if lowered.get(k) not in (None, "")]


def _district_keys(kommune: str, code: str) -> set[str]:
    """Every spelling a file may use for a district code (see DISTRICT_CODE_KEYS)."""
    keys = {code.casefold()}
    if code.startswith(kommune + "-"):
        part = code[len(kommune) + 1 :].casefold()
        keys |= {part, kommune + part}
    return keys


def match_districts(
    doc: Mapping[str, Any], kommune: str, items: Iterable[Any]
) -> dict[str, list[dict[str, Any]]]:
    """District code → the GeoJSON geometries that draw it, from a kommune's own file.

    `items` are the kommune file's districts (code, name, grunnkretser). A file of grunnkrets
    polygons gives each district its grunnkretser's polygons (a district listing none gets no
    outline); any other file names each district by code or name. A feature naming no district,
    a feature without any accepted property, and a district drawn twice are errors.
    """
    districts = list(items)
    features = [f for f in doc.get("features") or [] if isinstance(f, dict)]
    if any(_values(f.get("properties") or {}, GRUNNKRETS_FILE_KEYS) for f in features):
        return _match_grunnkretser(features, kommune, districts)
    by_code = {k: d for d in districts for k in _district_keys(kommune, d.code)}
    by_name = {d.name.casefold(): d for d in districts}
    out: dict[str, list[dict[str, Any]]] = {}
    unknown: list[str] = []
    unnamed: list[int] = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        codes = _values(props, DISTRICT_CODE_KEYS)
        if "id" in feature and feature["id"] not in (None, ""):
            codes.append(str(feature["id"]))
        names = _values(props, DISTRICT_NAME_KEYS)
        if not codes and not names:
            unnamed.append(i)
            continue
        found = [by_code.get(c.casefold()) for c in codes]
        found += [by_name.get(n.casefold()) for n in names]
        district = next((d for d in found if d is not None), None)
        if district is None:
            code, label = (codes[0] if codes else None), (names[0] if names else None)
            unknown.append(f"feature {i} (code {code!r}, name {label!r})")
            continue
        if district.code in out:
            raise BoundaryError(f"two features for district {district.code} {district.name}")
        if not isinstance(feature.get("geometry"), dict):
            raise BoundaryError(f"feature {i} ({district.name}) has no geometry")
        out[district.code] = [feature["geometry"]]
    if unnamed:
        shown = ", ".join(str(i) for i in unnamed[:5])
        raise BoundaryError(
            f"feature {shown} has no property naming its district; accepted: "
            + accepted_properties()
        )
    if unknown:
        known = ", ".join(f"{d.code} {d.name}" for d in districts)
        raise BoundaryError(f"unknown districts: {'; '.join(unknown)} (known: {known})")
    return out


def _match_grunnkretser(
    features: list[dict[str, Any]], kommune: str, districts: list[Any]
) -> dict[str, list[dict[str, Any]]]:
    """District code → its grunnkretser's geometries (see match_districts)."""
    polygons: dict[str, list[dict[str, Any]]] = {}
    for i, feature in enumerate(features):
        codes = _values(feature.get("properties") or {}, GRUNNKRETS_FILE_KEYS)
        if not codes:
            raise BoundaryError(
                f"feature {i} has no grunnkrets code while others do; accepted: "
                + ", ".join(GRUNNKRETS_FILE_KEYS)
            )
        code = codes[0].zfill(8) if codes[0].isdigit() else codes[0]
        if code.startswith(kommune) and isinstance(feature.get("geometry"), dict):
            polygons.setdefault(code, []).append(feature["geometry"])
    if not polygons:
        raise BoundaryError(f"no grunnkrets of kommune {kommune} in the file")
    out: dict[str, list[dict[str, Any]]] = {}
    for d in districts:
        lacking = [g for g in d.grunnkretser if g not in polygons]
        if lacking:
            raise BoundaryError(
                f"district {d.code} {d.name}: no polygon for grunnkrets {', '.join(lacking[:5])}"
            )
        if d.grunnkretser:
            out[d.code] = [geom for g in d.grunnkretser for geom in polygons[g]]
    return out


def own_district_shapes(path: Any, kommune: str, items: Iterable[Any]) -> dict[str, str]:
    """District code → GeoJSON Feature text from a kommune's own districts file at `path`.

    A district drawn by one feature keeps its geometry as the file has it; one made of
    grunnkrets polygons is their union, simplified as the Geonorge outlines are.
    """
    districts = list(items)
    names = {d.code: d.name for d in districts}
    matched = match_districts(read_feature_collection(path), kommune, districts)
    out: dict[str, str] = {}
    for code, geometries in matched.items():
        if len(geometries) == 1:
            feature = {
                "type": "Feature",
                "properties": {"area_code": code, "name": names[code]},
                "geometry": geometries[0],
            }
            out[code] = json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
            continue
        merged = _polygonal(shapely.make_valid(shapely.union_all([shape(g) for g in geometries])))
        simplified = merged.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        out[code] = feature_text(code, names[code], simplified, "own districts file")
    return out
