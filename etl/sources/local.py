"""The kommune's own district figures: read a CSV or XLSX file, check every row, load it.

`check` reads and validates a file and returns every problem at once (file, row, column,
message); `load` writes a checked file through `etl.load.build_warehouse`, so an import is one
atomic run that carries over everything else in the current warehouse. A file with any
problem loads nothing.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import itertools
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl.utils import get_column_letter

from etl.load import Builder, LoadError, RunRecord, build_warehouse, config_areas
from etl.sources import limits, settings
from utfordringsbilde.config import Catalog, Indicator, Kommune, load_catalog, load_kommuner
from utfordringsbilde.paths import warehouse_path

MAX_BYTES = 20 * 1024 * 1024
FIRST_YEAR = 2000
HEADER_SEARCH_ROWS = 10
NAME = "local"
EXCEL_MAX_ROWS = 1_048_576  # a row number beyond Excel's last row is not read at all

# Template column -> accepted spellings (after _norm: lower case, æøå folded).
COLUMNS: dict[str, tuple[str, ...]] = {
    "indikator": ("indikator", "indicator", "indikator_id", "indicator_id"),
    "omrade": ("omrade", "area", "distrikt", "district", "omradekode"),
    "periode": ("periode", "period", "ar", "year"),
    "teller": ("teller", "numerator"),
    "nevner": ("nevner", "denominator"),
    "verdi": ("verdi", "value"),
    "kjonn": ("kjonn", "sex"),
    "kilde": ("kilde", "source"),
    "kontakt": ("kontakt", "contact"),
}
REQUIRED = ("indikator", "omrade", "periode")
SEX = {
    "": "all", "alle": "all", "all": "all", "begge": "all", "totalt": "all",
    "gutter": "male", "gutt": "male", "male": "male", "menn": "male", "m": "male",
    "jenter": "female", "jente": "female", "female": "female", "kvinner": "female", "k": "female",
}  # fmt: skip
TOTAL_WORDS = {"sum", "totalt", "total", "i alt", "kommunen", "hele kommunen", "alle"}
# Relative difference between the districts' sum and the kommune total that is still rounding
# (settings.LOCAL_TOTAL_TOLERANCE; UB_TOTAL_TOLERANCE or `check(tolerance=)` override it).
TOTAL_TOLERANCE = settings.LOCAL_TOTAL_TOLERANCE


def total_tolerance() -> float:
    """The tolerance for the districts' sum against the kommune total (UB_TOTAL_TOLERANCE)."""
    raw = os.environ.get("UB_TOTAL_TOLERANCE")
    if raw is None or not raw.strip():
        return TOTAL_TOLERANCE
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise LoadError(f"UB_TOTAL_TOLERANCE={raw!r} is not a number (e.g. 0.01 for 1 %)") from None
    if not 0 <= value < 1:
        raise LoadError(f"UB_TOTAL_TOLERANCE={raw!r} must be at least 0 and below 1")
    return value


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (file, row, column) and what."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Checked:
    """A read and validated file: observations ready to load, or the problems that stop it."""

    file: str
    sha256: str
    kommune: str | None = None
    observations: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self) -> pd.DataFrame:
        """Problems as a table (file, row, column, message) for the page and the CLI."""
        return pd.DataFrame(
            [(p.file, p.row, p.column, p.message) for p in self.problems],
            columns=["file", "row", "column", "message"],
        )


class _Rejected(Exception):
    """The file cannot be read at all; carries the one problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _norm(text: Any) -> str:
    s = "" if text is None else str(text).strip().lower()
    return s.replace("å", "a").replace("ø", "o").replace("æ", "ae").replace(" ", "_")


def _is_header(cells: list[Any]) -> bool:
    """A header row names at least the indicator and the area column."""
    normed = {_norm(c) for c in cells}
    return bool(normed & set(COLUMNS["indikator"])) and bool(normed & set(COLUMNS["omrade"]))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ----------------------------------------------------------------------------------- reading


def _unreadable(name: str, e: limits.Unreadable, header: list[Any] | None = None) -> _Rejected:
    """A limit's breach as the file's one problem; a cell index is named by its header."""
    column = e.column
    if isinstance(column, int):
        named = _cell_text(header[column]) if header and column < len(header) else ""
        column = named or get_column_letter(column + 1)
    return _Rejected(Problem(name, e.row, column, e.message))


def _template_columns(header: list[Any]) -> list[bool]:
    """Which cells of the header name a template column (the only ones ever read)."""
    return [any(_norm(c) in s for s in COLUMNS.values()) for c in header]


def _template_cells(cells: list[Any], keep: list[bool] | None) -> list[Any]:
    """A data row with only the cells under a template column, so that a file's extra
    columns cost no memory."""
    if keep is None:
        return cells
    return [c if k else None for c, k in zip(cells, keep, strict=False)]


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else cp1252, else ISO-8859-1; a BOM that lies is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        # cp1252 would "read" UTF-16 as letters and NUL bytes, and then find no header row.
        raise _Rejected(
            Problem(
                name,
                None,
                None,
                "the file is saved as UTF-16 (Excel's 'Unicode text') or is not a text file; "
                "save it again as 'CSV UTF-8'",
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if data.startswith(b"\xef\xbb\xbf"):
            # The file says it is UTF-8 but is not: guessing another encoding would garble it.
            row = data[: e.start].count(b"\n") + 1
            col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            raise _Rejected(
                Problem(
                    name,
                    row,
                    None,
                    f"the file is marked as UTF-8 but byte 0x{data[e.start]:02x} at character "
                    f"{col} is not valid UTF-8; save it again as 'CSV UTF-8'",
                )
            ) from e
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def _read_csv(data: bytes, name: str) -> list[tuple[int, list[Any]]]:
    """Rows as (line number, cells); comment lines (#) and blank lines are dropped."""
    text = _decode(data, name)
    if "\r" in text:
        # Windows CRLF, and CR alone as old Mac Excel writes it: one kind of line break.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        limits.check_line_count(text)  # before the sniffing below walks the lines
    except limits.Unreadable as e:
        raise _unreadable(name, e) from e
    lines = itertools.islice(
        (ln for ln in limits.lines(text) if ln.strip() and not ln.lstrip().startswith("#")),
        HEADER_SEARCH_ROWS,
    )
    # Sniff on the header line (title lines above it may hold neither separator).
    first_lines = list(lines)
    heads = [ln for ln in first_lines if re.search(r"indi[ck]ator", ln, re.I)]
    first = heads[0] if heads else (first_lines[0] if first_lines else "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    rows: list[tuple[int, list[Any]]] = []
    header: list[Any] | None = None
    keep: list[bool] | None = None
    try:
        for line, cells in limits.csv_records(text, delimiter):
            limits.check_cells(line, cells)
            if header is None and _is_header(cells):
                header, keep = cells, _template_columns(cells)
            else:
                cells = _template_cells(cells, keep)
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            rows.append((line, cells))
    except limits.Unreadable as e:
        raise _unreadable(name, e, header) from e
    return rows


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> XML path inside the workbook, read from workbook.xml and its rels."""
    book = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'Id="([^"]+)"', rel.group(0))
        target = re.search(r'Target="([^"]+)"', rel.group(0))
        if rid and target:
            t = target.group(1).lstrip("/")
            targets[rid.group(1)] = t if t.startswith("xl/") else "xl/" + t
    out = {}
    for sheet in re.finditer(r"<sheet\b[^>]*>", book):
        title = re.search(r'name="([^"]+)"', sheet.group(0))
        rid = re.search(r'r:id="([^"]+)"', sheet.group(0))
        if title and rid and rid.group(1) in targets:
            out[title.group(1)] = targets[rid.group(1)]
    return out


def _sheet_tags(data: bytes, title: str) -> tuple[list[tuple[str, int, int]], bool]:
    """Merged ranges of one sheet as (ref, first row, last row), and whether it has formulas.

    Read-only openpyxl hides both: merges are not reported, and a formula without a saved
    value reads as an empty cell.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = _sheet_paths(zf).get(title)
        if path is None or path not in zf.namelist():
            return [], False
        refs, formula = limits.sheet_tags(zf, path)
    out = []
    for ref in refs:
        nums = [int(n) for n in re.findall(r"\d+", ref)]
        if nums:
            out.append((ref, min(nums), max(nums)))
    return out, formula


def _sheet_rows(ws: Any, name: str, values_only: bool = True) -> Iterator[tuple[int, list[Any]]]:
    """A sheet's rows as (row number, values or cells) within the row and column limits."""
    # The sheet's own <dimension> may lie: openpyxl would pad every row to the width it
    # claims. Without it a row is as wide as its last real cell, which the limits check.
    ws.reset_dimensions()
    it = ws.iter_rows(values_only=values_only)
    i = 0
    while i < EXCEL_MAX_ROWS:
        try:
            cells = next(it)
        except StopIteration:
            return
        except MemoryError:
            raise  # the worker's memory cap (etl.sources.sandbox), not a broken sheet
        except Exception as e:  # the sheet's XML is broken: ParseError, ValueError, KeyError, …
            raise _Rejected(
                Problem(
                    name,
                    i + 1,
                    None,
                    f"sheet {ws.title!r} cannot be read after row {i}: {type(e).__name__}: {e}",
                )
            ) from e
        i += 1
        if i > limits.MAX_ROWS and any(_cell_text(getattr(c, "value", c)) for c in cells):
            raise _Rejected(
                Problem(name, i, None, f"the sheet has more than {limits.MAX_ROWS} rows")
            )
        yield i, list(cells)


def _formula_cells(data: bytes, name: str, title: str) -> Iterator[tuple[int, int, str]]:
    """(row, column index, formula) of every formula cell of a sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for i, cells in _sheet_rows(wb[title], name, values_only=False):
            for j, c in enumerate(cells):
                if getattr(c, "data_type", None) == "f":
                    yield i, j, str(c.value)
    finally:
        wb.close()


def _open_workbook(data: bytes, name: str) -> Any:
    """The workbook opened for streaming, once its archive passed the limits."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            # Before any XML is parsed: openpyxl reads every shared string into memory.
            limits.check_archive(zf)
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except limits.Unreadable as e:
        raise _unreadable(name, e) from e
    except MemoryError:
        raise  # the worker's memory cap (etl.sources.sandbox), not a broken file
    except Exception as e:  # openpyxl raises many types for a broken or foreign file
        raise _Rejected(Problem(name, None, None, f"not a readable Excel (.xlsx) file: {e}")) from e


def _read_xlsx(data: bytes, name: str) -> list[tuple[int, list[Any]]]:
    """Rows of the first sheet with a header in its first rows; merged header cells are refused."""
    wb = _open_workbook(data, name)
    try:
        for ws in wb.worksheets:
            rows: list[tuple[int, list[Any]]] = []
            header: list[Any] | None = None
            keep: list[bool] | None = None
            header_at = None
            for i, cells in _sheet_rows(ws, name):
                try:
                    limits.check_cells(i, cells)
                except limits.Unreadable as e:
                    raise _unreadable(name, e, header) from e
                if header_at is None and i <= HEADER_SEARCH_ROWS and _is_header(cells):
                    header_at, header, keep = i, cells, _template_columns(cells)
                else:
                    cells = _template_cells(cells, keep)
                if header_at is not None and any(_cell_text(c) for c in cells):
                    rows.append((i, cells))
                if header_at is None and i >= HEADER_SEARCH_ROWS:
                    break
            if header_at is None:
                continue
            try:
                merged, has_formula = _sheet_tags(data, ws.title)
            except limits.Unreadable as e:
                raise _unreadable(name, e) from e
            except (KeyError, UnicodeDecodeError, zipfile.BadZipFile) as e:
                raise _Rejected(
                    Problem(name, None, None, f"not a readable Excel (.xlsx) file: {e}")
                ) from e
            for ref, first, last in merged:
                if first <= header_at <= last:
                    raise _Rejected(
                        Problem(
                            name,
                            header_at,
                            ref,
                            f"merged cells {ref} in the header row (sheet {ws.title!r}); "
                            "unmerge them so each column has its own heading",
                        )
                    )
            if has_formula:
                _refuse_unsaved_formulas(data, name, ws.title, rows, header)
            return rows
    finally:
        wb.close()
    return []


def _refuse_unsaved_formulas(
    data: bytes,
    name: str,
    title: str,
    rows: list[tuple[int, list[Any]]],
    header: list[Any] | None,
) -> None:
    """Formulas are not evaluated: one without a value saved by Excel would read as empty."""
    values = dict(rows)
    keep = _template_columns(header) if header else []
    unsaved = [
        (i, j, f)
        for i, j, f in _formula_cells(data, name, title)
        if i in values
        and j < len(keep)
        and keep[j]
        and (j >= len(values[i]) or values[i][j] is None)
    ]
    if not unsaved:
        return
    i, j, formula = unsaved[0]
    ref = f"{get_column_letter(j + 1)}{i}"
    named = _cell_text(header[j]) if header and j < len(header) else ""
    more = f" (and {len(unsaved) - 1} more cells)" if len(unsaved) > 1 else ""
    raise _Rejected(
        Problem(
            name,
            i,
            named or ref,
            f"cell {ref} holds the formula {formula!r} with no saved value{more}; formulas "
            "are not read: open and save the file in Excel, or paste the cells as values",
        )
    )


def _parse_number(raw: Any) -> float:
    """A number from a cell: Excel numbers as they are; text with decimal comma or spaces.

    With both `,` and `.` the last one is the decimal mark and the other must group digits
    by three (`1.234,5`, `1,234.5`); one kind repeated groups digits (`1.234.567`); one `,`
    or `.` alone is the decimal mark. Anything else, like `1,23.4`, is not a number.
    """
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float):
        return float(raw)
    s = re.sub(r"[\s\u00a0\u2009\u202f]", "", str(raw))
    if "," in s and "." in s:
        mark = "," if s.rfind(",") > s.rfind(".") else "."
        group = "." if mark == "," else ","
        whole, _, frac = s.rpartition(mark)
        if not re.fullmatch(rf"-?\d{{1,3}}(\{group}\d{{3}})+", whole):
            raise ValueError
        s = whole.replace(group, "") + "." + frac
    elif s.count(",") > 1 or s.count(".") > 1:
        group = "," if "," in s else "."
        if not re.fullmatch(rf"-?\d{{1,3}}(\{group}\d{{3}})+", s):
            raise ValueError
        s = s.replace(group, "")
    else:
        s = s.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        raise ValueError
    return float(s)


def _parse_period(raw: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{4})(?:\s*[-–/]\s*(\d{4}))?", raw.strip())
    if not m:
        return None
    start = int(m.group(1))
    return start, int(m.group(2) or start)


# -------------------------------------------------------------------------------- validation


def _areas(k: Kommune) -> dict[str, tuple[str, str]]:
    """Every way to name an area of `k` -> (area code, district code).

    The kommune by its number or name; a district by its code or name; a grunnkrets by its 8
    digits; a school by its name (from the district's `schools` list), kept as `skole:<name>`
    so its rows sum to the district as grunnkrets rows do.
    """
    # The kommune itself, by number or name: its own total, e.g. a kommune-level indicator.
    out: dict[str, tuple[str, str]] = {
        k.code: (k.code, k.code),
        k.name.strip().lower(): (k.code, k.code),
    }
    for d in k.districts.items:
        out[d.code.lower()] = (d.code, d.code)
        out[d.name.strip().lower()] = (d.code, d.code)
        for gk in d.grunnkretser:
            out[gk] = (gk, d.code)
        for school in d.schools:
            out[school.strip().lower()] = (f"skole:{school.strip()}", d.code)
    return out


def _guess_kommune(values: list[str], kommuner: Mapping[str, Kommune]) -> str | None:
    """The configured kommune whose districts most of the area cells name."""
    best, hits = None, 0
    for code, k in kommuner.items():
        names = _areas(k)
        n = sum(1 for v in values if v.strip().lower() in names or v.strip() in names)
        if n > hits:
            best, hits = code, n
    return best


def check(
    data: bytes,
    name: str,
    *,
    kommune: str | None = None,
    catalog: Catalog | None = None,
    kommuner: Mapping[str, Kommune] | None = None,
    warehouse: Path | None = None,
    today: date | None = None,
    tolerance: float | None = None,
) -> Checked:
    """Read and validate a file's bytes; every problem is reported, none stops the others.

    `tolerance` is how far the districts' sum may be from the kommune total before a warning
    (default: UB_TOTAL_TOLERANCE, else settings.LOCAL_TOTAL_TOLERANCE).
    """
    result = Checked(file=name, sha256=hashlib.sha256(data).hexdigest())
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_BYTES:
        result.problems.append(
            Problem(
                name,
                None,
                None,
                f"the file is {len(data) / 1e6:.1f} MB; the limit is "
                f"{MAX_BYTES // (1024 * 1024)} MB",
            )
        )
        return result
    if suffix not in (".csv", ".xlsx"):
        result.problems.append(
            Problem(name, None, None, f"wrong file type {suffix or '(none)'!r}: use .csv or .xlsx")
        )
        return result
    try:
        rows = _read_xlsx(data, name) if suffix == ".xlsx" else _read_csv(data, name)
    except _Rejected as e:
        result.problems.append(e.problem)
        return result
    catalog = catalog if catalog is not None else load_catalog()
    kommuner = kommuner if kommuner is not None else load_kommuner()
    _validate_rows(result, rows, kommune, catalog, kommuner, today or date.today())
    if result.ok and result.kommune is not None:
        tol = total_tolerance() if tolerance is None else tolerance
        k = kommuner[result.kommune]
        result.warnings.extend(_compare_totals(result, warehouse, k, catalog, tol))
    return result


def _header(result: Checked, rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]]:
    """Header row number and template column -> cell index; problems for what is missing."""
    name = result.file
    for line, cells in rows[:HEADER_SEARCH_ROWS]:
        if not _is_header(cells):
            continue
        normed = [_norm(c) for c in cells]
        index: dict[str, int] = {}
        for i, c in enumerate(normed):
            for col, spellings in COLUMNS.items():
                if c in spellings and col not in index:
                    index[col] = i
        for col in REQUIRED:
            if col not in index:
                result.problems.append(Problem(name, line, col, "required column is missing"))
        if not ({"teller", "verdi"} & index.keys()):
            result.problems.append(
                Problem(name, line, "teller/verdi", "give teller and nevner, or verdi")
            )
        return line, index
    result.problems.append(
        Problem(
            name,
            None,
            "indikator",
            f"no header row with the columns 'indikator' and 'omrade' in the first "
            f"{HEADER_SEARCH_ROWS} rows",
        )
    )
    return 0, {}


Bad = Callable[[str, str], None]


def _cell(index: Mapping[str, int], cells: list[Any], col: str) -> Any:
    """A row's cell in a template column (None when the file lacks it)."""
    i = index.get(col)
    return cells[i] if i is not None and i < len(cells) else None


@dataclass
class _Rows:
    """What checking data rows needs: the header's column index and the kommune's catalog."""

    index: dict[str, int]
    indicators: dict[str, Indicator]
    areas: dict[str, tuple[str, str]]
    kommune: Kommune
    today: date

    def cell(self, cells: list[Any], col: str) -> Any:
        """The row's cell in a template column (None when the file lacks it)."""
        return _cell(self.index, cells, col)

    def text(self, cells: list[Any], col: str) -> str:
        """The cell as trimmed text."""
        return _cell_text(self.cell(cells, col))


def _kommune(
    result: Checked,
    texts: list[str],
    kommune: str | None,
    kommuner: Mapping[str, Kommune],
) -> str | None:
    """The kommune the file is for (given, else guessed from its areas); a problem if none."""
    if kommune is None:
        kommune = _guess_kommune(texts, kommuner)
    if kommune is not None and kommune in kommuner:
        return kommune
    result.problems.append(
        Problem(
            result.file,
            None,
            "omrade",
            f"kommune {kommune!r} is not configured (data/kommuner/)"
            if kommune
            else "no area names a district of a configured kommune; give --kommune",
        )
    )
    return None


def _numbers(r: _Rows, cells: list[Any], bad: Bad) -> dict[str, float | None]:
    """teller, nevner and verdi as numbers (None when empty or wrong, which `bad` reports)."""
    nums: dict[str, float | None] = {}
    for col in ("teller", "nevner", "verdi"):
        raw = r.cell(cells, col)
        nums[col] = None
        if _cell_text(raw) == "":
            continue
        try:
            n = _parse_number(raw)
        except ValueError:
            bad(col, f"{_cell_text(raw)!r} is not a number")
            continue
        nums[col] = n
        if n is not None and n < 0:
            bad(col, f"negative value {_cell_text(raw)}")
        elif col != "verdi" and not float(n or 0).is_integer():
            bad(col, f"{_cell_text(raw)} is not a whole number of people")
    return nums


def _what(r: _Rows, cells: list[Any], bad: Bad) -> tuple[Indicator | None, tuple[str, str] | None]:
    """The row's indicator and area (code, district), each None when unknown or empty."""
    ind_raw, area_raw = r.text(cells, "indikator"), r.text(cells, "omrade")
    ind = r.indicators.get(ind_raw)
    if not ind_raw:
        bad("indikator", "empty")
    elif ind is None:
        bad("indikator", f"unknown indicator {ind_raw!r} (use an id from the catalog)")
    area = r.areas.get(area_raw.lower()) or r.areas.get(area_raw.zfill(8))
    if not area_raw:
        bad("omrade", "empty")
    elif area is None:
        k = r.kommune
        bare = [d.name for d in k.districts.items if not d.grunnkretser]
        if bare and re.fullmatch(rf"{k.code}\d{{4}}", area_raw.strip()):
            # No roll-up for those districts: the kommune file lists no grunnkretser for them.
            bad(
                "omrade",
                f"grunnkrets {area_raw.strip()} is in no district of data/kommuner/{k.code}.yaml, "
                f"and {', '.join(bare)} list no grunnkretser there, so grunnkrets rows cannot be "
                "summed to them: give district rows, or list the grunnkretser in the kommune file",
            )
        else:
            where = f"{k.name} ({k.code})"
            bad("omrade", f"unknown district, grunnkrets or school {area_raw!r} in {where}")
    return ind, area


def _when(r: _Rows, cells: list[Any], bad: Bad) -> tuple[tuple[int, int] | None, str | None]:
    """The row's period (from, to) and sex, each None when it cannot be read."""
    period = _parse_period(r.text(cells, "periode"))
    if period is None:
        bad("periode", f"{r.text(cells, 'periode')!r} is not YYYY or YYYY-YYYY")
    elif not (FIRST_YEAR <= period[0] <= period[1] <= r.today.year):
        bad("periode", f"{period[0]}-{period[1]} is outside {FIRST_YEAR}-{r.today.year}")
    sex_raw = r.text(cells, "kjonn").lower()
    sex = SEX.get(sex_raw)
    if sex is None:
        bad("kjonn", f"{sex_raw!r} is not alle/gutter/jenter (or all/male/female)")
    return period, sex


def _record(r: _Rows, line: int, cells: list[Any], bad: Bad) -> dict[str, Any] | None:
    """One data row as a record; None when it has a problem (each one reported via `bad`)."""
    ind_raw, area_raw = r.text(cells, "indikator"), r.text(cells, "omrade")
    if area_raw.lower() in TOTAL_WORDS or ind_raw.lower() in TOTAL_WORDS:
        bad(
            "omrade",
            f"{area_raw or ind_raw!r} looks like a total row; remove it (the dashboard adds up "
            f"the districts itself), or give the kommune's own figure as {r.kommune.code} "
            f"or {r.kommune.name}",
        )
        return None
    problems: list[str] = []

    def noted(col: str, msg: str) -> None:
        problems.append(col)
        bad(col, msg)

    ind, area = _what(r, cells, noted)
    period, sex = _when(r, cells, noted)
    nums = _numbers(r, cells, noted)
    if ind is not None:
        _check_units(ind, nums, noted)
    if problems or ind is None or area is None or period is None or sex is None:
        return None
    return {
        "line": line,
        "indicator_id": ind.id,
        "area_code": area[0],
        "district": area[1],
        "grunnkrets": area[0] != area[1],
        "period_from": period[0],
        "period_to": period[1],
        "sex": sex,
        **nums,
    }


def _validate_rows(
    result: Checked,
    rows: list[tuple[int, list[Any]]],
    kommune: str | None,
    catalog: Catalog,
    kommuner: Mapping[str, Kommune],
    today: date,
) -> None:
    name = result.file
    header_line, index = _header(result, rows)
    if not index:
        return
    body = [(line, cells) for line, cells in rows if line > header_line]
    if not body:
        result.problems.append(Problem(name, None, None, "the file has no data rows"))
        return
    texts = [_cell_text(_cell(index, c, "omrade")) for _, c in body]
    found = _kommune(result, texts, kommune, kommuner)
    if found is None:
        return
    result.kommune = found
    indicators = {i.id: i for i in catalog.indicators}
    k = kommuner[found]
    r = _Rows(index, indicators, _areas(k), k, today)
    records: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    sources: set[str] = set()
    contacts: set[str] = set()
    for line, cells in body:

        def bad(col: str, msg: str, line: int = line) -> None:
            result.problems.append(Problem(name, line, col, msg))

        record = _record(r, line, cells, bad)
        if record is None:
            continue
        key = tuple(record[c] for c in ("indicator_id", "area_code", "period_from", "period_to"))
        key += (record["sex"],)
        if key in seen:
            bad("omrade", f"duplicate of row {seen[key]} (same indikator, omrade, periode, kjonn)")
            continue
        seen[key] = line
        if s := r.text(cells, "kilde"):
            sources.add(s)
        if c := r.text(cells, "kontakt"):
            contacts.add(c)
        records.append(record)
    result.sources, result.contacts = sorted(sources), sorted(contacts)
    if result.problems or not records:
        return
    _check_mixed(result, records, indicators)
    _check_overlaps(result, records)
    if result.ok:
        result.observations = _roll_up(result, records, r.kommune, indicators)


def _check_units(ind: Indicator, nums: Mapping[str, float | None], bad: Any) -> None:
    """Counts and values must fit the indicator's unit, and each other when both are given."""
    num, den, val = nums["teller"], nums["nevner"], nums["verdi"]
    counted = ind.unit in ("percent", "per_1000", "per_10000")
    if num is None and val is None:
        bad("teller", "give teller (and nevner) or verdi")
        return
    if num is not None and den is None and ind.unit != "count":
        bad("nevner", f"{ind.id} is {ind.unit}: teller needs a nevner")
    if den is not None and num is None:
        bad("teller", "nevner is given without teller")
    if num is not None and den is not None:
        if den == 0:
            bad("nevner", "nevner is 0")
        elif ind.unit == "percent" and num > den:
            bad("teller", f"teller {num:g} is greater than nevner {den:g}")
        elif val is not None and counted:
            expected = num / den * ind.multiplier
            if abs(expected - val) > max(0.051, abs(expected) * 0.001):
                bad(
                    "verdi",
                    f"mixed units: verdi {val:g} does not match teller/nevner "
                    f"({expected:.1f} {ind.unit})",
                )
    if val is not None and ind.unit == "percent" and val > 100:
        bad("verdi", f"{ind.id} is a percentage but verdi is {val:g} (> 100)")


def _check_mixed(
    result: Checked, records: list[dict[str, Any]], indicators: Mapping[str, Indicator]
) -> None:
    """One indicator, one way of giving it: rows with counts and rows with only verdi don't mix."""
    by_ind: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_ind.setdefault(r["indicator_id"], []).append(r)
    for ind_id, rows in by_ind.items():
        counted = [r for r in rows if r["teller"] is not None]
        if counted and len(counted) < len(rows):
            first = counted[0]["line"]
            for r in rows:
                if r["teller"] is None:
                    result.problems.append(
                        Problem(
                            result.file,
                            r["line"],
                            "verdi",
                            f"mixed units: row {first} gives {ind_id} as teller/nevner, "
                            "this row only verdi",
                        )
                    )
        if indicators[ind_id].unit != "count":
            for r in rows:
                if r["grunnkrets"] and r["teller"] is None:
                    result.problems.append(
                        Problem(
                            result.file,
                            r["line"],
                            "teller",
                            "grunnkrets rows need teller and nevner so they can be summed "
                            "to the district",
                        )
                    )


def _check_overlaps(result: Checked, records: list[dict[str, Any]]) -> None:
    """One series, periods that do not overlap: 2022-2024 beside 2022 and 2023 gives away 2024."""
    seen: dict[tuple[Any, ...], dict[tuple[int, int], int]] = {}
    for r in records:
        periods = seen.setdefault((r["indicator_id"], r["district"], r["sex"]), {})
        here = (r["period_from"], r["period_to"])
        for (lo, hi), line in periods.items():
            if here != (lo, hi) and here[0] <= hi and lo <= here[1]:
                result.problems.append(
                    Problem(
                        result.file,
                        r["line"],
                        "periode",
                        f"{here[0]}-{here[1]} overlaps {lo}-{hi} in row {line} for "
                        f"{r['indicator_id']} in {r['district']}: give single years or periods "
                        "that do not overlap (a hidden year could be worked out)",
                    )
                )
                break
        periods.setdefault(here, r["line"])


def _roll_up(
    result: Checked,
    records: list[dict[str, Any]],
    k: Kommune,
    indicators: Mapping[str, Indicator],
) -> pd.DataFrame:
    """Grunnkrets rows summed to their district; observation rows for `Builder`."""
    frame = pd.DataFrame(records)
    key = ["indicator_id", "district", "period_from", "period_to", "sex"]
    # District, grunnkrets and school rows are different ways to count the same people: a mix
    # for one district would count some of them twice.
    frame["kind"] = "district"
    frame.loc[frame["area_code"] == k.code, "kind"] = "kommune"
    frame.loc[frame["grunnkrets"], "kind"] = "grunnkrets"
    frame.loc[frame["area_code"].str.startswith("skole:"), "kind"] = "school"
    both = frame.groupby(key)["kind"].nunique()
    for idx in both[both > 1].index:
        line = int(frame.set_index(key).loc[idx, "line"].min())
        result.problems.append(
            Problem(
                result.file,
                line,
                "omrade",
                f"{idx[1]} {idx[2]}: mixes district, grunnkrets and school rows; give one kind",
            )
        )
    if result.problems:
        return pd.DataFrame()
    # A district summed from only some of its parts may be too low: say so, per kind of part.
    gk_sizes = {d.code: len(d.grunnkretser) for d in k.districts.items}
    school_sizes = {d.code: len(d.schools) for d in k.districts.items}
    parts = frame[frame["grunnkrets"]]
    if not parts.empty:
        is_school = parts["area_code"].str.startswith("skole:")
        for kind, sizes, subset in (
            ("grunnkretser", gk_sizes, parts[~is_school]),
            ("skoler", school_sizes, parts[is_school]),
        ):
            for idx, n in subset.groupby(key).size().items():
                if n < sizes[idx[1]]:
                    result.warnings.append(
                        f"{idx[0]} {idx[1]} {idx[2]}: summed from {n} of {sizes[idx[1]]} {kind}"
                    )
    summed = frame.groupby(key, as_index=False).agg(
        teller=("teller", lambda s: s.sum(min_count=1)),
        nevner=("nevner", lambda s: s.sum(min_count=1)),
        verdi=("verdi", lambda s: s.sum(min_count=1) if len(s) > 1 else s.iloc[0]),
    )
    rows = []
    for r in summed.itertuples(index=False):
        ind = indicators[r.indicator_id]
        num = None if pd.isna(r.teller) else float(r.teller)
        den = None if pd.isna(r.nevner) else float(r.nevner)
        if num is not None and den:
            value = num / den * ind.multiplier
        elif num is not None and ind.unit == "count":
            value = num
        else:
            value = float(r.verdi)
        rows.append(
            {
                "indicator_id": r.indicator_id,
                "area_code": r.district,
                "period_from": int(r.period_from),
                "period_to": int(r.period_to),
                "sex": r.sex,
                "age_group": "all",
                "value": value,
                "numerator": num,
                "denominator": den,
                "flag": None,
                "source": NAME,
                "derived": False,
            }
        )
    out = pd.DataFrame(rows)
    derived = _kommune_from_districts(out, k, indicators)
    if not derived.empty:
        ids = ", ".join(sorted(set(derived["indicator_id"])))
        result.notes.append(f"kommune totals computed from the districts' counts: {ids}")
        out = pd.concat([out, derived], ignore_index=True)
    return out


def _kommune_from_districts(
    obs: pd.DataFrame, k: Kommune, indicators: Mapping[str, Indicator]
) -> pd.DataFrame:
    """Kommune rows summed from every district, where the file gives none and sums are honest.

    Only the kommune's own (local) indicators: an API gives the others' kommune totals. Only
    counts sum: teller/nevner of a rate, or a count; a verdi alone (a score, an average) does
    not, and neither do districts some of which are missing.
    """
    if obs.empty:
        return obs
    districts = {d.code for d in k.districts.items}
    key = ["indicator_id", "period_from", "period_to", "sex"]
    given = set(map(tuple, obs.loc[obs["area_code"] == k.code, key].itertuples(index=False)))
    rows = []
    for idx, group in obs[obs["area_code"].isin(districts)].groupby(key):
        ind = indicators[str(idx[0])]
        if ind.source.provider != NAME or tuple(idx) in given:
            continue
        if set(group["area_code"]) != districts or group["numerator"].isna().any():
            continue
        num = float(group["numerator"].sum())
        if ind.unit == "count":
            value, den = num, None
        elif group["denominator"].notna().all() and group["denominator"].sum() > 0:
            den = float(group["denominator"].sum())
            value = num / den * ind.multiplier
        else:
            continue
        rows.append(
            {
                **dict(zip(key, idx, strict=True)),
                "area_code": k.code,
                "age_group": "all",
                "value": value,
                "numerator": num,
                "denominator": den,
                "flag": None,
                "source": NAME,
                "derived": True,
            }
        )
    return pd.DataFrame(rows, columns=obs.columns)


def _compare_totals(
    result: Checked, warehouse: Path | None, k: Kommune, catalog: Catalog, tolerance: float
) -> list[str]:
    """Warnings where the districts' sum differs from the kommune total by more than `tolerance`.

    Counts sum: teller and nevner of a rate, the value of a count (given as teller or verdi).
    The kommune total is the file's own kommune row, else the warehouse's.
    """
    obs = result.observations
    if obs.empty:
        return []
    units = {i.id: i.unit for i in catalog.indicators}
    districts = {d.code for d in k.districts.items}
    key = ["indicator_id", "period_from", "period_to", "sex"]
    parts = obs[obs["area_code"].isin(districts)].copy()
    counts = parts["indicator_id"].map(units).eq("count")
    # A count's own value is what sums; a rate's teller and nevner do.
    parts["teller"] = parts["numerator"].where(~counts, parts["value"])
    parts["nevner"] = parts["denominator"].where(~counts)
    sums = parts.groupby(key, as_index=False).agg(
        teller=("teller", lambda x: x.sum(min_count=1)),
        nevner=("nevner", lambda x: x.sum(min_count=1)),
        n=("area_code", "nunique"),
    )
    given = obs[(obs["area_code"] == k.code) & ~obs["derived"]].copy()
    totals = _kommune_totals(given, warehouse, k.code)
    totals["counted"] = totals["indicator_id"].map(units).eq("count")
    totals["k_teller"] = totals["numerator"].where(~totals["counted"], totals["value"])
    totals["k_nevner"] = totals["denominator"].where(~totals["counted"])
    both = sums.merge(totals[[*key, "k_teller", "k_nevner", "where"]], on=key)
    out = []
    for r in both.itertuples(index=False):
        for what, mine, theirs in (
            ("teller", r.teller, r.k_teller),
            ("nevner", r.nevner, r.k_nevner),
        ):
            if pd.isna(mine) or pd.isna(theirs) or not theirs:
                continue
            diff = abs(mine - theirs) / theirs
            if diff > tolerance and abs(mine - theirs) > 1:
                of = f" ({r.n} of {len(districts)} districts)" if r.n < len(districts) else ""
                out.append(
                    f"{r.indicator_id} {r.period_to} ({r.sex}): the districts' {what} sums to "
                    f"{mine:g}{of}, the kommune total {r.where} is {theirs:g} "
                    f"({diff:.1%} apart; tolerance {tolerance:.1%})"
                )
    return out


def _kommune_totals(given: pd.DataFrame, warehouse: Path | None, kommune: str) -> pd.DataFrame:
    """Kommune rows to compare with: the file's own, else the warehouse's (`where` says which)."""
    cols = ["indicator_id", "period_from", "period_to", "sex", "value", "numerator", "denominator"]
    frames = [given[cols].assign(where="in the file")]
    if warehouse is not None and warehouse.exists():
        try:
            with duckdb.connect(str(warehouse), read_only=True) as con:
                stored = con.execute(
                    f"SELECT {', '.join(cols)} FROM observation "
                    "WHERE area_code = ? AND age_group = 'all'",
                    [kommune],
                ).df()
            frames.append(stored.assign(where="in the warehouse"))
        except duckdb.Error:
            pass
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*cols, "where"])
    both = pd.concat(frames, ignore_index=True)
    return both.drop_duplicates(["indicator_id", "period_from", "period_to", "sex"])


# ------------------------------------------------------------------------------------ loading


# Markdown that would make a link, an image (fetched by every reader's browser), code, HTML,
# a table, LaTeX or a Streamlit directive; ":" also stops bare URLs from becoming links.
_MARKDOWN = re.compile(r"([\\`*_\[\]()<>!#|~$:])")


def _inert(text: str) -> str:
    """Text from a file as it may be stored for pages that render markdown: control
    characters dropped and markdown punctuation escaped, so it shows as typed."""
    text = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    return _MARKDOWN.sub(r"\\\1", text)


def _old_state(target: Path) -> tuple[dict[str, str], pd.DataFrame]:
    """Meta and area rows of the current warehouse (empty when there is none)."""
    if not target.exists():
        return {}, pd.DataFrame()
    with duckdb.connect(str(target), read_only=True) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        areas = con.execute("SELECT * FROM area").df()
    return meta, areas


def load(
    checked: Checked,
    *,
    who: str | None = None,
    target: Path | None = None,
    runs_log: Path | None = None,
    catalog: Catalog | None = None,
    kommuner: Mapping[str, Kommune] | None = None,
) -> RunRecord:
    """Replace the file's indicators at the kommune's districts in one atomic run.

    Everything else in the current warehouse is carried over. Raises LoadError, loading
    nothing, when the file has problems or the build fails.
    """
    if not checked.ok or checked.kommune is None:
        raise LoadError(f"{checked.file}: {len(checked.problems)} problems; nothing was loaded")
    target = target or warehouse_path()
    catalog = catalog if catalog is not None else load_catalog()
    config = dict(kommuner) if kommuner is not None else load_kommuner()
    k = config[checked.kommune]
    meta, old_areas = _old_state(target)
    in_warehouse = [c for c in (meta.get("kommuner") or "").split(",") if c in config]
    chosen = {c: config[c] for c in sorted({*in_warehouse, checked.kommune})}
    try:
        old_missing = json.loads(meta.get("missing_indicators") or "{}")
    except ValueError:
        old_missing = {}
    ids = sorted(set(checked.observations["indicator_id"]))
    # Every area below the kommune, at every district level: figures for the imported
    # indicators at levels the file does not give (e.g. demo levekårssoner) must not stay.
    below = pd.concat([config_areas([k]), old_areas], ignore_index=True)
    below = below[(below["kommune_code"] == k.code) & (below["level"] != "kommune")]
    sub_areas = sorted(set(below["area_code"]))
    # The kommune rows the file gives (or its districts sum to) replace the older ones of
    # those indicators only: an API's kommune total for another indicator stays.
    own = checked.observations[checked.observations["area_code"] == k.code]
    kommune_pairs = [(i, k.code) for i in sorted(set(own["indicator_id"]))]
    now = datetime.now(UTC).replace(tzinfo=None)
    who = who or getpass.getuser()
    obs = checked.observations.assign(source_updated=now)

    def produce(b: Builder) -> None:
        if not old_areas.empty:
            b.add_areas(old_areas)  # areas an earlier run added (peers' fylker, all fylker)
        # The file is the kommune's whole series for its indicators at district level: older
        # rows for them (an earlier import, demo figures) go, every other row stays.
        b.carry_over(target, reloaded=ids, fetched=sub_areas, pairs=kommune_pairs)
        # Each imported cell is credited to its file: the run id its rows carry → file name.
        b.meta["imports"] = _imports_meta(meta, b.run_id, checked.file)
        b.add_observations(obs)
        present = b.staged_indicators()
        for ind in catalog.indicators:
            if ind.id not in present:
                b.mark_missing(
                    ind.id,
                    old_missing.get(ind.id)
                    or "local data: the kommune's own file has not been imported "
                    "(python -m etl import)",
                )
        b.notes["import"] = (
            f"file {_inert(checked.file)} (sha256 {checked.sha256[:16]}) by {who} at "
            f"{now.isoformat(timespec='seconds')}Z: {len(obs)} rows of "
            f"{', '.join(ids)} for {k.name} ({k.code})"
            + (f"; {'; '.join(checked.notes)}" if checked.notes else "")
            + (f"; kilde: {', '.join(map(_inert, checked.sources))}" if checked.sources else "")
            + (f"; kontakt: {', '.join(map(_inert, checked.contacts))}" if checked.contacts else "")
        )

    passthrough = {
        key: value
        for key, value in meta.items()
        if key not in ("mode", "built_at", "data_version", "source", "kommuner",
                       "missing_indicators")
    }  # fmt: skip
    return build_warehouse(
        produce,
        mode=meta.get("mode") or "live",
        source=NAME,
        target=target,
        catalog=catalog,
        kommuner=chosen,
        runs_log=runs_log,
        meta={
            **passthrough,
            "last_import": f"{_inert(checked.file)} {now.isoformat(timespec='seconds')}",
        },
    )


def _imports_meta(meta: Mapping[str, str], run_id: str, file: str) -> str:
    """The `imports` meta entry: run id → file name of every import, this one added."""
    try:
        imports = json.loads(meta.get("imports") or "{}")
    except ValueError:
        imports = {}
    if not isinstance(imports, dict):
        imports = {}
    imports[run_id] = file
    return json.dumps(imports, ensure_ascii=False, sort_keys=True)


def import_file(
    path: Path,
    *,
    kommune: str | None = None,
    who: str | None = None,
    target: Path | None = None,
    runs_log: Path | None = None,
) -> tuple[Checked, RunRecord | None]:
    """Check a file on disk and, when it has no problems, load it. The size is checked first."""
    name = path.name
    size = path.stat().st_size
    if size > MAX_BYTES:
        # Never read a huge file into memory just to refuse it.
        checked = Checked(file=name, sha256="")
        checked.problems.append(
            Problem(
                name,
                None,
                None,
                f"the file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB",
            )
        )
        return checked, None
    target = target or warehouse_path()
    checked = check(path.read_bytes(), name, kommune=kommune, warehouse=target)
    if not checked.ok:
        return checked, None
    return checked, load(checked, who=who, target=target, runs_log=runs_log)
