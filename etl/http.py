"""HTTP for the ETL: one polite session, a per-host throttle and bounded retries, JSON in and out.

Every request goes through `Client.request_json`: it waits for the host's sliding window,
retries what may pass (429, 502, 503, 504, connection errors, timeouts, one invalid JSON body)
with backoff bounded in attempts and total time, and turns everything else into an `ApiError`
that names the status, the URL and the problem body's own words.

The body is streamed under a wall-clock deadline per request (a read timeout alone applies
between bytes, so a trickling server could hold an attempt for ever) and a size cap per source,
and a run started with `begin_run` has an overall deadline that every request respects.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import orjson
import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

if TYPE_CHECKING:
    from etl.sources.base import Request, Step

# The project has no public home yet; UB_CONTACT lets a deployment add a URL or an e-mail
# address, so the API owners can reach whoever runs it.
USER_AGENT = "utfordringsbilde/0.1 (open-source municipal dashboard{contact})".format(
    contact=f"; {os.environ['UB_CONTACT']}" if os.environ.get("UB_CONTACT") else ""
)

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Bytes asked of the socket per read: small enough that the deadline is checked often.
_READ_CHUNK = 64 * 1024
# A socket timeout this close to the deadline is the deadline's (timeouts are cut to it).
_SLACK = 0.05


def _env_seconds(name: str, default: float) -> float:
    """Seconds from the environment variable `name`, or `default` when unset or not a number."""
    try:
        return float(os.environ[name])
    except (KeyError, ValueError):
        return default


def decode(body: bytes | str) -> Any:
    """A JSON body as Python objects; orjson, because json.loads was most of flatten + load."""
    return orjson.loads(body)


def base_url(api: str) -> str:
    """Base URL of one registered source, from UB_<API>_BASE or its public address."""
    return _registry().base_url(api)


def published_rates() -> dict[str, tuple[int, float]]:
    """Host → (calls, window) from every registered source's rate limit."""
    return _registry().rates()


def _registry() -> ModuleType:
    # The sources send through this module's Client, so their registry is imported late.
    import etl.sources

    return etl.sources


class ApiError(RuntimeError):
    """A request failed for good: status (None without a response), URL and the server's words."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        method: str = "GET",
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.url = url
        self.method = method
        self.status = status
        self.title = title
        self.detail = detail
        self.retryable = retryable
        self.retry_after = retry_after
        self.attempts = 1

    @property
    def text(self) -> str:
        """The problem body's title and detail in one line (empty when there were none)."""
        parts = [p for p in (self.title, self.detail) if p]
        if len(parts) == 2 and parts[0].strip().rstrip(".") == parts[1].strip().rstrip("."):
            parts = parts[:1]
        return " — ".join(parts)


class InvalidJson(ApiError):
    """The body was not JSON (truncated, HTML error page, ...)."""


class RunDeadline(ApiError):
    """The run's overall deadline passed; nothing more is sent."""


@dataclass(frozen=True)
class Settings:
    """Timeouts, retry bounds and rate limits; tests pass tiny values, never mocks."""

    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    max_attempts: int = 6
    max_total_seconds: float = 600.0
    backoff_initial: float = 2.0
    backoff_max: float = 60.0
    retry_after_cap: float = 120.0
    invalid_json_retries: int = 1
    rates: Mapping[str, tuple[int, float]] = field(default_factory=published_rates)
    default_rate: tuple[int, float] | None = None
    # Wall clock for one attempt, headers and whole body (UB_ETL_REQUEST_DEADLINE overrides).
    request_deadline: float = field(
        default_factory=lambda: _env_seconds("UB_ETL_REQUEST_DEADLINE", 300.0)
    )
    # Wall clock for a whole run from `Client.begin_run` (UB_ETL_RUN_DEADLINE overrides).
    run_deadline: float = field(
        default_factory=lambda: _env_seconds("UB_ETL_RUN_DEADLINE", 4 * 3600.0)
    )
    # One cap for every answer; None: each source's own (`Source.max_response_bytes`).
    max_body_bytes: int | None = None


class SlidingWindow:
    """At most `calls` requests in any `window` seconds; `acquire` sleeps until one is free."""

    def __init__(
        self,
        calls: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if calls < 1 or window <= 0:
            raise ValueError("a sliding window needs calls >= 1 and window > 0")
        self.calls = calls
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take a slot; returns the seconds waited."""
        waited = 0.0
        # Holding the lock while sleeping is the point: callers queue up in order.
        with self._lock:
            while True:
                now = self._clock()
                while self._stamps and self._stamps[0] <= now - self.window:
                    self._stamps.popleft()
                if len(self._stamps) < self.calls:
                    self._stamps.append(now)
                    return waited
                pause = self._stamps[0] + self.window - now
                self._sleep(pause)
                waited += pause


class _Watch:
    """The connection one attempt is on, so a timer can cut it at the attempt's deadline
    (the status line and headers are read before the body loop can look at the clock)."""

    def __init__(self) -> None:
        self.conn: urllib3.connection.HTTPConnection | None = None
        self.done = False
        self.cut = False
        self.lock = threading.Lock()

    def fire(self) -> None:
        with self.lock:
            sock = getattr(self.conn, "sock", None)
            if self.done or sock is None:
                return
            self.cut = True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        with self.lock:
            self.done = True


_WATCH = threading.local()  # the thread's current _Watch, which its connection joins


class _WatchedHTTP(urllib3.connection.HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = getattr(_WATCH, "current", None)
        if watch is not None:
            watch.conn = self
        super().request(*args, **kwargs)


class _WatchedHTTPS(urllib3.connection.HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = getattr(_WATCH, "current", None)
        if watch is not None:
            watch.conn = self
        super().request(*args, **kwargs)


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTP


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


class _Adapter(HTTPAdapter):
    """requests' adapter on connections an attempt's deadline timer can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def make_session() -> requests.Session:
    """A requests Session that names the project in its User-Agent, on watched connections."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    for prefix in ("http://", "https://"):
        session.mount(prefix, _Adapter())
    return session


def prepared_url(url: str, params: Mapping[str, str] | None = None) -> str:
    """The URL with its query string exactly as requests would send it."""
    return str(requests.Request("GET", url, params=dict(params or {})).prepare().url)


def problem_text(body: bytes) -> tuple[str | None, str | None]:
    """(title, detail) from an error body: RFC 7807 (SSB), FHI's `status` text, or plain text."""
    if not body.strip():
        return None, None
    try:
        data = json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return None, " ".join(text.split())[:300]
    if data is None:
        return None, None
    if not isinstance(data, dict):
        return None, str(data)[:300]
    title = data.get("title") if isinstance(data.get("title"), str) else None
    detail = data.get("detail") if isinstance(data.get("detail"), str) else None
    # FHI puts its explanation in a string `status`; SSB's `status` is the HTTP code.
    status = data.get("status")
    if isinstance(status, str) and status.strip():
        detail = f"{detail}; {status}" if detail else status
    errors = data.get("errors")
    if isinstance(errors, dict) and errors:
        flat = "; ".join(
            f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in errors.items()
        )
        detail = f"{detail}; {flat}" if detail else flat
    if title is None and detail is None:
        for key in ("message", "melding", "error"):
            if isinstance(data.get(key), str):
                detail = data[key]
                break
    return title, detail


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form; an HTTP date counts as unknown)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


class Client:
    """The ETL's HTTP client: JSON GET/POST with throttle and retries; counts what it sends."""

    def __init__(
        self,
        settings: Settings | None = None,
        session: requests.Session | None = None,
        on_request: Callable[[str, str], None] | None = None,
    ):
        self.settings = settings or Settings()
        self.session = session or make_session()
        self.on_request = on_request
        self.sent: Counter[str] = Counter()
        self._windows: dict[str, SlidingWindow] = {}
        self._windows_lock = threading.Lock()
        self._run_ends: float | None = None
        self._step = threading.local()  # the source whose step is being taken, per thread

    # ---------------------------------------------------------------- public

    def get_json(
        self,
        url: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """GET `url` and return the decoded JSON body."""
        return self.request_json("GET", url, params=params, headers=headers)

    def post_json(
        self,
        url: str,
        body: Any,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """POST `body` as JSON to `url` and return the decoded JSON response."""
        return self.request_json("POST", url, params=params, body=body, headers=headers)

    def get_bytes(self, url: str, params: Mapping[str, str] | None = None) -> bytes | None:
        """GET `url` and return the raw body (a zip download); same throttle and retries."""
        return self.request_json("GET", url, params=params, raw=True)

    def send(self, request: Request) -> Any:
        """Send one request (throttled, retried); the decoded JSON body, or ApiError."""
        return self.request_json(
            request.method,
            request.url,
            params=request.params,
            body=request.body,
            headers=request.headers,
        )

    def begin_run(self) -> None:
        """Start the run's clock: from now on every request ends by `settings.run_deadline`."""
        self._run_ends = time.monotonic() + self.settings.run_deadline

    def perform(self, source: str, step: Step, fetch: Callable[[], T], unsent: T) -> T:
        """Take one step of a source: run `fetch` (a dry-run client lists the step instead)."""
        before = getattr(self._step, "source", None)
        self._step.source = source
        try:
            return fetch()
        finally:
            self._step.source = before

    def body_limit(self) -> int:
        """The largest answer accepted now: the settings' cap, else that of the source whose
        step is being taken, else the default in etl/sources/settings.py."""
        if self.settings.max_body_bytes is not None:
            return self.settings.max_body_bytes
        from etl.sources.settings import MAX_RESPONSE_BYTES

        source = _registry().REGISTRY.get(getattr(self._step, "source", None) or "")
        limit = getattr(source, "max_response_bytes", None)
        return int(limit) if limit else MAX_RESPONSE_BYTES

    def request_json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        """Send one request with throttle and retries; the JSON body (`raw`: the bytes), or
        ApiError."""
        s = self.settings
        invalid_seen = 0

        def retryable(exc: BaseException) -> bool:
            nonlocal invalid_seen
            if isinstance(exc, InvalidJson):
                invalid_seen += 1
                return invalid_seen <= s.invalid_json_retries
            return isinstance(exc, ApiError) and exc.retryable

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, ApiError) and exc.retry_after is not None:
                return min(exc.retry_after, s.retry_after_cap)
            return float(min(s.backoff_max, s.backoff_initial * 2 ** (state.attempt_number - 1)))

        budget = s.max_total_seconds
        if self._run_ends is not None:
            budget = min(budget, max(0.0, self._run_ends - time.monotonic()))
        retrying = Retrying(
            stop=stop_after_attempt(s.max_attempts) | stop_before_delay(budget),
            wait=wait,
            retry=retry_if_exception(retryable),
            reraise=True,
        )
        attempts = 0
        started = time.monotonic()
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    return self._attempt(method, url, params, body, headers, raw)
        except ApiError as exc:
            exc.attempts = attempts
            if attempts > 1:
                elapsed = time.monotonic() - started
                exc.args = (f"{exc.args[0]} (gave up after {attempts} attempts, {elapsed:.1f} s)",)
            raise
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    # ---------------------------------------------------------------- internals

    def _window(self, url: str) -> SlidingWindow | None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        with self._windows_lock:
            if host not in self._windows:
                rate = self.settings.rates.get(host) or self.settings.rates.get(parts.netloc)
                rate = rate or self.settings.default_rate
                if rate is None:
                    return None
                self._windows[host] = SlidingWindow(*rate)
            return self._windows[host]

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: Any,
        headers: Mapping[str, str] | None,
        raw: bool = False,
    ) -> Any:
        window = self._window(url)
        if window is not None:
            window.acquire()
        host = urlsplit(url).netloc
        self.sent[host] += 1
        if self.on_request is not None:
            self.on_request(method, url)
        shown = prepared_url(url, params)
        ends = self._attempt_ends(method, shown)
        left = max(0.01, ends - time.monotonic())
        timeout = (min(self.settings.connect_timeout, left), min(self.settings.read_timeout, left))
        watch = _Watch()
        _WATCH.current = watch
        timer = threading.Timer(left + _SLACK, watch.fire)
        timer.daemon = True
        timer.start()
        try:
            resp = self.session.request(
                method,
                url,
                params=dict(params or {}),
                json=body,
                headers=dict(headers or {}),
                timeout=timeout,
                stream=True,
            )
            try:
                # Read the whole body here, so a reset mid-body is retried.
                content = self._body(resp, ends, method, shown)
            finally:
                resp.close()
            if watch.cut:  # cut at the deadline: what was read may look complete, but is not
                raise self._late(ends, len(content), method, shown)
        except requests.Timeout as e:
            if watch.cut or time.monotonic() >= ends - _SLACK:  # timeouts are cut to the deadline
                raise self._late(ends, 0, method, shown) from e
            raise ApiError(
                f"{method} {shown}: timed out ({type(e).__name__})",
                url=shown,
                method=method,
                retryable=True,
            ) from e
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
            if watch.cut:
                raise self._late(ends, 0, method, shown) from e
            # An unknown host stays unknown (offline, typo): retrying only delays the message.
            unresolved = _unresolved(e)
            raise ApiError(
                f"{method} {shown}: "
                + ("host name not resolved" if unresolved else "connection failed")
                + f" ({type(e).__name__}: {_short(e)})",
                url=shown,
                method=method,
                retryable=not unresolved,
            ) from e
        except requests.RequestException as e:
            raise ApiError(
                f"{method} {shown}: {type(e).__name__}: {_short(e)}", url=shown, method=method
            ) from e
        finally:
            watch.finish()
            timer.cancel()
            _WATCH.current = None
        if resp.status_code >= 400:
            title, detail = problem_text(content)
            words = " — ".join(p for p in (title, detail) if p) or "(empty body)"
            raise ApiError(
                f"HTTP {resp.status_code} from {method} {shown}: {words}",
                url=shown,
                method=method,
                status=resp.status_code,
                title=title,
                detail=detail,
                retryable=resp.status_code in RETRY_STATUSES,
                retry_after=_retry_after(resp.headers.get("Retry-After"))
                if resp.status_code == 429 or resp.status_code == 503
                else None,
            )
        if raw:
            return content
        try:
            return decode(content)
        except orjson.JSONDecodeError as e:
            raise InvalidJson(
                f"invalid JSON from {shown}: {e} ({len(content)} bytes received)",
                url=shown,
                method=method,
                status=resp.status_code,
            ) from e

    def _attempt_ends(self, method: str, shown: str) -> float:
        """When this attempt must be done: the request deadline, or the run's if sooner;
        RunDeadline when the run's has passed."""
        now = time.monotonic()
        ends = now + self.settings.request_deadline
        if self._run_ends is not None:
            if now >= self._run_ends:
                raise RunDeadline(
                    f"{method} {shown}: not sent, the run's deadline of "
                    f"{self.settings.run_deadline:g} s has passed (UB_ETL_RUN_DEADLINE)",
                    url=shown,
                    method=method,
                )
            ends = min(ends, self._run_ends)
        return ends

    def _late(self, ends: float, received: int, method: str, shown: str) -> ApiError:
        """The error for an attempt that passed `ends`: the run's deadline (not retried) or
        the request's (retried, as a timeout is)."""
        run_over = self._run_ends is not None and ends >= self._run_ends
        what = (
            f"the run's deadline of {self.settings.run_deadline:g} s (UB_ETL_RUN_DEADLINE)"
            if run_over
            else f"the request deadline of {self.settings.request_deadline:g} s"
        )
        kind = RunDeadline if run_over else ApiError
        return kind(
            f"{method} {shown}: no complete answer within {what}; {received} bytes received",
            url=shown,
            method=method,
            retryable=not run_over,
        )

    def _body(self, resp: requests.Response, ends: float, method: str, shown: str) -> bytes:
        """The whole body, read as it arrives: ApiError past `ends` (the run's deadline: not
        retried) or beyond the body limit (not retried: it would be as large again)."""
        limit = self.body_limit()
        too_large = (
            f"{method} {shown}: the answer is larger than the {_mb(limit)} limit for "
            f"{getattr(self._step, 'source', None) or 'this source'} (max_response_bytes)"
        )
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ApiError(
                f"{too_large}; it declares {_mb(int(declared))}", url=shown, method=method
            )
        buf = bytearray()
        while True:
            if time.monotonic() > ends:
                raise self._late(ends, len(buf), method, shown)
            try:
                # read1: one socket read, so a trickle returns each few bytes and the clock
                # above is checked between them.
                chunk = resp.raw.read1(_READ_CHUNK)
            except urllib3.exceptions.ReadTimeoutError as e:
                if time.monotonic() >= ends - _SLACK:  # the socket timeout was the deadline's
                    raise self._late(ends, len(buf), method, shown) from e
                raise requests.Timeout(str(e)) from e
            except (urllib3.exceptions.HTTPError, OSError) as e:
                raise requests.ConnectionError(str(e)) from e
            if not chunk:
                return bytes(buf)
            buf += chunk
            if len(buf) > limit:
                raise ApiError(
                    f"{too_large}; stopped reading at {_mb(len(buf))}", url=shown, method=method
                )


class DryRunClient(Client):
    """Records and prints every request it is asked to send (method, URL, body); sends none."""

    def __init__(self, out: IO[str] | None = None):
        super().__init__(Settings(rates={}))
        self.out = out or sys.stdout
        self.requests: list[Request] = []

    @property
    def listed(self) -> int:
        """How many requests were recorded."""
        return len(self.requests)

    def perform(self, source: str, step: Step, fetch: Callable[[], T], unsent: T) -> T:
        """List the step's planned requests under a heading; `fetch` is not called."""
        mark = "" if step.verified else " [unverified]"
        print(f"# {source} {step.what}{mark}", file=self.out)
        for request in step.requests:
            self.send(request)
        return unsent

    def send(self, request: Request) -> Any:
        """Record and print the request with its remarks; there is no response (None)."""
        self.requests.append(request)
        print(f"{request.method:<4} {prepared_url(request.url, request.params)}", file=self.out)
        if request.body is not None:
            print(f"     {json.dumps(request.body, ensure_ascii=False)}", file=self.out)
        for note in request.notes:
            print(f"     # {note}", file=self.out)
        return None

    def request_json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        """Record the request instead of sending it (None)."""
        # Imported here: the sources' package imports this module before it defines Request.
        from etl.sources.base import Request

        return self.send(Request(method, url, dict(params or {}), body, dict(headers or {})))


def probe(url: str, timeout: float) -> bool:
    """One GET without retries: True when the server answers 2xx within `timeout` seconds."""
    try:
        with make_session() as session:
            resp = session.get(url, timeout=(timeout, timeout))
            return bool(resp.ok)
    except requests.RequestException:
        return False


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n} bytes"


def _unresolved(exc: BaseException) -> bool:
    """True when `exc` (or an exception behind it) is a failed host-name lookup."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, socket.gaierror) or type(e).__name__ == "NameResolutionError":
            return True
        # urllib3 keeps the cause in `reason` (MaxRetryError) as well as in __cause__.
        todo += [e.__cause__, e.__context__, getattr(e, "reason", None)]
        todo += [a for a in e.args if isinstance(a, BaseException)]
    return False


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
