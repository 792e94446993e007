"""The only writer of the warehouse: build a new DuckDB file, validate it, swap it in atomically.

A run that fails anywhere leaves the last good warehouse untouched (the new file is deleted)
and is recorded in the runs log, which every later warehouse carries in its `etl_run` table.
A run is recorded when it starts, and holds a lock file while it lives; a run killed outright
(kill -9, power cut) is found by the next one, marked interrupted, and its temp files removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pandas as pd

from utfordringsbilde import districts, stats, suppression
from utfordringsbilde.config import (
    Catalog,
    Kommune,
    Text,
    load_catalog,
    load_kommuner,
    national_kommuner,
)
from utfordringsbilde.paths import runs_log_path, warehouse_path
from utfordringsbilde.schema import OBSERVATION_KEY, create_schema
from utfordringsbilde.warehouse import _quote

try:  # advisory locks free themselves when their process dies, however it dies
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not checked for liveness
    fcntl = None  # type: ignore[assignment]

OBSERVATION_COLUMNS = (
    *OBSERVATION_KEY,
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "flag",
    "source",
    "source_updated",
    "approximate",
)

AREA_COLUMNS = ("area_code", "name", "level", "parent_code", "kommune_code", "demo_code")


class LoadError(RuntimeError):
    """An ETL run failed; the message names the source, table and cause."""


@dataclass
class RunRecord:
    """One ETL run as the runs log and the `etl_run` table record it."""

    run_id: str
    source: str
    started_at: str
    finished_at: str | None = None
    status: str = "running"
    rows: int | None = None
    message: str | None = None


@dataclass
class Builder:
    """A warehouse under construction; producers add areas and observations to it."""

    con: duckdb.DuckDBPyConnection
    run_id: str
    catalog: Catalog
    kommuner: dict[str, Kommune]
    missing: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # Meta rows a producer sets once it knows the run id (they win over build_warehouse's meta).
    meta: dict[str, str] = field(default_factory=dict)
    # Causes that make a successful run partial (indicators a refreshed source could not give).
    partial: list[str] = field(default_factory=list)

    def add_observations(self, frame: pd.DataFrame) -> int:
        """Stage observation rows; absent optional columns get defaults. Returns rows added."""
        if frame.empty:
            return 0
        required = {"indicator_id", "area_code", "period_from", "period_to", "source"}
        lacking = required - set(frame.columns)
        if lacking:
            raise LoadError(f"observations lack columns: {', '.join(sorted(lacking))}")
        out = pd.DataFrame(index=frame.index)
        for col in OBSERVATION_COLUMNS:
            if col in frame.columns:
                out[col] = frame[col]
            elif col in ("sex", "age_group"):
                out[col] = "all"
            elif col == "approximate":
                out[col] = False
            else:
                out[col] = None
        for col in ("value", "numerator", "denominator", "ci_low", "ci_high"):
            out[col] = pd.to_numeric(out[col], errors="raise").astype("float64")
        out["source_updated"] = pd.to_datetime(out["source_updated"], utc=True).dt.tz_localize(None)
        out["approximate"] = out["approximate"].astype("boolean").fillna(False).astype(bool)
        self.con.register("_staged", out)
        try:
            self.con.execute(
                f"INSERT INTO observation_stage SELECT {', '.join(OBSERVATION_COLUMNS)}, "
                "? FROM _staged",
                [self.run_id],
            )
        finally:
            self.con.unregister("_staged")
        return len(out)

    def add_areas(self, frame: pd.DataFrame) -> None:
        """Add areas not in the config (e.g. peer kommuner, all fylker); existing codes are kept."""
        out = frame.reindex(columns=list(AREA_COLUMNS))
        out["demo_code"] = out["demo_code"].astype("boolean").fillna(False).astype(bool)
        self.con.register("_areas", out)
        try:
            self.con.execute(
                f"INSERT INTO area ({', '.join(AREA_COLUMNS)}) SELECT * FROM _areas "
                "WHERE area_code NOT IN (SELECT area_code FROM area)"
            )
        finally:
            self.con.unregister("_areas")

    def add_members(self, frame: pd.DataFrame) -> None:
        """Add district → grunnkrets memberships (area_code, grunnkrets_code) not yet present."""
        out = frame.reindex(columns=["area_code", "grunnkrets_code"]).drop_duplicates()
        self.con.register("_members", out)
        try:
            self.con.execute(
                "INSERT INTO district_member SELECT * FROM _members m WHERE NOT EXISTS "
                "(SELECT 1 FROM district_member d WHERE d.area_code = m.area_code "
                "AND d.grunnkrets_code = m.grunnkrets_code)"
            )
        finally:
            self.con.unregister("_members")

    def add_shape(self, area_code: str, geojson: str) -> None:
        """Store a boundary (GeoJSON text) for an area."""
        self.con.execute("INSERT OR REPLACE INTO area_shape VALUES (?, ?)", [area_code, geojson])

    def mark_missing(self, indicator_id: str, reason: str) -> None:
        """Declare that this run has no data for an indicator, and why."""
        self.missing[indicator_id] = reason

    def set_parents(self, parents: Mapping[str, str]) -> None:
        """Give areas that have no parent the one named, when that parent is a known area."""
        if not parents:
            return
        frame = pd.DataFrame(list(parents.items()), columns=["area_code", "parent_code"])
        self.con.register("_parents", frame)
        try:
            self.con.execute(
                "UPDATE area SET parent_code = p.parent_code FROM _parents p "
                "WHERE area.area_code = p.area_code AND area.parent_code IS NULL "
                "AND p.parent_code IN (SELECT area_code FROM area)"
            )
        finally:
            self.con.unregister("_parents")

    def rename_areas(self, names: Mapping[str, str]) -> None:
        """Replace the names of known areas (e.g. grunnkretser named by their own register)."""
        if not names:
            return
        frame = pd.DataFrame(list(names.items()), columns=["area_code", "name"])
        self.con.register("_names", frame)
        try:
            self.con.execute(
                "UPDATE area SET name = n.name FROM _names n WHERE area.area_code = n.area_code"
            )
        finally:
            self.con.unregister("_names")

    def staged_indicators(self) -> set[str]:
        """Indicators with at least one observation staged so far."""
        rows = self.con.execute("SELECT DISTINCT indicator_id FROM observation_stage").fetchall()
        return {r[0] for r in rows}

    def carry_over(
        self,
        old: Path,
        reloaded: Iterable[str],
        fetched: Iterable[str],
        *,
        pairs: Iterable[tuple[str, str]] = (),
        only_replaced: bool = False,
        drop_runs: Iterable[str] = (),
    ) -> int:
        """Copy the current warehouse's catalog rows this run does not reload, and its shapes.

        A row is kept when its indicator is not among `reloaded` or its area not among
        `fetched`, it is not one of `pairs` (indicator, area), and its area is known. With
        `only_replaced`, a reloaded row is dropped only where this run staged rows for the
        same indicator and area (a step that failed or gave nothing keeps the old rows).
        Rows of the runs in `drop_runs` (e.g. the demo build) are never kept. Shapes are kept
        for areas this run drew none for.
        """
        if not old.exists():
            return 0
        catalog = [i.id for i in self.catalog.indicators]
        self.con.execute(f"ATTACH '{_quote(str(old))}' AS old_wh (READ_ONLY)")
        replaced = (
            "AND EXISTS (SELECT 1 FROM observation_stage s WHERE s.indicator_id = o.indicator_id "
            "AND s.area_code = o.area_code)"
            if only_replaced
            else ""
        )
        try:
            before = self._staged_rows()
            # A warehouse built before the `approximate` column had no approximate figures.
            has = {
                r[0]
                for r in self.con.execute(
                    "SELECT column_name FROM duckdb_columns() "
                    "WHERE database_name = 'old_wh' AND table_name = 'observation'"
                ).fetchall()
            }
            columns = [c if c in has else f"false AS {c}" for c in OBSERVATION_COLUMNS]
            self.con.execute(
                f"INSERT INTO observation_stage SELECT {', '.join(columns)}, "
                "etl_run_id FROM old_wh.observation o "
                "WHERE list_contains($catalog, indicator_id) "
                "AND area_code IN (SELECT area_code FROM area) "
                "AND NOT list_contains($drop_runs, etl_run_id) "
                "AND NOT list_contains($pairs, indicator_id || chr(31) || area_code) "
                "AND NOT (list_contains($reloaded, indicator_id) "
                f"AND list_contains($fetched, area_code) {replaced})",
                {
                    "catalog": catalog,
                    "reloaded": list(reloaded),
                    "fetched": list(fetched),
                    "pairs": [f"{i}\x1f{a}" for i, a in pairs],
                    "drop_runs": list(drop_runs),
                },
            )
            self.con.execute(
                "INSERT INTO area_shape SELECT * FROM old_wh.area_shape "
                "WHERE area_code NOT IN (SELECT area_code FROM area_shape)"
            )
            self.con.execute(
                "INSERT INTO district_member SELECT m.* FROM old_wh.district_member m "
                "WHERE m.area_code IN (SELECT area_code FROM area) AND NOT EXISTS "
                "(SELECT 1 FROM district_member d WHERE d.area_code = m.area_code)"
            )
            return self._staged_rows() - before
        finally:
            self.con.execute("DETACH old_wh")

    def _staged_rows(self) -> int:
        row = self.con.execute("SELECT count(*) FROM observation_stage").fetchone()
        return int(row[0]) if row else 0


def config_areas(kommuner: Iterable[Kommune]) -> pd.DataFrame:
    """Areas the kommune files declare: landet, fylker, kommuner, peers, districts, grunnkretser."""
    rows: list[dict[str, Any]] = [
        {"area_code": "0", "name": "Landet", "level": "land", "parent_code": None}
    ]
    # A configured kommune may also be another's peer; its own row (with its fylke and
    # districts) must win, so peers go last and duplicates keep the first row.
    peers: list[dict[str, Any]] = []
    for k in kommuner:
        rows.append(
            {"area_code": k.fylke.code, "name": k.fylke.name, "level": "fylke", "parent_code": "0"}
        )
        rows.append(
            {
                "area_code": k.code,
                "name": k.name,
                "level": "kommune",
                "parent_code": k.fylke.code,
                "kommune_code": k.code,
            }
        )
        for peer in k.comparators.peers:
            peers.append(
                {
                    "area_code": peer.code,
                    "name": peer.name,
                    "level": "kommune",
                    "parent_code": None,
                    "kommune_code": peer.code,
                }
            )
        demo = k.districts.demo_codes
        levels = districts.config_levels(k)
        gk_parent: dict[str, str] = {}
        for level in levels:
            for d in level.districts:
                rows.append(
                    {
                        "area_code": d.code,
                        "name": d.name,
                        "level": level.kind,
                        "parent_code": k.code,
                        "kommune_code": k.code,
                        "demo_code": demo and level.kind == "district",
                    }
                )
                # A grunnkrets's parent is its own district where the file has one (imports
                # sum grunnkretser to it), else its delområde.
                for gk in d.grunnkretser:
                    gk_parent.setdefault(gk, d.code)
        for gk, parent in sorted(gk_parent.items()):
            rows.append(
                {
                    "area_code": gk,
                    "name": f"Grunnkrets {gk}",
                    "level": "grunnkrets",
                    "parent_code": parent,
                    "kommune_code": k.code,
                    "demo_code": demo,
                }
            )
    # A peer's fylke from the bundled list of kommuner, where that fylke is one of the files'
    # own (so the overview can compare a peer with it offline); a live refresh sets the rest.
    fylker = {r["area_code"] for r in rows if r["level"] == "fylke"}
    national = national_kommuner()
    for peer_row in peers:
        known = national.get(peer_row["area_code"])
        if known is not None and known.fylke.code in fylker:
            peer_row["parent_code"] = known.fylke.code
    frame = pd.DataFrame(rows + peers).reindex(columns=list(AREA_COLUMNS))
    frame["demo_code"] = frame["demo_code"].astype("boolean").fillna(False).astype(bool)
    return frame.drop_duplicates("area_code", keep="first")


def config_members(kommuner: Iterable[Kommune]) -> pd.DataFrame:
    """district_member rows for every district level the kommune files and data/areas give."""
    frames = [lv.members() for k in kommuner for lv in districts.config_levels(k)]
    if not frames:
        return pd.DataFrame(columns=["area_code", "grunnkrets_code"])
    return pd.concat(frames, ignore_index=True).drop_duplicates()


def _load_config_tables(b: Builder) -> None:
    """Catalog and geography from the config files: the same in every warehouse."""
    con = b.con
    cat = b.catalog
    texts: list[tuple[str, str, str, str, str]] = []

    def add_texts(entity: str, item_id: str, fields: dict[str, Text | None]) -> None:
        texts.extend(
            (entity, item_id, field, lang, text)
            for field, value in fields.items()
            if value is not None
            for lang, text in value.root.items()
        )

    con.executemany(
        "INSERT INTO theme (theme_id, sort_order) VALUES (?, ?)",
        [(th.id, i) for i, th in enumerate(cat.themes)],
    )
    con.executemany(
        "INSERT INTO risk_factor (risk_factor_id, number) VALUES (?, ?)",
        [(r.id, r.number) for r in cat.risk_factors],
    )
    for th in cat.themes:
        add_texts("theme", th.id, {"name": th.name})
    for r in cat.risk_factors:
        add_texts("risk_factor", r.id, {"name": r.name})
    inds = []
    for i, ind in enumerate(cat.indicators):
        inds.append(
            (
                ind.id,
                ind.theme,
                i,
                ind.unit,
                ind.decimals,
                ind.polarity,
                ind.ci_method,
                ind.period_years,
                ind.risk_factors,
                list(ind.prevention_level),
                ind.source.provider,
                ind.source.table,
                ind.source.verified,
                ind.norm,
                ind.source.ended,
            )
        )
        # Every text field of the indicator, under its YAML name; `short` falls back to the name.
        fields: dict[str, Text | None] = {f: v for f, v in ind if isinstance(v, Text)}
        fields["short"] = fields.pop("short_name", None) or ind.name
        add_texts("indicator", ind.id, fields)
    columns = (
        "indicator_id, theme_id, sort_order, unit, decimals, polarity, ci_method, period_years, "
        "risk_factors, prevention_level, source, source_table, source_verified, norm, source_ended"
    )
    con.executemany(f"INSERT INTO indicator ({columns}) VALUES ({', '.join('?' * 15)})", inds)
    con.executemany("INSERT INTO catalog_text VALUES (?, ?, ?, ?, ?)", texts)
    areas = config_areas(b.kommuner.values())
    con.register("_areas", areas)
    con.execute(f"INSERT INTO area ({', '.join(AREA_COLUMNS)}) SELECT * FROM _areas")
    con.unregister("_areas")
    b.add_members(config_members(b.kommuner.values()))
    _load_own_shapes(b)
    history = [
        (c.code, k.code, c.valid_to)
        for k in b.kommuner.values()
        for c in k.history
        if c.code != k.code
    ]
    if history:
        con.executemany("INSERT INTO area_code_history VALUES (?, ?, ?)", history)


def _load_own_shapes(b: Builder) -> None:
    """The district outlines each kommune file names (its `geojson`), in every warehouse: demo,
    offline and live builds draw the kommune's own map, not only the live boundary step."""
    from utfordringsbilde import boundaries

    for k in b.kommuner.values():
        path = k.districts.geojson_path
        if path is None:
            continue
        try:
            shapes = boundaries.own_district_shapes(path, k.code, k.districts.items)
        except boundaries.BoundaryError as e:
            where = f"{path} (districts.geojson of data/kommuner/{k.code}.yaml)"
            raise LoadError(f"{where}: {e}") from None
        for code, text in shapes.items():
            b.add_shape(code, text)


def _suppress_small_areas(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> int:
    """Primary and secondary suppression of district and grunnkrets counts, before any write.

    Sources below the kommune (demo, the kommune's own files) deliver raw counts; only the
    suppressed version ever reaches the warehouse file.
    """
    frame = con.execute(
        """
        SELECT s.rowid AS _rowid, s.indicator_id, s.area_code, s.period_from, s.period_to,
               s.sex, s.age_group, s.numerator, s.denominator, s.flag,
               a.parent_code || '|' || a.level AS _parent, a.kommune_code, a.level
        FROM observation_stage s JOIN area a USING (area_code)
        WHERE a.level IN ('district', 'levekarssone', 'bydel', 'delomrade', 'grunnkrets')
          AND (s.numerator IS NOT NULL OR s.flag = ':')
        """
    ).df()
    if frame.empty:
        return 0
    rules = {ind.id: ind.suppression for ind in catalog.indicators}
    before = frame["flag"].eq(":").sum()
    # Published kommune totals: the attacker's equations where a district's count is unknown.
    # Keyed as the districts' groups are ("<kommune>|<level>"), once for each level below it.
    totals = con.execute(
        """
        SELECT c.parent_code || '|' || c.level AS area_code, s.indicator_id, s.period_from,
               s.period_to, s.sex, s.age_group, s.numerator
        FROM observation_stage s JOIN area a USING (area_code)
        JOIN (SELECT DISTINCT parent_code, level FROM area) c ON c.parent_code = s.area_code
        WHERE a.level = 'kommune' AND s.numerator IS NOT NULL AND s.flag IS NULL
        """
    ).df()
    out = suppression.suppress(frame, rules, parent_column="_parent", totals=totals)
    out = _protect_across_levels(con, frame, out, totals)
    changed = out[out["flag"].eq(":") & ~frame["flag"].eq(":")]
    if not changed.empty:
        con.register("_hidden", changed[["_rowid"]])
        con.execute(
            "UPDATE observation_stage SET flag = ':', value = NULL, numerator = NULL, "
            "ci_low = NULL, ci_high = NULL WHERE rowid IN (SELECT _rowid FROM _hidden)"
        )
        con.unregister("_hidden")
    return int(out["flag"].eq(":").sum() - before)


def _protect_across_levels(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    out: pd.DataFrame,
    totals: pd.DataFrame,
    max_rounds: int = 5,
) -> pd.DataFrame:
    """`out` (suppressed `frame`) with complementary cells hidden until an attacker who
    differences the district levels (all sums of the same grunnkretser) pins no hidden cell.

    Hiding more can pin a newly hidden cell through its own level's periods and sexes, so
    the single-level `protect` runs again after each pass, until neither adds a cell.
    """
    members = con.execute("SELECT area_code, grunnkrets_code FROM district_member").df()
    if members.empty:
        return out
    kommune = con.execute(
        """
        SELECT s.indicator_id, s.area_code, s.period_from, s.period_to, s.sex, s.age_group,
               s.numerator, s.denominator, s.flag, a.kommune_code, a.level
        FROM observation_stage s JOIN area a USING (area_code)
        WHERE a.level = 'kommune' AND (s.numerator IS NOT NULL OR s.flag = ':')
        """
    ).df()
    cols = ["indicator_id", "area_code", "period_from", "period_to", "sex", "age_group",
            "numerator", "denominator", "kommune_code", "level"]  # fmt: skip
    hidden = out["flag"].eq(":").to_numpy()
    # True counts with a hidden mask, as `protect` takes them; the kommune rows stay as they are.
    cells = pd.concat([frame[cols], kommune[cols]], ignore_index=True)
    n = len(frame)
    mask = np.concatenate([hidden, kommune["flag"].eq(":").to_numpy()])
    locked = pd.Series(np.arange(len(cells)) >= n)
    since = None
    for _ in range(max_rounds):
        grown = suppression.protect_levels(cells, pd.Series(mask), members, locked, since)
        new = grown.to_numpy() & ~mask
        if not new.any():
            break
        single = suppression.protect(frame, pd.Series(grown[:n]), totals, since=new[:n])
        since = np.concatenate([single.to_numpy(), grown.to_numpy()[n:]]) & ~mask
        mask = mask | since
    result = out.copy()
    extra = mask[:n] & ~hidden
    result.loc[extra, "flag"] = ":"
    for col in suppression.HIDDEN_COLUMNS:
        if col in result.columns:
            result.loc[extra, col] = np.nan
    return result


def _compute_intervals(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Fill 95 % intervals from numerator and denominator where the source gave none."""
    methods = {ind.id: (ind.ci_method, ind.multiplier) for ind in catalog.indicators}
    for ind_id, (method, mult) in methods.items():
        if method == "none":
            continue
        frame = con.execute(
            "SELECT rowid, numerator, denominator FROM observation_stage "
            "WHERE indicator_id = ? AND ci_low IS NULL AND flag IS NULL "
            "AND numerator IS NOT NULL AND denominator > 0",
            [ind_id],
        ).df()
        if frame.empty:
            continue
        num = frame["numerator"].to_numpy(dtype=float)
        den = frame["denominator"].to_numpy(dtype=float)
        if method == "wilson":
            lo, hi = stats.wilson(num, den, 0.95, multiplier=mult)
        else:
            lo, hi = stats.byar(num, den, 0.95, multiplier=mult)
        frame["ci_low"] = np.asarray(lo, dtype=float)
        frame["ci_high"] = np.asarray(hi, dtype=float)
        con.register("_ci", frame[["rowid", "ci_low", "ci_high"]])
        con.execute(
            "UPDATE observation_stage SET ci_low = _ci.ci_low, ci_high = _ci.ci_high "
            "FROM _ci WHERE observation_stage.rowid = _ci.rowid"
        )
        con.unregister("_ci")


def _validate(b: Builder) -> list[str]:
    """Every rule a warehouse must satisfy before it may replace the current one."""
    con = b.con
    problems: list[str] = []

    def count(sql: str) -> int:
        row = con.execute(sql).fetchone()
        return int(row[0]) if row else 0

    key = ", ".join(OBSERVATION_KEY)
    dup = con.execute(
        f"SELECT {key}, count(*) n FROM observation GROUP BY ALL HAVING n > 1 LIMIT 3"
    ).fetchall()
    if dup:
        problems.append(f"duplicate observation keys, e.g. {dup[0][:-1]}")
    n = count("SELECT count(*) FROM observation WHERE (flag IS NULL) = (value IS NULL)")
    if n:
        problems.append(f"{n} observations have a value and a flag, or neither")
    n = count(
        "SELECT count(*) FROM observation WHERE flag = ':' AND "
        "(numerator IS NOT NULL OR ci_low IS NOT NULL)"
    )
    if n:
        problems.append(f"{n} suppressed observations still carry a count or interval")
    n = count(
        "SELECT count(*) FROM observation WHERE numerator < 0 OR denominator < 0 "
        "OR (numerator > denominator AND indicator_id IN "
        "(SELECT indicator_id FROM indicator WHERE ci_method = 'wilson'))"
    )
    if n:
        problems.append(f"{n} observations have negative counts or numerator > denominator")
    unknown = con.execute(
        "SELECT DISTINCT indicator_id FROM observation "
        "WHERE indicator_id NOT IN (SELECT indicator_id FROM indicator) LIMIT 5"
    ).fetchall()
    if unknown:
        problems.append(f"indicators not in the catalog: {', '.join(r[0] for r in unknown)}")
    unknown = con.execute(
        "SELECT DISTINCT area_code FROM observation "
        "WHERE area_code NOT IN (SELECT area_code FROM area) LIMIT 5"
    ).fetchall()
    if unknown:
        problems.append(f"area codes not in the area table: {', '.join(r[0] for r in unknown)}")
    n = count("SELECT count(*) FROM observation WHERE period_from > period_to")
    if n:
        problems.append(f"{n} observations have period_from after period_to")
    present = {
        r[0] for r in con.execute("SELECT DISTINCT indicator_id FROM observation").fetchall()
    }
    absent = [i.id for i in b.catalog.indicators if i.id not in present and i.id not in b.missing]
    if absent:
        problems.append(
            "catalog indicators with no data and not declared missing: " + ", ".join(absent)
        )
    return problems


def read_runs(log: Path | None = None) -> list[RunRecord]:
    """Every run in the runs log, oldest first, each as its last line says (a run's start is
    a line of its own); an unreadable line is skipped, not fatal."""
    log = log or runs_log_path()
    if not log.exists():
        return []
    runs: dict[str, RunRecord] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            run = RunRecord(**json.loads(line))
        except (json.JSONDecodeError, TypeError):
            continue
        runs[run.run_id] = run  # a later line of a run replaces it, in its first place
    return list(runs.values())


def _lock_path(tmp: Path) -> Path:
    return tmp.with_name(tmp.name + ".lock")


def _start_run(run: RunRecord, tmp: Path, runs_log: Path) -> IO[str]:
    """Take the run's lock file (beside its temp file) and record the run as running; the
    lock is held until `_end_run` or the process's death."""
    lock = _lock_path(tmp)
    for _ in range(3):
        fh = lock.open("a")
        if fcntl is not None:  # blocking: a cleaner holds a lock for a moment only
            fcntl.flock(fh, fcntl.LOCK_EX)
        # A cleaner that took the lock in the moment before ours removed the file: again.
        if lock.exists() and os.stat(lock).st_ino == os.fstat(fh.fileno()).st_ino:
            break
        fh.close()
    _append_run(run, runs_log)
    return fh


def _end_run(fh: IO[str]) -> None:
    """Give up the run's lock and remove its file."""
    Path(fh.name).unlink(missing_ok=True)
    fh.close()


def _is_dead(lock: Path) -> bool:
    """True when no living process holds the lock (or there is no lock file at all)."""
    if not lock.exists():
        return True
    if fcntl is None:  # pragma: no cover - liveness unknown: leave the run alone
        return False
    try:
        with lock.open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _clean_interrupted(target: Path, runs_log: Path, current: str) -> None:
    """Remove the temp files of every dead run beside `target`, and mark those runs, when
    the log still says running, as interrupted.

    Only a run with files beside `target` is judged: a runs log can be shared by several
    targets (bench/out holds more than one), and a run building another target has its lock
    there, not here, so its absence here says nothing about whether it is alive.
    """
    folder, stem, suffix = target.parent, target.stem, target.suffix
    temps = {
        p.name[len(f"{stem}.tmp-") :].split(".", 1)[0]
        for p in folder.glob(f"{stem}.tmp-*")
        if p.name.endswith((suffix, f"{suffix}.wal", f"{suffix}.lock"))
    }
    dead = set()
    for run_id in sorted(temps - {current}):
        tmp = folder / f"{stem}.tmp-{run_id}{suffix}"
        if _is_dead(_lock_path(tmp)):
            dead.add(run_id)
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal"), _lock_path(tmp)):
                leftover.unlink(missing_ok=True)
    for run in read_runs(runs_log):
        if run.status != "running" or run.run_id not in dead:
            continue
        run.status = "interrupted"
        run.message = (
            f"interrupted: the process ended before the run finished (found at {_now()} by "
            f"run {current}, which removed its temp files)"
        )
        _append_run(run, runs_log)


def _append_run(run: RunRecord, log: Path) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(run), ensure_ascii=False) + "\n")


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def build_warehouse(
    produce: Callable[[Builder], None],
    *,
    mode: str,
    source: str,
    target: Path | None = None,
    catalog: Catalog | None = None,
    kommuner: dict[str, Kommune] | None = None,
    runs_log: Path | None = None,
    meta: dict[str, str] | None = None,
    suppress: bool = True,
) -> RunRecord:
    """Build a new warehouse with `produce`, validate it and swap it onto `target`.

    `suppress=False` skips the district suppression: only for a benchmark of reads whose
    producer suppressed its own cells (never for data anyone sees).

    On any failure the old `target` is untouched, the new file is removed, the run is
    recorded as failed in the runs log, and LoadError is raised with the cause.
    """
    target = target or warehouse_path()
    runs_log = runs_log or runs_log_path()
    catalog = catalog if catalog is not None else load_catalog()
    kommuner = kommuner if kommuner is not None else load_kommuner()
    run = RunRecord(run_id=uuid.uuid4().hex[:12], source=source, started_at=_now())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.stem}.tmp-{run.run_id}{target.suffix}")
    lock = _start_run(run, tmp, runs_log)
    # A leftover that cannot be removed now is tried again by the next run.
    with contextlib.suppress(OSError):
        _clean_interrupted(target, runs_log, run.run_id)
    con = duckdb.connect(str(tmp))
    try:
        create_schema(con)
        con.execute("CREATE TEMP TABLE observation_stage AS SELECT * FROM observation LIMIT 0")
        b = Builder(con=con, run_id=run.run_id, catalog=catalog, kommuner=kommuner)
        _load_config_tables(b)
        produce(b)
        hidden = _suppress_small_areas(con, catalog) if suppress else 0
        if hidden:
            b.notes["suppressed"] = f"{hidden} district cells hidden (primary and secondary)"
        _compute_intervals(con, catalog)
        # Pages ask for a few areas at a time; rows stored by area let DuckDB's zone maps skip
        # nearly every row group (3x faster overview queries on the national benchmark).
        con.execute(
            "INSERT INTO observation SELECT * FROM observation_stage "
            "ORDER BY area_code, indicator_id, sex, age_group, period_to"
        )
        con.execute("DROP TABLE observation_stage")
        problems = _validate(b)
        if problems:
            raise LoadError("validation failed: " + "; ".join(problems))
        row = con.execute("SELECT count(*) FROM observation").fetchone()
        run.rows = int(row[0]) if row else 0
        run.status = "partial" if b.partial else "ok"
        run.finished_at = _now()
        notes = dict(b.notes)
        if b.partial:
            notes["partial"] = "; ".join(b.partial)
        run.message = "; ".join(f"{k}: {v}" for k, v in notes.items()) or None
        history = [*(r for r in read_runs(runs_log) if r.run_id != run.run_id), run]
        con.executemany(
            "INSERT INTO etl_run VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (r.run_id, r.source, r.started_at, r.finished_at, r.status, r.rows, r.message)
                for r in history
            ],
        )
        meta_rows = {
            "mode": mode,
            "built_at": run.finished_at,
            "data_version": run.run_id,
            "source": source,
            "kommuner": ",".join(sorted(kommuner)),
            "missing_indicators": json.dumps(b.missing, ensure_ascii=False),
            **(meta or {}),
            **b.meta,
        }
        con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta_rows.items()))
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        con.close()
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        run.status = "failed"
        run.finished_at = _now()
        run.message = str(exc) if isinstance(exc, LoadError) else f"{type(exc).__name__}: {exc}"
        _append_run(run, runs_log)
        _end_run(lock)
        if isinstance(exc, LoadError):
            raise
        if isinstance(exc, Exception):
            raise LoadError(run.message) from exc
        raise
    _append_run(run, runs_log)
    _end_run(lock)
    return run


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; not every filesystem allows opening a folder, so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
