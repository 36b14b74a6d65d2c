"""Sweeps: TTR loss and TTS of every node (and named node sets), in parallel processes or on Ray.

Each worker builds its models once and runs a contiguous chunk of scenarios, re-solving warm. Scenarios are
ordered by recovery time so that consecutive scenarios in a chunk mostly share ``t`` and differ only in the
disrupted node: the re-solve then starts from a nearly optimal basis.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainbrain.resilience.decompose import Decomposition, SubLPs
from chainbrain.resilience.forest import ForestAnswers
from chainbrain.resilience.local import LocalSolver, NoSteadyState, Steady, steady_state
from chainbrain.resilience.model import TimeToRecover, TimeToSurvive, _Warm, node_ttr
from chainbrain.resilience.network import Network, NetworkError

Progress = Callable[[int], None]

log = logging.getLogger(__name__)


class RayUnavailable(RuntimeError):
    """``--ray`` was asked for but the optional ``ray`` extra is not installed or the cluster is unreachable."""


@dataclass(frozen=True)
class Scenario:
    name: str  # node id, or a set name such as "district:500112"
    nodes: tuple[str, ...]
    ttr: float


def scenarios(
    net: Network,
    *,
    ttr: float | None = None,
    nodes: bool = True,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> list[Scenario]:
    """One scenario per node (and per named set), with ``ttr`` or else the set's own recovery time."""
    out = []
    if nodes:
        for nd in net.nodes:
            t = ttr if ttr is not None else nd.ttr
            if t is None:
                raise NetworkError(f"节点 {nd.id!r} 没有 ttr：请在网络中给出，或用 --ttr 指定统一的恢复时间")
            out.append(Scenario(nd.id, (nd.id,), float(t)))
    for name, members in (groups or {}).items():
        t = ttr if ttr is not None else node_ttr(net, members)
        if t is None:
            raise NetworkError(f"节点集 {name!r} 的节点都没有 ttr：请用 --ttr 指定")
        out.append(Scenario(name, tuple(members), float(t)))
    return out


class ScenarioSolver:
    """TTR loss and TTS of one scenario after another on one network (see :func:`run_chunk`)."""

    def __init__(
        self,
        net: Network,
        *,
        group_min: int = 100,
        base: Steady | None = None,
        local_nodes: int | None = None,
    ) -> None:
        """``base``: a steady state of ``net`` (:func:`~chainbrain.resilience.local.steady_state`) for the
        local method; computed on first need when not given."""
        self.net = net
        self._base = base
        self.local_nodes = local_nodes  # the local method's region cap (None: its default)
        self._local: LocalSolver | None | bool = None  # False: the network has no steady state
        self.dec = Decomposition(net, max_share=0.9)
        self.group_min = group_min  # non-free sets at least this large share warm sub-LPs
        self._cuts: SubLPs | None = None
        self._full: tuple[TimeToRecover, TimeToSurvive] | None = None
        self._highs: tuple[Any, Any] | None = None  # reused by every sub-LP (one scenario or group at a time)
        self.forest = ForestAnswers(net, self.dec)  # closed-form answers where the non-free set is a tree
        self.times: list[float] = []  # seconds per scenario of the last solve_all (shared builds: the first)

    def _keep(self, sc: Scenario) -> set[int] | None:
        n = len(self.net.nodes)
        if not self.dec.cuts_down:
            return None
        keep = self.dec.non_free(sc.nodes)
        if len(keep) <= self.dec.max_share * n:
            return keep
        # its TTS already found (forest.survive), a scenario needs one TTR LP: the sub-LP on its non-free set
        # is exact at any size, and cheaper than the whole-network path's set-up
        if len(set(sc.nodes)) == 1 and self.net.index[sc.nodes[0]] in self.forest.survive:
            return keep
        return None

    def _local_solver(self) -> LocalSolver | None:
        if self._local is None:
            try:
                self._local = LocalSolver(self.net, self._base, max_nodes=self.local_nodes)
            except NoSteadyState as e:
                log.info("no local method on this network (%s): whole-network models solve the rest", e)
                self._local = False
        return self._local if isinstance(self._local, LocalSolver) else None

    def _mask(self, keep: set[int]) -> np.ndarray:
        mask = np.zeros(len(self.net.nodes), dtype=bool)
        mask[list(keep)] = True
        return mask

    def _models(self, union: set[int], bounded: bool, presolve: str) -> tuple[TimeToRecover, TimeToSurvive]:
        if self._cuts is None:
            self._cuts = SubLPs(self.net)
        sub, build = self._cuts.cut(self._mask(union))
        if self._highs is None:
            self._highs = (
                TimeToRecover(sub, built=build).highs,
                TimeToSurvive._sweeping(sub, _Warm(bounded=True), built=build).highs,
            )
        return (
            TimeToRecover._sweeping(sub, _Warm(highs=self._highs[0]), presolve=presolve, built=build),
            TimeToSurvive._sweeping(
                sub, _Warm(bounded=bounded, highs=self._highs[1]), presolve=presolve, built=build
            ),
        )

    def _solve_whole(self, sc: Scenario) -> tuple[float, float | None]:
        """A scenario the decomposition cannot cut: a steady state already found without S, else a certified
        local region, else the whole network's models (TTS first: the loss is 0 when TTS ≥ ttr)."""
        if self._full is not None and self._full[1].known_steady(sc.nodes):
            return 0.0, None
        local = self._local_solver()
        answer = local.solve(sc.nodes, sc.ttr) if local else None
        if answer is not None:
            return answer
        full = self._whole(local)
        steady = local.steady if local else None
        if local and steady is None:
            # the steady region gave up: the whole steady-state test, then on a deficit the TTS region again
            if full[1]._steady_feasible(sc.nodes):
                return 0.0, None
            steady = False
            answer = local.solve(sc.nodes, sc.ttr, steady=False)
            if answer is not None:
                return answer
        tts = full[1].solve(sc.nodes, steady=steady).tts
        if tts is None or tts >= sc.ttr:
            return 0.0, tts  # zero loss is feasible for every t up to the TTS
        return full[0].solve(sc.nodes, sc.ttr).loss or 0.0, tts

    def _whole(self, local: LocalSolver | None) -> tuple[TimeToRecover, TimeToSurvive]:
        """The whole network's TTR and TTS models of the sweep, built on first use."""
        if self._full is None:
            base = local.base if local else None
            log.debug("%s: whole-network models for the scenarios no region settles", self.net.source)
            self._full = (
                TimeToRecover._sweeping(self.net, _Warm(screen=True, from_base=True, base=base)),
                TimeToSurvive._sweeping(self.net, _Warm(screen=True, from_base=True)),
            )
        return self._full

    def _row(self, sc: Scenario, loss: float, tts: float | None) -> dict[str, Any]:
        return {"node": sc.name, "ttr": sc.ttr, "loss": loss, "tts": tts, "members": len(sc.nodes)}

    def solve(self, sc: Scenario) -> dict[str, Any]:
        return self.solve_all([sc])[0]

    def solve_all(self, todo: Sequence[Scenario]) -> list[dict[str, Any]]:
        """Rows in the order of ``todo``.

        A scenario whose non-free nodes (:mod:`chainbrain.resilience.decompose`) are at most 90% of the
        network is solved exactly on a sub-LP cut out of the whole LP; scenarios whose large non-free sets
        are equal but for the disrupted nodes share one sub-LP on the union of their sets (exact too, see
        :class:`~chainbrain.resilience.decompose.SubLPs`), re-solved warm. The others (e.g. every node has a
        capacity) are first solved on a certified region around S (:mod:`chainbrain.resilience.local`) and,
        when the region grows past a few hundred nodes, by one TTR and one TTS model of the whole network,
        built on first use and re-solved warm.
        """
        import time

        rows: list[dict[str, Any] | None] = [None] * len(todo)
        self.times = [0.0] * len(todo)
        if self.forest.applies:  # single-node scenarios whose non-free set is a tree: no LP (forest.py)
            index = self.net.index
            for i, sc in enumerate(todo):
                t0 = time.perf_counter()
                ids = set(sc.nodes)
                if len(ids) != 1 or sc.nodes[0] not in index:
                    continue
                answer = self.forest.answer((index[sc.nodes[0]],), sc.ttr)
                if answer is not None:
                    rows[i] = self._row(sc, *answer)
                    self.times[i] = time.perf_counter() - t0
        keeps = [self._keep(sc) if rows[i] is None else None for i, sc in enumerate(todo)]
        groups: dict[frozenset[int], list[int]] = {}
        for i, (sc, keep) in enumerate(zip(todo, keeps, strict=True)):
            if rows[i] is None and keep is not None and len(keep) >= self.group_min:
                down = {self.net.index[d] for d in sc.nodes}
                groups.setdefault(frozenset(keep - down), []).append(i)
        for i, sc in enumerate(todo):
            if rows[i] is not None:
                continue
            t0 = time.perf_counter()
            keep = keeps[i]
            if keep is None:
                rows[i] = self._row(sc, *self._solve_whole(sc))
                self.times[i] = time.perf_counter() - t0
                continue
            if self._cuts is None:
                self._cuts = SubLPs(self.net)
            demanding = self._cuts.demanding
            members = [i]
            if len(keep) >= self.group_min:
                down = {self.net.index[d] for d in sc.nodes}
                members = groups[frozenset(keep - down)]
            union: set[int] = set().union(*(keeps[k] or set() for k in members))
            live = [k for k in members if demanding[list(keeps[k] or ())].any()]
            for k in members:
                if k not in live:  # no demand depends on S: nothing is lost, ever
                    rows[k] = self._row(todo[k], 0.0, None)
            if live:
                bounded = all(self._cuts.bounded(self._mask(keeps[k] or set())) for k in live)
                presolve = "choose" if len(live) == 1 and len(union) > 50 else "off"
                ttr_model, tts_model = self._models(union, bounded, presolve)
                for k in live:
                    t1 = time.perf_counter()
                    other = todo[k]
                    loss = ttr_model.solve(other.nodes, other.ttr).loss
                    one = self.net.index[other.nodes[0]] if len(set(other.nodes)) == 1 else -1
                    tts: float | None
                    if one in self.forest.survive:  # found without an LP (forest.py)
                        tts = self.forest.survive.pop(one)
                    else:
                        tts = tts_model.solve(other.nodes).tts
                    rows[k] = self._row(other, loss or 0.0, tts)
                    self.times[k] = time.perf_counter() - t1
            self.times[i] = time.perf_counter() - t0 - sum(self.times[k] for k in members if k != i)
        return [r for r in rows if r is not None]


_WORKER: dict[str, ScenarioSolver] = {}  # per process: the solver of the sweep now running, kept warm


def run_chunk(
    net: Network,
    chunk: Sequence[Scenario],
    base: Steady | None = None,
    key: str | None = None,
) -> list[dict[str, Any]]:
    """Solve a chunk of scenarios (the worker's unit of work) with one :class:`ScenarioSolver`.

    With ``key`` (one per sweep), a worker process keeps its solver — whole-network models already solved,
    the local method's tables — from one chunk to the next of the same sweep, instead of building them cold
    for every chunk.
    """
    if key is None:
        return ScenarioSolver(net, base=base).solve_all(chunk)
    solver = _WORKER.get(key)
    if solver is None:
        _WORKER.clear()
        solver = _WORKER[key] = ScenarioSolver(net, base=base)
    return solver.solve_all(chunk)


_SHARED: dict[str, tuple[Network, Steady | None]] = {}  # per process: the network of the sweep now running


def _init_worker(net: Network, base: Steady | None, key: str) -> None:
    """Pool initializer: the network (5 MB pickled at 20,000 nodes) reaches each worker once, not per chunk."""
    _SHARED.clear()
    _SHARED[key] = (net, base)


def _run_shared(key: str, chunk: Sequence[Scenario]) -> list[dict[str, Any]]:
    net, base = _SHARED[key]
    return run_chunk(net, chunk, base, key)


def sweep_base(net: Network) -> Steady | None:
    """The steady state workers share, when the sweep will need the local method (else None)."""
    dec = Decomposition(net, max_share=0.9)
    if dec.cuts_down:
        return None  # the decomposition cuts every scenario down; no whole-network fallback expected
    try:
        return steady_state(net)
    except NoSteadyState:
        return None


def _chunks(items: Sequence[Scenario], size: int) -> list[list[Scenario]]:
    ordered = sorted(items, key=lambda s: s.ttr)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _with_rei(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    top = max((r["loss"] for r in rows), default=0.0)
    for r in rows:
        r["rei"] = r["loss"] / top if top > 0 else 0.0
    rows.sort(key=lambda r: (-r["loss"], r["tts"] if r["tts"] is not None else float("inf"), r["node"]))
    return rows


def sweep(
    net: Network,
    *,
    ttr: float | None = None,
    nodes: bool = True,
    groups: Mapping[str, Sequence[str]] | None = None,
    workers: int = 1,
    chunk_size: int | None = None,
    ray_address: str | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """TTR loss, TTS and REI (= loss / the largest loss) of every scenario, largest loss first.

    Rows: ``{"node", "ttr", "loss", "tts", "rei", "members"}``; ``tts`` is None when unbounded.
    ``workers`` > 1 runs chunks in that many processes; ``ray_address`` runs them on a Ray cluster.
    ``progress`` is called with the number of scenarios each finished chunk held.
    """
    todo = scenarios(net, ttr=ttr, nodes=nodes, groups=groups)
    workers = max(1, workers)
    # small chunks keep both workers busy to the end; a chunk costs little, as workers keep their solver
    size = chunk_size or max(1, min(100, -(-len(todo) // (workers * 4))))
    chunks = _chunks(todo, size)
    rows: list[dict[str, Any]] = []
    if ray_address is not None:
        rows = _ray_run(net, chunks, ray_address, progress)
    elif workers == 1 or len(chunks) == 1:
        solver = ScenarioSolver(net)
        for chunk in chunks:
            rows.extend(solver.solve_all(chunk))
            if progress:
                progress(len(chunk))
    else:
        base, key = sweep_base(net), uuid.uuid4().hex
        with ProcessPoolExecutor(
            max_workers=min(workers, os.cpu_count() or 1, len(chunks)),
            initializer=_init_worker,
            initargs=(net, base, key),
        ) as pool:
            futures = {pool.submit(_run_shared, key, chunk): len(chunk) for chunk in chunks}
            for fut in as_completed(futures):
                rows.extend(fut.result())
                if progress:
                    progress(futures[fut])
    return _with_rei(rows)


def _ray_run(
    net: Network, chunks: Iterable[list[Scenario]], address: str, progress: Progress | None
) -> list[dict[str, Any]]:
    """Run the chunks as Ray tasks on the cluster at ``address`` (optional extra ``chainbrain[ray]``)."""
    try:
        import ray
    except ImportError as e:
        raise RayUnavailable(
            "未安装 ray，无法使用 --ray 在集群上运行。请先安装可选依赖：pip install 'chainbrain[ray]'"
        ) from e
    try:
        ray.init(address=address, ignore_reinit_error=True)
    except (ConnectionError, RuntimeError) as e:
        raise RayUnavailable(f"无法连接 Ray 集群 {address}：{e}") from e
    task = ray.remote(run_chunk)
    net_ref = ray.put(net)
    base, key = sweep_base(net), uuid.uuid4().hex
    pending = {task.remote(net_ref, c, base, key): len(c) for c in chunks}
    rows: list[dict[str, Any]] = []
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        for ref in done:
            rows.extend(ray.get(ref))
            n = pending.pop(ref)
            if progress:
                progress(n)
    return rows
