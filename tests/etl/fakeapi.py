"""A loopback HTTP server that plays SSB, KLASS, FHI and Kartverket from hand-built fixtures.

It is an emulator, not a recorder: data answers are cut out of each table's full cube
(`fixtures/*/NNN-data.json`) by the request's own selection, with the real APIs' rules and
errors (unknown variable or value → 400, duplicate code → 500 with an empty body, too many
cells → 400 "Too many cells selected", FHI: one entry per dimension, maxRowCount). Faults can
be queued per route: a status (429 with Retry-After, 503, ...), a slow answer, a connection
reset in the middle of the body, a truncated body, a body trickled one byte at a time, and an
endless flood of bytes.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import itertools
import json
import math
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Fault:
    """One misbehaviour: kind is status, empty, sleep, reset, truncate, trickle (the real
    answer, one byte every `seconds`), slow_headers (the status line and headers so) or
    flood (valid JSON padded with `size` bytes of whitespace before it, sent without a
    length as fast as the client reads)."""

    kind: str
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seconds: float = 0.0
    size: int = 0
    times: int | None = 1  # None: every time

    @staticmethod
    def problem(status: int, title: str, **headers: str) -> Fault:
        body = {"type": "Parameter error", "title": title, "status": status}
        return Fault("status", status=status, headers=headers, body=body)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]


class ApiReply(Exception):
    """Raised inside a route to answer with an error."""

    def __init__(self, status: int, body: Any = None):
        super().__init__(status)
        self.status = status
        self.body = body


@functools.cache
def _text(rel: str) -> str:
    return (FIXTURES / rel).read_text(encoding="utf-8")


def _load(rel: str) -> Any:
    """A fresh copy of a fixture (callers change what they get)."""
    return json.loads(_text(rel))


def _codes(index: Any) -> list[str]:
    return list(index) if isinstance(index, list) else sorted(index, key=index.get)


class FakeApis:
    """The emulator; `start()` it, point UB_*_BASE at `bases`, queue faults with `fault()`."""

    def __init__(self) -> None:
        self.max_cells = 800_000
        self.renames: dict[str, dict[str, str]] = {}
        self.log: list[Seen] = []
        # Extra APIs by first path segment, for sources a test registers: (method, rest, query).
        self.routes: dict[str, Callable[[str, list[str], dict[str, list[str]]], Any]] = {}
        self._faults: list[tuple[re.Pattern[str], Fault]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeApis:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def bases(self) -> dict[str, str]:
        return {
            "UB_SSB_BASE": f"{self.url}/ssb",
            "UB_KLASS_BASE": f"{self.url}/klass",
            "UB_FHI_BASE": f"{self.url}/fhi",
            "UB_GEONORGE_BASE": f"{self.url}/geo",
            "UB_GEONORGE_DOWNLOAD_BASE": f"{self.url}/geodl",
        }

    def fault(self, pattern: str, *faults: Fault) -> None:
        """Queue faults for requests whose 'METHOD /path' matches `pattern` (a regex)."""
        with self._lock:
            for f in faults:
                self._faults.append((re.compile(pattern), f))

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self.log.clear()
        self.renames.clear()
        self.routes.clear()
        self.max_cells = 800_000

    def hits(self, pattern: str) -> int:
        rx = re.compile(pattern)
        return sum(1 for s in self.log if rx.search(f"{s.method} {s.path}"))

    def _take_fault(self, key: str) -> Fault | None:
        with self._lock:
            for i, (rx, f) in enumerate(self._faults):
                if rx.search(key):
                    if f.times is not None:
                        f.times -= 1
                        if f.times <= 0:
                            del self._faults[i]
                    return f
        return None

    # ------------------------------------------------------------------ routes

    def route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Any:
        parts = [p for p in path.split("/") if p]
        api, rest = parts[0], parts[1:]
        if api == "ssb":
            return self._ssb(method, rest, query, body)
        if api == "klass":
            return self._klass(rest, query)
        if api == "fhi":
            return self._fhi(method, rest, body)
        if api == "geo" and len(rest) == 3 and rest[0] == "kommuner" and rest[2] == "omrade":
            if query.get("utkoordsys") != ["4258"]:
                raise ApiReply(400, {"message": "utkoordsys must be given"})
            path_ = FIXTURES / "geonorge" / f"{rest[1]}-omrade.json"
            if not path_.exists():
                raise ApiReply(404, {"message": f"Fant ikke kommune {rest[1]}"})
            return _load(f"geonorge/{rest[1]}-omrade.json")
        if api == "geodl":
            return self._geonorge_download(method, rest, body)
        if api in self.routes:
            return self.routes[api](method, rest, query)
        raise ApiReply(404, None)

    # Geonorge download API ---------------------------------------------------

    def _geonorge_download(self, method: str, rest: list[str], body: Any) -> Any:
        order = _load("geonorge/order.json")
        if method == "POST" and rest == ["api", "order"]:
            lines = body.get("orderLines") if isinstance(body, dict) else None
            if not lines:
                raise ApiReply(400, {"message": "orderLines mangler"})
            line = lines[0]
            if line.get("metadataUuid") != order["files"][0]["metadataUuid"]:
                raise ApiReply(400, {"message": "Ukjent metadataUuid"})
            if [p.get("code") for p in line.get("projections", [])] != ["4258"]:
                raise ApiReply(400, {"message": "Projeksjon støttes ikke"})
            if [f.get("name") for f in line.get("formats", [])] != ["GeoJSON"]:
                raise ApiReply(400, {"message": "Format støttes ikke"})
            for f in order["files"]:
                f["downloadUrl"] = f["downloadUrl"].replace("{base}", f"{self.url}/geodl")
            return order
        ref, file_id = order["referenceNumber"], order["files"][0]["fileId"]
        if method == "GET" and rest == ["api", "download", "order", ref, file_id]:
            return (FIXTURES / "geonorge" / "grunnkretser.zip").read_bytes()
        raise ApiReply(404, {"message": "Fant ikke bestillingen"})

    # SSB -----------------------------------------------------------------

    def _ssb_problem(self, status: int, title: str) -> ApiReply:
        return ApiReply(status, {"type": "Parameter error", "title": title, "status": status})

    def _ssb(self, method: str, rest: list[str], query: dict[str, list[str]], body: Any) -> Any:
        if rest == ["config"]:
            return _load("ssb/config.json")
        if rest == ["tables"]:
            words = set(re.findall(r"\w+", query.get("query", [""])[0].casefold()))
            found = _load("ssb/tables.json")
            found["tables"] = [
                t
                for t in found["tables"]
                if words <= set(re.findall(r"\w+", t["label"].casefold()))
            ]
            found["page"]["totalElements"] = len(found["tables"])
            return found
        if len(rest) == 2 and rest[0] == "codeLists":
            return _load(f"ssb/codelists/{rest[1]}.json")
        if len(rest) == 3 and rest[0] == "tables":
            table = rest[1]
            if not (FIXTURES / "ssb" / f"{table}-metadata.json").exists():
                raise self._ssb_problem(404, f"Node with id, {table} can not be found")
            if query.get("lang", ["no"])[0] != "no":
                raise self._ssb_problem(400, "Unsupported language")
            if rest[2] == "metadata" and method == "GET":
                lists = {
                    m.group(1): v[0]
                    for k, v in query.items()
                    if (m := re.fullmatch(r"codelist\[(.+)\]", k))
                }
                return self._ssb_metadata(table, lists)
            if rest[2] == "data" and method == "POST":
                if query.get("outputFormat", query.get("outputformat", [""]))[0] != "json-stat2":
                    raise self._ssb_problem(400, "Unsupported output format")
                return self._ssb_data(table, body)
        raise self._ssb_problem(404, "Not found")

    def _ssb_codelist(self, meta: dict, var: str, codelist: str) -> dict:
        ids = [c["id"] for c in meta["dimension"][var]["extension"].get("codelists", [])]
        if codelist not in ids:
            raise self._ssb_problem(400, "Non-existent codelist")
        return _load(f"ssb/codelists/{codelist}.json")

    def _ssb_metadata(self, table: str, lists: dict[str, str]) -> dict:
        meta = _load(f"ssb/{table}-metadata.json")
        for var, codelist in lists.items():
            real = self._ssb_var(meta, var)
            cl = self._ssb_codelist(meta, real, codelist)
            cat = meta["dimension"][real]["category"]
            cat["index"] = {v["code"]: i for i, v in enumerate(cl["values"])}
            cat["label"] = {v["code"]: v["label"] for v in cl["values"]}
            meta["size"][meta["id"].index(real)] = len(cl["values"])
        return meta

    def _ssb_var(self, meta: dict, var: str) -> str:
        for d in meta["id"]:
            if d.casefold() == str(var).casefold():
                return str(d)
        raise self._ssb_problem(400, "Non-existent variable")

    def _ssb_data(self, table: str, body: Any) -> dict:
        meta = _load(f"ssb/{table}-metadata.json")
        cube = _load(f"ssb/{table}-data.json")
        if not isinstance(body, dict) or not isinstance(body.get("selection"), list):
            raise self._ssb_problem(400, "Invalid body")
        chosen, labels = self._ssb_select(meta, body["selection"])
        return self._ssb_cut(meta, cube, chosen, labels)

    def _ssb_select(
        self, meta: dict, selection: list
    ) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
        """Codes per variable as the API would pick them, with their labels; errors as SSB's."""
        chosen: dict[str, list[str]] = {}
        labels: dict[str, dict[str, str]] = {}
        for item in selection:
            var = self._ssb_var(meta, item.get("variableCode"))
            if item.get("codelist"):
                cl = self._ssb_codelist(meta, var, item["codelist"])
                allowed = [v["code"] for v in cl["values"]]
                labels[var] = {v["code"]: v["label"] for v in cl["values"]}
            else:
                allowed = _codes(meta["dimension"][var]["category"]["index"])
                labels[var] = meta["dimension"][var]["category"]["label"]
            folded = {a.casefold(): a for a in allowed}
            picked: list[str] = []
            for value in item.get("valueCodes", []):
                if "*" in value or "?" in value:
                    picked += [
                        a for a in allowed if fnmatch.fnmatchcase(a.casefold(), value.casefold())
                    ]
                elif value.casefold() in folded:
                    picked.append(folded[value.casefold()])
                else:
                    raise self._ssb_problem(400, "Non-existent value")
            if len({p.casefold() for p in picked}) != len(picked):
                raise ApiReply(500, None)  # SSB's answer to a repeated code: 500, empty body
            chosen[var] = [a for a in allowed if a in picked]
        for var in meta["id"]:
            ext = meta["dimension"][var].get("extension", {})
            if var not in chosen and ext.get("elimination") is False:
                raise self._ssb_problem(400, "Missing selection for mandantory variable")
        cells = math.prod(len(v) for v in chosen.values())
        if cells > self.max_cells:
            raise ApiReply(
                400,
                {
                    "type": "Parameter error",
                    "title": "Too many cells selected",
                    "status": 400,
                    "detail": "Too many cells selected",
                },
            )
        return chosen, labels

    def _ssb_cut(
        self,
        meta: dict,
        cube: dict,
        chosen: dict[str, list[str]],
        labels: dict[str, dict[str, str]],
    ) -> dict:
        """The answer cut out of the cube; an eliminated variable is summed over its values."""
        # Cut the answer out of the cube; an eliminated variable is summed over its values.
        ids = cube["id"]
        values = np.array([np.nan if v is None else v for v in cube["value"]], dtype=float)
        flagged = np.zeros(len(values), dtype=object)
        flagged[:] = None
        for pos, symbol in cube.get("status", {}).items():
            flagged[int(pos)] = symbol
        shape = cube["size"]
        values = values.reshape(shape)
        flagged = flagged.reshape(shape)
        axes = []
        for var in ids:
            cube_codes = _codes(cube["dimension"][var]["category"]["index"])
            if var in chosen:
                axes.append([cube_codes.index(c) for c in chosen[var]])
            else:
                default = _codes(meta["dimension"][var]["category"]["index"])
                axes.append([cube_codes.index(c) for c in default])
        sub = values[np.ix_(*axes)]
        subflag = flagged[np.ix_(*axes)]
        for axis in reversed([i for i, v in enumerate(ids) if v not in chosen]):
            sub = sub.sum(axis=axis)
            subflag = np.take(subflag, 0, axis=axis)
        kept = [v for v in ids if v in chosen]
        flat = sub.reshape(-1)
        flat_flags = subflag.reshape(-1)
        out_values: list[float | None] = []
        status: dict[str, str] = {}
        for i, (v, s) in enumerate(zip(flat, flat_flags, strict=True)):
            if s is not None or np.isnan(v):
                out_values.append(None)
                status[str(i)] = s or ".."
            else:
                out_values.append(float(v))
        dimension = {}
        for var in kept:
            codes = chosen[var]
            dimension[var] = {
                "label": meta["dimension"][var]["label"],
                "category": {
                    "index": {c: i for i, c in enumerate(codes)},
                    "label": {c: labels[var].get(c, c) for c in codes},
                },
            }
        return {
            "version": "2.0",
            "class": "dataset",
            "label": meta["label"],
            "source": meta["source"],
            "updated": meta["updated"],
            "role": meta["role"],
            "id": kept,
            "size": [len(chosen[v]) for v in kept],
            "dimension": dimension,
            "extension": {"px": meta["extension"]["px"]},
            "value": out_values,
            "status": status,
        }

    # KLASS ---------------------------------------------------------------

    def _klass(self, rest: list[str], query: dict[str, list[str]]) -> Any:
        if len(rest) == 3 and rest[0] == "classifications":
            cid, endpoint = rest[1], rest[2]
            if endpoint == "codesAt":
                if "date" not in query:
                    raise ApiReply(400, {"error": "Required parameter date is missing"})
                if (FIXTURES / "klass" / f"{cid}-codesAt.json").exists():
                    return _load(f"klass/{cid}-codesAt.json")
            if endpoint == "correspondsAt":
                if "date" not in query or "targetClassificationId" not in query:
                    raise ApiReply(400, {"error": "Required parameter date is missing"})
                target = query["targetClassificationId"][0]
                path = FIXTURES / "klass" / f"{cid}-correspondsAt-{target}.json"
                if path.exists():
                    return _load(f"klass/{cid}-correspondsAt-{target}.json")
            if endpoint == "changes" and cid == "131":
                if "from" not in query:
                    raise ApiReply(400, {"error": "Required parameter from is missing"})
                return _load("klass/131-changes.json")
        raise ApiReply(404, {"error": "not found"})

    # FHI -----------------------------------------------------------------

    def _fhi_dimensions(self, table: str) -> list[dict]:
        path = FIXTURES / "fhi" / f"{table}-dimension.json"
        if not path.exists():
            raise ApiReply(404, {"status": f"Fant ikke tabell {table}"})
        dims = _load(f"fhi/{table}-dimension.json")["dimensions"]
        for d in dims:
            d["code"] = self.renames.get(table, {}).get(d["code"], d["code"])
        return list(dims)

    def _fhi(self, method: str, rest: list[str], body: Any) -> Any:
        if rest == ["Common", "source"]:
            return _load("fhi/source.json")
        if len(rest) >= 2 and rest[0] == "nokkel" and rest[1].lower() == "table":
            if len(rest) == 2:
                return _load("fhi/table.json")
            table = rest[2]
            if rest[3:] == ["dimension"] and method == "GET":
                return {"dimensions": self._fhi_dimensions(table)}
            if rest[3:] == ["data"] and method == "POST":
                return self._fhi_data(table, body)
        raise ApiReply(404, {"status": "Not found"})

    def _fhi_data(self, table: str, body: Any) -> dict:
        dims = self._fhi_dimensions(table)
        cube = _load(f"fhi/{table}-data.json")
        renamed = self.renames.get(table, {})
        if not isinstance(body, dict) or not isinstance(body.get("dimensions"), list):
            raise ApiReply(400, {"status": "Ugyldig spørring"})
        if (body.get("response") or {}).get("format") != "json-stat2":
            raise ApiReply(400, {"status": "Ukjent format"})
        codes = [d["code"] for d in dims]
        asked = [str(d.get("code")) for d in body["dimensions"]]
        unknown = [a for a in asked if a not in codes]
        if unknown:
            raise ApiReply(400, {"status": f"Ukjent dimensjon: {', '.join(unknown)}"})
        if sorted(asked) != sorted(codes):
            raise ApiReply(400, {"status": f"Hver dimensjon må angis én gang: {', '.join(codes)}"})
        chosen: dict[str, list[str]] = {}
        for d in body["dimensions"]:
            code = d["code"]
            cube_code = next((k for k, v in renamed.items() if v == code), code)
            allc = list(cube["dimension"][cube_code]["category"]["index"])
            vals = [str(v) for v in d.get("values", [])]
            flt = d.get("filter")
            if flt == "item":
                bad = [v for v in vals if v not in allc]
                if bad:
                    raise ApiReply(400, {"status": f"Ukjent kategori i {code}: {', '.join(bad)}"})
                chosen[cube_code] = [c for c in allc if c in vals]
            elif flt == "all":
                chosen[cube_code] = [
                    c for c in allc if any(fnmatch.fnmatchcase(c, p) for p in vals)
                ]
            elif flt == "top":
                chosen[cube_code] = allc[: int(vals[0])]
            elif flt == "bottom":
                chosen[cube_code] = allc[-int(vals[0]) :]
            else:
                raise ApiReply(400, {"status": f"Ukjent filter {flt!r}"})
        rows = math.prod(len(v) for v in chosen.values())
        cap = (body.get("response") or {}).get("maxRowCount")
        if cap is not None and rows > int(cap):
            raise ApiReply(400, {"status": f"Spørringen gir {rows} rader, mer enn maxRowCount"})
        ids = cube["id"]
        cats = [list(cube["dimension"][i]["category"]["index"]) for i in ids]
        strides = [math.prod(cube["size"][j + 1 :]) for j in range(len(ids))]
        out = []
        for combo in itertools.product(*[chosen[i] for i in ids]):
            pos = sum(cats[j].index(c) * strides[j] for j, c in enumerate(combo))
            out.append(cube["value"][pos])
        return {
            **{k: cube[k] for k in ("class", "version", "href", "label", "updated", "source")},
            "id": [renamed.get(i, i) for i in ids],
            "size": [len(chosen[i]) for i in ids],
            "role": cube["role"],
            "dimension": {
                renamed.get(i, i): {
                    "label": cube["dimension"][i]["label"],
                    "category": {
                        "index": chosen[i],
                        "label": {
                            c: cube["dimension"][i]["category"]["label"][c] for c in chosen[i]
                        },
                    },
                }
                for i in ids
            },
            "value": out,
            "status": "",
            "extension": cube["extension"],
        }


class _Handler(BaseHTTPRequestHandler):
    """One connection to the emulator; `api` is set by `_handler`."""

    api: FakeApis
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle and delayed ACKs
        # add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        query = parse_qs(parts.query, keep_blank_values=True)
        self.api.log.append(Seen(method, parts.path, query, body, dict(self.headers)))
        fault = self.api._take_fault(f"{method} {parts.path}")
        if fault and fault.kind == "sleep":
            time.sleep(fault.seconds)
            fault = None
        if fault and fault.kind in ("status", "empty"):
            data = b"" if fault.kind == "empty" else json.dumps(fault.body).encode()
            ctype = "application/problem+json"
            self._send(fault.status, data, ctype, fault.headers)
            return
        try:
            result = self.api.route(method, parts.path, query, body)
            if isinstance(result, bytes):  # a file download (Geonorge's zip)
                status, data, ctype = 200, result, "application/zip"
            else:
                status, data = 200, json.dumps(result, ensure_ascii=False).encode()
                ctype = "application/json; charset=utf-8"
        except ApiReply as reply:
            status = reply.status
            data = b"" if reply.body is None else json.dumps(reply.body).encode()
            ctype = "application/problem+json; charset=utf-8"
        if fault and fault.kind == "truncate":
            data = data[: len(data) // 2]
        if fault and fault.kind == "trickle":
            self._trickle(status, data, ctype, fault.seconds)
            return
        if fault and fault.kind == "slow_headers":
            head = (
                f"HTTP/1.1 {status} OK\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for i in range(len(head)):
                    time.sleep(fault.seconds)
                    self.wfile.write(head[i : i + 1])
                    self.wfile.flush()
                self.wfile.write(data)
            self.close_connection = True
            return
        if fault and fault.kind == "flood":
            self._flood(status, data, ctype, fault.size)
            return
        if fault and fault.kind == "reset":
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            # SO_LINGER 0: close with RST, as a dropped connection looks on the wire.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self._send(status, data, ctype, {})

    def _send(self, status: int, data: bytes, ctype: str, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _trickle(self, status: int, data: bytes, ctype: str, seconds: float) -> None:
        """Headers at once, then the body one byte every `seconds` until the client leaves."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.flush()
            for i in range(len(data)):
                time.sleep(seconds)
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def _flood(self, status: int, data: bytes, ctype: str, size: int) -> None:
        """`size` bytes of whitespace, then the answer; no Content-Length, close at the end."""
        block = b" " * 65536
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Connection", "close")
            self.end_headers()
            sent = 0
            while sent < size:
                self.wfile.write(block[: min(len(block), size - sent)])
                sent += len(block)
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def handle(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # a connection we reset on purpose
            super().handle()


def _handler(api: FakeApis) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"api": api})


@contextmanager
def running() -> Iterator[FakeApis]:
    api = FakeApis().start()
    try:
        yield api
    finally:
        api.stop()
