"""Flow-refuelling location (FRLM): p stations on a corridor network that let the most origin–destination
flow make its round trip without running out of range — for heavy-truck charging and hydrogen corridors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from chainbrain.siting._base import SitingModel, as_fixed
from chainbrain.siting._mip import INF, solve_mip
from chainbrain.siting.errors import InputError


@dataclass(frozen=True)
class Trip:
    """An origin–destination flow and the nodes of its shortest path."""

    origin: str
    destination: str
    flow: float
    path: tuple[int, ...]
    km: float


class FRLM(SitingModel):
    """The flow-refuelling location model (Kuby & Lim 2005) in the arc-cover form of Capar & Kuby (2012),
    with existing stations kept open.

    Kuby, Lim, "The flow-refueling location problem for alternative-fuel vehicles", *Socio-Economic Planning
    Sciences* 39(2):125–145, 2005. Capar, Kuby, "An efficient formulation of the flow refueling location
    model for alternative-fuel stations", *IIE Transactions* 44(8):622–636, 2012.

    Each flow q travels its shortest path from origin to destination and back (a round trip, which makes
    the trip a cycle and is equivalent to starting at the origin with half a tank). A vehicle's range is R km.
    A station at node k lets the vehicle cross the directed arc a of q's cycle if k lies before a on the
    cycle, no further than R km from a's end: K_qa is the set of such nodes.

    Sets: Q flows, K candidate nodes, A_q the directed arcs of q's round trip, K_qa ⊆ K as above, F ⊆ K the
    existing stations.

    Parameters: f_q the flow (trucks per day), R the range, p the number of stations (F included).

    Variables: x_k ∈ {0, 1}, 1 if a station is at k; y_q ∈ [0, 1], 1 if q is refuelled (integral at the
    optimum once x is).

    Objective: maximise Σ_q f_q y_q.

    Constraints: y_q ≤ Σ_{k ∈ K_qa} x_k for every q and a ∈ A_q; Σ_k x_k = p; x_k = 1 for k ∈ F.
    An arc longer than R makes its flow unrefuellable (K_qa is empty).
    """

    name = "加氢/充电走廊选址模型（FRLM）"

    def __init__(
        self,
        nodes: Sequence[str],
        trips: Sequence[Trip],
        cycle_cover: list[list[list[int]]],
        p: int,
        range_km: float,
        *,
        fixed: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        super().__init__([f"{t.origin}→{t.destination}" for t in trips], nodes, len(trips), len(nodes))
        self.trips = list(trips)
        self.cycle_cover = cycle_cover
        self.range_km = range_km
        self.fixed = as_fixed(fixed, len(nodes))
        if not (isinstance(p, int) and int(self.fixed.sum()) <= p <= len(nodes) and p >= 1):
            raise InputError(
                f"站点数 p 应为 {max(1, int(self.fixed.sum()))} 到 {len(nodes)} 的整数，收到 {p!r}"
            )
        self.p = p
        self.refuelled = np.zeros(len(trips), dtype=bool)

    @classmethod
    def from_network(
        cls,
        edges: Sequence[tuple[str, str, float]],
        flows: Sequence[tuple[str, str, float]],
        range_km: float,
        p: int,
        *,
        fixed: Sequence[str] = (),
    ) -> FRLM:
        """From an undirected road network (node, node, km) and OD flows (origin, destination, flow)."""
        r = float(range_km)
        if not (math.isfinite(r) and 0 < r <= 1e5):
            raise InputError(f"续航里程应为正数（公里），收到 {range_km!r}")
        names = sorted({str(a) for a, _, _ in edges} | {str(b) for _, b, _ in edges})
        index = {s: k for k, s in enumerate(names)}
        w: dict[tuple[int, int], float] = {}
        for k, (a, b, km) in enumerate(edges, start=1):
            v = float(km)
            if not (math.isfinite(v) and 0 < v <= 1e5):
                raise InputError(f"第 {k} 条路段 {a}–{b} 的里程 {km!r} 无效")
            i, j = sorted((index[str(a)], index[str(b)]))
            w[(i, j)] = min(v, w.get((i, j), math.inf))
        ij = np.array(list(w), dtype=np.int64).reshape(-1, 2)
        g = sp.csr_matrix((list(w.values()), (ij[:, 0], ij[:, 1])), shape=(len(names), len(names)))
        dist, pred = shortest_path(g, directed=False, return_predecessors=True)
        trips: list[Trip] = []
        for k, (o, d, f) in enumerate(flows, start=1):
            if str(o) not in index or str(d) not in index:
                raise InputError(f"第 {k} 条 OD 流的起点或终点不在路网中：{o}–{d}")
            fv = float(f)
            if not (math.isfinite(fv) and 0 <= fv <= 1e12):
                raise InputError(f"第 {k} 条 OD 流 {o}–{d} 的流量 {f!r} 无效")
            src, dst = index[str(o)], index[str(d)]
            if src == dst or not math.isfinite(dist[src, dst]):
                raise InputError(f"第 {k} 条 OD 流 {o}–{d}：起终点相同或不连通")
            path = [dst]
            while path[-1] != src:
                path.append(int(pred[src, path[-1]]))
            trips.append(Trip(str(o), str(d), fv, tuple(reversed(path)), float(dist[src, dst])))
        cover = [_arc_cover(t.path, dist, r) for t in trips]
        return cls(names, trips, cover, p, r, fixed=[index[s] for s in fixed])

    @property
    def covered_flow(self) -> float:
        return float(sum(t.flow for t, ok in zip(self.trips, self.refuelled, strict=True) if ok))

    def solve(self, *, time_limit: float | None = None, check: bool = True) -> FRLM:
        """Solve with HiGHS; raise :class:`~chainbrain.siting.errors.SolveError` unless optimal (``check``)."""
        m, nq = len(self.candidate_ids), len(self.trips)
        rows, cols, vals = [], [], []
        r = 0
        for q, arcs in enumerate(self.cycle_cover):
            for ks in arcs:
                rows += [r] * (len(ks) + 1)
                cols += [m + q, *ks]
                vals += [1.0] + [-1.0] * len(ks)
                r += 1
        rows += [r] * m
        cols += list(range(m))
        vals += [1.0] * m
        a = sp.csr_matrix((vals, (rows, cols)), shape=(r + 1, m + nq))
        row_lo = np.concatenate([np.full(r, -INF), [self.p]])
        row_hi = np.concatenate([np.zeros(r), [self.p]])
        c = np.concatenate([np.zeros(m), [t.flow for t in self.trips]])
        lb = np.concatenate([self.fixed.astype(np.float64), np.zeros(nq)])
        integer = np.concatenate([np.ones(m, dtype=bool), np.zeros(nq, dtype=bool)])
        res = solve_mip(
            c, a, row_lo, row_hi, lb, np.ones(m + nq), integer, maximize=True, time_limit=time_limit
        )
        self.status, self.solver_status, self.seconds = res.status, res.solver_status, res.seconds
        if res.x is not None:
            x = res.x[:m] > 0.5
            self.sites = [int(k) for k in np.flatnonzero(x)]
            self.refuelled = np.array(
                [all(any(x[k] for k in ks) for ks in arcs) for arcs in self.cycle_cover]
            )
            self.objective, self.bound = self.covered_flow, res.bound
        self._check(check)
        return self


def _arc_cover(path: tuple[int, ...], dist: np.ndarray, range_km: float) -> list[list[int]]:
    """For each directed arc of the round trip along ``path``, the nodes a station at which gets a vehicle
    across it: those before the arc on the cycle within ``range_km`` of the arc's end."""
    cycle = list(path) + list(path[-2::-1])  # O … D … O, first and last the origin
    legs = [float(dist[cycle[t], cycle[t + 1]]) for t in range(len(cycle) - 1)]
    n_arcs = len(legs)
    total = sum(legs)
    out: list[list[int]] = []
    for t in range(n_arcs):
        if legs[t] > range_km:
            out.append([])
            continue
        ks: set[int] = set()
        back, s = legs[t], t  # distance from the start of arc s to the end of arc t
        while back <= range_km + 1e-9 and back <= total + 1e-9:
            ks.add(cycle[s])
            s = (s - 1) % n_arcs
            back += legs[s]
        out.append(sorted(ks))
    return out
