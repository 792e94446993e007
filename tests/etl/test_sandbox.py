"""The worker process that checks uploads: hostile files refused, a slow parse killed at the
deadline, a file that needs too much memory stopped, and a valid file's rows come back whole."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pandas as pd

from etl.sources import limits, local, sandbox
from tests.etl.test_hostile_files import _good_rows, _with_shared_strings, _workbook, wh
from tests.etl.test_local_import import HEADER, _districts

__all__ = ["wh"]  # the fixture, imported for its name

LETTERS = bytes(b"ACGT"[b % 4] for b in range(256))


def _children() -> set[int]:
    """Process ids whose parent is this test process (Linux /proc)."""
    me = str(os.getpid())
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            found.add(int(entry))
    return found


def test_a_valid_file_comes_back_as_checked_in_process(tmp_path: Path) -> None:
    data = _workbook(_good_rows())
    inside = local.check(data, "egne.xlsx")
    isolated = sandbox.check(data, "egne.xlsx")
    assert inside.ok and isolated.ok, isolated.problems
    assert isolated.kommune == inside.kommune == "3301"
    assert isolated.sha256 == inside.sha256
    assert isolated.contacts == inside.contacts and isolated.sources == inside.sources
    pd.testing.assert_frame_equal(isolated.observations, inside.observations)


def test_the_worker_compares_with_the_warehouse_under_its_memory_cap(wh: Path) -> None:
    """DuckDB opens the warehouse inside the capped worker: the totals warning still comes."""
    with duckdb.connect(str(wh), read_only=True) as con:
        year, total = con.execute(
            "SELECT period_to, value FROM observation WHERE indicator_id = 'barn_0_17' "
            "AND area_code = '3301' AND sex = 'all' ORDER BY period_to DESC LIMIT 1"
        ).fetchone()
    codes = _districts("3301")
    share = total * 1.034 / len(codes)  # the districts sum to 3.4 % over the kommune
    lines = [HEADER] + [f"barn_0_17;{c};{year};;;{share:.0f};;" for c in codes]
    data = "\n".join(lines).encode()
    isolated = sandbox.check(data, "barn.csv", warehouse=wh)
    assert isolated.ok, isolated.problems
    assert isolated.warnings == local.check(data, "barn.csv", warehouse=wh).warnings
    assert any("3.4% apart" in w for w in isolated.warnings), isolated.warnings


def test_a_zip_bomb_is_refused_with_the_readers_message() -> None:
    bomb = _with_shared_strings(_workbook(_good_rows()), b"<si><t>x</t></si>" * 600_000)
    checked = sandbox.check(bomb, "bomb.xlsx")
    assert not checked.ok
    assert checked.observations.empty
    [problem] = checked.problems
    assert "looks like a zip bomb" in problem.message and problem.file == "bomb.xlsx"


def test_a_slow_parse_is_killed_at_the_deadline() -> None:
    # 50 000 rows of text in every column: within every limit. The deadline is below the
    # worker's own start-up (about 1 s here), so the kill is certain on any machine: a
    # deadline above it depended on how fast this machine parses (on a quiet one it finished).
    line = ";".join(f"x{j}" for j in range(len(HEADER.split(";")))) + "\n"
    data = (HEADER + "\n" + line * (limits.MAX_ROWS - 1)).encode()
    before = _children()
    start = time.monotonic()
    checked = sandbox.check(data, "treg.csv", timeout=0.3)
    took = time.monotonic() - start
    [problem] = checked.problems
    assert "took longer than 0.3 s and was stopped" in problem.message, problem
    assert problem.file == "treg.csv" and problem.row is None
    assert checked.observations.empty
    assert took < 0.3 + 2.0  # killed, not waited for
    assert _children() <= before  # the worker is gone, not left running


def test_a_file_needing_more_memory_than_the_cap_is_stopped() -> None:
    # 99 999 shared strings of 200 letters: every text is held in memory while the sheet is read.
    strings = b"".join(
        b"<si><t>" + os.urandom(200).translate(LETTERS) + b"</t></si>"
        for _ in range(limits.MAX_SHARED_STRINGS - 1)
    )
    data = _with_shared_strings(_workbook(_good_rows()), strings)
    assert len(data) < local.MAX_BYTES
    checked = sandbox.check(data, "tekster.xlsx", memory_mb=20)
    [problem] = checked.problems
    assert "needed more than 20 MB of memory and was stopped" in problem.message, problem


def test_wrong_type_and_oversize_are_refused_without_a_worker() -> None:
    start = time.monotonic()
    assert "wrong file type" in sandbox.check(b"x", "a.txt").problems[0].message
    big = sandbox.check(b"x" * (local.MAX_BYTES + 1), "stor.csv")
    assert "the limit is 20 MB" in big.problems[0].message
    assert time.monotonic() - start < 1
