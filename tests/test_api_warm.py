"""CHAINBRAIN_WARM_CACHES: start-up computes the first visits' slow results; off, the app starts cold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.cache import CHAIN, TARGETS
from chainbrain.api.routes.infra import PLAN_READS

KEYS = [(("assess_all", None), TARGETS), (("infra.plan", 2000, 2027, None, None), PLAN_READS),
        (("invest.recommend", None, None, 5), CHAIN), (("invest.recommend", None, None, None), CHAIN)]  # fmt: skip


def _key(k: tuple) -> tuple:
    """The key of today: results that depend on the day carry it last."""
    if k[0] == "assess_all":
        return ("assess_all", dt.date.today())
    return (*k[:-1], dt.date.today()) if k[0] == "infra.plan" else k


def _cached(app, key, depends) -> bool:
    def cold() -> None:
        raise LookupError("not warmed")

    try:
        app.state.cache.get(_key(key), cold, depends)
    except LookupError:
        return False
    return True


@pytest.mark.parametrize("warm", [True, False])
def test_start_up_warms_the_target_and_invest_caches(demo_db_copy: Path, warm: bool) -> None:
    app = create_app(ApiSettings(db=demo_db_copy, warm_caches=warm))
    with TestClient(app):
        assert [_cached(app, k, d) for k, d in KEYS] == [warm] * len(KEYS)
        if warm:  # and the resilience warm-up has finished before the first request
            assert not app.state.resilience_warm_up.is_alive()
