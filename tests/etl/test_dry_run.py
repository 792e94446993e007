"""`refresh --dry-run` lists every request in the APIs' own formats and sends none."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from etl import refresh
from tests.etl.fakeapi import FakeApis

ROOT = Path(__file__).resolve().parents[2]


def listing(**kw: object) -> list[tuple[str, str, dict | None]]:
    """(method, url, body) for every request the dry run prints; comments are skipped."""
    out = io.StringIO()
    assert refresh.main(dry_run=True, out=out, **kw) == 0  # type: ignore[arg-type]
    requests: list[tuple[str, str, dict | None]] = []
    for line in out.getvalue().splitlines():
        if re.match(r"^(GET|POST) ", line):
            method, url = line.split(maxsplit=1)
            requests.append((method, url, None))
        elif line.startswith("     {"):
            method, url, _ = requests[-1]
            requests[-1] = (method, url, json.loads(line))
        else:
            assert line.startswith(("#", "     #")), line
    return requests


def test_dry_run_sends_nothing(api: FakeApis):
    reqs = listing()
    assert reqs and api.log == []


def test_dry_run_uses_the_real_catalog_and_formats(monkeypatch: pytest.MonkeyPatch):
    for key in ("UB_SSB_BASE", "UB_KLASS_BASE", "UB_FHI_BASE", "UB_GEONORGE_BASE"):
        monkeypatch.delenv(key, raising=False)
    reqs = listing()
    ssb_base = "https://data.ssb.no/api/pxwebapi/v2/tables/"
    fhi_base = "https://statistikk-data.fhi.no/api/open/v1/nokkel/table/"
    ssb_posts = [r for r in reqs if r[0] == "POST" and r[1].startswith(ssb_base)]
    fhi_posts = [r for r in reqs if r[0] == "POST" and r[1].startswith(fhi_base)]
    assert ssb_posts and fhi_posts
    for _, url, body in ssb_posts:
        assert re.fullmatch(
            re.escape(ssb_base) + r"[\w]+/data\?lang=no&outputFormat=json-stat2", url
        )
        assert body is not None and set(body) == {"selection"}
        names = [i["variableCode"] for i in body["selection"]]
        assert len(names) == len(set(names))
        for item in body["selection"]:
            assert set(item) <= {"variableCode", "valueCodes", "codelist"}
            assert isinstance(item["valueCodes"], list) and item["valueCodes"]
            assert len({c.casefold() for c in item["valueCodes"]}) == len(item["valueCodes"])
    for _, url, body in fhi_posts:
        assert re.fullmatch(re.escape(fhi_base) + r"\w+/data", url)
        assert body is not None and set(body) == {"dimensions", "response"}
        codes = [d["code"] for d in body["dimensions"]]
        assert len(codes) == len(set(codes))  # one entry per dimension
        assert {"GEO", "AAR", "MEASURE_TYPE"} <= set(codes)
        for d in body["dimensions"]:
            assert set(d) == {"code", "filter", "values"}
            assert d["filter"] in ("item", "all", "top")
            assert all(isinstance(v, str) for v in d["values"])
        assert body["response"]["format"] == "json-stat2"
    # Every data POST follows its metadata/dimension GET.
    for i, (method, url, _) in enumerate(reqs):
        if method == "POST" and url.startswith(ssb_base):
            table = url.removeprefix(ssb_base).split("/")[0]
            assert any(u.startswith(f"{ssb_base}{table}/metadata?lang=no") for _, u, _ in reqs[:i])
        if method == "POST" and url.startswith(fhi_base):
            table = url.removeprefix(fhi_base).split("/")[0]
            assert ("GET", f"{fhi_base}{table}/dimension", None) in reqs[:i]
    klass = [urlsplit(u) for m, u, _ in reqs if "/klass/" in u]
    assert any(
        k.path.endswith("/131/changes") and {"from", "to"} <= set(parse_qs(k.query)) for k in klass
    )
    assert any(k.path.endswith("/131/codesAt") and "date" in parse_qs(k.query) for k in klass)
    # With the grunnkrets download in the run, kommune outlines are dissolved from it ...
    assert not [u for _, u, _ in reqs if "kommuneinfo" in u]
    assert any(m == "POST" and u.endswith("/api/order") for m, u, _ in reqs)
    # ... and Kartverket's per-kommune outline is asked for only without it.
    geo = [u for _, u, _ in listing(sources=["geonorge"]) if "kommuneinfo" in u]
    assert geo and all(re.search(r"/kommuner/\d{4}/omrade\?utkoordsys=4258$", u) for u in geo)


def test_dry_run_marks_what_it_cannot_know():
    out = io.StringIO()
    refresh.main(dry_run=True, out=out, sources=["ssb", "fhi"], kommuner=["3301"])
    text = out.getvalue()
    assert "cells: unknown until metadata is read" in text
    assert "unknown until /dimension is read" in text
    assert "[unverified]" in text


def test_dry_run_from_the_command_line():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "refresh",
            "--dry-run",
            "--kommune",
            "3301",
            "--source",
            "ssb",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "POST https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no&outputFormat="
        "json-stat2" in done.stdout
    )
    assert "requests listed, none sent" in done.stdout
