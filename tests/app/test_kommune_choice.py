"""AppTest: the district level as a choice, every kommune in the picker, old and unknown numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import app

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__")
DRAMMEN = "3301"
BERGEN = "4601"  # a kommune of the country the demo warehouse has no data for


def _started(query: dict[str, str], page: str | None = None) -> AppTest:
    at = app(query, page=page)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _district_columns(at: AppTest) -> int:
    html = "".join(h.proto.body for h in at.html)
    assert 'data-testid="ub-heatmap"' in html
    return html.count('<th scope="col">') - 1  # the first heads the indicator names


def test_overview_at_another_level(demo_warehouse: Path) -> None:
    default = _started({"kommune": DRAMMEN})
    assert _district_columns(default) == 10
    assert "niva" not in default.query_params  # the default level needs no parameter
    at = _started({"kommune": DRAMMEN, "niva": "levekarssone"})
    assert at.sidebar.selectbox(key="niva").value == "levekarssone"
    assert _district_columns(at) == 52
    districts = at.sidebar.selectbox(key="distrikt").options
    assert len(districts) == 53  # "all" and the 52 levekårssoner
    assert at.query_params["niva"] == "levekarssone"


def test_level_choice_changes_the_districts(demo_warehouse: Path) -> None:
    at = _started({"kommune": DRAMMEN})
    levels = at.sidebar.selectbox(key="niva").options
    assert levels[0] == "Egne områder (kommunedel)"  # the default, named by its file
    assert "Levekårssoner" in levels
    at.sidebar.selectbox(key="niva").set_value("levekarssone").run()
    assert not at.exception
    assert _district_columns(at) == 52
    assert at.query_params["niva"] == "levekarssone"


def test_picker_lists_every_kommune(demo_warehouse: Path) -> None:
    from utfordringsbilde import config

    at = _started({})
    options = at.sidebar.selectbox(key="kommune").options
    national = config.national_kommuner()
    assert len(options) >= len(national) == 357
    assert any(o.startswith("Bergen (4601)") for o in options)
    # The kommuner with data come first, the others after them.
    assert options.index("Bergen (4601)") >= 3
    assert options[0].startswith("Drammen")


@pytest.mark.parametrize("page", PAGES)
def test_kommune_without_data_shows_the_command(demo_warehouse: Path, page: str) -> None:
    at = _started({"kommune": BERGEN}, page=page)
    assert at.title
    texts = [i.value for i in at.info]
    wanted = "Ingen data for Bergen ennå — kjør `.venv/bin/python -m etl refresh --kommune 4601`"
    assert wanted in texts, texts
    assert not at.error, [e.value for e in at.error]
    assert at.query_params["kommune"] == BERGEN


def test_kommune_without_data_in_english(demo_warehouse: Path) -> None:
    at = _started({"kommune": BERGEN, "sprak": "en"})
    assert any(i.value.startswith("No data for Bergen yet") for i in at.info)


def test_old_kommune_number_opens_todays(demo_warehouse: Path) -> None:
    at = _started({"kommune": "3803"})
    assert at.query_params["kommune"] == "3905"
    notes = [i.value for i in at.sidebar.info]
    assert "3803 er det gamle nummeret til Tønsberg; viser 3905" in notes
    assert at.title[0].value.endswith("Tønsberg")


def test_unknown_kommune_number_is_warned(demo_warehouse: Path) -> None:
    at = _started({"kommune": "9999"})
    warnings = [w.value for w in at.sidebar.warning]
    assert any("9999" in w for w in warnings), warnings
    shown = at.query_params["kommune"]
    assert shown != "9999"
    # Once another kommune is chosen, the warning no longer applies.
    other = next(c for c in ("3301", "1108") if c != shown)
    at.sidebar.selectbox(key="kommune").set_value(other).run()
    assert not [w.value for w in at.sidebar.warning if "9999" in w.value]


def test_old_number_notice_goes_with_another_choice(demo_warehouse: Path) -> None:
    at = _started({"kommune": "3803"})
    at.sidebar.selectbox(key="kommune").set_value(DRAMMEN).run()
    assert not at.exception
    assert not [i.value for i in at.sidebar.info if "3803" in i.value]


def test_sources_page_shows_a_failed_run_after_the_build(
    demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from ui import data

    log = tmp_path / "runs.jsonl"
    run = {
        "run_id": "run-failed-after-build",
        "source": "ssb",
        "started_at": "2099-01-01T10:00:00",
        "finished_at": "2099-01-01T10:01:00",
        "status": "failed",
        "rows": None,
        "message": "SSB 503 for table 13502: service unavailable",
    }
    log.write_text(json.dumps(run) + "\n", encoding="utf-8")
    monkeypatch.setenv("UB_RUNS_LOG", str(log))
    data.run_history.clear()
    at = _started({}, page="kilder")
    cells = [str(c) for table in at.table for c in table.value.to_numpy().ravel()]
    assert "SSB 503 for table 13502: service unavailable" in cells
    assert any(c.startswith("feilet (etter at disse dataene ble bygd") for c in cells), cells
    data.run_history.clear()
