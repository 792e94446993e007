"""The sources a refresh reads: the built-ins register here through `register`, as any other."""

from __future__ import annotations

from etl.sources import fhi, geonorge, klass, ssb
from etl.sources.base import REGISTRY, Source, base_url, rates, register, unregister

# The order is the refresh order and the order `--source` and the logs list them in.
for _source in (ssb.SOURCE, fhi.SOURCE, klass.SOURCE, geonorge.SOURCE):
    register(_source)

__all__ = ["REGISTRY", "Source", "base_url", "rates", "register", "unregister"]
