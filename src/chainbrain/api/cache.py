"""Results of read-only analytics kept in memory until the store changes.

While ``chainbrain serve`` runs, its process holds the DuckDB file open for writing, so every change to
the data comes through this app (imports, observations). Those routes call :meth:`ResultCache.invalidate`;
everything else may reuse a result computed for the same arguments. Role filtering happens after the
cache, on the shared full result, so one user's view never leaks into another's.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ResultCache:
    """A bounded LRU of results keyed by (name, arguments), emptied on every write."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self.generation = 0
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached result for ``key``, computing (outside the lock) and storing it on a miss."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            generation = self.generation
        value = compute()
        with self._lock:
            self.misses += 1
            if generation == self.generation:  # no write happened while computing
                self._data[key] = value
                if len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
        return value

    def invalidate(self) -> None:
        """Forget everything: the store has changed."""
        with self._lock:
            self.generation += 1
            self._data.clear()


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
