"""The per-account, per-endpoint limiter (spec 4) over a pluggable store."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from agentdir.clock import Clock
from agentdir.errors import RateLimited, ServiceUnavailable
from agentdir.ratelimit.policy import DEFAULT_LIMITS, Limit
from agentdir.ratelimit.store import RateLimitStore
from agentdir.ratelimit.window import Decision

__all__ = ["RateLimiter"]

log = logging.getLogger("agentdir.ratelimit")


class RateLimitExceeded(RateLimited):
    """A refusal that carries the decision, so the answer can show the limit's state."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.retry_after)
        self.decision = decision


class RateLimiter:
    def __init__(
        self,
        store: RateLimitStore,
        limits: Mapping[str, Limit],
        clock: Clock,
        *,
        fail_open: bool = False,
    ) -> None:
        self.store = store
        self.limits = {**DEFAULT_LIMITS, **limits}  # an endpoint left out keeps its default
        self.clock = clock
        self.fail_open = fail_open

    async def check(self, account_id: int, endpoint: str) -> Decision | None:
        """Count one request; raise RateLimitExceeded when over the limit.

        Returns None only when the store is down and the limiter fails open.
        """
        limit = self.limits[endpoint]
        key = f"rl:{account_id}:{endpoint}"
        try:
            decision = await self.store.acquire(key, endpoint, limit, self.clock.now())
        except ServiceUnavailable:
            if self.fail_open:
                log.warning("rate-limit store unavailable; failing open")
                return None
            raise
        if not decision.allowed:
            raise RateLimitExceeded(decision)
        return decision

    async def close(self) -> None:
        await self.store.close()
