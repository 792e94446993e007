"""The import template for the kommune's own data, as CSV and XLSX bytes that are reproducible.

`python -m utfordringsbilde.template` writes both files to data/templates/; a test checks that
the committed files equal what this module produces.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from utfordringsbilde.paths import DATA_DIR

TEMPLATE_DIR = DATA_DIR / "templates"
CSV_NAME = "lokale-data-mal.csv"
XLSX_NAME = "lokale-data-mal.xlsx"
HEADER = [
    "indikator",
    "omrade",
    "periode",
    "teller",
    "nevner",
    "verdi",
    "kjonn",
    "kilde",
    "kontakt",
]

GUIDE = [
    ("indikator", "Indikatorens id fra katalogen (data/indicators.yaml), f.eks. ungdata_mobbet."),
    (
        "omrade",
        "Distriktskode (3301-D01), distriktsnavn (Bragernes) eller 8-sifret grunnkrets; "
        "grunnkretser summeres til distriktet.",
    ),
    ("periode", "År (2024) eller periode (2022-2024), fra 2000 til i år."),
    ("teller", "Antall personer med egenskapen (hele tall)."),
    ("nevner", "Antall personer i alt (hele tall). Oppgi teller og nevner, eller bare verdi."),
    (
        "verdi",
        "Verdien når teller/nevner mangler, i indikatorens enhet (prosent 0-100). "
        "Desimalkomma går fint.",
    ),
    ("kjonn", "Valgfritt: alle, gutter eller jenter (eller all/male/female). Tom = alle."),
    ("kilde", "Hvor tallene kommer fra, f.eks. Ungdata 2024 eller PPT."),
    ("kontakt", "Hvem som kan svare på spørsmål om tallene."),
]
GENERAL = [
    "Én rad per indikator, område, periode og kjønn. Ingen sumrader (Sum, Totalt, Kommunen).",
    "Små tall skjules automatisk (prikkes) før noe lagres; rådata lagres aldri.",
    "En fil med feil lastes ikke i det hele tatt; alle feil vises samtidig med rad og kolonne.",
    "Import: python -m etl import FIL --kommune 3301, eller siden «Importer» (krever innlogging).",
]
EXAMPLE = [
    ["ungdata_mobbet", "3301-D01", "2024", "12", "160", "", "alle", "Ungdata 2024", "a@kommune.no"],
    ["ungdata_mobbet", "3301-D02", "2024", "9", "140", "", "alle", "Ungdata 2024", "a@kommune.no"],
]  # fmt: skip
# Fixed timestamps make the XLSX byte-for-byte reproducible.
FIXED = datetime(2026, 1, 1)


def csv_bytes() -> bytes:
    """The CSV template: UTF-8 with BOM (Excel opens it right), ';', '#' comment lines first."""
    lines = [
        "# Mal for kommunens egne tall til Utfordringsbilde. Linjer som starter med # leses ikke."
    ]
    lines += [f"# {col}: {text}" for col, text in GUIDE]
    lines += [f"# {text}" for text in GENERAL]
    lines.append(";".join(HEADER))
    lines += [";".join(row) for row in EXAMPLE]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes() -> bytes:
    """The XLSX template: a guide sheet first, then the data sheet with the header in row 1."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = "Veiledning"
    guide.append(["Kolonne", "Forklaring"])
    for col, text in GUIDE:
        guide.append([col, text])
    guide.append([])
    for text in GENERAL:
        guide.append([text])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 100
    data = wb.create_sheet("Data")
    data.append(HEADER)
    for row in EXAMPLE:
        data.append([int(c) if c.isdigit() and i in (3, 4) else c for i, c in enumerate(row)])
    for cell in data[1]:
        cell.font = Font(bold=True)
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "Utfordringsbilde"
    raw = io.BytesIO()
    wb.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times, so the same content gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the current time whatever the property says.
                text = body.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    r"\g<1>2026-01-01T00:00:00Z",
                    text,
                )
                body = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


def write(folder: Path = TEMPLATE_DIR) -> list[Path]:
    """Write both templates into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / CSV_NAME, folder / XLSX_NAME]
    paths[0].write_bytes(csv_bytes())
    paths[1].write_bytes(xlsx_bytes())
    return paths


if __name__ == "__main__":
    for p in write():
        print(p)
