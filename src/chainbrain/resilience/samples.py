"""Networks for tests and benchmarks: the real Willems (2008) chains, and synthetic layered networks.

Willems, "Data Set—Real-World Multiechelon Supply Chains Used for Inventory Optimization", *MSOM* 10(1),
2008 (CSV export from durianh96/InvNet-GSM, MIT). Each arc is one unit of the upstream stage's output per
unit of the downstream stage (one material per upstream stage); demand stages are finished products
(demand = avgDemand per day, profit = 1 per unit, so losses are in lost units). The data set gives no
capacity, stock or recovery time: the reading below sets illustrative ones, stated in
:func:`load_willems`. Synthetic networks are ``synthetic`` data, seeded and reproducible.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

from chainbrain.errors import os_reason
from chainbrain.resilience.network import Network, NetworkError, Node, Supply


def equal_share_flows(
    nodes: dict[str, dict], bom: dict[str, dict[str, float]], supply: list[Supply]
) -> dict[str, float]:
    """Daily throughput of each node when every supplier of a material takes an equal share."""
    suppliers: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in supply:
        suppliers[(e.node, e.material)].append(e.supplier)
    flow = {nid: float(r.get("demand") or 0.0) for nid, r in nodes.items()}
    indeg: dict[str, int] = defaultdict(int)
    for e in supply:
        indeg[e.supplier] += 1
    ready = [nid for nid in nodes if indeg[nid] == 0]  # nodes nobody buys from: the most downstream
    while ready:
        j = ready.pop()
        for k, qty in bom.get(j, {}).items():
            group = suppliers[(j, k)]
            for i in group:
                flow[i] += flow[j] * qty / len(group)
                indeg[i] -= 1
                if indeg[i] == 0:
                    ready.append(i)
    return flow


def load_willems(
    path: str | Path,
    *,
    stock_days: float = 0.5,
    ttr_factor: float = 2.0,
    capacity_factor: float | None = None,
    stock_cover: float | None = None,
) -> Network:
    """One Willems chain as a network.

    Illustrative parameters: ttr = ``ttr_factor`` × the stage's lead time (stageTime, at least 1 day);
    stock = ``stock_days`` × lead time × daily throughput (pipeline stock of the stage's output);
    no capacity limits (the data set has none). The capacitated variant of a chain (what a plant with real
    capacities looks like): ``capacity_factor`` × daily throughput at every stage, and with ``stock_cover``
    a stock of that many days of throughput instead of the pipeline stock.
    """
    p = Path(path)
    stages: dict[str, dict] = {}
    arcs: list[tuple[str, str]] = []
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as e:
        raise NetworkError(f"无法读取 Willems 数据 {p}：{os_reason(e)}") from e
    header = rows[1]
    col = {name: header.index(name) for name in header}
    for row in rows[2:]:
        frm, to = row[col["/arcs/arc/@from"]], row[col["/arcs/arc/@to"]]
        if frm and to:
            arcs.append((frm, to))
        name = row[col["/stages/stage/@stageName"]]
        if name:
            demand = row[col["/stages/stage/@avgDemand"]]
            lead = row[col["/stages/stage/@stageTime"]]
            stages[name] = {"demand": float(demand) if demand else None, "lead": float(lead or 0.0)}
    bom: dict[str, dict[str, float]] = defaultdict(dict)
    supply = []
    for frm, to in arcs:
        bom[to][frm] = 1.0
        supply.append(Supply(frm, to, frm))
    flow = equal_share_flows(stages, bom, supply)
    nodes = [
        Node(
            nid,
            capacity=None if capacity_factor is None else capacity_factor * flow[nid],
            stock=round((stock_days * r["lead"] if stock_cover is None else stock_cover) * flow[nid], 6),
            demand=r["demand"],
            ttr=ttr_factor * max(1.0, r["lead"]),
        )
        for nid, r in stages.items()
    ]
    return Network(nodes, dict(bom), supply, source=f"Willems 2008 {p.name}")


def layered(
    n: int = 20_000, *, layers: int = 6, group: int = 3, seed: int = 7, finished_share: float = 0.025
) -> Network:
    """A synthetic layered network of ``n`` nodes: raw materials at the bottom, finished products on top.

    Each node above the bottom needs 1–3 materials; a material is a group of ``group`` interchangeable
    nodes one layer down, of which 1–``group`` supply it. Demand 1–10 per day; capacity 1.1–2× the
    equal-share throughput; stock 0–10 days of throughput; ttr 5–60 days; profit 1–10 per unit.
    """
    rng = random.Random(seed)
    top = max(1, int(n * finished_share))
    rest = n - top
    sizes = [rest // (layers - 1)] * (layers - 1)
    sizes[0] += rest - sum(sizes)
    sizes.append(top)
    ids: list[list[str]] = []
    for li, size in enumerate(sizes):
        ids.append([f"L{li}_{k}" for k in range(size)])
    raw: dict[str, dict] = {}
    bom: dict[str, dict[str, float]] = defaultdict(dict)
    supply: list[Supply] = []
    for li, layer in enumerate(ids):
        for nid in layer:
            raw[nid] = {"demand": float(rng.randint(1, 10)) if li == layers - 1 else None}
            if li == 0:
                continue
            below = ids[li - 1]
            n_groups = max(1, len(below) // group)
            for g in rng.sample(range(n_groups), k=min(n_groups, rng.randint(1, 3))):
                material = f"M{li - 1}_{g}"
                members = below[g * group : (g + 1) * group]
                bom[nid][material] = float(rng.randint(1, 3))
                for s in rng.sample(members, k=rng.randint(1, len(members))):
                    supply.append(Supply(s, nid, material))
    flow = equal_share_flows(raw, bom, supply)
    nodes = []
    for nid, r in raw.items():
        base = flow[nid] or 1.0
        nodes.append(
            Node(
                nid,
                capacity=round(base * rng.uniform(1.1, 2.0), 3),
                stock=round(base * rng.uniform(0.0, 10.0), 3),
                demand=r["demand"],
                profit=float(rng.randint(1, 10)) if r["demand"] is not None else 1.0,
                ttr=float(rng.randint(5, 60)),
            )
        )
    return Network(nodes, dict(bom), supply, source=f"synthetic layered n={n} seed={seed}")
