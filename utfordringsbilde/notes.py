"""Notes on the plan evaluation: "the story behind the curve", kept apart from the warehouse.

A note belongs to one kommune's plan and one of its targets (evaluation indicators), and may
name a district. It says what we see, why we think it happens and what we do about it, with
its author and time. Only its author (the signed-in identity that wrote it) may edit or
withdraw it, and either adds a version: nothing is overwritten or deleted. Notes live in
their own DuckDB file (`paths.notes_path()`), which no ETL run opens, so rebuilding or
refreshing the warehouse never touches them.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import duckdb

from utfordringsbilde.paths import notes_path

# Limits on what one note may hold: enough for a paragraph each, not a report.
MAX_AUTHOR: Final = 80
MAX_TEXT: Final = 2000
TEXT_FIELDS: Final = ("what_we_see", "why", "what_we_do")
# One person may store this many versions (new notes, edits, withdrawals) in any hour: a
# leader writing up a meeting stays far below it; a script filling the store does not.
MAX_WRITES_PER_HOUR: Final = 30

# Notes are append-only: an edit or a withdrawal adds a version, and the newest version of a
# note is what the page shows, so the history of every note is kept. `author_id` is the
# signed-in identity (e-mail) that alone may edit or withdraw the note.
SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS note_version (
    note_id     VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    kommune     VARCHAR NOT NULL,
    target_id   VARCHAR NOT NULL,
    area_code   VARCHAR,
    what_we_see VARCHAR NOT NULL,
    why         VARCHAR NOT NULL,
    what_we_do  VARCHAR NOT NULL,
    author      VARCHAR NOT NULL,
    author_id   VARCHAR NOT NULL,
    written_at  TIMESTAMP NOT NULL,
    withdrawn   BOOLEAN NOT NULL,
    PRIMARY KEY (note_id, version)
)
"""
VERSION_COLUMNS: Final = (
    "note_id, version, kommune, target_id, area_code, what_we_see, why, what_we_do, author, "
    "author_id, written_at, withdrawn"
)
# Stores written before versions existed hold a single `note` table; its rows read as first
# versions that nobody can edit (they were written without sign-in).
_LEGACY: Final = (
    "SELECT note_id, 1 AS version, kommune, target_id, area_code, what_we_see, why, what_we_do, "
    "author, '' AS author_id, created_at AS written_at, false AS withdrawn FROM note"
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
    """A note's current version; times are UTC without a time zone, as DuckDB keeps them.

    `created_at` is when the note was first written, `updated_at` when its current version
    was; `author_id` is the identity that may edit or withdraw it ("" for nobody).
    """

    note_id: str
    kommune: str
    target_id: str
    area_code: str | None
    what_we_see: str
    why: str
    what_we_do: str
    author: str
    created_at: dt.datetime
    author_id: str = ""
    version: int = 1
    updated_at: dt.datetime | None = None
    withdrawn: bool = False

    @property
    def edited(self) -> bool:
        """True when the text was changed after it was first written."""
        return self.version > 1 and not self.withdrawn


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


def _utc(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_name IN ('note', 'note_version')"
    ).fetchall()
    return {r[0] for r in rows}


def _versions_sql(tables: set[str]) -> str | None:
    """Every stored version as one relation, legacy rows included; None when there are none."""
    parts = []
    if "note_version" in tables:
        parts.append(f"SELECT {VERSION_COLUMNS} FROM note_version")
        if "note" in tables:
            parts.append(_LEGACY + " WHERE note_id NOT IN (SELECT note_id FROM note_version)")
    elif "note" in tables:
        parts.append(_LEGACY)
    return " UNION ALL ".join(parts) or None


def _current(
    con: duckdb.DuckDBPyConnection, where: str, params: list[object], order: str
) -> list[Note]:
    """The newest version of each note matching `where` (over the versions), as Notes."""
    versions = _versions_sql(_tables(con))
    if versions is None:
        return []
    rows = con.execute(
        f"""
        WITH v AS ({versions}),
        first AS (SELECT note_id, min(written_at) AS created_at FROM v GROUP BY note_id),
        cur AS (
            SELECT *, row_number() OVER (PARTITION BY note_id ORDER BY version DESC) AS rn FROM v
        )
        SELECT cur.note_id, kommune, target_id, area_code, what_we_see, why, what_we_do, author,
               first.created_at, author_id, version, written_at, withdrawn
        FROM cur JOIN first USING (note_id)
        WHERE rn = 1 AND {where}
        ORDER BY {order}
        """,
        params,
    ).fetchall()
    return [Note(*row) for row in rows]


def _insert(con: duckdb.DuckDBPyConnection, n: Note) -> None:
    con.execute(
        f"INSERT INTO note_version ({VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            n.note_id, n.version, n.kommune, n.target_id, n.area_code, n.what_we_see, n.why,
            n.what_we_do, n.author, n.author_id, n.updated_at, n.withdrawn,
        ],
    )  # fmt: skip


def _check_rate(con: duckdb.DuckDBPyConnection, author_id: str, now: dt.datetime) -> None:
    """NoteError("rate_limited") when `author_id` stored MAX_WRITES_PER_HOUR versions within
    the hour before `now`."""
    row = con.execute(
        "SELECT count(*) FROM note_version WHERE author_id = ? AND written_at > ?",
        [author_id, now - dt.timedelta(hours=1)],
    ).fetchone()
    if row is not None and row[0] >= MAX_WRITES_PER_HOUR:
        raise NoteError("rate_limited", limit=MAX_WRITES_PER_HOUR)


def add(
    kommune: str,
    target_id: str,
    *,
    author: str | None,
    author_id: str | None = None,
    what_we_see: str | None = "",
    why: str | None = "",
    what_we_do: str | None = "",
    area_code: str | None = None,
    path: Path | None = None,
    now: dt.datetime | None = None,
) -> Note:
    """Store one note by `author` (shown) signed in as `author_id` (who may change it; the
    author's name when not given); NoteError, nothing stored, when `validate` refuses it or
    the author is over the hourly limit."""
    fields = validate(kommune, target_id, area_code, author, what_we_see, why, what_we_do)
    ident = clean(author_id) or fields["author"] or ""
    path = path or notes_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = _utc(now)
    note = Note(
        note_id=uuid.uuid4().hex,
        kommune=kommune,
        target_id=target_id,
        area_code=fields["area_code"],
        what_we_see=fields["what_we_see"] or "",
        why=fields["why"] or "",
        what_we_do=fields["what_we_do"] or "",
        author=fields["author"] or "",
        created_at=created,
        author_id=ident,
        updated_at=created,
    )
    with _connect(path, read_only=False) as con:
        con.execute(SCHEMA)
        _check_rate(con, ident, created)
        _insert(con, note)
    return note


def _change(
    note_id: str,
    author_id: str,
    path: Path | None,
    now: dt.datetime | None,
    make: Callable[[Note], Note],
) -> Note:
    """Append the version `make` builds from the note's current one, if `author_id` wrote it."""
    path = path or notes_path()
    if not path.exists():
        raise NoteError("not_found")
    when = _utc(now)
    with _connect(path, read_only=False) as con:
        con.execute(SCHEMA)
        found = _current(con, "cur.note_id = ?", [note_id], "version")
        if not found:
            raise NoteError("not_found")
        old = found[0]
        if not author_id or old.author_id != author_id:
            raise NoteError("not_author")
        if old.withdrawn:
            raise NoteError("withdrawn")
        _check_rate(con, author_id, when)
        new = replace(make(old), version=old.version + 1, updated_at=when)
        _insert(con, new)
    return new


def edit(
    note_id: str,
    *,
    author_id: str,
    what_we_see: str | None = "",
    why: str | None = "",
    what_we_do: str | None = "",
    path: Path | None = None,
    now: dt.datetime | None = None,
) -> Note:
    """Store new texts for a note as its next version; NoteError when `author_id` did not
    write it, it was withdrawn, or the texts are refused as in `add`."""

    def make(old: Note) -> Note:
        fields = validate(
            old.kommune, old.target_id, old.area_code, old.author, what_we_see, why, what_we_do
        )
        return replace(
            old,
            what_we_see=fields["what_we_see"] or "",
            why=fields["why"] or "",
            what_we_do=fields["what_we_do"] or "",
        )

    return _change(note_id, author_id, path, now, make)


def withdraw(
    note_id: str, *, author_id: str, path: Path | None = None, now: dt.datetime | None = None
) -> Note:
    """Withdraw a note: a last, empty version marked withdrawn; earlier versions are kept."""
    return _change(
        note_id,
        author_id,
        path,
        now,
        lambda old: replace(old, what_we_see="", why="", what_we_do="", withdrawn=True),
    )


def history(note_id: str, path: Path | None = None) -> list[Note]:
    """Every version of one note, oldest first; [] for an unknown note."""
    path = path or notes_path()
    if not path.exists():
        return []
    with _connect(path, read_only=True) as con:
        versions = _versions_sql(_tables(con))
        if versions is None:
            return []
        rows = con.execute(
            f"""
            WITH v AS ({versions})
            SELECT note_id, kommune, target_id, area_code, what_we_see, why, what_we_do, author,
                   min(written_at) OVER (), author_id, version, written_at, withdrawn
            FROM v WHERE note_id = ? ORDER BY version
            """,
            [note_id],
        ).fetchall()
    return [Note(*row) for row in rows]


def for_kommune(kommune: str, path: Path | None = None) -> list[Note]:
    """The current version of every note on the kommune's plan, withdrawn ones included,
    newest first; [] when no note was ever written."""
    path = path or notes_path()
    if not path.exists():
        return []
    with _connect(path, read_only=True) as con:
        return _current(con, "kommune = ?", [kommune], "first.created_at DESC, cur.note_id")


def by_target(notes: list[Note]) -> dict[str, list[Note]]:
    """Notes grouped by target id, each group in the order given."""
    out: dict[str, list[Note]] = {}
    for n in notes:
        out.setdefault(n.target_id, []).append(n)
    return out
