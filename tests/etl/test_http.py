"""etl.http over real HTTP on 127.0.0.1: throttle, retries, timeouts, resets, error bodies."""

from __future__ import annotations

import dataclasses
import re
import time

import pytest

from etl import http
from etl.http import ApiError, Client, InvalidJson, Settings, SlidingWindow
from tests.etl.conftest import FAST
from tests.etl.fakeapi import FakeApis, Fault

CONFIG = "GET /ssb/config"


def config_url() -> str:
    return f"{http.base_url('ssb')}/config"


def test_base_urls_default_to_the_real_apis_and_move_with_env(monkeypatch: pytest.MonkeyPatch):
    for key in ("UB_SSB_BASE", "UB_KLASS_BASE", "UB_FHI_BASE", "UB_GEONORGE_BASE"):
        monkeypatch.delenv(key, raising=False)
    assert http.base_url("ssb") == "https://data.ssb.no/api/pxwebapi/v2"
    assert http.base_url("klass") == "https://data.ssb.no/api/klass/v1"
    assert http.base_url("fhi") == "https://statistikk-data.fhi.no/api/open/v1"
    assert http.base_url("geonorge").startswith("https://api.kartverket.no/")
    monkeypatch.setenv("UB_FHI_BASE", "http://127.0.0.1:9/fhi/")
    assert http.base_url("fhi") == "http://127.0.0.1:9/fhi"


def test_user_agent_names_the_project(api: FakeApis, client: Client):
    assert client.get_json(config_url())["maxDataCells"] == 800000
    ua = api.log[-1].headers["User-Agent"]
    assert ua.startswith("utfordringsbilde/") and "open-source" in ua


def test_sliding_window_counts_the_last_window_only():
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    w = SlidingWindow(3, 10.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        assert w.acquire() == 0
    now[0] = 4.0
    assert w.acquire() == pytest.approx(6.0)  # the first call leaves the window at t=10
    assert slept == [pytest.approx(6.0)]
    now[0] = 25.0
    assert w.acquire() == 0


def test_throttle_spaces_requests_per_host(api: FakeApis):
    c = Client(dataclasses.replace(FAST, rates={"127.0.0.1": (3, 0.3)}))
    start = time.monotonic()
    for _ in range(7):
        c.get_json(config_url())
    # 7 calls at 3 per 0.3 s: the 4th waits for the 1st, the 7th for the 4th.
    assert time.monotonic() - start >= 0.6
    assert c.sent[api.url.removeprefix("http://")] == 7


def test_429_honours_retry_after(api: FakeApis):
    api.fault(CONFIG, Fault.problem(429, "Too many requests", **{"Retry-After": "1"}))
    c = Client(dataclasses.replace(FAST, retry_after_cap=5.0))
    start = time.monotonic()
    assert c.get_json(config_url())["defaultLanguage"] == "no"
    assert time.monotonic() - start >= 1.0
    assert api.hits(CONFIG) == 2


def test_retry_after_is_capped(api: FakeApis, client: Client):
    api.fault(CONFIG, Fault.problem(429, "Too many requests", **{"Retry-After": "3600"}))
    start = time.monotonic()
    client.get_json(config_url())
    assert time.monotonic() - start < 5.0  # FAST caps Retry-After at 0.05 s, not an hour


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried(api: FakeApis, client: Client, status: int):
    api.fault(CONFIG, Fault.problem(status, "Service unavailable"))
    assert client.get_json(config_url())["maxDataCells"] == 800000
    assert api.hits(CONFIG) == 2


def test_retries_are_bounded_in_count(api: FakeApis, client: Client):
    api.fault(CONFIG, dataclasses.replace(Fault.problem(503, "Oppdatering pågår"), times=None))
    with pytest.raises(ApiError) as err:
        client.get_json(config_url())
    assert err.value.status == 503 and err.value.attempts == FAST.max_attempts
    assert "HTTP 503" in str(err.value) and "Oppdatering pågår" in str(err.value)
    assert "gave up after 4 attempts" in str(err.value)
    assert api.hits(CONFIG) == FAST.max_attempts


def test_retries_are_bounded_in_time(api: FakeApis):
    api.fault(CONFIG, dataclasses.replace(Fault.problem(503, "busy"), times=None))
    c = Client(
        dataclasses.replace(
            FAST, max_attempts=100, backoff_initial=0.1, backoff_max=0.1, max_total_seconds=0.35
        )
    )
    start = time.monotonic()
    with pytest.raises(ApiError):
        c.get_json(config_url())
    assert time.monotonic() - start < 3.0  # 100 attempts at 0.1 s would take 10 s
    assert 2 <= api.hits(CONFIG) <= 5


def test_read_timeout_is_retried(api: FakeApis):
    api.fault(CONFIG, Fault("sleep", seconds=0.6))
    c = Client(dataclasses.replace(FAST, read_timeout=0.2))
    assert c.get_json(config_url())["maxDataCells"] == 800000
    assert api.hits(CONFIG) == 2


def test_persistent_timeout_fails_clearly(api: FakeApis):
    api.fault(CONFIG, Fault("sleep", seconds=0.5, times=None))
    c = Client(dataclasses.replace(FAST, read_timeout=0.1, max_attempts=2))
    with pytest.raises(ApiError) as err:
        c.get_json(config_url())
    assert "timed out" in str(err.value) and err.value.status is None
    assert config_url() in str(err.value)


def test_connection_reset_mid_body_is_retried(api: FakeApis, client: Client):
    api.fault(CONFIG, Fault("reset"))
    assert client.get_json(config_url())["maxDataCells"] == 800000
    assert api.hits(CONFIG) == 2


def test_connection_refused_is_an_api_error():
    c = Client(dataclasses.replace(FAST, max_attempts=2))
    with pytest.raises(ApiError, match="connection failed"):
        c.get_json("http://127.0.0.1:9/nothing")


def test_truncated_json_is_retried_once(api: FakeApis, client: Client):
    api.fault(CONFIG, Fault("truncate"))
    assert client.get_json(config_url())["maxDataCells"] == 800000
    assert api.hits(CONFIG) == 2


def test_truncated_json_twice_is_a_clear_error(api: FakeApis, client: Client):
    api.fault(CONFIG, Fault("truncate", times=None))
    with pytest.raises(InvalidJson) as err:
        client.get_json(config_url())
    assert str(err.value).startswith(f"invalid JSON from {config_url()}")
    assert api.hits(CONFIG) == 2  # one retry, not max_attempts


@pytest.mark.parametrize("status", [400, 404])
def test_client_errors_are_not_retried_and_carry_the_problem(
    api: FakeApis, client: Client, status: int
):
    body = {
        "type": "Parameter error",
        "title": "Non-existent value",
        "status": status,
        "detail": "Value, 9999 is not a valid value code for variable Region",
    }
    api.fault(CONFIG, Fault("status", status=status, body=body))
    with pytest.raises(ApiError) as err:
        client.get_json(config_url())
    e = err.value
    assert (e.status, e.title) == (status, "Non-existent value")
    assert "9999" in (e.detail or "") and e.url == config_url()
    assert f"HTTP {status}" in str(e) and "Non-existent value" in str(e)
    assert api.hits(CONFIG) == 1


def test_fhi_status_text_is_the_detail(api: FakeApis, client: Client):
    api.fault(
        "POST /fhi/", Fault("status", status=400, body={"status": "Ukjent dimensjon: KJOENN"})
    )
    with pytest.raises(ApiError) as err:
        client.post_json(f"{http.base_url('fhi')}/nokkel/table/337/data", {"dimensions": []})
    assert err.value.detail == "Ukjent dimensjon: KJOENN"
    assert "Ukjent dimensjon: KJOENN" in str(err.value)


def test_500_with_empty_body_is_not_retried(api: FakeApis, client: Client):
    api.fault(CONFIG, Fault("empty", status=500))
    with pytest.raises(ApiError) as err:
        client.get_json(config_url())
    assert err.value.status == 500 and "(empty body)" in str(err.value)
    assert api.hits(CONFIG) == 1


def test_problem_text_reads_the_known_shapes():
    assert http.problem_text(b"") == (None, None)
    assert http.problem_text(b'{"title":"Too many cells selected","status":400}') == (
        "Too many cells selected",
        None,
    )
    assert http.problem_text(b'{"status":"Feil i GEO"}') == (None, "Feil i GEO")
    title, detail = http.problem_text(
        b'{"title":"One or more validation errors occurred.","status":400,'
        b'"errors":{"dimensions":["required"]}}'
    )
    assert title and detail == "dimensions: required"
    assert http.problem_text(b"<html>Bad gateway</html>") == (None, "<html>Bad gateway</html>")


def test_probe(api: FakeApis):
    assert http.probe(config_url(), timeout=1.0)
    assert not http.probe(f"{api.url}/ssb/nothing", timeout=1.0)
    assert not http.probe("http://127.0.0.1:9/", timeout=0.5)


def test_settings_default_to_the_published_limits():
    s = Settings()
    assert s.rates["data.ssb.no"] == (30, 60.0)
    assert s.connect_timeout > 0 and s.read_timeout > 0
    assert s.max_attempts >= 3 and s.max_total_seconds <= 900


# ------------------------------------------------------------------ deadlines and size caps


def test_a_trickling_body_meets_the_request_deadline(api: FakeApis):
    """Issue 15: a read timeout applies between bytes; each attempt has a wall-clock cap."""
    api.fault(CONFIG, Fault("trickle", seconds=0.05, times=None))  # 489 bytes: 25 s a body
    c = Client(dataclasses.replace(FAST, request_deadline=0.5, max_attempts=2))
    start = time.monotonic()
    with pytest.raises(ApiError) as err:
        c.get_json(config_url())
    assert time.monotonic() - start < 3.0
    assert "no complete answer within the request deadline of 0.5 s" in str(err.value)
    assert "bytes received" in str(err.value) and api.hits(CONFIG) == 2


def test_a_trickle_once_is_retried(api: FakeApis):
    api.fault(CONFIG, Fault("trickle", seconds=0.05))
    c = Client(dataclasses.replace(FAST, request_deadline=0.5))
    assert c.get_json(config_url())["maxDataCells"] == 800000
    assert api.hits(CONFIG) == 2


def test_the_run_deadline_bounds_every_request(api: FakeApis):
    api.fault(CONFIG, Fault("trickle", seconds=0.05, times=None))
    c = Client(dataclasses.replace(FAST, request_deadline=30.0, run_deadline=1.0))
    c.begin_run()
    start = time.monotonic()
    with pytest.raises(http.RunDeadline) as err:
        c.get_json(config_url())
    assert time.monotonic() - start < 2.5
    assert "the run's deadline of 1 s" in str(err.value) and not err.value.retryable
    api.reset()
    with pytest.raises(http.RunDeadline, match="not sent"):
        c.get_json(config_url())  # later requests are not sent at all
    assert api.hits(CONFIG) == 0


def test_an_endless_body_is_cut_at_the_size_cap(api: FakeApis):
    """Issue 15: a body is read as it comes and refused past the cap, not held in memory."""
    api.fault(CONFIG, Fault("flood", size=200 * 2**20))
    c = Client(dataclasses.replace(FAST, max_body_bytes=2**20))
    start = time.monotonic()
    with pytest.raises(ApiError) as err:
        c.get_json(config_url())
    assert time.monotonic() - start < 3.0
    assert "larger than the 1.0 MB limit" in str(err.value)
    # One read past the cap at most: 1 MB and up to 64 KB more, never the 200 MB sent.
    assert re.search(r"stopped reading at 1\.[01] MB", str(err.value)), str(err.value)
    assert api.hits(CONFIG) == 1  # not retried: it would be as large again


def test_a_declared_length_over_the_cap_is_refused_unread(api: FakeApis):
    c = Client(dataclasses.replace(FAST, max_body_bytes=100))
    with pytest.raises(ApiError, match="declares 489 bytes"):
        c.get_json(config_url())


def test_the_cap_is_the_sources_own(api: FakeApis, monkeypatch: pytest.MonkeyPatch):
    from etl.sources import REGISTRY
    from etl.sources.base import Step
    from etl.sources.settings import MAX_RESPONSE_BYTES

    c = Client(FAST)
    assert c.body_limit() == MAX_RESPONSE_BYTES
    monkeypatch.setattr(type(REGISTRY["ssb"]), "max_response_bytes", 100)
    step = Step("table config", ())
    with pytest.raises(ApiError, match="limit for ssb"):
        c.perform("ssb", step, lambda: c.get_json(config_url()), None)
    assert c.perform("fhi", step, lambda: c.get_json(config_url()), None)["maxDataCells"]


def test_trickled_headers_meet_the_request_deadline(api: FakeApis):
    """The status line and headers come before the body loop: a timer cuts the connection."""
    api.fault(CONFIG, Fault("slow_headers", seconds=0.05, times=None))  # ~90 bytes: 4.5 s
    c = Client(dataclasses.replace(FAST, request_deadline=0.5, max_attempts=2))
    start = time.monotonic()
    with pytest.raises(ApiError) as err:
        c.get_json(config_url())
    assert time.monotonic() - start < 3.0
    assert "no complete answer within the request deadline of 0.5 s" in str(err.value)
    api.reset()
    assert c.get_json(config_url())["maxDataCells"] == 800000  # the session is still usable


def test_unresolvable_host_is_not_retried():
    """Offline or a typo: a failed name lookup fails at once instead of after six tries."""
    c = Client(dataclasses.replace(FAST, max_attempts=4, backoff_initial=0.5))
    started = time.monotonic()
    with pytest.raises(ApiError, match="host name not resolved") as info:
        c.get_json("http://nonexistent.invalid/nothing")
    assert info.value.attempts == 1
    assert time.monotonic() - started < 5
