"""N Streamlit replicas on loopback ports behind one HAProxy: start, health, restart, stop."""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard.py"
TEMPLATE = Path(__file__).with_name("haproxy.cfg")
BACKEND = "replicas"
HEALTH = "/_stcore/health"


class ServeError(RuntimeError):
    """A replica or the proxy did not start, or stopped unexpectedly."""


CPUS_PER_REPLICA = 2


def default_replicas() -> int:
    """One replica per two CPUs this process may use (at least one).

    Measured on 2 CPUs (bench/README.md): one replica held 20 sessions at p95 1.2 s in 400 MB
    with the load average near 2 (the work outside the GIL, in DuckDB and Arrow, uses the
    second core); a second replica halved the p95 but took 780 MB, over the 600 MB that
    issue 16 allows all server processes together.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // CPUS_PER_REPLICA)


def proxy_binary() -> str | None:
    """The haproxy executable, or None; Debian puts it in /usr/sbin, often off a user's PATH.

    UB_HAPROXY names another executable; a path that is not one means "none" (one replica).
    """
    chosen = os.environ.get("UB_HAPROXY")
    if chosen is not None:
        return chosen if os.access(chosen, os.X_OK) else None
    found = shutil.which("haproxy")
    if found:
        return found
    return "/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (for tests and replicas)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def healthy(url: str, timeout: float = 1.0) -> bool:
    """True when Streamlit at `url` answers its health endpoint with 200."""
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=timeout) as r:
            return int(r.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def _die_with_parent() -> None:
    """In the child before exec: on Linux, get SIGTERM when the supervisor dies (even by
    SIGKILL), so no replica or proxy outlives it holding its port."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def streamlit_command(port: int, address: str | None, watch_files: bool) -> list[str]:
    """`streamlit run dashboard.py` on `port` (and `address` when given), headless."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port)]
    if address:
        cmd += ["--server.address", address]
    cmd += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    if not watch_files:
        # Replicas serve; nobody edits their code while they run, so no watcher threads.
        cmd += ["--server.fileWatcherType", "none"]
    return cmd


@dataclass
class Replica:
    """One Streamlit process on a loopback port, named as HAProxy knows it (r1, r2, …)."""

    name: str
    port: int
    proc: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@dataclass
class Cluster:
    """Replicas plus the proxy on `port`; with `replicas == 1` and no proxy, Streamlit alone.

    `env` is added to the environment of every replica (UB_WAREHOUSE and friends). Logs go to
    the run folder when `quiet`, else to this process's stdout and stderr.
    """

    replicas: int
    port: int = 8501
    bind: str = "*"
    env: dict[str, str] = field(default_factory=dict)
    run_dir: Path | None = None
    quiet: bool = False
    proxy: str | None = None
    members: list[Replica] = field(default_factory=list)
    proxy_proc: subprocess.Popen[bytes] | None = None
    _own_dir: bool = False

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("*", "0.0.0.0", "") else self.bind
        return f"http://{host}:{self.port}"

    @property
    def socket_path(self) -> Path:
        assert self.run_dir is not None
        return self.run_dir / "haproxy.sock"

    def start(self, timeout: float = 120) -> None:
        """Start every replica, wait until each is healthy, then put the proxy in front."""
        if self.replicas > 1 and self.proxy is None:
            raise ServeError("more than one replica needs haproxy (apt-get install haproxy)")
        if self.run_dir is None:
            self.run_dir = Path(tempfile.mkdtemp(prefix="ub-serve-"))
            self._own_dir = True
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # Every replica must sign and read the same cookies (st.login, XSRF) whichever
        # replica set them; a shared secret per run unless the operator set one.
        self.env.setdefault(
            "STREAMLIT_SERVER_COOKIE_SECRET",
            os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32),
        )
        try:
            if self.proxy is None:
                self.members = [Replica("r1", self.port)]
            else:
                self.members = [Replica(f"r{i + 1}", free_port()) for i in range(self.replicas)]
            for r in self.members:
                self._launch(r)
            deadline = time.monotonic() + timeout
            for r in self.members:
                self._wait_healthy(r, deadline)
            if self.proxy is not None:
                self._start_proxy(deadline)
        except BaseException:
            self.stop()
            raise

    def _launch(self, r: Replica) -> None:
        if self.proxy is None:  # Streamlit alone, as `streamlit run` always served
            address, watch_files = (None if self.bind in ("*", "") else self.bind), True
        else:
            address, watch_files = "127.0.0.1", False
        env = dict(os.environ)
        env.update(self.env)
        out: IO[bytes] | int | None = None
        if r.log is not None:
            r.log.close()
        if self.quiet:
            assert self.run_dir is not None
            r.log = open(self.run_dir / f"{r.name}.log", "ab")  # noqa: SIM115 (lives with proc)
            out = r.log
        r.proc = subprocess.Popen(
            streamlit_command(r.port, address, watch_files),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )

    def _wait_healthy(self, r: Replica, deadline: float) -> None:
        while time.monotonic() < deadline:
            if not r.running():
                raise ServeError(f"replica {r.name} exited during start{self._log_hint(r)}")
            if healthy(r.url):
                return
            time.sleep(0.2)
        raise ServeError(f"replica {r.name} did not become healthy{self._log_hint(r)}")

    def _log_hint(self, r: Replica) -> str:
        return f" (log: {self.run_dir / (r.name + '.log')})" if self.quiet and self.run_dir else ""

    def config(self) -> str:
        """The HAProxy configuration for the current replicas, from serve/haproxy.cfg."""
        servers = "\n".join(
            f"    server {r.name} 127.0.0.1:{r.port} cookie {r.name}" for r in self.members
        )
        bind = f"{'' if self.bind == '*' else self.bind}:{self.port}"
        return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
            socket=str(self.socket_path), bind=bind, servers=servers
        )

    def _start_proxy(self, deadline: float) -> None:
        assert self.proxy is not None and self.run_dir is not None
        cfg = self.run_dir / "haproxy.cfg"
        cfg.write_text(self.config(), encoding="utf-8")
        check = subprocess.run([self.proxy, "-c", "-f", str(cfg)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ServeError(f"haproxy rejected {cfg}: {check.stdout}{check.stderr}")
        out: IO[bytes] | None = None
        if self.quiet:
            out = open(self.run_dir / "haproxy.log", "ab")  # noqa: SIM115 (lives with proc)
        # -db: stay in the foreground, so this process supervises it and forwards signals.
        self.proxy_proc = subprocess.Popen(
            [self.proxy, "-db", "-f", str(cfg)],
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        while time.monotonic() < deadline:
            if self.proxy_proc.poll() is not None:
                raise ServeError(f"haproxy exited with {self.proxy_proc.returncode}")
            if healthy(self.url):
                return
            time.sleep(0.2)
        raise ServeError(f"haproxy on port {self.port} did not answer")

    def admin(self, command: str) -> str:
        """One command on HAProxy's runtime API (e.g. `show stat`), and its answer."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.socket_path))
            s.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def states(self) -> dict[str, str]:
        """HAProxy's view of each replica: UP, DOWN, MAINT, … (needs the proxy)."""
        text = self.admin("show stat").lstrip("# ")
        rows = csv.DictReader(text.splitlines())
        return {
            row["svname"]: row["status"]
            for row in rows
            if row["pxname"] == BACKEND and row["svname"] not in ("FRONTEND", "BACKEND")
        }

    def member(self, name: str) -> Replica:
        for r in self.members:
            if r.name == name:
                return r
        raise KeyError(name)

    def kill(self, name: str) -> None:
        """Kill one replica outright (SIGKILL), as a crash would; the proxy routes around it."""
        r = self.member(name)
        if r.proc is not None and r.running():
            r.proc.kill()
            r.proc.wait(timeout=10)

    def restart(self, name: str, timeout: float = 120) -> None:
        """Restart one replica while the others serve: out of rotation, stop, start, back in.

        Its sessions reconnect through the proxy to another replica; the view lives in the URL,
        so the browser's reconnect rebuilds the same page there.
        """
        r = self.member(name)
        if self.proxy_proc is not None:
            self.admin(f"set server {BACKEND}/{name} state maint")
        _stop(r.proc)
        self._launch(r)
        self._wait_healthy(r, time.monotonic() + timeout)
        if self.proxy_proc is not None:
            self.admin(f"set server {BACKEND}/{name} state ready")
            # Back in rotation once the proxy's own check passes again (not merely "UP 1/2",
            # which still counts a failure from while the replica was stopped).
            deadline = time.monotonic() + timeout
            while self.states().get(name) != "UP":
                if time.monotonic() > deadline:
                    raise ServeError(f"haproxy does not see {name} as UP again")
                time.sleep(0.2)

    def rolling_restart(self) -> None:
        """Restart every replica, one at a time (new code or configuration)."""
        for r in self.members:
            self.restart(r.name)

    def revive(self) -> list[str]:
        """Restart every replica whose process has ended; the names restarted."""
        dead = [r.name for r in self.members if r.proc is not None and not r.running()]
        for name in dead:
            self.restart(name)
        return dead

    def pids(self) -> dict[str, int]:
        """Process id of the proxy and of every running replica, by name."""
        found = {r.name: r.proc.pid for r in self.members if r.proc is not None and r.running()}
        if self.proxy_proc is not None and self.proxy_proc.poll() is None:
            found["haproxy"] = self.proxy_proc.pid
        return found

    def stop(self) -> None:
        """Stop the proxy (no new connections), then every replica; remove a temporary run dir."""
        _stop(self.proxy_proc)
        for r in self.members:
            _stop(r.proc)
            if r.log is not None:
                r.log.close()
        if self._own_dir and self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def _stop(proc: subprocess.Popen[bytes] | None, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
