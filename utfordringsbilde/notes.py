"""Notes on the plan evaluation: "the story behind the curve", kept apart from the warehouse.

A note belongs to one kommune's plan and one of its targets (evaluation indicators), and may
name a district. It says what we see, why we think it happens and what we do about it, with
its author and time. Notes live in their own DuckDB file (`paths.notes_path()`), which no ETL
run opens, so rebuilding or refreshing the warehouse never touches them.

Connections are short-lived: one per call, read-only for reading, read-write only for the
write, so the file is locked for milliseconds and a second process can still read it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb

from utfordringsbilde.paths import notes_path

# Limits on what one note may hold: enough for a paragraph each, not a report.
MAX_AUTHOR: Final = 80
MAX_TEXT: Final = 2000
TEXT_FIELDS: Final = ("what_we_see", "why", "what_we_do")

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS note (
    note_id     VARCHAR PRIMARY KEY,
    kommune     VARCHAR NOT NULL,
    target_id   VARCHAR NOT NULL,
    area_code   VARCHAR,
    what_we_see VARCHAR NOT NULL,
    why         VARCHAR NOT NULL,
    what_we_do  VARCHAR NOT NULL,
    author      VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL
)
"""
COLUMNS: Final = (
    "note_id, kommune, target_id, area_code, what_we_see, why, what_we_do, author, created_at"
)

# DuckDB allows one writer per file and, within a process, one configuration per file at a
# time; Streamlit runs sessions in threads, so every connection here is taken under this lock.
_LOCK = threading.Lock()
# Another process (a second app server) may hold the write lock for a moment: retry briefly.
_RETRIES: Final = 20
_RETRY_WAIT_S: Final = 0.05


class NoteError(ValueError):
    """A note that cannot be stored; `code` names the problem for a translated message."""

    def __init__(self, code: str, field: str | None = None, limit: int | None = None):
        self.code = code
        self.field = field
        self.limit = limit
        where = f" ({field})" if field else ""
        super().__init__(f"{code}{where}" + (f": at most {limit} characters" if limit else ""))


@dataclass(frozen=True)
class Note:
    """One stored note; `created_at` is UTC without a time zone, as DuckDB keeps it."""

    note_id: str
    kommune: str
    target_id: str
    area_code: str | None
    what_we_see: str
    why: str
    what_we_do: str
    author: str
    created_at: dt.datetime


# A tag, comment or doctype: "<" then a letter, "/", "!" or "?"; so "5 < 7" and "<3" stay text.
_TAG = re.compile(r"<\s*[A-Za-z/!?][^>]*>")
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_AREA = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-]{0,31}")


def clean(text: str | None) -> str:
    """Plain text: HTML tags and control characters removed, entities decoded, ends trimmed."""
    if not text:
        return ""
    # Strip tags, decode entities, and strip again, so `&lt;script&gt;` cannot become a tag.
    out = _TAG.sub("", html.unescape(_TAG.sub("", str(text))))
    out = "".join(
        ch for ch in out if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return out.replace("\r\n", "\n").strip()


def validate(
    kommune: str,
    target_id: str,
    area_code: str | None,
    author: str | None,
    what_we_see: str | None,
    why: str | None,
    what_we_do: str | None,
) -> dict[str, str | None]:
    """The note's fields cleaned; NoteError when a key is malformed, the author is missing,
    all three texts are empty, or a field is over its limit."""
    if not (len(kommune) == 4 and kommune.isdigit()):
        raise NoteError("bad_kommune", "kommune")
    if not _SLUG.fullmatch(target_id or ""):
        raise NoteError("bad_target", "target_id")
    if area_code is not None and area_code != "" and not _AREA.fullmatch(area_code):
        raise NoteError("bad_area", "area_code")
    fields: dict[str, str | None] = {
        "kommune": kommune,
        "target_id": target_id,
        "area_code": area_code or None,
        "author": clean(author),
    }
    for name, value in zip(TEXT_FIELDS, (what_we_see, why, what_we_do), strict=True):
        fields[name] = clean(value)
    if not fields["author"]:
        raise NoteError("author_missing", "author")
    if len(fields["author"] or "") > MAX_AUTHOR:
        raise NoteError("too_long", "author", MAX_AUTHOR)
    if not any(fields[name] for name in TEXT_FIELDS):
        raise NoteError("empty")
    for name in TEXT_FIELDS:
        if len(fields[name] or "") > MAX_TEXT:
            raise NoteError("too_long", name, MAX_TEXT)
    return fields


@contextmanager
def _connect(path: Path, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection held only for the block, retried while another process holds the lock."""
    with _LOCK:
        for attempt in range(_RETRIES):
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                break
            except duckdb.IOException:
                if attempt == _RETRIES - 1:
                    raise
                time.sleep(_RETRY_WAIT_S)
        try:
            yield con
        finally:
            con.close()


def add(
    kommune: str,
    target_id: str,
    *,
    author: str | None,
    what_we_see: str | None = "",
    why: str | None = "",
    what_we_do: str | None = "",
    area_code: str | None = None,
    path: Path | None = None,
    now: dt.datetime | None = None,
) -> Note:
    """Store one note and return it; NoteError (nothing stored) when `validate` refuses it."""
    fields = validate(kommune, target_id, area_code, author, what_we_see, why, what_we_do)
    path = path or notes_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    note = Note(
        note_id=uuid.uuid4().hex,
        kommune=kommune,
        target_id=target_id,
        area_code=fields["area_code"],
        what_we_see=fields["what_we_see"] or "",
        why=fields["why"] or "",
        what_we_do=fields["what_we_do"] or "",
        author=fields["author"] or "",
        created_at=created.replace(microsecond=0),
    )
    with _connect(path, read_only=False) as con:
        con.execute(SCHEMA)
        con.execute(
            f"INSERT INTO note ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                note.note_id,
                note.kommune,
                note.target_id,
                note.area_code,
                note.what_we_see,
                note.why,
                note.what_we_do,
                note.author,
                note.created_at,
            ],
        )
    return note


def for_kommune(kommune: str, path: Path | None = None) -> list[Note]:
    """Every note on the kommune's plan, newest first; [] when no note was ever written."""
    path = path or notes_path()
    if not path.exists():
        return []
    with _connect(path, read_only=True) as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'note'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        rows = con.execute(
            f"SELECT {COLUMNS} FROM note WHERE kommune = ? ORDER BY created_at DESC, note_id",
            [kommune],
        ).fetchall()
    return [Note(*row) for row in rows]


def by_target(notes: list[Note]) -> dict[str, list[Note]]:
    """Notes grouped by target id, each group in the order given."""
    out: dict[str, list[Note]] = {}
    for n in notes:
        out.setdefault(n.target_id, []).append(n)
    return out
