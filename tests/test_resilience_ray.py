"""The distributed path for real: a sweep on a local Ray cluster equals the serial sweep.

The cluster is started with ``ray start --head`` on loopback (127.0.0.1, a free port, 2 CPUs, no dashboard,
no usage statistics) and stopped after the module; the sweep reaches it through ``ray_address``, the way
``chainbrain resilience sweep --ray-address HOST:PORT`` reaches an existing cluster.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbrain.resilience.ray_local import local_cluster, loopback_environment
from chainbrain.resilience.samples import layered, load_willems
from chainbrain.resilience.sweep import sweep

loopback_environment()  # before Ray is imported: the cluster and this driver stay on 127.0.0.1
ray = pytest.importorskip("ray")

WILLEMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "willems_2008"


def _by_node(rows: list[dict]) -> dict[str, dict]:
    return {r["node"]: r for r in rows}


def _assert_same(got: list[dict], want: list[dict]) -> None:
    assert len(got) == len(want)
    g, w = _by_node(got), _by_node(want)
    assert g.keys() == w.keys()
    for node, a in w.items():
        b = g[node]
        assert b["ttr"] == a["ttr"] and b["members"] == a["members"], node
        assert b["loss"] == pytest.approx(a["loss"], rel=1e-9, abs=1e-9), node
        if a["tts"] is None:
            assert b["tts"] is None, node
        else:
            assert b["tts"] == pytest.approx(a["tts"], rel=1e-9), node
        assert b["rei"] == pytest.approx(a["rei"], rel=1e-9, abs=1e-12), node
    # the ranking (largest loss first) is the same wherever losses differ by more than round-off
    assert [r["node"] for r in got if r["loss"] > 0] == [r["node"] for r in want if r["loss"] > 0]


def test_ray_sweep_equals_serial_sweep() -> None:
    """One test, so one cluster: ``ray stop`` ends every cluster of the machine, and pytest-xdist would
    otherwise start one per worker."""
    with local_cluster(num_cpus=2) as cluster:
        # every node capacitated: the local-region and whole-network paths both run
        net = layered(240, seed=11)
        serial = sweep(net, ttr=20.0)
        assert sum(r["tts"] is not None for r in serial) > 0, "some scenarios must have a finite TTS"
        _assert_same(sweep(net, ttr=20.0, ray_address=cluster.address, chunk_size=25), serial)

        # one chunk is one task: the same solver sees the same scenarios in the same order as serially
        small = layered(120, seed=5)
        assert sweep(small, ray_address=cluster.address, chunk_size=10_000) == sweep(small)

        if WILLEMS.is_dir():  # ../shared/data beside the repo
            chain = load_willems(WILLEMS / "21.csv")
            _assert_same(sweep(chain, ray_address=cluster.address), sweep(chain))
