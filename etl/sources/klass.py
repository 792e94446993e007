"""SSB KLASS: kommuner (131), fylker (104), delområder and grunnkretser (1), and code changes.

Feeds the area table and the old → current kommune-number map that SSB and FHI rows go
through (Drammen 3005 → 3301, Tønsberg 3803 → 3905 on 1 January 2024).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from etl.http import Client
from etl.sources import settings
from etl.sources.base import Request, Result, Run, Source, Step
from utfordringsbilde.config import Kommune

NAME = "klass"
KOMMUNER = settings.KLASS_KOMMUNER
FYLKER = settings.KLASS_FYLKER
GRUNNKRETSER = settings.KLASS_GRUNNKRETSER
HEADERS = settings.KLASS_HEADERS
GRUNNKRETS_CODES = "klass_1_codes"  # run.memo key of KLASS 1 codesAt, fetched once per run
CHANGES_FROM = settings.KLASS_CHANGES_FROM


class KlassError(RuntimeError):
    """KLASS answered, but not in the shape this module knows."""


def _url(classification: int, endpoint: str) -> str:
    return f"{SOURCE.url}/classifications/{classification}/{endpoint}"


def codes_request(classification: int, at: date) -> Request:
    """GET the codes of a classification valid on `at`."""
    params = {"date": at.isoformat()}
    return Request("GET", _url(classification, "codesAt"), params, headers=HEADERS)


def changes_request(frm: date, to: date) -> Request:
    """GET the kommune-number changes (classification 131) between two dates."""
    params = {"from": frm.isoformat(), "to": to.isoformat()}
    return Request("GET", _url(KOMMUNER, "changes"), params, headers=HEADERS)


def codes_at(client: Client, classification: int, at: date) -> list[dict[str, Any]]:
    """Codes of a classification valid on `at`."""
    data = client.send(codes_request(classification, at))
    codes = data.get("codes") if isinstance(data, dict) else None
    if not isinstance(codes, list):
        raise KlassError(f"KLASS {classification} codesAt: no 'codes' list in the answer")
    return codes


def changes(client: Client, frm: date, to: date) -> list[dict[str, Any]]:
    """Kommune-number changes (classification 131) between two dates."""
    data = client.send(changes_request(frm, to))
    items = data.get("codeChanges") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise KlassError("KLASS 131 changes: no 'codeChanges' list in the answer")
    return items


def frame(codes: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """KLASS codes as a frame: code, name, level, parent_code."""
    rows = [
        {
            "code": str(c["code"]),
            "name": str(c.get("name") or c["code"]),
            "level": str(c.get("level") or ""),
            "parent_code": c.get("parentCode"),
        }
        for c in codes
    ]
    return pd.DataFrame(rows, columns=["code", "name", "level", "parent_code"])


def kommuner(client: Client, at: date) -> pd.DataFrame:
    """Kommuner valid on `at`: code, name."""
    return frame(codes_at(client, KOMMUNER, at))


def fylker(client: Client, at: date) -> pd.DataFrame:
    """Fylker valid on `at`: code, name."""
    return frame(codes_at(client, FYLKER, at))


def grunnkretser(client: Client, kommune: str, at: date) -> pd.DataFrame:
    """Delområder (level 1) and grunnkretser (level 2) of one kommune valid on `at`.

    The whole classification is fetched and filtered by prefix here: the server-side
    `selectCodes` wildcard syntax is not verified (docs/sources.md).
    """
    out = frame(codes_at(client, GRUNNKRETSER, at))
    return out[out["code"].str.startswith(kommune)].reset_index(drop=True)


@dataclass
class CodeMap:
    """Old kommune numbers → current ones, from the kommune files and KLASS renumberings."""

    old_to_new: dict[str, str] = field(default_factory=dict)
    current: set[str] = field(default_factory=set)

    def to_current(self, code: str) -> str:
        """The current number for `code` (itself when it never changed)."""
        seen = {code}
        while code in self.old_to_new:
            code = self.old_to_new[code]
            if code in seen:  # a cycle in the data would hang us; stop at the loop
                break
            seen.add(code)
        return code

    def old_codes(self, code: str) -> list[str]:
        """Every earlier number whose series is this kommune's."""
        return sorted(
            old for old in self.old_to_new if old != code and self.to_current(old) == code
        )


def renumberings(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """One-to-one renumberings from KLASS changes (merges and splits are left out).

    A merged kommune keeps its own series (SSB's agg_KommSummer sums them where wanted), so only
    a change where one old number becomes one new number on a date says "same kommune".
    """
    items = [i for i in items if i.get("oldCode") and i.get("newCode")]
    olds = Counter((str(i["oldCode"]), str(i.get("changeOccurred"))) for i in items)
    news = Counter((str(i["newCode"]), str(i.get("changeOccurred"))) for i in items)
    out: dict[str, str] = {}
    for i in items:
        old, new, when = str(i["oldCode"]), str(i["newCode"]), str(i.get("changeOccurred"))
        if old != new and olds[(old, when)] == 1 and news[(new, when)] == 1:
            out[old] = new
    return out


def code_map(config: Mapping[str, Kommune], items: Iterable[Mapping[str, Any]] | None) -> CodeMap:
    """The code map: the kommune files' history first, KLASS one-to-one renumberings after."""
    current = {k.code for k in config.values()}
    current |= {p.code for k in config.values() for p in k.comparators.peers}
    # A number in use today is never "old", even if KLASS once moved it (numbers are reused).
    mapping = {old: new for old, new in renumberings(items or []).items() if old not in current}
    for k in config.values():
        for old in k.old_codes:
            mapping[old] = k.code
    return CodeMap(old_to_new=mapping, current=current)


def fetch_code_map(client: Client, config: Mapping[str, Kommune], today: date) -> CodeMap:
    """Read KLASS changes since 2020 and build the code map."""
    return code_map(config, changes(client, CHANGES_FROM, today))


def code_map_step(today: date) -> Step:
    """The step that reads the kommune-number changes every code-mapping source relies on."""
    return Step("131 changes", (changes_request(CHANGES_FROM, today),))


@dataclass
class Areas:
    """The areas one run fetches: kommuner (configured and peers), their fylker, landet."""

    kommuner: list[str]
    fylker: list[str]
    cmap: CodeMap
    # The kommuner refreshed (not their peers): only theirs get districts.
    chosen: list[str] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        """Every warehouse area code this run asks the sources for."""
        return {"0", *self.fylker, *self.kommuner}

    def old_codes(self) -> list[str]:
        """Earlier numbers of the kommuner, for tables that still carry them (KOSTRA)."""
        return [old for k in self.kommuner for old in self.cmap.old_codes(k)]


def areas_for(config: Mapping[str, Kommune], chosen: Iterable[str], cmap: CodeMap) -> Areas:
    """The areas to fetch for the chosen kommuner: themselves, their peers, fylker, landet."""
    kommuner: list[str] = []
    fylker: list[str] = []
    for code in chosen:
        k = config[code]
        for c in [k.code, *(p.code for p in k.comparators.peers)]:
            if c not in kommuner:
                kommuner.append(c)
        if k.fylke.code not in fylker:
            fylker.append(k.fylke.code)
    return Areas(kommuner=kommuner, fylker=fylker, cmap=cmap, chosen=list(chosen))


def check_kommuner(valid: pd.DataFrame, config: Mapping[str, Kommune], cmap: CodeMap) -> None:
    """Every configured kommune and peer must be a valid number today; say what it became if not."""
    codes = set(valid["code"])
    wrong = []
    for k in config.values():
        for code, where in [(k.code, f"data/kommuner/{k.code}.yaml")] + [
            (p.code, f"data/kommuner/{k.code}.yaml (peer {p.name})") for p in k.comparators.peers
        ]:
            if code not in codes:
                now = cmap.to_current(code)
                hint = f"; it is now {now}" if now != code else ""
                wrong.append(f"{code} in {where}{hint}")
    if wrong:
        raise KlassError(
            "kommune numbers that KLASS 131 does not list as valid today: " + "; ".join(wrong)
        )


def area_rows(
    fylke_frame: pd.DataFrame, kommune_frame: pd.DataFrame, wanted: Iterable[str]
) -> pd.DataFrame:
    """Area rows for every fylke and for the wanted kommuner (names from KLASS)."""
    rows: list[dict[str, Any]] = [
        {
            "area_code": r.code,
            "name": r.name,
            "level": "fylke",
            "parent_code": "0",
            "demo_code": False,
        }
        for r in fylke_frame.itertuples()
    ]
    wanted = set(wanted)
    for r in kommune_frame.itertuples():
        if r.code in wanted:
            rows.append(
                {
                    "area_code": r.code,
                    "name": r.name,
                    "level": "kommune",
                    "parent_code": str(r.code)[:2],
                    "kommune_code": r.code,
                    "demo_code": False,
                }
            )
    return pd.DataFrame(rows)


def _real(run: Run) -> list[Kommune]:
    """The chosen kommuner whose districts are built from real grunnkretser (not demo codes)."""
    return [run.config[c] for c in run.chosen if not run.config[c].districts.demo_codes]


def grunnkrets_names(
    gk: pd.DataFrame, kommuner: Iterable[Kommune]
) -> tuple[dict[str, str], list[str]]:
    """Configured grunnkrets code → 'name (code)', and a note per file naming invalid codes."""
    names = dict(zip(gk["code"], gk["name"], strict=True))
    out: dict[str, str] = {}
    notes = []
    for k in kommuner:
        configured = [g for d in k.districts.items for g in d.grunnkretser]
        unknown = [g for g in configured if g not in names]
        if unknown:
            notes.append(
                f"klass: {len(unknown)} grunnkretser in data/kommuner/{k.code}.yaml are not "
                f"valid today (e.g. {', '.join(unknown[:3])})"
            )
        out.update({g: f"{names[g]} ({g})" for g in configured if g in names})
    return out, notes


class Klass(Source):
    """SSB KLASS: fylke and kommune names, peers' fylker, grunnkrets names."""

    name = NAME
    base_url = settings.KLASS_BASE
    rate_limit = settings.KLASS_RATE
    error = KlassError
    needs_code_map = True

    def plan(self, run: Run) -> list[Step]:
        """Kommuner and fylker valid today; grunnkretser when a chosen kommune has real ones."""
        steps = [
            Step(
                "131 and 104 codesAt",
                (codes_request(KOMMUNER, run.today), codes_request(FYLKER, run.today)),
                key="areas",
            )
        ]
        if _real(run):
            steps.append(
                Step("1 codesAt", (codes_request(GRUNNKRETSER, run.today),), key="grunnkretser")
            )
        return steps

    def fetch(self, run: Run, step: Step) -> Result:
        """Area rows and peers' fylker (areas), or the real grunnkretser's names."""
        if step.key == "grunnkretser":
            codes = codes_at(run.client, GRUNNKRETSER, run.today)
            run.memo[GRUNNKRETS_CODES] = codes  # the districts source reads the same list
            gk = frame(codes)
            names, notes = grunnkrets_names(gk, _real(run))
            return Result(names=names, notes=notes)
        kommune_frame = kommuner(run.client, run.today)
        fylke_frame = fylker(run.client, run.today)
        check_kommuner(kommune_frame, {c: run.config[c] for c in run.chosen}, run.areas.cmap)
        # The kommune files cannot know a peer's fylke; KLASS can.
        parents = {k: k[:2] for k in run.areas.kommuner}
        return Result(
            areas=area_rows(fylke_frame, kommune_frame, run.areas.kommuner), parents=parents
        )


SOURCE = Klass()
