"""A group of catalog indicators that one table query answers, shared by the API sources."""

from __future__ import annotations

from dataclasses import dataclass

from utfordringsbilde.config import Indicator


@dataclass
class Group:
    """Catalog indicators read from one table in one query."""

    table: str
    indicators: list[Indicator]

    @property
    def first(self) -> Indicator:
        return self.indicators[0]

    @property
    def verified(self) -> bool:
        return all(i.source.verified for i in self.indicators)

    @property
    def title(self) -> str:
        return self.first.source.title or self.table
