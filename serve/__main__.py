"""`python -m serve`: N Streamlit replicas behind HAProxy on PORT, until SIGTERM or Ctrl-C.

SIGHUP restarts the replicas one at a time (the others keep serving); a replica that dies is
restarted. Without haproxy, or with one replica, Streamlit serves PORT alone.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from types import FrameType

from serve.cluster import Cluster, ServeError, default_replicas, proxy_binary


def main(argv: list[str] | None = None) -> int:
    """Start the cluster, supervise it, stop it cleanly on SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m serve", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8501))
    parser.add_argument(
        "--replicas",
        type=int,
        default=int(os.environ.get("REPLICAS") or default_replicas()),
        help=f"Streamlit processes (default: one per two CPUs, here {default_replicas()})",
    )
    parser.add_argument("--bind", default="*", help="address the proxy listens on (default all)")
    args = parser.parse_args(argv)

    proxy = proxy_binary() if args.replicas > 1 else None
    replicas = max(1, args.replicas)
    if replicas > 1 and proxy is None:
        print(
            f"haproxy is not installed: serving ONE replica instead of {replicas}. "
            "Install it (Debian/Ubuntu: `sudo apt-get install haproxy`) to serve more.",
            flush=True,
        )
        replicas = 1
    cluster = Cluster(replicas=replicas, port=args.port, bind=args.bind, proxy=proxy)

    stopping = False
    restart_all = False

    def on_stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    def on_hup(signum: int, _frame: FrameType | None) -> None:
        nonlocal restart_all
        restart_all = True

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_hup)
    try:
        cluster.start()
        if proxy:
            ports = ", ".join(f"{r.name}:{r.port}" for r in cluster.members)
            print(
                f"Serving {cluster.url} through haproxy over {replicas} replicas ({ports}); "
                f"SIGHUP restarts them one by one (pid {os.getpid()}).",
                flush=True,
            )
        while not stopping:
            time.sleep(1)
            if restart_all:
                restart_all = False
                print("Rolling restart of the replicas.", flush=True)
                cluster.rolling_restart()
            if cluster.proxy_proc is not None and cluster.proxy_proc.poll() is not None:
                raise ServeError(f"haproxy exited with {cluster.proxy_proc.returncode}")
            if proxy is None and not cluster.members[0].running():
                return cluster.members[0].proc.returncode if cluster.members[0].proc else 1
            for name in cluster.revive():
                print(f"Replica {name} had stopped; restarted it.", flush=True)
    except ServeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
