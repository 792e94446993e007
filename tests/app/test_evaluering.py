"""AppTest: the Planevaluering page for each kommune, the kommune switch, and writing a note."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import app
from utfordringsbilde import notes
from utfordringsbilde.plan import load_plans

PAGE = "evaluering"
NAMES = {"3301": "Drammen", "1108": "Sandnes", "3905": "Tønsberg"}


def _started(query: dict[str, str] | None = None) -> AppTest:
    """The app settled on the evaluation page. AppTest's first run uses Streamlit's legacy
    pages/ mode, where widget ids differ, so widgets are driven from the second run on."""
    at = app(query, timeout=90, page=PAGE)
    at.run()
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.html)


def _text(at: AppTest) -> str:
    """Every piece of text the page shows: markdown, captions, info boxes, html."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts) + _html(at)


@pytest.mark.parametrize("kommune", list(NAMES))
def test_page_for_each_kommune(demo_warehouse: Path, kommune: str) -> None:
    at = _started({"kommune": kommune})
    plan = load_plans()[kommune]
    assert at.title[0].value == f"Planevaluering: {NAMES[kommune]}"
    assert at.subheader[0].value == plan.name.get("nb")
    html = _html(at)
    text = _text(at)
    # Every target shows a status, and its basis sits in an expander under it.
    assert html.count('data-testid="ub-target-status"') == len(plan.targets)
    assert html.count('data-testid="ub-basis"') == len(plan.targets)
    basis_expanders = [e for e in at.expander if e.label == "Grunnlag for status"]
    assert len(basis_expanders) == len(plan.targets)
    assert 'data-testid="ub-eval-summary"' in html
    assert 'data-testid="ub-measures-matrix"' in html
    assert "ikke tallfestet" in text
    # The kommune's own measures are honest about having no data yet.
    if any(t.kind == "performance" for t in plan.targets):
        assert "Ingen data ennå — rapporteres av kommunen" in text
    # Each strategy with indicators has its heading.
    headers = [h.value for h in at.header]
    assert any(h.startswith("Strategi: ") for h in headers)
    # Each-district targets show their district table.
    if any(t.scope == "each_district" for t in plan.targets):
        assert 'data-testid="ub-district-table"' in html
    assert any("Demodata" in w.value for w in at.warning)


def test_header_states_cycle_and_forum(demo_warehouse: Path) -> None:
    at = _started({"kommune": "3301"})
    html = _html(at)
    assert "Evalueres av Arena 1 hvert 2. år" in html
    assert "fra 2023" in html


def test_tonsberg_matrix_uses_its_own_levels(demo_warehouse: Path) -> None:
    html = _html(_started({"kommune": "3905"}))
    for level in ("Nivå 0", "Nivå 1", "Nivå 2", "Nivå 3"):
        assert f">{level}</th>" in html
    assert "ub-gap" in html  # Tønsberg's plan has gaps


def test_tonsberg_status_is_measured_from_the_baseline_in_one_language(
    demo_warehouse: Path,
) -> None:
    """Issue 14: Psykiske symptomer 89 → 132 is Forverring, said in bokmål, method linked."""
    at = _started({"kommune": "3905"})
    html = _html(at)
    text = _text(at)
    card = re.search(r'data-target="psykiske_plager"><span class="[^"]*" data-status="(\w+)"', html)
    assert card is not None and card.group(1) == "getting_worse"
    assert "docs/status.md" in text  # the method is named and linked on the page
    assert "Eget signal, ikke en del av statusen" in html  # the recent trend beside it
    # No English technical line. The method note itself is English, in its own expander
    # whose label says so ("på engelsk"); everything else is bokmål.
    [note] = [e for e in at.expander if e.label.startswith("Slik avgjøres status")]
    assert "på engelsk" in note.label
    english = {m.value for m in note.markdown}
    rest = "\n".join(str(m.value) for m in at.markdown if m.value not in english)
    rest += "\n".join(str(c.value) for c in at.caption) + html
    assert "Teknisk" not in rest and "baseline" not in rest


def test_a_stand_in_baseline_year_is_named(demo_warehouse: Path) -> None:
    """Where the plan's baseline year has no value, the page says which year stands in."""
    import duckdb

    from utfordringsbilde import evaluation

    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        ev = evaluation.build(con, load_plans()["3905"])
    moved = [
        r
        for r in ev.targets
        if r.has_data
        and r.target.baseline is not None
        and r.kommune.status.basis.baseline_period != r.target.baseline.period
    ]
    if not moved:
        pytest.skip("every baseline year of the Tønsberg plan has data in this build")
    html = _html(_started({"kommune": "3905"}))
    assert f"første år med tall; planen sier {moved[0].target.baseline.period}" in html


def test_the_sidebar_switches_the_plan(demo_warehouse: Path) -> None:
    at = _started({"kommune": "3301"})
    at.sidebar.selectbox(key="kommune").set_value("1108").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Planevaluering: Sandnes"
    assert at.subheader[0].value == load_plans()["1108"].name.get("nb")
    assert at.query_params["kommune"] == "1108"


@pytest.mark.parametrize(("lang", "title"), [("nn", "Planevaluering"), ("en", "Plan evaluation")])
def test_other_languages(demo_warehouse: Path, lang: str, title: str) -> None:
    at = _started({"kommune": "1108", "sprak": lang})
    assert at.title[0].value == f"{title}: Sandnes"
    labels = {e.label for e in at.expander}
    assert ("Basis of the status" if lang == "en" else "Grunnlag for status") in labels
    # Issue 14: the plan's kind of document is in the page's language too.
    kind = {"nn": "Plan etter barnevernslova § 15-1", "en": "Plan under the Child Welfare Act"}
    assert any(c.value.startswith(kind[lang]) for c in at.caption), [c.value for c in at.caption]


def _sign_in(monkeypatch: pytest.MonkeyPatch, email: str | None, name: str = "") -> None:
    """Sign-in configured, with `email` signed in (None: signed out), as the Import tests do."""
    from ui import access

    who = None if email is None else access.Identity(id=email, name=name or email)
    monkeypatch.setattr(access, "auth_configured", lambda: True)
    monkeypatch.setattr(access, "signed_in_identity", lambda: who)


def test_without_sign_in_configured_notes_are_read_only(demo_warehouse: Path) -> None:
    """Issue 15: no form and no name field for anyone; the page says how to turn writing on."""
    note = notes.add("3301", "lavinntekt", author="Kari", why=f"Lest {uuid.uuid4().hex[:6]}")
    at = _started({"kommune": "3301"})
    assert note.why in _html(at)
    assert not at.get("form") and not at.text_area and not at.text_input
    assert not any(b.key.startswith("eval_note_") for b in at.button)
    text = _text(at)
    assert "notatene kan leses, men ikke skrives her" in text
    assert ".streamlit/secrets.toml" in text


def test_signed_out_gets_a_login_button_and_no_form(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sign_in(monkeypatch, None)
    at = _started({"kommune": "3301"})
    assert at.button(key="eval_note_3301_lavinntekt_login")
    assert not at.get("form") and not at.text_area
    assert "Logg inn for å skrive notater" in _text(at)


def test_adding_a_note_through_the_form(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"Kari {uuid.uuid4().hex[:6]}"
    email = f"{name.split()[1]}@drammen.kommune.no"
    _sign_in(monkeypatch, email, name)
    at = _started({"kommune": "3301"})
    prefix = "eval_note_3301_lavinntekt"
    assert not at.text_input  # no name field: the author is who signed in
    at.selectbox(key=f"{prefix}_area").set_value("3301-D02")
    at.text_area(key=f"{prefix}_what_we_see").input("Andelen i Strømsø <b>faller</b> ikke.")
    at.text_area(key=f"{prefix}_why").input("Mange nyankomne familier.")
    at.text_area(key=f"{prefix}_what_we_do").input("Familiekoordinator fra august.")
    at.button(key=f"{prefix}_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]

    stored = [n for n in notes.for_kommune("3301") if n.author == name]
    assert len(stored) == 1
    note = stored[0]
    assert note.author_id == email
    assert note.target_id == "lavinntekt" and note.area_code == "3301-D02"
    assert note.what_we_see == "Andelen i Strømsø faller ikke."  # HTML stripped
    # The page shows it, the form is empty again, and the expander counts it.
    html = _html(at)
    assert name in html and "Familiekoordinator fra august." in html
    assert email not in html  # the e-mail identifies; the name is what others see
    assert at.text_area(key=f"{prefix}_what_we_see").value == ""
    assert any(s.value == "Notatet er lagret." for s in at.success)
    assert any(e.label.startswith("Historien bak kurven (") for e in at.expander)
    # Issue 14: the panel stays open with the confirmation in it, though its label changed.
    panel = next(
        e for e in at.expander if e.label.startswith("Historien bak kurven (") and e.proto.expanded
    )
    assert any(s.value == "Notatet er lagret." for s in panel.success)


def test_the_author_edits_and_withdraws_through_the_page(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = f"{uuid.uuid4().hex[:6]}@drammen.kommune.no"
    mine = notes.add("3301", "lavinntekt", author="Kari", author_id=email, why="Første tekst")
    theirs = notes.add("3301", "lavinntekt", author="Ola", author_id="ola@x.no", why="Olas tekst")
    _sign_in(monkeypatch, email, "Kari")
    at = _started({"kommune": "3301"})
    prefix = "eval_note_3301_lavinntekt"
    toggles = {tg.key for tg in at.toggle}
    assert f"{prefix}_{mine.note_id}_v1_open" in toggles
    assert not any(theirs.note_id in k for k in toggles)  # someone else's note: no controls

    at.toggle(key=f"{prefix}_{mine.note_id}_v1_open").set_value(True).run()
    key = f"{prefix}_{mine.note_id}_v1"
    assert at.text_area(key=f"{key}_why").value == "Første tekst"
    at.text_area(key=f"{key}_why").input("Andre tekst")
    at.button(key=f"{key}_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Notatet er endret") for s in at.success)
    html = _html(at)
    assert "Andre tekst" in html and "Første tekst" not in html and "redigert " in html

    at.toggle(key=f"{prefix}_{mine.note_id}_v2_open").set_value(True).run()
    at.button(key=f"{prefix}_{mine.note_id}_v2_withdraw").click().run()
    assert not at.exception, [e.value for e in at.exception]
    html = _html(at)
    assert "Andre tekst" not in html and "Trukket tilbake av forfatteren" in html
    assert "Olas tekst" in html
    assert [v.why for v in notes.history(mine.note_id)] == ["Første tekst", "Andre tekst", ""]


def test_an_empty_note_is_refused(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _sign_in(monkeypatch, "ola@sandnes.kommune.no", "Ola")
    at = _started({"kommune": "1108"})
    prefix = "eval_note_1108_mobbing_7"
    before = len(notes.for_kommune("1108"))
    at.text_area(key=f"{prefix}_why").input("   ")
    at.button(key=f"{prefix}_submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Skriv noe i minst ett av feltene."]
    assert len(notes.for_kommune("1108")) == before


def test_targets_are_worded_honestly() -> None:
    """A demo target says so on screen; a plan without a number says "ikke tallfestet"."""
    import pandas as pd

    from utfordringsbilde import evaluation
    from utfordringsbilde.evaluation import target_text
    from utfordringsbilde.plan import Target

    def result(**kw: object) -> evaluation.TargetResult:
        fields: dict[str, object] = {
            "id": "p",
            "kind": "performance",
            "goal": "g",
            "name": "Ansatte med opplæring",
            "unit": "percent",
            "rba": "how_much",
            "polarity": "high_good",
        }
        fields.update(kw)
        t = Target.model_validate(fields)
        return evaluation.evaluate_target(t, pd.DataFrame(), "9999", "Testby", {})

    demo = result(target={"value": 80, "year": 2026}, target_is_demo=True)
    assert target_text(demo, "nb") == "80\u00a0% innen 2026 (demomål)"
    assert target_text(result(target={"value": 72.5}), "nb") == "72,5\u00a0%"
    assert target_text(result(target=None, quantified=False), "nb") == "ikke tallfestet"
    assert target_text(result(target=None, quantified=False), "en") == "not quantified"


def test_page_follows_the_chosen_district_level(demo_warehouse: Path) -> None:
    """The plan's each-district targets are shown at the sidebar's level (`?niva=`)."""
    own = _html(_started({"kommune": "3301"}))
    assert 'data-testid="ub-district-table"' in own
    assert "Drammen LKS" not in own
    lks = _html(_started({"kommune": "3301", "niva": "levekarssone"}))
    assert 'data-testid="ub-district-table"' in lks
    assert "Drammen LKS" in lks


@pytest.mark.parametrize(
    ("lang", "label"),
    [("nb", "Slik avgjøres status"), ("en", "How status is decided")],
)
def test_the_page_opens_the_method_note(demo_warehouse: Path, lang: str, label: str) -> None:
    """Issue 14: the page links to "How status is decided", in a form a reader can open (the
    docs are not served elsewhere): docs/status.md itself, under the goals."""
    at = _started({"kommune": "3905", "sprak": lang})
    found = [e for e in at.expander if e.label.startswith(label)]
    assert found, [e.label for e in at.expander]
    shown = "\n".join(m.value for m in found[0].markdown)
    assert "One method: from the plan's baseline to the latest point" in shown
    assert "| Data | Test | Significant when |" in shown
