"""Benchmark: TTR + TTS sweeps of every node, models built once and warm-started vs rebuilt per scenario.

Networks: the 38 real Willems (2008) chains in ../shared/data/willems_2008 (each arc = one unit of the
upstream stage's output; illustrative stock / ttr, see chainbrain.resilience.samples.load_willems) and a
synthetic layered network (default 20,000 nodes).

For each network:
- warm: one TimeToRecover + one TimeToSurvive model, every node's scenario solved in turn (ttr order),
  timed per scenario; the total is the serial sweep time. For the synthetic network the parallel
  ``sweep(workers=W)`` wall time is measured too.
- rebuild: for a sample of nodes, build both LPs from scratch (fresh HiGHS, default presolve) and solve
  cold; the median per node × node count is the extrapolated rebuild time (stated as extrapolated).

Run:  .venv/bin/python bench/bench_resilience.py [--chains 01,38] [--synthetic 20000] [--workers 2]
Prints one line per network and a summary; nothing is written to disk.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from chainbrain.resilience.model import TimeToRecover, TimeToSurvive
from chainbrain.resilience.network import Network
from chainbrain.resilience.samples import layered, load_willems
from chainbrain.resilience.sweep import scenarios, sweep

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"


def warm_times(net: Network, limit: int | None = None) -> list[float]:
    """Seconds per scenario (TTR + TTS) with both models built once (build time included in the first).

    ``limit``: time only the first ``limit`` scenarios of the sweep order (for extrapolation).
    """
    todo = sorted(scenarios(net), key=lambda s: s.ttr)[:limit]
    out = []
    start = time.perf_counter()
    ttr_model, tts_model = TimeToRecover(net, screen=True), TimeToSurvive(net, screen=True)
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


def report(name: str, net: Network, warm: list[float], rebuild: list[float], extra: str = "") -> dict:
    n = len(net.nodes)
    warm_total = sum(warm)
    rebuild_est = statistics.median(rebuild) * n
    row = {
        "name": name,
        "nodes": n,
        "edges": len(net.supply),
        "warm_median_ms": statistics.median(warm) * 1e3,
        "warm_total_s": warm_total,
        "rebuild_median_ms": statistics.median(rebuild) * 1e3,
        "rebuild_est_s": rebuild_est,
        "ratio": rebuild_est / warm_total if warm_total > 0 else float("inf"),
    }
    print(
        f"{name:>10} nodes={n:>6} edges={row['edges']:>6} warm median {row['warm_median_ms']:8.2f} ms"
        f" total {warm_total:8.2f} s | rebuild median {row['rebuild_median_ms']:8.2f} ms"
        f" (n={len(rebuild)}) est {rebuild_est:9.2f} s | ratio {row['ratio']:6.1f}x {extra}",
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
            rows.append(report(f"willems{f.stem}", net, warm_times(net), rebuild_times(net, args.sample)))
        if rows:
            warm_all = sum(r["warm_total_s"] for r in rows)
            rebuild_all = sum(r["rebuild_est_s"] for r in rows)
            print(
                f"willems all {len(rows)} chains, {sum(r['nodes'] for r in rows)} nodes: warm {warm_all:.2f} s,"
                f" rebuild (extrapolated) {rebuild_all:.2f} s, ratio {rebuild_all / warm_all:.1f}x;"
                f" median per-chain ratio {statistics.median(r['ratio'] for r in rows):.1f}x",
                flush=True,
            )
    if args.synthetic and args.synthetic_limit:
        net = layered(args.synthetic)
        timed = warm_times(net, args.synthetic_limit)
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

        result = sweep(
            net, workers=args.workers, chunk_size=max(1, len(net.nodes) // (args.workers * 20)), progress=tick
        )
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
