"""The multi-tier network the TTR / TTS models run on, read from JSON and checked.

JSON format (capacity and demand per day, stock in units, ttr in days)::

    {"nodes":  [{"id": "cell", "capacity": 10, "stock": 5, "ttr": 30}, {"id": "car", "demand": 4, "profit": 2}],
     "bom":    [{"node": "car", "material": "battery", "qty": 1}],
     "supply": [{"supplier": "cell", "node": "car", "material": "battery"}]}

A node with ``demand`` is a finished product and ships nothing. Optional descriptive node fields
(``name``, ``segment``, ``district``, ``firm``) feed backups, choke points and named node sets; they do not
change the LP. ``profit`` defaults to 1 per unit, so a loss without prices is counted in lost units.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainbrain.errors import os_reason

META_FIELDS = ("name", "segment", "district", "firm")


class NetworkError(ValueError):
    """The network is not valid; the message names the node or edge at fault (in Chinese)."""


@dataclass(frozen=True)
class Node:
    id: str
    capacity: float | None = None  # units per day; None = not limited
    stock: float = 0.0  # units of this node's output on hand
    demand: float | None = None  # units per day; set only for finished products
    profit: float = 1.0  # per unit of lost finished product
    ttr: float | None = None  # days to recover after a disruption
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.demand is not None


@dataclass(frozen=True)
class Supply:
    supplier: str
    node: str
    material: str


@dataclass
class Network:
    """Nodes, BOM (node → material → qty per unit of the node's output) and supply edges."""

    nodes: list[Node]
    bom: dict[str, dict[str, float]]
    supply: list[Supply]
    source: str = ""
    notes: list[str] = field(default_factory=list)  # what a builder left out or assumed
    index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {n.id: i for i, n in enumerate(self.nodes)}
        validate(self)

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[self.index[node_id]]
        except KeyError as e:
            raise NetworkError(f"网络中没有节点 {node_id!r}") from e

    def suppliers_of(self, node_id: str) -> list[Supply]:
        return [e for e in self.supply if e.node == node_id]

    def buyers_of(self, node_id: str) -> list[Supply]:
        return [e for e in self.supply if e.supplier == node_id]

    def groups(self) -> dict[str, list[str]]:
        """Named node sets from node metadata: ``district:CODE``, ``firm:ID``, ``segment:ID``."""
        out: dict[str, list[str]] = defaultdict(list)
        for n in self.nodes:
            for key in ("district", "firm", "segment"):
                v = n.meta.get(key)
                if v:
                    out[f"{key}:{v}"].append(n.id)
        return dict(sorted(out.items()))

    def with_supply(self, extra: Iterable[Supply]) -> Network:
        """A copy with extra supply edges (e.g. a backup supplier)."""
        return Network(list(self.nodes), {k: dict(v) for k, v in self.bom.items()}, [*self.supply, *extra])

    def with_stock(self, node_id: str, extra: float) -> Network:
        nodes = [
            Node(n.id, n.capacity, n.stock + extra, n.demand, n.profit, n.ttr, n.meta)
            if n.id == node_id
            else n
            for n in self.nodes
        ]
        return Network(nodes, {k: dict(v) for k, v in self.bom.items()}, list(self.supply))


def _number(value: Any, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NetworkError(f"{where} 应为数字，实际为 {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0 or (positive and v == 0):
        raise NetworkError(f"{where} 必须{'大于 0' if positive else '为非负数'}，实际为 {value!r}")
    return v


def validate(net: Network) -> None:
    """Raise :class:`NetworkError` for duplicate or unknown ids, bad numbers, bad edges and cycles."""
    seen: set[str] = set()
    for n in net.nodes:
        if n.id in seen:
            raise NetworkError(f"节点 {n.id!r} 重复出现")
        seen.add(n.id)
        for name in ("capacity", "demand", "ttr"):
            v = getattr(n, name)
            if v is not None:
                _number(v, f"节点 {n.id!r} 的 {name}")
        _number(n.stock, f"节点 {n.id!r} 的 stock")
        _number(n.profit, f"节点 {n.id!r} 的 profit")
    for node_id, materials in net.bom.items():
        if node_id not in seen:
            raise NetworkError(f"BOM 引用了不存在的节点 {node_id!r}")
        for material, qty in materials.items():
            _number(qty, f"节点 {node_id!r} 的 BOM 物料 {material!r} 的 qty", positive=True)
    edges: set[tuple[str, str, str]] = set()
    for e in net.supply:
        label = f"供应边 {e.supplier}→{e.node}（物料 {e.material}）"
        for end in (e.supplier, e.node):
            if end not in seen:
                raise NetworkError(f"{label} 引用了不存在的节点 {end!r}")
        if e.supplier == e.node:
            raise NetworkError(f"{label} 的供应方与采购方相同")
        if e.material not in net.bom.get(e.node, {}):
            raise NetworkError(f"{label}：物料 {e.material!r} 不在节点 {e.node!r} 的 BOM 中")
        if net.nodes[net.index[e.supplier]].finished:
            raise NetworkError(f"{label}：成品节点 {e.supplier!r}（有 demand）不能再向下游供货")
        key = (e.supplier, e.node, e.material)
        if key in edges:
            raise NetworkError(f"{label} 重复出现")
        edges.add(key)
    supplied = {(e.node, e.material) for e in net.supply}
    for node_id, materials in net.bom.items():
        for material in materials:
            if (node_id, material) not in supplied:
                raise NetworkError(f"节点 {node_id!r} 的 BOM 物料 {material!r} 没有任何供应商")
    cycle = find_cycle(net)
    if cycle:
        raise NetworkError("供应关系存在环路：" + " → ".join(cycle))


def find_cycle(net: Network) -> list[str] | None:
    """One directed cycle of supply edges (as a closed list of node ids), or None."""
    out: dict[str, list[str]] = defaultdict(list)
    for e in net.supply:
        out[e.supplier].append(e.node)
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for root in (n.id for n in net.nodes):
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path = [root]
        state[root] = 1
        while stack:
            v, i = stack[-1]
            if i < len(out[v]):
                stack[-1] = (v, i + 1)
                w = out[v][i]
                if state.get(w) == 1:
                    return [*path[path.index(w) :], w]
                if w not in state:
                    state[w] = 1
                    stack.append((w, 0))
                    path.append(w)
            else:
                state[v] = 2
                stack.pop()
                path.pop()
    return None


def from_dict(data: Mapping[str, Any], *, source: str = "") -> Network:
    """Build and check a network from the parsed JSON document."""
    if not isinstance(data, Mapping):
        raise NetworkError('网络文件的顶层应为对象 {"nodes": …, "bom": …, "supply": …}')
    try:
        raw_nodes = data["nodes"]
    except KeyError as e:
        raise NetworkError("网络文件缺少 nodes 列表") from e
    nodes = []
    for i, r in enumerate(raw_nodes):
        if not isinstance(r, Mapping) or not isinstance(r.get("id"), str) or not r["id"]:
            raise NetworkError(f"nodes[{i}] 缺少字符串 id：{r!r}")
        nid = r["id"]

        def opt(name: str, r: Mapping[str, Any] = r, nid: str = nid) -> float | None:
            v = r.get(name)
            return None if v is None else _number(v, f"节点 {nid!r} 的 {name}")

        stock, profit = opt("stock"), opt("profit")
        meta = {k: str(r[k]) for k in META_FIELDS if r.get(k) is not None}
        nodes.append(
            Node(
                nid,
                opt("capacity"),
                stock or 0.0,
                opt("demand"),
                1.0 if profit is None else profit,
                opt("ttr"),
                meta,
            )
        )
    bom: dict[str, dict[str, float]] = defaultdict(dict)
    for i, r in enumerate(data.get("bom", [])):
        try:
            node_id, material, qty = r["node"], str(r["material"]), r["qty"]
        except (KeyError, TypeError) as e:
            raise NetworkError(f"bom[{i}] 需要 node、material、qty 三个字段：{r!r}") from e
        if material in bom[node_id]:
            raise NetworkError(f"bom[{i}]：节点 {node_id!r} 的物料 {material!r} 重复")
        bom[node_id][material] = _number(
            qty, f"bom[{i}]（节点 {node_id!r} 物料 {material!r}）的 qty", positive=True
        )
    supply = []
    for i, r in enumerate(data.get("supply", [])):
        try:
            supply.append(Supply(r["supplier"], r["node"], str(r["material"])))
        except (KeyError, TypeError) as e:
            raise NetworkError(f"supply[{i}] 需要 supplier、node、material 三个字段：{r!r}") from e
    return Network(nodes, dict(bom), supply, source=source)


def load_network(path: str | Path) -> Network:
    """Read and check a network JSON file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise NetworkError(f"无法读取网络文件 {p}：{os_reason(e)}") from e
    except json.JSONDecodeError as e:
        raise NetworkError(f"网络文件 {p} 不是合法 JSON（第 {e.lineno} 行第 {e.colno} 列）：{e.msg}") from e
    try:
        return from_dict(data, source=str(p))
    except NetworkError as e:
        raise NetworkError(f"{p}：{e}") from e


def to_dict(net: Network) -> dict[str, Any]:
    """The JSON document of a network (inverse of :func:`from_dict`)."""
    nodes = []
    for n in net.nodes:
        r: dict[str, Any] = {"id": n.id}
        for name in ("capacity", "stock", "demand", "profit", "ttr"):
            v = getattr(n, name)
            if v is not None:
                r[name] = v
        r.update(n.meta)
        nodes.append(r)
    bom = [{"node": j, "material": k, "qty": q} for j, ms in net.bom.items() for k, q in ms.items()]
    supply = [{"supplier": e.supplier, "node": e.node, "material": e.material} for e in net.supply]
    return {"nodes": nodes, "bom": bom, "supply": supply}
