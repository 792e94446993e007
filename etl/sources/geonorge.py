"""Boundaries: the kommune's outline from Kartverket, district outlines from the kommune's file
or dissolved from Geonorge's grunnkrets polygons.

Kartverket's kommuneinfo API answers `GET {base}/kommuner/{nr}/omrade?utkoordsys=4258` with
`{"kommunenummer", "kommunenavn", "omrade": <GeoJSON geometry, EPSG:4258>}`. That shape is
V-secondary (several independent public clients use it; Kartverket's own page was not
readable from here). EPSG:4258 (ETRS89) and GeoJSON's WGS 84 differ by well under a metre.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.http import Client, base_url
from utfordringsbilde import boundaries, districts
from utfordringsbilde.config import Kommune

SRID = "4258"

# Property names a district feature may carry its code or its name under.
CODE_KEYS = ("code", "kode", "district_code", "distriktskode", "area_code", "id")
NAME_KEYS = ("name", "navn", "district", "distrikt", "kommunedel", "bydel", "bydelsnavn")


class GeoError(ValueError):
    """A boundary cannot be read or matched to the configured areas."""


def kommune_url(code: str) -> str:
    """The kommuneinfo URL of one kommune's area (without the query string)."""
    return f"{base_url('geonorge')}/kommuner/{code}/omrade"


def kommune_boundary(client: Client, code: str) -> str | None:
    """The kommune's outline as a GeoJSON Feature (text); None in a dry run."""
    found = client.get_json(kommune_url(code), params={"utkoordsys": SRID})
    if found is None:
        return None
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


# --------------------------------------------------------------------------- grunnkretser

# Geonorge "Statistiske enheter grunnkretser" (Kartverket/SSB, CC BY 4.0), the whole country in
# EPSG:4258 as GeoJSON, through the download API (nedlasting.geonorge.no). Request and answer
# shapes follow Geonorge's API as its .NET and Java clients use it (OrderRequest/OrderResponse:
# referenceNumber, files[].downloadUrl, fileId, status, name); V-secondary, not checked against a
# live answer from here.
GRUNNKRETS_UUID = "51d279f8-e2be-4f5e-9f72-1a53f7535ec1"
READY = "ReadyForDownload"


def order_url() -> str:
    """The download API's order endpoint."""
    return f"{base_url('geonorge_download')}/api/order"


def order_body(uuid: str = GRUNNKRETS_UUID) -> dict[str, Any]:
    """The order for the whole country (area 0000, landsdekkende) in EPSG:4258 as GeoJSON."""
    return {
        "softwareClient": "utfordringsbilde",
        "orderLines": [
            {
                "metadataUuid": uuid,
                "areas": [{"code": "0000", "type": "landsdekkende", "name": "Hele landet"}],
                "projections": [{"code": SRID, "codespace": f"EPSG:{SRID}"}],
                "formats": [{"name": "GeoJSON"}],
            }
        ],
    }


def cache_dir() -> Path:
    """Where downloaded boundary files are kept between refreshes (UB_CACHE_DIR overrides)."""
    from utfordringsbilde.paths import warehouse_path

    return Path(os.environ.get("UB_CACHE_DIR", warehouse_path().parent / "cache")) / "geonorge"


def download_grunnkretser(
    client: Client, version: str, uuid: str = GRUNNKRETS_UUID, cache: Path | None = None
) -> dict[str, Any] | None:
    """The national grunnkrets GeoJSON (FeatureCollection), from the cache when this `version`
    (the grunnkrets division's year, e.g. "2026") was downloaded before; None in a dry run.

    Geonorge publishes the dataset once per division, so the division year is its version: a
    refresh within the same year orders and downloads nothing.
    """
    folder = cache or cache_dir()
    cached = folder / f"grunnkretser-{uuid}-{version}.zip"
    if not cached.exists():
        answer = client.post_json(order_url(), order_body(uuid))
        if answer is None:
            return None
        files = [f for f in answer.get("files") or [] if f.get("metadataUuid", uuid) == uuid]
        if not files:
            raise GeoError(f"Geonorge order {answer.get('referenceNumber')}: no files")
        file = files[0]
        if file.get("status") not in (None, READY) or not file.get("downloadUrl"):
            # Large orders are prepared in the background; the order can be read again.
            ref = answer.get("referenceNumber")
            again = client.get_json(f"{order_url()}/{ref}")
            same = [f for f in again.get("files") or [] if f.get("fileId") == file.get("fileId")]
            file = same[0] if same else file
            if file.get("status") != READY or not file.get("downloadUrl"):
                raise GeoError(f"Geonorge order {ref}: file not ready ({file.get('status')})")
        data = client.get_bytes(str(file["downloadUrl"]))
        if data is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    return read_zipped_geojson(cached)


def read_zipped_geojson(path: Path) -> dict[str, Any]:
    """The grunnkrets FeatureCollection inside a Geonorge zip.

    Kartverket's GeoJSON files hold either one FeatureCollection or an object of several, one
    per feature type (areas and their border lines); the one with grunnkrets codes is taken.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith((".geojson", ".json"))]
            if not names:
                raise GeoError(f"{path.name}: no GeoJSON file in the zip")
            doc = json.loads(zf.read(names[0]).decode("utf-8"))
    except zipfile.BadZipFile as e:
        path.unlink(missing_ok=True)  # a broken download must not stay cached
        raise GeoError(f"{path.name}: not a zip file ({e})") from None
    candidates = [doc] if doc.get("type") == "FeatureCollection" else list(doc.values())
    for fc in candidates:
        if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection":
            continue
        feats = fc.get("features") or []
        if feats and boundaries.grunnkrets_code(feats[0].get("properties") or {}):
            return fc
    raise GeoError(f"{path.name}: no FeatureCollection with grunnkretsnummer")


def level_shapes(
    doc: dict[str, Any], levels: list[districts.Level], source: str = "Geonorge grunnkretser"
) -> dict[str, str]:
    """Area code → GeoJSON Feature text for every district of `levels`, dissolved from `doc`."""
    kommuner = sorted({lv.kommune for lv in levels})
    polygons = boundaries.read_grunnkretser(doc, kommuner)
    out: dict[str, str] = {}
    for lv in levels:
        members = {d.code: d.grunnkretser for d in lv.districts}
        names = {d.code: d.name for d in lv.districts}
        for code, geom in boundaries.dissolve(polygons, members).items():
            out[code] = boundaries.feature_text(code, names[code], geom, source)
    return out
