"""Warm the slow caches when the server starts, so a page's first visit does not pay for a cold computation.

``chainbrain serve`` turns this on (``CHAINBRAIN_WARM_CACHES=1``; off by default so a test's app starts cold
and quick). Before the server takes its first request (a few seconds on the demo store), with its own cursor,
it computes what the first visits of the dashboard would otherwise wait for: the target assessments (the cockpit's warnings and the 目标 page), the 充换电 page's default build plan (a MIP) and the 招商 lists (the
招商 page and its map, in the analysts' and in the other roles' cut). Each result goes into the app's result
cache under the key its route reads, so it is invalidated by a write like any other. The resilience sweep has
its own warm-up (:func:`chainbrain.api.routes.resilience.warm_up`) and is persisted in the store.

The router carries no route, only the lifespan; the app includes it last, after the resilience router's
lifespan has cleared the cache for the newly opened store and started its warm-up, which start-up then also
waits for (the sweep is read from the store when ``init --demo`` or an earlier run persisted it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
import duckdb
from fastapi import APIRouter, FastAPI

from chainbrain.api.cache import ResultCache

log = logging.getLogger(__name__)

Step = Callable[[duckdb.DuckDBPyConnection, ResultCache], object]


def steps() -> list[tuple[str, Step]]:
    """What to warm, cheapest and most visited first."""
    from chainbrain.api.routes import infra, invest, targets

    return [
        ("target assessments", lambda c, cache: targets._assessments(c, cache, None)),
        (
            "充换电 build plan",
            lambda c, cache: infra.plan_for(c, cache, 2000, 2027, None),
        ),  # the page's default
        ("招商 lists (analysts)", lambda c, cache: invest._recommend(c, cache, None, None, 5)),
        ("招商 lists (other roles)", lambda c, cache: invest._recommend(c, cache, None, None, None)),
    ]


def _run(conn: duckdb.DuckDBPyConnection, cache: ResultCache, stop: threading.Event) -> None:
    cur = conn.cursor()
    try:
        for name, step in steps():
            if stop.is_set():
                return
            try:
                step(cur, cache)
            except Exception:  # a failed warm-up only means the first reader computes it (and sees the error)
                log.warning("cache warm-up of %s failed", name, exc_info=True)
    finally:
        cur.close()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """With ``warm_caches``, start-up ends only when the caches are warm and the resilience warm-up is done:
    the server answers its first request from them instead of computing while the first pages load."""
    if not getattr(app.state.settings, "warm_caches", False):
        yield
        return
    await anyio.to_thread.run_sync(_run, app.state.conn, app.state.cache, threading.Event())
    resilience = getattr(app.state, "resilience_warm_up", None)  # started by the resilience router's lifespan
    if resilience is not None:
        await anyio.to_thread.run_sync(resilience.join)
    yield


router = APIRouter(lifespan=_lifespan)
