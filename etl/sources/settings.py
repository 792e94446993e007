"""Settings of the built-in sources: public base URLs, published rate limits, API constants."""

from __future__ import annotations

from datetime import date

from etl.sources.base import RateLimit

# The largest answer any source may send, unless it sets its own `max_response_bytes`: far
# above the largest real answer (an SSB query of 800 000 cells is some 30 MB of JSON-stat),
# and low enough that a runaway answer cannot take the machine's memory.
MAX_RESPONSE_BYTES = 200 * 2**20

# ------------------------------------------------------------------------------ SSB PxWebApi v2

SSB_BASE = "https://data.ssb.no/api/pxwebapi/v2"
# "30 spørringer per minutt per ip-adresse" (SSB's user guide, see docs/sources.md).
SSB_RATE = RateLimit(30, 60.0)
# SSB refuses a query above 800 000 cells; our own count splits below it.
SSB_MAX_CELLS = 800_000
# Our own count keeps every query under the limit, so a 400 "Too many cells selected" means
# the count was a little off; a few halvings settle it. A 403 (a table closed to the API) is
# never halved: it fails at once.
SSB_MAX_HALVINGS = 3
# The fylke value set that goes with a kommune code list: agg_KommSummer ("kommuner 2024,
# aggregated time series", K-codes) pairs with agg_KommFylker (F-codes).
SSB_FYLKE_CODELIST: dict[str, str] = {"agg_KommSummer": "agg_KommFylker"}
# The dry run's guess at a code list's prefix; a live run reads the prefix from the list's own
# values in /metadata, since agg_ lists differ (agg_KommGjeldende, agg_GrkretsNy: plain codes).
SSB_CODELIST_PREFIX: dict[str, str] = {"agg_KommSummer": "K-", "agg_KommFylker": "F-"}

# ------------------------------------------------------------------------------ SSB KLASS

KLASS_BASE = "https://data.ssb.no/api/klass/v1"
# KLASS is on SSB's host, so it shares SSB's window.
KLASS_RATE = SSB_RATE
KLASS_KOMMUNER = 131
KLASS_FYLKER = 104
KLASS_GRUNNKRETSER = 1  # delområder (level 1) and grunnkretser (level 2), 8-digit codes
# KLASS answers JSON only when asked.
KLASS_HEADERS = {"Accept": "application/json"}
# Changes are read from the 2020 reform on: earlier renumberings do not reach today's series.
KLASS_CHANGES_FROM = date(2020, 1, 1)

# ------------------------------------------------------------------------------ FHI Statistikk

FHI_BASE = "https://statistikk-data.fhi.no/api/open/v1"
# FHI publishes no limit: 30 a minute is a courtesy, as other clients use.
FHI_RATE = RateLimit(30, 60.0)
FHI_NOKKEL = "nokkel"  # Kommunehelsa statistikkbank, the source the catalog's tables are in

# ------------------------------------------------------------------------------ Kartverket

# Kartverket's kommuneinfo API (the successor of ws.geonorge.no/kommuneinfo/v1). The path
# /kommuner/{nr}/omrade?utkoordsys=4258 is seen in several independent public clients, not in
# Kartverket's own documentation (see docs/sources.md).
GEONORGE_BASE = "https://api.kartverket.no/kommuneinfo/v1"
GEONORGE_RATE = RateLimit(60, 60.0)
GEONORGE_SRID = "4258"

# Geonorge's download API (orders, then zip files): "Statistiske enheter grunnkretser". No
# published limit; 30 a minute is a courtesy. One order a year is all a refresh sends.
GEONORGE_DOWNLOAD_BASE = "https://nedlasting.geonorge.no"
GEONORGE_DOWNLOAD_RATE = RateLimit(30, 60.0)

# ------------------------------------------------------------------------------ local import

# How far the districts' sum may be from the kommune total before an import warns (1 %: more
# than rounding). UB_TOTAL_TOLERANCE overrides it per run.
LOCAL_TOTAL_TOLERANCE = 0.01
