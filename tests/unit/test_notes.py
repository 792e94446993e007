"""Tests for utfordringsbilde.notes: the notes store beside the warehouse, which no ETL touches."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT, env_with
from utfordringsbilde import notes
from utfordringsbilde.paths import notes_path, warehouse_path


def _add(path: Path, **kw: object) -> notes.Note:
    fields: dict[str, object] = {
        "author": "Kari Nordmann",
        "what_we_see": "Lavinntekt øker i Strømsø.",
        "why": "Flere familier har flyttet inn.",
        "what_we_do": "Familiekoordinator fra høsten.",
    }
    fields.update(kw)
    return notes.add("3301", "lavinntekt", path=path, **fields)  # type: ignore[arg-type]


def test_a_note_is_stored_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    when = dt.datetime(2025, 3, 12, 13, 5, tzinfo=dt.UTC)
    note = _add(path, area_code="3301-D02", now=when)
    got = notes.for_kommune("3301", path)
    assert got == [note]
    assert got[0].area_code == "3301-D02"
    assert got[0].created_at == dt.datetime(2025, 3, 12, 13, 5)
    assert got[0].what_we_see == "Lavinntekt øker i Strømsø."
    assert notes.for_kommune("1108", path) == []


def test_newest_first_and_grouped_by_target(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    old = _add(path, now=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    new = _add(path, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    other = notes.add("3301", "fullfort_vgs", author="Ola", why="x", path=path)
    got = notes.for_kommune("3301", path)
    assert got[0] == other and got[1:] == [new, old]
    grouped = notes.by_target(got)
    assert grouped["lavinntekt"] == [new, old]
    assert grouped["fullfort_vgs"] == [other]


def test_reading_without_a_store_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    assert notes.for_kommune("3301", path) == []
    assert not path.exists()


def test_html_is_stripped_and_text_trimmed(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    note = _add(
        path,
        author="  <b>Kari</b> ",
        what_we_see="<script>alert(1)</script>Mer <i>mobbing</i>\u0000",
        why="&lt;img src=x onerror=alert(1)&gt;Fordi",
        what_we_do="Linje 1\r\nLinje 2",
    )
    assert note.author == "Kari"
    assert note.what_we_see == "alert(1)Mer mobbing"
    assert note.why == "Fordi"  # an encoded tag is decoded, then removed too
    assert note.what_we_do == "Linje 1\nLinje 2"
    assert "<" not in "".join(
        [n.what_we_see + n.why + n.author for n in notes.for_kommune("3301", path)]
    )


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"author": ""}, "author_missing", "author"),
        ({"author": "<b></b>  "}, "author_missing", "author"),
        ({"author": "x" * (notes.MAX_AUTHOR + 1)}, "too_long", "author"),
        ({"what_we_see": "", "why": " ", "what_we_do": "<p></p>"}, "empty", None),
        ({"why": "x" * (notes.MAX_TEXT + 1)}, "too_long", "why"),
        ({"area_code": "'; DROP TABLE note; --"}, "bad_area", "area_code"),
    ],
)
def test_invalid_notes_are_refused_and_not_stored(
    tmp_path: Path, kw: dict[str, object], code: str, field: str | None
) -> None:
    path = tmp_path / "notes.duckdb"
    with pytest.raises(notes.NoteError) as err:
        _add(path, **kw)
    assert err.value.code == code
    assert err.value.field == field
    assert notes.for_kommune("3301", path) == []


def test_comparisons_are_not_mistaken_for_tags(tmp_path: Path) -> None:
    note = _add(tmp_path / "notes.duckdb", why="Andelen gikk fra < 5 % til > 8 % <3")
    assert note.why == "Andelen gikk fra < 5 % til > 8 % <3"


def test_keys_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    with pytest.raises(notes.NoteError, match="bad_kommune"):
        notes.add("33", "lavinntekt", author="Kari", why="x", path=path)
    with pytest.raises(notes.NoteError, match="bad_target"):
        notes.add("3301", "Lav inntekt", author="Kari", why="x", path=path)


def test_a_long_text_at_the_limit_is_kept_whole(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    text = "æ" * notes.MAX_TEXT
    assert _add(path, what_we_do=text).what_we_do == text


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """Streamlit serves sessions in threads; every note written at once is kept."""
    path = tmp_path / "notes.duckdb"
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            _add(path, author=f"Leder {i}")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(notes.for_kommune("3301", path)) == 12


def test_notes_survive_a_warehouse_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Acceptance (issue 5): a note is still there after `python -m etl demo` rebuilds."""
    from etl import demo

    # The default layout: notes.duckdb beside the warehouse, in the folder the ETL writes to.
    wh = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("UB_WAREHOUSE", str(wh))
    monkeypatch.setenv("UB_RUNS_LOG", str(tmp_path / "runs.jsonl"))
    monkeypatch.delenv("UB_NOTES", raising=False)
    assert warehouse_path() == wh
    assert notes_path() == tmp_path / "notes.duckdb"

    demo.build(target=wh)
    note = notes.add("3301", "lavinntekt", author="Kari", what_we_see="Før ombygging")
    before = wh.stat().st_ino, wh.stat().st_mtime_ns

    demo.build(target=wh)
    assert notes.for_kommune("3301") == [note]

    env = env_with(UB_WAREHOUSE=str(wh), UB_RUNS_LOG=str(tmp_path / "runs.jsonl"))
    env.pop("UB_NOTES", None)
    done = subprocess.run(
        [sys.executable, "-m", "etl", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert (wh.stat().st_ino, wh.stat().st_mtime_ns) != before  # the warehouse was replaced
    assert notes.for_kommune("3301") == [note]


def test_edit_and_withdraw_keep_the_history(tmp_path: Path) -> None:
    """Issue 15: the author edits and withdraws; every version stays, the newest is shown."""
    path = tmp_path / "notes.duckdb"
    t0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    note = _add(path, author_id="kari@drammen.kommune.no", now=t0)
    assert note.author_id == "kari@drammen.kommune.no" and not note.edited
    edited = notes.edit(
        note.note_id,
        author_id="kari@drammen.kommune.no",
        what_we_see="Ny tekst",
        path=path,
        now=t0 + dt.timedelta(days=1),
    )
    assert edited.version == 2 and edited.edited and edited.created_at == note.created_at
    (shown,) = notes.for_kommune("3301", path)
    assert shown.what_we_see == "Ny tekst" and shown.why == "" and shown.edited
    assert shown.updated_at == dt.datetime(2025, 3, 2, 9, 0)

    gone = notes.withdraw(
        note.note_id, author_id="kari@drammen.kommune.no", path=path, now=t0 + dt.timedelta(days=2)
    )
    assert gone.withdrawn and not gone.edited
    (shown,) = notes.for_kommune("3301", path)
    assert shown.withdrawn and shown.what_we_see == "" and shown.author == "Kari Nordmann"
    versions = notes.history(note.note_id, path)
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[0].what_we_see == "Lavinntekt øker i Strømsø."
    assert versions[1].what_we_see == "Ny tekst"
    with pytest.raises(notes.NoteError, match="withdrawn"):
        notes.edit(note.note_id, author_id="kari@drammen.kommune.no", why="x", path=path)


def test_only_the_author_may_change_a_note(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    note = _add(path, author_id="kari@drammen.kommune.no")
    for who in ("ola@drammen.kommune.no", ""):
        with pytest.raises(notes.NoteError, match="not_author"):
            notes.edit(note.note_id, author_id=who, why="Kapret", path=path)
        with pytest.raises(notes.NoteError, match="not_author"):
            notes.withdraw(note.note_id, author_id=who, path=path)
    with pytest.raises(notes.NoteError, match="not_found"):
        notes.withdraw("nope", author_id="kari@drammen.kommune.no", path=path)
    with pytest.raises(notes.NoteError, match="empty"):
        notes.edit(note.note_id, author_id="kari@drammen.kommune.no", path=path)
    assert notes.history(note.note_id, path) == [note]


def test_writes_per_author_are_limited_per_hour(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    t0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    for i in range(notes.MAX_WRITES_PER_HOUR):
        _add(path, author_id="bot@example.org", now=t0 + dt.timedelta(seconds=i))
    with pytest.raises(notes.NoteError) as err:
        _add(path, author_id="bot@example.org", now=t0 + dt.timedelta(minutes=30))
    assert err.value.code == "rate_limited" and err.value.limit == notes.MAX_WRITES_PER_HOUR
    _add(path, author_id="kari@example.org", now=t0 + dt.timedelta(minutes=30))  # others may
    _add(path, author_id="bot@example.org", now=t0 + dt.timedelta(minutes=61))  # an hour later
    assert len(notes.for_kommune("3301", path)) == notes.MAX_WRITES_PER_HOUR + 2


def test_a_store_from_before_versions_is_read_and_not_editable(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "notes.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE note (note_id VARCHAR PRIMARY KEY, kommune VARCHAR, target_id VARCHAR,"
            " area_code VARCHAR, what_we_see VARCHAR, why VARCHAR, what_we_do VARCHAR,"
            " author VARCHAR, created_at TIMESTAMP)"
        )
        con.execute(
            "INSERT INTO note VALUES ('old', '3301', 'lavinntekt', NULL, 'Gammel', '', '',"
            " 'Ordfører (ikke meg)', '2024-05-01 10:00:00')"
        )
    (old,) = notes.for_kommune("3301", path)
    assert old.author == "Ordfører (ikke meg)" and old.author_id == "" and old.version == 1
    with pytest.raises(notes.NoteError, match="not_author"):
        notes.withdraw("old", author_id="", path=path)
    new = _add(path, author_id="kari@drammen.kommune.no")
    assert [n.note_id for n in notes.for_kommune("3301", path)] == [new.note_id, "old"]
