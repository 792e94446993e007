"""Every registered source and every `python -m etl` command is documented (datasette style).

The test names the one that is missing, so adding a source or a command without its docs fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl import __main__ as cli
from etl.sources import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def _docs() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


DOCS = _docs()
HEADINGS = {m.strip("` ") for m in re.findall(r"^#{1,6}\s+(.+?)\s*$", DOCS, re.MULTILINE)}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_registered_source_has_a_heading(name: str):
    assert name in HEADINGS, (
        f"source {name!r} is registered but has no heading in README.md or docs/ "
        f"(add '## {name}' to docs/sources.md)"
    )


@pytest.mark.parametrize("command", cli.commands())
def test_every_cli_command_is_documented(command: str):
    assert f"python -m etl {command}" in DOCS, (
        f"`python -m etl {command}` is a command but README.md and docs/ never mention it"
    )


def test_the_lists_are_not_empty():
    assert {"ssb", "fhi", "klass", "geonorge"} <= set(REGISTRY)
    assert {"demo", "refresh", "ensure", "status", "import"} <= set(cli.commands())
