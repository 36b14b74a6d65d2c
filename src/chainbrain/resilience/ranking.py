"""The resilience ranking and the answers built on it, as typed rows (:mod:`chainbrain.resilience.results`).

:func:`ranking` is the sweep (every node down for its recovery time, :func:`~chainbrain.resilience.sweep.sweep`)
joined with each site's name, firm, district and segment and flagged at risk when TTS < TTR; the CLI and the
API both render it. The other functions derive what a user acts on from it: the at-risk sites with the stock
that closes their gap, one site's backups, a firm's view of the network, a district scenario as an aggregate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from chainbrain.resilience import actions
from chainbrain.resilience.model import TimeToRecover, TimeToSurvive, node_ttr
from chainbrain.resilience.network import Network, NetworkError
from chainbrain.resilience.results import (
    AtRiskSite,
    ChokePoint,
    DistrictImpact,
    DistrictScenario,
    NetworkEdge,
    NetworkNode,
    NetworkView,
    OemShortfall,
    Outcome,
    RankedSite,
    Recommendation,
    SiteActions,
    SweepRow,
)
from chainbrain.resilience.stock import EmergencyStock
from chainbrain.resilience.sweep import Progress, sweep


def ranking(
    net: Network,
    *,
    ttr: float | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    workers: int = 1,
    ray_address: str | None = None,
    progress: Progress | None = None,
) -> list[RankedSite]:
    """Every scenario of the sweep (each node; each named set of ``groups`` too), largest loss first, with
    the site's name, firm, district and segment (a named set: its name, no firm) and ``at_risk``.

    The sweep's arguments (``ttr``, ``workers``, ``ray_address``, ``progress``) are passed through.
    """
    rows = sweep(net, ttr=ttr, groups=groups, workers=workers, ray_address=ray_address, progress=progress)
    return rank(net, rows)


def rank(net: Network, rows: Sequence[Mapping[str, Any]]) -> list[RankedSite]:
    """Sweep rows (:func:`~chainbrain.resilience.sweep.sweep`, in its order) joined with each site's name,
    firm, district and segment and flagged ``at_risk`` (TTS < TTR)."""
    risky = {r["node"] for r in actions.at_risk(rows)}
    out = []
    for r in rows:
        meta = net.node(r["node"]).meta if r["node"] in net.index else {}
        out.append(
            RankedSite(
                node=r["node"],
                name=meta.get("name", r["node"]),
                firm=meta.get("firm"),
                district=meta.get("district"),
                segment=meta.get("segment"),
                ttr=r["ttr"],
                loss=r["loss"],
                tts=r["tts"],
                rei=r["rei"],
                at_risk=r["node"] in risky,
            )
        )
    return out


def sweep_rows(ranked: Sequence[RankedSite]) -> list[SweepRow]:
    """The ranking as bare sweep rows (node, ttr, loss, tts, rei)."""
    return [SweepRow(r.node, r.ttr, r.loss, r.tts, r.rei) for r in ranked]


def at_risk_sites(net: Network, ranked: Sequence[RankedSite]) -> list[AtRiskSite]:
    """The ranked sites with TTS < TTR, in ranking order, each with its least extra stock."""
    model = EmergencyStock(net)
    return [AtRiskSite(**vars(r), extra_stock=model.solve(r.node, r.ttr).extra) for r in ranked if r.at_risk]


def site_actions(net: Network, site: RankedSite) -> SiteActions:
    """One ranked site's options: the extra stock that closes its gap (0 when it is not at risk) and the
    backup suppliers of its segment (local first)."""
    return SiteActions(
        **vars(site),
        extra_stock=actions.extra_stock(net, site.node, ttr=site.ttr) if site.at_risk else 0.0,
        backups=actions.find_backups(net, site.node, ttr=site.ttr),
    )


def node_outcome(net: Network, node: str, *, ttr: float | None = None) -> Outcome:
    """One node down for ``ttr`` days (default: its own recovery time): TTR loss and TTS."""
    t = ttr if ttr is not None else node_ttr(net, [node])
    if t is None:
        raise NetworkError(f"节点 {node!r} 没有 ttr：请用 --ttr 指定恢复时间（天）")
    loss = TimeToRecover(net).solve(node, t).loss
    return Outcome(node=node, ttr=t, loss=loss, tts=TimeToSurvive(net).solve(node).tts)


def node_recommendations(net: Network, node: str, *, ttr: float | None = None) -> list[Recommendation]:
    """:func:`~chainbrain.resilience.actions.find_recommendations` for one node solved alone (no REI); empty
    when the node is not at risk or has no recovery time."""
    t = ttr if ttr is not None else node_ttr(net, [node])
    tts = TimeToSurvive(net).solve(node).tts
    if t is None:
        return []
    loss = TimeToRecover(net).solve(node, t).loss
    row = {"node": node, "ttr": t, "tts": tts, "members": 1, "rei": None, "loss": loss}
    return actions.find_recommendations(net, [row])


def sweep_recommendations(net: Network, ranked: Sequence[RankedSite]) -> list[Recommendation]:
    """For each ranked site at risk (named node sets left out), in ranking order: the stock that closes
    its gap and its best backup suppliers."""
    model = EmergencyStock(net)
    return [
        actions.recommend(net, r.node, ttr=r.ttr, tts=r.tts, loss=r.loss, rei=r.rei, stock_model=model)
        for r in ranked
        if r.at_risk and r.node in net.index
    ]


def firm_sites(net: Network, firm: str) -> set[str]:
    """The nodes (sites) of one firm."""
    return {nd.id for nd in net.nodes if nd.meta.get("firm") == firm}


def firm_scope(net: Network, firm: str) -> set[str]:
    """What a firm's user may see: its own sites and their direct suppliers."""
    own = firm_sites(net, firm)
    return own | {e.supplier for e in net.supply if e.node in own}


def choke_points_of(points: Sequence[ChokePoint], plants: set[str]) -> list[ChokePoint]:
    """The choke points feeding any of ``plants``, each listing only those plants."""
    return [replace(c, oems=[o for o in c.oems if o in plants]) for c in points if plants & set(c.oems)]


def district_impact(net: Network, scenario: DistrictScenario, district_name: str) -> DistrictImpact:
    """A district scenario as an aggregate: sites down, and the OEM plants short of units, largest first."""
    oems = [
        OemShortfall(node=k, name=net.node(k).meta.get("name", k), firm=net.node(k).meta.get("firm"), units=v)
        for k, v in sorted(scenario.lost_units.items(), key=lambda kv: -kv[1])
        if v > 1e-9
    ]
    return DistrictImpact(
        district=scenario.district,
        district_name=district_name,
        ttr=scenario.ttr,
        sites=len(scenario.nodes),
        loss=scenario.loss,
        tts=scenario.tts,
        oems=oems,
    )


def network_view(net: Network, ranked: Sequence[RankedSite], visible: set[str] | None = None) -> NetworkView:
    """The nodes in ``visible`` (None: all) with their REI, and the supply edges between them."""
    rei = {r.node: r.rei for r in ranked}
    nodes = [
        NetworkNode(
            id=nd.id,
            name=nd.meta.get("name", nd.id),
            firm=nd.meta.get("firm"),
            segment=nd.meta.get("segment"),
            district=nd.meta.get("district"),
            local=nd.meta.get("district", "").startswith(actions.LOCAL_PREFIX),
            finished=nd.finished,
            rei=rei.get(nd.id, 0.0),
        )
        for nd in net.nodes
        if visible is None or nd.id in visible
    ]
    ids = {n.id for n in nodes}
    edges = [
        NetworkEdge(source=e.supplier, target=e.node, material=e.material)
        for e in net.supply
        if e.supplier in ids and e.node in ids
    ]
    return NetworkView(nodes=nodes, edges=edges, count=len(nodes))
