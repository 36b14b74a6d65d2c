"""Time-to-recover (TTR) and time-to-survive (TTS) linear programs on HiGHS, built once per network.

Each model passes its LP to HiGHS once; a scenario (a disrupted node set, a recovery time) changes only
column bounds, and HiGHS re-solves from the basis it kept from the previous scenario (dual simplex warm
start). The recovery time ``t`` is a column of its own, so every t-dependent right-hand side (``d_j t``,
``c_j t``) is a coefficient of that column: TTR fixes ``t`` by its bounds, TTS maximises it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np

from chainbrain.resilience.lp import INF, Built, Layout, Steady, build_lp, new_highs, zero_stock
from chainbrain.resilience.network import Network, NetworkError

__all__ = ["INF", "Built", "Layout", "SolveError", "TimeToRecover", "TimeToSurvive", "build_lp", "node_ttr"]

log = logging.getLogger(__name__)


_DEFINITE = (
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)


class SolveError(RuntimeError):
    """HiGHS did not reach an optimum; the message carries HiGHS's own model status."""


@dataclass(frozen=True)
class _Warm:
    """How a sweep runs a model (not part of the public constructors; measured in docs/benchmarks.md).

    ``screen``: skip solves whose answer is already known, exactly. TTR: any optimal solution found at the
    same t whose loss equals the undisrupted loss L0(t) stays feasible, hence optimal, for every S whose
    nodes all produce nothing in it, so such an S has loss L0(t) without a solve. TTS: a steady state found
    for one scenario is feasible for every S whose nodes all produce nothing in it (→ None); and if the
    undisrupted network has no steady state, no S has one.

    ``from_base`` (TTR: with ``screen``): start each scenario from the undisrupted optimum's basis (TTR: at
    the same t) instead of the previous scenario's, which may be far from it. ``base``: a steady state of the
    whole network with its basis (:func:`chainbrain.resilience.local.steady_state`), where TTR's undisrupted
    solve at each t starts. ``bounded`` (TTS): the caller has proved no scenario of the model has a steady
    state (every TTS finite). ``highs``: a HiGHS instance to reuse (its previous model is dropped), as a
    sweep does for small sub-LPs.
    """

    screen: bool = False
    from_base: bool = False
    base: Steady | None = None
    bounded: bool = False
    highs: highspy.Highs | None = None


class _NetworkLP:
    """A HiGHS instance holding the network LP, with the disrupted set kept as column bounds."""

    def __init__(
        self,
        network: Network,
        *,
        with_delta: bool = False,
        presolve: str = "off",
        built: Built | None = None,
        highs: highspy.Highs | None = None,
    ) -> None:
        """``built``: the LP already cut out for ``network`` (a sub-network of a sweep), instead of building it;
        ``highs``: a HiGHS instance to reuse (its previous model is dropped)."""
        self.network = network
        self._built = built
        lp, self.layout = built() if built is not None else build_lp(network, with_delta=with_delta)
        self._prepare(lp)
        if highs is None:
            highs = new_highs()
        else:
            highs.clearModel()
        self.highs = highs
        self.highs.setOptionValue("presolve", presolve)
        self.highs.passModel(lp)
        self._down = np.zeros(0, dtype=np.int32)
        self.status = "未求解"

    def _prepare(self, lp: highspy.HighsLp) -> None:
        """Set costs and bounds for this model; called once before the LP is passed."""

    def _nodes(self, disrupted: Iterable[str]) -> np.ndarray:
        ids = [disrupted] if isinstance(disrupted, str) else list(disrupted)
        try:
            return np.array(sorted({self.network.index[d] for d in ids}), dtype=np.int32)
        except KeyError as e:
            raise NetworkError(f"网络中没有节点 {e.args[0]!r}") from e

    def _disrupt(self, disrupted: Iterable[str]) -> None:
        down = self._nodes(disrupted)
        if self._down.size:  # restore the previous scenario's u bounds
            k = self._down.size
            self.highs.changeColsBounds(k, self._down, np.zeros(k), np.full(k, INF))
        if down.size:
            self.highs.changeColsBounds(down.size, down, np.zeros(down.size), np.zeros(down.size))
        self._down = down

    def _zero_u(self) -> np.ndarray:
        """Which nodes produce nothing in the current solution (u_j ≤ 1e-9)."""
        return np.asarray(self.highs.getSolution().col_value[: self.layout.n]) <= 1e-9

    def _run(self) -> highspy.HighsModelStatus:
        self.highs.run()
        status = self.highs.getModelStatus()
        # numerical trouble from the kept basis: solve again from scratch, then with the interior-point solver
        for option, value in (("presolve", "off"), ("solver", "ipm")):
            if status in _DEFINITE:
                break
            log.info(
                "%s: HiGHS status %s from the kept basis; solving again with %s=%s",
                type(self).__name__,
                self.highs.modelStatusToString(status),
                option,
                value,
            )
            default = self.highs.getOptionValue(option)[1]
            self.highs.clearSolver()
            self.highs.setOptionValue(option, value)
            self.highs.run()
            self.highs.setOptionValue(option, default)
            status = self.highs.getModelStatus()
        self.status = self.highs.modelStatusToString(status)
        return status

    def _fail(self, what: str) -> SolveError:
        return SolveError(f"{what}未得到最优解，HiGHS 状态：{self.status}")


class TimeToRecover(_NetworkLP):
    """TTR model: the least profit lost while a node set is down for its recovery time.

    Simchi-Levi, Schmidt, Wei, Zhang, Combs, Ge, Gusikhin, Sanders, Zhang, "Identifying risks and mitigating
    disruptions in the automotive supply chain", *Interfaces* 45(5):375–390, 2015 (the Ford study).

    Sets: V nodes (plants, supplier sites), each making one output; A ⊆ V finished products (nodes with
    demand; they ship nothing); E supply edges (i, j, k): node i supplies material k to node j;
    P_jk = {i : (i, j, k) ∈ E}; S ⊆ V the disrupted nodes.

    Parameters: r_kj units of k per unit of j (BOM); s_i stock of i's output; d_j demand per day (j ∈ A);
    c_j capacity per day (where given); f_j profit per unit of j (j ∈ A); t recovery time in days.

    Variables: u_j ≥ 0 production of j over t; y_ij ≥ 0 shipments on (i, j, k); l_j ≥ 0 lost demand (j ∈ A).

    Objective: minimise Σ_{j∈A} f_j l_j.

    Constraints:
        r_kj u_j ≤ Σ_{i∈P_jk} y_ij        for each j ∈ V and k in j's BOM
        Σ_j y_ij ≤ u_i + s_i               for each i that ships
        l_j + u_j + s_j ≥ d_j t            for each j ∈ A
        u_j ≤ c_j t                        for each j with a capacity
        u_j = 0                            for each j ∈ S

    The optimum is the TTR loss of S; the performance impact PI of a node is the loss with S = {node}.
    ``solve`` returns self with ``loss``; ``lost_units()`` gives l_j per finished product. ``built``: the LP
    already cut out for ``network`` (:class:`~chainbrain.resilience.decompose.SubLPs`) instead of building it.
    """

    def __init__(self, network: Network, *, presolve: str = "off", built: Built | None = None) -> None:
        self._setup(network, presolve, built, _Warm())

    @classmethod
    def _sweeping(
        cls, network: Network, warm: _Warm, *, presolve: str = "off", built: Built | None = None
    ) -> TimeToRecover:
        """The model as a sweep runs it (see :class:`_Warm`)."""
        self = cls.__new__(cls)
        self._setup(network, presolve, built, warm)
        return self

    def _setup(self, network: Network, presolve: str, built: Built | None, warm: _Warm) -> None:
        super().__init__(network, presolve=presolve, built=built, highs=warm.highs)
        self.loss: float | None = None
        self.from_base = warm.from_base and warm.screen
        self._steady_base = warm.base
        self._base_basis: dict[float, highspy.HighsBasis] = {}
        self.ttr: float | None = None
        self.screen = warm.screen
        self.screened = 0  # scenarios answered without a solve
        self._base: dict[float, tuple[float, np.ndarray]] = {}
        self._pending: tuple[Iterable[str] | str, float] | None = None

    def _prepare(self, lp: highspy.HighsLp) -> None:
        lay = self.layout
        cost = np.zeros(lp.num_col_)
        cost[lay.n + lay.m + np.arange(len(lay.finished))] = [
            self.network.nodes[j].profit for j in lay.finished
        ]
        lp.col_cost_ = cost

    def solve(self, disrupted: Iterable[str] | str = (), ttr: float | None = None) -> TimeToRecover:
        """Minimum loss with ``disrupted`` down for ``ttr`` days (default: the largest ttr in the set)."""
        t = ttr if ttr is not None else node_ttr(self.network, disrupted)
        if t is None or t < 0:
            raise NetworkError(f"恢复时间 ttr 须为非负数（节点 {disrupted!r} 未给出 ttr，或给出了负数）")
        self._pending = None
        if not self.screen:
            self.loss = self._solve_now(disrupted, t)
            return self
        base = self._base.get(float(t))
        if base is None:
            if self._steady_base is not None:
                self.highs.setBasis(self._steady_base.basis())
            base = (self._solve_now((), t), self._zero_u())
            self._base[float(t)] = base
            if self.from_base:
                self._base_basis[float(t)] = self.highs.getBasis()
        down = self._nodes(disrupted)
        if base[1][down].all():
            self.loss, self._pending = base[0], (disrupted, t)
            self.screened += 1
            return self
        if float(t) in self._base_basis:
            self.highs.setBasis(self._base_basis[float(t)])
        self.loss = self._solve_now(disrupted, t)
        if abs(self.loss - base[0]) <= 1e-9 * max(1.0, abs(base[0])):
            base[1][:] |= self._zero_u()
        return self

    def _solve_now(self, disrupted: Iterable[str] | str, t: float) -> float:
        self._disrupt(disrupted)
        self.highs.changeColBounds(self.layout.t_col, t, t)
        if self._run() != highspy.HighsModelStatus.kOptimal:
            raise self._fail("TTR 模型")
        self.ttr = float(t)
        return max(0.0, float(self.highs.getInfo().objective_function_value))

    def solution(self) -> np.ndarray:
        if self._pending is not None:  # the last answer was screened: solve it now
            self._solve_now(*self._pending)
            self._pending = None
        return np.asarray(self.highs.getSolution().col_value)

    def lost_units(self) -> dict[str, float]:
        """l_j of each finished product with a loss (units over the recovery time)."""
        x = self.solution()
        lay = self.layout
        lost = x[lay.n + lay.m : lay.n + lay.m + len(lay.finished)]
        return {
            self.network.nodes[j].id: float(v) for j, v in zip(lay.finished, lost, strict=True) if v > 1e-9
        }

    def production(self) -> dict[str, float]:
        """u_j of every node (units over the recovery time)."""
        x = self.solution()
        return {nd.id: float(x[i]) for i, nd in enumerate(self.network.nodes)}


class TimeToSurvive(_NetworkLP):
    """TTS model: the longest time demand is fully met while a node set is down (Simchi-Levi et al. 2015).

    Same sets, parameters and constraints as :class:`TimeToRecover`, with l_j = 0 for every j ∈ A and t a
    variable: maximise t. The constraints are linear in (u, y, t) because t multiplies only the constants
    d_j and c_j, so the optimum is exact (no search over t).

    Unboundedness (the disrupted set is not needed: ``tts`` is None) is decided exactly but without asking
    the simplex to prove a primal ray, which HiGHS's dual simplex does slowly: t is capped at ``horizon``
    days, and first a feasibility LP decides it: the LP is unbounded iff its recession cone has a direction
    with t > 0, i.e. iff the same constraints with every stock set to 0 admit t = 1 (a steady state that
    meets demand from production alone). That LP is a second HiGHS instance, also built once and
    warm-started; only when it is infeasible is the (then bounded) TTS LP solved.
    """

    def __init__(
        self, network: Network, *, presolve: str = "off", horizon: float = 1e6, built: Built | None = None
    ) -> None:
        self._setup(network, presolve, horizon, built, _Warm())

    @classmethod
    def _sweeping(
        cls,
        network: Network,
        warm: _Warm,
        *,
        presolve: str = "off",
        horizon: float = 1e6,
        built: Built | None = None,
    ) -> TimeToSurvive:
        """The model as a sweep runs it (see :class:`_Warm`)."""
        self = cls.__new__(cls)
        self._setup(network, presolve, horizon, built, warm)
        return self

    def _setup(
        self, network: Network, presolve: str, horizon: float, built: Built | None, warm: _Warm
    ) -> None:
        self.horizon = horizon
        self.from_base = warm.from_base
        self._base_basis: highspy.HighsBasis | None = None
        super().__init__(network, presolve=presolve, built=built, highs=warm.highs)
        self.tts: float | None = None
        self.screen = warm.screen
        self.screened = 0
        self._steady: _SteadyState | None = None
        self._steady_zero: np.ndarray | None = None  # nodes idle in some steady state found so far
        self._no_steady = warm.bounded  # no scenario (or the undisrupted network) has a steady state

    def _steady_feasible(self, disrupted: Iterable[str] | str) -> bool:
        if self._no_steady:
            self.screened += 1
            return False
        if self._steady is None:
            self._steady = _SteadyState(self.network, built=self._built)
        if not self.screen:
            return self._steady.feasible(disrupted)
        if self._steady_zero is None and not self._no_steady:
            if self._steady.feasible(()):
                self._steady_zero = self._steady._zero_u()
            else:
                self._no_steady = True
        if self._no_steady:
            self.screened += 1
            return False
        assert self._steady_zero is not None
        if self._steady_zero[self._nodes(disrupted)].all():
            self.screened += 1
            return True
        if self._steady.feasible(disrupted):
            self._steady_zero |= self._steady._zero_u()
            return True
        return False

    def _prepare(self, lp: highspy.HighsLp) -> None:
        lay = self.layout
        cost = np.zeros(lp.num_col_)
        cost[lay.t_col] = -1.0  # minimise -t
        lp.col_cost_ = cost
        upper = np.asarray(lp.col_upper_, dtype=np.float64).copy()
        upper[lay.n + lay.m + np.arange(len(lay.finished))] = 0.0  # no lost demand
        upper[lay.t_col] = self.horizon
        lp.col_upper_ = upper

    def known_steady(self, disrupted: Iterable[str] | str) -> bool:
        """True when a steady state found so far (screening) already leaves every node of the set idle."""
        zero = self._steady_zero
        return zero is not None and bool(zero[self._nodes(disrupted)].all())

    def solve(self, disrupted: Iterable[str] | str = (), *, steady: bool | None = None) -> TimeToSurvive:
        """``steady``: whether a steady state without the set exists, when the caller has proved it."""
        if steady if steady is not None else self._steady_feasible(disrupted):
            self.tts = None
            return self
        if self.from_base:
            if self._base_basis is None:
                if self._steady is None and not self._no_steady:
                    self._steady_feasible(())  # its undisrupted optimum is where this one starts
                start = self._steady._base_basis if self._steady is not None else None
                if start is not None:
                    # the steady-state test's undisrupted optimum with t at the horizon: every basic cost is 0
                    # here (only t has a cost), so it starts dual feasible; stocks only perturb the primal
                    cols = list(start.col_status)
                    cols[self.layout.t_col] = highspy.HighsBasisStatus.kUpper
                    basis = highspy.HighsBasis()
                    basis.col_status = cols
                    basis.row_status = list(start.row_status)
                    basis.valid = True
                    self.highs.setBasis(basis)
                self._disrupt(())
                if self._run() == highspy.HighsModelStatus.kOptimal:
                    self._base_basis = self.highs.getBasis()
            else:
                self.highs.setBasis(self._base_basis)
        self._disrupt(disrupted)
        if self._run() != highspy.HighsModelStatus.kOptimal:
            raise self._fail("TTS 模型")
        t = max(0.0, float(self.highs.getSolution().col_value[self.layout.t_col]))
        if t >= self.horizon * (1 - 1e-9):
            raise SolveError(f"TTS 超过 {self.horizon:g} 天（节点 {disrupted!r}）：请调大 horizon")
        self.tts = t
        return self


class _SteadyState(_NetworkLP):
    """The recession test of the TTS LP: can demand be met at t = 1 with every stock 0 (a steady state)?

    Solved as a phase-1 LP that is always feasible — lost demand l_j per day is allowed and its sum is
    minimised — so the answer is its optimum (0: a steady state exists) and HiGHS never has to prove
    infeasibility, after which a kept basis is of no use. A scenario starts from the previous scenario's
    optimum when that was a steady state reached in few pivots (still optimal once its nodes are back),
    else from the undisrupted network's optimal basis once that has been solved (a screened
    :class:`TimeToSurvive` solves it first); the measurements behind this rule are in docs/benchmarks.md.
    """

    RESET_PIVOTS = 100  # a scenario that took more pivots sends the next one back to the base basis

    # an optimum (lost units per day, summed over finished products) at or below TOL, or below REL_TOL × the
    # total daily demand, is a steady state: HiGHS's own primal feasibility tolerance is 1e-7 per row, and a
    # deficit that small would make the TTS longer than any horizon
    TOL = 1e-7
    REL_TOL = 1e-9

    def _prepare(self, lp: highspy.HighsLp) -> None:
        lay = self.layout
        zero_stock(lp, lay)
        cost = np.zeros(lp.num_col_)
        cost[lay.n + lay.m + np.arange(len(lay.finished))] = 1.0  # lost demand per day
        lp.col_cost_ = cost
        demand = sum(float(self.network.nodes[j].demand or 0.0) for j in lay.finished)
        self._tol = max(self.TOL, self.REL_TOL * demand)
        self._base_basis: highspy.HighsBasis | None = None
        self._from_base = False  # the last scenario had a deficit or took long: the next starts from the base

    def feasible(self, disrupted: Iterable[str] | str) -> bool:
        if self._from_base and self._base_basis is not None:
            self.highs.setBasis(self._base_basis)
        self._disrupt(disrupted)
        if self._run() != highspy.HighsModelStatus.kOptimal:
            raise self._fail("TTS 稳态检验")
        info = self.highs.getInfo()
        steady = float(info.objective_function_value) <= self._tol
        if self._base_basis is None and not self._down.size:
            self._base_basis = self.highs.getBasis()  # the undisrupted optimum
        self._from_base = not steady or info.simplex_iteration_count > self.RESET_PIVOTS
        return steady


def node_ttr(net: Network, disrupted: Iterable[str] | str) -> float | None:
    """The recovery time of a disrupted set: the longest ttr among its nodes (None if none has one)."""
    ids = [disrupted] if isinstance(disrupted, str) else list(disrupted)
    values = [net.node(d).ttr for d in ids]
    known = [v for v in values if v is not None]
    return max(known) if known else None
