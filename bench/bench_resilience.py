"""Benchmark: TTR + TTS sweeps of every node, models built once and warm-started vs rebuilt per scenario.

Networks: the 38 real Willems (2008) chains in ../shared/data/willems_2008 (each arc = one unit of the
upstream stage's output; illustrative stock / ttr, see chainbrain.resilience.samples.load_willems) and a
synthetic layered network (default 20,000 nodes).

For each network:
- sweep: every node's scenario solved in turn (ttr order) as ``sweep`` does it (``ScenarioSolver.solve_all``:
  exact decomposition onto the nodes the disruption can limit, answered in closed form where those nodes
  form a tree on an uncapacitated network (``forest.py``; capacities that can never bind do not count,
  ``idle.py``), else sub-LPs cut out of the whole LP and shared warm by scenarios with the same large
  non-free set; on networks with a capacity that can bind, a region around the disrupted node certified
  exact by LP duality; the whole-network models, kept warm, for the rest — see
  docs/benchmarks.md), timed per scenario;
  the total is the serial sweep time. ``--full-warm`` also times the earlier method (one TimeToRecover + one
  TimeToSurvive model of the whole network, re-solved warm) for comparison. For the synthetic network the
  parallel ``sweep(workers=W)`` wall time is measured.
- scipy (the reported baseline): for a sample of nodes, scipy's ``linprog(method="highs")`` on the same
  TTR and TTS LPs (the matrix prepared once, one linprog call per LP and scenario), its answers checked
  against the sweep's; the median per node × node count is the extrapolated scipy sweep.
- rebuild: for the same nodes, each LP built from scratch once and solved once, cold (fresh HiGHS, default
  presolve; the TTS LP capped at the horizon, without the sweep's steady-state test); extrapolated alike.
- ``--capacitated``: also the variant of every chain with each stage capacitated at 1.5× its flow and
  3 days of stock (``load_willems(capacity_factor=1.5, stock_cover=3)``).

Run:  .venv/bin/python bench/bench_resilience.py [--chains 01,38] [--synthetic 20000] [--workers 2] [--full-warm]
      [--capacitated]
Prints one line per network and a summary; nothing is written to disk.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from chainbrain.resilience.lp import INF, build_lp
from chainbrain.resilience.model import TimeToRecover, TimeToSurvive, _Warm
from chainbrain.resilience.network import Network
from chainbrain.resilience.samples import layered, load_willems
from chainbrain.resilience.sweep import ScenarioSolver, scenarios, sweep

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"


def sweep_times(net: Network, limit: int | None = None) -> tuple[list[float], dict[str, dict[str, Any]]]:
    """Seconds per scenario (TTR + TTS) as the sweep solves them (``ScenarioSolver.solve_all``: exact
    decomposition, sub-LPs cut out of the whole LP and shared warm by scenarios with the same large non-free
    set, full warm models only for scenarios that reach most of the network), in ttr order. One-off setup
    and the planning pass go to the first scenario, a shared sub-LP's build to its group's first."""
    todo = sorted(scenarios(net), key=lambda s: s.ttr)[:limit]
    start, cpu = time.perf_counter(), time.process_time()
    solver = ScenarioSolver(net)
    rows = solver.solve_all(todo)
    total = time.perf_counter() - start
    CPU["sweep"] = time.process_time() - cpu
    out = list(solver.times)
    out[0] += total - sum(out)
    return out, {r["node"]: r for r in rows}


# CPU seconds of the last sweep_times() call and per scipy scenario of the last scipy_times() call: on a
# shared machine the wall clock of both sides depends on the other jobs; their CPU seconds much less
CPU: dict[str, Any] = {"sweep": 0.0, "scipy": []}


def warm_times(net: Network, limit: int | None = None) -> list[float]:
    """Seconds per scenario (TTR + TTS) with both models built once (build time included in the first).

    ``limit``: time only the first ``limit`` scenarios of the sweep order (for extrapolation).
    """
    todo = sorted(scenarios(net), key=lambda s: s.ttr)[:limit]
    out = []
    start = time.perf_counter()
    ttr_model = TimeToRecover._sweeping(net, _Warm(screen=True))
    tts_model = TimeToSurvive._sweeping(net, _Warm(screen=True))
    build = time.perf_counter() - start
    for sc in todo:
        t0 = time.perf_counter()
        ttr_model.solve(sc.nodes, sc.ttr)
        tts_model.solve(sc.nodes)
        out.append(time.perf_counter() - t0)
    out[0] += build
    return out


HORIZON = 1e6  # days: the TTS models' cap (TimeToSurvive's default)


def _sample(net: Network, sample: int) -> list[int]:
    step = max(1, len(net.nodes) // sample)
    return list(range(0, len(net.nodes), step))[:sample]


def _ttr_bounds(
    net: Network, lay: Any, lp: Any, j: int, t: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cost = np.zeros(lp.num_col_)
    cost[lay.n + lay.m + np.arange(len(lay.finished))] = [net.nodes[f].profit for f in lay.finished]
    lo, hi = np.zeros(lp.num_col_), np.full(lp.num_col_, np.inf)
    hi[j] = 0.0
    lo[lay.t_col] = hi[lay.t_col] = t
    return cost, lo, hi


def _tts_bounds(lay: Any, lp: Any, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cost = np.zeros(lp.num_col_)
    cost[lay.t_col] = -1.0
    lo, hi = np.zeros(lp.num_col_), np.full(lp.num_col_, np.inf)
    hi[j] = 0.0
    hi[lay.n + lay.m + np.arange(len(lay.finished))] = 0.0
    hi[lay.t_col] = HORIZON
    return cost, lo, hi


def _tts_of(t: float) -> float | None:
    return None if t >= HORIZON * (1 - 1e-9) else max(0.0, t)


def scipy_times(net: Network, sample: int, want: dict[str, dict[str, Any]]) -> tuple[list[float], int]:
    """Seconds per scenario of scipy's linprog (HiGHS) on the TTR and the TTS LP, and how many sampled
    scenarios disagree with the sweep (loss or TTS beyond 1e-6 absolute + 1e-4 relative)."""
    lp, lay = build_lp(net)
    a = lp.a_matrix_
    mat = sp.csc_matrix(
        (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)), shape=(lp.num_row_, lp.num_col_)
    )
    row_lo, row_hi = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    up, low = row_hi < INF, row_lo > -INF
    a_ub = sp.vstack([mat[up], -mat[low]]).tocsr()
    b_ub = np.concatenate([row_hi[up], -row_lo[low]])
    out, wrong = [], 0
    CPU["scipy"] = []
    for j in _sample(net, sample):
        nd = net.nodes[j]
        t = float(nd.ttr or 0.0)
        t0, c0 = time.perf_counter(), time.process_time()
        cost, lo, hi = _ttr_bounds(net, lay, lp, j, t)
        r1 = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=np.column_stack([lo, hi]), method="highs")
        cost, lo, hi = _tts_bounds(lay, lp, j)
        r2 = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=np.column_stack([lo, hi]), method="highs")
        out.append(time.perf_counter() - t0)
        CPU["scipy"].append(time.process_time() - c0)
        loss = max(0.0, float(r1.fun)) if r1.status == 0 else None
        tts = _tts_of(float(r2.x[lay.t_col])) if r2.status == 0 else 0.0  # infeasible: no day survived
        got = want.get(nd.id)
        if got is None or loss is None or not _close(loss, got["loss"]) or not _close(tts, got["tts"]):
            wrong += 1
            print(
                f"    scipy differs on {nd.id}: loss {loss} vs {got and got['loss']}, tts {tts} vs {got and got['tts']}"
            )
    return out, wrong


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 + 1e-4 * abs(b)


def rebuild_times(net: Network, sample: int) -> list[float]:
    """Seconds per scenario when each LP is built from scratch once and solved once, cold (fresh HiGHS,
    default presolve), on evenly spaced nodes."""
    out = []
    for j in _sample(net, sample):
        t = float(net.nodes[j].ttr or 0.0)
        t0 = time.perf_counter()
        for which in ("ttr", "tts"):
            lp, lay = build_lp(net)
            cost, lo, hi = _ttr_bounds(net, lay, lp, j, t) if which == "ttr" else _tts_bounds(lay, lp, j)
            lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lo, np.minimum(hi, INF)
            h = highspy.Highs()
            h.silent()
            h.setOptionValue("threads", 1)
            h.passModel(lp)
            h.run()
        out.append(time.perf_counter() - t0)
    return out


def report(
    name: str,
    net: Network,
    swept: list[float],
    rebuild: list[float],
    warm: list[float] | None,
    scipy: tuple[list[float], int] | None = None,
) -> dict:
    n = len(net.nodes)
    total = sum(swept)
    rebuild_est = statistics.median(rebuild) * n
    scipy_est = statistics.median(scipy[0]) * n if scipy else None
    row = {
        "name": name,
        "nodes": n,
        "edges": len(net.supply),
        "sweep_median_ms": statistics.median(swept) * 1e3,
        "sweep_total_s": total,
        "warm_total_s": sum(warm) if warm is not None else None,
        "rebuild_median_ms": statistics.median(rebuild) * 1e3,
        "rebuild_est_s": rebuild_est,
        "ratio": rebuild_est / total if total > 0 else float("inf"),
        "scipy_est_s": scipy_est,
        "scipy_ratio": scipy_est / total if scipy_est is not None and total > 0 else None,
        "scipy_wrong": scipy[1] if scipy else 0,
        "sweep_cpu_s": CPU["sweep"],
        "scipy_cpu_est_s": statistics.median(CPU["scipy"]) * n if scipy and CPU["scipy"] else None,
    }
    full = f" | full-LP warm total {row['warm_total_s']:8.2f} s" if warm is not None else ""
    sci = ""
    if scipy is not None:
        sci = (
            f" | scipy median {statistics.median(scipy[0]) * 1e3:7.2f} ms est {scipy_est:8.2f} s"
            f" ratio {row['scipy_ratio']:6.1f}x ({scipy[1]} differ)"
        )
        if row["scipy_cpu_est_s"] is not None and row["sweep_cpu_s"] > 0:
            sci += (
                f" | CPU: sweep {row['sweep_cpu_s']:7.2f} s, scipy est {row['scipy_cpu_est_s']:8.2f} s,"
                f" ratio {row['scipy_cpu_est_s'] / row['sweep_cpu_s']:6.1f}x"
            )
    print(
        f"{name:>10} nodes={n:>6} edges={row['edges']:>6} sweep median {row['sweep_median_ms']:7.2f} ms"
        f" total {total:7.2f} s{full}{sci} | rebuild median {row['rebuild_median_ms']:7.2f} ms"
        f" (n={len(rebuild)}) est {rebuild_est:8.2f} s | ratio {row['ratio']:6.1f}x",
        flush=True,
    )
    return row


def summary(label: str, rows: list[dict]) -> None:
    swept = sum(r["sweep_total_s"] for r in rows)
    rebuild_all = sum(r["rebuild_est_s"] for r in rows)
    scipy_all = sum(r["scipy_est_s"] for r in rows)
    print(
        f"{label} {len(rows)} chains, {sum(r['nodes'] for r in rows)} nodes: sweep {swept:.2f} s,"
        f" scipy (extrapolated) {scipy_all:.2f} s, ratio {scipy_all / swept:.1f}x"
        f" (median per chain {statistics.median(r['scipy_ratio'] for r in rows):.1f}x,"
        f" {sum(r['scipy_wrong'] for r in rows)} sampled answers differ);"
        f" rebuild (extrapolated) {rebuild_all:.2f} s, ratio {rebuild_all / swept:.1f}x;"
        f" median per-chain rebuild ratio {statistics.median(r['ratio'] for r in rows):.1f}x",
        flush=True,
    )
    cpu_sweep = sum(r["sweep_cpu_s"] for r in rows)
    cpu_scipy = sum(r["scipy_cpu_est_s"] or 0.0 for r in rows)
    if cpu_sweep > 0:
        print(
            f"{label} CPU seconds: sweep {cpu_sweep:.2f} s, scipy (extrapolated) {cpu_scipy:.2f} s,"
            f" ratio {cpu_scipy / cpu_sweep:.1f}x",
            flush=True,
        )


def _cpu_all() -> float:
    """CPU seconds of this process and of its finished child processes (the sweep's workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--chains", default="all", help="comma-separated chain numbers (01..38) or 'all' or 'none'"
    )
    ap.add_argument("--synthetic", type=int, default=20_000, help="nodes of the synthetic network (0 = skip)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--full-warm", action="store_true", help="also time the full-LP warm re-solve of every node (slow)"
    )
    ap.add_argument("--sample", type=int, default=10, help="nodes per network for the baselines")
    ap.add_argument(
        "--no-rebuild",
        action="store_true",
        help="Willems chains: skip the rebuild baseline (scipy stays; halves a run on a busy machine)",
    )
    ap.add_argument(
        "--capacitated",
        action="store_true",
        help="also sweep each chain with every stage capacitated (1.5× its flow) and 3 days of stock",
    )
    ap.add_argument(
        "--synthetic-limit",
        type=int,
        default=0,
        help="time only this many warm scenarios of the synthetic network and extrapolate (0 = full parallel sweep)",
    )
    args = ap.parse_args(argv)
    rows = []
    if args.chains != "none":
        files = sorted(WILLEMS.glob("[0-9][0-9].csv"))
        if args.chains != "all":
            wanted = {c.zfill(2) for c in args.chains.split(",")}
            files = [f for f in files if f.stem in wanted]
        variants: list[tuple[str, dict[str, float]]] = [("willems", {})]
        if args.capacitated:
            variants.append(("capacitated", {"capacity_factor": 1.5, "stock_cover": 3.0}))
        for label, kwargs in variants:
            rows = []
            for f in files:
                net = load_willems(f, **kwargs)
                warm = warm_times(net) if args.full_warm else None
                swept, answers = sweep_times(net)
                scipy = scipy_times(net, args.sample, answers)
                rows.append(
                    report(
                        f"{'willems' if not kwargs else 'cap'}{f.stem}",
                        net,
                        swept,
                        rebuild_times(net, args.sample) if not args.no_rebuild else [float("nan")],
                        warm,
                        scipy,
                    )
                )
            if rows:
                summary(f"{label} all", rows)
    if args.synthetic and args.synthetic_limit:
        net = layered(args.synthetic)
        timed, _ = sweep_times(net, args.synthetic_limit)
        first, warm = timed[0], timed[1:]  # the first scenario carries the one-off build and cold solves
        rebuild = rebuild_times(net, max(3, args.sample // 3))
        est_warm = first + statistics.mean(warm) * (len(net.nodes) - 1)
        print(f"synthetic one-off (build + first, cold, scenario): {first:.1f} s", flush=True)
        est_rebuild = statistics.mean(rebuild) * len(net.nodes)
        print(
            f"synthetic n={len(net.nodes)} edges={len(net.supply)}: warm median {statistics.median(warm) * 1e3:.1f} ms"
            f" (first {len(warm)} scenarios of the sweep order, mean {statistics.mean(warm) * 1e3:.1f} ms)"
            f" → extrapolated serial sweep {est_warm:.0f} s (one-off + mean × rest), {est_warm / args.workers:.0f} s on"
            f" {args.workers} workers; rebuild median {statistics.median(rebuild) * 1e3:.0f} ms,"
            f" mean {statistics.mean(rebuild) * 1e3:.0f} ms (n={len(rebuild)}) → {est_rebuild:.0f} s;"
            f" ratio (means) {est_rebuild / est_warm:.1f}x",
            flush=True,
        )
    elif args.synthetic:
        net = layered(args.synthetic)
        t0 = time.perf_counter()
        done = [0]

        def tick(k: int) -> None:
            before, done[0] = done[0], done[0] + k
            if done[0] * 10 // len(net.nodes) > before * 10 // len(net.nodes):
                el = time.perf_counter() - t0
                print(f"  … {done[0]}/{len(net.nodes)} scenarios, {el:.0f} s", file=sys.stderr, flush=True)

        before = _cpu_all()
        result = sweep(net, workers=args.workers, progress=tick)
        wall = time.perf_counter() - t0
        cpu = _cpu_all() - before
        finite = sum(r["tts"] is not None for r in result)
        print(
            f"synthetic n={len(net.nodes)} parallel sweep (workers={args.workers}) wall {wall:.1f} s,"
            f" {finite} finite TTS; CPU {cpu:.1f} s (this process and its workers)",
            flush=True,
        )
        rebuild = rebuild_times(net, max(3, args.sample // 3))
        est = statistics.median(rebuild) * len(net.nodes)
        print(
            f"synthetic rebuild median {statistics.median(rebuild) * 1e3:.1f} ms (n={len(rebuild)}),"
            f" extrapolated serial {est:.0f} s = {est / args.workers:.0f} s on {args.workers} workers;"
            f" ratio vs parallel warm sweep {est / args.workers / wall:.1f}x",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
