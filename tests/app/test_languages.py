"""AppTest: the English UI shows the catalog's English texts, and a language added as a folder
in locale/ (the steps in docs/extending.md) appears in the app with no code change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from babel.messages.pofile import read_po, write_po

from tests.app.apptest import app
from tests.conftest import ROOT, env_with
from utfordringsbilde.config import load_catalog

IND = "barnevernstiltak"


def test_warehouse_holds_every_catalog_text_in_every_language(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        stored = {
            (e, i, f, lang): text
            for e, i, f, lang, text in con.execute("SELECT * FROM catalog_text").fetchall()
        }
    for ind in load_catalog().indicators:
        assert ind.caveats is not None, ind.id
        for lang in ind.definition.languages():
            assert stored[("indicator", ind.id, "definition", lang)] == ind.definition[lang]
        for lang in ind.caveats.languages():
            assert stored[("indicator", ind.id, "caveats", lang)] == ind.caveats[lang]


def test_english_indicator_page_shows_the_english_definition_and_caveats(
    demo_warehouse: Path,
) -> None:
    ind = next(i for i in load_catalog().indicators if i.id == IND)
    assert ind.caveats is not None
    at = app({"kommune": "1108", "indikator": IND, "sprak": "en"}, page="indikator")
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(m.value for m in at.markdown)
    assert f"**Definition:** {ind.definition['en']}" in text
    assert f"**Caveats:** {ind.caveats['en']}" in text
    assert ind.definition["nb"] not in text and ind.caveats["nb"] not in text


def _translate(po: Path, texts: dict[str, str]) -> None:
    """What a translator does in the copied .po: write new msgstr for some keys."""
    with po.open("rb") as f:
        catalog = read_po(f)
    for key, text in texts.items():
        catalog[key].string = text
    with po.open("wb") as f:
        write_po(f, catalog)


def test_a_language_added_as_a_folder_shows_in_the_app(
    demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    for mo in locale.glob("*/LC_MESSAGES/*.mo"):
        mo.unlink()  # the command below must make them
    # 1. add a folder (a copy of English), 2. translate, 3. run the one command.
    shutil.copytree(locale / "en", locale / "xx")
    po = locale / "xx" / "LC_MESSAGES" / "messages.po"
    _translate(po, {"language_name": "Xx-språk", "page_overview": "Xx picture"})
    env = env_with(UB_LOCALE_DIR=str(locale))
    done = subprocess.run(
        [sys.executable, "-m", "utfordringsbilde.i18n", "compile"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (locale / "xx" / "LC_MESSAGES" / "messages.mo").exists()

    monkeypatch.setenv("UB_LOCALE_DIR", str(locale))
    at = app({"kommune": "1108", "sprak": "xx"}, page="oversikt")
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value.startswith("Xx picture: ")
    assert at.radio(key="lang").value == "xx"
    assert list(at.radio(key="lang").options) == ["Bokmål", "Nynorsk", "English", "Xx-språk"]
    assert at.query_params["sprak"] == "xx"
