"""The app's Streamlit config: users never see error details or the developer menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config

ROOT = Path(__file__).resolve().parents[2]


def test_error_details_and_developer_options_are_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    # Streamlit reads .streamlit/config.toml from the working directory, as `streamlit run` does.
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(config, "_config_options", None)
    try:
        config.get_config_options(force_reparse=True)
        for key, value in (("client.showErrorDetails", "none"), ("client.toolbarMode", "viewer")):
            assert config.get_option(key) == value
            assert config.get_where_defined(key).endswith(str(Path(".streamlit", "config.toml")))
    finally:
        config.get_config_options(force_reparse=True)


def test_no_collection_after_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # Measured in bench/rerun.py: a full gc.collect per rerun costs more than the page itself.
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(config, "_config_options", None)
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
        where = config.get_where_defined("runner.postScriptGC")
        assert where.endswith(str(Path(".streamlit", "config.toml")))
    finally:
        config.get_config_options(force_reparse=True)
