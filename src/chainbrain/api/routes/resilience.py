"""供应链韧性: the TTR / TTS stress test (Simchi-Levi et al. 2015) over the store's network.

Every answer comes from :mod:`chainbrain.resilience` on :func:`network_from_store`; the network, the
sweep and the choke points are cached until a write changes a table the network is built from
(:data:`chainbrain.api.cache.NETWORK`). The demo sweep takes seconds, so the app computes it in the
background when it starts (:func:`warm_up`), and after such a write readers get the last sweep while one
rebuild runs.

Who sees what:

- admins and analysts: everything;
- enterprise users: only nodes (sites) of their own firm and of its direct suppliers — the ranking,
  the at-risk list, the network view and the choke points that feed their own plants;
- viewers: aggregates only — the district scenario (totals and lost units per OEM plant) and choke
  points by segment without the supplier's identity; the per-site ranking, at-risk list and network
  view are firm-level and answer 403.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Generic, NamedTuple, TypeVar

import anyio
import duckdb
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, status
from pydantic import BaseModel

from chainbrain.api.accounts import User
from chainbrain.api.cache import NETWORK, ResultCache
from chainbrain.api.deps import CacheDep, ConnDep, CurrentUser, require_roles, sees_all_links
from chainbrain.api.routes.common import ERRORS, forbidden
from chainbrain.resilience import actions, ranking
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.resilience.model import SolveError
from chainbrain.resilience.network import Network, NetworkError
from chainbrain.resilience.results import (
    AtRiskSite,
    ChokePoint,
    DistrictImpact,
    DistrictScenario,
    NetworkView,
    RankedSite,
    SiteActions,
    SoleSource,
)
from chainbrain.resilience.sweep import sweep
from chainbrain.store import directory, sweeps

log = logging.getLogger(__name__)

FirmUser = Annotated[User, Depends(require_roles("admin", "analyst", "enterprise"))]
MAX_TTR_DAYS = 365.0
VIEWER_ONLY_AGGREGATES = "只读用户仅可查看汇总结果（区县情景、按环节的卡脖子点），不可查看单个场所的风险"


T = TypeVar("T")


class Listing(BaseModel, Generic[T]):
    """A list and its length; ``notes`` say what the network builder left out or assumed."""

    data: list[T]
    count: int
    notes: list[str] = []


class Ranked(NamedTuple):
    """The sweep's rows and the network they were computed on (kept together: a reader never pairs a
    rebuilt network with an older sweep)."""

    net: Network
    rows: list[RankedSite]


class _Stopped(Exception):
    """The app is shutting down: the background warm-up gives up."""


def _network(conn: duckdb.DuckDBPyConnection, cache: ResultCache) -> Network:
    try:
        return cache.get("resilience:network", lambda: network_from_store(conn), NETWORK)
    except NetworkError as e:
        raise HTTPException(422, f"数据库中的供应网络无效：{e}") from e


def _solve_failed(e: SolveError) -> HTTPException:
    return HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, f"韧性模型求解失败：{e}")


def _ranking(
    conn: duckdb.DuckDBPyConnection, cache: ResultCache, stop: threading.Event | None = None
) -> Ranked:
    """Every site's sweep row with its name, district, segment and the at-risk flag, largest loss first."""

    def check(_: int) -> None:
        if stop is not None and stop.is_set():
            raise _Stopped

    def compute() -> Ranked:
        net = _network(conn, cache)
        try:
            rows = sweeps.cached_sweep(conn, lambda: sweep(net, progress=check))  # persisted per version
            return Ranked(net, ranking.rank(net, rows))
        except SolveError as e:
            raise _solve_failed(e) from e

    # one sweep per store state: readers of a sweep under way wait for it (or get the previous one)
    return cache.get("resilience:ranking", compute, NETWORK)


def _at_risk(conn: duckdb.DuckDBPyConnection, cache: ResultCache) -> list[AtRiskSite]:
    def compute() -> list[AtRiskSite]:
        ranked = _ranking(conn, cache)
        try:
            return ranking.at_risk_sites(ranked.net, ranked.rows)
        except SolveError as e:
            raise _solve_failed(e) from e

    return cache.get("resilience:at-risk", compute, NETWORK)


def _choke_points(conn: duckdb.DuckDBPyConnection, cache: ResultCache) -> list[ChokePoint]:
    net = _network(conn, cache)

    def compute() -> list[ChokePoint]:
        try:
            return actions.find_choke_points(net)
        except SolveError as e:
            raise _solve_failed(e) from e

    return cache.get("resilience:choke", compute, NETWORK)


def _warm(conn: duckdb.DuckDBPyConnection, cache: ResultCache, stop: threading.Event) -> None:
    """Compute the sweep, the at-risk list and the choke points, so no reader waits for a cold sweep."""
    cur = conn.cursor()
    try:
        for step in (
            lambda: _ranking(cur, cache, stop),
            lambda: _at_risk(cur, cache),
            lambda: _choke_points(cur, cache),
        ):
            if stop.is_set():
                return
            step()
    except _Stopped:
        return
    except HTTPException as e:  # an invalid network or a failed solve: the routes report it when asked
        log.warning("resilience warm-up stopped: %s", e.detail)
    finally:
        cur.close()


def warm_up(app: FastAPI) -> tuple[threading.Thread, threading.Event]:
    """Start the background warm-up over the app's store (``app.state.resilience_warm_up``, to join);
    set the returned event to stop it early."""
    stop = threading.Event()
    thread = threading.Thread(
        target=_warm,
        args=(app.state.conn, app.state.cache, stop),
        name="chainbrain-resilience-warm-up",
        daemon=True,
    )
    thread.start()
    app.state.resilience_warm_up = thread
    return thread, stop


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs inside the app's own lifespan (the store is open): warm up, and stop the warm-up on shutdown."""
    app.state.cache.clear()  # a store was (re)opened: nothing computed on an earlier one may be served
    thread, stop = warm_up(app)
    try:
        yield
    finally:
        stop.set()  # the sweep stops at its next chunk; wait for it before the app closes the store
        await anyio.to_thread.run_sync(thread.join)


router = APIRouter(prefix="/resilience", tags=["resilience"], responses=ERRORS, lifespan=_lifespan)


def _sees_sites(user: User) -> bool:
    """True for admins and analysts (every site), False for an enterprise user (some); 403 for anyone else."""
    if sees_all_links(user):
        return True
    if user.role != "enterprise" or not user.enterprise_id:
        raise forbidden(VIEWER_ONLY_AGGREGATES)
    return False


def _visible_nodes(net: Network, user: User) -> set[str] | None:
    """The nodes ``user`` may see: None = all; an enterprise user its firm's sites and their direct suppliers."""
    if _sees_sites(user):
        return None
    return ranking.firm_scope(net, str(user.enterprise_id))


@router.get("/ranking")
def read_ranking(conn: ConnDep, cache: CacheDep, user: FirmUser) -> Listing[RankedSite]:
    """每个场所中断的 TTR 损失、生存时间 TTS（null = 不受影响）与风险暴露指数 REI（= 损失 / 最大损失），损失最大者在前；
    ``at_risk`` = TTS < TTR。企业用户只看本企业场所及其直接供应商。"""
    _sees_sites(user)  # refuse before any sweep
    ranked = _ranking(conn, cache)
    seen = _visible_nodes(ranked.net, user)
    data = [r for r in ranked.rows if seen is None or r.node in seen]
    return Listing(data=data, count=len(data), notes=ranked.net.notes)


@router.get("/at-risk")
def read_at_risk(conn: ConnDep, cache: CacheDep, user: FirmUser) -> Listing[AtRiskSite]:
    """TTS < TTR 的场所（需要备份或应急库存），每个附最少追加库存 ``extra_stock``（null = 库存无法弥补）。"""
    seen = _visible_nodes(_network(conn, cache), user)
    rows = _at_risk(conn, cache)
    data = [r for r in rows if seen is None or r.node in seen]
    return Listing(data=data, count=len(data))


@router.get("/at-risk/{node}")
def read_node_actions(
    conn: ConnDep,
    cache: CacheDep,
    user: FirmUser,
    node: str = Path(description="场所编号（网络节点）"),
) -> SiteActions:
    """一个场所的应对：最少追加库存与备份供应商（同环节、有富余产能，本地优先，附可避免的损失）。"""
    _sees_sites(user)
    ranked = _ranking(conn, cache)
    net = ranked.net
    seen = _visible_nodes(net, user)
    if node not in net.index:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"供应网络中没有场所 {node}，请检查编号")
    if seen is not None and node not in seen:
        raise forbidden(f"企业用户只能查看本企业（{user.enterprise_id}）及其直接供应商的场所")
    row = next(r for r in ranked.rows if r.node == node)

    def compute() -> SiteActions:
        try:
            return ranking.site_actions(net, row)
        except (NetworkError, SolveError) as e:
            raise HTTPException(422, f"场所 {node} 的应对方案无法计算：{e}") from e

    return cache.get(("resilience:actions", node), compute, NETWORK)


@router.get("/choke-points")
def read_choke_points(
    conn: ConnDep, cache: CacheDep, user: CurrentUser
) -> Listing[ChokePoint] | Listing[SoleSource]:
    """卡脖子环节：本地整车厂只有唯一供应商的环节，依赖的整车厂与该供应商中断的损失。
    只读用户看不到供应商名称；企业用户只看供应本企业整车厂的。"""
    net = _network(conn, cache)
    rows = _choke_points(conn, cache)
    if sees_all_links(user):
        data = rows
    elif user.role == "enterprise" and user.enterprise_id:
        data = ranking.choke_points_of(rows, ranking.firm_sites(net, user.enterprise_id))
    else:
        anonymous = [r.anonymous() for r in rows]
        return Listing[SoleSource](data=anonymous, count=len(anonymous))
    return Listing[ChokePoint](data=data, count=len(data))


def _district_exists(conn: duckdb.DuckDBPyConnection, code: str) -> str:
    name = directory.district_name(conn, code)
    if name is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"区县 {code} 不在行政区划表中：请使用 6 位行政区划代码，如 500112（渝北区）",
        )
    return name


@router.get("/district")
def read_district_scenario(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    district: str = Query(description="区县行政区划代码，如 500112（渝北区）"),
    ttr: str | None = Query(None, description="停产天数（0 < 天数 ≤ 365）；缺省用区内场所的恢复时间"),
) -> DistrictImpact:
    """整个区县停产（洪水、疫情）的情景：TTR 损失、TTS 与各整车厂的需求缺口（汇总结果，所有角色可见）。"""
    if not (len(district) == 6 and district.isdigit()):
        raise HTTPException(422, f"区县代码 {district!r} 不正确：应为 6 位数字的行政区划代码，如 500112")
    days: float | None = None
    if ttr is not None and ttr != "":
        try:
            days = float(ttr)
        except ValueError as e:
            raise HTTPException(422, f"停产天数 ttr={ttr!r} 不是数字：请填 0 到 365 之间的天数") from e
        if not (math.isfinite(days) and 0 < days <= MAX_TTR_DAYS):
            raise HTTPException(422, f"停产天数 ttr={ttr} 超出范围：应大于 0 且不超过 365 天")
    name = _district_exists(conn, district)
    net = _network(conn, cache)

    def compute() -> DistrictScenario:
        # nothing of the network standing there means nothing fails
        try:
            return actions.district_outage(net, district, ttr=days, allow_empty=True)
        except (NetworkError, SolveError) as e:
            raise HTTPException(422, f"区县 {district} 的停产情景无法计算：{e}") from e

    out = cache.get(("resilience:district", district, days), compute, NETWORK)
    return ranking.district_impact(net, out, name)


@router.get("/network")
def read_network(conn: ConnDep, cache: CacheDep, user: FirmUser) -> NetworkView:
    """供应网络（节点 = 场所，边 = 供应关系），带环节、区县、是否本地与 REI；企业用户只看本企业及其直接供应商。"""
    _sees_sites(user)
    ranked = _ranking(conn, cache)
    net = ranked.net
    seen = _visible_nodes(net, user)
    return ranking.network_view(net, ranked.rows, seen)
