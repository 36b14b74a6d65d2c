"""Benchmark: TTR + TTS sweeps of every node, models built once and warm-started vs rebuilt per scenario.

Networks: the 38 real Willems (2008) chains in ../shared/data/willems_2008 (each arc = one unit of the
upstream stage's output; illustrative stock / ttr, see chainbrain.resilience.samples.load_willems) and a
synthetic layered network (default 20,000 nodes).

For each network:
- sweep: every node's scenario solved in turn (ttr order) as ``sweep`` does it (``ScenarioSolver.solve_all``:
  exact decomposition onto the nodes the disruption can limit, sub-LPs cut out of the whole LP and shared
  warm by scenarios with the same large non-free set; on capacitated networks a region around the disrupted
  node certified exact by LP duality; the whole-network models, kept warm, for the rest — see
  docs/benchmarks.md), timed per scenario;
  the total is the serial sweep time. ``--full-warm`` also times the earlier method (one TimeToRecover + one
  TimeToSurvive model of the whole network, re-solved warm) for comparison. For the synthetic network the
  parallel ``sweep(workers=W)`` wall time is measured.
- rebuild: for a sample of nodes, build both LPs from scratch (fresh HiGHS, default presolve) and solve
  cold; the median per node × node count is the extrapolated rebuild time (stated as extrapolated).

Run:  .venv/bin/python bench/bench_resilience.py [--chains 01,38] [--synthetic 20000] [--workers 2] [--full-warm]
Prints one line per network and a summary; nothing is written to disk.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from chainbrain.resilience.model import TimeToRecover, TimeToSurvive, _Warm
from chainbrain.resilience.network import Network
from chainbrain.resilience.samples import layered, load_willems
from chainbrain.resilience.sweep import ScenarioSolver, scenarios, sweep

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"


def sweep_times(net: Network, limit: int | None = None) -> list[float]:
    """Seconds per scenario (TTR + TTS) as the sweep solves them (``ScenarioSolver.solve_all``: exact
    decomposition, sub-LPs cut out of the whole LP and shared warm by scenarios with the same large non-free
    set, full warm models only for scenarios that reach most of the network), in ttr order. One-off setup
    and the planning pass go to the first scenario, a shared sub-LP's build to its group's first."""
    todo = sorted(scenarios(net), key=lambda s: s.ttr)[:limit]
    start = time.perf_counter()
    solver = ScenarioSolver(net)
    solver.solve_all(todo)
    total = time.perf_counter() - start
    out = list(solver.times)
    out[0] += total - sum(out)
    return out


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


def rebuild_times(net: Network, sample: int) -> list[float]:
    """Seconds per scenario when both LPs are built from scratch and solved cold, on evenly spaced nodes."""
    step = max(1, len(net.nodes) // sample)
    out = []
    for nd in net.nodes[::step][:sample]:
        t0 = time.perf_counter()
        TimeToRecover(net, presolve="choose").solve(nd.id, nd.ttr)
        TimeToSurvive(net, presolve="choose").solve(nd.id)
        out.append(time.perf_counter() - t0)
    return out


def report(
    name: str, net: Network, swept: list[float], rebuild: list[float], warm: list[float] | None
) -> dict:
    n = len(net.nodes)
    total = sum(swept)
    rebuild_est = statistics.median(rebuild) * n
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
    }
    full = f" | full-LP warm total {row['warm_total_s']:8.2f} s" if warm is not None else ""
    print(
        f"{name:>10} nodes={n:>6} edges={row['edges']:>6} sweep median {row['sweep_median_ms']:7.2f} ms"
        f" total {total:7.2f} s{full} | rebuild median {row['rebuild_median_ms']:7.2f} ms"
        f" (n={len(rebuild)}) est {rebuild_est:8.2f} s | ratio {row['ratio']:6.1f}x",
        flush=True,
    )
    return row


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
    ap.add_argument("--sample", type=int, default=10, help="nodes per network for the rebuild baseline")
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
        for f in files:
            net = load_willems(f)
            warm = warm_times(net) if args.full_warm else None
            rows.append(
                report(f"willems{f.stem}", net, sweep_times(net), rebuild_times(net, args.sample), warm)
            )
        if rows:
            warm_all = sum(r["sweep_total_s"] for r in rows)
            rebuild_all = sum(r["rebuild_est_s"] for r in rows)
            print(
                f"willems all {len(rows)} chains, {sum(r['nodes'] for r in rows)} nodes: sweep {warm_all:.2f} s,"
                f" rebuild (extrapolated) {rebuild_all:.2f} s, ratio {rebuild_all / warm_all:.1f}x;"
                f" median per-chain ratio {statistics.median(r['ratio'] for r in rows):.1f}x",
                flush=True,
            )
    if args.synthetic and args.synthetic_limit:
        net = layered(args.synthetic)
        timed = sweep_times(net, args.synthetic_limit)
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

        result = sweep(net, workers=args.workers, progress=tick)
        wall = time.perf_counter() - t0
        finite = sum(r["tts"] is not None for r in result)
        print(
            f"synthetic n={len(net.nodes)} parallel sweep (workers={args.workers}) wall {wall:.1f} s,"
            f" {finite} finite TTS",
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
