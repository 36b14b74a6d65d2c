"""All settings in one place, read from the environment (prefix ``CHAINBRAIN_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings. ``CHAINBRAIN_DB`` chooses the DuckDB file."""

    model_config = SettingsConfigDict(env_prefix="CHAINBRAIN_", extra="ignore")

    db: Path = Path("chainbrain.duckdb")
    #: where "local" ends by default: city (district code 50xxxx), chengyu, or radius:KM
    boundary: str = "city"


def get_settings() -> Settings:
    return Settings()
