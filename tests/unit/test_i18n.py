"""The gettext catalogs in locale/: complete in every language, compiled, and read by t()."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

from tests.conftest import ROOT
from utfordringsbilde import grammar, i18n
from utfordringsbilde.config import Text, load_catalog

LOCALE = ROOT / "locale"


def _read(path: Path) -> dict[str, object]:
    """msgid → msgstr (a tuple for plural entries) of a .po, .pot or .mo file."""
    with path.open("rb") as f:
        catalog = read_mo(f) if path.suffix == ".mo" else read_po(f)
    # read_mo gives a plural entry's ids and forms as lists, read_po as tuples
    return {
        (m.id[0] if isinstance(m.id, list | tuple) else m.id): (
            tuple(m.string) if isinstance(m.string, list | tuple) else m.string
        )
        for m in catalog
        if m.id and not m.fuzzy
    }


def _problems(folder: Path) -> list[str]:
    """Every key a shipped language lacks or leaves empty, measured against the template."""
    keys = set(_read(folder / "messages.pot"))
    out = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        lang = po.parent.parent.name
        texts = _read(po)
        out += [f"{lang}: {k} missing" for k in sorted(keys - set(texts))]
        out += [f"{lang}: {k} not in the template" for k in sorted(set(texts) - keys)]
        for key, text in texts.items():
            forms = text if isinstance(text, tuple) else (text,)
            if not all(forms):
                out.append(f"{lang}: {key} untranslated")
    return out


def test_every_key_has_a_text_in_every_language() -> None:
    assert (LOCALE / "messages.pot").exists()
    assert not _problems(LOCALE)


def test_a_key_left_out_or_empty_fails_the_check(tmp_path: Path) -> None:
    folder = tmp_path / "locale"
    shutil.copytree(LOCALE, folder)
    po = folder / "nn" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    catalog.delete("kommune")
    catalog["district"].string = ""
    with po.open("wb") as f:
        write_po(f, catalog)
    assert _problems(folder) == ["nn: kommune missing", "nn: district untranslated"]


def test_each_committed_mo_is_its_po_compiled() -> None:
    """The .mo files are committed so a fresh clone runs; a stale one fails here."""
    pos = sorted(LOCALE.glob("*/LC_MESSAGES/messages.po"))
    assert {p.parent.parent.name for p in pos} >= {"nb", "nn", "en"}
    for po in pos:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run `make locale`"
        assert _read(mo) == _read(po), f"{mo} is stale: run `make locale`"


def test_languages_come_from_the_locale_folder() -> None:
    assert i18n.languages() == ("nb", "nn", "en")
    assert [i18n.language_name(lang) for lang in i18n.languages()] == [
        "Bokmål",
        "Nynorsk",
        "English",
    ]
    assert i18n.number_locale("nn") == "nn_NO"


def test_t_formats_falls_back_to_bokmal_and_rejects_unknown_keys() -> None:
    assert i18n.t("caveats", "nn") == "Atterhald"
    assert i18n.t("report_page", "en", n=2, total=5) == "page 2 of 5"
    assert i18n.t("caveats", "de") == "Forbehold"  # no such language: bokmål
    with pytest.raises(KeyError):
        i18n.t("no_such_key", "en")
    with pytest.raises(KeyError):
        i18n.tn("no_such_key", 2, "en")


def test_tn_picks_the_plural_form() -> None:
    assert i18n.tn("alt_n_points", 1, "en") == "1 point"
    assert i18n.tn("alt_n_points", 3, "en") == "3 points"
    assert i18n.tn("alt_n_points", 1, "nb") == "1 punkt"
    assert i18n.tn("alt_n_points", 3, "nb") == "3 punkter"
    assert i18n.tn("slide_alt_hidden", 1, "nb") == " 1 område er skjult av personvernhensyn."


def test_the_old_helpers_read_the_catalogs() -> None:
    assert i18n.verdict_label("worse", "nn") == "Dårlegare"
    assert i18n.trend_label("increasing", "en") == "↗ Increasing"
    assert i18n.flag_meaning(":", "en") == "Suppressed for privacy (too few cases)"
    assert i18n.source_label("fhi", "unknown", lang="en", notes=True) == (
        "FHI (table looked up by title)"
    )
    assert grammar.count(1, "mål", "nn") == "eitt mål"
    assert grammar.join(["A", "B", "C"], "en") == "A, B and C"


def test_label_reads_entities_and_rows_with_bokmal_fallback() -> None:
    ind = load_catalog().indicators[0]
    assert i18n.label(ind, "name", "en") == ind.name["en"]
    row = pd.Series({"name_nb": "Navn", "name_en": "Name", "caveats_nb": None})
    assert i18n.label(row, "name", "en") == "Name"
    assert i18n.label(row, "name", "nn") == "Navn"
    assert i18n.label(row, "caveats", "en") == ""
    rows = pd.DataFrame([{"name_nb": "Navn", "name_en": float("nan")}])
    assert i18n.label(next(rows.itertuples()), "name", "en") == "Navn"
    assert i18n.label({"short_xx": "Kort"}, "short", "xx") == "Kort"


def test_text_is_a_mapping_of_languages_with_bokmal_required() -> None:
    text = Text.model_validate({"nb": "Hei", "nn": None, "se": "Bures"})
    assert text.get("se") == "Bures" and text.get("nn") == "Hei" and "nn" not in text
    with pytest.raises(ValueError, match="bokmål"):
        Text.model_validate({"en": "Hello"})
    with pytest.raises(ValueError, match="language code"):
        Text.model_validate({"nb": "Hei", "English": "Hello"})


def test_add_keys_appends_to_every_catalog(tmp_path: Path) -> None:
    folder = tmp_path / "locale"
    shutil.copytree(LOCALE, folder)
    i18n.add_keys({"new_key": ("Ny", "Ny (nn)", "New")}, folder)
    i18n.compile_catalogs(folder)
    assert _read(folder / "messages.pot")["new_key"] == ""
    assert _read(folder / "nn" / "LC_MESSAGES" / "messages.mo")["new_key"] == "Ny (nn)"
    assert _read(folder / "en" / "LC_MESSAGES" / "messages.mo")["new_key"] == "New"
    assert not _problems(folder)


def test_add_keys_replaces_the_text_of_an_existing_key(tmp_path: Path) -> None:
    folder = tmp_path / "locale"
    shutil.copytree(LOCALE, folder)
    i18n.add_keys({"nav_meeting": ("Møte X", "Møte Y", "Meeting Z")}, folder)
    i18n.compile_catalogs(folder)
    assert _read(folder / "nb" / "LC_MESSAGES" / "messages.mo")["nav_meeting"] == "Møte X"
    assert _read(folder / "en" / "LC_MESSAGES" / "messages.mo")["nav_meeting"] == "Meeting Z"


def test_add_keys_makes_plural_entries_from_lists_of_forms(tmp_path: Path) -> None:
    folder = tmp_path / "locale"
    shutil.copytree(LOCALE, folder)
    i18n.add_keys(
        {"n_cats": {"nb": ["{n} katt", "{n} katter"], "en": ["{n} cat", "{n} cats"]}}, folder
    )
    i18n.compile_catalogs(folder)
    assert _read(folder / "en" / "LC_MESSAGES" / "messages.mo")["n_cats"] == ("{n} cat", "{n} cats")
    assert _problems(folder) == ["nn: n_cats untranslated"]


def test_every_definition_and_caveat_is_written_in_every_shipped_language() -> None:
    """The catalog's texts follow the interface's languages, so no page mixes two."""
    for ind in load_catalog().indicators:
        assert ind.caveats is not None, ind.id
        for lang in i18n.languages():
            assert ind.definition[lang].strip() and ind.caveats[lang].strip(), (ind.id, lang)


def test_a_table_is_named_by_its_publisher_not_by_the_source_fetching_it() -> None:
    """Issue 14: the catalogue said "DISTRICTS 04317"; the districts source sums SSB's table."""
    from utfordringsbilde.pagemodels.common import provider_name, provider_names

    assert i18n.source_label("districts", "04317", False, "en") == "SSB 04317"
    assert (
        i18n.source_label("districts", "04317", False, "en", notes=True)
        == "SSB 04317 (table id not verified)"
    )
    assert provider_name("districts", "en") == "Statistics Norway (SSB)"
    assert provider_names(["ssb", "districts", "fhi"], "nb") == (
        "Folkehelseinstituttet (FHI), Statistisk sentralbyrå (SSB)"
    )
