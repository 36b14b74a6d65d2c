"""供应链韧性: the TTR / TTS stress test (Simchi-Levi et al. 2015) over the store's network.

Every answer comes from :mod:`chainbrain.resilience` on :func:`network_from_store`; the network, the
sweep and the choke points are cached until the store changes (the demo sweep takes seconds).

Who sees what:

- admins and analysts: everything;
- enterprise users: only nodes (sites) of their own firm and of its direct suppliers — the ranking,
  the at-risk list, the network view and the choke points that feed their own plants;
- viewers: aggregates only — the district scenario (totals and lost units per OEM plant) and choke
  points by segment without the supplier's identity; the per-site ranking, at-risk list and network
  view are firm-level and answer 403.
"""

from __future__ import annotations

import math
import threading
from typing import Annotated, Any

import duckdb
from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from pydantic import BaseModel

from chainbrain.api.accounts import User
from chainbrain.api.cache import ResultCache
from chainbrain.api.deps import CacheDep, ConnDep, CurrentUser, require_roles, sees_all_links
from chainbrain.api.routes.common import ERRORS, forbidden
from chainbrain.resilience import actions
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.resilience.model import SolveError
from chainbrain.resilience.network import Network, NetworkError
from chainbrain.resilience.sweep import sweep
from chainbrain.store import sweeps

router = APIRouter(prefix="/resilience", tags=["resilience"], responses=ERRORS)

FirmUser = Annotated[User, Depends(require_roles("admin", "analyst", "enterprise"))]
MAX_TTR_DAYS = 365.0
#: one sweep at a time: the page asks for ranking, at-risk list and network at once, and each needs the sweep
_SWEEP_LOCK = threading.Lock()
VIEWER_ONLY_AGGREGATES = "只读用户仅可查看汇总结果（区县情景、按环节的卡脖子点），不可查看单个场所的风险"


class Listing(BaseModel):
    """A list and its length; ``notes`` say what the network builder left out or assumed."""

    data: list[dict[str, Any]]
    count: int
    notes: list[str] = []


class NetworkView(BaseModel):
    """Nodes (sites) and supply edges, for a graph view."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    count: int


def _network(conn: duckdb.DuckDBPyConnection, cache: ResultCache) -> Network:
    try:
        return cache.get("resilience:network", lambda: network_from_store(conn))
    except NetworkError as e:
        raise HTTPException(422, f"数据库中的供应网络无效：{e}") from e


def _solve_failed(e: SolveError) -> HTTPException:
    return HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, f"韧性模型求解失败：{e}")


def _ranking(conn: duckdb.DuckDBPyConnection, cache: ResultCache) -> list[dict[str, Any]]:
    """Every site's sweep row with its name, district, segment and the at-risk flag, largest loss first."""

    def compute() -> list[dict[str, Any]]:
        net = _network(conn, cache)
        try:
            rows = sweeps.cached_sweep(conn, lambda: sweep(net))  # persisted per network version
        except SolveError as e:
            raise _solve_failed(e) from e
        risky = {r["node"] for r in actions.at_risk(rows)}
        out = []
        for r in rows:
            meta = net.node(r["node"]).meta
            out.append(
                {
                    "node": r["node"],
                    "name": meta.get("name", r["node"]),
                    "firm": meta.get("firm"),
                    "district": meta.get("district"),
                    "segment": meta.get("segment"),
                    "ttr": r["ttr"],
                    "loss": r["loss"],
                    "tts": r["tts"],
                    "rei": r["rei"],
                    "at_risk": r["node"] in risky,
                }
            )
        return out

    with _SWEEP_LOCK:  # the others wait and then read the cached result
        return cache.get("resilience:ranking", compute)


def _visible_nodes(net: Network, user: User) -> set[str] | None:
    """The nodes ``user`` may see: None = all; an enterprise user its firm's sites and their direct suppliers."""
    if sees_all_links(user):
        return None
    if user.role != "enterprise" or not user.enterprise_id:
        raise forbidden(VIEWER_ONLY_AGGREGATES)
    own = {nd.id for nd in net.nodes if nd.meta.get("firm") == user.enterprise_id}
    return own | {e.supplier for e in net.supply if e.node in own}


@router.get("/ranking")
def read_ranking(conn: ConnDep, cache: CacheDep, user: FirmUser) -> Listing:
    """每个场所中断的 TTR 损失、生存时间 TTS（null = 不受影响）与风险暴露指数 REI（= 损失 / 最大损失），损失最大者在前；
    ``at_risk`` = TTS < TTR。企业用户只看本企业场所及其直接供应商。"""
    net = _network(conn, cache)
    seen = _visible_nodes(net, user)
    rows = _ranking(conn, cache)
    data = [r for r in rows if seen is None or r["node"] in seen]
    return Listing(data=data, count=len(data), notes=net.notes)


@router.get("/at-risk")
def read_at_risk(conn: ConnDep, cache: CacheDep, user: FirmUser) -> Listing:
    """TTS < TTR 的场所（需要备份或应急库存），每个附最少追加库存 ``extra_stock``（null = 库存无法弥补）。"""
    net = _network(conn, cache)
    seen = _visible_nodes(net, user)

    def compute() -> list[dict[str, Any]]:
        from chainbrain.resilience.stock import EmergencyStock

        model = EmergencyStock(net)
        try:
            return sweeps.cached_sweep(
                conn,
                lambda: [
                    {**r, "extra_stock": model.solve(r["node"], r["ttr"]).extra}
                    for r in _ranking(conn, cache)
                    if r["at_risk"]
                ],
                kind="at-risk",
            )
        except SolveError as e:
            raise _solve_failed(e) from e

    rows = cache.get("resilience:at-risk", compute)
    data = [r for r in rows if seen is None or r["node"] in seen]
    return Listing(data=data, count=len(data))


@router.get("/at-risk/{node}")
def read_node_actions(
    conn: ConnDep,
    cache: CacheDep,
    user: FirmUser,
    node: str = Path(description="场所编号（网络节点）"),
) -> dict[str, Any]:
    """一个场所的应对：最少追加库存与备份供应商（同环节、有富余产能，本地优先，附可避免的损失）。"""
    net = _network(conn, cache)
    seen = _visible_nodes(net, user)
    if node not in net.index:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"供应网络中没有场所 {node}，请检查编号")
    if seen is not None and node not in seen:
        raise forbidden(f"企业用户只能查看本企业（{user.enterprise_id}）及其直接供应商的场所")
    row = next(r for r in _ranking(conn, cache) if r["node"] == node)

    def compute() -> dict[str, Any]:
        try:
            return {
                **row,
                "extra_stock": actions.extra_stock(net, node, ttr=row["ttr"]) if row["at_risk"] else 0.0,
                "backups": actions.backups(net, node, ttr=row["ttr"]),
            }
        except (NetworkError, SolveError) as e:
            raise HTTPException(422, f"场所 {node} 的应对方案无法计算：{e}") from e

    return cache.get(("resilience:actions", node), compute)


@router.get("/choke-points")
def read_choke_points(conn: ConnDep, cache: CacheDep, user: CurrentUser) -> Listing:
    """卡脖子环节：本地整车厂只有唯一供应商的环节，依赖的整车厂与该供应商中断的损失。
    只读用户看不到供应商名称；企业用户只看供应本企业整车厂的。"""
    net = _network(conn, cache)

    def compute() -> list[dict[str, Any]]:
        try:
            return sweeps.cached_sweep(conn, lambda: actions.choke_points(net), kind="choke")
        except SolveError as e:
            raise _solve_failed(e) from e

    rows = cache.get("resilience:choke", compute)
    if sees_all_links(user):
        data = rows
    elif user.role == "enterprise" and user.enterprise_id:
        own = {nd.id for nd in net.nodes if nd.meta.get("firm") == user.enterprise_id}
        data = [{**r, "oems": [o for o in r["oems"] if o in own]} for r in rows if own & set(r["oems"])]
    else:
        data = [{k: v for k, v in r.items() if k not in ("supplier", "supplier_name")} for r in rows]
    return Listing(data=data, count=len(data))


def _district_exists(conn: duckdb.DuckDBPyConnection, code: str) -> str:
    row = conn.execute("SELECT name FROM district WHERE id = ?", [code]).fetchone()
    if row is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"区县 {code} 不在行政区划表中：请使用 6 位行政区划代码，如 500112（渝北区）",
        )
    return str(row[0])


@router.get("/district")
def read_district_scenario(
    conn: ConnDep,
    cache: CacheDep,
    user: CurrentUser,
    district: str = Query(description="区县行政区划代码，如 500112（渝北区）"),
    ttr: str | None = Query(None, description="停产天数（0 < 天数 ≤ 365）；缺省用区内场所的恢复时间"),
) -> dict[str, Any]:
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

    def compute() -> dict[str, Any]:
        members = [nd for nd in net.nodes if nd.meta.get("district") == district]
        if not members:  # nothing of the network stands there: nothing fails
            return {
                "district": district,
                "nodes": [],
                "ttr": days,
                "loss": 0.0,
                "tts": None,
                "lost_units": {},
            }
        try:
            return actions.district_scenario(net, district, ttr=days)
        except (NetworkError, SolveError) as e:
            raise HTTPException(422, f"区县 {district} 的停产情景无法计算：{e}") from e

    out = cache.get(("resilience:district", district, days), compute)
    oems = [
        {"node": k, "name": net.node(k).meta.get("name", k), "firm": net.node(k).meta.get("firm"), "units": v}
        for k, v in sorted(out["lost_units"].items(), key=lambda kv: -kv[1])
        if v > 1e-9
    ]
    return {
        "district": district,
        "district_name": name,
        "ttr": out["ttr"],
        "sites": len(out["nodes"]),
        "loss": out["loss"],
        "tts": out["tts"],
        "oems": oems,
    }


@router.get("/network")
def read_network(conn: ConnDep, cache: CacheDep, user: FirmUser) -> NetworkView:
    """供应网络（节点 = 场所，边 = 供应关系），带环节、区县、是否本地与 REI；企业用户只看本企业及其直接供应商。"""
    net = _network(conn, cache)
    seen = _visible_nodes(net, user)
    rei = {r["node"]: r["rei"] for r in _ranking(conn, cache)}
    nodes = [
        {
            "id": nd.id,
            "name": nd.meta.get("name", nd.id),
            "firm": nd.meta.get("firm"),
            "segment": nd.meta.get("segment"),
            "district": nd.meta.get("district"),
            "local": nd.meta.get("district", "").startswith(actions.LOCAL_PREFIX),
            "finished": nd.finished,
            "rei": rei.get(nd.id, 0.0),
        }
        for nd in net.nodes
        if seen is None or nd.id in seen
    ]
    ids = {n["id"] for n in nodes}
    edges = [
        {"source": e.supplier, "target": e.node, "material": e.material}
        for e in net.supply
        if e.supplier in ids and e.node in ids
    ]
    return NetworkView(nodes=nodes, edges=edges, count=len(nodes))
