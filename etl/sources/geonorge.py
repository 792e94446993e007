"""Boundaries: the kommune's outline from Kartverket, district outlines from the kommune's file
or dissolved from Geonorge's grunnkrets polygons.

Kartverket's kommuneinfo API answers `GET {base}/kommuner/{nr}/omrade?utkoordsys=4258` with
`{"kommunenummer", "kommunenavn", "omrade": <GeoJSON geometry, EPSG:4258>}`. That shape is
seen in several independent public clients; Kartverket's own page was not readable when this
was written (docs/sources.md). EPSG:4258 (ETRS89) and GeoJSON's WGS 84 differ by well under a metre.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from etl.http import Client
from etl.sources import settings
from etl.sources.base import Request, Result, Run, Source, Step
from utfordringsbilde import boundaries, districts
from utfordringsbilde.config import Kommune

NAME = "geonorge"
SRID = settings.GEONORGE_SRID


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


def district_shapes(kommune: Kommune, folder: Path) -> dict[str, str]:
    """District code → GeoJSON Feature (text) from the kommune's own file (districts.geojson).

    A feature is matched to a district by code, else by name (or the file is grunnkrets polygons,
    dissolved to the districts); one that matches no district is an error naming it, because a
    wrong file would otherwise draw the wrong map silently.
    """
    name = kommune.districts.geojson
    if not name:
        return {}
    path = (folder / name).resolve()
    where = f"{path} (districts.geojson of data/kommuner/{kommune.code}.yaml)"
    try:
        return boundaries.own_district_shapes(path, kommune.code, kommune.districts.items)
    except boundaries.BoundaryError as e:
        raise GeoError(f"{where}: {e}") from None


class Geonorge(Source):
    """Kartverket: each chosen kommune's outline, plus district outlines from its own file."""

    name = NAME
    base_url = settings.GEONORGE_BASE
    rate_limit = settings.GEONORGE_RATE
    error = GeoError

    def plan(self, run: Run) -> list[Step]:
        """One step per chosen kommune: its outline, and its districts file when it has one.
        When this run reads the grunnkrets download, the outlines are dissolved from it, so
        only kommuner with their own districts file get a step (which sends nothing)."""
        steps = []
        dissolved = download_used(run)
        for code in run.chosen:
            geojson = run.config[code].districts.geojson
            notes = (f"districts from {run.folder / str(geojson)}",) if geojson else ()
            if not dissolved:
                steps.append(Step(f"kommune {code}", (boundary_request(code, notes),), key=code))
            elif geojson:
                steps.append(Step(f"kommune {code} (districts from {geojson})", (), key=code))
        return steps

    def fetch(self, run: Run, step: Step) -> Result:
        """The kommune's outline and its districts' outlines, by area code."""
        code = str(step.key)
        shapes = {} if download_used(run) else {code: kommune_boundary(run.client, code)}
        shapes.update(district_shapes(run.config[code], run.folder))
        return Result(shapes=shapes)


def download_used(run: Run) -> bool:
    """Whether this run reads the grunnkrets download (refresh puts its sources in the memo)."""
    return DOWNLOAD_NAME in run.memo.get(RUN_SOURCES, ())


SOURCE = Geonorge()


# --------------------------------------------------------------------------- grunnkretser

# Geonorge "Statistiske enheter grunnkretser" (Kartverket/SSB, CC BY 4.0), the whole country in
# EPSG:4258 as GeoJSON, through the download API (nedlasting.geonorge.no). Request and answer
# shapes follow Geonorge's API as its .NET and Java clients use it (OrderRequest/OrderResponse:
# referenceNumber, files[].downloadUrl, fileId, status, name); V-secondary, not checked against a
# live answer from here.
GRUNNKRETS_UUID = "51d279f8-e2be-4f5e-9f72-1a53f7535ec1"
DOWNLOAD_NAME = "geonorge_download"
# The memo key under which a refresh lists the names of the sources it runs.
RUN_SOURCES = "sources"
READY = "ReadyForDownload"


def order_url() -> str:
    """The download API's order endpoint."""
    return f"{GRUNNKRETS_SOURCE.url}/api/order"


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
) -> tuple[dict[str, str], list[str]]:
    """Area code → GeoJSON Feature text for every district of `levels`, dissolved from `doc`;
    and notes for districts some of whose grunnkretser have no polygon (left without a map)."""
    kommuner = sorted({lv.kommune for lv in levels})
    polygons = boundaries.read_grunnkretser(doc, kommuner)
    return _level_shapes(polygons, levels, source)


def _level_shapes(
    polygons: dict[str, Any], levels: list[districts.Level], source: str
) -> tuple[dict[str, str], list[str]]:
    out: dict[str, str] = {}
    notes: list[str] = []
    for lv in levels:
        for d in lv.districts:
            try:
                found = boundaries.dissolve(polygons, {d.code: d.grunnkretser})
            except boundaries.BoundaryError as e:
                notes.append(f"geonorge: {e}")
                continue
            if d.code in found:
                out[d.code] = boundaries.feature_text(d.code, d.name, found[d.code], source)
    return out, notes


class GrunnkretsShapes(Source):
    """Geonorge's grunnkrets polygons, dissolved to every district level of the chosen kommuner
    (a kommune's own districts file wins for its own districts)."""

    name = DOWNLOAD_NAME
    base_url = settings.GEONORGE_DOWNLOAD_BASE
    rate_limit = settings.GEONORGE_DOWNLOAD_RATE
    error = GeoError

    def plan(self, run: Run) -> list[Step]:
        """One order for the whole country, whatever the number of kommuner (cached by year)."""
        if not run.chosen:
            return []
        notes = (
            f"cached in {cache_dir()} by division year {run.today.year}: sent once a year",
            "kommune outlines are dissolved from it; a kommune it lacks gets Kartverket's "
            "outline (one GET each)",
        )
        request = Request("POST", order_url(), body=order_body(), notes=notes)
        return [Step(f"grunnkretser {GRUNNKRETS_UUID} ({run.today.year})", (request,), key="all")]

    def fetch(self, run: Run, step: Step) -> Result:
        """District outlines at every level; none for a level whose kommune drew its own."""
        from etl.sources.districts import run_levels

        doc = download_grunnkretser(run.client, str(run.today.year))
        assert doc is not None
        own = {c for c in run.chosen if run.config[c].districts.geojson}
        levels = [lv for lv in run_levels(run) if not (lv.kind == "district" and lv.kommune in own)]
        polygons = boundaries.read_grunnkretser(doc, run.chosen)
        shapes, notes = _level_shapes(polygons, levels, "Geonorge grunnkretser")
        # Each kommune's outline is the union of all its grunnkretser: no request per kommune.
        names = {c: run.config[c].name for c in run.chosen}
        outlines = boundaries.dissolve(
            polygons, {k: [g for g in polygons if g.startswith(k)] for k in run.chosen}
        )
        for code in run.chosen:
            if code in outlines:
                shapes[code] = boundaries.feature_text(
                    code, names[code], outlines[code], "Geonorge grunnkretser"
                )
            else:  # not in the download (e.g. a new kommune): Kartverket's outline instead
                shapes[code] = kommune_boundary(run.client, code)
        return Result(shapes=shapes, notes=notes)


GRUNNKRETS_SOURCE = GrunnkretsShapes()
