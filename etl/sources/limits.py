"""What an imported file may hold before it is read: sizes, parts, rows, columns and cells.

The readers in `etl.sources.local` call these before and while they parse, so a hostile
file (a zip bomb, a million columns, an unclosed quote) is refused with a message instead of
eating the server's memory or reaching the user as a traceback. A breach raises `Unreadable`
with the row (a line or sheet row) and column it was found at.
"""

from __future__ import annotations

import csv
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

# The template is one row per indicator, area, period and sex: a kommune's whole file is a
# few thousand rows, so these leave a wide margin and still bound what a file can cost.
MAX_ROWS = 50_000
MAX_COLUMNS = 30
MAX_CELL_CHARS = 1_000
# An .xlsx is a zip of XML parts. Real workbooks compress about 5-20:1; a zip bomb thousands:1.
MAX_PARTS = 1_000
MAX_PART_BYTES = 25 * 1024 * 1024  # 50 000 rows of the template are about 15 MB of sheet XML
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # parts smaller than this unpack to little whatever their ratio
MAX_SHARED_STRINGS = 100_000
_CHUNK = 1024 * 1024
# Tags that open a shared string, a DTD (Excel never writes one; it is how entity bombs and
# external entities get in), a merged range or a formula; namespace prefixes allowed.
_SI = re.compile(rb"<(?:\w{1,20}:)?si[\s>/]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_SHEET_TAGS = re.compile(
    rb'<(?:\w{1,20}:)?mergeCell\b[^>]{0,200}?ref="([^"]{1,40})"|<(?:\w{1,20}:)?(f)[\s>/]'
)


class Unreadable(ValueError):
    """A file, or a part of it, that is refused before or while it is read."""

    def __init__(self, row: int | None, column: int | str | None, message: str):
        super().__init__(message)
        self.row = row
        self.column = column  # a 0-based cell index, a name, or None for the whole file
        self.message = message


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


def _chunks(zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """A part's bytes in chunks; zipfile stops at the declared size and checks the CRC."""
    try:
        with zf.open(name) as fh:
            while block := fh.read(_CHUNK):
                yield block
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as e:
        raise Unreadable(None, None, f"part {name!r} of the workbook is broken ({e})") from e


def _scan(zf: zipfile.ZipFile, name: str, pattern: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    """Every match of `pattern` in a part, read in chunks (matches are shorter than 300 bytes)."""
    keep = 300
    tail = b""
    for block in _chunks(zf, name):
        buf = tail + block
        cut = len(buf) - keep
        for m in pattern.finditer(buf):
            if m.end() > len(buf) - keep:
                cut = m.start()  # may continue in the next chunk: look at it again there
                break
            cut = max(cut, m.end())
            yield m
        tail = buf[cut:]
    yield from pattern.finditer(tail)


def check_archive(zf: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts are too many, too big or packed like a zip bomb."""
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise Unreadable(
            None, None, f"the workbook has {len(infos)} parts; the limit is {MAX_PARTS}"
        )
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        total += size
        if size > MAX_PART_BYTES:
            raise Unreadable(
                None,
                None,
                f"part {info.filename!r} unpacks to {_mb(size)}; the limit is "
                f"{_mb(MAX_PART_BYTES)}",
            )
        if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
            raise Unreadable(
                None,
                None,
                f"part {info.filename!r} unpacks from {_mb(packed)} to {_mb(size)} "
                f"({size // max(packed, 1)}:1); the limit is {MAX_RATIO}:1, so this looks "
                "like a zip bomb",
            )
    if total > MAX_UNPACKED_BYTES:
        raise Unreadable(
            None,
            None,
            f"the workbook unpacks to {_mb(total)}; the limit is {_mb(MAX_UNPACKED_BYTES)}",
        )
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels")):
            continue
        for _ in _scan(zf, info.filename, _DTD):
            raise Unreadable(
                None,
                None,
                f"part {info.filename!r} declares a DTD (<!DOCTYPE or <!ENTITY), which Excel "
                "never writes; save the file again from Excel",
            )
        if info.filename.lower().endswith("sharedstrings.xml"):
            n = sum(1 for _ in _scan(zf, info.filename, _SI))
            if n > MAX_SHARED_STRINGS:
                raise Unreadable(
                    None,
                    None,
                    f"the workbook has {n} different texts; the limit is {MAX_SHARED_STRINGS}",
                )


def sheet_tags(zf: zipfile.ZipFile, name: str) -> tuple[list[str], bool]:
    """A sheet part's merged ranges (refs) and whether any cell holds a formula."""
    merged: list[str] = []
    formula = False
    for m in _scan(zf, name, _SHEET_TAGS):
        if m.group(1):
            merged.append(m.group(1).decode("ascii", errors="replace"))
        else:
            formula = True
    return merged, formula


def check_cells(row: int, cells: list[Any]) -> None:
    """Refuse a row with too many columns or a cell too long to be a template value."""
    while cells and cells[-1] in (None, ""):
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise Unreadable(row, None, f"the row has {len(cells)} columns; the limit is {MAX_COLUMNS}")
    for i, c in enumerate(cells):
        if isinstance(c, str) and len(c) > MAX_CELL_CHARS:
            raise Unreadable(
                row,
                i,
                f"the cell is {len(c)} characters long; the limit is {MAX_CELL_CHARS}",
            )


def check_line_count(text: str) -> None:
    """Refuse a text with more lines than a file may have rows (counted without splitting)."""
    n = text.count("\n")
    if n > MAX_ROWS:
        raise Unreadable(None, None, f"the file has {n} lines; the limit is {MAX_ROWS}")


def lines(text: str) -> Iterator[str]:
    """The lines of `text`, each with its "\\n"; unlike io.StringIO no copy of the whole text
    (StringIO stores four bytes a character)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _open_quote(line_text: str, delimiter: str) -> int:
    """Index of the cell whose quote is still open at the end of a line."""
    return len(next(csv.reader([line_text], delimiter=delimiter), [""])) - 1


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Records as (line number, cells), each on exactly one line of the file.

    A quote that is never closed would swallow the rest of the file into one cell, and a
    closed one around a line break makes two lines one row: both are refused at the line
    where the quote opened, so no row goes missing silently.
    """
    check_line_count(text)
    reader = csv.reader(lines(text), delimiter=delimiter, strict=True)
    start = 1

    def quote(last: int, cells: list[str] | None = None) -> Unreadable:
        closed = cells is not None
        column: int | None
        if cells is not None:
            column = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), None)
        else:
            line_text = next(itertools.islice(lines(text), start - 1, None), "")
            column = _open_quote(line_text.rstrip("\r\n"), delimiter)
        spans = f", so lines {start}-{last} would be read as one cell" if last > start else ""
        if closed and last == start:
            message = "the cell holds a line break; put it on one line"
        elif closed:
            message = (
                f'the quote (") opened on line {start} closes on line {last}{spans}; a cell '
                "cannot hold a line break: put it on one line"
            )
        else:
            message = (
                f'the quote (") opened on line {start} is never closed{spans}; close it on '
                "the same line or remove it"
            )
        return Unreadable(start, column, message)

    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            if reader.line_num > start or "end of data" in str(e):
                raise quote(max(reader.line_num, start)) from e
            if "field larger" in str(e):
                raise Unreadable(
                    start, None, f"a cell is longer than the limit of {MAX_CELL_CHARS} characters"
                ) from e
            raise Unreadable(
                start,
                None,
                f'{e}: a quote (") must end its cell; write two quotes ("") for one inside',
            ) from e
        last = reader.line_num
        if last > start or any("\n" in c or "\r" in c for c in cells):
            raise quote(last, cells)
        yield start, cells
        start = last + 1
