"""Benchmark: one resilience sweep run serially, on a 2-process pool and on a local 2-CPU Ray cluster.

The Ray cluster is one node on loopback (chainbrain.resilience.ray_local), so the figure is Ray's overhead
against the process pool on the same two cores, not a speed-up from more machines. Each round runs the three
in turn (interleaved), and every answer is checked against the serial sweep (loss and TTS to 1e-9 relative).

Run:  .venv/bin/python bench/bench_ray.py [--synthetic 2000] [--chain 38] [--rounds 3]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

from chainbrain.resilience.network import Network
from chainbrain.resilience.ray_local import local_cluster, loopback_environment
from chainbrain.resilience.samples import layered, load_willems
from chainbrain.resilience.sweep import sweep

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"


def same(a: list[dict], b: list[dict]) -> bool:
    x, y = {r["node"]: r for r in a}, {r["node"]: r for r in b}
    if x.keys() != y.keys():
        return False
    for k, r in x.items():
        s = y[k]
        if not math.isclose(r["loss"], s["loss"], rel_tol=1e-9, abs_tol=1e-9):
            return False
        if (r["tts"] is None) != (s["tts"] is None):
            return False
        if r["tts"] is not None and not math.isclose(r["tts"], s["tts"], rel_tol=1e-9):
            return False
    return True


def run(name: str, net: Network, address: str, rounds: int) -> None:
    times: dict[str, list[float]] = {"serial": [], "pool(2)": [], "ray(2)": []}
    reference = None
    for _ in range(rounds):
        for label in times:
            start = time.perf_counter()
            if label == "serial":
                rows = sweep(net)
            elif label == "pool(2)":
                rows = sweep(net, workers=2)
            else:
                rows = sweep(net, ray_address=address)
            times[label].append(time.perf_counter() - start)
            reference = reference or rows
            assert same(rows, reference), f"{name}: {label} differs from the serial sweep"
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"{name:<24} nodes={len(net.nodes):>6}  "
        + "  ".join(f"{k} {v:7.2f} s" for k, v in med.items())
        + f"  ray/pool {med['ray(2)'] / med['pool(2)']:.2f}x  ray/serial {med['ray(2)'] / med['serial']:.2f}x"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--synthetic", type=int, default=2000)
    ap.add_argument("--chain", default="38")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    loopback_environment()
    with local_cluster(num_cpus=2) as cluster:
        if args.chain and WILLEMS.is_dir():
            run(
                f"Willems {args.chain}",
                load_willems(WILLEMS / f"{args.chain}.csv"),
                cluster.address,
                args.rounds,
            )
        if args.synthetic:
            run(f"layered {args.synthetic}", layered(args.synthetic, seed=7), cluster.address, args.rounds)


if __name__ == "__main__":
    main()
