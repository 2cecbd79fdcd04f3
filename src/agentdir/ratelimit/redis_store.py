"""The Redis rate-limit store: exact across every worker and host of a deployment.

Each check is one round trip: a Lua script that drops the hits that left the
window, counts the rest, and records the new hit only if it is accepted, all
atomically inside Redis. Hits are kept in a sorted set per (account, endpoint),
scored by time.

Times come from the workers' injected clock, so hosts must keep their clocks in
sync (NTP); a skew of a few milliseconds moves a window edge by as much.
"""

from __future__ import annotations

import secrets
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from agentdir.errors import ServiceUnavailable
from agentdir.ratelimit.policy import Limit
from agentdir.ratelimit.window import Decision, decide_from_counts

__all__ = ["RedisStore"]

# Returns {live hits before this request, oldest live score, blocking score}: the
# blocking hit is the one `limit` places from the newest, which must leave the window
# before a slot frees. Scores go back as strings: Lua numbers would be truncated to
# integers on the way out. The work is O(log n) whatever the window holds.
_ACQUIRE = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local oldest = false
local blocking = false
if count > 0 then
  oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
end
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
else
  blocking = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')[2]
end
redis.call('PEXPIRE', key, math.ceil(window * 1000) + 1000)
return {count, oldest, blocking}
"""


class RedisStore:
    def __init__(self, client: redis.Redis, *, prefix: str = "agentdir:") -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_ACQUIRE)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "agentdir:") -> RedisStore:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=1.0,
            socket_timeout=1.0,
            health_check_interval=10,
            retry_on_timeout=False,
        )
        return cls(client, prefix=prefix)

    async def acquire(self, key: str, endpoint: str, limit: Limit, now: float) -> Decision:
        member = f"{now!r}:{secrets.token_hex(6)}"
        try:
            reply: list[Any] = await self._script(
                keys=[self._prefix + key],
                args=[repr(now), limit.window_seconds, limit.requests, member],
            )
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable("rate-limit store") from exc
        # Redis decided atomically (it recorded the hit only if count < limit);
        # the same rule on the same numbers gives the verdict and the headers.
        count, oldest, blocking = reply
        return decide_from_counts(
            endpoint,
            limit,
            count=int(count),
            oldest=float(oldest) if oldest is not None else None,
            blocking=float(blocking) if blocking is not None else None,
            now=now,
        )

    async def ping(self) -> None:
        try:
            await self._client.ping()
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable("rate-limit store") from exc

    async def close(self) -> None:
        await self._client.aclose()
