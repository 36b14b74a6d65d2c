"""Answers a user acts on: nodes at risk (TTS < TTR), backup suppliers, emergency stock, choke points,
and the scenario of a whole district out.

The ``find_*`` / ``*_outage`` functions return typed results (:mod:`chainbrain.resilience.results`); the
older names (:func:`backups`, :func:`choke_points`, :func:`scenario`, :func:`district_scenario`,
:func:`recommendations`) return the same answers as plain dicts."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from chainbrain.resilience.model import TimeToRecover, TimeToSurvive, node_ttr
from chainbrain.resilience.network import Network, NetworkError, Supply
from chainbrain.resilience.results import (
    Backup,
    ChokePoint,
    DistrictScenario,
    NodeSetScenario,
    Recommendation,
)
from chainbrain.resilience.stock import EmergencyStock

LOCAL_PREFIX = "50"  # 重庆市 district codes start with 50


def at_risk(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
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


def find_backups(
    net: Network, node_id: str, *, ttr: float | None = None, local_prefix: str = LOCAL_PREFIX, limit: int = 5
) -> list[Backup]:
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
    out: list[Backup] = []
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
            Backup(
                backup=cand.id,
                name=cand.meta.get("name", cand.id),
                district=cand.meta.get("district"),
                local=_is_local(net, cand.id, local_prefix),
                spare_per_day=None if math.isinf(spare[cand.id]) else spare[cand.id],
                loss_before=before,
                loss_after=after,
                loss_averted=max(0.0, before - after),
                tts_after=TimeToSurvive(trial).solve(node_id).tts,
            )
        )
    out.sort(key=lambda b: (not b.local, -float(b.loss_averted), str(b.backup)))
    return out[:limit]


def backups(
    net: Network, node_id: str, *, ttr: float | None = None, local_prefix: str = LOCAL_PREFIX, limit: int = 5
) -> list[dict[str, Any]]:
    """:func:`find_backups` as dicts."""
    return [asdict(b) for b in find_backups(net, node_id, ttr=ttr, local_prefix=local_prefix, limit=limit)]


def extra_stock(net: Network, node_id: str, *, ttr: float | None = None) -> float | None:
    """Least extra stock of ``node_id``'s output that makes its TTS ≥ TTR (None: no stock suffices)."""
    t = _resolve_ttr(net, [node_id], ttr)
    return EmergencyStock(net).solve(node_id, t).extra


def recommend(
    net: Network,
    node: str,
    *,
    ttr: float,
    tts: float | None,
    loss: float | None,
    rei: float | None,
    stock_model: EmergencyStock | None = None,
    local_prefix: str = LOCAL_PREFIX,
    limit: int = 3,
) -> Recommendation:
    """The stock that closes a node's gap (TTS < TTR) and its best backup suppliers."""
    model = stock_model if stock_model is not None else EmergencyStock(net)
    return Recommendation(
        node=node,
        ttr=ttr,
        tts=tts,
        loss=loss,
        rei=rei,
        name=net.node(node).meta.get("name", node),
        extra_stock=model.solve(node, ttr).extra,
        backups=find_backups(net, node, ttr=ttr, local_prefix=local_prefix, limit=limit),
    )


def find_recommendations(
    net: Network, rows: Sequence[dict[str, Any]], *, local_prefix: str = LOCAL_PREFIX, limit: int = 3
) -> list[Recommendation]:
    """For each node of the sweep ``rows`` with TTS < TTR: the stock that closes the gap and the best
    backup suppliers (rows of named node sets are left out)."""
    stock_model = EmergencyStock(net)
    return [
        recommend(
            net,
            r["node"],
            ttr=r["ttr"],
            tts=r["tts"],
            loss=r["loss"],
            rei=r["rei"],
            stock_model=stock_model,
            local_prefix=local_prefix,
            limit=limit,
        )
        for r in at_risk([r for r in rows if r.get("members", 1) == 1 and r["node"] in net.index])
    ]


def recommendations(
    net: Network, rows: Sequence[dict[str, Any]], *, local_prefix: str = LOCAL_PREFIX, limit: int = 3
) -> list[dict[str, Any]]:
    """:func:`find_recommendations` as dicts."""
    return [asdict(r) for r in find_recommendations(net, rows, local_prefix=local_prefix, limit=limit)]


def find_choke_points(net: Network, *, local_prefix: str = LOCAL_PREFIX) -> list[ChokePoint]:
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
    out: list[ChokePoint] = []
    for (material, supplier), plants in sorted(dependents.items()):
        sup = net.node(supplier)
        t = sup.ttr
        out.append(
            ChokePoint(
                segment=material,
                supplier=supplier,
                supplier_name=sup.meta.get("name", supplier),
                district=sup.meta.get("district"),
                oems=sorted(plants),
                ttr=t,
                loss=ttr_model.solve(supplier, t).loss if t is not None else None,
            )
        )
    out.sort(key=lambda c: (-float(c.loss or 0.0), str(c.segment)))
    return out


def choke_points(net: Network, *, local_prefix: str = LOCAL_PREFIX) -> list[dict[str, Any]]:
    """:func:`find_choke_points` as dicts."""
    return [asdict(c) for c in find_choke_points(net, local_prefix=local_prefix)]


def joint_outage(net: Network, nodes: Sequence[str], *, ttr: float | None = None) -> NodeSetScenario:
    """Loss, TTS and lost units per finished product when ``nodes`` are all down together."""
    if not nodes:
        raise NetworkError("情景中没有任何节点")
    t = _resolve_ttr(net, nodes, ttr)
    model = TimeToRecover(net).solve(nodes, t)
    return NodeSetScenario(
        nodes=sorted(nodes),
        ttr=t,
        loss=model.loss,
        tts=TimeToSurvive(net).solve(nodes).tts,
        lost_units=model.lost_units(),
    )


def scenario(net: Network, nodes: Sequence[str], *, ttr: float | None = None) -> dict[str, Any]:
    """:func:`joint_outage` as a dict."""
    return asdict(joint_outage(net, nodes, ttr=ttr))


def district_outage(
    net: Network, district: str, *, ttr: float | None = None, allow_empty: bool = False
) -> DistrictScenario:
    """Every site of a district down at once (a flood, a lockdown).

    A district with no site of the network raises :class:`NetworkError`, or with ``allow_empty`` loses
    nothing: loss 0, TTS unbounded, ``ttr`` as given.
    """
    members = [nd.id for nd in net.nodes if nd.meta.get("district") == district]
    if not members:
        if allow_empty:
            return DistrictScenario(district, [], ttr, 0.0, None, {})
        raise NetworkError(f"网络中没有位于区县 {district} 的节点")
    out = joint_outage(net, members, ttr=ttr)
    return DistrictScenario(district, out.nodes, out.ttr, out.loss, out.tts, out.lost_units)


def district_scenario(net: Network, district: str, *, ttr: float | None = None) -> dict[str, Any]:
    """:func:`district_outage` as a dict."""
    return asdict(district_outage(net, district, ttr=ttr))
