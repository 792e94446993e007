"""SQL against the warehouse; every page's data comes through here, aggregated in DuckDB.

Each function takes a DuckDB connection (or cursor) and returns a pandas DataFrame or plain
values. Area lists are resolved first and passed as constants so DuckDB can push the filter
into the scan of `observation`, which is what keeps the national-scale queries fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

Con = duckdb.DuckDBPyConnection

OBS_COLUMNS = (
    "o.indicator_id, o.area_code, o.period_from, o.period_to, o.sex, o.age_group, o.value, "
    "o.numerator, o.denominator, o.ci_low, o.ci_high, o.flag, o.source, o.source_updated"
)


def _in(values: Sequence[str]) -> str:
    """Placeholders for an IN list of `values`."""
    return ", ".join("?" * len(values)) or "NULL"


def kommuner(con: Con) -> pd.DataFrame:
    """Kommuner that have districts in the warehouse: area_code, name, fylke_code, fylke_name."""
    return con.execute(
        """
        SELECT k.area_code, k.name, f.area_code AS fylke_code, f.name AS fylke_name
        FROM area k LEFT JOIN area f ON f.area_code = k.parent_code
        WHERE k.level = 'kommune'
          AND EXISTS (
              SELECT 1 FROM area d WHERE d.level = 'district' AND d.parent_code = k.area_code
          )
        ORDER BY k.name
        """
    ).df()


def districts(con: Con, kommune: str) -> pd.DataFrame:
    """The kommune's districts: area_code, name, demo_code, in name order."""
    return con.execute(
        "SELECT area_code, name, demo_code FROM area "
        "WHERE level = 'district' AND parent_code = ? ORDER BY area_code",
        [kommune],
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


def indicators(con: Con) -> pd.DataFrame:
    """The catalog as stored, with theme names and order, one row per indicator."""
    return con.execute(
        """
        SELECT i.*, t.name_nb AS theme_nb, t.name_nn AS theme_nn, t.name_en AS theme_en,
               t.sort_order AS theme_order
        FROM indicator i JOIN theme t USING (theme_id)
        ORDER BY t.sort_order, i.sort_order
        """
    ).df()


def themes(con: Con) -> pd.DataFrame:
    """Themes in display order."""
    return con.execute("SELECT * FROM theme ORDER BY sort_order").df()


def risk_factors(con: Con) -> pd.DataFrame:
    """The eight risk factors (Kvello), by number."""
    return con.execute("SELECT * FROM risk_factor ORDER BY number").df()


def years(con: Con, kommune: str) -> list[int]:
    """Years (period ends) with data for the kommune, newest first."""
    rows = con.execute(
        "SELECT DISTINCT period_to FROM observation WHERE area_code = ? ORDER BY 1 DESC",
        [kommune],
    ).fetchall()
    return [int(r[0]) for r in rows]


def latest_values(con: Con, area_codes: Sequence[str], year: int | None = None) -> pd.DataFrame:
    """For each indicator, every area's value in the newest period ending by `year`.

    The period is chosen per indicator from the first area (the reference, e.g. the kommune),
    so all areas of one indicator are compared over the same period.
    """
    codes = list(area_codes)
    ref = codes[0]
    year_filter = "AND period_to <= ?" if year is not None else ""
    params: list[Any] = [*codes]
    params += [ref] + ([year] if year is not None else [])
    return con.execute(
        f"""
        WITH obs AS (
            SELECT * FROM observation
            WHERE area_code IN ({_in(codes)}) AND sex = 'all' AND age_group = 'all'
        ),
        latest AS (
            SELECT indicator_id, max(period_to) AS period_to FROM obs
            WHERE area_code = ? {year_filter}
            GROUP BY indicator_id
        )
        SELECT {OBS_COLUMNS}
        FROM obs o JOIN latest l USING (indicator_id, period_to)
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
        SELECT {OBS_COLUMNS}, a.name AS area_name, a.level
        FROM observation o JOIN area a USING (area_code)
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
        SELECT {OBS_COLUMNS}
        FROM observation o
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
        SELECT {OBS_COLUMNS}, a.name AS area_name, a.level
        FROM obs o JOIN latest l USING (period_to) JOIN area a USING (area_code)
        ORDER BY o.area_code, o.sex
        """,
        params,
    ).df()


def district_shapes(con: Con, kommune: str) -> dict[str, str]:
    """The kommune's district outlines: area code → GeoJSON Feature text (none if not loaded)."""
    rows = con.execute(
        "SELECT s.area_code, s.geojson FROM area_shape s JOIN area a USING (area_code) "
        "WHERE a.level = 'district' AND a.parent_code = ? ORDER BY s.area_code",
        [kommune],
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
