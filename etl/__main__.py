"""Command line: `python -m etl {demo,refresh,ensure,status,import,publish}`."""

from __future__ import annotations

import argparse
import sys

from etl.load import LoadError, read_runs
from etl.sources import REGISTRY
from utfordringsbilde.config import ConfigError
from utfordringsbilde.paths import warehouse_path


def _demo(args: argparse.Namespace) -> int:
    from etl import demo

    run = demo.build(seed=args.seed)
    print(f"Demo warehouse built: {run.rows} observations -> {warehouse_path()} (run {run.run_id})")
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from etl import refresh

    kommuner = args.kommune.split(",") if args.kommune else None
    sources = args.source.split(",") if args.source else None
    return refresh.main(
        kommuner=kommuner, sources=sources, dry_run=args.dry_run, replace_demo=args.replace_demo
    )


def _ensure(args: argparse.Namespace) -> int:
    """Used by `make run`: keep a warehouse that exists, else try live, else build demo data."""
    from etl import demo, refresh

    path = warehouse_path()
    if path.exists():
        print(f"Using the existing warehouse at {path}.")
        return 0
    if not args.offline and refresh.apis_reachable(timeout=args.probe_timeout):
        print("The public APIs answer: fetching live data (this takes a few minutes).")
        try:
            return refresh.main(kommuner=None, sources=None, dry_run=False)
        except LoadError as e:
            print(f"Live refresh failed ({e}); using the demo data instead.")
    else:
        print("The public APIs did not answer within a few seconds: using the demo data.")
    run = demo.build()
    print(f"Demo warehouse built: {run.rows} observations (simulated numbers, shown as such).")
    return 0


def _printable(text: object) -> str:
    """Text for the terminal: control characters (ESC, BEL, …) shown as escapes, not sent."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


def _status(args: argparse.Namespace) -> int:
    runs = read_runs()[-args.limit :]
    if not runs:
        print("No ETL runs recorded yet.")
        return 0
    print(f"{'started':19}  {'status':7}  {'source':14}  {'rows':>9}  message")
    for r in runs:
        rows = "" if r.rows is None else f"{r.rows:,}".replace(",", " ")
        started, status, source = (_printable(x) for x in (r.started_at, r.status, r.source))
        message = _printable(r.message or "")
        print(f"{started:19}  {status:7}  {source:14}  {rows:>9}  {message}")
    return 0


def _import(args: argparse.Namespace) -> int:
    """Check a file of the kommune's own figures; load it only when every row is valid."""
    from pathlib import Path

    from etl.sources import local

    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 1
    checked, run = local.import_file(path, kommune=args.kommune)
    for p in checked.problems:
        print(f"error: {p}", file=sys.stderr)
    for w in checked.warnings:
        print(f"warning: {w}")
    for n in checked.notes:
        print(f"note: {n}")
    if run is None:
        print(f"{len(checked.problems)} problems: nothing was loaded.", file=sys.stderr)
        return 1
    print(
        f"Imported {len(checked.observations)} rows -> {warehouse_path()} "
        f"(run {run.run_id}, sha256 {checked.sha256[:16]})"
    )
    return 0


def _publish(args: argparse.Namespace) -> int:
    """Write the warehouse as Parquet partitioned by fylke and kommune into --out."""
    from pathlib import Path

    from etl import publish

    done = publish.publish(
        Path(args.warehouse) if args.warehouse else warehouse_path(), Path(args.out)
    )
    kb = sorted(done.kommune_bytes.values()) or [0]
    print(
        f"Published {done.rows.get('observation', 0)} observations -> {done.out} "
        f"({done.total_bytes / 2**20:.1f} MB; per kommune median {kb[len(kb) // 2] / 1024:.0f} kB,"
        f" max {kb[-1] / 1024:.0f} kB)"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per `python -m etl` command."""
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="build the warehouse from simulated, seeded demo data")
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=_demo)

    p = sub.add_parser("refresh", help="fetch every catalog indicator from the public APIs")
    p.add_argument("--kommune", help="comma-separated kommune numbers (default: all configured)")
    p.add_argument("--source", help=f"comma-separated sources: {','.join(REGISTRY)}")
    p.add_argument("--dry-run", action="store_true", help="print the requests, send none")
    p.add_argument(
        "--replace-demo",
        action="store_true",
        help="switch a demo warehouse to live data: the simulated rows go, imported rows stay",
    )
    p.set_defaults(func=_refresh)

    p = sub.add_parser("ensure", help="build a warehouse if there is none (live, else demo)")
    p.add_argument("--offline", action="store_true", help="do not try the live APIs")
    p.add_argument("--probe-timeout", type=float, default=3.0)
    p.set_defaults(func=_ensure)

    p = sub.add_parser("status", help="list recent ETL runs")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=_status)

    p = sub.add_parser("import", help="import the kommune's own district figures (CSV or XLSX)")
    p.add_argument("file", help="a file in the template's format (data/templates/)")
    p.add_argument("--kommune", help="kommune number, e.g. 3301 (default: guessed from the areas)")
    p.set_defaults(func=_import)

    p = sub.add_parser("publish", help="write the warehouse as Parquet partitioned by kommune")
    p.add_argument("--out", required=True, help="folder to write (replaced as a whole)")
    p.add_argument("--warehouse", help="DuckDB file to publish (default: the warehouse)")
    p.set_defaults(func=_publish)
    return parser


def commands() -> list[str]:
    """The names of every `python -m etl` command."""
    subs = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return [name for a in subs for name in a.choices]


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one command; errors become one clear line and exit code 1."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (ConfigError, LoadError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
