"""The analytics result cache: invalidation by table, the last good value during a rebuild, single flight.

Concurrency is driven by events, never by sleeping: a computation blocks until the test releases it, and
the test waits (with a generous deadline that only a failure reaches) until the other readers are where
the test needs them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from chainbrain.api.cache import CHAIN, NETWORK, TARGETS, ResultCache, import_writes

DEADLINE = 120.0  # seconds; reached only when the cache is wrong (a reader that should not wait, waits)


def _until(cond: Callable[[], bool]) -> None:
    end = time.monotonic() + DEADLINE
    while not cond():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.005)


class Gate:
    """A computation that counts its calls and, while closed, blocks until it is opened."""

    def __init__(self, value: Any, closed: bool = False) -> None:
        self.value = value
        self.calls = 0
        self.started = threading.Event()
        self.open = threading.Event()
        if not closed:
            self.open.set()

    def __call__(self) -> Any:
        self.calls += 1
        self.started.set()
        assert self.open.wait(DEADLINE)
        return self.value


def _in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    return t, out


def test_a_write_stales_only_results_that_read_its_tables() -> None:
    cache = ResultCache()
    cache.get("network", lambda: "net", NETWORK)
    cache.get("targets", lambda: "t", TARGETS)
    cache.get("anything", lambda: "a")  # no depends: reads every table
    cache.invalidate("need")
    assert (cache.state("network"), cache.state("targets"), cache.state("anything")) == (
        "fresh",
        "fresh",
        "stale",
    )
    cache.invalidate("observation")
    assert (cache.state("network"), cache.state("targets")) == ("fresh", "stale")
    cache.invalidate("supply_link")
    assert cache.state("network") == "stale"


def test_invalidate_without_tables_stales_everything() -> None:
    cache = ResultCache()
    cache.get("a", lambda: 1, {"site"})
    cache.get("b", lambda: 2, {"target"})
    cache.invalidate()
    assert cache.state("a") == cache.state("b") == "stale"


def test_a_fresh_result_is_not_computed_again() -> None:
    cache = ResultCache()
    gate = Gate(41)
    assert cache.get("k", gate, CHAIN) == 41
    cache.invalidate("need", "offer", "observation")  # none of these is a chain table
    assert cache.get("k", gate, CHAIN) == 41
    assert (gate.calls, cache.hits, cache.misses) == (1, 1, 1)


def test_the_first_reader_after_a_write_rebuilds_and_reads_its_own_write() -> None:
    cache = ResultCache()
    cache.get("k", lambda: "old", {"site"})
    cache.invalidate("site")
    assert cache.get("k", lambda: "new", {"site"}) == "new"
    assert cache.state("k") == "fresh"


def test_readers_during_a_rebuild_get_the_last_good_value_at_once() -> None:
    cache = ResultCache()
    cache.get("k", lambda: "old", {"supply_link"})
    cache.invalidate("supply_link")
    rebuild = Gate("new", closed=True)
    owner, owner_out = _in_thread(lambda: cache.get("k", rebuild, {"supply_link"}))
    assert rebuild.started.wait(DEADLINE)
    # the rebuild is held: 20 readers still answer, each with the last good value, none computes
    second = Gate("never")
    assert [cache.get("k", second, {"supply_link"}) for _ in range(20)] == ["old"] * 20
    assert second.calls == 0 and cache.stale_hits == 20
    rebuild.open.set()
    owner.join(DEADLINE)
    assert owner_out == ["new"]
    assert cache.get("k", second, {"supply_link"}) == "new" and second.calls == 0


def test_readers_of_a_never_computed_key_wait_for_the_one_computation() -> None:
    cache = ResultCache()
    gate = Gate("v", closed=True)
    threads = [_in_thread(lambda: cache.get("cold", gate, CHAIN)) for _ in range(8)]
    assert gate.started.wait(DEADLINE)
    _until(lambda: cache.waits == 7)  # the other seven wait on the first one's computation
    gate.open.set()
    for t, _ in threads:
        t.join(DEADLINE)
    assert [out for _, out in threads] == [["v"]] * 8
    assert gate.calls == 1 and cache.misses == 1


def test_a_write_during_a_computation_keeps_its_result_stale() -> None:
    cache = ResultCache()
    gate = Gate("read-before-the-write", closed=True)
    t, out = _in_thread(lambda: cache.get("k", gate, {"site"}))
    assert gate.started.wait(DEADLINE)
    cache.invalidate("site")
    gate.open.set()
    t.join(DEADLINE)
    assert out == ["read-before-the-write"] and cache.state("k") == "stale"
    assert cache.get("k", lambda: "after", {"site"}) == "after"


def test_a_write_to_other_tables_during_a_computation_does_not() -> None:
    cache = ResultCache()
    gate = Gate("v", closed=True)
    t, _ = _in_thread(lambda: cache.get("k", gate, {"site"}))
    assert gate.started.wait(DEADLINE)
    cache.invalidate("need")
    gate.open.set()
    t.join(DEADLINE)
    assert cache.state("k") == "fresh"


def test_a_result_built_on_a_stale_value_is_itself_stale() -> None:
    cache = ResultCache()
    cache.get("inner", lambda: 1, {"site"})
    cache.invalidate("site")
    rebuild = Gate(2, closed=True)
    t, _ = _in_thread(lambda: cache.get("inner", rebuild, {"site"}))
    assert rebuild.started.wait(DEADLINE)
    # an outer result computed now sees the inner one's last good value (1): it must not be kept as fresh
    assert cache.get("outer", lambda: cache.get("inner", rebuild, {"site"}) * 10, {"site"}) == 10
    assert cache.state("outer") == "stale"
    rebuild.open.set()
    t.join(DEADLINE)
    assert cache.get("outer", lambda: cache.get("inner", rebuild, {"site"}) * 10, {"site"}) == 20
    assert cache.state("outer") == "fresh"


def test_errors_reach_every_waiting_reader_and_are_not_kept() -> None:
    cache = ResultCache()
    started, release = threading.Event(), threading.Event()

    def fail() -> Any:
        started.set()
        assert release.wait(DEADLINE)
        raise ValueError("网络无效")

    errors: list[str] = []

    def read() -> None:
        try:
            cache.get("k", fail, CHAIN)
        except ValueError as e:
            errors.append(str(e))

    threads = [threading.Thread(target=read, daemon=True) for _ in range(3)]
    threads[0].start()
    assert started.wait(DEADLINE)
    for t in threads[1:]:
        t.start()
    _until(lambda: cache.waits == 2)
    release.set()
    for t in threads:
        t.join(DEADLINE)
    assert errors == ["网络无效"] * 3
    assert cache.state("k") == "missing" and cache.get("k", lambda: "ok", CHAIN) == "ok"


def test_encoded_responses_are_kept_per_view() -> None:
    from pydantic import BaseModel

    class Out(BaseModel):
        rows: list[str]

    cache = ResultCache()
    builds: list[str] = []

    def build(view: str) -> Callable[[], Out]:
        def run() -> Out:
            builds.append(view)
            return Out(rows=["全部"] if view == "all" else [view])

        return run

    assert cache.json("k", "all", build("all"), CHAIN).body == '{"rows":["全部"]}'.encode()
    assert cache.json("k", "firm:changan", build("firm:changan"), CHAIN).body == b'{"rows":["firm:changan"]}'
    assert cache.json("k", "all", build("all"), CHAIN).body == '{"rows":["全部"]}'.encode()
    assert builds == ["all", "firm:changan"]
    cache.invalidate("enterprise")
    cache.json("k", "all", build("all"), CHAIN)
    assert builds == ["all", "firm:changan", "all"]


@pytest.mark.parametrize(
    ("table", "written"),
    [
        ("supply_links", ("supply_link",)),
        ("enterprises", ("enterprise",)),
        ("observations", ("observation",)),
    ],
)
def test_an_import_names_the_table_it_writes(table: str, written: tuple[str, ...]) -> None:
    assert import_writes(table) == written


def test_an_unknown_import_table_stales_everything() -> None:
    cache = ResultCache()
    cache.get("k", lambda: 1, TARGETS)
    cache.invalidate(*import_writes("a-table-added-later"))
    assert cache.state("k") == "stale"


def test_clear_forgets_everything_and_keeps_a_running_computation_stale() -> None:
    cache = ResultCache()
    cache.get("a", lambda: 1, CHAIN)
    gate = Gate("from-the-old-store", closed=True)
    t, _ = _in_thread(lambda: cache.get("b", gate, CHAIN))
    assert gate.started.wait(DEADLINE)
    cache.clear()
    assert cache.state("a") == "missing"
    gate.open.set()
    t.join(DEADLINE)
    assert cache.state("b") == "stale"
