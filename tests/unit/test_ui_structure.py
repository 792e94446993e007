"""The UI's shape: no import cycle in ui/, pages/ or the core, and no Norwegian typed into
a page or a UI module (their words come from translation keys)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ui", "pages", "utfordringsbilde")
UI_FILES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])

# Norwegian letters, or a common Norwegian word that English and code do not use.
NORWEGIAN = re.compile(
    r"[æøåÆØÅ]|\b(og|ikke|ikkje|eller|som|med|for å|filen|tall|tal|innlogget|kilde|"
    r"periode|enhet|skjulte|simulerte)\b",
    re.IGNORECASE,
)
# Each language's name is written in that language, in every interface language.
ENDONYMS = {"Bokmål", "Nynorsk"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The project modules `path` imports, as dotted names (`from ui import data` → ui.data)."""
    known = {_module(p) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found |= (subs & known) or {node.module}
    return {m for m in found if m in known}


def _graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return {_module(p): _imports(p) - {_module(p)} for p in files}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in `graph` (as the modules along it), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            found = visit(nxt, [*path, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_no_import_cycle() -> None:
    graph = _graph()
    assert "ui.frame" in graph["pages.oversikt"]  # the scan sees the imports
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])


def test_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_core_does_not_import_streamlit() -> None:
    for path in (ROOT / "utfordringsbilde").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] in {"streamlit", "ui"} for n in names), path


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef))]
    out = set()
    for n in nodes:
        body = getattr(n, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            out.add(id(body[0].value))
    return out


def norwegian_literals(source: str) -> list[str]:
    """String constants in `source` that look Norwegian; docstrings and comments do not count."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and node.value not in ENDONYMS
        and NORWEGIAN.search(node.value)
    ]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_norwegian_typed_into_the_ui(path: Path) -> None:
    found = norwegian_literals(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: use a translation key for {found}"


def test_norwegian_check_finds_typed_bokmal() -> None:
    page = '"""Side."""\n# en kommentar på norsk\nst.caption(f"Innlogget som {user}")\n'
    assert norwegian_literals(page) == ["Innlogget som "]
    assert norwegian_literals('st.markdown(" · DEMODATA (simulerte tall)")')
    assert not norwegian_literals('st.title(t("page_import", lang))')


def test_every_static_file_is_used_and_loads() -> None:
    from ui import assets

    code = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "ui").glob("*.py"))
    for path in sorted(assets.STATIC.iterdir()):
        assert f'"{path.name}"' in code, f"ui/static/{path.name} is never loaded"
        wrapped = assets.script(path.name) if path.suffix == ".js" else assets.style(path.name)
        assert path.read_text(encoding="utf-8") in wrapped
