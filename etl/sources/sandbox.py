"""`local.check` in a worker process with a wall-clock deadline and a memory cap.

A crafted file can still cost seconds of parsing within the limits of `etl.sources.limits`,
and Streamlit runs every session in one process: parsed there, it would stall everyone else's
pages (and its memory would stay with the server). `check` runs the same `local.check` in a
fresh interpreter (`python -m etl.sources.sandbox`), niced, with its address space capped by
`resource.setrlimit`, and kills it at the deadline; what comes back is the `Checked` result
(rows or row/column problems), so a refused or stopped file has changed nothing.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from etl.sources.local import Checked
    from utfordringsbilde.config import Catalog, Kommune

ROOT = Path(__file__).resolve().parents[2]
# The worst file within the limits takes 10-16 s to refuse on a loaded 2-CPU machine; a real
# kommune file a second or two. The deadline leaves room for both, and bounds the rest.
TIMEOUT_S = 60.0
# Memory the worker may map on top of what its imports already take (pandas, openpyxl).
MEMORY_MB = 1024
NICE = 5  # the parse yields the CPU to the sessions' renders, without starving


def _setting(name: str, default: float) -> float:
    """A positive number from the environment (UB_IMPORT_TIMEOUT, UB_IMPORT_MEMORY_MB)."""
    from etl.load import LoadError

    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise LoadError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise LoadError(f"{name}={raw!r} must be above 0")
    return value


def _refused(name: str, sha256: str, message: str) -> Checked:
    from etl.sources.local import Checked, Problem

    checked = Checked(file=name, sha256=sha256)
    checked.problems.append(Problem(name, None, None, message))
    return checked


def check(
    data: bytes,
    name: str,
    *,
    kommune: str | None = None,
    catalog: Catalog | None = None,
    kommuner: Mapping[str, Kommune] | None = None,
    warehouse: Path | None = None,
    today: date | None = None,
    tolerance: float | None = None,
    timeout: float | None = None,
    memory_mb: float | None = None,
) -> Checked:
    """`local.check(data, name, ...)` run in a worker process; a worker that runs past
    `timeout` seconds (UB_IMPORT_TIMEOUT, default TIMEOUT_S) is killed, and one that needs more
    than `memory_mb` (UB_IMPORT_MEMORY_MB, default MEMORY_MB) stops: both are a problem."""
    import hashlib

    from etl.sources import local

    timeout = timeout if timeout is not None else _setting("UB_IMPORT_TIMEOUT", TIMEOUT_S)
    memory_mb = memory_mb if memory_mb is not None else _setting("UB_IMPORT_MEMORY_MB", MEMORY_MB)
    suffix = Path(name).suffix.lower()
    if len(data) > local.MAX_BYTES or suffix not in (".csv", ".xlsx"):
        return local.check(data, name)  # refused on its size or name: nothing to parse
    request = {
        "data": data,
        "name": name,
        "kwargs": {"kommune": kommune, "catalog": catalog, "kommuner": kommuner,
                   "warehouse": warehouse, "today": today, "tolerance": tolerance},
        "memory": int(memory_mb * 2**20),
        "cpu": int(timeout) + 1,
    }  # fmt: skip
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    # Allocators that reserve address space up front would hit the cap with nothing used:
    # glibc's per-thread arenas, and pyarrow's jemalloc/mimalloc pool (pandas' string columns).
    env["MALLOC_ARENA_MAX"] = "2"
    env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl.sources.sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    try:
        out, _ = proc.communicate(pickle.dumps(request, pickle.HIGHEST_PROTOCOL), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        sha = hashlib.sha256(data).hexdigest()
        return _refused(
            name,
            sha,
            f"reading the file took longer than {timeout:g} s and was stopped; a template "
            "file of a kommune's figures reads in a few seconds: check that it is the right "
            "file, or split it",
        )
    finally:
        if proc.poll() is None:  # an exception in communicate (e.g. KeyboardInterrupt)
            proc.kill()
            proc.wait()
    sha = hashlib.sha256(data).hexdigest()
    try:
        kind, value = pickle.loads(out)
    except Exception:  # no answer: the worker died (a signal, or memory outside Python)
        return _refused(
            name, sha, f"reading the file stopped unexpectedly (exit code {proc.returncode})"
        )
    if kind == "checked":
        result: Checked = value
        return result
    if kind == "memory":
        return _refused(
            name,
            sha,
            f"reading the file needed more than {memory_mb:g} MB of memory and was stopped; "
            "check that it is the right file, or split it",
        )
    return _refused(name, sha, f"the file could not be read ({value})")


def _limit(memory: int, cpu: int) -> None:
    """Cap this process's address space at what it maps now plus `memory`, and its CPU time."""
    import resource

    mapped = 0
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    mapped = int(line.split()[1]) * 1024
    except OSError:  # not Linux: no address-space cap, the deadline still holds
        return
    resource.setrlimit(resource.RLIMIT_AS, (mapped + memory, mapped + memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _worker() -> int:
    """The worker: a pickled request on stdin, ("checked" | "memory" | "error", value) out."""
    # The answer goes to the real stdout; anything a library prints goes to stderr instead.
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    with contextlib.suppress(OSError):  # not allowed here: run at normal priority
        os.nice(NICE)
    request = pickle.loads(sys.stdin.buffer.read())
    from etl.sources import local
    from utfordringsbilde.config import load_catalog, load_kommuner

    kwargs: dict[str, Any] = request["kwargs"]
    # Loaded before the cap: the cap is for what the file costs, not the catalog.
    kwargs["catalog"] = kwargs["catalog"] or load_catalog()
    kwargs["kommuner"] = kwargs["kommuner"] or load_kommuner()
    _limit(request["memory"], request["cpu"])
    data: bytes = request.pop("data")
    try:
        reply: tuple[str, Any] = ("checked", local.check(data, request["name"], **kwargs))
    except MemoryError:
        traceback.print_exc()
        reply = ("memory", None)
    except Exception as e:  # a reader bug: the user gets its kind, the server log the trace
        traceback.print_exc()
        reply = ("error", type(e).__name__)
    del data
    try:
        answer.write(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        answer.write(pickle.dumps(("memory", None)))
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(_worker())
