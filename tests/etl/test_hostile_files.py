"""Hostile and broken import files: each is refused with a row/column message, never a
traceback, and nothing is loaded; zip bombs are refused before their XML is parsed."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl import __main__ as cli
from etl.sources import limits, local
from tests.etl.test_local_import import BAD, HEADER, IND, _expect, good_file

DISTRICTS = [f"3301-D0{i}" for i in range(1, 8)]


@pytest.fixture
def wh(demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo warehouse; UB_WAREHOUSE and UB_RUNS_LOG point at it."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_warehouse, path)
    monkeypatch.setenv("UB_WAREHOUSE", str(path))
    monkeypatch.setenv("UB_RUNS_LOG", str(tmp_path / "runs.jsonl"))
    return path


def _workbook(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.split(";"))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _good_rows() -> list[list[object]]:
    return [[IND, d, 2024, 30 + i, 300 + i, None, "alle", "Ungdata", "a@b.no"]
            for i, d in enumerate(DISTRICTS)]  # fmt: skip


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced or added, as a crafted file would be."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = change.pop(info.filename, None)
            dst.writestr(info, src.read(info) if body is None else body, zipfile.ZIP_DEFLATED)
        for name, body in change.items():
            dst.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _with_shared_strings(data: bytes, items: bytes, head: bytes = b"") -> bytes:
    """The workbook with a shared-strings part (openpyxl writes inline strings instead),
    declared in [Content_Types].xml so that openpyxl loads it."""
    types = _part(data, "[Content_Types].xml").replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/></Types>'.encode(),
    )
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>' + head
        + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + items + b"</sst>"
    )  # fmt: skip
    return _rezip(data, {"[Content_Types].xml": types, "xl/sharedStrings.xml": sst})


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------ zip bombs


def test_shared_string_bomb_is_refused_before_parsing(wh: Path, tmp_path: Path) -> None:
    # 600 000 one-letter strings: 10 MB of XML packed into a few kB.
    bomb = _with_shared_strings(_workbook(_good_rows()), b"<si><t>x</t></si>" * 600_000)
    path = _write(tmp_path, "bomb.xlsx", bomb)
    assert path.stat().st_size < 200_000
    start = time.monotonic()
    problems = _expect(path, wh, None, None, "looks like a zip bomb")
    assert "xl/sharedStrings.xml" in problems[0].message
    assert time.monotonic() - start < 5


def test_many_distinct_shared_strings_are_refused(wh: Path, tmp_path: Path) -> None:
    extra = b"".join(b"<si><t>%d</t></si>" % i for i in range(limits.MAX_SHARED_STRINGS + 1))
    crafted = _with_shared_strings(_workbook(_good_rows()), extra)
    _expect(_write(tmp_path, "texts.xlsx", crafted), wh, None, None, "different texts")


def test_too_many_parts_and_too_big_parts_are_refused(wh: Path, tmp_path: Path) -> None:
    data = _workbook(_good_rows())
    parts = {f"xl/media/p{i}.bin": b"x" for i in range(limits.MAX_PARTS)}
    _expect(_write(tmp_path, "parts.xlsx", _rezip(data, parts)), wh, None, None, "parts; the limit")
    # Random letters from four pack about 4:1: a big part that is no zip bomb, and fits in
    # the 20 MB upload, still over the part limit.
    letters = bytes(b"ACGT"[b % 4] for b in range(256))
    big = {"xl/media/big.bin": os.urandom(limits.MAX_PART_BYTES + 1).translate(letters)}
    _expect(
        _write(tmp_path, "big.xlsx", _rezip(data, big)),
        wh,
        None,
        None,
        f"the limit is {limits.MAX_PART_BYTES // 2**20} MB",
    )


def test_a_dtd_is_refused(wh: Path, tmp_path: Path) -> None:
    dtd = b'<!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    crafted = _with_shared_strings(_workbook(_good_rows()), b"<si><t>&e;</t></si>", dtd)
    path = _write(tmp_path, "dtd.xlsx", crafted)
    _expect(path, wh, None, None, "declares a DTD")


# ------------------------------------------------------------------- rows, columns, cells


def test_xlsx_row_with_too_many_columns(wh: Path, tmp_path: Path) -> None:
    rows = _good_rows()
    rows[2] = [*rows[2], *([None] * 50), "x"]
    path = _write(tmp_path, "wide.xlsx", _workbook(rows))
    _expect(path, wh, 4, None, f"columns; the limit is {limits.MAX_COLUMNS}")


def test_xlsx_cell_too_long_names_row_and_column(wh: Path, tmp_path: Path) -> None:
    rows = _good_rows()
    rows[3][7] = "U" * (limits.MAX_CELL_CHARS + 1)
    path = _write(tmp_path, "long.xlsx", _workbook(rows))
    _expect(path, wh, 5, "kilde", "characters long; the limit is 1000")


def test_xlsx_rows_beyond_the_limit(wh: Path, tmp_path: Path) -> None:
    data = _workbook(_good_rows())
    sheet = _part(data, "xl/worksheets/sheet1.xml")
    far = limits.MAX_ROWS + 5
    row = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (far, far)
    crafted = _rezip(
        data, {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", row + b"</sheetData>")}
    )
    _expect(_write(tmp_path, "tall.xlsx", crafted), wh, far, None, "more than")


def test_malformed_sheet_xml_is_a_message_in_the_cli(
    wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _workbook(_good_rows())
    sheet = _part(data, "xl/worksheets/sheet1.xml")
    broken = re.sub(rb'(<row r="4")', rb"<row r=\"3b\"><c><<</row>\1", sheet)
    path = _write(tmp_path, "broken.xlsx", _rezip(data, {"xl/worksheets/sheet1.xml": broken}))
    _expect(path, wh, 4, None, "cannot be read after row 3")
    assert cli.main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "broken.xlsx, row 4: sheet 'Sheet' cannot be read after row 3" in err
    assert "Traceback" not in err


def test_formula_without_a_saved_value_says_formulas_are_not_read(wh: Path, tmp_path: Path) -> None:
    rows = _good_rows()
    rows[1][3] = "=30+1"  # openpyxl writes the formula and no cached value
    path = _write(tmp_path, "formula.xlsx", _workbook(rows))
    _expect(path, wh, 3, "teller", "formulas are not read")


def test_formula_with_a_saved_value_reads_the_value(tmp_path: Path) -> None:
    rows = _good_rows()
    rows[1][3] = "=30+1"
    data = _workbook(rows)
    sheet = _part(data, "xl/worksheets/sheet1.xml")
    cached = re.sub(rb"<f>30\+1</f><v>\s*</v>|<f>30\+1</f>(<v/>)?", b"<f>30+1</f><v>31</v>", sheet)
    assert cached != sheet
    checked = local.check(_rezip(data, {"xl/worksheets/sheet1.xml": cached}), "cached.xlsx")
    assert checked.ok, checked.problems
    row = checked.observations.set_index("area_code").loc[DISTRICTS[1]]
    assert row["numerator"] == 31


# --------------------------------------------------------------------------------- CSV


def test_unclosed_quote_names_the_line_it_opened_on(wh: Path) -> None:
    path = BAD / "unclosed_quote.csv"
    problems = _expect(path, wh, 3, "kilde", 'the quote (") opened on line 3 is never closed')
    assert "lines 3-8" in problems[0].message


def test_quoted_line_break_is_refused(wh: Path, tmp_path: Path) -> None:
    lines = [HEADER] + [f"{IND};{d};2024;30;300;;alle;Ungdata;a@b.no" for d in DISTRICTS]
    lines[2] = lines[2].replace("Ungdata", '"Ung\ndata"')
    path = tmp_path / "linebreak.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _expect(path, wh, 3, "kilde", "closes on line 4")


def test_field_over_the_csv_module_limit_is_a_message(
    wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        f"{HEADER}\n{IND};3301-D01;2024;30;300;;alle;{'U' * 140_000};a@b.no\n", encoding="utf-8"
    )
    _expect(path, wh, 2, None, "longer than the limit of 1000 characters")
    assert cli.main(["import", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_csv_cell_over_the_cell_limit_names_its_column(wh: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        f"{HEADER}\n{IND};3301-D01;2024;30;300;;alle;{'U' * 1001};a@b.no\n", encoding="utf-8"
    )
    _expect(path, wh, 2, "kilde", "characters long")


def test_cr_and_crlf_line_breaks_read_as_lines() -> None:
    lines = [HEADER] + [f"{IND};{d};2024;30;300;;alle;Ungdata;a@b.no" for d in DISTRICTS]
    for sep in ("\r", "\r\n"):
        checked = local.check(sep.join(lines).encode(), "mac.csv")
        assert checked.ok, checked.problems
        assert len(checked.observations) == len(DISTRICTS)


def test_utf16_gets_an_encoding_message(wh: Path) -> None:
    _expect(BAD / "utf16.csv", wh, None, None, "UTF-16")


def test_thousands_separators_in_verdi(tmp_path: Path) -> None:
    lines = [HEADER, *(f"familievold;{d};2024;;;{v};alle;;" for d, v in
                       zip(DISTRICTS, ["1,234.5", "1.234,5", "1 234,5", "1234,5", "12.5"],
                           strict=False))]  # fmt: skip
    checked = local.check("\n".join(lines).encode(), "tusen.csv")
    assert checked.ok, checked.problems
    assert checked.observations.sort_values("area_code")["value"].tolist() == [
        1234.5,
        1234.5,
        1234.5,
        1234.5,
        12.5,
    ]
    bad = local.check(f"{HEADER}\nfamilievold;3301-D01;2024;;;1,23.4;alle;;".encode(), "x.csv")
    assert any(p.row == 2 and p.column == "verdi" and "is not a number" in p.message
               for p in bad.problems), bad.problems  # fmt: skip


# ------------------------------------------------------------------------ what is stored


def test_markdown_in_kilde_is_stored_inert(wh: Path, tmp_path: Path) -> None:
    path = good_file("3301", 2024, tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        ";Ungdata;", ";[x](http://evil.example/) ![](http://evil.example/p.png)\x1b[31m\x07;", 1
    )
    path.write_text(text, encoding="utf-8")
    checked, run = local.import_file(path, kommune="3301", target=wh)
    assert run is not None, checked.problems
    message = run.message or ""
    assert "kilde:" in message
    for live in ("[x](", "![](", "http://", "\x1b", "\x07"):
        assert live not in message
    assert r"\[x\]\(http\://evil.example/\)" in message


def test_status_escapes_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("UB_RUNS_LOG", str(log))
    run = {
        "run_id": "r1",
        "source": "local\x1b]0;x\x07",
        "started_at": "2026-12-01T10:00:00",
        "status": "ok",
        "rows": 1,
        "message": "kilde: \x1b[2J\x07bell",
    }
    log.write_text(json.dumps(run) + "\n", encoding="utf-8")
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert r"kilde: \x1b[2J\x07bell" in out


def test_import_into_a_warehouse_path_with_a_quote(demo_warehouse: Path, tmp_path: Path) -> None:
    folder = tmp_path / "o'brien"
    folder.mkdir()
    target = folder / "warehouse.duckdb"
    shutil.copy(demo_warehouse, target)
    checked, run = local.import_file(
        good_file("3301", 2024, tmp_path), target=target, runs_log=tmp_path / "runs.jsonl"
    )
    assert run is not None and run.status == "ok", checked.problems
    with duckdb.connect(str(target), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM observation WHERE indicator_id <> ?", [IND])
        assert (row.fetchone() or [0])[0] > 0
