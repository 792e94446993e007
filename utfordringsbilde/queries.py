"""SQL against the warehouse; every page's data comes through here, aggregated in DuckDB.

Each function takes a DuckDB connection (or cursor) and returns a pandas DataFrame or plain
values. Area lists are resolved first and passed as constants so DuckDB can push the filter
into the scan of `observation`, which is what keeps the national-scale queries fast.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from utfordringsbilde.districts import KINDS, default_kind
from utfordringsbilde.paths import runs_log_path

Con = duckdb.DuckDBPyConnection

OBS_COLUMNS = (
    "o.indicator_id, o.area_code, o.period_from, o.period_to, o.sex, o.age_group, o.value, "
    "o.numerator, o.denominator, o.ci_low, o.ci_high, o.flag, o.source, o.source_updated, "
    "o.approximate"
)


# Each cell's own source: an imported row names the kommune's file (meta `imports`, run id →
# file name, written by `python -m etl import`); every other row the catalog's table.
_CELL_SOURCE = "coalesce(imp.file, ind.source_table) AS source_table"
_CELL_SOURCE_JOIN = """
        LEFT JOIN indicator ind ON ind.indicator_id = o.indicator_id
        LEFT JOIN (
            SELECT j.key AS run_id, j.value ->> '$' AS file
            FROM (SELECT value FROM meta WHERE key = 'imports') m, json_each(m.value) j
        ) imp ON imp.run_id = o.etl_run_id AND o.source = 'local'
"""


def _in(values: Sequence[str]) -> str:
    """Placeholders for an IN list of `values`."""
    return ", ".join("?" * len(values)) or "NULL"


def kommuner(con: Con) -> pd.DataFrame:
    """Kommuner that have districts in the warehouse: area_code, name, fylke_code, fylke_name."""
    return con.execute(
        f"""
        SELECT k.area_code, k.name, f.area_code AS fylke_code, f.name AS fylke_name
        FROM area k LEFT JOIN area f ON f.area_code = k.parent_code
        WHERE k.level = 'kommune'
          AND EXISTS (
              SELECT 1 FROM area d
              WHERE d.level IN ({_in(KINDS)}) AND d.parent_code = k.area_code
          )
        ORDER BY k.name
        """,
        list(KINDS),
    ).df()


def kommuner_with_data(con: Con) -> pd.DataFrame:
    """Kommuner with districts or any observation of their own (a peer, or one refreshed where
    no district level exists): area_code, name, fylke_code, fylke_name, has_districts."""
    return con.execute(
        f"""
        SELECT k.area_code, k.name, f.area_code AS fylke_code, f.name AS fylke_name,
               EXISTS (
                   SELECT 1 FROM area d
                   WHERE d.level IN ({_in(KINDS)}) AND d.parent_code = k.area_code
               ) AS has_districts
        FROM area k LEFT JOIN area f ON f.area_code = k.parent_code
        WHERE k.level = 'kommune'
          AND (has_districts OR k.area_code IN (SELECT DISTINCT area_code FROM observation))
        ORDER BY k.name
        """,
        list(KINDS),
    ).df()


def district_levels(con: Con, kommune: str) -> list[str]:
    """The district levels the kommune has in the warehouse, default first (districts.KINDS order).

    The sidebar offers these; `districts(con, kommune, level)` lists one level's districts.
    """
    rows = con.execute(
        f"SELECT DISTINCT level FROM area WHERE parent_code = ? AND level IN ({_in(KINDS)})",
        [kommune, *KINDS],
    ).fetchall()
    present = {r[0] for r in rows}
    return [k for k in KINDS if k in present]


@dataclass(frozen=True)
class KommuneCode:
    """What a kommune number someone gave (a link, a bookmark) means in this warehouse.

    status: `current` (a kommune with districts), `renumbered` (an earlier number of one;
    `code` is today's and `valid_to` the last day the asked number was valid), `no_districts`
    (a kommune in the warehouse, e.g. a peer, without a district set-up) or `unknown`.
    """

    asked: str
    code: str | None
    status: Literal["current", "renumbered", "no_districts", "unknown"]
    valid_to: date | None = None


def resolve_kommune(con: Con, asked: str) -> KommuneCode:
    """Today's kommune for a number, through the code history (3803 → 3905); unknown if none."""
    text = str(asked).strip()
    with_districts = set(kommuner(con)["area_code"])
    if text in with_districts:
        return KommuneCode(text, text, "current")
    history = {
        str(old): (str(new), changed)
        for old, new, changed in con.execute(
            "SELECT old_code, new_code, changed_on FROM area_code_history"
        ).fetchall()
    }
    code, valid_to, seen = text, None, {text}
    while code in history:
        code, last_day = history[code]
        valid_to = valid_to or last_day  # the asked number's own last day
        if code in seen:  # a loop in the history would never end; stop at it
            break
        seen.add(code)
    if code != text and code in with_districts:
        return KommuneCode(text, code, "renumbered", valid_to)
    found = con.execute(
        "SELECT 1 FROM area WHERE area_code = ? AND level = 'kommune'", [code]
    ).fetchone()
    if found:
        return KommuneCode(text, code, "no_districts", valid_to)
    return KommuneCode(text, None, "unknown")


def districts(con: Con, kommune: str, level: str | None = None) -> pd.DataFrame:
    """One district level of the kommune: area_code, name, demo_code, in code order.

    Without `level`, the kommune's default level: its own districts, else levekårssoner,
    else bydeler, else delområder.
    """
    if level is None:
        level = default_kind(district_levels(con, kommune)) or "district"
    return con.execute(
        "SELECT area_code, name, demo_code FROM area "
        "WHERE level = ? AND parent_code = ? ORDER BY area_code",
        [level, kommune],
    ).df()


def area(con: Con, area_code: str) -> dict[str, Any] | None:
    """One area row as a dict, or None."""
    frame = con.execute("SELECT * FROM area WHERE area_code = ?", [area_code]).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def comparison_areas(con: Con, kommune: str) -> dict[str, str | None]:
    """The kommune's benchmark areas: {'kommune', 'fylke', 'land'} → area code."""
    row = con.execute(
        "SELECT parent_code FROM area WHERE area_code = ? AND level = 'kommune'", [kommune]
    ).fetchone()
    return {"kommune": kommune, "fylke": row[0] if row else None, "land": "0"}


def texts(con: Con, entity: str) -> pd.DataFrame:
    """The catalog texts of one entity (indicator, theme, risk_factor) as one row per id.

    Columns: `id`, then `<field>_<lang>` for every field and language stored (e.g. `name_nb`,
    `definition_en`); read a text with `i18n.label(row, field, lang)`.
    """
    long = con.execute(
        "SELECT id, field || '_' || lang AS col, text FROM catalog_text WHERE entity = ?",
        [entity],
    ).df()
    wide = long.pivot(index="id", columns="col", values="text")
    wide.columns.name = None
    return wide.reset_index()


def _with_texts(con: Con, frame: pd.DataFrame, entity: str, key: str) -> pd.DataFrame:
    """`frame` with its rows' catalog texts as columns, the order of `frame` kept."""
    named = texts(con, entity).rename(columns={"id": key})
    return frame.merge(named, on=key, how="left")


def indicators(con: Con) -> pd.DataFrame:
    """The catalog as stored, one row per indicator, with its texts in every language
    (`name_<lang>`, `short_<lang>`, `definition_<lang>`, …), its theme's (`theme_<lang>`)
    and the theme's order."""
    frame = con.execute(
        """
        SELECT i.*, t.sort_order AS theme_order
        FROM indicator i JOIN theme t USING (theme_id)
        ORDER BY t.sort_order, i.sort_order
        """
    ).df()
    frame = _with_texts(con, frame, "indicator", "indicator_id")
    names = texts(con, "theme").filter(regex=r"^(id|name_.*)$")
    names.columns = ["theme_id" if c == "id" else "theme_" + c[len("name_") :] for c in names]
    return frame.merge(names, on="theme_id", how="left")


def themes(con: Con) -> pd.DataFrame:
    """Themes in display order, with `name_<lang>`."""
    frame = con.execute("SELECT * FROM theme ORDER BY sort_order").df()
    return _with_texts(con, frame, "theme", "theme_id")


def risk_factors(con: Con) -> pd.DataFrame:
    """The eight risk factors (Kvello), by number, with `name_<lang>`."""
    frame = con.execute("SELECT * FROM risk_factor ORDER BY number").df()
    return _with_texts(con, frame, "risk_factor", "risk_factor_id")


def years(con: Con, kommune: str) -> list[int]:
    """Years (period ends) with data for the kommune or its districts, newest first."""
    # A kommune's own district figures may have no kommune row (a score that does not sum).
    codes = [kommune, *districts(con, kommune)["area_code"]]
    rows = con.execute(
        f"SELECT DISTINCT period_to FROM observation WHERE area_code IN ({_in(codes)}) "
        "ORDER BY 1 DESC",
        codes,
    ).fetchall()
    return [int(r[0]) for r in rows]


def latest_values(con: Con, area_codes: Sequence[str], year: int | None = None) -> pd.DataFrame:
    """For each indicator and area, the value in the reference period, else the area's newest.

    The reference period is the first area's newest period ending by `year` (the kommune), or,
    when the first area has none for an indicator (a kommune's own district figures without a
    kommune total), the newest period among the areas. An area with a row in the reference
    period shows that row, so areas are compared over the same period; an area without one
    shows its own newest row ending by `year`. Every row carries its own `period_from` and
    `period_to` and the indicator's `reference_period_to`: where they differ, the row is from
    another period than the one compared. `source_table` is each cell's own source: the
    catalog's table, or the file an imported row came from. Rows come ordered by
    indicator and area code (without ORDER BY the order followed DuckDB's threads).
    """
    codes = list(area_codes)
    ref = codes[0]
    year_filter = "AND period_to <= ?" if year is not None else ""
    params: list[Any] = [*codes, *([year] if year is not None else []), ref]
    # NOT MATERIALIZED: DuckDB would otherwise materialise `obs` and hash-join all of it;
    # inlined, the filter is pushed into both sides (12.9 → 4.4 ms, the same frame).
    return con.execute(
        f"""
        WITH obs AS NOT MATERIALIZED (
            SELECT * FROM observation
            WHERE area_code IN ({_in(codes)}) AND sex = 'all' AND age_group = 'all'
            {year_filter}
        ),
        ref AS (
            SELECT indicator_id,
                   coalesce(max(period_to) FILTER (WHERE area_code = ?), max(period_to))
                       AS reference_period_to
            FROM obs GROUP BY indicator_id
        ),
        own AS (
            SELECT o.indicator_id, o.area_code, max(o.period_to) AS newest,
                   bool_or(o.period_to = r.reference_period_to) AS has_reference
            FROM obs o JOIN ref r USING (indicator_id)
            GROUP BY o.indicator_id, o.area_code
        ),
        pick AS (
            SELECT w.indicator_id, w.area_code, r.reference_period_to,
                   CASE WHEN w.has_reference THEN r.reference_period_to ELSE w.newest END
                       AS period_to
            FROM own w JOIN ref r USING (indicator_id)
        )
        SELECT {OBS_COLUMNS}, p.reference_period_to, {_CELL_SOURCE}
        FROM obs o JOIN pick p USING (indicator_id, area_code, period_to)
        {_CELL_SOURCE_JOIN}
        ORDER BY o.indicator_id, o.area_code
        """,
        params,
    ).df()


def series(
    con: Con,
    indicator_id: str,
    area_codes: Sequence[str],
    sex: Sequence[str] = ("all",),
) -> pd.DataFrame:
    """One indicator over time for the given areas (and sexes), oldest first."""
    codes = list(area_codes)
    return con.execute(
        f"""
        SELECT {OBS_COLUMNS}, a.name AS area_name, a.level, {_CELL_SOURCE}
        FROM observation o JOIN area a USING (area_code)
        {_CELL_SOURCE_JOIN}
        WHERE o.indicator_id = ? AND o.area_code IN ({_in(codes)})
          AND o.sex IN ({_in(list(sex))}) AND o.age_group = 'all'
        ORDER BY o.area_code, o.sex, o.period_to
        """,
        [indicator_id, *codes, *sex],
    ).df()


def series_for_area(con: Con, area_code: str) -> pd.DataFrame:
    """Every indicator over time for one area (sex and age totals), oldest first."""
    return con.execute(
        f"""
        SELECT {OBS_COLUMNS}, {_CELL_SOURCE}
        FROM observation o
        {_CELL_SOURCE_JOIN}
        WHERE o.area_code = ? AND o.sex = 'all' AND o.age_group = 'all'
        ORDER BY o.indicator_id, o.period_to
        """,
        [area_code],
    ).df()


def meta(con: Con) -> dict[str, str]:
    """The warehouse's meta table."""
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def etl_runs(con: Con, limit: int = 20) -> pd.DataFrame:
    """The most recent ETL runs recorded in this warehouse, newest first."""
    return con.execute("SELECT * FROM etl_run ORDER BY started_at DESC LIMIT ?", [limit]).df()


RUN_COLUMNS = ["run_id", "source", "started_at", "finished_at", "status", "rows", "message"]


def run_history(con: Con, log: Path | None = None, limit: int = 20) -> pd.DataFrame:
    """Recent ETL runs, newest first, failed and partial ones with their cause in `message`.

    The warehouse's own `etl_run` table ends at its build; runs after it (a refresh or import
    that failed and so left this warehouse as it was) are only in the runs log, which is read
    too. `current` marks the run that built this warehouse; `after_build` a run after it.
    """
    stored = con.execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM etl_run ORDER BY started_at").df()
    logged: dict[str, dict[str, object]] = {}  # the last line of a run is its outcome
    path = log if log is not None else runs_log_path()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue  # a torn last line from a crash: skip it, keep the rest
            if isinstance(item, dict) and item.get("run_id"):
                logged[str(item["run_id"])] = {c: item.get(c) for c in RUN_COLUMNS}
    frames = [
        f for f in (stored, pd.DataFrame(list(logged.values()), columns=RUN_COLUMNS)) if not f.empty
    ]
    if not frames:
        return pd.DataFrame(columns=[*RUN_COLUMNS, "current", "after_build"])
    runs = pd.concat(frames, ignore_index=True)
    runs["started_at"] = pd.to_datetime(runs["started_at"])
    runs["finished_at"] = pd.to_datetime(runs["finished_at"])
    runs = runs.drop_duplicates("run_id", keep="first")
    built = meta(con).get("data_version")
    runs["current"] = runs["run_id"] == built
    # The build copied the log's history into etl_run: a run it lacks came after it.
    runs["after_build"] = ~runs["run_id"].isin(set(stored["run_id"]))
    # Times have whole seconds: among runs started in the same second, the later-logged first.
    runs["_seq"] = range(len(runs))
    runs = runs.sort_values(["started_at", "_seq"], ascending=False).drop(columns="_seq")
    return runs.head(limit).reset_index(drop=True)


def source_summary(con: Con) -> pd.DataFrame:
    """Per indicator: source, rows, first and last period, last source update."""
    return con.execute(
        """
        SELECT indicator_id, any_value(source) AS source, count(*) AS rows,
               min(period_from) AS first_year, max(period_to) AS last_year,
               max(source_updated) AS source_updated,
               count(*) FILTER (WHERE flag = ':') AS suppressed
        FROM observation GROUP BY indicator_id ORDER BY indicator_id
        """
    ).df()


def sex_breakdown(
    con: Con, indicator_id: str, area_codes: Sequence[str], year: int | None = None
) -> pd.DataFrame:
    """One indicator by sex (all, male, female) for the areas, in the newest period ending by
    `year` in which the first area has values by sex; empty when it has none."""
    codes = list(area_codes)
    year_filter = "AND period_to <= ?" if year is not None else ""
    params: list[Any] = [indicator_id, *codes, codes[0], *([year] if year is not None else [])]
    return con.execute(
        f"""
        WITH obs AS (
            SELECT * FROM observation
            WHERE indicator_id = ? AND area_code IN ({_in(codes)}) AND age_group = 'all'
        ),
        latest AS (
            SELECT max(period_to) AS period_to FROM obs
            WHERE area_code = ? AND sex <> 'all' {year_filter}
        )
        SELECT {OBS_COLUMNS}, a.name AS area_name, a.level, {_CELL_SOURCE}
        FROM obs o JOIN latest l USING (period_to) JOIN area a USING (area_code)
        {_CELL_SOURCE_JOIN}
        ORDER BY o.area_code, o.sex
        """,
        params,
    ).df()


def district_shapes(con: Con, kommune: str, level: str | None = None) -> dict[str, str]:
    """One district level's outlines (default level as in `districts`): area code → GeoJSON
    Feature text (none if not loaded)."""
    if level is None:
        level = default_kind(district_levels(con, kommune)) or "district"
    rows = con.execute(
        "SELECT s.area_code, s.geojson FROM area_shape s JOIN area a USING (area_code) "
        "WHERE a.level = ? AND a.parent_code = ? ORDER BY s.area_code",
        [level, kommune],
    ).fetchall()
    return {str(code): str(text) for code, text in rows}


def series_for_areas(
    con: Con, area_codes: Sequence[str], indicator_ids: Sequence[str]
) -> pd.DataFrame:
    """The indicators over time for the areas (sex and age totals), by area, indicator, period."""
    codes, ids = list(area_codes), list(indicator_ids)
    if not codes or not ids:
        return con.execute(f"SELECT {OBS_COLUMNS} FROM observation o WHERE false").df()
    return con.execute(
        f"""
        SELECT {OBS_COLUMNS}
        FROM observation o
        WHERE o.area_code IN ({_in(codes)}) AND o.indicator_id IN ({_in(ids)})
          AND o.sex = 'all' AND o.age_group = 'all'
        ORDER BY o.area_code, o.indicator_id, o.period_to
        """,
        [*codes, *ids],
    ).df()
