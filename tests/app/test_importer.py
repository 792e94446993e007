"""AppTest: the import page without sign-in, signed out and signed in; imported data shown."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.load import read_runs
from etl.sources import local
from tests.app.apptest import app
from tests.etl.test_local_import import BAD, IND, good_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def wh(demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo warehouse; UB_WAREHOUSE and UB_RUNS_LOG point at it."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_warehouse, path)
    monkeypatch.setenv("UB_WAREHOUSE", str(path))
    monkeypatch.setenv("UB_RUNS_LOG", str(tmp_path / "runs.jsonl"))
    return path


def _page(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = app(query, page=page)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@dataclass
class FakeUpload:
    """What st.file_uploader returns, for AppTest, which cannot upload files itself."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def getvalue(self) -> bytes:
        return self.data


def _signed_in(monkeypatch: pytest.MonkeyPatch, upload: FakeUpload | None) -> None:
    from ui import access

    monkeypatch.setattr(access, "auth_configured", lambda: True)
    monkeypatch.setattr(access, "signed_in_user", lambda: "analytiker@drammen.kommune.no")
    monkeypatch.setattr("streamlit.file_uploader", lambda *a, **k: upload)


def test_without_auth_the_page_shows_the_cli_and_templates(wh: Path) -> None:
    at = _page("importer")
    assert at.title[0].value == "Importer egne data"
    assert any("Innlogging er ikke satt opp" in i.value for i in at.info)
    assert any("python -m etl import" in c.value for c in at.code)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["CSV", "Excel (XLSX)"]
    assert not at.get("file_uploader")


def test_signed_out_gets_a_login_button(wh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import access

    monkeypatch.setattr(access, "auth_configured", lambda: True)
    monkeypatch.setattr(access, "signed_in_user", lambda: None)
    at = _page("importer")
    assert any("Logg inn for å importere" in i.value for i in at.info)
    assert at.button(key="login")
    assert len(at.get("download_button")) == 2


def test_signed_in_bad_file_shows_every_problem(wh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (BAD / "many_errors.csv").read_bytes()
    _signed_in(monkeypatch, FakeUpload("many_errors.csv", data))
    before = hashlib.sha256(wh.read_bytes()).hexdigest()
    at = _page("importer")
    assert any("ingenting er lastet inn" in e.value for e in at.error)
    report = at.dataframe[0].value
    assert list(report.columns) == ["row", "column", "message"]
    assert {(2, "indikator"), (3, "periode"), (4, "teller")} <= set(
        zip(report["row"], report["column"], strict=True)
    )
    assert not [b for b in at.button if b.key == "load"]
    assert hashlib.sha256(wh.read_bytes()).hexdigest() == before


def test_signed_in_good_file_loads_with_who(
    wh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = good_file("3301", 2024, tmp_path)
    _signed_in(monkeypatch, FakeUpload(path.name, path.read_bytes()))
    at = _page("importer")
    assert any("Filen er gyldig" in s.value for s in at.success)
    at.button(key="load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    done = [s.value for s in at.success if "Lastet inn" in s.value]
    assert done, [s.value for s in at.success]
    last = read_runs()[-1]
    assert (last.source, last.status) == ("local", "ok")
    assert "by analytiker@drammen.kommune.no" in (last.message or "")
    assert any("by analytiker@drammen.kommune.no" in c.value for c in at.caption)


def test_oversize_upload_is_refused_before_reading(
    wh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _signed_in(monkeypatch, FakeUpload("stor.csv", b"x" * (local.MAX_BYTES + 1)))
    at = _page("importer")
    assert any("grensen er 20 MB" in e.value for e in at.error)


@pytest.mark.parametrize("kommune", ["3301", "1108", "3905"])
def test_imported_district_values_show_on_the_pages(wh: Path, tmp_path: Path, kommune: str) -> None:
    import duckdb

    with duckdb.connect(str(wh), read_only=True) as con:
        row = con.execute(
            "SELECT max(period_to) FROM observation WHERE indicator_id = ? AND area_code = ?",
            [IND, kommune],
        ).fetchone()
        assert row is not None
    year = int(row[0])
    checked, run = local.import_file(good_file(kommune, year, tmp_path), target=wh)
    assert run is not None, checked.problems
    # The observations also hold the kommune row summed from the districts; take a district.
    obs = checked.observations
    first = obs[obs["area_code"] != kommune].sort_values("area_code").iloc[0]

    at = _page("indikator", {"kommune": kommune, "indikator": IND})
    table = at.dataframe[0].value
    names = table.iloc[:, 0].tolist()
    counts = dict(zip(names, table["Antall"], strict=True))
    from utfordringsbilde.config import load_catalog, load_kommuner

    district = next(
        d.name for d in load_kommuner()[kommune].districts.items if d.code == first["area_code"]
    )
    assert district in names
    assert counts[district] == "30"

    at = _page("oversikt", {"kommune": kommune})
    html = " ".join(h.proto.body for h in at.get("html"))
    name = next(i.name["nb"] for i in load_catalog().indicators if i.id == IND)
    # The heat-map cell of the imported indicator and district: 30 / 300 = 10,0 %.
    assert f"{district} · {name}: 10,0\u00a0%" in html

    at = _page("kilder", {"kommune": kommune})
    runs = at.table[-1].value
    from utfordringsbilde.numbers import oslo_time

    # The run is listed by its provider's name and in Oslo time, as every time on screen is.
    assert "kommunens egne tall" in runs.astype(str).to_string()
    assert run.finished_at and oslo_time(run.finished_at) in runs.astype(str).to_string()


@pytest.mark.parametrize("kind", ["broken_xml", "long_field"])
def test_signed_in_unreadable_file_is_a_message_not_a_traceback(
    wh: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    import re

    from tests.etl.test_hostile_files import _good_rows, _part, _rezip, _workbook

    if kind == "broken_xml":
        data = _workbook(_good_rows())
        sheet = _part(data, "xl/worksheets/sheet1.xml")
        broken = re.sub(rb'(<row r="4")', rb'<row r="3b"><c><<</row>\1', sheet)
        upload = FakeUpload("broken.xlsx", _rezip(data, {"xl/worksheets/sheet1.xml": broken}))
        row = 4
    else:
        text = f"indikator;omrade;periode;teller;nevner\n{IND};3301-D01;2024;{'1' * 140_000};2\n"
        upload = FakeUpload("long.csv", text.encode())
        row = 2
    _signed_in(monkeypatch, upload)
    at = _page("importer")
    assert any("ingenting er lastet inn" in e.value for e in at.error)
    report = at.dataframe[0].value
    assert report["row"].iloc[0] == row and report["column"].isna().iloc[0], report
    assert not [b for b in at.button if b.key == "load"]


def test_a_file_that_reads_too_slowly_is_stopped_with_a_message(
    wh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page checks in a worker process, killed at UB_IMPORT_TIMEOUT; nothing is loaded."""
    line = ";".join(f"x{j}" for j in range(9)) + "\n"
    data = ("indikator;omrade;periode;teller;nevner;verdi;kjonn;kilde;kontakt\n"
            + line * 49_999).encode()  # fmt: skip
    # Below the worker's start-up, so the stop does not depend on this machine's speed.
    monkeypatch.setenv("UB_IMPORT_TIMEOUT", "0.3")
    _signed_in(monkeypatch, FakeUpload("treg.csv", data))
    before = hashlib.sha256(wh.read_bytes()).hexdigest()
    at = _page("importer")
    assert any("ingenting er lastet inn" in e.value for e in at.error)
    [message] = at.dataframe[0].value["message"]
    assert "took longer than 0.3 s and was stopped" in message
    assert not [b for b in at.button if b.key == "load"]
    assert hashlib.sha256(wh.read_bytes()).hexdigest() == before


def test_who_imported_and_contacts_show_only_to_signed_in_users(
    wh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: the importer's e-mail and the file's `kontakt` are not on the public page."""
    from ui import access

    checked, run = local.import_file(
        good_file("3301", 2024, tmp_path), target=wh, who="analytiker@drammen.kommune.no"
    )
    assert run is not None, checked.problems
    assert "analytiker@drammen.kommune.no" in (run.message or "")
    assert "a@b.no" in (run.message or "")

    at = _page("kilder", {"kommune": "3301"})
    shown = " ".join(at.table[-1].value["Melding"].astype(str))
    assert "good-3301.csv" in shown and "sha256" in shown  # the run itself is still there
    assert "analytiker@" not in shown and "a@b.no" not in shown and "kontakt" not in shown
    assert any("bare for innloggede" in c.value for c in at.caption)

    monkeypatch.setattr(access, "auth_configured", lambda: True)
    monkeypatch.setattr(access, "signed_in_user", lambda: "kollega@drammen.kommune.no")
    at = _page("kilder", {"kommune": "3301"})
    shown = " ".join(at.table[-1].value["Melding"].astype(str))
    assert "analytiker@drammen.kommune.no" in shown and "kontakt: a@b.no" in shown
