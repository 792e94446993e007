"""Built page pieces (figures, their alt texts) shared by every session of this process.

A Plotly figure costs 5–100 ms of CPU to build and is the same for everyone who opens the same
view of the same warehouse; with 20 people in a meeting clicking the same link, building it
once is most of the difference between a p95 of 1 s and of 10 s (issue 16). Keys hold the
warehouse signature, so a refresh is a miss. Values are never mutated after they are built:
exports copy a figure before they lay it out (`export.export_layout`).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

MAX_ENTRIES = 2048  # a national warehouse's pages for a handful of kommuner and languages


class _Store:
    """A bounded least-recently-used mapping, safe to share between script threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            if key not in self.items:
                return False, None
            self.items.move_to_end(key)
            return True, self.items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _store() -> _Store:
    return _Store(MAX_ENTRIES)


def shared(key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """`build()`'s value for `key`, built once per process and then shared (`key` must hold
    everything the value depends on, the warehouse signature among it)."""
    store = _store()
    found, value = store.get(key)
    if found:
        return value
    # Built outside the lock: two sessions may both build a new key once, none waits.
    value = build()
    store.put(key, value)
    return value


def of_object(kind: str, obj: object, extra: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """`build()`'s value for the object `obj` (a shared figure, a cached evaluation), keyed by
    its identity; a weak reference beside the value tells a reused identity from the same
    object, and keeps nothing alive."""
    store = _store()
    key = (kind, id(obj), *extra)
    found, value = store.get(key)
    if found and value[0]() is obj:
        return value[1]
    result = build()
    store.put(key, (weakref.ref(obj), result))
    return result
