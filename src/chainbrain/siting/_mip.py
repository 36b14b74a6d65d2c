"""A thin layer over HiGHS: pass a MIP in matrix form, run it, read the status, solution and bound."""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf

_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kIterationLimit: "iteration_limit",
    highspy.HighsModelStatus.kSolutionLimit: "solution_limit",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
}


@dataclass
class MipResult:
    """What HiGHS returned: ``status`` normalised ("optimal", "infeasible", "time_limit", …),
    ``solver_status`` HiGHS's own text, ``x`` the best solution (None if there is none)."""

    status: str
    solver_status: str
    x: np.ndarray | None
    objective: float
    bound: float
    seconds: float


def solve_mip(
    c: np.ndarray,
    a: sp.spmatrix | sp.sparray,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    integer: np.ndarray,
    *,
    maximize: bool = False,
    time_limit: float | None = None,
    mip_rel_gap: float = 0.0,
    threads: int = 1,
) -> MipResult:
    """Solve min (or max) c·x s.t. row_lo ≤ A x ≤ row_hi, lb ≤ x ≤ ub, x_k integer where ``integer[k]``.

    A relative gap of 0 asks for a proven optimum (HiGHS still stops at its absolute gap of 1e-6)."""
    t0 = time.perf_counter()
    csc = sp.csc_matrix(a)
    csc.sort_indices()
    n = int(csc.shape[1])
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = int(csc.shape[0])
    lp.col_cost_ = np.asarray(c, dtype=np.float64)
    lp.col_lower_ = np.asarray(lb, dtype=np.float64)
    lp.col_upper_ = np.asarray(ub, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_hi, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    integer = np.asarray(integer, dtype=bool)
    if integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in integer
        ]
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    h.passModel(lp)
    h.run()
    st = h.getModelStatus()
    status = _STATUS.get(st, "error")
    solver_status = h.modelStatusToString(st)
    info = h.getInfo()
    x: np.ndarray | None = None
    objective = float("nan")
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value, dtype=np.float64)
        objective = float(info.objective_function_value)
    if integer.any():
        bound = float(info.mip_dual_bound)
    else:
        bound = objective
    if status == "optimal" and x is None:
        status = "error"
    return MipResult(status, solver_status, x, objective, bound, time.perf_counter() - t0)
