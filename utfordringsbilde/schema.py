"""The warehouse's DuckDB schema (docs/warehouse.md): one DDL for the loader, demo and bench."""

from __future__ import annotations

import duckdb

# Observation key: one value per indicator, area, period and breakdown.
OBSERVATION_KEY = (
    "indicator_id",
    "area_code",
    "period_from",
    "period_to",
    "sex",
    "age_group",
)

DDL = """
CREATE TABLE area (
    area_code     VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    level         VARCHAR NOT NULL
                  -- 'district' = the kommune's own districts; levekarssone, bydel and
                  -- delomrade are the public district levels (utfordringsbilde.districts)
                  CHECK (level IN ('land', 'fylke', 'kommune', 'district', 'levekarssone',
                                   'bydel', 'delomrade', 'grunnkrets')),
    parent_code   VARCHAR,
    kommune_code  VARCHAR,
    valid_from    DATE,
    valid_to      DATE,
    demo_code     BOOLEAN NOT NULL DEFAULT false
);

-- Which grunnkretser make up each district, at every district level (a grunnkrets is in one
-- district per level); grunnkrets figures roll up through this table.
CREATE TABLE district_member (
    area_code        VARCHAR NOT NULL,
    grunnkrets_code  VARCHAR NOT NULL
);

CREATE TABLE area_code_history (
    old_code      VARCHAR NOT NULL,
    new_code      VARCHAR NOT NULL,
    changed_on    DATE
);

CREATE TABLE area_shape (
    area_code     VARCHAR PRIMARY KEY,
    geojson       VARCHAR NOT NULL
);

CREATE TABLE theme (
    theme_id      VARCHAR PRIMARY KEY,
    sort_order    INTEGER NOT NULL
);

CREATE TABLE risk_factor (
    risk_factor_id VARCHAR PRIMARY KEY,
    number         INTEGER NOT NULL
);

CREATE TABLE indicator (
    indicator_id     VARCHAR PRIMARY KEY,
    theme_id         VARCHAR NOT NULL,
    sort_order       INTEGER NOT NULL,
    unit             VARCHAR NOT NULL,
    decimals         INTEGER NOT NULL,
    polarity         VARCHAR NOT NULL,
    ci_method        VARCHAR NOT NULL,
    period_years     INTEGER NOT NULL,
    risk_factors     VARCHAR[] NOT NULL,
    prevention_level VARCHAR[] NOT NULL,
    source           VARCHAR NOT NULL,
    source_table     VARCHAR NOT NULL,
    source_verified  BOOLEAN NOT NULL,
    norm             DOUBLE,
    source_ended     INTEGER  -- the last year of a series the publisher has stopped
);

-- The catalog's texts in every language it is written in, one row per text: the names,
-- definitions and caveats of indicators, themes and risk factors (i18n.label reads them).
CREATE TABLE catalog_text (
    entity  VARCHAR NOT NULL CHECK (entity IN ('indicator', 'theme', 'risk_factor')),
    id      VARCHAR NOT NULL,
    field   VARCHAR NOT NULL,
    lang    VARCHAR NOT NULL,
    text    VARCHAR NOT NULL,
    PRIMARY KEY (entity, id, field, lang)
);

CREATE TABLE observation (
    indicator_id   VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    period_from    INTEGER NOT NULL,
    period_to      INTEGER NOT NULL,
    sex            VARCHAR NOT NULL DEFAULT 'all' CHECK (sex IN ('all', 'male', 'female')),
    age_group      VARCHAR NOT NULL DEFAULT 'all',
    value          DOUBLE,
    numerator      DOUBLE,
    denominator    DOUBLE,
    ci_low         DOUBLE,
    ci_high        DOUBLE,
    flag           VARCHAR CHECK (flag IS NULL OR flag IN (':', '..', '.')),
    source         VARCHAR NOT NULL,
    source_updated TIMESTAMP,
    -- true where the source perturbs small counts (SSB 04362 turns 1s and 2s into 0 or 3), so
    -- a sum of its cells is near, not equal to, the true figure; shown with a marker
    approximate    BOOLEAN NOT NULL DEFAULT false,
    etl_run_id     VARCHAR NOT NULL
);

CREATE TABLE etl_run (
    run_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       VARCHAR NOT NULL,
    rows         BIGINT,
    message      VARCHAR
);

CREATE TABLE meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
"""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every warehouse table on an empty DuckDB connection."""
    con.execute(DDL)
