"""All settings in one place, read from the environment (prefix ``CHAINBRAIN_``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings. ``CHAINBRAIN_DB`` chooses the DuckDB file."""

    model_config = SettingsConfigDict(env_prefix="CHAINBRAIN_", extra="ignore")

    db: Path = Path("chainbrain.duckdb")
    #: where "local" ends by default: city (district code 50xxxx), chengyu, or radius:KM
    boundary: str = "city"
    #: 超充 threshold: least rated power of one gun (kW) for a station of kind 超充 / 重卡超充 to count as
    #: ultra-fast in the live indicators. Source: 《重庆市超充基础设施建设技术指南（2025年）》 §10.3.2 gives
    #: "超充枪额定最大功率 ≥480 kW" (快充枪 ≥180 kW) in its specification for extending expressway
    #: service-area stations, as republished on a public web page read on 2026-12-01; the guideline's own
    #: general definition of 超充 could not be read here, so this follows that one table (docs/infra.md).
    ultra_gun_kw: Annotated[float, Field(gt=0, le=2000)] = 480.0
    #: R of township coverage: a township is covered when an operating ultra-fast station lies within R km
    #: (great-circle). 5 km is a planning choice (about 10 minutes' drive), not a figure of the plans.
    coverage_radius_km: Annotated[float, Field(gt=0, le=200)] = 5.0
    #: the day the infrastructure answers (township coverage, siting proposals, the build plan) are
    #: computed for when a request names none; unset: the calendar's today. A demo or a test that must not
    #: depend on the year it runs in (a plan toward 2027 is refused from 2028) fixes it here.
    infra_as_of: dt.date | None = None


def get_settings() -> Settings:
    return Settings()


def infra_today() -> dt.date:
    """The default day of the infrastructure answers: ``CHAINBRAIN_INFRA_AS_OF``, else today."""
    return get_settings().infra_as_of or dt.date.today()
