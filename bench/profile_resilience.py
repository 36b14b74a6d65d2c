"""Where a large sweep's time goes: one ScenarioSolver on a random sample of the synthetic network's scenarios.

Each path a scenario can take is timed — the certified local region (answered, or given up at its cap), the
whole network's steady-state test (a steady state, or a deficit) and the whole network's TTS LP — and the
time per scenario after the one-off set-up (the first ``--warmup`` scenarios: cold solves of the
whole-network models) is extrapolated to a 2-worker sweep. Scenarios screened by a steady state found
earlier, or idle in the base, take no path and count at their (near-zero) cost.

With ``--chain NN`` the network is Willems chain NN instead (``--capacitated``: every stage capacitated at
1.5× its flow with 3 days of stock), and its whole sweep is profiled in the sweep's ttr order, none of it
counted as set-up; the path counters of the local method (steady-state tests proved by the dead set) are
printed too.

Run:  .venv/bin/python bench/profile_resilience.py [--nodes 20000] [--sample 600] [--warmup 100] [--cap 200]
      .venv/bin/python bench/profile_resilience.py --sweep-order --sample 3000   # one worker's sweep order
      .venv/bin/python bench/profile_resilience.py --chain 38 --capacitated
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chainbrain.resilience import local, model
from chainbrain.resilience.samples import layered, load_willems
from chainbrain.resilience.sweep import ScenarioSolver, _chunks, scenarios

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"
SPENT: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])


def timed(cls: type, name: str, label: Callable[[Any], str]) -> None:
    """Wrap ``cls.name`` so each call adds its seconds to SPENT[label(result)]."""
    inner = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        out = inner(self, *args, **kwargs)
        entry = SPENT[label(out)]
        entry[0] += 1
        entry[1] += time.perf_counter() - t0
        return out

    setattr(cls, name, wrapper)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=20_000)
    ap.add_argument("--sample", type=int, default=600)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--cap", type=int, default=None, help="local region cap (default: the solver's)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--sweep-order",
        action="store_true",
        help="one worker's scenarios in the order a 2-worker sweep runs them (every other chunk), not a random sample",
    )
    ap.add_argument("--chain", default="", help="profile this Willems chain's whole sweep instead (e.g. 38)")
    ap.add_argument("--capacitated", action="store_true", help="with --chain: every stage capacitated")
    args = ap.parse_args(argv)
    timed(
        local.LocalSolver,
        "solve",
        lambda r: "local region: answered" if r is not None else "local region: gave up",
    )
    timed(model._SteadyState, "feasible", lambda r: "whole steady test: " + ("steady" if r else "deficit"))
    timed(model.TimeToSurvive, "solve", lambda r: "whole TTS (incl. its steady test)")
    timed(model.TimeToRecover, "solve", lambda r: "whole TTR")
    if args.chain:
        return _chain(args.chain, args.capacitated, args.cap)
    net = layered(args.nodes)
    if args.sweep_order:  # sorted by ttr, in chunks of 100; with 2 workers each takes about every other one
        todo = [sc for chunk in _chunks(scenarios(net), 100)[::2] for sc in chunk][: args.sample]
    else:
        todo = random.Random(args.seed).sample(scenarios(net), args.sample)
    solver = ScenarioSolver(net, local_nodes=args.cap)
    t0 = time.perf_counter()
    for sc in todo[: args.warmup]:
        solver.solve(sc)
    setup = time.perf_counter() - t0
    SPENT.clear()
    t1 = time.perf_counter()
    for sc in todo[args.warmup :]:
        solver.solve(sc)
    rest = time.perf_counter() - t1
    k = len(todo) - args.warmup
    per = rest / k
    print(
        f"network: {len(net.nodes)} nodes, {len(net.supply)} edges; local cap {solver._local_solver().max_nodes}"
    )  # type: ignore[union-attr]
    print(f"first {args.warmup} scenarios (one-off set-up and cold solves): {setup:.1f} s")
    print(
        f"next {k}: {rest:.1f} s = {per * 1e3:.1f} ms per scenario → {len(net.nodes)} scenarios on 2 workers"
        f" ≈ {per * len(net.nodes) / 2:.0f} s + set-up"
    )
    for what, (count, seconds) in sorted(SPENT.items(), key=lambda kv: -kv[1][1]):
        print(f"  {what:<36} calls {int(count):>5}  {seconds:7.1f} s  ({seconds / count * 1e3:7.1f} ms each)")
    ls = solver._local_solver()
    if ls is not None:
        print(
            f"  all {len(todo)}: {ls.rerouted} steady states re-routed without an LP, {ls.gave_up} regions given up"
        )
    return 0


def _chain(chain: str, capacitated: bool, cap: int | None) -> int:
    kwargs = {"capacity_factor": 1.5, "stock_cover": 3.0} if capacitated else {}
    net = load_willems(WILLEMS / f"{chain.zfill(2)}.csv", **kwargs)
    todo = sorted(scenarios(net), key=lambda s: s.ttr)
    solver = ScenarioSolver(net, local_nodes=cap)
    t0, c0 = time.perf_counter(), time.process_time()
    solver.solve_all(todo)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{net.source}: {len(net.nodes)} nodes, {len(net.supply)} edges; sweep {wall:.2f} s wall, {cpu:.2f} s CPU"
    )
    local = solver._local_solver() if not solver.dec.cuts_down else None
    if local is not None:
        print(
            f"  local method: {len(local.regions)} certified regions, {local.proved_dead} steady-state tests"
            f" answered by the dead set, region cap {local.max_nodes}"
        )
    for what, (count, seconds) in sorted(SPENT.items(), key=lambda kv: -kv[1][1]):
        print(f"  {what:<36} calls {int(count):>5}  {seconds:7.2f} s  ({seconds / count * 1e3:7.2f} ms each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
