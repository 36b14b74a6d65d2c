"""Each model against the plain textbook MIP solved by scipy.optimize.milp on small random instances, and
the p-median against the published OR-Library optima."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from chainbrain.siting import LSCP, MCLP, InputError, PCenter, PMedian
from chainbrain.siting.pmedian import read_orlib

ORLIB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "orlib_pmed"


def _instance(seed: int, n: int = 14, m: int = 11) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 100, (n, 2)), rng.uniform(0, 100, (m, 2))
    d = np.round(np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1]), 1)
    return d, rng.integers(1, 10, n).astype(float)


def _assignment_pmedian(cost: np.ndarray, p: int, center: bool = False) -> float:
    """min Σ c_ij x_ij (or min W ≥ Σ_j c_ij x_ij ∀i) s.t. Σ_j x_ij = 1, x_ij ≤ y_j, Σ y = p."""
    n, m = cost.shape
    nx = n * m
    nv = m + nx + (1 if center else 0)
    rows = []
    assign = sp.lil_matrix((n, nv))
    link = sp.lil_matrix((nx, nv))
    for i in range(n):
        for j in range(m):
            k = m + i * m + j
            assign[i, k] = 1
            link[i * m + j, k] = 1
            link[i * m + j, j] = -1
    count = sp.lil_matrix((1, nv))
    count[0, :m] = 1
    rows = [LinearConstraint(assign.tocsr(), 1, 1), LinearConstraint(link.tocsr(), -np.inf, 0),
            LinearConstraint(count.tocsr(), p, p)]  # fmt: skip
    c = np.zeros(nv)
    if center:
        w = sp.lil_matrix((n, nv))
        for i in range(n):
            w[i, m + i * m : m + (i + 1) * m] = cost[i]
            w[i, nv - 1] = -1
        rows.append(LinearConstraint(w.tocsr(), -np.inf, 0))
        c[-1] = 1
    else:
        c[m:] = cost.ravel()
    integrality, upper = np.ones(nv), np.ones(nv)
    if center:
        integrality[-1], upper[-1] = 0, np.inf
    res = milp(c, constraints=rows, integrality=integrality, bounds=Bounds(0, upper))
    assert res.status == 0
    return float(res.fun)


@pytest.mark.parametrize("seed", range(6))
def test_pmedian_matches_the_assignment_mip(seed):
    d, w = _instance(seed)
    p = 2 + seed % 4
    ours = PMedian.from_cost_matrix(d, p, weights=w).solve()
    assert ours.objective == pytest.approx(_assignment_pmedian(d * w[:, None], p), abs=1e-6)
    assert ours.bound <= ours.objective + 1e-9 and len(ours.sites) == p


@pytest.mark.parametrize("seed", range(4))
def test_pcenter_matches_the_assignment_mip(seed):
    d, _ = _instance(100 + seed)
    p = 2 + seed
    ours = PCenter.from_cost_matrix(d, p).solve()
    assert ours.objective == pytest.approx(_assignment_pmedian(d, p, center=True), abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_lscp_and_mclp_match_the_covering_mips(seed):
    d, w = _instance(200 + seed, n=25, m=18)
    radius = float(d.min(axis=1).max()) + 3.0 * seed  # every point coverable
    a = (d <= radius).astype(float)
    n, m = a.shape
    cover = milp(
        np.ones(m), constraints=[LinearConstraint(a, 1, np.inf)], integrality=np.ones(m), bounds=Bounds(0, 1)
    )
    assert LSCP.from_cost_matrix(d, radius).solve().count == round(cover.fun)
    p = 3
    # MCLP: max Σ w z, z_i ≤ Σ a_ij y_j, Σ y = p
    big = np.hstack([-a, np.eye(n)])
    cnt = np.hstack([np.ones(m), np.zeros(n)])
    res = milp(-np.concatenate([np.zeros(m), w]),
               constraints=[LinearConstraint(big, -np.inf, 0), LinearConstraint(cnt, p, p)],
               integrality=np.concatenate([np.ones(m), np.zeros(n)]), bounds=Bounds(0, 1))  # fmt: skip
    assert MCLP.from_cost_matrix(d, radius, p, weights=w).solve().covered_weight == pytest.approx(-res.fun)


def _optima() -> dict[str, float]:
    with (ORLIB / "optima.csv").open() as f:
        return {r["instance"]: float(r["optimal"]) for r in csv.DictReader(f)}


@pytest.mark.parametrize("name", ["pmed1", "pmed2", "pmed3", "pmed4", "pmed5", "pmed7", "pmed13"])
def test_orlib_optima(name):
    m = PMedian.from_orlib(ORLIB / f"{name}.txt").solve()
    assert m.status == "optimal"
    assert m.objective == _optima()[name]
    assert m.bound == m.objective
    assert len(m.sites) == m.p


def test_orlib_last_edge_wins_and_paths_are_shortest(tmp_path):
    f = tmp_path / "tiny.txt"
    # 1-2 listed twice (9 then 2), 2-3 cost 3, 1-3 cost 10: d(1,3) = 2 + 3 = 5
    f.write_text(" 3 4 1\n 1 2 9\n 2 3 3\n 1 3 10\n 2 1 2\n", encoding="ascii")
    d, p = read_orlib(f)
    assert p == 1
    assert d.tolist() == [[0, 2, 5], [2, 0, 3], [5, 3, 0]]
    m = PMedian.from_orlib(f).solve()
    assert m.objective == 5 and m.site_ids == ["2"]


@pytest.mark.parametrize(
    ("body", "message"),
    [(" 3 1\n", "第 1 行"), (" 3 2 1\n 1 2 4\n", "首行说有 2 条边"), (" 3 1 1\n 1 4 4\n", "第 2 行的顶点"),
     (" 3 2 1\n 1 2 4\n 1 x 4\n", "第 3 行"), (" 3 1 1\n 1 2 4\n", "不连通")],
)  # fmt: skip
def test_orlib_errors_name_the_line(tmp_path, body, message):
    f = tmp_path / "bad.txt"
    f.write_text(body, encoding="ascii")
    with pytest.raises(InputError, match=message):
        read_orlib(f)


def test_sparse_engine_matches_the_dense_one(monkeypatch):
    """k-nearest distances: the sparse kernels (greedy, interchange, Lagrangian, MIP) reach the optimum the
    dense kernels reach, and both match the assignment MIP restricted to the listed pairs."""
    from chainbrain.siting import _pmedian_solver

    rng = np.random.default_rng(5)
    pts = np.column_stack([rng.uniform(106, 107, 40), rng.uniform(29, 30, 40)])
    dense_model = PMedian.from_points(pts, pts, 4, k_nearest=12).solve()
    monkeypatch.setattr(_pmedian_solver, "_DENSE_MAX", 0)
    sparse_model = PMedian.from_points(pts, pts, 4, k_nearest=12).solve()
    assert sparse_model.objective == pytest.approx(dense_model.objective, rel=1e-9)
    full = dense_model.distance.toarray()
    full[full == 0] = 1e6  # pairs not listed: far too costly to use
    np.fill_diagonal(full, 0.0)
    assert dense_model.objective == pytest.approx(_assignment_pmedian(full, 4), rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_pmedian_gap_is_certified_and_the_bound_is_valid(seed):
    d, w = _instance(300 + seed, n=30, m=25)
    exact = PMedian.from_cost_matrix(d, 4, weights=w).solve().objective
    m = PMedian.from_cost_matrix(d, 4, weights=w).solve(gap=0.05, check=False)
    assert m.status in {"optimal", "gap_met"}
    assert m.bound <= exact + 1e-9 <= m.objective + 1e-9
    assert m.objective - m.bound <= 0.05 * m.objective + 1e-9
    if m.status == "optimal":
        assert m.objective == pytest.approx(exact)
