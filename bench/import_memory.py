"""`python -m bench.import_memory`: peak memory and time of importing hostile 20 MB files.

Each file is written to bench/out/hostile/ and imported through `etl.sources.local.import_file`
in a fresh subprocess, which reports its peak resident memory (VmHWM) before and after, so
the figure is what one upload adds to a server process. Figures, not verdicts.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from etl.sources import limits, local

OUT = Path(__file__).parent / "out" / "hostile"
HEADER = ["indikator", "omrade", "periode", "teller", "nevner", "verdi", "kjonn", "kilde"]
SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
LETTERS = bytes(b"ACGT"[b % 4] for b in range(256))
BUDGET = local.MAX_BYTES - 64 * 1024


def _letters(n: int) -> bytes:
    """Random text that packs about 4:1: big, yet no zip bomb by ratio."""
    return os.urandom(n).translate(LETTERS)


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    ws.append(["ungdata_mobbet", "3301-D01", 2024, 30, 300, None, "alle", "Ungdata"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_parts(data: bytes, parts: dict[str, bytes], shared_strings: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if shared_strings and info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/>'
                body = body.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(info, parts.pop(info.filename, body), zipfile.ZIP_DEFLATED)
        for name, body in parts.items():
            dst.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb() -> bytes:
    """9 million shared strings in a file of a few hundred kB (the issue's 0.4 MB file)."""
    sst = b"<sst>" + b"<si><t>x</t></si>" * 9_000_000 + b"</sst>"
    return _with_parts(_workbook(), {"xl/sharedStrings.xml": sst}, shared_strings=True)


def shared_strings_at_the_limit() -> bytes:
    """As many and as long shared strings as the limits allow, packed to about 20 MB."""
    n = limits.MAX_SHARED_STRINGS - 1
    size = min(limits.MAX_PART_BYTES - 1024, 4 * BUDGET - 1024 * 1024) // n - 20
    body = b"".join(b"<si><t>" + _letters(size) + b"</t></si>" for _ in range(n))
    sst = b"<sst>" + body + b"</sst>"
    return _with_parts(_workbook(), {"xl/sharedStrings.xml": sst}, shared_strings=True)


def sheet_at_the_limit(width: int = 50) -> bytes:
    """A sheet part near the part limit, with no <dimension> (so openpyxl parses it twice):
    rows of `width` numbers."""
    rows = []
    size = 0
    r = 2
    while size < limits.MAX_PART_BYTES - 1024 * 1024 and r <= limits.MAX_ROWS:
        cells = "".join(f'<c r="{_col(j)}{r}"><v>{(r * 7 + j) % 997}</v></c>' for j in range(width))
        row = f'<row r="{r}">{cells}</row>'.encode()
        rows.append(row)
        size += len(row)
        r += 1
    head = "".join(f'<c r="{_col(j)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                   for j, h in enumerate(HEADER))  # fmt: skip
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1">' + head.encode() + b"</row>" + b"".join(rows)
        + b"</sheetData></worksheet>"
    )  # fmt: skip
    return _with_parts(_workbook(), {"xl/worksheets/sheet1.xml": sheet})


def _col(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def csv_wide_rows() -> bytes:
    """As many lines of 50 two-letter cells as fit in 20 MB: every row is refused."""
    line = ";".join(f"x{j % 10}" for j in range(50)) + "\n"
    n = min(limits.MAX_ROWS - 1, BUDGET // len(line))
    return (";".join(HEADER) + "\n" + line * n).encode()


def csv_garbage_rows() -> bytes:
    """As many rows as allowed with text in every template column: a problem per cell."""
    line = ";".join(f"x{j}" for j in range(len(HEADER))) + "\n"
    return (";".join(HEADER) + "\n" + line * (limits.MAX_ROWS - 1)).encode()


def csv_unclosed_quote() -> bytes:
    """A quote opened on line 3 of 20 MB of otherwise good rows."""
    good = "ungdata_mobbet;3301-D01;2024;30;300;;alle;Ungdata " + "x" * 350 + "\n"
    rows = good * min(limits.MAX_ROWS - 10, BUDGET // len(good))
    return (";".join(HEADER) + "\n" + good + good.replace("Ungdata", '"Ungdata') + rows).encode()


def csv_line_flood() -> bytes:
    """20 MB of line breaks."""
    return b"\n" * BUDGET


FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "zip_bomb": ("zip_bomb.xlsx", zip_bomb),
    "shared_strings_at_the_limit": ("strings.xlsx", shared_strings_at_the_limit),
    "sheet_at_the_limit": ("sheet.xlsx", sheet_at_the_limit),
    "sheet_rows_of_garbage": ("sheet9.xlsx", lambda: sheet_at_the_limit(len(HEADER))),
    "csv_wide_rows": ("wide.csv", csv_wide_rows),
    "csv_garbage_rows": ("garbage.csv", csv_garbage_rows),
    "csv_unclosed_quote": ("quote.csv", csv_unclosed_quote),
    "csv_line_flood": ("flood.csv", csv_line_flood),
}

_CHILD = """
import json, sys, time
from pathlib import Path
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
from etl.sources import local
from utfordringsbilde.config import load_catalog, load_kommuner
load_catalog(); load_kommuner()
path = Path(sys.argv[1])
before = hwm()
start = time.monotonic()
checked, run = local.import_file(path, kommune="3301", target=Path(sys.argv[2]))
print(json.dumps({"before": before, "after": hwm(), "seconds": time.monotonic() - start,
                  "loaded": run is not None, "problems": len(checked.problems),
                  "first": str(checked.problems[0]) if checked.problems else ""}))
"""


def measure(path: Path, target: Path) -> dict[str, object]:
    """Import `path` in a fresh interpreter; its peak memory before and after, and time."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(target)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(FILES))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(FILES)
    OUT.mkdir(parents=True, exist_ok=True)
    # No warehouse at the target: nothing hostile may get as far as loading.
    target = OUT / "never.duckdb"
    print(f"{'file':28} {'MB':>5} {'+MB peak':>9} {'s':>6}  loaded  first problem")
    for name in names:
        filename, make = FILES[name]
        path = OUT / filename
        if not path.exists():
            path.write_bytes(make())
        r = measure(path, target)
        grew = float(r["after"]) - float(r["before"])  # type: ignore[arg-type]
        print(
            f"{name:28} {path.stat().st_size / 1e6:5.1f} {grew:9.0f} {r['seconds']:6.1f}  "
            f"{'yes' if r['loaded'] else 'no':6}  {str(r['first'])[:90]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
