"""Answers a user acts on: nodes at risk (TTS < TTR), backup suppliers, emergency stock, choke points,
and the scenario of a whole district out. Every function returns plain data."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from chainbrain.resilience.model import TimeToRecover, TimeToSurvive, node_ttr
from chainbrain.resilience.network import Network, NetworkError, Supply
from chainbrain.resilience.stock import EmergencyStock

LOCAL_PREFIX = "50"  # 重庆市 district codes start with 50


def at_risk(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sweep rows whose time-to-survive is shorter than their time-to-recover (unbounded TTS never is)."""
    return [r for r in rows if r["tts"] is not None and r["tts"] < r["ttr"] - 1e-9]


def _is_local(net: Network, node_id: str, prefix: str) -> bool:
    return net.node(node_id).meta.get("district", "").startswith(prefix)


def _resolve_ttr(net: Network, nodes: Sequence[str], ttr: float | None) -> float:
    t = ttr if ttr is not None else node_ttr(net, nodes)
    if t is None:
        raise NetworkError(f"节点 {', '.join(nodes)} 没有 ttr：请指定恢复时间")
    return float(t)


def spare_capacity(net: Network, t: float) -> dict[str, float]:
    """Capacity per day left over when nothing is disrupted (least-loss plan over ``t`` days; inf if unlimited)."""
    produced = TimeToRecover(net).solve((), t).production()
    out = {}
    for nd in net.nodes:
        out[nd.id] = (
            math.inf if nd.capacity is None else max(0.0, nd.capacity - produced[nd.id] / max(t, 1e-12))
        )
    return out


def backups(
    net: Network, node_id: str, *, ttr: float | None = None, local_prefix: str = LOCAL_PREFIX, limit: int = 5
) -> list[dict[str, Any]]:
    """Other sites of the same segment with spare capacity that could serve ``node_id``'s buyers.

    Each candidate is tried by adding supply edges from it to every buyer of the failed node (same
    material) and re-solving the TTR model; ``loss_averted`` = loss without it − loss with it.
    Local sites (district code starting ``local_prefix``) come first, then by loss averted.
    """
    t = _resolve_ttr(net, [node_id], ttr)
    failed = net.node(node_id)
    segment = failed.meta.get("segment")
    if not segment:
        return []
    before = TimeToRecover(net).solve(node_id, t).loss or 0.0
    spare = spare_capacity(net, t)
    buyer_edges = net.buyers_of(node_id)
    existing = {(e.supplier, e.node, e.material) for e in net.supply}
    out: list[dict[str, Any]] = []
    for cand in net.nodes:
        if (
            cand.id == node_id
            or cand.finished
            or cand.meta.get("segment") != segment
            or spare[cand.id] <= 1e-9
        ):
            continue
        extra = [
            Supply(cand.id, e.node, e.material)
            for e in buyer_edges
            if e.node != cand.id and (cand.id, e.node, e.material) not in existing
        ]
        if not extra:
            continue
        try:
            trial = net.with_supply(extra)
        except NetworkError:  # the backup would close a cycle (it buys from its would-be customer)
            continue
        after = TimeToRecover(trial).solve(node_id, t).loss or 0.0
        out.append(
            {
                "backup": cand.id,
                "name": cand.meta.get("name", cand.id),
                "district": cand.meta.get("district"),
                "local": _is_local(net, cand.id, local_prefix),
                "spare_per_day": None if math.isinf(spare[cand.id]) else spare[cand.id],
                "loss_before": before,
                "loss_after": after,
                "loss_averted": max(0.0, before - after),
                "tts_after": TimeToSurvive(trial).solve(node_id).tts,
            }
        )
    out.sort(key=lambda r: (not r["local"], -float(r["loss_averted"]), str(r["backup"])))
    return out[:limit]


def extra_stock(net: Network, node_id: str, *, ttr: float | None = None) -> float | None:
    """Least extra stock of ``node_id``'s output that makes its TTS ≥ TTR (None: no stock suffices)."""
    t = _resolve_ttr(net, [node_id], ttr)
    return EmergencyStock(net).solve(node_id, t).extra


def recommendations(
    net: Network, rows: Sequence[dict[str, Any]], *, local_prefix: str = LOCAL_PREFIX, limit: int = 3
) -> list[dict[str, Any]]:
    """For each node with TTS < TTR: the stock that closes the gap and the best backup suppliers."""
    stock_model = EmergencyStock(net)
    out = []
    for r in at_risk([r for r in rows if r.get("members", 1) == 1 and r["node"] in net.index]):
        out.append(
            {
                **{k: r[k] for k in ("node", "ttr", "tts", "loss", "rei")},
                "name": net.node(r["node"]).meta.get("name", r["node"]),
                "extra_stock": stock_model.solve(r["node"], r["ttr"]).extra,
                "backups": backups(net, r["node"], ttr=r["ttr"], local_prefix=local_prefix, limit=limit),
            }
        )
    return out


def choke_points(net: Network, *, local_prefix: str = LOCAL_PREFIX) -> list[dict[str, Any]]:
    """Segments where local finished-product plants (OEMs) buy from a single supplier site.

    One row per (segment, sole supplier), with the plants depending on it and the TTR loss when it fails.
    """
    sources: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in net.supply:
        sources[(e.node, e.material)].append(e.supplier)
    dependents: dict[tuple[str, str], list[str]] = defaultdict(list)
    for nd in net.nodes:
        if not nd.finished or not _is_local(net, nd.id, local_prefix):
            continue
        for material in net.bom.get(nd.id, {}):
            only = sources[(nd.id, material)]
            if len(only) == 1:
                dependents[(material, only[0])].append(nd.id)
    ttr_model = TimeToRecover(net)
    out: list[dict[str, Any]] = []
    for (material, supplier), plants in sorted(dependents.items()):
        sup = net.node(supplier)
        t = sup.ttr
        out.append(
            {
                "segment": material,
                "supplier": supplier,
                "supplier_name": sup.meta.get("name", supplier),
                "district": sup.meta.get("district"),
                "oems": sorted(plants),
                "ttr": t,
                "loss": ttr_model.solve(supplier, t).loss if t is not None else None,
            }
        )
    out.sort(key=lambda r: (-float(r["loss"] or 0.0), str(r["segment"])))
    return out


def scenario(net: Network, nodes: Sequence[str], *, ttr: float | None = None) -> dict[str, Any]:
    """Loss, TTS and lost units per finished product when ``nodes`` are all down together."""
    if not nodes:
        raise NetworkError("情景中没有任何节点")
    t = _resolve_ttr(net, nodes, ttr)
    model = TimeToRecover(net).solve(nodes, t)
    return {
        "nodes": sorted(nodes),
        "ttr": t,
        "loss": model.loss,
        "tts": TimeToSurvive(net).solve(nodes).tts,
        "lost_units": model.lost_units(),
    }


def district_scenario(net: Network, district: str, *, ttr: float | None = None) -> dict[str, Any]:
    """Every site of a district down at once (a flood, a lockdown)."""
    members = [nd.id for nd in net.nodes if nd.meta.get("district") == district]
    if not members:
        raise NetworkError(f"网络中没有位于区县 {district} 的节点")
    return {"district": district, **scenario(net, members, ttr=ttr)}
