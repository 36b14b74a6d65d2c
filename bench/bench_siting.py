"""Benchmark: the siting models — all 40 OR-Library p-median instances to proven optimality, spopt on the same
instances in the same run, LSCP at 1,031 × 5,000, p-median at 10,000 × 10,000 on k-nearest distances.

Sections (all by default; pick with --only):
- pmed: every pmedK in ../shared/data/orlib_pmed solved by chainbrain's PMedian (wall time including the
  shortest paths), objective, proven bound and the published optimum; the total against the 10-minute aim.
- spopt: for the instances with n ≤ --spopt-max-n, spopt's PMedian (the assignment MIP, PuLP + CBC, its
  documented default) right after ours on the same instance (interleaved, so both see the same load), then
  LSCP and MCLP on a random 300 × 600 instance; prints both times, both objectives and the ratio.
- lscp: 1,031 demand points (random in Chongqing's bounding box) × 5,000 candidates (the points themselves
  plus 3,969 random ones), radius 10 km, great-circle km.
- large: p-median with 10,000 demand points and 10,000 candidates, each point's --k nearest candidates, p
  sites; the certified gap (objective − Lagrangian bound) / objective.

Run:  .venv/bin/python bench/bench_siting.py [--only pmed,spopt,lscp,large] [--spopt-max-n 200]
Prints one line per item and a summary; nothing is written to disk.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

from chainbrain.siting import LSCP, MCLP, PMedian
from chainbrain.siting.distance import distance_matrix_km

ORLIB = Path(__file__).resolve().parents[2] / "shared" / "data" / "orlib_pmed"
BBOX = (105.29, 110.19, 28.16, 32.20)  # Chongqing: lon min, lon max, lat min, lat max


def optima() -> dict[str, tuple[int, int, float]]:
    with (ORLIB / "optima.csv").open() as f:
        return {r["instance"]: (int(r["n"]), int(r["p"]), float(r["optimal"])) for r in csv.DictReader(f)}


def ours(name: str) -> tuple[PMedian, float, float]:
    """The solved model, wall seconds and this process's CPU seconds (the machine may be shared)."""
    t0, c0 = time.perf_counter(), time.process_time()
    m = PMedian.from_orlib(ORLIB / f"{name}.txt").solve(check=False)
    return m, time.perf_counter() - t0, time.process_time() - c0


def spopt_pmedian(name: str, time_limit: float) -> tuple[float | None, float, str]:
    import pulp
    from spopt.locate import PMedian as SpoptPMedian

    from chainbrain.siting.pmedian import read_orlib

    t0 = time.perf_counter()
    dist, p = read_orlib(ORLIB / f"{name}.txt")
    model = SpoptPMedian.from_cost_matrix(dist, np.ones(dist.shape[0]), p)
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    # CBC stopped by its time limit still reports status 1 ("Optimal"); sol_status tells the two apart
    status = (
        "Optimal"
        if model.problem.sol_status == pulp.LpSolutionOptimal
        else pulp.LpSolution[model.problem.sol_status]
    )
    return pulp.value(model.problem.objective), time.perf_counter() - t0, status


def section_pmed(names: list[str], spopt_max_n: int, spopt_limit: float, with_spopt: bool) -> None:
    known = optima()
    total = cpu_total = 0.0
    ratios = []
    print(f"{'instance':9} {'n':>4} {'p':>4} {'status':>10} {'objective':>10} {'bound':>10} {'optimum':>9} "
          f"{'seconds':>8} {'cpu s':>7}  spopt (wall s)")  # fmt: skip
    for name in names:
        n, p, opt = known[name]
        m, secs, cpu = ours(name)
        total += secs
        cpu_total += cpu
        line = (f"{name:9} {n:4d} {p:4d} {m.status:>10} {m.objective:10.0f} {m.bound:10.0f} {opt:9.0f} "
                f"{secs:8.2f} {cpu:7.2f}")  # fmt: skip
        assert m.objective == opt or m.status != "optimal", f"{name}: optimal {m.objective} ≠ published {opt}"
        if with_spopt and n <= spopt_max_n:
            obj, s_secs, s_status = spopt_pmedian(name, spopt_limit)
            same = obj is not None and abs(obj - opt) < 1e-6
            line += f"  {s_status} {obj:.0f} in {s_secs:.2f} s, ×{s_secs / secs:.1f}{'' if same else ' (differs)'}"
            if s_status == "Optimal" and same:
                ratios.append(s_secs / secs)
        print(line, flush=True)
    solved = sum(1 for _ in names)
    print(
        f"pmed: {solved} instances, total {total:.1f} s wall, {cpu_total:.1f} s CPU (aim: all 40 under 600 s)"
    )
    if ratios:
        print(f"spopt/ours on {len(ratios)} instances both solved: min ×{min(ratios):.1f}, "
              f"median ×{float(np.median(ratios)):.1f}, max ×{max(ratios):.1f}")  # fmt: skip


def random_points(rng: np.random.Generator, k: int) -> np.ndarray:
    return np.column_stack([rng.uniform(BBOX[0], BBOX[1], k), rng.uniform(BBOX[2], BBOX[3], k)])


def section_cover_vs_spopt() -> None:
    import pulp
    from spopt.locate import LSCP as SpoptLSCP
    from spopt.locate import MCLP as SpoptMCLP

    rng = np.random.default_rng(7)
    dem = random_points(rng, 300)
    cand = np.vstack([dem, random_points(rng, 300)])
    d = distance_matrix_km(dem, cand)
    w = rng.integers(1, 100, 300).astype(float)
    for label, run_ours, run_theirs in (
        ("LSCP 300×600 r=25 km", lambda: LSCP.from_cost_matrix(d, 25.0).solve().count,
         lambda: SpoptLSCP.from_cost_matrix(d, 25.0)),
        ("MCLP 300×600 r=15 km p=40", lambda: MCLP.from_cost_matrix(d, 15.0, 40, weights=w).solve().covered_weight,
         lambda: SpoptMCLP.from_cost_matrix(d, w, 15.0, 40)),
    ):  # fmt: skip
        t0 = time.perf_counter()
        a = run_ours()
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        model = run_theirs()
        model.solve(pulp.PULP_CBC_CMD(msg=False))
        b = pulp.value(model.problem.objective)
        t_sp = time.perf_counter() - t0
        print(f"{label}: ours {a:g} in {t_ours:.3f} s; spopt {b:g} in {t_sp:.3f} s; ×{t_sp / t_ours:.1f}"
              f"{'' if abs(a - b) < 1e-6 else ' (objectives differ)'}")  # fmt: skip


def section_lscp() -> None:
    rng = np.random.default_rng(1031)
    dem = random_points(rng, 1031)
    cand = np.vstack([dem, random_points(rng, 5000 - 1031)])
    t0 = time.perf_counter()
    m = LSCP.from_points(dem, cand, 10.0).solve()
    secs = time.perf_counter() - t0
    print(f"LSCP 1,031 × 5,000, r = 10 km: {m.count} sites, {m.status}, {secs:.2f} s "
          f"(distances included; aim < 10 s)")  # fmt: skip


def section_large(k: int, p: int, gap: float, limit: float) -> None:
    rng = np.random.default_rng(10000)
    pts = random_points(rng, 10000)
    t0, c0 = time.perf_counter(), time.process_time()
    model = PMedian.from_points(pts, pts, p, k_nearest=k)
    t_build = time.perf_counter() - t0
    model.solve(gap=gap, time_limit=limit, check=False)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"p-median 10,000 × 10,000, k = {k}, p = {p}: objective {model.objective:,.1f} km, bound "
          f"{model.bound:,.1f}, certified gap {model.gap:.3%}, {model.status}, {secs:.1f} s wall, {cpu:.1f} s CPU "
          f"(k-nearest build {t_build:.1f} s)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="pmed,spopt,lscp,large")
    ap.add_argument("--instances", default="", help="comma-separated pmed names (default all 40)")
    ap.add_argument("--spopt-max-n", type=int, default=200)
    ap.add_argument("--spopt-limit", type=float, default=300.0, help="CBC time limit per instance (s)")
    ap.add_argument("--k", type=int, default=30)
    ap.add_argument("--p", type=int, default=500)
    ap.add_argument("--gap", type=float, default=0.005)
    ap.add_argument("--large-limit", type=float, default=600.0)
    args = ap.parse_args()
    only = set(args.only.split(","))
    names = args.instances.split(",") if args.instances else [f"pmed{k}" for k in range(1, 41)]
    if "pmed" in only:
        section_pmed(names, args.spopt_max_n, args.spopt_limit, "spopt" in only)
    if "spopt" in only:
        section_cover_vs_spopt()
    if "lscp" in only:
        section_lscp()
    if "large" in only:
        section_large(args.k, args.p, args.gap, args.large_limit)


if __name__ == "__main__":
    main()
