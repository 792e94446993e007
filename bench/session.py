"""One Streamlit browser session spoken over its own websocket protocol, without a browser.

The browser opens `ws://host/_stcore/stream` with subprotocol `streamlit`, sends a BackMsg
`rerun_script` carrying the URL's query string and page name, and draws the ForwardMsgs that
come back until `script_finished`. This does the same and times it. Loopback servers only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM = "/_stcore/stream"


class NotLoopback(ValueError):
    """The benchmark client only talks to servers on this machine."""


@dataclass(frozen=True)
class Render:
    """One rerun as the server ran it: wall seconds from request to `script_finished`."""

    page: str
    seconds: float
    error: str | None
    messages: int
    raw: bytes = b""  # every ForwardMsg of the render, concatenated, when asked for


def stream_url(http_url: str) -> str:
    """`ws://…/_stcore/stream` for a loopback `http://host:port`; anything else is refused."""
    parts = urlsplit(http_url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise NotLoopback(f"{http_url}: only loopback servers (127.0.0.1, ::1, localhost)")
    return f"ws://{parts.netloc}{STREAM}"


class Session:
    """An open websocket session; `render()` asks for one page like a browser navigation."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, http_url: str, timeout: float = 30) -> Session:
        ws = await websockets.connect(
            stream_url(http_url),
            subprotocols=[websockets.Subprotocol("streamlit")],
            open_timeout=timeout,
            max_size=None,  # a page's deltas can be several MB (figures, tables)
        )
        return cls(ws)

    @property
    def replica(self) -> str | None:
        """The replica the proxy chose, from its sticky cookie (None without a proxy)."""
        response = self.ws.response
        if response is None:
            return None
        for value in response.headers.get_all("Set-Cookie"):
            name, _, rest = value.partition("=")
            if name.strip() == "UB_REPLICA":
                return rest.split(";", 1)[0]
        return None

    async def render(
        self, page: str, query: str = "", timeout: float = 60, keep: bool = False
    ) -> Render:
        """Run `page` (its URL path; "" = the default page) with `query`, until it finishes.

        With `keep`, the messages' bytes come back too (to look for a text on the page).

        An exception element in the page, a page the server does not know, a closed socket or
        no `script_finished` within `timeout` seconds is an error, reported, not raised.
        """
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        start = time.perf_counter()
        deadline = start + timeout
        count = 0
        kept: list[bytes] = []
        error: str | None = None
        try:
            await self.ws.send(msg.SerializeToString())
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError
                raw = await asyncio.wait_for(self.ws.recv(), timeout=left)
                count += 1
                data = raw if isinstance(raw, bytes) else raw.encode()
                if keep:
                    kept.append(data)
                fwd = ForwardMsg()
                fwd.ParseFromString(data)
                kind = fwd.WhichOneof("type")
                if kind == "delta" and error is None:
                    delta = fwd.delta
                    if (
                        delta.WhichOneof("type") == "new_element"
                        and delta.new_element.WhichOneof("type") == "exception"
                    ):
                        ex = delta.new_element.exception
                        error = f"exception: {ex.type}: {ex.message}"[:300]
                elif kind == "page_not_found":
                    error = f"page not found: {page!r}"
                elif kind == "script_finished":
                    status = fwd.script_finished
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        error = error or "compile error"
                    if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        break  # a rerun the script asked for (st.rerun) is part of this render
        except TimeoutError:
            error = f"no script_finished within {timeout:.0f} s"
        except websockets.ConnectionClosed as e:
            error = f"connection closed: {e}"
        return Render(page, time.perf_counter() - start, error, count, b"".join(kept))

    async def close(self) -> None:
        await self.ws.close()
