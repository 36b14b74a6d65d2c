"""Results of read-only analytics kept in memory until a write changes what they were computed from.

While ``chainbrain serve`` runs, its process holds the DuckDB file open for writing, so every change to
the data comes through this app (imports, observations, needs, offers). Every cached result names the
store tables it reads (``depends``); a write calls :meth:`ResultCache.invalidate` with the tables it
changed, and only the results that read one of them go stale — posting a need leaves the supply network,
the sweep and the cockpit's figures as they are; importing supply links does not.

How readers meet a result that is missing or stale (single flight, one computation per key at a time):

- never computed: the first reader computes it; readers that arrive meanwhile wait for that one
  computation instead of starting their own;
- stale (a write touched its tables): the first reader rebuilds it and waits for the rebuild, so a user
  who has just written reads their own write; readers that arrive during the rebuild get the last good
  value at once, so a slow rebuild (the resilience sweep) never holds up every reader;
- a computation that read a stale value, or that was running when a write touched its tables, is kept
  as stale, and the next reader rebuilds it. Errors are not kept: the next reader tries again.

Role filtering happens after the cache, on the shared full result, so one user's view never leaks into
another's; encoded responses (:meth:`ResultCache.json`) are kept per role view.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from chainbrain.battery.indicators import TABLES as BATTERY_TABLES
from chainbrain.infra.indicators import TABLES as INFRA_TABLES

T = TypeVar("T")

#: the chain map's tables (migration 001): what the chain analytics and 招商 recommendations read
CHAIN = frozenset({"district", "segment", "enterprise", "site", "vehicle_model", "bom_line", "supply_link"})
#: what the resilience network reads (:func:`chainbrain.resilience.dbnet.network_from_store`)
NETWORK = frozenset(
    {"site", "segment", "site_resilience", "vehicle_model", "model_margin", "bom_line", "supply_link"}
)
#: what the target assessments read (:func:`chainbrain.monitor.status.assess_all`): the targets and their
#: observations, and for each live target's ``live_value`` the tables its indicator counts — the chain's firms
#: (parts firms, 专精特新), the infrastructure registry and the battery ledger; without them an imported firm
#: showed in the cockpit (544 零部件企业) but not beside the targets (543) until the next day
TARGETS = frozenset({"target", "observation"}) | CHAIN | frozenset(INFRA_TABLES) | frozenset(BATTERY_TABLES)

#: import table (registry name) → the store tables its write replaces rows of
_IMPORT_WRITES = {
    "districts": ("district",),
    "segments": ("segment",),
    "enterprises": ("enterprise",),
    "sites": ("site",),
    "vehicle_models": ("vehicle_model",),
    "bom_lines": ("bom_line",),
    "supply_links": ("supply_link",),
    "observations": ("observation",),
}


def import_writes(table: str) -> tuple[str, ...]:
    """The store tables an import of registry table ``table`` writes; () — every table — when unknown."""
    return _IMPORT_WRITES.get(table, ())


class _Flight:
    """One computation of a key under way: who waits for it, and whether a write overtook it."""

    __slots__ = ("depends", "dirty", "done", "error", "value")

    def __init__(self, depends: frozenset[str] | None) -> None:
        self.depends = depends
        self.dirty = False
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class _Entry:
    __slots__ = ("depends", "fresh", "value")

    def __init__(self, value: Any, depends: frozenset[str] | None, fresh: bool) -> None:
        self.value = value
        self.depends = depends
        self.fresh = fresh


def _touches(depends: frozenset[str] | None, changed: frozenset[str] | None) -> bool:
    return depends is None or changed is None or not depends.isdisjoint(changed)


class ResultCache:
    """A bounded LRU of results keyed by (name, arguments), each stale once a table it reads is written.

    ``depends=None`` (the default) means "reads every table"; ``invalidate()`` without tables means
    "every table changed". Counters: ``hits`` (fresh), ``stale_hits`` (the last good value served during
    a rebuild), ``misses`` (computations stored), ``waits`` (readers that waited for another's computation).
    """

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self.generation = 0  # number of writes seen
        self.hits = 0
        self.stale_hits = 0
        self.misses = 0
        self.waits = 0
        self._data: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def get(self, key: Hashable, compute: Callable[[], T], depends: Iterable[str] | None = None) -> T:
        """The result for ``key``: cached, the last good one while another reader rebuilds it, or computed."""
        deps = None if depends is None else frozenset(depends)
        with self._lock:
            entry = self._data.get(key)
            if entry is not None and entry.fresh:
                self._data.move_to_end(key)
                self.hits += 1
                return entry.value
            flight = self._flights.get(key)
            if flight is not None and entry is not None:
                self.stale_hits += 1
                self._taint()  # whatever this thread is computing read a stale value
                return entry.value
            owner = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight(deps)
            else:
                self.waits += 1
        if not owner:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            if flight.dirty:
                self._taint()
            return flight.value
        return self._run(key, flight, compute)

    def state(self, key: Hashable) -> str:
        """``fresh``, ``stale`` or ``missing`` (for tests and diagnostics)."""
        with self._lock:
            entry = self._data.get(key)
            return "missing" if entry is None else "fresh" if entry.fresh else "stale"

    def invalidate(self, *tables: str) -> None:
        """The store's ``tables`` have changed (none named: every table): results that read them go stale."""
        changed = frozenset(tables) or None
        with self._lock:
            self.generation += 1
            for entry in self._data.values():
                if entry.fresh and _touches(entry.depends, changed):
                    entry.fresh = False
            for flight in self._flights.values():
                if _touches(flight.depends, changed):
                    flight.dirty = True

    def clear(self) -> None:
        """Forget every result (another store was opened); computations under way are kept as stale."""
        with self._lock:
            self.generation += 1
            self._data.clear()
            for flight in self._flights.values():
                flight.dirty = True

    def json(
        self, key: Hashable, view: Hashable, build: Callable[[], Any], depends: Iterable[str] | None = None
    ) -> Response:
        """A JSON response of ``build()`` for one role ``view`` of ``key``, encoded once and kept as bytes.

        ``build`` returns a pydantic model (or anything a TypeAdapter dumps); its own cached inputs are
        read through :meth:`get`, so the bytes go stale with them.
        """

        def encode() -> bytes:
            value = build()
            if isinstance(value, BaseModel):
                return value.model_dump_json(by_alias=True).encode()
            return TypeAdapter(type(value)).dump_json(value, by_alias=True)

        return Response(self.get(("json", key, view), encode, depends), media_type="application/json")

    async def ajson(
        self, key: Hashable, view: Hashable, build: Callable[[], Any], depends: Iterable[str] | None = None
    ) -> Response:
        """:meth:`json` for an ``async`` route: a fresh hit is answered on the event loop, without a thread;
        anything else (a computation, a wait, a stale value) is looked up in the thread pool."""
        body = self.fresh_json(key, view)
        if body is not None:
            return Response(body, media_type="application/json")
        return await run_in_threadpool(self.json, key, view, build, depends)

    def fresh_json(self, key: Hashable, view: Hashable) -> bytes | None:
        """The encoded bytes :meth:`json` keeps for ``key`` and ``view`` if they are fresh (a hit), else None."""
        with self._lock:  # held only for dictionary work, never while computing
            entry = self._data.get(("json", key, view))
            if entry is None or not entry.fresh:
                return None
            self._data.move_to_end(("json", key, view))
            self.hits += 1
            value: bytes = entry.value
            return value

    def _run(self, key: Hashable, flight: _Flight, compute: Callable[[], T]) -> T:
        stack = self._stack()
        stack.append(flight)
        try:
            value = compute()
        except BaseException as e:
            with self._lock:
                self._flights.pop(key, None)
                flight.error = e
            flight.done.set()
            raise
        finally:
            stack.pop()
        with self._lock:
            self.misses += 1
            self._flights.pop(key, None)
            self._data[key] = _Entry(value, flight.depends, fresh=not flight.dirty)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
            flight.value = value
        flight.done.set()
        if flight.dirty:
            self._taint()  # a computation that used this value read something stale too
        return value

    def _stack(self) -> list[_Flight]:
        stack: list[_Flight] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _taint(self) -> None:
        """Mark the computation this thread is running (if any) as built on a stale value."""
        stack = self._stack()
        if stack:
            stack[-1].dirty = True


class SessionCache:
    """Users of recently seen session tokens, for ``ttl`` seconds, so a request need not query the store.

    Logging out drops the token here as well as in the store; a session ended by its expiry is noticed
    at most ``ttl`` seconds late. Revoking a user's sessions (:meth:`drop_user`) takes effect at once,
    also against a request that read the session from the store just before the revocation.
    """

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._data: dict[str, tuple[float, Any]] = {}
        self._revoked_at: dict[int, float] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Any | None:
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(token)
            if hit is None or now - hit[0] > self.ttl:
                return None
            return hit[1]

    def put(self, token: str, user: Any, looked_up_at: float | None = None) -> None:
        """Remember ``user`` for ``token``; not if the user's sessions were revoked since ``looked_up_at``
        (the ``time.monotonic()`` taken before the store was asked)."""
        with self._lock:
            uid = getattr(user, "id", None)
            revoked = self._revoked_at.get(uid) if isinstance(uid, int) else None
            if looked_up_at is not None and revoked is not None and revoked >= looked_up_at:
                return
            if len(self._data) > 10_000:  # many logins: start again rather than grow without bound
                self._data.clear()
            self._data[token] = (time.monotonic(), user)

    def drop(self, token: str) -> None:
        with self._lock:
            self._data.pop(token, None)

    def drop_user(self, user_id: int) -> None:
        """Forget every token of one user (sessions revoked, password changed, user deactivated)."""
        with self._lock:
            self._revoked_at[user_id] = time.monotonic()
            for token in [t for t, (_, user) in self._data.items() if getattr(user, "id", None) == user_id]:
                del self._data[token]
