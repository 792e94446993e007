"""Import of the kommune's own district figures: bad files load nothing, good files round-trip."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from etl import __main__ as cli
from etl.load import read_runs
from etl.sources import local
from tests.etl.conftest import Paths
from tests.etl.fakeapi import FakeApis
from utfordringsbilde import disclosure, template
from utfordringsbilde.config import Catalog, Kommune, load_kommuner

BAD = Path(__file__).parent / "bad_files"
HEADER = "indikator;omrade;periode;teller;nevner;verdi;kjonn;kilde;kontakt"
IND = "ungdata_mobbet"


@pytest.fixture
def wh(demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo warehouse; UB_WAREHOUSE and UB_RUNS_LOG point at it."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_warehouse, path)
    monkeypatch.setenv("UB_WAREHOUSE", str(path))
    monkeypatch.setenv("UB_RUNS_LOG", str(tmp_path / "runs.jsonl"))
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _latest(path: Path, kommune: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "SELECT max(period_to) FROM observation WHERE indicator_id = ? AND area_code = ?",
            [IND, kommune],
        ).fetchone()
    assert row and row[0]
    return int(row[0])


def good_file(kommune: str, year: int, folder: Path) -> Path:
    """A district-level file for every district of `kommune`, counts well above suppression."""
    k = load_kommuner()[kommune]
    lines = [HEADER]
    for i, d in enumerate(k.districts.items):
        lines.append(f"{IND};{d.code};{year};{30 + 3 * i};{300 + 10 * i};;alle;Ungdata;a@b.no")
    path = folder / f"good-{kommune}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def merged_header_xlsx(folder: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Lokale data for Drammen"])
    ws.append([])
    ws.append(["indikator", "omrade", "periode", "tall", None, "kilde"])
    ws.merge_cells("D3:E3")
    ws.append([IND, "3301-D01", 2024, 20, 200, "Ungdata"])
    path = folder / "merged_header.xlsx"
    wb.save(path)
    return path


def huge_file(folder: Path) -> Path:
    """A 50 MB CSV, written at test time (never committed)."""
    path = folder / "huge.csv"
    row = f"{IND};3301-D01;2024;20;200;;alle;Ungdata;a@b.no\n".encode()
    with path.open("wb") as fh:
        fh.write((HEADER + "\n").encode())
        chunk = row * 20000
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    return path


# ----------------------------------------------------------------------------- bad files


def _expect(
    path: Path, wh: Path, row: int | None, column: str | None, words: str
) -> list[local.Problem]:
    """Import `path`: it must be refused with a problem at (row, column) saying `words`,
    and the warehouse must be byte-for-byte what it was."""
    before = _sha(wh)
    checked, run = local.import_file(path, kommune="3301", target=wh)
    assert run is None
    assert not checked.ok
    hits = [p for p in checked.problems if p.row == row and p.column == column]
    assert hits, checked.problems
    assert any(words in p.message for p in hits), hits
    assert all(p.file == path.name for p in checked.problems)
    assert _sha(wh) == before
    return checked.problems


def test_total_row(wh: Path) -> None:
    _expect(BAD / "total_row.csv", wh, 3, "omrade", "total row")


def test_text_in_number_column(wh: Path) -> None:
    _expect(BAD / "text_in_numbers.csv", wh, 2, "teller", "'tolv' is not a number")


def test_unknown_district(wh: Path) -> None:
    _expect(BAD / "unknown_district.csv", wh, 3, "omrade", "unknown district")


def test_duplicate_row(wh: Path) -> None:
    _expect(BAD / "duplicate_row.csv", wh, 4, "omrade", "duplicate of row 2")


def test_overlapping_periods(wh: Path) -> None:
    """2022-2024 beside 2022, 2023 and 2024 would give away a hidden 2024 by subtraction."""
    problems = _expect(BAD / "overlapping_periods.csv", wh, 5, "periode", "overlaps 2022-2022")
    assert "in row 2" in problems[0].message


def test_invalid_utf8_after_bom(wh: Path) -> None:
    _expect(BAD / "bad_utf8.csv", wh, 3, None, "not valid UTF-8")


def test_merged_header_cells(wh: Path, tmp_path: Path) -> None:
    _expect(merged_header_xlsx(tmp_path), wh, 3, "D3:E3", "merged cells")


def test_file_too_large(wh: Path, tmp_path: Path) -> None:
    problems = _expect(huge_file(tmp_path), wh, None, None, "the limit is 20 MB")
    assert len(problems) == 1
    # The same limit holds for bytes from the page's uploader.
    checked = local.check(b"x" * (local.MAX_BYTES + 1), "big.csv")
    assert "limit" in checked.problems[0].message


def test_wrong_file_type(wh: Path, tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text(HEADER + "\n", encoding="utf-8")
    _expect(path, wh, None, None, "wrong file type")


def test_every_error_is_reported_at_once(wh: Path) -> None:
    problems = _expect(BAD / "many_errors.csv", wh, 2, "indikator", "unknown indicator")
    where = {(p.row, p.column) for p in problems}
    assert {(3, "periode"), (4, "teller"), (5, "teller"), (6, "verdi")} <= where
    text = {str(p) for p in problems}
    assert "many_errors.csv, row 4, column teller: teller 300 is greater than nevner 200" in text
    assert any("(> 100)" in t for t in text)


def test_mixed_units_across_rows(wh: Path, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        f"{HEADER}\n{IND};3301-D01;2024;20;200;;;;\n{IND};3301-D02;2024;;;12,5;;;\n",
        encoding="utf-8",
    )
    _expect(path, wh, 3, "verdi", "mixed units")


def test_cli_refuses_and_names_row_and_column(wh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _sha(wh)
    assert cli.main(["import", str(BAD / "unknown_district.csv")]) == 1
    err = capsys.readouterr().err
    assert "unknown_district.csv, row 3, column omrade: unknown district" in err
    assert "nothing was loaded" in err
    assert _sha(wh) == before


# ---------------------------------------------------------------------------- reading


def test_cp1252_comma_separator_and_decimal_comma() -> None:
    checked = local.check((BAD / "cp1252_names.csv").read_bytes(), "cp1252_names.csv")
    assert checked.ok, checked.problems
    row = checked.observations.iloc[0]
    assert (row["area_code"], row["value"]) == ("3301-D02", 12.5)
    assert checked.sources == ["Ungdata Drammen"]


def test_iso_8859_1_and_header_below_title_rows() -> None:
    text = f"Tall fra Strømsø\n\n{HEADER}\n{IND};Strømsø;2023;20;200;;jenter;;\n"
    checked = local.check(text.encode("iso-8859-1"), "latin1.csv")
    assert checked.ok, checked.problems
    assert checked.observations.iloc[0]["sex"] == "female"


def test_xlsx_header_in_row_five(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for _ in range(4):
        ws.append(["Kommunens egne tall"])
    ws.append(["Indikator", "Område", "Periode", "Teller", "Nevner"])
    ws.append([IND, "Bragernes", "2022-2024", 20, 200])
    raw = io.BytesIO()
    wb.save(raw)
    checked = local.check(raw.getvalue(), "egne.xlsx")
    assert checked.ok, checked.problems
    assert checked.observations.iloc[0][["period_from", "period_to"]].tolist() == [2022, 2024]


def test_templates_are_reproducible_and_valid() -> None:
    assert template.csv_bytes() == (template.TEMPLATE_DIR / template.CSV_NAME).read_bytes()
    assert template.xlsx_bytes() == (template.TEMPLATE_DIR / template.XLSX_NAME).read_bytes()
    for name, data in ((template.CSV_NAME, template.csv_bytes()),
                       (template.XLSX_NAME, template.xlsx_bytes())):  # fmt: skip
        checked = local.check(data, name)
        assert checked.ok, checked.problems
        assert checked.kommune == "3301"


# -------------------------------------------------------------------------- good files


@pytest.mark.parametrize("kommune", ["3301", "1108", "3905"])
def test_good_file_round_trips(wh: Path, tmp_path: Path, kommune: str) -> None:
    year = _latest(wh, kommune)
    path = good_file(kommune, year, tmp_path)
    with duckdb.connect(str(wh), read_only=True) as con:
        others_before = con.execute(
            "SELECT count(*) FROM observation WHERE indicator_id <> ?", [IND]
        ).fetchone()
    checked, run = local.import_file(path, who="analytiker@kommune.no", target=wh)
    assert checked.ok, checked.problems
    assert run is not None and run.status == "ok"
    assert checked.kommune == kommune
    assert run.message is not None
    assert f"file {path.name} (sha256 {checked.sha256[:16]}) by analytiker@kommune.no" in (
        run.message
    )
    k = load_kommuner()[kommune]
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            "SELECT o.area_code, o.numerator, o.denominator, o.source, o.source_updated "
            "FROM observation o JOIN area a USING (area_code) "
            "WHERE o.indicator_id = ? AND a.parent_code = ? ORDER BY 1",
            [IND, kommune],
        ).fetchall()
        others_after = con.execute(
            "SELECT count(*) FROM observation WHERE indicator_id <> ?", [IND]
        ).fetchone()
        runs = con.execute("SELECT source, status, message FROM etl_run").fetchall()
    assert [r[0] for r in rows] == sorted(d.code for d in k.districts.items)
    assert rows[0][1:4] == (30.0, 300.0, "local")
    assert all(r[4] is not None for r in rows)
    assert others_after == others_before
    assert ("local", "ok", run.message) in runs


def test_reimport_replaces_the_series(wh: Path, tmp_path: Path) -> None:
    year = _latest(wh, "3301")
    local.import_file(good_file("3301", year, tmp_path), target=wh)
    path = tmp_path / "second.csv"
    path.write_text(f"{HEADER}\n{IND};3301-D01;{year};50;400;;;;\n", encoding="utf-8")
    checked, run = local.import_file(path, target=wh)
    assert run is not None, checked.problems
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            "SELECT area_code, numerator FROM observation "
            "WHERE indicator_id = ? AND area_code LIKE '3301-%'",
            [IND],
        ).fetchall()
    assert rows == [("3301-D01", 50.0)]


def test_small_counts_are_suppressed_with_a_neighbour(wh: Path, tmp_path: Path) -> None:
    year = _latest(wh, "3301")
    k = load_kommuner()["3301"]
    lines = [HEADER]
    for i, d in enumerate(k.districts.items):
        teller = 2 if i == 0 else 40 + 7 * i
        lines.append(f"{IND};{d.code};{year};{teller};{200 + 10 * i};;;;")
    path = tmp_path / "small.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked, run = local.import_file(path, target=wh)
    assert run is not None, checked.problems
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            "SELECT area_code, numerator, value, flag FROM observation "
            "WHERE indicator_id = ? AND area_code LIKE '3301-%' ORDER BY 1",
            [IND],
        ).fetchall()
    small = rows[0]
    assert small[0] == k.districts.items[0].code
    assert small[1:] == (None, None, ":")
    assert not any(r[1] == 2.0 for r in rows)
    hidden = [r for r in rows if r[3] == ":"]
    assert len(hidden) >= 2, "secondary suppression must hide a neighbour"
    assert "suppressed" in (run.message or "")


@pytest.mark.parametrize(
    "small",
    [[(40, 40), (25, 25)], [(0, 120), (0, 90)]],
    ids=["two-full-districts", "two-zero-districts"],
)
def test_imported_small_counts_cannot_be_worked_out(
    wh: Path, tmp_path: Path, small: list[tuple[int, int]]
) -> None:
    """Two hidden districts that are both full (or both zero) are not recoverable from the
    others and the kommune total; the attacker runs over the warehouse the import built."""
    year = _latest(wh, "3301")
    k = load_kommuner()["3301"]
    counts = [small[i] if i < len(small) else (60 + 7 * i, 400 + 10 * i)
              for i in range(len(k.districts.items))]  # fmt: skip
    lines = [HEADER]
    for d, (teller, nevner) in zip(k.districts.items, counts, strict=True):
        lines.append(f"{IND};{d.code};{year};{teller};{nevner};;;;")
    path = tmp_path / "small.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked, run = local.import_file(path, target=wh)
    assert run is not None, checked.problems
    with duckdb.connect(str(wh), read_only=True) as con:
        obs = disclosure.published(con)
    rows = obs[(obs["indicator_id"] == IND) & obs["area_code"].str.startswith("3301-")]
    rows = rows[rows["period_to"] == year]
    assert rows["flag"].eq(":").sum() >= 3
    # The worst case: the kommune's total is exactly the sum of the file's districts.
    total = rows.iloc[:1].assign(
        area_code="3301", parent_code=None, flag=None, level="kommune",
        numerator=sum(t for t, _ in counts), denominator=sum(n for _, n in counts),
    )  # fmt: skip
    exposed = disclosure.exposed(pd.concat([rows, total], ignore_index=True))
    assert exposed.empty, exposed


def test_grunnkretser_roll_up_to_their_district(wh: Path) -> None:
    d = load_kommuner()["3301"].districts.items[0]
    gks = d.grunnkretser[:2]
    text = f"{HEADER}\n{IND};{gks[0]};2024;10;100;;;;\n{IND};{gks[1]};2024;15;150;;;;\n"
    checked = local.check(text.encode(), "gk.csv", warehouse=wh)
    assert checked.ok, checked.problems
    obs = checked.observations
    assert len(obs) == 1
    assert obs.iloc[0][["area_code", "numerator", "denominator"]].tolist() == [d.code, 25, 250]
    assert any(
        f"summed from 2 of {len(d.grunnkretser)} grunnkretser" in w for w in checked.warnings
    )


def test_district_sum_far_from_kommune_total_is_a_warning(wh: Path, tmp_path: Path) -> None:
    year = _latest(wh, "3301")
    checked, run = local.import_file(good_file("3301", year, tmp_path), target=wh)
    assert run is not None
    assert any("the kommune total in the warehouse" in w for w in checked.warnings)


def test_live_refresh_keeps_imported_rows(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
) -> None:
    """A live refresh carries the kommune's imported rows over (refresh never fetches
    districts, and local indicators are never reloaded)."""
    from tests.etl.test_refresh import run as refresh_run

    refresh_run(catalog, config, paths)
    text = f"{HEADER}\n{IND};3301-D01;2024;30;300;;;;\n{IND};3301-D02;2024;40;320;;;;\n"
    checked = local.check(text.encode(), "egne.csv", catalog=catalog, kommuner=config)
    assert checked.ok, checked.problems
    local.load(
        checked,
        who="test",
        target=paths.warehouse,
        runs_log=paths.runs,
        catalog=catalog,
        kommuner=config,
    )
    query = "SELECT area_code, numerator FROM observation WHERE source = 'local' ORDER BY 1"
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        before = con.execute(query).fetchall()
    # Both districts are given as counts: the kommune's row is their sum (30 + 40).
    assert before == [("3301", 70.0), ("3301-D01", 30.0), ("3301-D02", 40.0)]
    refresh_run(catalog, config, paths, sources=["ssb"])
    refresh_run(catalog, config, paths)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute(query).fetchall() == before
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert meta["mode"] == "live"


def test_cli_imports_a_good_file_as_the_os_user(
    wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import getpass

    path = good_file("3905", _latest(wh, "3905"), tmp_path)
    assert cli.main(["import", str(path), "--kommune", "3905"]) == 0
    assert "Imported" in capsys.readouterr().out
    last = read_runs()[-1]
    assert (last.source, last.status) == ("local", "ok")
    assert f"by {getpass.getuser()} at " in (last.message or "")


def test_school_rows_sum_to_their_district() -> None:
    """A school named in a district's `schools` list counts for that district."""
    text = (
        f"{HEADER}\n"
        f"{IND};Konnerud skole;2023;20;200;;alle;;\n"
        f"{IND};Vestbygda skole;2023;10;150;;alle;;\n"
    )
    checked = local.check(text.encode("utf-8"), "skoler.csv", kommune="3301")
    assert checked.ok, checked.problems
    row = checked.observations.iloc[0]
    assert len(checked.observations) == 1
    assert (row["area_code"], row["numerator"], row["denominator"]) == ("3301-D03", 30, 350)
    assert not checked.warnings


def test_some_schools_only_is_a_warning() -> None:
    text = f"{HEADER}\n{IND};Konnerud skole;2023;20;200;;alle;;\n"
    checked = local.check(text.encode("utf-8"), "skoler.csv", kommune="3301")
    assert checked.ok, checked.problems
    assert any("summed from 1 of 2 skoler" in w for w in checked.warnings)


def test_unknown_school_names_row_and_column() -> None:
    text = f"{HEADER}\n{IND};Ukjent skole;2023;20;200;;alle;;\n"
    checked = local.check(text.encode("utf-8"), "skoler.csv", kommune="3301")
    assert not checked.ok
    problem = checked.problems[0]
    assert (problem.row, problem.column) == (2, "omrade")
    assert "school" in problem.message


def test_school_and_grunnkrets_rows_for_one_district_are_refused() -> None:
    # 33010501 lies in Konnerud (3301-D03), as Konnerud skole does.
    text = (
        f"{HEADER}\n{IND};Konnerud skole;2023;20;200;;alle;;\n{IND};33010501;2023;10;150;;alle;;\n"
    )
    checked = local.check(text.encode("utf-8"), "blandet.csv", kommune="3301")
    assert not checked.ok
    assert "mixes district, grunnkrets and school rows" in checked.problems[0].message


# ------------------------------------------------------------- kommune rows, totals, periods


def _districts(kommune: str) -> list[str]:
    return [d.code for d in load_kommuner()[kommune].districts.items]


def test_the_kommune_itself_can_be_an_area(wh: Path, tmp_path: Path) -> None:
    # A kommune-level local indicator (henlagte_meldinger) has no districts to give.
    path = tmp_path / "barnevern.csv"
    path.write_text(
        f"{HEADER}\nhenlagte_meldinger;3301;2024;250;1100;;;Fagsystem;\n"
        "henlagte_meldinger;Drammen;2023;240;1000;;;Fagsystem;\n",
        encoding="utf-8",
    )
    checked, run = local.import_file(path, target=wh)
    assert run is not None, checked.problems
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            "SELECT period_to, numerator, denominator, source FROM observation "
            "WHERE indicator_id = 'henlagte_meldinger' AND area_code = '3301' "
            "AND period_to >= 2023 ORDER BY 1"
        ).fetchall()
    assert rows == [(2023, 240.0, 1000.0, "local"), (2024, 250.0, 1100.0, "local")]


def test_a_local_indicators_kommune_row_is_summed_from_every_district() -> None:
    codes = _districts("3301")
    lines = [HEADER] + [f"{IND};{c};2024;{20 + i};{200 + i};;;;" for i, c in enumerate(codes)]
    checked = local.check("\n".join(lines).encode(), "ungdata.csv")
    assert checked.ok, checked.problems
    kommune = checked.observations[checked.observations["area_code"] == "3301"]
    assert len(kommune) == 1
    num = sum(20 + i for i in range(len(codes)))
    den = sum(200 + i for i in range(len(codes)))
    assert kommune.iloc[0][["numerator", "denominator"]].tolist() == [num, den]
    assert kommune.iloc[0]["value"] == pytest.approx(100 * num / den)
    assert any("kommune totals computed from the districts" in n for n in checked.notes)
    # Some districts only, or values that do not sum (verdi alone), give no kommune row.
    some = local.check("\n".join(lines[:4]).encode(), "ungdata.csv")
    assert "3301" not in set(some.observations["area_code"])
    scores = [HEADER] + [f"{IND};{c};2024;;;12,5;;;" for c in codes]
    only_values = local.check("\n".join(scores).encode(), "ungdata.csv")
    assert only_values.ok, only_values.problems
    assert "3301" not in set(only_values.observations["area_code"])


def test_districts_off_the_kommune_total_warn_with_a_configurable_tolerance(
    wh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with duckdb.connect(str(wh), read_only=True) as con:
        year, total = con.execute(
            "SELECT period_to, value FROM observation WHERE indicator_id = 'barn_0_17' "
            "AND area_code = '3301' AND sex = 'all' ORDER BY period_to DESC LIMIT 1"
        ).fetchone()
    codes = _districts("3301")
    share = total * 1.034 / len(codes)  # the districts sum to 3.4 % over the kommune
    for column in ("verdi", "teller"):
        cells = ";;{:.0f};;" if column == "verdi" else "{:.0f};;;;"
        lines = [HEADER] + [f"barn_0_17;{c};{year};" + cells.format(share) for c in codes]
        data = "\n".join(lines).encode()
        checked = local.check(data, "barn.csv", warehouse=wh)
        assert checked.ok, checked.problems
        assert any("3.4% apart" in w for w in checked.warnings), (column, checked.warnings)
        assert not local.check(data, "barn.csv", warehouse=wh, tolerance=0.05).warnings
        monkeypatch.setenv("UB_TOTAL_TOLERANCE", "0,05")
        assert not local.check(data, "barn.csv", warehouse=wh).warnings
        monkeypatch.delenv("UB_TOTAL_TOLERANCE")


def test_imported_cells_show_with_their_own_period_and_file(wh: Path, tmp_path: Path) -> None:
    from utfordringsbilde import overview, queries

    year = _latest(wh, "3301")
    codes = _districts("3301")
    path = tmp_path / "Ungdata Drammen.csv"
    # Values only (no counts): no kommune row is computed, the kommune's stays at `year`.
    lines = [HEADER] + [f"{IND};{c};{year - 1};;;{10 + i};;;" for i, c in enumerate(codes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked, run = local.import_file(path, target=wh)
    assert run is not None, checked.problems
    with duckdb.connect(str(wh)) as con:
        cells = queries.latest_values(con, ["3301", *codes])
        mine = cells[(cells.indicator_id == IND) & cells.area_code.isin(codes)]
        # Latest per area: the districts' own period, not '..' under the kommune's newer one.
        assert len(mine) == len(codes)
        assert set(mine.period_to) == {year - 1} and set(mine.reference_period_to) == {year}
        assert set(mine.source_table) == {path.name} and set(mine.source) == {"local"}
        other = cells[(cells.indicator_id == "barn_0_17") & (cells.area_code == "3301")]
        assert other.source_table.tolist() == ["07459"]
        ov = overview.build(con, "3301")
        shown = ov.cells[(ov.cells.indicator_id == IND) & ov.cells.area_code.isin(codes)]
        assert set(shown.verdict) == {"not_compared"}  # another year than the kommune's
        # Without a kommune row the reference period comes from the districts.
        con.execute(f"DELETE FROM observation WHERE indicator_id = '{IND}' AND area_code = '3301'")
        cells = queries.latest_values(con, ["3301", *codes])
        mine = cells[cells.indicator_id == IND]
        assert len(mine) == len(codes) and set(mine.reference_period_to) == {year - 1}
        con.execute(f"DELETE FROM observation WHERE area_code = '3301' AND period_to = {year - 1}")
        assert year - 1 in queries.years(con, "3301")  # the districts' year is offered
        series = queries.series(con, IND, codes[:1])
        assert series.source_table.iloc[-1] == path.name


def test_an_import_shows_on_the_overview_of_a_live_warehouse(
    api: FakeApis, catalog: Catalog, config: dict[str, Kommune], paths: Paths
) -> None:
    """A live warehouse has no kommune row for the kommune's own indicators: the overview
    takes the period from the districts (values that do not sum) or the summed kommune row."""
    from tests.etl.test_refresh import run as refresh_run
    from utfordringsbilde import overview

    refresh_run(catalog, config, paths)
    text = f"{HEADER}\n{IND};3301-D01;2023;;;12,5;;;\n{IND};3301-D02;2023;;;17,5;;;\n"
    checked = local.check(text.encode(), "ungdata.csv", catalog=catalog, kommuner=config)
    assert checked.ok, checked.problems
    local.load(
        checked, target=paths.warehouse, runs_log=paths.runs, catalog=catalog, kommuner=config
    )
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        cells = overview.build(con, "3301").cells
    mine = cells[cells.indicator_id == IND].sort_values("area_code")
    assert mine[["area_code", "value", "period_to"]].values.tolist() == [
        ["3301-D01", 12.5, 2023],
        ["3301-D02", 17.5, 2023],
    ]
    assert set(mine.source_table) == {"ungdata.csv"}


def test_grunnkrets_rows_for_districts_without_grunnkretser_say_why(tmp_path: Path) -> None:
    """A kommune file may list districts without grunnkretser; grunnkrets rows then cannot be
    summed to them, and the problem says so instead of "unknown district"."""
    k = Kommune.model_validate(
        {
            "code": "4601",
            "name": "Bergen",
            "fylke": {"code": "46", "name": "Vestland"},
            "districts": {
                "items": [{"code": "4601-01", "name": "Arna"}, {"code": "4601-02", "name": "Fana"}]
            },
        }
    )
    rows = [HEADER, f"{IND};46010101;2024;20;200;;alle;Ungdata;a@b.no"]
    rows.append(f"{IND};Fana;2024;25;250;;alle;Ungdata;a@b.no")
    checked = local.check(
        "\n".join(rows).encode(), "bergen.csv", kommune="4601", kommuner={"4601": k},
        warehouse=tmp_path / "none.duckdb",
    )  # fmt: skip
    assert [(p.row, p.column) for p in checked.problems] == [(2, "omrade")]
    message = str(checked.problems[0])
    assert "grunnkrets 46010101 is in no district" in message
    assert "Arna, Fana list no grunnkretser" in message
