"""Everything a maintainer can extend is documented: a test fails naming the missing item."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from utfordringsbilde import config

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Headings such as "### id (risk factor)" document the field `id`; the note only tells them apart.
_HEADING = re.compile(r"^#{2,6}\s+`?([A-Za-z_][\w.-]*)`?(?:\s*\(.*\))?\s*$", re.MULTILINE)


def headings() -> set[str]:
    """Every heading word in README.md and docs/*.md."""
    found: set[str] = set()
    for doc in DOCS:
        found.update(_HEADING.findall(doc.read_text(encoding="utf-8")))
    return found


CATALOG_MODELS: list[type[BaseModel]] = [
    config.Theme,
    config.RiskFactor,
    config.Indicator,
    config.Suppression,
    config.Source,
]


@pytest.mark.parametrize(
    "model, field",
    [(m, f) for m in CATALOG_MODELS for f in m.model_fields],
    ids=lambda v: v.__name__ if isinstance(v, type) else str(v),
)
def test_catalog_field_is_documented(model: type[BaseModel], field: str) -> None:
    assert field in headings(), f"{model.__name__}.{field} has no heading in README.md or docs/"


@pytest.mark.parametrize("what", ["an indicator", "a source", "a page", "a language"])
def test_extending_walks_through_each_way_to_grow(what: str) -> None:
    text = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    assert f"## Adding {what}" in text, f"docs/extending.md has no 'Adding {what}' section"
