"""PDF status report and PowerPoint deck, built from the CLI against the demo warehouse."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation
from pypdf import PdfReader

from tests.conftest import ROOT, env_with
from utfordringsbilde import report, slides
from utfordringsbilde.plan import load_plans

KOMMUNER = {"3301": "Drammen", "1108": "Sandnes", "3905": "Tønsberg"}


def _cli(warehouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "utfordringsbilde.report", *args],
        cwd=ROOT,
        env=env_with(UB_WAREHOUSE=str(warehouse)),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("kommune", list(KOMMUNER))
def test_pdf_report_from_the_cli(
    kommune: str, demo_warehouse: Path, artifacts: Path, tmp_path: Path
) -> None:
    out = tmp_path / f"{kommune}.pdf"
    # No time limit here: a timed assertion fails on a busy CI machine, not on slow code
    # (how long a report takes is measured in bench/, not asserted).
    done = _cli(demo_warehouse, "--kommune", kommune, "--format", "pdf", "--out", str(out))
    assert done.returncode == 0, done.stderr
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for heading in (
        f"Utfordringsbilde og planevaluering: {KOMMUNER[kommune]}",
        "1 Sammendrag",
        "2 Planevaluering",
        "3 Utfordringsbildet etter",
        "4 Kilder og metode",
        "DEMODATA",
        "Data bygd",
    ):
        assert heading in " ".join(text.split()), (kommune, heading)
    assert "signifikant" in text
    # Headings are bookmarks, so a reader can jump between sections.
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == [
        "1  Sammendrag",
        "2  Planevaluering",
    ]
    assert reader.metadata is not None and KOMMUNER[kommune] in str(reader.metadata.title)
    shutil.copy(out, artifacts / f"report-{kommune}.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(out),
             str(artifacts / f"report-{kommune}-page1")],
            check=True,
        )  # fmt: skip
        assert (artifacts / f"report-{kommune}-page1.png").stat().st_size > 10_000


@pytest.mark.parametrize("kommune", list(KOMMUNER))
def test_pptx_deck_from_the_cli(kommune: str, demo_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{kommune}.pptx"
    done = _cli(demo_warehouse, "--kommune", kommune, "--format", "pptx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        deck = slides.build(con, kommune, plan=load_plans().get(kommune))
    prs = Presentation(str(out))
    assert len(prs.slides) == len(deck.slides)
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == [s.headline for s in deck.slides]
    assert titles[0] == f"Utfordringsbilde for {KOMMUNER[kommune]}"
    for pslide, slide in zip(prs.slides, deck.slides, strict=True):
        texts = " ".join(sh.text_frame.text for sh in pslide.shapes if sh.has_text_frame)
        assert "Data:" in texts and "DEMODATA" in texts, slide.key  # data date on every slide
        pictures = [sh for sh in pslide.shapes if sh.shape_type == 13]
        assert len(pictures) == (slide.figure is not None), slide.key
        for pic in pictures:
            assert pic._element.nvPicPr.cNvPr.get("descr") == slide.alt
            assert pic.top + pic.height <= prs.slide_height
            assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width


def test_district_deck_and_nynorsk(demo_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.pptx"
    args = ["--kommune", "1108", "--district", "1108-D01", "--format", "pptx", "--lang", "nn"]
    done = _cli(demo_warehouse, *args, "--out", str(out))
    assert done.returncode == 0, done.stderr
    titles = [s.shapes.title.text for s in Presentation(str(out)).slides]
    assert titles[0] == "Utfordringsbilete for Sandnes"
    assert any(t.startswith("I Sentrum") and "signifikant høgare" in t for t in titles)


def test_cli_errors_name_the_problem(demo_warehouse: Path, tmp_path: Path) -> None:
    done = _cli(demo_warehouse, "--kommune", "9999", "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and "Unknown kommune '9999'" in done.stderr
    done = _cli(
        demo_warehouse, "--kommune", "3301", "--district", "1108-D01", "--format", "pptx"
    )
    assert done.returncode == 2 and "not a district of kommune 3301" in done.stderr
    missing = tmp_path / "none.duckdb"
    done = _cli(missing, "--kommune", "3301")
    assert done.returncode == 2 and str(missing) in done.stderr


def test_core_font_fallback_keeps_norwegian_letters() -> None:
    doc = report._Pdf("x", "nb")
    doc.unicode = False
    assert doc.clean("Tønsberg – 20,5\u00a0% ≈ ✓") == "Tønsberg - 20,5 % ~ +"


def test_filename() -> None:
    assert report.filename("Tønsberg", "pdf").startswith("utfordringsbilde-tønsberg-")


def test_without_a_browser_the_report_keeps_the_charts_in_words(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    """No Chromium for kaleido: the report is still made, each chart as alt text and table."""
    out = tmp_path / "r.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "utfordringsbilde.report", "--kommune", "3905", "--out", str(out)],
        cwd=ROOT,
        env=env_with(UB_WAREHOUSE=str(demo_warehouse), BROWSER_PATH=str(tmp_path / "none")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Charts left out of the report: ChromeNotFoundError" in done.stderr
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert not any(page.images for page in reader.pages)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Figur: Stolpediagram" in text and "3 Utfordringsbildet etter" in text


def test_pdf_report_holds_the_notes_arena_1_wrote(
    demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"The story behind the curve": each note under its target, author and Oslo time."""
    import datetime as dt

    from utfordringsbilde import notes

    path = tmp_path / "notes.duckdb"
    monkeypatch.setenv("UB_NOTES", str(path))
    target = load_plans()["3301"].targets[0].id
    notes.add(
        "3301",
        target,
        author="Kari Nordmann",
        what_we_see="Flere barn bor trangt i Fjell",
        why="Nye boliger er små",
        what_we_do="Samarbeid med boligkontoret",
        path=path,
        now=dt.datetime(2026, 11, 30, 13, 5, tzinfo=dt.UTC),
    )
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        raw = report.build(con, "3301", "pdf")
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages).split()
    )
    assert "Historien bak kurven" in text
    assert "Flere barn bor trangt i Fjell" in text and "Samarbeid med boligkontoret" in text
    assert "Kari Nordmann · 30.11.2026 14:05" in text  # 13:05 UTC is 14:05 in Oslo in winter


def test_cli_report_at_a_chosen_district_level(demo_warehouse: Path, tmp_path: Path) -> None:
    """`--niva` picks the district level, as the sidebar does; the default is the first."""

    def pdf_text(*args: str) -> str:
        out = tmp_path / "r.pdf"
        done = _cli(demo_warehouse, "--kommune", "3301", *args, "--out", str(out))
        assert done.returncode == 0, done.stderr
        pages = PdfReader(io.BytesIO(out.read_bytes())).pages
        return " ".join(" ".join(p.extract_text() for p in pages).split())

    default = pdf_text()
    assert "3 Utfordringsbildet etter kommunedel" in default
    assert "Drammen LKS" not in default
    lks = pdf_text("--niva", "levekarssone")
    assert "3 Utfordringsbildet etter levekårssone" in lks
    assert "Drammen LKS" in lks  # the plan's each-district targets at the levekårssoner
    done = _cli(demo_warehouse, "--kommune", "3301", "--niva", "bydel")
    assert done.returncode == 2
    assert "no districts at level 'bydel'" in done.stderr and "levekarssone" in done.stderr


def test_report_build_follows_the_level(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        own = slides.build(con, "3301", plan=load_plans()["3301"])
        lks = slides.build(con, "3301", plan=load_plans()["3301"], level="levekarssone")
    assert own.level == "district" and lks.level == "levekarssone"
    assert own.evaluation is not None and lks.evaluation is not None
    assert len(own.evaluation.district_names) == 10
    assert len(lks.evaluation.district_names) == 52


def test_footers_give_source_and_table_only(demo_warehouse: Path) -> None:
    """Slides, the PDF and the pages' source lines name the source and the table; the
    maintainers' notes (looked up by title, table id not verified) stay on "Data og kilder"."""
    from utfordringsbilde import queries
    from utfordringsbilde.i18n import t
    from utfordringsbilde.pagemodels import indikator, kilder

    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        inds = queries.indicators(con)
        summary = queries.source_summary(con)
        deck = slides.build(con, "3301", plan=load_plans().get("3301"))
        names = dict(con.execute("SELECT area_code, name FROM area").fetchall())
    by_title = inds.loc[inds["source_table"] == "unknown", "indicator_id"].tolist()
    unverified = inds.loc[~inds["source_verified"], "indicator_id"].tolist()
    assert by_title and set(unverified) - set(by_title)  # both kinds of note exist to leak
    ids = inds["indicator_id"].tolist()
    for lang in ("nb", "nn", "en"):
        notes = (t("source_unknown_table", lang), t("unverified_source", lang))
        footers = slides.source_labels(inds, ids, lang)
        leaked = {i: s for i, s in footers.items() if any(n in s for n in notes)}
        assert not leaked, (lang, leaked)
        assert footers[by_title[0]] == "FHI"
        assert indikator.describe(inds, by_title[0], lang).source == "FHI"
        # "Data og kilder" keeps them, for the maintainers.
        shown = " ".join(kilder.catalog(inds, summary, lang).astype(str).to_numpy().ravel())
        assert all(n in shown for n in notes), lang
    ev = deck.evaluation
    raw = report.pdf(deck, {}, ev, report._source_table(deck), [], names)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages).split())
    assert "4 Kilder og metode" in text
    assert t("unverified_source", "nb") not in text
    assert t("source_unknown_table", "nb") not in text
    plan_ids = {r.target.indicator for r in ev.targets} if ev is not None else set()
    assert plan_ids & set(unverified + by_title), "the plan names no unverified indicator"
