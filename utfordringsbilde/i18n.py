"""Interface texts from the gettext catalogs in locale/; bokmål is the default and the fallback.

Every language is a folder `locale/<code>/LC_MESSAGES/messages.po` (Babel compiles it to the
`.mo` file read here); the msgids are the English keys that `t()` takes, and
`locale/messages.pot` lists them all. docs/extending.md says how to add a language.
"""

from __future__ import annotations

import gettext
import json
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from utfordringsbilde.config import Text
from utfordringsbilde.paths import locale_dir

DEFAULT = "nb"
DOMAIN = "messages"

TREND_ARROWS = {"increasing": "↗", "decreasing": "↘", "no_change": "→"}

# Source symbol → the key of what it means, as the sources define it.
FLAG_KEYS = {":": "flag_suppressed", "..": "flag_missing", ".": "flag_not_applicable"}

# The order of the (nb, nn, en) tuples texts were written in before the catalogs.
_LEGACY = ("nb", "nn", "en")


class _Missing(gettext.NullTranslations):
    """The end of every fallback chain: an unknown key is an error, not its own text."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)


@lru_cache(maxsize=8)
def _catalogs(folder: Path) -> dict[str, gettext.GNUTranslations]:
    """The compiled catalog of every language in `folder`, each falling back to bokmål."""
    found: dict[str, gettext.GNUTranslations] = {}
    for mo in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
        with mo.open("rb") as f:
            found[mo.parent.parent.name] = gettext.GNUTranslations(f)
    if DEFAULT not in found:
        raise FileNotFoundError(f"no {DEFAULT}/LC_MESSAGES/{DOMAIN}.mo in {folder}")
    found[DEFAULT].add_fallback(_Missing())
    for code, catalog in found.items():
        if code != DEFAULT:
            catalog.add_fallback(found[DEFAULT])
    return found


def _catalog(lang: str) -> gettext.GNUTranslations:
    catalogs = _catalogs(locale_dir())
    return catalogs.get(lang) or catalogs[DEFAULT]


def languages() -> tuple[str, ...]:
    """The language codes in the locale folder: bokmål, others of its country (nn), the rest."""
    catalogs = _catalogs(locale_dir())
    home = number_locale(DEFAULT).split("_")[-1]

    def order(code: str) -> tuple[bool, bool, str]:
        return code != DEFAULT, number_locale(code).split("_")[-1] != home, code

    return tuple(sorted(catalogs, key=order))


def language_name(lang: str) -> str:
    """The language's own name for itself (Bokmål, Nynorsk, English), from its catalog."""
    return t("language_name", lang)


def number_locale(lang: str) -> str:
    """The Babel locale for numbers in `lang`: the catalog's `Language` header, else nb_NO."""
    return _number_locale(locale_dir(), lang)


@lru_cache(maxsize=64)
def _number_locale(folder: Path, lang: str) -> str:
    # Per folder, as the catalogs are: a language means what its folder's header says.
    catalogs = _catalogs(folder)
    code = (catalogs.get(lang) or catalogs[DEFAULT]).info().get("language", "")
    try:
        return str(Locale.parse(code))
    except (ValueError, TypeError, UnknownLocaleError):
        return "nb_NO"


def t(key: str, lang: str = DEFAULT, **kwargs: object) -> str:
    """The interface text `key` in `lang`, formatted with kwargs; KeyError for unknown keys."""
    text = _catalog(lang).gettext(key)
    return text.format(**kwargs) if kwargs else text


def tn(key: str, n: int, lang: str = DEFAULT, **kwargs: object) -> str:
    """The singular or plural form of `key` for the count `n` (ngettext), formatted with n."""
    text = _catalog(lang).ngettext(key, f"{key}_plural", n)
    return text.format(n=n, **kwargs)


def pick(texts: Sequence[str], lang: str) -> str:
    """The text for `lang` from a legacy (nb, nn, en) triple; bokmål for another language.

    Only for texts not yet moved to the catalogs (`add-keys` below moves them)."""
    return texts[_LEGACY.index(lang)] if lang in _LEGACY else texts[0]


def label(item: object, field: str, lang: str = DEFAULT) -> str:
    """A catalog text (name, short, definition, caveats, theme …) in `lang`, else bokmål.

    `item` is a config entity whose `field` is a Text, or a warehouse row (a pandas Series,
    a dict or an itertuples row) with one `<field>_<lang>` column per language; '' if none.
    """
    value = getattr(item, field, None)
    if isinstance(value, Text):
        return value.get(lang)
    keyed = isinstance(item, Mapping) or hasattr(item, "iloc")  # a dict or a pandas Series
    for code in (lang, DEFAULT):
        column = f"{field}_{code}"
        found = item.get(column) if keyed else getattr(item, column, None)  # type: ignore[attr-defined]
        if isinstance(found, str) and found:
            return found
    return ""


def verdict_label(verdict: str, lang: str = DEFAULT) -> str:
    """A comparison verdict (better, similar, …) in words."""
    return t(f"verdict_{verdict}", lang)


def trend_label(direction: str, lang: str = DEFAULT) -> str:
    """A trend direction in words, with its arrow."""
    arrow = TREND_ARROWS.get(direction, "")
    return f"{arrow} {t(f'trend_{direction}', lang)}".strip()


# A source that publishes another provider's table is named by that provider, as people know
# it: the districts source sums SSB's 04317 per grunnkrets ("SSB 04317", not "DISTRICTS 04317").
PUBLISHER = {"districts": "ssb"}


def publisher(source: str) -> str:
    """The provider whose tables `source` publishes (`districts` → `ssb`); else `source`."""
    return PUBLISHER.get(source.lower(), source.lower())


def source_label(
    provider: str, table: str, verified: bool = True, lang: str = DEFAULT, *, notes: bool = False
) -> str:
    """Where an indicator comes from: source and table only (`FHI 403`, `Ungdata (kommunens egne
    tall)`), as footers, slides, reports and exports show it. With `notes`, the maintainers'
    notes too (`FHI (tabellen slås opp etter tittel)`, `SSB 12272 (tabell-id ikke verifisert)`),
    which belong on "Data og kilder", not in front of a meeting."""
    provider = publisher(provider)
    if table == "unknown":
        text = provider.upper()
        if notes:
            text += f" ({t('source_unknown_table', lang)})"
    elif provider == "local":
        text = f"{table} ({t('source_local', lang)})"
    else:
        text = f"{provider.upper()} {table}"
    if notes and not verified and table != "unknown":
        text += f" ({t('unverified_source', lang)})"
    return text


def flag_meaning(flag: str, lang: str = DEFAULT) -> str:
    """What a source symbol (':' '..' '.') means."""
    return t(FLAG_KEYS[flag], lang)


def compile_catalogs(folder: Path | None = None) -> None:
    """Bring every language's .po up to the template (new keys untranslated) and compile it."""
    from babel.messages.frontend import CommandLineInterface

    folder = folder or locale_dir()
    template = folder / f"{DOMAIN}.pot"
    common = ["-d", str(folder), "-D", DOMAIN]
    if template.exists():
        update = ["update", "-i", str(template), *common, "-w", "100", "--no-fuzzy-matching"]
        CommandLineInterface().run(["pybabel", *update])
    CommandLineInterface().run(["pybabel", "compile", *common, "--statistics"])
    _catalogs.cache_clear()


Entry = Sequence[str | Sequence[str]] | Mapping[str, str | Sequence[str]]


def add_keys(texts: Mapping[str, Entry], folder: Path | None = None) -> None:
    """Append keys to the template and every .po: `{key: (nb, nn, en)}` or `{key: {lang: text}}`.

    A text given as a list of forms (`["{n} område", "{n} områder"]`) makes a plural entry for
    `tn()`. A language the entry does not name gets an empty msgstr, so the completeness test
    lists it for translation. Existing keys are overwritten. Run `compile_catalogs` afterwards.
    """
    from babel.messages.pofile import read_po, write_po

    folder = folder or locale_dir()
    targets = [folder / f"{DOMAIN}.pot", *sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))]
    for path in targets:
        lang = None if path.suffix == ".pot" else path.parent.parent.name
        with path.open("rb") as f:
            catalog = read_po(f)
        for key, entry in texts.items():
            given = entry if isinstance(entry, Mapping) else dict(zip(_LEGACY, entry, strict=True))
            text = given.get(lang, "") if lang else ""
            if any(not isinstance(v, str) for v in given.values()):
                forms = (text,) if isinstance(text, str) else tuple(text)
                plural = forms + ("",) * (catalog.num_plurals - len(forms))
                msgid: str | tuple[str, str] = (key, f"{key}_plural")
                string: str | tuple[str, ...] = plural
            else:
                msgid, string = key, str(text)  # every text is a str here
            if key in catalog:
                # Babel's add() keeps an existing message's text; a changed text must replace it.
                catalog[key].string = string
            else:
                catalog.add(msgid, string)
        with path.open("wb") as f:
            write_po(f, catalog, width=100)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m utfordringsbilde.i18n compile` or `… add-keys FILE.json` (then compiles)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["compile"] and len(args) == 1:
        compile_catalogs()
        return 0
    if args[:1] == ["add-keys"] and len(args) == 2:
        add_keys(json.loads(Path(args[1]).read_text(encoding="utf-8")))
        compile_catalogs()
        return 0
    print("usage: python -m utfordringsbilde.i18n compile | add-keys FILE.json", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
