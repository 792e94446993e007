"""Reports for the meeting room: a PDF status report for Arena 1 and a PowerPoint deck.

    python -m utfordringsbilde.report --kommune 3301 --format pdf
    python -m utfordringsbilde.report --kommune 1108 --district 1108-D01 --format pptx

Both are built from the same slides as Møtemodus (`slides.build`), with the charts rendered
to PNG on the server by Plotly's static export (kaleido, which drives the system Chromium).
Every file states its data date and sources; demo data says so on every page.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF
from fpdf.fonts import FontFace
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from utfordringsbilde import (
    evaluation,
    export,
    grammar,
    narrative,
    notes,
    numbers,
    paths,
    queries,
    slides,
    warehouse,
)
from utfordringsbilde.i18n import label, languages, t
from utfordringsbilde.plan import load_plans
from utfordringsbilde.queries import Con

FORMATS = ("pdf", "pptx")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


# ====================================================================== images


@contextlib.contextmanager
def image_server() -> Iterator[None]:
    """Keep one Chromium running for a batch of static exports (one start, not one per chart)."""
    import kaleido
    from choreographer.browsers.chromium import ChromeNotFoundError, Chromium

    # Look for the browser first: kaleido's sync server dies in its own thread when there is
    # none, and the first export then waits for it forever (kaleido 1.5).
    path = Chromium.find_browser(skip_local=False)
    if not path or not Path(path).is_file():
        raise ChromeNotFoundError("no Chromium or Chrome found for the chart images")
    with warnings.catch_warnings():
        # With a server, plotly warns that per-call options are ignored; we pass none.
        warnings.simplefilter("ignore", UserWarning)
        kaleido.start_sync_server(silence_warnings=True)
        try:
            yield
        finally:
            kaleido.stop_sync_server(silence_warnings=True)


def png(fig: go.Figure, width: int = 1600, height: int | None = None) -> bytes:
    """The figure as a PNG at twice the pixel size, white background."""
    h = int(height or fig.layout.height or 600)
    return bytes(fig.to_image(format="png", width=width, height=h, scale=2))


def chart_images(deck: slides.Deck, width: int = 1600) -> dict[str, bytes]:
    """Slide key → PNG of its chart, for every slide that has one.

    Without a Chromium for kaleido the report is still made, without chart images: the
    alt text and table of every chart carry its content, and a line on stderr says why.
    """
    out: dict[str, bytes] = {}
    try:
        with image_server():
            for s in deck.slides:
                if s.figure is not None:
                    out[s.key] = png(s.figure, width)
    except Exception as e:  # kaleido raises its own types for a missing or broken browser
        print(f"Charts left out of the report: {type(e).__name__}: {e}", file=sys.stderr)
        return {}
    return out


# ====================================================================== PowerPoint

_WIDE = (Inches(13.333), Inches(7.5))
_INK = RGBColor(0x1A, 0x1A, 0x1A)
_GREY = RGBColor(0x44, 0x44, 0x44)
_DEMO = RGBColor(0xB3, 0x44, 0x00)


def _textbox(slide, left, top, width, height, text_: str, size: int, bold=False, colour=_INK):  # type: ignore[no-untyped-def]
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = text_
    for p in frame.paragraphs:
        for run in p.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = colour
    return box


def pptx(deck: slides.Deck, images: dict[str, bytes]) -> bytes:
    """The deck as a 16:9 PowerPoint file: a title, the sentences, the chart, the footer.

    Each slide's title placeholder holds its headline (so outlines and screen readers list
    them), the chart carries its alt text, and the notes hold the table alternative.
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = _WIDE
    width, slide_height = int(_WIDE[0]), int(_WIDE[1])
    margin = int(Inches(0.5))
    inner = width - 2 * margin
    layout = prs.slide_layouts[5]  # "Title Only"
    for s in deck.slides:
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top, title.width = margin, Inches(0.75), inner
        title.height = Inches(1.5 if s.key == "title" else 1.3)
        title.text = s.headline
        for p in title.text_frame.paragraphs:
            p.alignment = 1  # left
            for run in p.runs:
                run.font.size = Pt(40 if s.key == "title" else 26)
                run.font.bold = True
                run.font.color.rgb = _INK
        title.text_frame.word_wrap = True
        _textbox(slide, margin, Inches(0.25), inner, Inches(0.5), s.kicker, 16, colour=_GREY)
        top = int(Inches(2.1))
        if s.body:
            size = 22 if s.figure is None else 16
            # Room for the wrapped lines: an average glyph is about half the font size wide.
            per_line = max(20, int(inner / 12700 / (size * 0.5)))
            lines = sum(-(-(len(b) + 2) // per_line) for b in s.body)
            height = int(Pt(size * 1.3 * lines + 8 * len(s.body)))
            body = _textbox(slide, margin, top, inner, height, "", size)
            frame = body.text_frame
            for i, sentence in enumerate(s.body):
                p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                p.text = ("• " if s.figure is None else "") + sentence
                p.space_after = Pt(8)
                for run in p.runs:
                    run.font.size = Pt(size)
                    run.font.color.rgb = _INK
            top = top + height + int(Inches(0.1))
        if s.key in images:
            bottom = slide_height - int(Inches(0.7))
            pic = slide.shapes.add_picture(io.BytesIO(images[s.key]), margin, top)
            scale = min(inner / pic.width, (bottom - top) / pic.height)
            pic.width, pic.height = Emu(int(pic.width * scale)), Emu(int(pic.height * scale))
            pic.left = Emu(int((width - pic.width) / 2))
            pic._element.nvPicPr.cNvPr.set("descr", s.alt)  # alt text for screen readers
        footer = deck.footer(s)
        _textbox(
            slide,
            margin,
            slide_height - int(Inches(0.55)),
            inner,
            Inches(0.4),
            footer,
            12,
            colour=_DEMO if deck.demo else _GREY,
        )
        speaker = [s.alt] if s.alt else []
        if s.table is not None and not s.table.empty:
            speaker.append(s.table.to_string(index=False))
        slide.notes_slide.notes_text_frame.text = "\n\n".join(speaker) or footer
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# ====================================================================== PDF

_LATIN1 = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "–": "-",
        "—": "-",
        "\u2212": "-",
        "≈": "~",
        "✓": "+",
        "✗": "x",
        "★": "*",
        "↑": "^",
        "↓": "v",
        "↕": "|",
        "⚑": "!",
        "«": '"',
        "»": '"',
        "’": "'",
        "…": "...",
    }
)


class _Pdf(FPDF):
    """A4 with a footer that repeats the data date, the page number and the demo label."""

    def __init__(self, footer: str, lang: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer
        self.lang_code = lang
        self.unicode = False
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                self.add_font("DejaVu", "", str(regular))
                self.add_font("DejaVu", "B", str(bold))
                self.unicode = True
                break
        self.family = "DejaVu" if self.unicode else "helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def clean(self, text_: str) -> str:
        """Text the font can draw: the core font has Latin-1 only (still æ, ø, å)."""
        if self.unicode:
            return text_
        return text_.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.family, "", 8)
        self.set_text_color(70, 70, 70)
        n = t("report_page", self.lang_code, n=self.page_no(), total="{nb}")
        self.cell(0, 5, self.clean(f"{self.footer_text} · {n}"), align="L")

    def h1(self, title: str) -> None:
        self.start_section(self.clean(title), level=0)
        self.set_font(self.family, "B", 17)
        self.set_text_color(11, 61, 145)
        self.multi_cell(0, 8, self.clean(title), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def h2(self, title: str) -> None:
        self.start_section(self.clean(title), level=1)
        self.set_font(self.family, "B", 12.5)
        self.set_text_color(26, 26, 26)
        self.multi_cell(0, 6.5, self.clean(title), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text_: str, size: float = 10.5, bullet: bool = False) -> None:
        self.set_font(self.family, "", size)
        self.set_text_color(26, 26, 26)
        if bullet:
            self.set_x(self.l_margin + 4)
            self.multi_cell(
                0, 5.4, self.clean("• " + text_), align="L", new_x="LMARGIN", new_y="NEXT"
            )
        else:
            self.multi_cell(0, 5.4, self.clean(text_), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def small(self, text_: str) -> None:
        self.set_font(self.family, "", 8.5)
        self.set_text_color(70, 70, 70)
        self.multi_cell(0, 4.2, self.clean(text_), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def chart(self, image: bytes, alt: str, width: float = 174) -> None:
        # Keep a chart whole on one page: start a new page if the rest of this one is short.
        from PIL import Image

        with Image.open(io.BytesIO(image)) as im:
            height = width * im.height / im.width
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        self.image(io.BytesIO(image), w=width, alt_text=self.clean(alt))
        self.ln(1)

    def frame_table(self, table: pd.DataFrame, widths: Sequence[float] | None = None) -> None:
        self.set_font(self.family, "", 8.5)
        self.set_text_color(26, 26, 26)
        head = FontFace(emphasis="BOLD", fill_color=(230, 236, 245))
        with self.table(
            col_widths=tuple(widths) if widths else None,
            text_align="LEFT",
            headings_style=head,
            line_height=4.6,
            first_row_as_headings=True,
        ) as tab:
            row = tab.row()
            for col in table.columns:
                row.cell(self.clean(str(col)))
            for values in table.itertuples(index=False):
                row = tab.row()
                for v in values:
                    row.cell(self.clean("" if v is None or v != v else str(v)))
        self.ln(3)


def _targets_table(ev: evaluation.Evaluation, lang: str) -> pd.DataFrame:
    rows = []
    for r in ev.targets:
        a = r.kommune
        base, base_period = evaluation.baseline_parts(r, a, lang, note=False)
        latest, latest_period = evaluation.latest_parts(r, a, lang)
        symbol = evaluation.STATUS_STYLE[a.shown][2]
        rows.append(
            {
                t("indicator", lang): r.name.get(lang),
                t("eval_baseline", lang): f"{base} ({base_period})" if base_period else base,
                t("eval_latest", lang): f"{latest} ({latest_period})" if latest_period else latest,
                t("eval_target", lang): evaluation.target_text(r, lang),
                t("slide_status", lang): f"{symbol} {evaluation.status_word(a.shown, lang)}",
            }
        )
    return pd.DataFrame(rows)


def pdf(
    deck: slides.Deck,
    images: dict[str, bytes],
    ev: evaluation.Evaluation | None,
    sources: pd.DataFrame,
    plan_notes: Sequence[notes.Note] = (),
    area_names: Mapping[str, str] | None = None,
) -> bytes:
    """The status report for Arena 1: summary, plan evaluation with the notes Arena 1 wrote
    ("the story behind the curve"), findings by district, sources.

    `sources` has one row per indicator the report mentions: name and source label.
    """
    lang = deck.lang
    footer = f"Utfordringsbilde · {deck.kommune_name} · " + t(
        "report_data_built_short", lang, built=deck.built_at
    )
    if deck.demo:
        footer += " · " + t("slide_demo", lang)
    doc = _Pdf(footer, lang)
    doc.set_title(f"{t('report_title', lang)}: {deck.kommune_name}")
    doc.set_author("Utfordringsbilde")
    doc.set_subject(t("report_status_report", lang))
    doc.set_lang(lang if lang != "nn" else "nn")
    doc.add_page()
    _cover(doc, deck, ev)

    doc.h1(f"1  {t('report_summary', lang)}")
    for sentence in deck.slides[0].body:
        doc.para(sentence, bullet=True)
    if ev is not None:
        for sentence in narrative.evaluation_findings(ev, lang, each_flag=False):
            doc.para(sentence, bullet=True)

    doc.h1(f"2  {t('page_evaluation', lang)}")
    if ev is None:
        doc.para(t("report_no_plan", lang))
    else:
        _plan_section(doc, deck, images, ev)
        _notes_section(doc, ev, plan_notes, area_names or {}, lang)

    level = grammar.noun(narrative.level_lemma(deck.kommune, deck.level), lang).singular
    doc.h1(f"3  {t('report_picture', lang, level=level)}")
    _findings_section(doc, deck, images)

    doc.h1(f"4  {t('report_sources', lang)}")
    for key in ("report_method_1", "report_method_2", "report_method_3", "eval_method"):
        doc.para(t(key, lang))
    if not sources.empty:
        doc.frame_table(sources, widths=(110, 64))
    doc.small(t("report_data_built", lang, built=deck.built_at, today=date.today().isoformat()))
    return bytes(doc.output())


def _cover(doc: _Pdf, deck: slides.Deck, ev: evaluation.Evaluation | None) -> None:
    """Forum, title, plan name, build date and the demo warning."""
    lang = deck.lang
    doc.set_font(doc.family, "", 11)
    doc.set_text_color(70, 70, 70)
    forum = ev.plan.evaluation.forum if ev is not None else None
    doc.cell(
        0,
        6,
        doc.clean(
            t("report_for_forum", lang, forum=forum) if forum else t("report_status_report", lang)
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font(doc.family, "B", 24)
    doc.set_text_color(26, 26, 26)
    doc.multi_cell(
        0,
        11,
        doc.clean(f"{t('report_title', lang)}: {deck.kommune_name}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if ev is not None:
        doc.set_font(doc.family, "", 12)
        doc.multi_cell(0, 6, doc.clean(ev.plan.name.get(lang)), new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.small(t("report_data_built", lang, built=deck.built_at, today=date.today().isoformat()))
    if deck.demo:
        doc.set_fill_color(255, 236, 220)
        doc.set_text_color(140, 50, 0)
        doc.set_font(doc.family, "B", 11)
        doc.multi_cell(
            0,
            7,
            doc.clean(t("report_demo_warning", lang)),
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        doc.ln(3)


def _plan_section(
    doc: _Pdf, deck: slides.Deck, images: dict[str, bytes], ev: evaluation.Evaluation
) -> None:
    """Status chart, the targets table, red flags and the measure gaps."""
    lang = deck.lang
    status = next((s for s in deck.slides if s.key == "plan-status"), None)
    if status is not None:
        doc.para(status.headline)
        if status.key in images:
            doc.chart(images[status.key], status.alt, width=150)
    doc.frame_table(_targets_table(ev, lang), widths=(34, 18, 18, 16, 14))
    if ev.red_flags:
        doc.h2(t("eval_red_flags", lang))
        for f in ev.red_flags:
            doc.para(slides.plain(evaluation.red_flag_sentence(f, lang)), bullet=True)
    names = evaluation.risk_factor_names(lang)
    for gap in (
        evaluation.gap_sentence(ev.matrix, lang, names),
        evaluation.general_only_sentence(ev.matrix, lang, names),
    ):
        if gap:
            doc.para(slides.plain(gap))


def _notes_section(
    doc: _Pdf,
    ev: evaluation.Evaluation,
    plan_notes: Sequence[notes.Note],
    area_names: Mapping[str, str],
    lang: str,
) -> None:
    """The notes on the plan's targets, per target in plan order, newest first within one."""
    if not plan_notes:
        return
    grouped = notes.by_target(list(plan_notes))
    doc.h2(t("eval_notes", lang))
    for r in ev.targets:
        written = grouped.pop(r.target.id, [])
        if written:
            doc.para(r.name.get(lang) or r.name["nb"], size=11)
        for n in written:
            _note(doc, n, area_names, lang)
    for rest in grouped.values():  # notes on a target the plan no longer has
        for n in rest:
            _note(doc, n, area_names, lang)


def _note(doc: _Pdf, n: notes.Note, area_names: Mapping[str, str], lang: str) -> None:
    area = area_names.get(n.area_code, n.area_code) if n.area_code else None
    head = f"{n.author} · {numbers.oslo_time(n.created_at)}"
    head += f" · {t('eval_note_area', lang)}: {area or t('eval_note_whole_kommune', lang)}"
    doc.small(head)
    for key, answer in (
        ("eval_note_what_we_see", n.what_we_see),
        ("eval_note_why", n.why),
        ("eval_note_what_we_do", n.what_we_do),
    ):
        if answer:
            doc.para(f"{t(key, lang)} {answer}", bullet=True)


def _findings_section(doc: _Pdf, deck: slides.Deck, images: dict[str, bytes]) -> None:
    """Each finding slide: heading, sentences, chart and, for a series, its last periods."""
    lang = deck.lang
    section = t("findings", lang)
    series_tables = _trend_keys(deck)
    for s in deck.slides:
        if not s.key.startswith("finding-"):
            continue
        if s.kicker != section:  # the district's own findings get a heading of their own
            section = s.kicker
            doc.h1(section)
        if doc.get_y() > doc.page_break_trigger - 110:
            doc.add_page()  # a finding's heading stays on the page with its chart
        doc.h2(s.headline)
        for sentence in s.body:
            doc.para(sentence)
        if s.key in images:
            doc.chart(images[s.key], s.alt)
        doc.small(f"{t('report_chart', lang)}: {s.alt} {deck.footer(s)}")
        if s.table is not None and not s.table.empty and len(s.table.columns) <= 4:
            # A series table: the last eight periods say what the chart shows.
            doc.frame_table(s.table.tail(8) if s.key in series_tables else s.table)


def _trend_keys(deck: slides.Deck) -> set[str]:
    """Slides whose table is a time series (the first column holds periods)."""
    return {s.key for s in deck.slides if s.table is not None and s.table.columns[0] == ""}


def _source_table(deck: slides.Deck) -> pd.DataFrame:
    """Every indicator the report mentions, with its name and source."""
    ids = [s.indicator_id for s in deck.slides if s.indicator_id]
    if deck.evaluation is not None:
        ids += [r.target.indicator for r in deck.evaluation.targets if r.target.indicator]
    labels = slides.source_labels(deck.indicators, ids, deck.lang)
    info = deck.indicators.set_index("indicator_id")
    lang = deck.lang
    return pd.DataFrame(
        {
            t("indicator", lang): [label(info.loc[i], "name", lang) for i in labels],
            t("source", lang): list(labels.values()),
        }
    )


# ====================================================================== building


def build(
    con: Con,
    kommune: str,
    fmt: str,
    district: str | None = None,
    year: int | None = None,
    lang: str = "nb",
    level: str | None = None,
) -> bytes:
    """The report for `kommune` as PDF or PPTX bytes, its districts at `level` (None: the
    kommune's default level, as the dashboard's sidebar starts)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    plan = load_plans().get(kommune)
    deck = slides.build(con, kommune, district, year, lang, plan, level=level)
    images = chart_images(deck)
    if fmt == "pptx":
        return pptx(deck, images)
    names = dict(con.execute("SELECT area_code, name FROM area").fetchall())
    return pdf(
        deck, images, deck.evaluation, _source_table(deck), notes.for_kommune(kommune), names
    )


filename = export.report_filename  # the name the page's download buttons give too


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: build one report and write it to a file."""
    ap = argparse.ArgumentParser(
        prog="python -m utfordringsbilde.report",
        description="Write the PDF status report or the PowerPoint deck for a kommune.",
    )
    ap.add_argument("--kommune", required=True, help="kommune number, e.g. 3301")
    ap.add_argument("--format", choices=FORMATS, default="pdf")
    ap.add_argument("--district", help="also slides for this district, e.g. 3301-D02")
    ap.add_argument(
        "--niva",
        "--level",
        dest="level",
        help="district level (district, levekarssone, bydel, delomrade; default: the "
        "kommune's first, as in the dashboard)",
    )
    ap.add_argument("--year", type=int, help="the data year (default: the latest)")
    ap.add_argument("--lang", choices=languages(), default="nb")
    ap.add_argument("--out", type=Path, help="file to write (default: reports/<name>)")
    args = ap.parse_args(argv)
    started = time.monotonic()
    try:
        con = warehouse.connect(warehouse.signature())
        cur = warehouse.cursor(con)
        kommuner = dict(
            cur.execute("SELECT area_code, name FROM area WHERE level = 'kommune'").fetchall()
        )
        if args.kommune not in kommuner:
            known = ", ".join(sorted(kommuner)[:10])
            print(
                f"Unknown kommune {args.kommune!r}; the warehouse has e.g. {known}", file=sys.stderr
            )
            return 2
        levels = queries.district_levels(cur, args.kommune)
        if args.level is not None and args.level not in levels:
            print(
                f"Kommune {args.kommune} has no districts at level {args.level!r}; "
                f"it has: {', '.join(levels) or 'none'}",
                file=sys.stderr,
            )
            return 2
        data = build(
            cur, args.kommune, args.format, args.district, args.year, args.lang, args.level
        )
    except (warehouse.WarehouseMissing, ValueError) as e:
        print(str(e), file=sys.stderr)
        return 2
    out = args.out or paths.ROOT / "reports" / filename(
        kommuner[args.kommune], args.format, args.district
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    took = numbers.number(time.monotonic() - started, 1, "en")
    print(f"Wrote {out} ({len(data) // 1024} KiB) in {took} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
