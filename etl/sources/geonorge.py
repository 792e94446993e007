"""Boundaries: the kommune's outline from Kartverket, district outlines from the kommune's file.

Kartverket's kommuneinfo API answers `GET {base}/kommuner/{nr}/omrade?utkoordsys=4258` with
`{"kommunenummer", "kommunenavn", "omrade": <GeoJSON geometry, EPSG:4258>}`. That shape is
seen in several independent public clients; Kartverket's own page was not readable when this
was written (docs/sources.md). EPSG:4258 (ETRS89) and GeoJSON's WGS 84 differ by well under a metre.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.http import Client
from etl.sources import settings
from etl.sources.base import Request, Result, Run, Source, Step
from utfordringsbilde.config import Kommune

NAME = "geonorge"
SRID = settings.GEONORGE_SRID

# Property names a district feature may carry its code or its name under.
CODE_KEYS = ("code", "kode", "district_code", "distriktskode", "area_code", "id")
NAME_KEYS = ("name", "navn", "district", "distrikt", "kommunedel", "bydel", "bydelsnavn")


class GeoError(ValueError):
    """A boundary cannot be read or matched to the configured areas."""


def kommune_url(code: str) -> str:
    """The kommuneinfo URL of one kommune's area (without the query string)."""
    return f"{SOURCE.url}/kommuner/{code}/omrade"


def boundary_request(code: str, notes: tuple[str, ...] = ()) -> Request:
    """GET one kommune's outline in EPSG:4258."""
    return Request("GET", kommune_url(code), {"utkoordsys": SRID}, notes=notes)


def kommune_boundary(client: Client, code: str) -> str:
    """The kommune's outline as a GeoJSON Feature (text)."""
    found = client.send(boundary_request(code))
    geometry = found.get("omrade") if isinstance(found, dict) else None
    if not isinstance(geometry, dict) or "type" not in geometry or "coordinates" not in geometry:
        raise GeoError(f"kommuneinfo {code}: no 'omrade' geometry in the answer")
    if str(found.get("kommunenummer", code)) != code:
        raise GeoError(f"kommuneinfo {code}: the answer is for {found.get('kommunenummer')}")
    # RFC 7946 has no `crs` member; the SRID is recorded as a property instead.
    geometry = {k: v for k, v in geometry.items() if k != "crs"}
    feature = {
        "type": "Feature",
        "properties": {
            "area_code": code,
            "name": found.get("kommunenavn"),
            "source": "Kartverket kommuneinfo",
            "srid": int(SRID),
        },
        "geometry": geometry,
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def _prop(props: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    lowered = {str(k).casefold(): v for k, v in props.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return str(lowered[key])
    return None


def district_shapes(kommune: Kommune, folder: Path) -> dict[str, str]:
    """District code → GeoJSON Feature (text) from the kommune's own file (districts.geojson).

    A feature is matched to a district by code, else by name; one that matches no district is
    an error naming it, because a wrong file would otherwise draw the wrong map silently.
    """
    name = kommune.districts.geojson
    if not name:
        return {}
    path = (folder / name).resolve()
    where = f"{path} (districts.geojson of data/kommuner/{kommune.code}.yaml)"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeoError(f"{where}: file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GeoError(f"{where}: not GeoJSON ({e})") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if doc.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise GeoError(f"{where}: expected a FeatureCollection")
    by_code = {d.code.casefold(): d for d in kommune.districts.items}
    by_name = {d.name.casefold(): d for d in kommune.districts.items}
    out: dict[str, str] = {}
    unknown: list[str] = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        code = _prop(props, CODE_KEYS) or (str(feature["id"]) if "id" in feature else None)
        label = _prop(props, NAME_KEYS)
        district = by_code.get((code or "").casefold()) or by_name.get((label or "").casefold())
        if district is None:
            unknown.append(f"feature {i} (code {code!r}, name {label!r})")
            continue
        if district.code in out:
            raise GeoError(f"{where}: two features for district {district.code} {district.name}")
        if not isinstance(feature.get("geometry"), dict):
            raise GeoError(f"{where}: feature {i} ({district.name}) has no geometry")
        shaped = {
            "type": "Feature",
            "properties": {"area_code": district.code, "name": district.name},
            "geometry": feature["geometry"],
        }
        out[district.code] = json.dumps(shaped, ensure_ascii=False, separators=(",", ":"))
    if unknown:
        known = ", ".join(f"{d.code} {d.name}" for d in kommune.districts.items)
        raise GeoError(f"{where}: unknown districts: {'; '.join(unknown)} (known: {known})")
    return out


class Geonorge(Source):
    """Kartverket: each chosen kommune's outline, plus district outlines from its own file."""

    name = NAME
    base_url = settings.GEONORGE_BASE
    rate_limit = settings.GEONORGE_RATE
    error = GeoError

    def plan(self, run: Run) -> list[Step]:
        """One step per chosen kommune: its outline, and its districts file when it has one."""
        steps = []
        for code in run.chosen:
            geojson = run.config[code].districts.geojson
            notes = (f"districts from {run.folder / str(geojson)}",) if geojson else ()
            steps.append(Step(f"kommune {code}", (boundary_request(code, notes),), key=code))
        return steps

    def fetch(self, run: Run, step: Step) -> Result:
        """The kommune's outline and its districts' outlines, by area code."""
        code = str(step.key)
        shapes = {code: kommune_boundary(run.client, code)}
        shapes.update(district_shapes(run.config[code], run.folder))
        return Result(shapes=shapes)


SOURCE = Geonorge()
