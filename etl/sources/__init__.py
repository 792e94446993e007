"""The sources a refresh reads: the built-ins register here through `register`, as any other."""

from __future__ import annotations

from etl.sources import districts, fhi, geonorge, klass, ssb
from etl.sources.base import REGISTRY, Source, base_url, rates, register, unregister

# The order is the refresh order and the order `--source` and the logs list them in; the
# district levels come before the boundaries that are dissolved to them.
for _source in (
    ssb.SOURCE,
    fhi.SOURCE,
    klass.SOURCE,
    geonorge.SOURCE,
    districts.SOURCE,
    geonorge.GRUNNKRETS_SOURCE,
):
    register(_source)

__all__ = ["REGISTRY", "Source", "base_url", "rates", "register", "unregister"]
