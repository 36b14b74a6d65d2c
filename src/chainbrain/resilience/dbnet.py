"""The TTR / TTS network built from the store: sites are nodes, supply links are edges.

How each LP parameter is read (all per day; the store holds per-year figures):

- **nodes**: every site that is a vehicle plant (has a ``vehicle_model``) or takes part in a supply link.
  Node metadata: site name, segment (what it makes), district code, firm (enterprise id).
- **material** of an edge = the link's segment; duplicate links (same buyer, supplier, segment) merge.
- **qty per unit** (r_kj): for a vehicle plant, the ``bom_line.qty`` of that segment averaged over the
  plant's models, weighted by annual volume (models without that line are left out); for any other buyer
  (Tier1 buying from Tier2), the buyer's total incoming link volume of the segment divided by its total
  outgoing link volume when both are known, else 1 per unit.
- **demand** of a vehicle plant = Σ annual_volume / 365 of its models; plants ship nothing, so a link
  with a vehicle plant as supplier is left out (listed in ``notes``).
- **capacity** = site capacity / 365 when given (assumed in the segment's unit), else not limited; but
  never below the site's equal-share daily throughput: the supply links record deliveries that happen in
  normal times, so the undisrupted network must meet demand (otherwise every scenario would carry the
  same baseline loss and REI would rank nothing). Sites raised this way are counted in ``notes``.
- **profit** per vehicle (元) = volume-weighted price (万元 × 10⁴) × margin, margin from ``model_margin``
  (migration 003) or :data:`DEFAULT_MARGIN`.
- **stock** and **ttr** from ``site_resilience`` (migration 003), else the illustrative defaults in
  :data:`KIND_DEFAULTS` by segment kind: stock = days of cover × the site's equal-share daily throughput.
- BOM segments with no supply link are not part of the network (no modelled supplier can fail).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb

from chainbrain.resilience.network import Network, Node, Supply
from chainbrain.resilience.samples import equal_share_flows
from chainbrain.store.records import fetch_dicts

#: illustrative (recovery days, days of stock cover) by segment kind; chips recover slowest (2021 shortage)
KIND_DEFAULTS: dict[str, tuple[float, float]] = {
    "chip": (120.0, 20.0),
    "material": (45.0, 10.0),
    "component": (30.0, 7.0),
    "system": (30.0, 7.0),
    "vehicle": (14.0, 3.0),
    "software": (7.0, 0.0),
    "service": (7.0, 0.0),
    "infrastructure": (30.0, 0.0),
}
FALLBACK_DEFAULT = (30.0, 7.0)
#: illustrative gross margin of a vehicle, share of its price
DEFAULT_MARGIN = 0.10


def network_from_store(conn: duckdb.DuckDBPyConnection, *, margin: float = DEFAULT_MARGIN) -> Network:
    """The store's network; ``net.notes`` lists links left out and the defaults used."""
    sites = {
        r["id"]: r
        for r in fetch_dicts(
            conn,
            "SELECT s.id, s.name, s.enterprise_id, s.district_code, s.segment_id, s.capacity, g.kind,"
            " r.stock, r.ttr_days FROM site s LEFT JOIN segment g ON g.id = s.segment_id"
            " LEFT JOIN site_resilience r ON r.site_id = s.id",
        )
    }
    models = fetch_dicts(
        conn,
        "SELECT v.id, v.site_id, v.annual_volume, v.price, m.margin FROM vehicle_model v"
        " LEFT JOIN model_margin m ON m.model_id = v.id",
    )
    bom_rows = fetch_dicts(conn, "SELECT model_id, segment_id, qty FROM bom_line")
    links = fetch_dicts(
        conn,
        "SELECT buyer_site_id, supplier_site_id, segment_id, volume FROM supply_link"
        " ORDER BY buyer_site_id, segment_id, supplier_site_id",
    )
    notes: list[str] = []
    plants: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in models:
        plants[m["site_id"]].append(m)
    volume_in: dict[tuple[str, str], float] = defaultdict(float)
    volume_out: dict[str, float] = defaultdict(float)
    edges: dict[tuple[str, str, str], None] = {}
    for ln in links:
        buyer, supplier, seg = ln["buyer_site_id"], ln["supplier_site_id"], ln["segment_id"]
        if buyer not in sites or supplier not in sites:
            notes.append(f"供应关系 {supplier}→{buyer}（{seg}）引用了不存在的场所，已略过")
            continue
        if supplier in plants:
            notes.append(f"整车厂 {supplier} 不向下游供货，供应关系 {supplier}→{buyer}（{seg}）已略过")
            continue
        edges[(supplier, buyer, seg)] = None
        if ln["volume"]:
            volume_in[(buyer, seg)] += ln["volume"]
            volume_out[supplier] += ln["volume"]
    bom: dict[str, dict[str, float]] = defaultdict(dict)
    model_bom: dict[str, dict[str, float]] = defaultdict(dict)
    for b in bom_rows:
        model_bom[b["model_id"]][b["segment_id"]] = b["qty"]
    for _supplier, buyer, seg in edges:
        if seg in bom[buyer]:
            continue
        if buyer in plants:
            weighted = [
                (m["annual_volume"], model_bom[m["id"]][seg])
                for m in plants[buyer]
                if seg in model_bom[m["id"]]
            ]
            total = sum(w for w, _ in weighted)
            bom[buyer][seg] = sum(w * q for w, q in weighted) / total if total > 0 else 1.0
        elif volume_in[(buyer, seg)] > 0 and volume_out[buyer] > 0:
            bom[buyer][seg] = volume_in[(buyer, seg)] / volume_out[buyer]
        else:
            bom[buyer][seg] = 1.0
    supply = [Supply(s, b, seg) for s, b, seg in edges]
    ids = sorted(set(plants) & set(sites) | {e.supplier for e in supply} | {e.node for e in supply})
    raw = {}
    for sid in ids:
        demand = sum(m["annual_volume"] for m in plants[sid]) / 365.0 if sid in plants else None
        raw[sid] = {"demand": demand}
    flow = equal_share_flows(raw, bom, supply)
    nodes = []
    used_defaults = raised = 0
    for sid in ids:
        s = sites[sid]
        ttr_default, cover_days = KIND_DEFAULTS.get(s["kind"] or "", FALLBACK_DEFAULT)
        if s["stock"] is None or s["ttr_days"] is None:
            used_defaults += 1
        stock = s["stock"] if s["stock"] is not None else round(cover_days * flow[sid], 3)
        ttr = s["ttr_days"] if s["ttr_days"] is not None else ttr_default
        capacity = None
        if s["capacity"] is not None:
            capacity = s["capacity"] / 365.0
            if capacity < flow[sid] * (1 - 1e-9):
                capacity, raised = flow[sid], raised + 1
        nodes.append(
            Node(
                sid,
                capacity=capacity,
                stock=stock,
                demand=raw[sid]["demand"],
                profit=_profit(plants.get(sid, []), margin),
                ttr=ttr,
                meta={
                    k: str(v)
                    for k, v in (
                        ("name", s["name"]),
                        ("segment", s["segment_id"]),
                        ("district", s["district_code"]),
                        ("firm", s["enterprise_id"]),
                    )
                    if v is not None
                },
            )
        )
    if used_defaults:
        notes.append(f"{used_defaults} 个场所未登记库存/恢复时间，使用按环节类别的示意默认值")
    if raised:
        notes.append(
            f"{raised} 个场所的登记产能低于其正常供货量，已按正常供货量计（产能单位可能与 BOM 用量单位不一致）"
        )
    return Network(nodes, dict(bom), supply, source="store", notes=notes)


def _profit(models: list[dict[str, Any]], margin: float) -> float:
    """Profit per vehicle in 元: volume-weighted price × margin; 1 when no model has a price."""
    priced = [m for m in models if m["price"] is not None and m["annual_volume"] > 0]
    total = sum(m["annual_volume"] for m in priced)
    if total <= 0:
        return 1.0
    value = sum(
        m["annual_volume"] * m["price"] * 1e4 * (m["margin"] if m["margin"] is not None else margin)
        for m in priced
    )
    return value / total


def stored_sweep(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The node sweep of the store's network, from the store when it holds one for the current version,
    else computed and persisted (:mod:`chainbrain.store.sweeps`), so a server started later answers the
    供应链韧性 page from the store. ``init --demo`` calls it once the demo is loaded."""
    from chainbrain.resilience.sweep import sweep
    from chainbrain.store import sweeps

    net = network_from_store(conn)
    return sweeps.cached_sweep(conn, lambda: sweep(net))
