"""Emergency stock: the least extra stock that makes TTS ≥ TTR, an LP on the same network matrix."""

from __future__ import annotations

from collections.abc import Iterable

import highspy
import numpy as np

from chainbrain.resilience.model import INF, _NetworkLP, node_ttr
from chainbrain.resilience.network import Network, NetworkError


class EmergencyStock(_NetworkLP):
    """Least extra stock that keeps every demand met while a node set is down for t days (TTS ≥ t).

    The TTS LP with t fixed and one more variable per stocking node, Δ_i ≥ 0, added to s_i; minimise Σ Δ_i
    over the nodes allowed to hold it (by default the disrupted nodes: stock of their own output).
    Infeasible (``extra`` None) when no amount of that stock keeps demand met, e.g. a finished product
    whose own capacity is below its demand.
    """

    def __init__(self, network: Network, *, presolve: str = "off") -> None:
        super().__init__(network, with_delta=True, presolve=presolve)
        self.extra: float | None = None
        self._open = np.zeros(0, dtype=np.int32)

    def _prepare(self, lp: highspy.HighsLp) -> None:
        lay = self.layout
        cost = np.zeros(lp.num_col_)
        cost[lay.delta_start :] = 1.0
        lp.col_cost_ = cost
        upper = np.asarray(lp.col_upper_, dtype=np.float64).copy()
        upper[lay.n + lay.m + np.arange(len(lay.finished))] = 0.0
        upper[lay.delta_start :] = 0.0
        lp.col_upper_ = upper

    def solve(
        self, disrupted: Iterable[str] | str, ttr: float | None = None, at: Iterable[str] | None = None
    ) -> EmergencyStock:
        t = ttr if ttr is not None else node_ttr(self.network, disrupted)
        if t is None or t < 0:
            raise NetworkError(f"恢复时间 ttr 须为非负数（节点 {disrupted!r} 未给出 ttr）")
        self._disrupt(disrupted)
        self.highs.changeColBounds(self.layout.t_col, t, t)
        where = self._nodes(disrupted if at is None else at)
        pos = {int(j): p for p, j in enumerate(self.layout.delta)}
        cols = np.array(
            [self.layout.delta_start + pos[int(j)] for j in where if int(j) in pos], dtype=np.int32
        )
        if self._open.size:
            self.highs.changeColsBounds(
                self._open.size, self._open, np.zeros(self._open.size), np.zeros(self._open.size)
            )
        if cols.size:
            self.highs.changeColsBounds(cols.size, cols, np.zeros(cols.size), np.full(cols.size, INF))
        self._open = cols
        status = self._run()
        if status == highspy.HighsModelStatus.kOptimal:
            self.extra = max(0.0, float(self.highs.getInfo().objective_function_value))
        elif status == highspy.HighsModelStatus.kInfeasible:
            self.extra = None
        else:
            raise self._fail("应急库存模型")
        return self
