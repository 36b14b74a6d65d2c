"""The CLI's light settings reader gives what pydantic-settings' ``Settings()`` gives, in every environment."""

from __future__ import annotations

import os

import pytest

from chainbrain.envsettings import SETTINGS_FIELDS, core_settings
from chainbrain.settings import Settings

ENVIRONMENTS = [
    {},
    {"CHAINBRAIN_DB": "x.duckdb"},
    {"chainbrain_db": "lower/case.duckdb"},
    {"CHAINBRAIN_DB": ""},
    {"CHAINBRAIN_DB": "~/a//b/"},
    {"CHAINBRAIN_BOUNDARY": " chengyu "},
    {"ChainBrain_Boundary": "radius:50", "CHAINBRAIN_DB": "重庆.duckdb"},
    {"CHAINBRAIN_SECRET": "not a setting", "CHAINBRAIN_DB": "y"},
    {"CHAINBRAIN_ULTRA_GUN_KW": "600", "CHAINBRAIN_BOUNDARY": "chengyu"},
    {"CHAINBRAIN_COVERAGE_RADIUS_KM": "3", "CHAINBRAIN_DB": "z"},
    {"CHAINBRAIN_DB": "upper", "chainbrain_db": "lower"},
]


@pytest.fixture
def clean_env(monkeypatch):
    for key in list(os.environ):
        if key.lower().startswith("chainbrain_"):
            monkeypatch.delenv(key)
    return monkeypatch


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda e: ",".join(e) or "empty")
def test_core_settings_are_the_settings(clean_env, env):
    for key, value in env.items():
        clean_env.setenv(key, value)
    want = Settings()
    got = core_settings()
    assert (got.db, got.boundary) == (want.db, want.boundary)


def test_a_bad_value_of_another_setting_fails_as_settings_does(clean_env):
    from pydantic import ValidationError

    clean_env.setenv("CHAINBRAIN_ULTRA_GUN_KW", "-1")
    with pytest.raises(ValidationError):
        Settings()
    with pytest.raises(ValidationError):
        core_settings()


def test_the_field_list_is_the_settings_own():
    assert SETTINGS_FIELDS == tuple(Settings.model_fields)
    assert Settings.model_fields["db"].default.as_posix() == "chainbrain.duckdb"
    assert Settings.model_fields["boundary"].default == "city"
