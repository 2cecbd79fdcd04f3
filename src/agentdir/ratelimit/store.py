"""Rate-limit stores: where accepted request times live. Memory here; Redis and SQL
stores implement the same one-call interface so a check is one atomic step."""

from __future__ import annotations

from collections import deque
from typing import Protocol

from agentdir.ratelimit.policy import Limit
from agentdir.ratelimit.window import Decision, decide

__all__ = ["MemoryStore", "RateLimitStore"]


class RateLimitStore(Protocol):
    async def acquire(self, key: str, endpoint: str, limit: Limit, now: float) -> Decision:
        """Atomically decide on one request and, if accepted, record it."""
        ...

    async def ping(self) -> None:
        """Raise ServiceUnavailable when the store cannot be reached."""
        ...

    async def close(self) -> None: ...


class MemoryStore:
    """Exact, for one process. Each check runs without an await, so it is atomic
    on the event loop."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}

    async def acquire(self, key: str, endpoint: str, limit: Limit, now: float) -> Decision:
        hits = self._hits.setdefault(key, deque())
        horizon = now - limit.window_seconds
        while hits and hits[0] <= horizon:
            hits.popleft()
        decision = decide(endpoint, limit, hits, now)  # reads three positions, copies nothing
        if decision.allowed:
            hits.append(now)
        elif not hits:
            del self._hits[key]
        return decision

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._hits.clear()
